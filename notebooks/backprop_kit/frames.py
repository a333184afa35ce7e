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
``bpk_offset_frames``) gets each diff cut to the changed rectangle alone, with the place
it goes in the PNG's standard oFFs chunk: the browser then decodes only the pixels that
changed, not the blank rows and columns above and to the left of them (notebook 2: an
8 ms decode).  Other front ends (JupyterLab's ipympl) never send it and keep getting
images that start at the top left corner.

It keeps the canvas's own record of what the browser shows (``_last_buff``, which
ipympl also reads), so it can be swapped in for ``canvas.get_diff_image`` at any time.
"""

import functools
import io
import struct
import zlib

import numpy as np
from PIL import Image

DIFF_COMPRESS_LEVEL = 1  # a diff frame is small: speed matters more than its size
FULL_COMPRESS_LEVEL = 6  # zlib's default, as matplotlib sends full frames


class DiffFrames:
    """Replace ``canvas.get_diff_image`` of a WebAgg (ipympl) canvas."""

    def __init__(self, canvas):
        self.canvas = canvas
        self._browser_is_opaque = False  # every pixel of the last picture sent was opaque
        self.at_offsets = False  # the front end draws a diff where its oFFs chunk says
        canvas.get_diff_image = self.next_frame
        # WebAgg hands a front end's message of type T to canvas.handle_T
        canvas.handle_bpk_offset_frames = self._front_end_takes_offsets

    def _front_end_takes_offsets(self, _event):
        self.at_offsets = True

    def next_frame(self):
        """The PNG to send for the canvas's current pixels, or None if nothing was drawn since."""
        canvas = self.canvas
        if not canvas._png_is_old:
            return None
        pixels = np.asarray(canvas.get_renderer().buffer_rgba())
        current = pixels.view(np.uint32).squeeze(2)  # one number per pixel: one comparison each
        last = canvas._last_buff
        frame = None
        # A diff can only add opaque pixels over an opaque picture: a new size or any transparency
        # (a see-through figure background) needs the whole image.
        if not canvas._force_full and current.shape == last.shape and self._browser_is_opaque:
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
        return frame

    def _diff_frame(self, pixels, current, last):
        """The changed pixels, cut at the last changed row and column; None if one is not opaque."""
        changed = current != last
        rows = np.flatnonzero(changed.any(axis=1))
        if len(rows) == 0:  # nothing changed: one transparent pixel still answers the browser
            self.canvas.set_image_mode("diff")
            return diff_png(np.zeros((1, 1, 4), np.uint8))
        top, bottom = rows[0], rows[-1] + 1
        columns = np.flatnonzero(changed[top:bottom].any(axis=0))
        left, right = columns[0] if self.at_offsets else 0, columns[-1] + 1
        band = np.s_[top:bottom, left:right]
        # unchanged pixels are opaque (as sent): only the changed ones need looking at
        if ((pixels[band][:, :, 3] != 255) & changed[band]).any():
            return None
        self.canvas.set_image_mode("diff")
        cut = np.where(changed[band], current[band], 0)
        last[band] = current[band]
        if self.at_offsets:
            return diff_png(cut.view(np.uint8).reshape((*cut.shape, 4)), offset=(left, top))
        # drawn at the top left: the rows above the band are left blank
        return diff_png(np.vstack([np.zeros((top, right), np.uint32), cut]).view(np.uint8).reshape(
            (bottom, right, 4)))


def diff_png(rgba, offset=None):
    """PNG bytes of an (h, w, 4) uint8 image whose blank (all-zero) rows cost nearly nothing;
    ``offset`` (x, y), in pixels from the top left, goes in an oFFs chunk."""
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
    place = b"" if offset is None else _chunk(b"oFFs", struct.pack(">iiB", *offset, 0))  # 0: in pixels
    return (b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", header) + place + _chunk(b"IDAT", b"".join(stream))
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
