"""A plain ipympl figure (the acceleration layer off, as on Colab and hubs) sends a new frame at
once when the browser is idle, and asks the browser to ask for it otherwise (widgets/pacing.py)."""

import numpy as np
import pytest

from backprop_kit.widgets import live, pacing
from tests.support.screens import BrowserScreen, differing_pixels, shown


@pytest.fixture
def plain_figure(ipympl_backend, monkeypatch):
    """A plain live figure with a line on it, a browser screen fed by its frames, and a list of
    what each refresh did ("asked": draw_idle; "sent": a frame drawn and sent at once)."""
    figure = live.LiveFigure(figsize=(4, 3), blit=False)
    canvas = figure.figure.canvas
    screen = BrowserScreen(canvas, monkeypatch, takes_pastes=False)
    (line,) = figure.axes.plot([0, 1, 2], [1, 3, 2])
    done = []
    monkeypatch.setattr(canvas, "draw_idle", lambda: done.append("asked"))
    sent = screen.paint
    monkeypatch.setattr(canvas, "send_binary", lambda png: (done.append("sent"), sent(png)))
    return figure, line, screen, done


def test_a_figure_no_browser_has_drawn_is_never_drawn_for_nobody(plain_figure):
    figure, line, _, done = plain_figure
    line.set_ydata([2, 1, 3])
    figure.refresh()
    assert done == ["asked"], "drawn before any browser asked for the figure"


def test_after_the_browser_has_its_frame_a_change_is_drawn_and_sent_at_once(plain_figure, monkeypatch):
    figure, line, screen, done = plain_figure
    monkeypatch.setattr(pacing, "FRAME_IN_FLIGHT_S", 0.0)
    shown(figure)  # the browser asks for the figure: its first frame
    for ys in ([2, 1, 3], [0, 2, 1], [3, 3, 0]):
        done.clear()
        line.set_ydata(ys)
        figure.refresh()
        assert done == ["sent"], "the frame should be sent at once, with no round trip"
        # what the browser built from the frames sent at once is the figure drawn in full
        assert differing_pixels(screen.picture, shown(figure)) == 0


def test_a_frame_maybe_still_on_its_way_is_not_overtaken(plain_figure, monkeypatch):
    """Frames are differences from the last one: one sent on top of a frame the browser is still
    loading would be lost, so within FRAME_IN_FLIGHT_S of a draw the browser is asked instead."""
    figure, line, _, done = plain_figure
    monkeypatch.setattr(pacing, "FRAME_IN_FLIGHT_S", 60.0)
    shown(figure)
    done.clear()
    line.set_ydata([2, 1, 3])
    figure.refresh()
    assert done == ["asked"]


def test_once_asked_it_waits_for_the_browser_then_sends_at_once_again(plain_figure, monkeypatch):
    """During a drag the changes coalesce: after asking, each change asks again (the browser asks
    for one frame) until the browser's draw; after that a change is sent at once again."""
    figure, line, screen, done = plain_figure
    monkeypatch.setattr(pacing, "FRAME_IN_FLIGHT_S", 60.0)
    shown(figure)
    line.set_ydata([2, 1, 3])
    figure.refresh()  # just drawn: asks
    monkeypatch.setattr(pacing, "FRAME_IN_FLIGHT_S", 0.0)
    done.clear()
    for ys in ([0, 2, 1], [3, 3, 0]):
        line.set_ydata(ys)
        figure.refresh()
    assert done == ["asked", "asked"], "a change sent while the browser was about to ask for one"
    done.clear()
    picture = shown(figure)  # the browser's request is answered: a full draw
    assert done == ["sent"] and differing_pixels(screen.picture, picture) == 0
    done.clear()
    line.set_ydata([1, 1, 1])
    figure.refresh()
    assert done == ["sent"]
    assert np.array_equal(screen.picture, shown(figure))
