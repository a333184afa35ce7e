"""Frames for the browser: a diff frame is cut to the changed pixels and packed fast.

matplotlib's WebAgg canvas (which ipympl's extends) sends every frame as a PNG of the
whole figure; in "diff" mode a pixel that did not change is sent transparent and the
front end draws the image over what it shows.  After a slider step a few hundred of half
a million pixels change, yet the whole canvas is compressed at zlib's default level:
~8 ms of a frame's budget for a 1200 x 460 figure.

Both front ends (ipympl's, matplotlib's own) draw a diff image at the canvas's top left
corner at the image's own size, so a diff image may end at the last row and column that
changed: what lies beyond it is left as it is.  ``DiffFrames`` sends that cut image at
zlib level 1 (~0.3 ms for a slider step); full frames (the first, after a resize or a
browser's refresh) stay whole and are packed as before.

It keeps the canvas's own record of what the browser shows (``_last_buff``, which
ipympl also reads), so it can be swapped in for ``canvas.get_diff_image`` at any time.
"""

import io

import numpy as np
from PIL import Image

DIFF_COMPRESS_LEVEL = 1  # a diff frame is small: speed matters more than its size
FULL_COMPRESS_LEVEL = 6  # zlib's default, as matplotlib sends full frames


class DiffFrames:
    """Replace ``canvas.get_diff_image`` of a WebAgg (ipympl) canvas; ``sent`` counts frames."""

    def __init__(self, canvas):
        self.canvas = canvas
        self.sent = {"full": 0, "diff": 0}
        canvas.get_diff_image = self.next_frame

    def next_frame(self):
        """The PNG to send for the canvas's current pixels, or None if nothing was drawn since."""
        canvas = self.canvas
        if not canvas._png_is_old:
            return None
        pixels = np.asarray(canvas.get_renderer().buffer_rgba())
        current = pixels.view(np.uint32).squeeze(2)  # one number per pixel: one comparison each
        last = canvas._last_buff
        # A diff can only add opaque pixels over the old picture: a new size or any transparency
        # (a see-through figure background) needs the whole image.
        full = (canvas._force_full or current.shape != last.shape or bool((pixels[:, :, 3] != 255).any()))
        if full:
            canvas.set_image_mode("full")
            canvas._last_buff = current.copy()
            image, level = pixels, FULL_COMPRESS_LEVEL
        else:
            canvas.set_image_mode("diff")
            changed = current != last
            rows, columns = np.flatnonzero(changed.any(axis=1)), np.flatnonzero(changed.any(axis=0))
            if len(rows) == 0:
                bottom = right = 1  # nothing changed: one transparent pixel still answers the browser
            else:
                bottom, right = rows[-1] + 1, columns[-1] + 1
            cut = np.where(changed[:bottom, :right], current[:bottom, :right], 0)
            last[:bottom, :right] = current[:bottom, :right]
            image, level = cut.view(np.uint8).reshape((*cut.shape, 4)), DIFF_COMPRESS_LEVEL
        canvas._force_full = False
        canvas._png_is_old = False
        self.sent["full" if full else "diff"] += 1
        with io.BytesIO() as png:
            Image.fromarray(np.ascontiguousarray(image)).save(png, format="png", compress_level=level)
            return png.getvalue()
