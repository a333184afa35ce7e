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

from backprop_kit.frames import GAP_PX, MAX_PIECES, DiffFrames, changed_rectangles, diff_png


def decoded(png):
    return np.asarray(Image.open(io.BytesIO(png)).convert("RGBA"))


def chunks(png):
    """(type, data) of each chunk of a PNG, in order."""
    position = 8
    while position < len(png):
        (length,) = struct.unpack(">I", png[position:position + 4])
        yield png[position + 4:position + 8], png[position + 8:position + 8 + length]
        position += 12 + length


def image_data(png):
    """The zlib stream of a PNG's IDAT chunks."""
    return b"".join(data for kind, data in chunks(png) if kind == b"IDAT")


def pngs(frame):
    """The PNGs of a frame sent as several, one after the other (each ends with its IEND chunk)."""
    images, start, position = [], 0, 8
    while position < len(frame):
        (length,) = struct.unpack(">I", frame[position:position + 4])
        kind = frame[position + 4:position + 8]
        position += 12 + length
        if kind == b"IEND":
            images.append(frame[start:position])
            start, position = position, position + 8
    assert start == len(frame), "the frame ends with a whole PNG"
    return images


def offset(png):
    """(x, y) from a PNG's oFFs chunk (which must count pixels), or None without one."""
    places = [struct.unpack(">iiB", data) for kind, data in chunks(png) if kind == b"oFFs"]
    if not places:
        return None
    assert [kind for kind, _ in chunks(png)].index(b"oFFs") < [kind for kind, _ in chunks(png)].index(b"IDAT")
    (x, y, unit), = places
    assert unit == 0, "the offset counts pixels"
    return x, y


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
    assert np.array_equal(decoded(diff_png(image, offset=(7, 3))), image) and offset(diff_png(image, (7, 3))) == (7, 3)
    rows = zlib.decompress(image_data(png))  # raises on a wrong Adler-32
    assert len(rows) == image.shape[0] * (1 + 4 * image.shape[1])


def test_blank_rows_leave_the_png_small():
    image = blots(600, 1500, 2, seed=3)
    assert len(diff_png(image)) < 0.01 * image.nbytes


class StandInCanvas:
    """What DiffFrames uses of a WebAgg canvas: its pixels, the picture sent, the image mode."""

    def __init__(self, pixels):
        self.pixels = pixels
        self._png_is_old, self._force_full = True, True
        self._last_buff = np.empty((0, 0), np.uint32)
        self.modes = []

    def get_renderer(self):
        return self

    def buffer_rgba(self):
        return self.pixels

    def set_image_mode(self, mode):
        self.modes.append(mode)


def frames_for(canvas, changes, at_offsets=False):
    """Send the first picture, then one frame after each change of the pixels; paint them as a
    front end does (a diff drawn over the picture at the top left, or where its oFFs chunk says
    once the front end has said it reads it) and return the picture and the frames sent."""
    frames = DiffFrames(canvas)
    sent = [frames.next_frame()]
    screen = decoded(sent[0]).copy()
    if at_offsets:
        canvas.handle_bpk_offset_frames({"type": "bpk_offset_frames"})  # as WebAgg passes it on
    for change in changes:
        change(canvas.pixels)
        canvas._png_is_old = True
        sent.append(frames.next_frame())
        if canvas.modes[-1] == "full":
            screen = decoded(sent[-1]).copy()
            continue
        for png in pngs(sent[-1]):
            image = decoded(png)
            x, y = offset(png) or (0, 0)
            height, width = image.shape[:2]
            drawn = image[:, :, 3] > 0
            screen[y:y + height, x:x + width][drawn] = image[drawn]
    return screen, sent


def test_an_opaque_picture_is_sent_as_cut_diffs_and_shown_right():
    canvas = StandInCanvas(np.full((50, 80, 4), 255, np.uint8))
    screen, sent = frames_for(canvas, [lambda p: p.__setitem__((slice(5, 9), slice(10, 20), 0), 7),
                                       lambda p: p.__setitem__((slice(30, 31), slice(60, 61), 1), 9)])
    assert canvas.modes == ["full", "diff", "diff"]
    assert np.array_equal(screen, canvas.pixels)
    assert [decoded(png).shape[:2] for png in sent[1:]] == [(9, 20), (31, 61)], "cut at the last change"
    assert not any(offset(png) for png in sent), "a front end that did not ask gets no offsets"


def test_a_front_end_that_reads_offsets_gets_the_rectangles_that_changed():
    canvas = StandInCanvas(np.full((80, 120, 4), 255, np.uint8))
    screen, sent = frames_for(canvas, [
        lambda p: p.__setitem__((slice(5, 9), slice(10, 20), 0), 7),
        lambda p: p.__setitem__((slice(30, 31), slice(60, 61), 1), 9),
        lambda p: (p.__setitem__((2, 110, 2), 1), p.__setitem__((75, 3, 2), 1)),  # far apart: two
        lambda p: (p.__setitem__((40, 40, 2), 5), p.__setitem__((50, 50, 2), 5)),  # near: one
        lambda p: None,
    ], at_offsets=True)
    assert canvas.modes == ["full", "diff", "diff", "diff", "diff", "diff"]
    assert np.array_equal(screen, canvas.pixels)
    assert offset(sent[0]) is None, "a whole picture goes at the top left"
    places = [[(offset(png), decoded(png).shape[:2]) for png in pngs(frame)] for frame in sent[1:]]
    assert places == [[((10, 5), (4, 10))], [((60, 30), (1, 1))], [((110, 2), (1, 1)), ((3, 75), (1, 1))],
                      [((40, 40), (11, 11))], [(None, (1, 1))]]  # nothing changed: one blank pixel


def test_changes_closer_than_the_gap_share_a_rectangle_and_too_many_make_one():
    changed = np.zeros((100, 200), bool)
    changed[10, 10] = changed[10 + GAP_PX, 10 + GAP_PX] = True  # just close enough
    changed[60, 100] = changed[61, 100 + GAP_PX + 1] = True  # just too far apart
    assert changed_rectangles(changed) == [(10, 11 + GAP_PX, 10, 11 + GAP_PX), (60, 61, 100, 101),
                                           (61, 62, 101 + GAP_PX, 102 + GAP_PX)]  # rows cut again
    scattered = np.zeros((100, (MAX_PIECES + 1) * (GAP_PX + 2)), bool)
    scattered[50, ::GAP_PX + 2] = True
    assert changed_rectangles(scattered) == [(50, 51, 0, scattered.shape[1] - GAP_PX - 1)]


def test_a_see_through_pixel_makes_the_frame_whole():
    """A diff cannot make a pixel less opaque: the front end would keep the old one under it."""
    canvas = StandInCanvas(np.full((50, 80, 4), 255, np.uint8))
    screen, _ = frames_for(canvas, [lambda p: p.__setitem__((slice(5, 9), slice(10, 20), 3), 100),
                                 lambda p: p.__setitem__((slice(40, 42), slice(1, 3), 0), 3)])
    assert canvas.modes == ["full", "full", "full"], "a picture with see-through pixels is always sent whole"
    assert np.array_equal(screen, canvas.pixels)


def test_a_see_through_figure_is_always_sent_whole():
    canvas = StandInCanvas(np.zeros((20, 30, 4), np.uint8))
    frames_for(canvas, [lambda p: p.__setitem__((slice(5, 9), slice(10, 20)), 255)])
    assert canvas.modes == ["full", "full"]
