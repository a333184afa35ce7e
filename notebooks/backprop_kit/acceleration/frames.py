"""Frames for the browser: a diff frame is cut to the changed pixels and packed fast.

matplotlib's WebAgg canvas (which ipympl's extends) sends every frame as a PNG of the
whole figure; in "diff" mode a pixel that did not change is sent transparent and the
front end draws the image over what it shows.  After a slider step a few hundred of half
a million pixels change, yet the whole canvas is compressed at zlib's default level:
~8 ms of a frame's budget for a 1200 x 460 figure.

Both front ends (ipympl's, matplotlib's own) draw a diff image at the canvas's top left
corner at the image's own size, so a diff image may end at the last row and column that
changed: what lies beyond it is left as it is.  ``DiffFrames`` sends that cut image at
zlib level 1; full frames (the first, after a resize or a browser's refresh) stay whole
and are packed as before.  Most rows of a cut image are still blank (a changed label at
the top, a bar at the bottom): ``diff_png`` writes a run of blank rows from deflated
zeros kept from earlier frames and compresses only the rows with changes (a slider step
of notebook 1: 6.6 -> 2 ms).

A front end that says it can (the demo page's figure-frames.js sends the message
``bpk_paste_frames``) gets each diff as just the changed parts, raw: the changes are found
on a grid of squares, and the rectangles that hold them are sent as they are now, each with
where it goes, in one message (``raw_pastes``); the page puts each in place (putImageData).
Nothing is compressed or decoded: notebook 3's slider step changes 22 000 pixels spread over
a 1378 x 895 px area (lines across the panels), sent as 28 rectangles, 0.12 Mpx; as one PNG
of the rectangles packed side by side (this module's format before) the kernel spent ~2 ms
compressing it and the browser ~3 ms decoding it, while the raw bytes (0.5 MB) take ~1 ms
longer to reach the page on this machine (a slider step in the browser: 3-5 ms sooner).
Other front ends (JupyterLab's ipympl) never send that message and keep getting one PNG
that starts at the top left corner.

Changes are looked for only where they can be: the blitter repaints a few places and calls
``canvas.blit(bbox)`` with the box that holds them, so the next frame compares the pixels
in the boxes blitted since the last frame; after a full draw, everywhere.

It keeps the canvas's own record of what the browser shows (``_last_buff``, which
ipympl also reads), so it can be swapped in for ``canvas.get_diff_image`` at any time.
"""

import functools
import io
import math
import struct
import zlib

import numpy as np
from PIL import Image

DIFF_COMPRESS_LEVEL = 1  # a diff frame is small: speed matters more than its size
FULL_COMPRESS_LEVEL = 6  # zlib's default, as matplotlib sends full frames
# Changes are found on a grid of squares this large (smaller: tighter around a diagonal line,
# but more rectangles to send and put in place); past MAX_PIECES rectangles the squares are doubled.
TILE_PX = 32
MAX_PIECES = 48
RAW_PASTES = b"BPKR"  # begins a diff frame of raw rectangles (a PNG begins b"\\x89PNG")
NO_CHANGES = (math.inf, math.inf, -math.inf, -math.inf)  # a box that holds nothing


class DiffFrames:
    """Replace ``canvas.get_diff_image`` of a WebAgg (ipympl) canvas."""

    def __init__(self, canvas):
        self.canvas = canvas
        self._browser_is_opaque = False  # every pixel of the last picture sent was opaque
        self.takes_pastes = False  # the front end puts a diff's raw rectangles in place (raw_pastes)
        # Where pixels changed since the last frame, (x0, y0, x1, y1) in display units: the boxes
        # canvas.blit(bbox) was given; None after a draw, which may change any pixel.  Only
        # there are changes looked for (nothing else draws on a live figure's canvas).
        self._changes_in = None
        self._send_changes = canvas.blit
        canvas.blit = self._blit
        canvas.mpl_connect("draw_event", self._drawn_anew)
        canvas.get_diff_image = self.next_frame
        # WebAgg hands a front end's message of type T to canvas.handle_T
        canvas.handle_bpk_paste_frames = self._front_end_takes_pastes

    def _blit(self, bbox=None):
        """canvas.blit: the pixels inside ``bbox`` (display units; None: anywhere) changed, send them."""
        if self._changes_in is not None:
            x0, y0, x1, y1 = self._changes_in
            self._changes_in = None if bbox is None else (min(x0, bbox.x0), min(y0, bbox.y0),
                                                          max(x1, bbox.x1), max(y1, bbox.y1))
        self._send_changes(bbox)

    def _drawn_anew(self, _event):
        self._changes_in = None

    def _front_end_takes_pastes(self, _event):
        self.takes_pastes = True

    def next_frame(self):
        """The frame to send for the canvas's current pixels (a PNG, or raw_pastes), or None if
        nothing was drawn since."""
        canvas = self.canvas
        if not canvas._png_is_old:
            return None
        pixels = np.asarray(canvas.get_renderer().buffer_rgba())
        current = pixels.view(np.uint32).squeeze(2)  # one number per pixel: one comparison each
        last = canvas._last_buff
        frame = None
        # A diff drawn over the picture can only add opaque pixels over an opaque one: a new size or,
        # unless the front end puts raw rectangles in place, any transparency (a see-through figure
        # background) needs the whole image.
        if not canvas._force_full and current.shape == last.shape and (self.takes_pastes or self._browser_is_opaque):
            frame = self._diff_frame(pixels, current, last)
        if frame is None:
            canvas.set_image_mode("full")
            canvas._last_buff = current.copy()
            self._browser_is_opaque = bool((pixels[:, :, 3] == 255).all())
            with io.BytesIO() as png:
                Image.fromarray(pixels).save(png, format="png", compress_level=FULL_COMPRESS_LEVEL)
                frame = png.getvalue()
        canvas._force_full = False
        canvas._png_is_old = False
        self._changes_in = NO_CHANGES  # the browser has every change so far
        return frame

    def _window(self, height, width):
        """(rows, columns) of the buffer that hold every change since the last frame."""
        if self._changes_in is None:
            return slice(0, height), slice(0, width)
        x0, y0, x1, y1 = self._changes_in
        if not (x0 <= x1 and y0 <= y1):  # nothing changed
            return slice(0, 0), slice(0, 0)
        top, bottom = np.clip([math.floor(height - y1), math.ceil(height - y0)], 0, height)
        left, right = np.clip([math.floor(x0), math.ceil(x1)], 0, width)
        return slice(top, bottom), slice(left, right)

    def _diff_frame(self, pixels, current, last):
        """The changed pixels: for a front end that reads pastes, the rectangles that hold them,
        as they are now (raw_pastes); else cut at the last changed row and column (None if a
        changed pixel is not opaque)."""
        window = self._window(*current.shape)
        changed = current[window] != last[window]
        rows = np.flatnonzero(changed.any(axis=1))
        top_of_window, left_of_window = window[0].start, window[1].start
        if self.takes_pastes:
            rectangles = [(top + top_of_window, bottom + top_of_window, left + left_of_window, right + left_of_window)
                          for top, bottom, left, right in (changed_rectangles(changed) if len(rows) else [])]
            for top, bottom, left, right in rectangles:
                last[top:bottom, left:right] = current[top:bottom, left:right]
            self.canvas.set_image_mode("diff")
            return raw_pastes(pixels, rectangles)
        if len(rows) == 0:  # nothing changed: one transparent pixel still answers the browser
            self.canvas.set_image_mode("diff")
            return diff_png(np.zeros((1, 1, 4), np.uint8))
        top, bottom = rows[0] + top_of_window, rows[-1] + 1 + top_of_window
        right = np.flatnonzero(changed[rows[0]:rows[-1] + 1].any(axis=0))[-1] + 1 + left_of_window
        band = np.s_[top:bottom, 0:right]
        change = current[band] != last[band]
        # unchanged pixels are opaque (as sent): only the changed ones need looking at
        if ((pixels[band][:, :, 3] != 255) & change).any():
            return None
        self.canvas.set_image_mode("diff")
        # drawn at the top left: the rows above the band are left blank
        cut = np.zeros((bottom, right), np.uint32)
        cut[top:] = np.where(change, current[band], 0)
        last[band] = current[band]
        return diff_png(cut.view(np.uint8).reshape((*cut.shape, 4)))


def raw_pastes(pixels, rectangles):
    """A diff frame of rectangles [(top, bottom, left, right)] of ``pixels`` as they are, for the
    demo page, which puts each in place as it is (putImageData): RAW_PASTES, their number, then
    x, y, width, height of each (little-endian uint32), then each one's RGBA rows in turn."""
    places = [(left, top, right - left, bottom - top) for top, bottom, left, right in rectangles]
    return b"".join([RAW_PASTES, struct.pack(f"<{1 + 4 * len(places)}I", len(places), *np.ravel(places).tolist()),
                     *[pixels[top:bottom, left:right].tobytes() for top, bottom, left, right in rectangles]])


def changed_rectangles(changed, tile=None):
    """Rectangles (top, bottom, left, right) that hold every changed pixel of the (h, w) mask
    ``changed``.  The mask is cut into squares of ``tile`` px (TILE_PX); in each row of squares
    a run of squares with changes is a rectangle, which grows down while the rows below have
    the same run; each is then cut to the changes in it.  A diagonal line gets a staircase
    of small rectangles, not the box around it.  Past MAX_PIECES, squares twice as large."""
    tile = tile or TILE_PX
    height, width = changed.shape
    square_rows = np.logical_or.reduceat(changed.any(axis=1), np.arange(0, height, tile))
    column_starts = np.arange(0, width, tile)
    growing, pieces = {}, []  # (first, last + 1) column of squares -> the row of squares it began in
    for row in range(len(square_rows) + 1):
        runs = set()
        if row < len(square_rows) and square_rows[row]:
            in_row = changed[row * tile:(row + 1) * tile].any(axis=0)
            runs = set(_runs(np.logical_or.reduceat(in_row, column_starts)))
        pieces += [(begun, row, *run) for run, begun in growing.items() if run not in runs]
        growing = {run: growing.get(run, row) for run in runs}
    if len(pieces) > MAX_PIECES:
        return changed_rectangles(changed, 2 * tile)
    rectangles = []
    for top, bottom, left, right in sorted(pieces):
        inside = changed[top * tile:bottom * tile, left * tile:right * tile]
        marked_rows, marked_columns = np.flatnonzero(inside.any(axis=1)), np.flatnonzero(inside.any(axis=0))
        rectangles.append((top * tile + marked_rows[0], top * tile + marked_rows[-1] + 1,
                           left * tile + marked_columns[0], left * tile + marked_columns[-1] + 1))
    return rectangles


def _runs(marks):
    """(first, last + 1) of each run of True in a 1-d mask."""
    edges = np.flatnonzero(np.diff(np.r_[False, marks, False].astype(np.int8)))
    return list(zip(edges[::2].tolist(), edges[1::2].tolist()))


def diff_png(rgba):
    """PNG bytes of an (h, w, 4) uint8 image whose blank (all-zero) rows cost nearly nothing."""
    height, width = rgba.shape[:2]
    row_bytes = 1 + 4 * width  # a filter-type byte (0: none) and the pixels
    blank = ~rgba.reshape(height, -1).any(axis=1)
    stream = [b"\x78\x01"]  # zlib header: deflate, 32 KiB window
    checksum = 1  # Adler-32 of the rows as they would be written out
    compressor = zlib.compressobj(DIFF_COMPRESS_LEVEL, zlib.DEFLATED, -15)
    start = 0
    while start < height:
        end = start + 1
        while end < height and blank[end] == blank[start]:
            end += 1
        if blank[start]:
            size = (end - start) * row_bytes
            stream.append(_deflated_zeros(size))
            checksum = _adler32_after_zeros(checksum, size)
        else:
            rows = np.zeros((end - start, row_bytes), np.uint8)
            rows[:, 1:] = rgba[start:end].reshape(end - start, -1)
            data = rows.tobytes()
            # a full flush ends the block and forgets the data, so the zeros' blocks can follow
            stream.append(compressor.compress(data) + compressor.flush(zlib.Z_FULL_FLUSH))
            checksum = zlib.adler32(data, checksum)
        start = end
    stream.append(_FINAL_BLOCK)
    stream.append(struct.pack(">I", checksum))
    header = struct.pack(">IIBBBBB", width, height, 8, 6, 0, 0, 0)  # 8-bit RGBA, no interlace
    return (b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", header) + _chunk(b"IDAT", b"".join(stream))
            + _chunk(b"IEND", b""))


_FINAL_BLOCK = zlib.compressobj(DIFF_COMPRESS_LEVEL, zlib.DEFLATED, -15).flush()  # empty, marked last


def _deflated_zeros(size):
    """Deflate blocks (not the last, ending on a byte) that inflate to ``size`` zero bytes."""
    return b"".join(_deflated_zero_power(bit) for bit in range(size.bit_length()) if size >> bit & 1)


@functools.lru_cache(maxsize=None)
def _deflated_zero_power(bit):
    compressor = zlib.compressobj(DIFF_COMPRESS_LEVEL, zlib.DEFLATED, -15)
    return compressor.compress(bytes(1 << bit)) + compressor.flush(zlib.Z_FULL_FLUSH)


def _adler32_after_zeros(checksum, size):
    # Adler-32 keeps a = 1 + sum of bytes and b = sum of the a's: zeros leave a and add size * a to b
    a, b = checksum & 0xFFFF, checksum >> 16
    return ((b + size * a) % 65521) << 16 | a


def _chunk(kind, body):
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
