"""A slider step sends the new picture before the readout's numbers: the browser draws what the
student watches first, and the numbers beside it follow in the next message."""

import numpy as np
import pytest

from backprop_kit.widgets import pacing
from tests.conftest import NOTEBOOKS
from tests.support.driving import another_value, demo_controls, solution_demos
from tests.support.screens import BrowserScreen, shown


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_every_demo_sends_its_picture_before_its_numbers(name, ipympl_backend, monkeypatch):
    monkeypatch.setattr(pacing, "FRAME_IN_FLIGHT_S", 0.0)  # the browser is idle: frames go at once
    rng = np.random.default_rng(189)
    for demo in solution_demos(name, monkeypatch, blit=False):
        app = demo.app()
        canvas = demo.figure.figure.canvas
        screen = BrowserScreen(canvas, monkeypatch, takes_pastes=False)
        shown(demo.figure)  # the browser has its first frame
        sent = []
        monkeypatch.setattr(canvas, "send_binary", lambda png: (sent.append("picture"), screen.paint(png)))
        demo.readout.line.observe(lambda _change: sent.append("numbers"), names="value")
        for control in demo_controls(app):
            before = control.value
            while control.value == before:
                control.value = another_value(control, rng)
            if "numbers" in sent:
                break
        assert "numbers" in sent and "picture" in sent, f"{type(demo).__name__}: a move changed the readout"
        assert sent.index("picture") < sent.index("numbers"), f"{type(demo).__name__}: {sent}"
