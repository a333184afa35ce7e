"""What a browser's front end makes of the frames a live figure sends: the tests' screen.

ipympl's front end replaces its picture with a full frame and draws a diff frame over it at
the top left corner (a transparent pixel leaves what is there); the demo page's
figure-frames.js puts each rectangle of a raw diff in place as it is (putImageData).
``shown`` answers a draw request as the browser's ipympl front end asks for it.
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


def raw_places(frame):
    """[(x, y, width, height)] of each rectangle of a raw diff frame (frames.raw_pastes), read as
    figure-frames.js reads it; None for a PNG."""
    if not frame.startswith(b"BPKR"):
        assert frame.startswith(b"\x89PNG"), "a frame is a PNG or raw rectangles"
        return None
    (count,) = struct.unpack("<I", frame[4:8])
    numbers = struct.unpack(f"<{4 * count}I", frame[8:8 + 16 * count])
    places = [tuple(numbers[i:i + 4]) for i in range(0, len(numbers), 4)]
    assert len(frame) == 8 + 16 * count + sum(4 * width * height for _, _, width, height in places), \
        "the rectangles' pixels fill the rest of the frame"
    return places


def painted(screen, frame, mode):
    """The picture after a ``frame`` sent in image ``mode`` ("full" or "diff") reaches ``screen``."""
    places = raw_places(frame)
    if places is not None:
        assert mode == "diff", "raw rectangles are only ever a diff"
        screen, at = screen.copy(), 8 + 16 * len(places)
        for x, y, width, height in places:
            screen[y:y + height, x:x + width] = np.frombuffer(frame, np.uint8, 4 * width * height, at).reshape(
                height, width, 4)
            at += 4 * width * height
        return screen
    image = decoded(frame)
    if mode == "full":
        return image.copy()
    screen = screen.copy()
    part = screen[:image.shape[0], :image.shape[1]]
    drawn = image[:, :, 3] > 0
    part[drawn] = image[drawn]
    return screen


def shown(live_figure):
    """Answer the browser's draw request; return the pixels it would be sent."""
    canvas = live_figure.figure.canvas
    canvas.handle_draw({})
    return np.asarray(canvas.get_renderer().buffer_rgba()).copy()


def differing_pixels(a, b):
    return int((a != b).any(axis=2).sum())


class BrowserScreen:
    """The picture a browser shows from the frames a live figure's canvas sends (the demo page's
    front end, which reads pastes, or ipympl's own, which draws a diff at the top left)."""

    def __init__(self, canvas, monkeypatch, takes_pastes):
        self.canvas, self.picture = canvas, None
        monkeypatch.setattr(canvas, "send_binary", self.paint)
        canvas.syncing_data_url = False  # as once a front end shows the canvas
        if takes_pastes:
            canvas.handle_bpk_paste_frames({})

    def paint(self, png):
        self.picture = painted(self.picture, png, self.canvas._current_image_mode)
