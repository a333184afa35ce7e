"""Rehearsal (backprop_kit.acceleration.rehearsal): a next step's texts drawn ahead, out of sight.

It must change nothing that is shown or known about the figure (no pixel, no frame sent, no
artist marked changed or learnt), and the step it rehearsed must draw its new texts from kept
images and look exactly as a full redraw does.
"""

import functools

import numpy as np
import pytest

from backprop_kit.acceleration import glyphs
from backprop_kit.widgets import live
from tests.support.screens import differing_pixels, shown


class Numbers:
    """A small live figure: a column of numbers that follow a value, and a still line that turns
    dashed below 0."""

    def __init__(self, blit=True):
        self.live = live.LiveFigure(figsize=(4, 3), blit=blit)
        ax = self.live.axes
        self.texts = [ax.text(0.2, 0.2 + 0.15 * row, "") for row in range(4)]
        self.line = ax.plot([0, 1], [0.1, 0.1], color="black")[0]
        ax.set(xlim=(0, 1), ylim=(0, 1))

    def show(self, value):
        """Set the artists for ``value``, without a refresh (what a demo gives ``rehearse``)."""
        for row, text in enumerate(self.texts):
            text.set_text(f"{value * (row + 1):.4f}")
        style = "--" if value < 0 else "-"
        if self.line.get_linestyle() != style:  # set again, it would count as changed
            self.line.set_linestyle(style)

    def set(self, value):
        self.show(value)
        self.live.refresh()


@pytest.fixture
def counted_merges(monkeypatch):
    """How many texts were put together from their glyphs (a new text at its place) since."""
    merges = []
    merged = glyphs._merged
    monkeypatch.setattr(glyphs, "_merged", lambda placed: merges.append(1) or merged(placed))
    return merges


def started(value=0.5):
    """A Numbers figure shown at ``value``, its numbers learnt as changing."""
    figure = Numbers()
    shown(figure.live)
    for step in (value - 0.1, value):  # the first change learns the numbers (a full draw)
        figure.set(step)
        shown(figure.live)
    return figure


def test_a_rehearsed_step_draws_its_texts_from_kept_images_and_looks_as_a_full_redraw(
        ipympl_backend, monkeypatch, counted_merges):
    figure = started(0.5)
    canvas, blitter = figure.live.figure.canvas, figure.live.accelerator.blitter
    sent = []
    monkeypatch.setattr(canvas, "send_binary", sent.append)
    before = np.asarray(canvas.get_renderer().buffer_rgba()).copy()
    full_draws = blitter.full_draws

    assert figure.live.rehearse(functools.partial(figure.show, 0.6), functools.partial(figure.show, 0.5))
    assert counted_merges, "the rehearsal put the new numbers together"
    assert sent == [] and np.array_equal(before, np.asarray(canvas.get_renderer().buffer_rgba())), \
        "nothing drawn on the canvas or sent"
    assert not figure.live.figure.stale and not any(text.stale for text in figure.texts), \
        "nothing marked changed: the figure shows what it showed"
    assert [text.get_text() for text in figure.texts] == ["0.5000", "1.0000", "1.5000", "2.0000"]

    counted_merges.clear()
    figure.set(0.6)
    rehearsed = shown(figure.live)
    assert counted_merges == [], "the step drew the numbers rehearsed from kept images"
    assert blitter.full_draws == full_draws, "and was a blit"
    plain = Numbers(blit=False)
    plain.set(0.6)
    assert differing_pixels(rehearsed, shown(plain.live)) == 0

    figure.set(0.7)  # not rehearsed: new numbers are put together in the step
    shown(figure.live)
    assert counted_merges, "a step not rehearsed puts its new numbers together (the count can fail)"


def test_a_still_artist_the_rehearsal_changed_and_set_back_is_not_learnt(ipympl_backend):
    """Below 0 the line turns dashed: a rehearsal of -0.1 changes it and sets it back; it must not
    count as changed (learning it would cost a full draw, and animate it for nothing)."""
    figure = started(0.1)
    blitter = figure.live.accelerator.blitter
    full_draws = blitter.full_draws
    assert figure.live.rehearse(functools.partial(figure.show, -0.1), functools.partial(figure.show, 0.1))
    figure.set(0.2)
    assert differing_pixels(shown(figure.live), shown(_plain_at(0.2).live)) == 0
    assert blitter.full_draws == full_draws and figure.line not in blitter.dynamic


def test_a_change_waiting_for_its_frame_is_still_shown_after_a_rehearsal(ipympl_backend):
    """The browser asks for a step's frame a moment after the step: a rehearsal meanwhile leaves
    the step's changes marked, so the frame shows them."""
    figure = started(0.5)
    figure.set(0.6)  # refreshed: the browser is asked to ask for the frame
    assert figure.live.rehearse(functools.partial(figure.show, 0.7), functools.partial(figure.show, 0.6))
    assert differing_pixels(shown(figure.live), shown(_plain_at(0.6).live)) == 0


def test_a_failing_rehearsal_only_leaves_the_step_undrawn_ahead(ipympl_backend):
    figure = started(0.5)
    restored = []

    def show_next():
        figure.texts[0].set_text("half-way")
        raise RuntimeError("the demo failed while setting the next step")

    def show_now():
        restored.append(True)
        figure.show(0.5)

    assert not figure.live.rehearse(show_next, show_now)
    assert restored == [True], "the figure was set back"
    figure.set(0.6)
    assert differing_pixels(shown(figure.live), shown(_plain_at(0.6).live)) == 0


def test_a_plain_figure_does_not_rehearse(ipympl_backend):
    figure = Numbers(blit=False)
    shown(figure.live)
    called = []
    assert not figure.live.rehearse(lambda: called.append("next"), lambda: called.append("now"))
    assert called == []


def _plain_at(value):
    plain = Numbers(blit=False)
    plain.set(value)
    return plain
