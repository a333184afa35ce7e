"""What a browser's front end makes of the frames a live figure sends: the tests' screen.

ipympl's front end replaces its picture with a full frame and draws a diff frame over it at
the top left corner (a transparent pixel leaves what is there); the demo page's
figure-frames.js draws each part of a diff where its paSt chunk says.
"""

import io
import struct

import numpy as np
from PIL import Image


def decoded(png):
    return np.asarray(Image.open(io.BytesIO(png)).convert("RGBA"))


def chunks(png):
    """(type, data) of each chunk of a PNG, in order."""
    position = 8
    while position < len(png):
        (length,) = struct.unpack(">I", png[position:position + 4])
        yield png[position + 4:position + 8], png[position + 8:position + 8 + length]
        position += 12 + length


def pastes(png):
    """[(x, y, width, height, to_x, to_y)] from a PNG's paSt chunk, or None without one."""
    found = [data for kind, data in chunks(png) if kind == b"paSt"]
    if not found:
        return None
    kinds = [kind for kind, _ in chunks(png)]
    assert kinds.index(b"paSt") < kinds.index(b"IDAT"), "where the parts go comes before the image"
    numbers = struct.unpack(f">{len(found[0]) // 4}I", found[0])
    return [tuple(numbers[i:i + 6]) for i in range(0, len(numbers), 6)]


def painted(screen, png, mode):
    """The picture after a frame ``png`` sent in image ``mode`` ("full" or "diff") reaches ``screen``."""
    image = decoded(png)
    if mode == "full":
        return image.copy()
    screen = screen.copy()
    for x, y, width, height, to_x, to_y in pastes(png) or [(0, 0, *image.shape[1::-1], 0, 0)]:
        part = image[y:y + height, x:x + width]
        drawn = part[:, :, 3] > 0
        screen[to_y:to_y + height, to_x:to_x + width][drawn] = part[drawn]
    return screen
