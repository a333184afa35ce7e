"""backprop_kit.acceleration.frames: diff frames cut to the changes, as a PNG whose blank rows are written
from kept deflated zeros (diff_png) or as raw rectangles (raw_pastes, for the demo page).

Independent truth: Pillow's PNG decoder and zlib's own inflate, which checks the Adler-32
the writer computes for rows it never compresses; the picture a front end builds from the
frames, compared with the canvas's pixels.
"""

import zlib

import numpy as np
import pytest
from matplotlib.transforms import Bbox

from backprop_kit.acceleration.frames import MAX_PIECES, TILE_PX, DiffFrames, changed_rectangles, diff_png
from tests.support.screens import chunks, decoded, painted, raw_places


def image_data(png):
    """The zlib stream of a PNG's IDAT chunks."""
    return b"".join(data for kind, data in chunks(png) if kind == b"IDAT")


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


class StandInCanvas:
    """What DiffFrames uses of a WebAgg canvas: its pixels, the picture sent, the image mode,
    blit and the draw event."""

    def __init__(self, pixels):
        self.pixels = pixels
        self._png_is_old, self._force_full = True, True
        self._last_buff = np.empty((0, 0), np.uint32)
        self.modes = []
        self.on_draw = []

    def get_renderer(self):
        return self

    def buffer_rgba(self):
        return self.pixels

    def set_image_mode(self, mode):
        self.modes.append(mode)

    def mpl_connect(self, event, callback):
        assert event == "draw_event"
        self.on_draw.append(callback)

    def draw(self):
        """A full draw: any pixel may have changed."""
        for callback in self.on_draw:
            callback(None)
        self._png_is_old = True

    def blit(self, bbox=None):
        self._png_is_old = True


def frames_for(canvas, changes, takes_pastes=False, told=None):
    """Send the first picture, then one frame after each change of the pixels (each a full draw,
    or, where ``told`` gives a display box for it, a blit of that box); paint them as a front end
    does (a diff drawn over the picture at the top left, or its raw rectangles put in place once
    the front end has said it reads them); return the picture and the frames."""
    frames = DiffFrames(canvas)
    sent = [frames.next_frame()]
    screen = decoded(sent[0]).copy()
    if takes_pastes:
        canvas.handle_bpk_paste_frames({"type": "bpk_paste_frames"})  # as WebAgg passes it on
    for number, change in enumerate(changes):
        change(canvas.pixels)
        boxes = (told or {}).get(number)
        if boxes is None:
            canvas.draw()
        for box in boxes or ():
            canvas.blit(box)
        sent.append(frames.next_frame())
        screen = painted(screen, sent[-1], canvas.modes[-1])
    return screen, sent


@pytest.mark.parametrize("takes_pastes", [False, True], ids=["cut", "pasted"])
def test_changes_are_looked_for_only_where_a_blit_says_and_anywhere_after_a_draw(takes_pastes):
    """canvas.blit(bbox) says where pixels changed (display units, from the bottom left): the
    next frame holds what changed in all boxes blitted since the last one, and nothing outside
    them; a full draw may change any pixel, so the frame after one looks everywhere."""
    canvas = StandInCanvas(np.full((100, 200, 4), 255, np.uint8))
    inside = np.s_[10:20, 30:50, 0]  # rows from the top: display y 80..90
    also_inside = np.s_[70:72, 150:151, 1]
    outside = np.s_[90:92, 180:182, 2]  # below and beside both boxes
    screen, sent = frames_for(canvas, [
        lambda p: (p.__setitem__(inside, 1), p.__setitem__(also_inside, 2), p.__setitem__(outside, 3)),
        lambda p: p.__setitem__(inside, 4),
        lambda p: None,
    ], takes_pastes=takes_pastes, told={0: [Bbox.from_extents(30, 80, 50, 90), Bbox.from_extents(149.5, 28, 151, 30)],
                                        1: [Bbox.from_extents(30, 80, 50, 90)], 2: [Bbox.null()]})
    assert canvas.modes == ["full", "diff", "diff", "diff"]
    shown_wrong = (screen != canvas.pixels).any(axis=2)
    assert shown_wrong[90:92, 180:182].all() and shown_wrong.sum() == 4, "only the change outside every box is not sent"
    assert sent_nothing(sent[3]), "an empty box blitted: nothing changed"
    canvas.draw()
    screen = painted(screen, canvas.get_diff_image(), canvas.modes[-1])
    assert np.array_equal(screen, canvas.pixels), "after a draw the change outside is found"


def test_an_opaque_picture_is_sent_as_cut_diffs_and_shown_right():
    canvas = StandInCanvas(np.full((50, 80, 4), 255, np.uint8))
    screen, sent = frames_for(canvas, [lambda p: p.__setitem__((slice(5, 9), slice(10, 20), 0), 7),
                                       lambda p: p.__setitem__((slice(30, 31), slice(60, 61), 1), 9)])
    assert canvas.modes == ["full", "diff", "diff"]
    assert np.array_equal(screen, canvas.pixels)
    assert [decoded(png).shape[:2] for png in sent[1:]] == [(9, 20), (31, 61)], "cut at the last change"
    assert all(raw_places(png) is None for png in sent), "a front end that did not ask gets no raw rectangles"


def sent_nothing(frame):
    """Whether ``frame`` says that nothing changed: no rectangles, or one blank pixel."""
    places = raw_places(frame)
    return places == [] if places is not None else decoded(frame).shape[:2] == (1, 1)


def test_a_front_end_that_reads_pastes_gets_only_the_changed_rectangles_raw():
    canvas = StandInCanvas(np.full((200, 300, 4), 255, np.uint8))
    screen, sent = frames_for(canvas, [
        lambda p: p.__setitem__((slice(5, 9), slice(10, 20), 0), 7),
        lambda p: (p.__setitem__((2, 290, 2), 1), p.__setitem__((195, 3, 2), 1)),  # far apart: two
        lambda p: p.__setitem__((np.arange(40, 190), np.arange(40, 190), 1), 9),  # a diagonal line
        lambda p: None,
    ], takes_pastes=True)
    assert canvas.modes == ["full", "diff", "diff", "diff", "diff"]
    assert np.array_equal(screen, canvas.pixels)
    assert raw_places(sent[0]) is None, "a whole picture is a PNG"
    assert raw_places(sent[1]) == [(10, 5, 10, 4)]
    assert sorted(raw_places(sent[2])) == [(3, 195, 1, 1), (290, 2, 1, 1)]
    diagonal = raw_places(sent[3])
    assert len(diagonal) > 1 and sum(w * h for _, _, w, h in diagonal) < 150 * 150 / 2, \
        "a diagonal line is sent as a staircase of small rectangles, not its whole box"
    assert raw_places(sent[4]) == [], "nothing changed: no rectangles"


def test_changed_rectangles_hold_every_change_and_too_many_make_larger_squares():
    rng = np.random.default_rng(4)
    changed = rng.random((300, 500)) < 0.002
    rectangles = changed_rectangles(changed)
    covered = np.zeros_like(changed)
    for top, bottom, left, right in rectangles:
        assert changed[top:bottom, left:right].any(), "every rectangle holds a change"
        assert changed[top, left:right].any() and changed[bottom - 1, left:right].any(), "cut to its changes"
        assert changed[top:bottom, left].any() and changed[top:bottom, right - 1].any(), "cut to its changes"
        covered[top:bottom, left:right] = True
    assert not (changed & ~covered).any(), "every change is in a rectangle"
    assert len(rectangles) <= MAX_PIECES
    assert len(changed_rectangles(changed, TILE_PX * 4)) < len(rectangles), "larger squares, fewer rectangles"
    # one changed pixel in every other square: too many rectangles, so squares twice as large, all marked
    scattered = np.zeros((20 * TILE_PX, 40 * TILE_PX), bool)
    scattered[::2 * TILE_PX, ::2 * TILE_PX] = True
    assert (10 * 20 > MAX_PIECES and
            changed_rectangles(scattered) == [(0, 18 * TILE_PX + 1, 0, 38 * TILE_PX + 1)])


@pytest.mark.parametrize("takes_pastes", [False, True], ids=["cut", "pasted"])
def test_a_see_through_pixel_makes_a_cut_frame_whole_and_is_pasted_as_it_is(takes_pastes):
    """A diff drawn over the picture cannot make a pixel less opaque (the front end would keep the
    old one under it); a raw rectangle replaces what is there, see-through or not."""
    canvas = StandInCanvas(np.full((50, 80, 4), 255, np.uint8))
    screen, _ = frames_for(canvas, [lambda p: p.__setitem__((slice(5, 9), slice(10, 20), 3), 100),
                                    lambda p: p.__setitem__((slice(40, 42), slice(1, 3), 0), 3)],
                           takes_pastes=takes_pastes)
    assert canvas.modes == (["full", "diff", "diff"] if takes_pastes else ["full", "full", "full"])
    assert np.array_equal(screen, canvas.pixels)


def test_a_see_through_figure_is_always_sent_whole():
    canvas = StandInCanvas(np.zeros((20, 30, 4), np.uint8))
    frames_for(canvas, [lambda p: p.__setitem__((slice(5, 9), slice(10, 20)), 255)])
    assert canvas.modes == ["full", "full"]
