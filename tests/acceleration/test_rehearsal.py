"""Rehearsal (backprop_kit.acceleration.rehearsal): a next step's texts drawn ahead, out of sight.

It must change nothing that is shown or known about the figure (no pixel, no frame sent, no
artist marked changed or learnt), and the step it rehearsed must draw its new texts from kept
images and look exactly as a full redraw does.
"""

import functools

import numpy as np
import pytest

from backprop_kit.acceleration import glyphs
from backprop_kit.demos import model_intuition, neural_nets
from backprop_kit.widgets import live
from tests.conftest import run_on_own_loop, until_idle_work_done
from tests.support.neural_nets_reference import answers as neural_net_answers
from tests.support.screens import BrowserScreen, differing_pixels, shown


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


def test_a_rehearsal_waits_while_the_browser_is_about_to_ask_for_a_frame(ipympl_backend):
    """During a fast drag the browser is asked to ask for each frame: a rehearsal then would hold up
    its answer, so it does not run."""
    figure = started(0.5)
    figure.set(0.6)  # refreshed: the browser is asked to ask for the frame
    called = []
    assert not figure.live.rehearse(lambda: called.append("next"), lambda: called.append("now"))
    assert called == []
    assert differing_pixels(shown(figure.live), shown(_plain_at(0.6).live)) == 0


def test_a_change_not_yet_in_a_frame_stays_marked_after_a_rehearsal(ipympl_backend):
    """A change sent to no frame yet (here: made without a refresh) is still shown by the next one."""
    figure = started(0.5)
    figure.show(0.6)
    assert figure.live.rehearse(functools.partial(figure.show, 0.7), functools.partial(figure.show, 0.6))
    figure.live.refresh()
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


class Curve:
    """A small live figure whose y limits follow a value (a loss curve rescaling along a drag)."""

    def __init__(self, blit=True):
        self.live = live.LiveFigure(figsize=(4, 3), blit=blit)
        ax = self.live.axes
        (self.line,) = ax.plot([0, 1], [0, 0.5])
        self.label = ax.text(0.05, 0.9, "", transform=ax.transAxes)
        ax.set(xlim=(0, 1), ylim=(0, 1))

    def show(self, top):
        self.line.set_ydata([0, 0.9 * top])
        self.label.set_text(f"top {top}")
        if self.live.axes.get_ylim() != (0, top):  # set again, it would count as changed
            self.live.axes.set_ylim(0, top)

    def set(self, top):
        self.show(top)
        self.live.refresh()


def test_new_limits_rehearsed_put_back_a_background_drawn_ahead(ipympl_backend, monkeypatch):
    """The next step gives the axes new limits: the rehearsal draws and keeps its background for
    them, so the step puts it back instead of drawing it; the shown one stays as it was."""
    figure = Curve()
    shown(figure.live)
    figure.set(2)  # learns the line and the text (a full draw)
    shown(figure.live)
    canvas, accelerator = figure.live.figure.canvas, figure.live.accelerator
    blitter = accelerator.blitter
    sent = []
    monkeypatch.setattr(canvas, "send_binary", sent.append)
    before = np.asarray(canvas.get_renderer().buffer_rgba()).copy()
    background = blitter._background.copy()
    redraws, full_draws = blitter.background_redraws, blitter.full_draws

    assert figure.live.rehearse(functools.partial(figure.show, 3), functools.partial(figure.show, 2))
    assert accelerator.rehearsal.backgrounds_kept == 1
    assert sent == [] and np.array_equal(before, np.asarray(canvas.get_renderer().buffer_rgba()))
    assert np.array_equal(background, blitter._background), "the background shown is as it was"
    assert not figure.live.figure.stale and figure.live.axes.get_ylim() == (0, 2)

    for top in (3, 2):  # the step rehearsed, then back to the limits shown before it
        figure.set(top)
        screen = shown(figure.live)
        assert differing_pixels(screen, shown(_curve_at(top).live)) == 0, f"at top {top}"
    assert blitter.background_redraws == redraws, "both put back a kept background: none drawn"
    assert blitter.full_draws == full_draws

    figure.set(4)  # not rehearsed: drawn in the step (the count above can fail)
    shown(figure.live)
    assert blitter.background_redraws == redraws + 1


def _symmetric(W, tol=1e-9):
    W = np.asarray(W, dtype=float)
    return bool(np.all(np.abs(W - W[0]) <= tol))


@pytest.mark.parametrize("make, control, start", [
    (lambda: model_intuition.InitialisationDemo(_symmetric, constant=-2.0), "constant", -2.0),
    (lambda: neural_nets.NeuralNetDemo(neural_net_answers(), x=-3.0), "x", -3.0),
], ids=["notebook 3's c", "notebook 5's x"])
def test_a_rehearsed_drag_looks_as_a_full_redraw_at_every_step(make, control, start, ipympl_backend,
                                                               monkeypatch, accelerated_grids):
    """A drag as a student makes it, the kernel idle between steps, so each next step is rehearsed,
    turning back twice: the figure and the browser's picture after every step are the same demo's
    redrawn in full."""

    async def drag():
        blitted = make()
        with monkeypatch.context() as plain:
            plain.setattr(live, "LiveFigure", functools.partial(live.LiveFigure, blit=False))
            redrawn = make()
        screen = BrowserScreen(blitted.figure.figure.canvas, monkeypatch, takes_pastes=True)
        shown(blitted.figure), shown(redrawn.figure)
        settings = dict(blitted.settings)
        # on, back (each turn a step that was not the one rehearsed), on again
        for step in [*range(1, 8), *range(6, 2, -1), *range(4, 9)]:
            settings[control] = start + step * 0.1
            blitted.update(**settings)
            redrawn.update(**settings)
            full = shown(redrawn.figure)
            assert differing_pixels(shown(blitted.figure), full) == 0, f"step {step}"
            assert differing_pixels(screen.picture, full) == 0, f"the browser's picture, step {step}"
            await until_idle_work_done(blitted.figure.accelerator.ahead)
        return blitted.figure.accelerator.rehearsal.texts_drawn

    assert run_on_own_loop(drag) > 0, "the steps were rehearsed"


def _curve_at(top):
    plain = Curve(blit=False)
    plain.set(top)
    return plain


def _plain_at(value):
    plain = Numbers(blit=False)
    plain.set(value)
    return plain
