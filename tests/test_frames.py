"""backprop_kit.frames.diff_png: a PNG whose blank rows are written from kept deflated zeros.

Independent truth: Pillow's PNG decoder and zlib's own inflate, which checks the Adler-32
the writer computes for rows it never compresses.
"""

import io
import struct
import zlib

import numpy as np
import pytest
from PIL import Image

from backprop_kit.frames import diff_png


def decoded(png):
    return np.asarray(Image.open(io.BytesIO(png)).convert("RGBA"))


def image_data(png):
    """The zlib stream of a PNG's IDAT chunks."""
    position, data = 8, b""
    while position < len(png):
        (length,) = struct.unpack(">I", png[position:position + 4])
        if png[position + 4:position + 8] == b"IDAT":
            data += png[position + 8:position + 8 + length]
        position += 12 + length
    return data


def blots(height, width, count, seed):
    """Mostly blank rows, with ``count`` filled rectangles: what a slider step changes."""
    rng = np.random.default_rng(seed)
    image = np.zeros((height, width, 4), np.uint8)
    for _ in range(count):
        row, column = rng.integers(height), rng.integers(width)
        image[row:row + rng.integers(1, 30), column:column + rng.integers(1, 30)] = rng.integers(1, 256, 4)
    return image


@pytest.mark.parametrize("image", [
    np.zeros((1, 1, 4), np.uint8),  # nothing changed
    np.full((3, 5, 4), 200, np.uint8),  # no blank row
    np.random.default_rng(0).integers(0, 256, (40, 30, 4)).astype(np.uint8),  # zeros inside rows too
    blots(300, 200, 1, seed=1),
    blots(427, 1523, 6, seed=2),  # notebook 1's cut frame at projector scale
], ids=["one pixel", "full", "noise", "one blot", "six blots"])
def test_the_png_decodes_to_the_image_and_its_checksum_holds(image):
    png = diff_png(image)
    assert np.array_equal(decoded(png), image)
    rows = zlib.decompress(image_data(png))  # raises on a wrong Adler-32
    assert len(rows) == image.shape[0] * (1 + 4 * image.shape[1])


def test_blank_rows_leave_the_png_small():
    image = blots(600, 1500, 2, seed=3)
    assert len(diff_png(image)) < 0.01 * image.nbytes
