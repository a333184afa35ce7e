"""Blitting (backprop_kit.acceleration.blitting) shows exactly what a full redraw would, only faster.

Each test drives two live figures through the same changes, one accelerated and one plain
(``blit=False``: redrawing everything), answering draw requests as the browser's ipympl front
end would (``canvas.handle_draw``), and compares the pixels after every change.  The plain one
draws its grids as the accelerated one does (GridImage, compared with matplotlib's own images
in test_images.py), so that only blitting is compared.
"""

import functools

import matplotlib
import matplotlib.pyplot as plt
import numpy as np
import pytest

from backprop_kit.widgets import live
from backprop_kit.acceleration import blitting
from backprop_kit.demos import neural_nets
from backprop_kit.demos import staged_computation as staged
from tests.conftest import NOTEBOOKS
from tests.support.driving import another_value, demo_controls, solution_demos
from tests.support.screens import BrowserScreen, differing_pixels, shown
from tests.support.neural_nets_reference import answers as neural_net_answers

pytestmark = pytest.mark.usefixtures("accelerated_grids")  # grids drawn as on an accelerated figure


class TextAndBar:
    """A small live figure: a text that changes, a bar that changes, a line that never does."""

    def __init__(self, blit):
        self.live = live.LiveFigure(figsize=(4, 3), blit=blit)
        ax = self.live.axes
        ax.axhline(0.5, color="black", zorder=3)  # over the bar: must stay over it
        self.bar = ax.bar([0], [1.0], color="tab:orange")[0]
        self.label = ax.text(0, 1.1, "1.0", ha="center")
        ax.set_ylim(0, 2)

    def set(self, height, top=2):
        self.bar.set_height(height)
        self.label.set_text(f"{height:.1f}")
        self.label.set_y(height + 0.1)
        if self.live.axes.get_ylim()[1] != top:
            self.live.axes.set_ylim(0, top)
        self.live.refresh()


def test_blitting_matches_a_full_redraw_and_uses_blits(ipympl_backend):
    blitted, redrawn = TextAndBar(blit=True), TextAndBar(blit=False)
    assert differing_pixels(shown(blitted.live), shown(redrawn.live)) == 0
    for height, top in [(0.8, 2), (1.3, 2), (0.2, 2), (1.6, 3), (0.4, 3), (0.9, 3)]:
        blitted.set(height, top)
        redrawn.set(height, top)
        assert differing_pixels(shown(blitted.live), shown(redrawn.live)) == 0, f"at height {height}"
    blitter = blitted.live.accelerator.blitter
    assert blitter.blits >= 3, "changes of the text and bar alone should be blitted"
    assert blitter.full_draws == 2, "the first draw and learning the changing artists draw in full; new limits do not"
    assert blitted.label in blitter.dynamic and blitted.bar in blitter.dynamic
    line = blitted.live.axes.lines[0]
    assert line in blitter.dynamic, "the line over the bar must be redrawn over it"


class RescaledCurves:
    """Two axes side by side and a figure text across both.  The right axes' y limits are set with
    each change; its tick labels reach into the left axes when they grow wide."""

    def __init__(self, blit):
        self.live = live.LiveFigure(1, 2, figsize=(6, 3), blit=blit)
        self.left, self.right = self.live.axes
        self.left.plot([0, 1], [0, 1], color="tab:green", linewidth=3)
        # flat lines of many points: a line's place is a string of small boxes along it
        self.moving = self.right.plot(np.linspace(0, 1, 50), np.ones(50), color="tab:orange")[0]
        self.steady = self.right.plot(np.linspace(0, 1, 50), np.full(50, 0.5), color="tab:blue",
                                      linewidth=4)[0]
        self.live.figure.text(0.5, 0.5, "across both axes", ha="center", fontsize=24, color="grey")
        # over the right axes' tick labels, not the axes: left still, but in the redrawn footprint
        self.live.figure.text(0.75, 0.11, "under the axes", va="top", fontsize=14, color="grey")
        self.live.figure.subplots_adjust(left=0.1, right=0.98, bottom=0.16, wspace=0.04)

    def set(self, moving, steady, top, left_top=1):
        self.moving.set_ydata(np.full(50, moving))
        if self.steady.get_ydata()[0] != steady:  # left alone, it moves only with the limits
            self.steady.set_ydata(np.full(50, steady))
        self.right.set_ylim(0, top)
        self.left.set_ylim(0, left_top)
        self.live.refresh()


def test_new_limits_redraw_only_their_axes_and_look_as_a_full_redraw(ipympl_backend):
    blitted, redrawn = RescaledCurves(blit=True), RescaledCurves(blit=False)
    assert differing_pixels(shown(blitted.live), shown(redrawn.live)) == 0
    blitter = blitted.live.accelerator.blitter
    # learn both curves; change one; new limits whose tick labels ("1000") reach into the left axes
    # and under the figure's text; then the curve that only moved with the limits changes
    steps = [(0.8, 0.6, 1), (1.5, 0.6, 2), (900, 0.6, 1000), (900, 300, 1000), (1.5, 0.6, 2)]
    for number, (moving, steady, top) in enumerate(steps):
        draws = blitter.full_draws
        blitted.set(moving, steady, top)
        redrawn.set(moving, steady, top)
        assert differing_pixels(shown(blitted.live), shown(redrawn.live)) == 0, f"at {(moving, steady, top)}"
        if number > 0:  # (the first change is learned: drawn in full without the curves)
            assert blitter.full_draws == draws, f"{(moving, steady, top)} was drawn in full"
    # the right axes' tick labels reach into the left axes: what it drew for limits it had before
    # shows the left axes as they were then, so it is drawn again, not put back
    for moving, steady, top, left_top in [(900, 300, 1000, 1), (1.5, 0.6, 2, 1), (900, 300, 1000, 5)]:
        blitted.set(moving, steady, top, left_top)
        redrawn.set(moving, steady, top, left_top)
        assert differing_pixels(shown(blitted.live), shown(redrawn.live)) == 0, f"at {(top, left_top)}"
    for figure in (blitted, redrawn):
        figure.right.set_aspect(0.5, adjustable="box")
        figure.set(1.5, 0.6, 2)
    shown(blitted.live), shown(redrawn.live)
    draws = blitter.full_draws
    for figure in (blitted, redrawn):
        figure.set(1.5, 0.6, 3)
    assert differing_pixels(shown(blitted.live), shown(redrawn.live)) == 0, "with a fixed aspect"
    assert blitter.full_draws == draws + 1, "a fixed aspect may move the axes with new limits: drawn in full"


def test_new_limits_work_each_axis_ticks_out_once(ipympl_backend, monkeypatch):
    """Measuring an axes for its footprint and drawing it asks each axis for its ticks ~7 times:
    within one background redraw they are worked out once (and then again for the next limits)."""
    from matplotlib.axis import Axis

    blitted, redrawn = RescaledCurves(blit=True), RescaledCurves(blit=False)
    for figure in (blitted, redrawn):
        for moving, top in ((0.8, 1), (1.5, 2)):  # the curve learned, then new limits once
            figure.set(moving, 0.6, top)
            shown(figure.live)
    worked_out = []
    update_ticks = Axis._update_ticks
    monkeypatch.setattr(Axis, "_update_ticks", lambda axis: worked_out.append(axis) or update_ticks(axis))
    blitter = blitted.live.accelerator.blitter
    draws = blitter.full_draws
    for number, top in enumerate((3, 5), start=blitter.background_redraws + 1):
        worked_out.clear()
        blitted.set(2.5, 0.6, top)
        blitted_pixels = shown(blitted.live)
        assert blitter.full_draws == draws and blitter.background_redraws == number, "not a background redraw"
        assert worked_out.count(blitted.right.yaxis) == 1, f"the y axis's ticks worked out {worked_out.count(blitted.right.yaxis)} times"
        redrawn.set(2.5, 0.6, top)
        assert differing_pixels(blitted_pixels, shown(redrawn.live)) == 0, f"at top {top}"


def test_limits_seen_before_put_back_the_background_kept_for_them(ipympl_backend):
    """A drag moves limits back and forth between round numbers: the background drawn for limits an
    axes had before is put back, not drawn again, and looks as a full redraw."""
    blitted, redrawn = TextAndBar(blit=True), TextAndBar(blit=False)
    blitter = blitted.live.accelerator.blitter
    # ...; wider tick labels ("1000") widen the axes' zone: what was kept for the narrower one goes
    steps = [(0.8, 2), (1.3, 2), (2.5, 3), (1.0, 2), (2.6, 3), (5.0, 8), (1.1, 2), (2.4, 3), (800, 1000),
             (2.2, 3)]
    redraws = []
    for height, top in steps:
        blitted.set(height, top)
        redrawn.set(height, top)
        assert differing_pixels(shown(blitted.live), shown(redrawn.live)) == 0, f"at {(height, top)}"
        redraws.append(blitter.background_redraws)
    assert blitter.full_draws == 2, "the first draw and learning; never new limits"
    assert redraws == [0, 0, 1, 1, 1, 2, 2, 2, 3, 4], "drawn for limits not seen (in this zone) only"


def test_kept_backgrounds_are_bounded_in_bytes(ipympl_backend, monkeypatch):
    monkeypatch.setattr(blitting, "MAX_KEPT_BACKGROUND_BYTES", 1)
    blitted, redrawn = TextAndBar(blit=True), TextAndBar(blit=False)
    for height, top in [(0.8, 2), (1.3, 2), (2.5, 3), (1.0, 2)]:
        blitted.set(height, top)
        redrawn.set(height, top)
        assert differing_pixels(shown(blitted.live), shown(redrawn.live)) == 0, f"at {(height, top)}"
    assert blitted.live.accelerator.blitter.background_redraws == 2, "past the limit nothing is kept: drawn again"


def test_new_limits_under_a_layout_engine_draw_in_full(ipympl_backend):
    """Constrained layout moves the axes to fit new tick labels at a full draw: no footprint redraw."""
    for layout, draws_for_new_limits in [("constrained", 1), (None, 0)]:
        figure = live.LiveFigure(figsize=(4, 3), layout=layout)
        line = figure.axes.plot([0, 1], [0, 1])[0]
        canvas = figure.figure.canvas
        canvas.handle_draw({})
        for top in (1.5, 2.0):  # learn the line, then a blit
            line.set_ydata([0, top])
            figure.refresh()
            canvas.handle_draw({})
        draws = figure.accelerator.blitter.full_draws
        line.set_ydata([0, 1000])
        figure.axes.set_ylim(0, 1000)
        figure.refresh()
        canvas.handle_draw({})
        assert figure.accelerator.blitter.full_draws - draws == draws_for_new_limits, layout


def forward(x, y, z):
    return x + y, (x + y) * z


def backward(x, y, z):
    return {"q": z, "x": z, "y": z, "z": x + y}


EDGES = [("x", "q"), ("y", "q"), ("q", "f"), ("z", "f")]


def test_notebook_1_demo_looks_the_same_blitted(ipympl_backend, monkeypatch):
    blitted = staged.StagedComputationDemo(forward, backward, EDGES)
    monkeypatch.setattr(live, "LiveFigure", functools.partial(live.LiveFigure, blit=False))
    redrawn = staged.StagedComputationDemo(forward, backward, EDGES)
    assert blitted.figure.accelerator is not None and redrawn.figure.accelerator is None, "blit=False: a plain figure"
    shown(blitted.figure), shown(redrawn.figure)
    for inputs in [dict(x=-1.5, y=5, z=-4), dict(x=-2, y=5, z=-4), dict(x=-2, y=5, z=0),
                   dict(x=-2, y=5, z=-4), dict(x=1, y=2, z=3.5), dict(x=1.5, y=2, z=3.5)]:
        blitted.update(**inputs)
        redrawn.update(**inputs)
        assert differing_pixels(shown(blitted.figure), shown(redrawn.figure)) == 0, f"at {inputs}"
    assert blitted.figure.accelerator.blitter.blits >= 2
    assert not any(artist.get_animated() for artist in redrawn.figure.figure.findobj())
    assert not blitted.figure.figure.stale, \
        "a draw must leave the figure fresh, or it asks the browser for frames again and again"


@pytest.mark.parametrize("style", [
    dict(linewidth=3),
    dict(linewidth=1, drawstyle="steps-mid", marker="o", markersize=9),
    dict(linewidth=2, linestyle="--", gap=True),
    dict(linewidth=2, logy=True),
    dict(linewidth=1, points=64),  # few points far apart: the segments between boxes' runs matter
])
def test_a_line_paints_only_inside_its_place(ipympl_backend, style):
    """A line's place is a string of small boxes (a legend near a long curve is then drawn again
    only when the curve changes near it).  Every pixel the line paints must be in one of them."""
    style = dict(style)
    gap, logy, points = style.pop("gap", False), style.pop("logy", False), style.pop("points", 500)
    figure = live.LiveFigure(figsize=(4, 3))
    ax = figure.axes
    ax.set_axis_off()
    walk = np.cumsum(np.random.default_rng(0).normal(size=points, scale=500 / points)) + 60
    if gap:
        walk[100:180] = np.nan
    line, = ax.plot(np.arange(points), walk, color="black", **style)
    if logy:
        ax.set_yscale("log")
    canvas = figure.figure.canvas
    canvas.draw()
    painted = (np.asarray(canvas.get_renderer().buffer_rgba())[:, :, :3] != 255).any(axis=2)
    assert painted.sum() > 300, "the line should paint something"
    height = painted.shape[0]
    inside = np.zeros_like(painted)
    place = figure.accelerator.blitter._place(line, canvas.get_renderer())
    assert 8 <= len(place) <= blitting.MAX_LINE_BOXES
    for rectangle in place:
        inside[blitting._region(rectangle, height)] = True
    assert not (painted & ~inside).any(), f"{(painted & ~inside).sum()} painted pixels outside the line's place"
    assert inside.sum() < 0.6 * inside.size, "a string of boxes hugs the line: far less than its whole box"


def test_without_ipympl_there_is_no_blitting():
    matplotlib.use("Agg")
    figure = live.LiveFigure()
    assert figure.accelerator is None
    figure.refresh()  # nothing to show outside a kernel, and no error
    plt.close(figure.figure)


def test_a_lone_change_is_sent_at_once_and_a_fast_drag_waits_for_the_browser(ipympl_backend, monkeypatch):
    """The push saves ipympl's draw handshake only when no frame is on its way to the browser."""
    clock = [100.0]
    monkeypatch.setattr(blitting.time, "monotonic", lambda: clock[0])
    figure, reference = TextAndBar(blit=True), TextAndBar(blit=False)
    canvas, blitter = figure.live.figure.canvas, figure.live.accelerator.blitter
    frames, asks = [], []
    monkeypatch.setattr(canvas, "send_binary", frames.append)
    monkeypatch.setattr(blitter, "_ask_browser", lambda: asks.append(clock[0]))

    figure.set(0.8)
    assert (len(frames), len(asks)) == (0, 1), "no front end shows the canvas yet: only ask"
    shown(figure.live)
    canvas.syncing_data_url = False  # what ipympl does when a front end says "initialized"

    clock[0] += 1.0
    figure.set(1.3)
    assert (len(frames), len(asks)) == (2, 1), "a lone change after a pause is sent without asking"
    figure.set(0.2)
    figure.set(1.6)
    assert (len(frames), len(asks)) == (2, 3), "changes right after a frame wait for the browser to ask"
    clock[0] += 1.0
    figure.set(0.4)
    assert (len(frames), len(asks)) == (2, 4), "the browser was asked and has not asked yet: still wait"
    reference.set(0.4)
    assert differing_pixels(shown(figure.live), shown(reference.live)) == 0, "its request gets the latest state"
    assert len(frames) == 3
    clock[0] += 1.0
    figure.set(0.9)
    reference.set(0.9)
    assert (len(frames), len(asks)) == (4, 4)
    assert differing_pixels(np.asarray(canvas.get_renderer().buffer_rgba()), shown(reference.live)) == 0


def test_notebook_5_demo_looks_the_same_blitted_when_its_contours_are_replaced(ipympl_backend, monkeypatch):
    """x, y* and the loss replace the loss surface's contour sets: no old contour may stay behind."""
    blitted = neural_nets.NeuralNetDemo(neural_net_answers())
    monkeypatch.setattr(live, "LiveFigure", functools.partial(live.LiveFigure, blit=False))
    redrawn = neural_nets.NeuralNetDemo(neural_net_answers())
    shown(blitted.figure), shown(redrawn.figure)
    settings = dict(blitted.settings)
    for change in [dict(w1=settings["w1"] + 0.1), dict(x=settings["x"] + 0.5), dict(w2=settings["w2"] - 0.2),
                   dict(loss=neural_nets.CROSS_ENTROPY), dict(w1=settings["w1"] - 0.3), dict(y_star=0),
                   dict(w2=settings["w2"] + 0.1), dict(loss=neural_nets.SQUARED)]:
        settings.update(change)
        blitted.update(**settings)
        redrawn.update(**settings)
        assert differing_pixels(shown(blitted.figure), shown(redrawn.figure)) == 0, f"after {change}"
    assert blitted.figure.accelerator.blitter.blits >= 1, "a move of w1 or w2 that keeps the loss curve's limits is blitted"
    assert not blitted.figure.figure.stale, "a draw must leave the figure fresh"


def test_an_artist_hidden_at_the_last_full_draw_still_shows_when_it_comes_back(ipympl_backend):
    """A full draw skips a hidden artist or an empty text; showing it later must not be missed."""
    figures = []
    for blit in (True, False):
        figure = TextAndBar(blit=blit)
        figure.note = figure.live.axes.text(0.3, 1.5, "")
        figure.marker = figure.live.axes.plot([0.2], [0.3], "o", visible=False)[0]
        shown(figure.live)
        figures.append(figure)
    for height, note, marker in [(0.8, "", False), (1.2, "look", True), (0.6, "", False), (1.0, "again", True)]:
        for figure in figures:
            figure.note.set_text(note)
            figure.marker.set_visible(marker)
            figure.set(height)
        assert differing_pixels(*(shown(f.live) for f in figures)) == 0, f"with note {note!r}"


def test_a_column_of_numbers_is_learnt_when_its_first_number_changes(ipympl_backend):
    """A colour key's numbers change one at a time as a drag goes on (the top one first, drawn last),
    and learning each is a full draw.  The first to change brings the others of its column (same
    axes, size and x) with it; a text elsewhere stays still."""
    figures = []
    for blit in (True, False):
        figure = TextAndBar(blit=blit)
        ax = figure.live.axes
        # under the bar (zorder 0.5), so that none is learnt for being drawn over what changes
        figure.elsewhere = ax.text(0.1, 0.9, "title", transform=ax.transAxes, fontsize=8, zorder=0.5)
        figure.column = [ax.text(0.9, y, f"{y:.1f}", transform=ax.transAxes, fontsize=8, zorder=0.5)
                         for y in (0.2, 0.5, 0.8)]
        shown(figure.live)
        figures.append(figure)
    for change, height in enumerate([0.8, 1.2, 0.6, 1.0]):
        for figure in figures:
            figure.column[max(2 - change, 0)].set_text(f"{height:.2f}")
            figure.set(height)
        assert differing_pixels(*(shown(f.live) for f in figures)) == 0, f"at change {change}"
    blitter = figures[0].live.accelerator.blitter
    assert all(text in blitter.dynamic for text in figures[0].column)
    assert figures[0].elsewhere not in blitter.dynamic
    assert blitter.full_draws == 2, "the first draw and one learning, not one learning per number"


class CurvesWithLegend:
    """LiveCurves with a legend at loc="best": a curve that stays, a short one that moves."""

    def __init__(self, blit):
        from backprop_kit.views.curves import LiveCurves

        self.live = live.LiveFigure(figsize=(4, 3), blit=blit)
        self.curves = LiveCurves(self.live.axes, ["still", "moving"], y_limits="from_zero")
        self.legend = self.live.axes.get_legend()
        self.legend_draws = 0
        draw = self.legend.draw

        def counted(renderer):
            self.legend_draws += 1
            return draw(renderer)

        self.legend.draw = counted

    def set(self, x, y):
        xs = np.linspace(0, 10, 50)
        self.curves.update({"still": (xs, 5 + np.sin(xs)), "moving": ([x, x + 0.5], [y, y])})
        self.live.refresh()


def test_a_legend_is_drawn_again_only_when_it_moves_or_what_it_covers_changes(ipympl_backend):
    """A legend takes 8 ms to draw.  Here the moving curve stays far from it, then takes its corner
    (at loc="best" it must move away and be drawn again), then leaves it (it moves back)."""
    blitted, redrawn = CurvesWithLegend(blit=True), CurvesWithLegend(blit=False)
    steps = [(1, 1), (1.2, 1), (1.4, 1.2), (1.6, 1), (9.4, 6.5), (9.4, 1)]
    draws = []
    for x, y in steps:
        for figure in (blitted, redrawn):
            figure.set(x, y)
        assert differing_pixels(shown(blitted.live), shown(redrawn.live)) == 0, f"at {(x, y)}"
        draws.append(blitted.legend_draws)
    assert blitted.live.accelerator.blitter.blits >= 3
    assert draws[3] == draws[1], "the legend did not move and the curves it covers did not change"
    assert draws[4] > draws[3], "the moving curve took the legend's place: it must be drawn elsewhere"
    assert draws[5] > draws[4], "the corner is free again: the legend goes back"


def test_a_legend_redrawn_in_a_repaint_is_laid_out_and_placed_once(ipympl_backend, monkeypatch):
    """A repaint asks where loc="best" puts a legend (has it moved?), draws it, then measures it:
    matplotlib lays out its boxes and searches for the best spot each time (~3 ms a legend), so
    within a repaint each is worked out once, and none kept after it, when the curves may move."""
    from matplotlib.legend import Legend

    blitted, redrawn = CurvesWithLegend(blit=True), CurvesWithLegend(blit=False)
    for figure in (blitted, redrawn):
        figure.set(1, 1), shown(figure.live)
    blitted.set(1.2, 1), shown(blitted.live)  # the moving curve is learnt: drawn in full
    searches, layouts = [], []
    packer = type(blitted.legend._legend_box)  # the box that holds the legend's title and entries
    best, layout = Legend._find_best_position, packer._get_bbox_and_child_offsets
    monkeypatch.setattr(Legend, "_find_best_position",
                        lambda legend, *args: searches.append(legend) or best(legend, *args))
    monkeypatch.setattr(packer, "_get_bbox_and_child_offsets",
                        lambda box, renderer: layouts.append(box) or layout(box, renderer))
    # the moving curve takes the legend's corner, then leaves it: the legend moves both times
    for x, y in [(9.4, 6.5), (9.4, 1)]:
        searches.clear(), layouts.clear()
        drawn_before = blitted.legend_draws
        for figure in (blitted, redrawn):
            figure.set(x, y)
        assert differing_pixels(shown(blitted.live), shown(redrawn.live)) == 0, f"at {(x, y)}"
        assert blitted.legend_draws == drawn_before + 1, "the legend moved: drawn again"
        assert searches.count(blitted.legend) == 1, "the best spot was searched for more than once"
        assert layouts.count(blitted.legend._legend_box) == 1, "the legend was laid out more than once"
        assert not {"_find_best_position", "get_bbox"} & (set(vars(blitted.legend))
                                                          | set(vars(blitted.legend._legend_box))), \
            "what was worked out was kept after the repaint"
    assert blitted.live.accelerator.blitter.full_draws == 2


def test_sending_a_frame_does_not_ask_the_browser_for_another(ipympl_backend, monkeypatch):
    """A frame must leave the figure fresh: a figure left stale (new ticks made while walking an axis,
    a legend's boxes moved by drawing) is drawn in full next time, and in Voila the browser was asked
    for frames for ever."""
    demo = staged.StagedComputationDemo(forward, backward, EDGES)
    blitter = demo.figure.accelerator.blitter
    asks = []
    monkeypatch.setattr(blitter, "_ask_browser", lambda: asks.append(1))
    for inputs in [dict(x=-2, y=5, z=-4), dict(x=-1.9, y=5, z=-4), dict(x=-1.8, y=5, z=-4), dict(x=-1, y=5, z=0)]:
        demo.update(**inputs)
        before = len(asks)
        shown(demo.figure)
        assert len(asks) == before, f"a frame at {inputs} asked for another"
        assert not demo.figure.figure.stale
    assert blitter.blits >= 1


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_every_demo_looks_the_same_blitted_whatever_the_controls_do(name, ipympl_backend, monkeypatch):
    """Each live demo of the worked solution, driven by random slider steps and jumps (seeded), shows
    exactly the pixels of the same demo redrawn in full after every change."""
    blitted = solution_demos(name, monkeypatch, blit=True)
    redrawn = solution_demos(name, monkeypatch, blit=False)
    assert blitted and len(blitted) == len(redrawn)
    rng = np.random.default_rng(sum(map(ord, name)))
    for number, (fast, full) in enumerate(zip(blitted, redrawn), start=1):
        fast_controls, full_controls = demo_controls(fast.app()), demo_controls(full.app())
        screen = BrowserScreen(fast.figure.figure.canvas, monkeypatch, takes_pastes=number % 2 == 1)
        shown(fast.figure), shown(full.figure)
        for _ in range(12):
            pick = rng.integers(len(fast_controls))
            value = another_value(fast_controls[pick], rng)
            fast_controls[pick].value = full_controls[pick].value = value
            what = f"demo {number} ({type(fast).__name__}) after {fast_controls[pick].description} = {value}"
            assert differing_pixels(shown(fast.figure), shown(full.figure)) == 0, what
            assert differing_pixels(screen.picture, shown(full.figure)) == 0, f"the browser's picture: {what}"
        assert not fast.figure.figure.stale
    assert sum(demo.figure.accelerator.blitter.blits for demo in blitted) > 0, "no change was blitted: nothing tested"


@pytest.mark.parametrize("name", ["01_staged_computation", "02_backprop_practice", "04_deep_learning",
                                  "05_neural_nets"])
def test_every_graph_demo_in_step_mode_looks_the_same_blitted(name, ipympl_backend, monkeypatch):
    """Step mode (widgets/stepper.py) on: random moves of the step slider and the demo's own controls
    show exactly the pixels of the same demo redrawn in full (the band, hidden numbers, the step line)."""
    blitted = [d for d in solution_demos(name, monkeypatch, blit=True) if hasattr(d, "graph_steps")]
    redrawn = [d for d in solution_demos(name, monkeypatch, blit=False) if hasattr(d, "graph_steps")]
    assert blitted and len(blitted) == len(redrawn)
    rng = np.random.default_rng(sum(map(ord, name)) + 1)
    for number, (fast, full) in enumerate(zip(blitted, redrawn), start=1):
        fast_app, full_app = fast.app(), full.app()
        shown(fast.figure), shown(full.figure)
        fast_app.stepper.toggle.value = full_app.stepper.toggle.value = True
        fast_controls, full_controls = demo_controls(fast_app), demo_controls(full_app)
        step = fast_controls.index(fast_app.stepper.slider)
        assert differing_pixels(shown(fast.figure), shown(full.figure)) == 0, f"demo {number} at its first step"
        for _ in range(12):
            pick = step if rng.random() < 0.6 else rng.integers(len(fast_controls))
            value = another_value(fast_controls[pick], rng)
            fast_controls[pick].value = full_controls[pick].value = value
            what = f"demo {number} ({type(fast).__name__}) in step mode after {fast_controls[pick].description} = {value}"
            assert differing_pixels(shown(fast.figure), shown(full.figure)) == 0, what
        assert not fast.figure.figure.stale


def test_the_browser_shows_the_figure_from_cut_diff_frames(ipympl_backend, monkeypatch):
    """Frames are painted as ipympl's front end paints them: a full frame replaces the picture, a
    diff frame is drawn over it at the top left corner at its own size.  After every change the
    picture equals the figure, and a slider step is sent as a small cut frame."""
    import io

    from PIL import Image

    demo = staged.StagedComputationDemo(forward, backward, EDGES)
    canvas = demo.figure.figure.canvas
    screen, frames = [None], []

    def paint(png):
        image = np.asarray(Image.open(io.BytesIO(png)).convert("RGBA"))
        frames.append((canvas._current_image_mode, image.shape[:2]))
        if canvas._current_image_mode == "full":
            screen[0] = image.copy()
        else:
            height, width = image.shape[:2]
            drawn = image[:, :, 3] > 0
            screen[0][:height, :width][drawn] = image[drawn]

    monkeypatch.setattr(canvas, "send_binary", paint)
    canvas.syncing_data_url = False
    for inputs in [dict(x=-2, y=5, z=-4), dict(x=-1.9, y=5, z=-4), dict(x=-1.9, y=5.1, z=-4),
                   dict(x=3, y=-1, z=2), dict(x=3, y=-1, z=2.1), dict(x=3, y=-1, z=2.1)]:
        demo.update(**inputs)
        shown(demo.figure)
        assert differing_pixels(screen[0], np.asarray(canvas.get_renderer().buffer_rgba())) == 0, f"at {inputs}"
    modes = [mode for mode, _ in frames]
    assert modes[0] == "full" and modes.count("diff") >= 4
    full_size = frames[0][1]
    cut = [size for mode, size in frames if mode == "diff" and size != full_size]
    assert cut, "a slider step's frame ends at the last changed row and column"
    assert frames[-1] == ("diff", (1, 1)), "nothing changed: one transparent pixel answers the browser"


def test_a_changed_text_is_laid_out_once_in_a_repaint_and_as_drawn_by_a_full_redraw(ipympl_backend, monkeypatch):
    """A repaint measures a changed text (to know its place), then draws it: one layout for both,
    and none kept after the repaint, when the text may change again."""
    from matplotlib.text import Text

    blitted, redrawn = TextAndBar(blit=True), TextAndBar(blit=False)
    shown(blitted.live), shown(redrawn.live)
    blitted.set(0.7), shown(blitted.live)  # the first change: learnt, drawn in full
    layouts = []
    class_layout = Text._get_layout
    monkeypatch.setattr(Text, "_get_layout", lambda text, renderer: layouts.append(text) or class_layout(text, renderer))
    for height in (1.2, 0.3):
        layouts.clear()
        blitted.set(height)
        redrawn.set(height)
        assert differing_pixels(shown(blitted.live), shown(redrawn.live)) == 0
        assert layouts.count(blitted.label) == 1, "the changed label was laid out more than once"
        assert "_get_layout" not in vars(blitted.label), "the layout was kept after the repaint"
    assert blitted.live.accelerator.blitter.blits >= 2


@pytest.mark.parametrize("boxstyle", ["round,pad=0.3", "square,pad=0.5", "round,pad=0.3,rounding_size=0.9",
                                      "rarrow,pad=0.3"])
def test_a_framed_text_paints_only_inside_its_place(ipympl_backend, boxstyle):
    """A text on a frame (veiled_text's notes) is placed by its frame's box padded as the style pads
    it, turned with the text: every pixel it paints is inside, and upright the box is the path's own.
    Styles that may reach past their padded box (an arrow, a rounding larger than the pad) are
    measured from their path."""
    figure = live.LiveFigure(figsize=(4, 3))
    ax = figure.axes
    ax.set_axis_off()
    canvas = figure.figure.canvas
    renderer = canvas.get_renderer()
    for rotation in (0, 30, 90, 200):
        for text in ax.texts[:]:
            text.remove()
        note = ax.text(0.5, 0.5, "step 0.0563 long: too short", rotation=rotation, ha="center", va="center",
                       fontsize=11, bbox=dict(boxstyle=boxstyle, facecolor="black", edgecolor="red", linewidth=2))
        canvas.draw()
        painted = (np.asarray(renderer.buffer_rgba())[:, :, :3] != 255).any(axis=2)
        assert painted.sum() > 500, "the frame should paint something"
        height = painted.shape[0]
        inside = np.zeros_like(painted)
        for rectangle in figure.accelerator.blitter._place(note, renderer):
            inside[blitting._region(rectangle, height)] = True
        assert not (painted & ~inside).any(), f"{(painted & ~inside).sum()} pixels outside at {rotation} degrees"
        exact = note.get_bbox_patch().get_window_extent(renderer)
        mine = blitting._frame_box(note.get_bbox_patch(), renderer)
        assert mine.x0 <= exact.x0 + 1e-6 and mine.y0 <= exact.y0 + 1e-6 \
            and mine.x1 >= exact.x1 - 1e-6 and mine.y1 >= exact.y1 - 1e-6, (rotation, mine, exact)
        if rotation == 0 or "arrow" in boxstyle or "rounding" in boxstyle:
            assert np.allclose(mine.extents, exact.extents), (rotation, mine, exact)


def test_an_artist_hidden_where_nothing_else_is_drawn_is_wiped_away(ipympl_backend):
    """Hiding a lone text repaints its old place with the background and has no artist to draw
    there: the repaint must cope with nothing to redraw."""
    figures = []
    for blit in (True, False):
        figure = TextAndBar(blit=blit)
        figure.note = figure.live.axes.text(0.3, 1.7, "a lone note")
        shown(figure.live)
        figures.append(figure)
    for text, visible in [("a lone note, changed", True), ("a lone note, changed", False), ("back", True)]:
        for figure in figures:
            figure.note.set_text(text)
            figure.note.set_visible(visible)
            figure.live.refresh()
        mine, theirs = (shown(f.live) for f in figures)
        assert differing_pixels(mine, theirs) == 0, f"{text!r} visible={visible}"
    assert figures[0].live.accelerator.blitter.blits >= 2, "the note's changes should be blits"


def test_the_tested_matplotlib_leaves_animated_images_out_of_a_full_draw():
    """The blitter animates a changing image and draws it over the background itself, which holds
    only where Axes.draw leaves animated images out (matplotlib 3.11; up to 3.10 it drew them, so a
    blitted image was drawn twice): acceleration.TESTED must name only such releases."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    pictures = []
    for animated in (False, True):
        figure = Figure(figsize=(2, 2), dpi=50)
        FigureCanvasAgg(figure)
        ax = figure.add_subplot()
        image = ax.imshow(np.eye(3), alpha=0.5, visible=animated)  # (the reference: no image drawn)
        image.set_animated(animated)
        figure.canvas.draw()
        pictures.append(np.asarray(figure.canvas.buffer_rgba()).copy())
    assert differing_pixels(*pictures) == 0, "an animated image was drawn by a full draw"
