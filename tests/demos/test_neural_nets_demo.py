"""Notebook 5's drawing and widgets, driven with a reference implementation (independent of the notebook)."""

import math

import matplotlib

matplotlib.use("Agg")

import numpy as np
import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.colors import to_rgba

from backprop_kit.demos import neural_nets as nn
from backprop_kit.views.drawing import WRONG_COLOUR
from backprop_kit.values import format_value
from tests.support.neural_nets_reference import g, forward, loss, LINKS, dloss_dw2, dloss_dw1, answers

def reference_descent(x, y_star, w1, w2, alpha, steps, cross_entropy=False):
    """Plain gradient descent written out by hand: dLoss/dz2 is a2 - y* for cross-entropy."""
    for _ in range(steps):
        z1, a1, z2, a2 = forward(x, w1, w2)
        dz2 = (a2 - y_star) if cross_entropy else (a2 - y_star) * a2 * (1 - a2)
        w1, w2 = w1 - alpha * dz2 * w2 * a1 * (1 - a1) * x, w2 - alpha * dz2 * a1
    return w1, w2


WORKED = dict(x=1.0, y_star=1, w1=0.0, w2=2 * math.log(3))


def test_worked_example_puts_the_exact_hand_values_on_the_drawing():
    demo = nn.NeuralNetDemo(answers(), **WORKED)
    drawn = demo.view.annotations()
    ln3 = math.log(3)
    expected = {  # wire: (forward value above, gradient below), from the notebook's hand values
        ("w1", "z1"): (0.0, -3 * ln3 / 128), ("z1", "a1"): (0.0, -3 * ln3 / 128),
        ("a1", "z2"): (0.5, -3 * ln3 / 32), ("w2", "z2"): (2 * ln3, -3 / 128),
        ("z2", "a2"): (ln3, -3 / 64), ("a2", "L"): (0.75, -0.25), ("L", None): (1 / 32, 1.0),
    }
    for wire, (value, grad) in expected.items():
        assert (drawn[wire]["value"], drawn[wire]["grad"]) == (format_value(value), format_value(grad)), wire
    assert drawn[("x", "z1")]["grad"] == "" and drawn[("y_star", "L")]["grad"] == "", "data carry no gradient"
    assert demo.view.message == ""
    assert demo.readout.values["dLoss/dw1"] == format_value(-3 * ln3 / 128) == "-0.02575"


def test_default_readout_matches_a_hand_written_descent():
    demo = nn.NeuralNetDemo(answers())
    s = nn.DEMO_START
    z1, a1, z2, a2 = forward(s["x"], s["w1"], s["w2"])
    end = reference_descent(s["x"], s["y_star"], s["w1"], s["w2"], s["alpha"], s["steps"])
    expected = {
        "a2": a2, "Loss": 0.5 * (a2 - 1) ** 2, "dLoss/dz2": (a2 - 1) * a2 * (1 - a2),
        "dLoss/dw1": dloss_dw1(s["x"], 1, s["w1"], s["w2"]), "dLoss/dw2": dloss_dw2(s["x"], 1, s["w1"], s["w2"]),
        "w1 after descent": end[0], "w2 after descent": end[1], "Loss after descent": loss(s["x"], 1, *end),
    }
    assert demo.readout.values == {name: format_value(v) for name, v in expected.items()}
    # What a browser test reads at the default settings.
    assert demo.readout.values == {
        "a2": "0.008469", "Loss": "0.4916", "dLoss/dz2": "-0.008326", "dLoss/dw1": "0.001881",
        "dLoss/dw2": "-0.007931", "w1 after descent": "2.66", "w2 after descent": "-3.57",
        "Loss after descent": "0.4663"}
    assert 'data-name="a2">a2 = <b>0.008469</b>' in demo.readout.line.value


def test_cross_entropy_keeps_the_gradient_that_squared_error_loses_when_the_sigmoid_saturates():
    squared = nn.NeuralNetDemo(answers())
    cross = nn.NeuralNetDemo(answers(), loss=nn.CROSS_ENTROPY)
    s = nn.DEMO_START
    a2 = forward(s["x"], s["w1"], s["w2"])[3]
    # dLoss/dz2 = a2 - y* for cross-entropy: as large as the error, not squeezed by a2(1 - a2).
    assert cross.readout.values["dLoss/dz2"] == format_value(a2 - 1)
    assert abs(float(cross.readout.values["dLoss/dz2"])) > 100 * abs(float(squared.readout.values["dLoss/dz2"]))
    end = reference_descent(s["x"], s["y_star"], s["w1"], s["w2"], s["alpha"], s["steps"], cross_entropy=True)
    assert cross.readout.values["w2 after descent"] == format_value(end[1])
    # The same steps: cross-entropy reaches the right class, squared error is still on the plateau.
    assert forward(s["x"], *end)[3] > 0.95
    assert forward(s["x"], *squared.points[-1])[3] < 0.1
    # The right-hand panel marks the student's dLoss/dz2 on the cross-entropy curve.
    now = cross.output_curves.lines["now"].get_data()
    assert np.allclose(now[1], [a2 - 1])
    assert cross.view.ax.get_title() == nn.graph_title(nn.CROSS_ENTROPY)
    assert nn.LOSS_FORMULAS[nn.CROSS_ENTROPY] in cross.view.ax.get_title() and "rebuilt" in cross.view.ax.get_title()


def test_sliders_and_toggle_redraw_the_same_figure_in_place():
    demo = nn.NeuralNetDemo(answers())
    figure, path_line, arrow = demo.figure.figure, demo.surface.path, demo.surface.arrow
    bands = demo.surface._bands.get_array().copy()
    app = demo.app()
    controls = {w.description: w for w in app.children[0].children[0].children}
    controls["w1"].value = 1.0  # the weights move the point and the path, not the surface
    assert np.array_equal(demo.surface._bands.get_array(), bands)
    assert demo.surface.drawn()["point"] == (1.0, -5.0)
    assert demo.surface.drawn()["path"][0].tolist() == [1.0, -5.0]
    controls["Loss"].value = nn.CROSS_ENTROPY  # another loss: another surface on the same axes
    assert not np.array_equal(demo.surface._bands.get_array(), bands)
    levels = demo.surface.drawn()["levels"]
    controls["x"].value = 2.0
    assert not np.array_equal(demo.surface.drawn()["levels"], levels)
    controls["steps"].value = 3
    assert len(demo.surface.drawn()["path"]) == 4 and len(demo.loss_curve.lines["loss"].get_xdata()) == 4
    controls["steps"].value = 0  # no step taken: the descent ends where it starts
    assert demo.readout.values["w1 after descent"] == "1" and demo.readout.values["w2 after descent"] == "-5"
    assert demo.readout.values["Loss after descent"] == demo.readout.values["Loss"]
    assert demo.figure.figure is figure and demo.surface.path is path_line and demo.surface.arrow is arrow
    assert len(figure.axes) == 5


def test_arrow_is_the_first_step_of_the_students_update():
    settings = dict(x=1.0, y_star=1, w1=1.0, w2=-1.0, alpha=5.0, steps=10, loss=nn.CROSS_ENTROPY)
    demo = nn.NeuralNetDemo(answers(), **settings)
    start, tip = demo.surface.drawn()["arrow"]
    first = reference_descent(1.0, 1, 1.0, -1.0, 5.0, 1, cross_entropy=True)
    assert np.allclose(start, (1.0, -1.0)) and np.allclose(tip, first)


def test_check_names_the_first_wrong_link_and_marks_its_wire():
    wrong = answers(da2_dz2=lambda z2, a2: a2, da1_dz1=lambda z1, a1: a1)  # g' taken as g
    demo = nn.NeuralNetDemo(wrong)
    report = demo.check()
    assert "First wrong link, walking back from the loss: \u2202a2/\u2202z2." in report
    assert "\u2713 \u2202Loss/\u2202a2 matches finite differences." in report
    assert "\u2717 \u2202a1/\u2202z1 is off" in report
    drawn = demo.view.annotations()
    assert to_rgba(drawn[("z2", "a2")]["colour"]) == to_rgba(WRONG_COLOUR)
    assert to_rgba(drawn[("a1", "z2")]["colour"]) != to_rgba(WRONG_COLOUR)
    lines = demo.checklist.texts()
    assert lines[1].startswith("\u2717 \u2202a2/\u2202z2") and lines[0].startswith("\u2713 \u2202Loss/\u2202a2")


def test_missing_w2_factor_is_caught_on_the_gradient_not_on_a_link():
    demo = nn.NeuralNetDemo(answers(dloss_dw1=lambda x, y_star, w1, w2: dloss_dw1(x, y_star, w1, w2) / w2))
    report = demo.check()
    assert "Every local derivative matches finite differences." in report
    assert "\u2717 \u2202Loss/\u2202w1 is off" in report
    assert to_rgba(demo.view.annotations()[("w1", "z1")]["colour"]) == to_rgba(WRONG_COLOUR)


def test_an_update_that_climbs_is_stopped_and_explained():
    demo = nn.NeuralNetDemo(answers(gradient_step=lambda w1, w2, g1, g2, alpha: (w1 + alpha * g1, w2 + alpha * g2)),
                            loss=nn.CROSS_ENTROPY, alpha=10.0, steps=200)
    final = float(demo.readout.values["Loss after descent"])
    assert final > float(demo.readout.values["Loss"]), "a + step goes uphill"


def test_unfinished_notebook_shows_question_marks_and_sentences_not_a_crash():
    blank = nn.Answers(*[lambda *args: ... for _ in range(10)], lambda *args: (..., ...))
    demo = nn.NeuralNetDemo(blank)
    drawn = demo.view.annotations()
    assert drawn[("z1", "a1")]["value"] == "?"
    assert "still `...`" in demo.view.message
    assert "still `...`" in demo.surface.drawn()["note"]
    assert set(demo.readout.values.values()) == {"?"}
    report = demo.check()
    assert report.startswith("forward(x, w1, w2) is still `...`")
    assert "\nFinish part 1 (forward): the check differentiates your forward pass.\n" in report
    assert "\u2202Loss/\u2202a2, \u2202a2/\u2202z2" in report and "not checked: finish part 1" in report
    assert all(line.startswith("?") for line in demo.checklist.texts())
    assert not demo.surface._bands.get_visible(), "no loss yet: no surface"
    # nothing written is not something wrong: the wires say what is left, without crosses
    assert demo.view.message.startswith("? 6 wire(s) have no gradient yet"), demo.view.message
    drawn = demo.view.annotations()
    assert not any("\u2717" in wire["grad"] for wire in drawn.values()), drawn
    assert not any(np.allclose(to_rgba(wire["colour"]), to_rgba(WRONG_COLOUR)) for wire in drawn.values())


def test_parts_not_reached_yet_say_which_part_to_finish():
    view = nn.draw(nn.Answers(forward))
    assert view.message == "Finish part 2 (loss) to see this."
    assert view.annotations()[("z2", "a2")]["value"] == format_value(forward(*[WORKED[k] for k in ("x", "w1", "w2")])[2])


@pytest.mark.parametrize("bad,error,message", [
    (dict(answers=forward), TypeError, "demo.Answers"),
    (dict(answers=None, speed=3), TypeError, "unknown setting"),
    (dict(answers=None, loss="hinge"), ValueError, "loss must be one of"),
])
def test_bad_demo_arguments_are_refused_with_a_reason(bad, error, message):
    bad = dict(bad)
    given = bad.pop("answers")
    with pytest.raises(error, match=message):
        nn.NeuralNetDemo(answers() if given is None else given, **bad)


def test_the_given_pieces_stay_finite_and_the_estimates_differentiate_the_students_code():
    assert nn.cross_entropy(0.75, 1) == pytest.approx(-math.log(0.75))
    assert np.isfinite(nn.cross_entropy(0.0, 1)) and np.isfinite(nn.cross_entropy_dloss_da2(1.0, 0))
    assert nn.cross_entropy_dloss_da2(np.array([0.25, 0.75]), 1) == pytest.approx([-4, -4 / 3])
    # each link is the change in one of the student's values over the change in another: exact links
    for point in (dict(x=1.0, y_star=1.0, w1=0.0, w2=2 * math.log(3)), dict(x=-1.3, y_star=0.0, w1=0.7, w2=-2.1)):
        values = dict(point, **dict(zip(nn.FORWARD_NAMES, forward(point["x"], point["w1"], point["w2"]))))
        for link in nn.LINKS:
            expected = LINKS[link.name](*[values[a] for a in link.arguments])
            assert nn.link_estimate(answers(), link, **point) == pytest.approx(expected, rel=1e-6, abs=1e-9)
        estimates = nn.weight_estimates(answers(), **point)
        assert estimates["w2"] == pytest.approx(dloss_dw2(**point), rel=1e-6, abs=1e-10)
        assert estimates["w1"] == pytest.approx(dloss_dw1(**point), rel=1e-6, abs=1e-10)


def test_the_check_differentiates_the_students_forward_pass_and_loss():
    """The kit holds no forward pass or loss of its own: a forward pass without the output sigmoid
    makes the (right) link da2/dz2 disagree with it, and a loss twice too big its weight gradients."""
    def no_sigmoid(x, w1, w2):
        z1, a1, z2, a2 = forward(x, w1, w2)
        return z1, a1, z2, z2

    def its_loss(x, y_star, w1, w2):
        return 0.5 * (no_sigmoid(x, w1, w2)[3] - y_star) ** 2

    report = nn.NeuralNetDemo(answers(forward=no_sigmoid, loss=its_loss), **WORKED).check()
    assert "First wrong link, walking back from the loss: \u2202a2/\u2202z2." in report
    assert "\u2717 \u2202a2/\u2202z2 is off: you return -0.1083, finite differences give 1." in report
    assert "\u2713 \u2202Loss/\u2202a2 matches finite differences." in report
    doubled = nn.NeuralNetDemo(answers(loss=lambda *args: 2 * loss(*args)), **WORKED)
    report = doubled.check()
    assert "\u2717 \u2202Loss/\u2202w2 is off" in report and "\u2717 \u2202Loss/\u2202a2 is off" in report
    assert "\u2713 \u2202a2/\u2202z2 matches finite differences." in report
    plain = nn.NeuralNetDemo(answers(), **WORKED)
    np.testing.assert_allclose(doubled.surface._bands.get_array(), 2 * plain.surface._bands.get_array())


def test_the_surface_and_curves_come_from_the_students_code_and_wait_for_it():
    no_loss = nn.NeuralNetDemo(answers(loss=lambda *args: ...))
    assert not no_loss.surface._bands.get_visible()
    assert no_loss.surface.drawn()["note"] == "Loss is still `...`: replace it with your answer."
    assert len(no_loss.loss_curve.lines["loss"].get_xdata()) == 0
    assert no_loss.readout.values["Loss after descent"] == "?"
    cross = nn.NeuralNetDemo(answers(loss=lambda *args: ...), loss=nn.CROSS_ENTROPY)
    assert cross.surface._bands.get_visible(), "cross-entropy is given: its surface needs only the forward pass"
    curves = nn.output_gradients(answers(), 1, z2=[-2.0, 0.0, 3.0])
    a2 = np.array([g(-2.0), 0.5, g(3.0)])
    np.testing.assert_allclose(curves[nn.SQUARED][1], (a2 - 1) * a2 * (1 - a2))
    np.testing.assert_allclose(curves[nn.CROSS_ENTROPY][1], a2 - 1)
    unfinished = nn.output_gradients(answers(da2_dz2=lambda z2, a2: ...), 1)
    assert unfinished == {nn.SQUARED: ([], []), nn.CROSS_ENTROPY: ([], [])}


@pytest.mark.parametrize("dpi", [100, 130])  # a notebook, the demo's projector scale
def test_the_check_lists_sentence_keeps_clear_of_its_lines_even_on_two_lines(dpi):
    blank = nn.Answers(*[lambda *args: ... for _ in range(10)], lambda *args: (..., ...))
    demo = nn.NeuralNetDemo(blank)
    figure = demo.figure.figure
    figure.set_dpi(dpi)
    renderer = FigureCanvasAgg(figure).get_renderer()
    figure.draw(renderer)
    footer = demo.checklist.footer
    assert footer.get_text().startswith("Finish part 1 (forward)")
    sentence = footer.get_window_extent(renderer)
    assert sentence.height > 1.5 * demo.checklist.lines[0].get_window_extent(renderer).height, \
        "the sentence fits one line here: the test would not see two lines meet the list"
    for line in demo.checklist.lines:
        assert not sentence.overlaps(line.get_window_extent(renderer)), (line.get_text(), footer.get_text())


def test_moving_x_works_its_next_surfaces_out_while_the_kernel_waits(monkeypatch, ipympl_backend):
    """A drag of x: while the kernel waits for the next step, the surface at the next x (on in the
    direction of the drag, then back) is worked out and its picture made, and the student's code
    run there, so the step there neither runs their code, nor evaluates the loss over the grid,
    nor samples the picture, and draws what a demo that worked nothing out ahead draws; x as the
    slider sends it (-3 + 38 x 0.1) is the x worked out (0.9 - 0.1).
    (Work ahead is the acceleration layer's: an accelerated figure's, each drawn in full.)"""
    from backprop_kit.acceleration.images import GridImage
    from tests.conftest import run_on_own_loop, until_idle_work_done

    sampled = []
    sample = GridImage._sampled
    monkeypatch.setattr(GridImage, "_sampled", lambda image, *args: sampled.append(1) or sample(image, *args))

    async def drag():
        demo = nn.NeuralNetDemo(answers(), x=1.0)
        ahead = demo.figure.accelerator.ahead
        canvas = demo.figure.figure.canvas
        canvas.draw()
        assert sampled, "the surface's picture is sampled when drawn: the count below could fail"
        settings = dict(demo.settings)
        assert not ahead.pending and list(demo._surfaces) == [(1.0, 1, nn.SQUARED)]
        demo.update(**{**settings, "x": 0.9})
        assert ahead.pending, "x moved: its next surfaces are worked out while the kernel waits"
        await until_idle_work_done(ahead)
        assert [x for x, _, _ in demo._surfaces] == [1.0, 0.9, 0.8], "dragged down: 0.8 next (1.0 is kept)"
        assert sorted(key[0] for key in demo._models) == [0.8, 1.0], "and what the student's code gives there"
        canvas.draw()
        sampled.clear()
        monkeypatch.setattr(nn, "model_at", lambda *args: pytest.fail("the model at x = 0.8 was worked out ahead"))
        demo.update(**{**settings, "x": -3 + 38 * 0.1})
        canvas.draw()
        assert len(demo._surfaces) == 3 and sampled == [], "the step to x = 0.8 found its surface made"
        monkeypatch.undo()
        return np.asarray(canvas.get_renderer().buffer_rgba()).copy()

    ahead = run_on_own_loop(drag)
    plain = nn.NeuralNetDemo(answers(), x=0.8)  # no running loop: nothing is worked out ahead
    plain_canvas = plain.figure.figure.canvas
    plain_canvas.draw()
    assert plain._surfaces and not plain.figure.accelerator.ahead.pending
    assert np.array_equal(ahead, np.asarray(plain_canvas.get_renderer().buffer_rgba())), \
        "a surface worked out ahead is drawn as one worked out in the step"


def test_the_students_code_is_run_again_at_settings_seen_before():
    """What the student's code gives is worked out ahead for a drag's next values, and kept only
    until the next move: a part answered again, or anything their code reads changed meanwhile,
    shows at once at settings drawn before."""
    scale = [1.0]  # something their loss reads besides its arguments
    demo = nn.NeuralNetDemo(answers(loss=lambda x, y_star, w1, w2: scale[0] * loss(x, y_star, w1, w2)))
    settings = dict(demo.settings)
    point = {name: settings[name] for name in ("x", "y_star", "w1", "w2")}
    assert demo.readout.values["Loss"] == format_value(loss(**point))
    demo.update(**{**settings, "x": settings["x"] + 0.1})
    scale[0] = 2.0
    demo.update(**settings)
    assert demo.readout.values["Loss"] == format_value(2 * loss(**point))
    demo.update(**{**settings, "x": settings["x"] + 0.1})
    demo.answers.loss = lambda x, y_star, w1, w2: 3 * loss(x, y_star, w1, w2)
    demo.update(**settings)
    assert demo.readout.values["Loss"] == format_value(3 * loss(**point))


def test_a_part_answered_again_after_the_work_ahead_is_run_again(ipympl_backend):
    """The next x is worked out ahead with the functions of that moment: a part answered again
    before the step there is run again, not taken from what was worked out."""
    from tests.conftest import run_on_own_loop, until_idle_work_done

    async def drag():
        demo = nn.NeuralNetDemo(answers(), x=1.0)
        settings = dict(demo.settings)
        demo.update(**{**settings, "x": 0.9})
        await until_idle_work_done(demo.figure.accelerator.ahead)
        assert 0.8 in {key[0] for key in demo._models}, "the step to 0.8 was worked out ahead"
        demo.answers.loss = lambda x, y_star, w1, w2: 2 * loss(x, y_star, w1, w2)
        demo.update(**{**settings, "x": 0.8})
        return demo.readout.values["Loss"], settings

    shown, settings = run_on_own_loop(drag)
    assert shown == format_value(2 * loss(0.8, settings["y_star"], settings["w1"], settings["w2"]))


def test_a_drag_of_x_draws_its_next_steps_texts_ahead(monkeypatch, ipympl_backend):
    """While the kernel waits after a step of x, the texts of the drag's next step (wire labels,
    check-list rows, the surface's title) are drawn out of sight, so that step draws every text
    from kept images, looks as a full redraw, and leaves the readout as the step sets it.
    (Rehearsal is the acceleration layer's: an accelerated figure's.)"""
    from backprop_kit.acceleration import glyphs
    from tests.conftest import run_on_own_loop, until_idle_work_done
    from tests.support.screens import shown

    merges = []
    merged = glyphs._merged
    monkeypatch.setattr(glyphs, "_merged", lambda placed: merges.append(1) or merged(placed))

    async def drag():
        demo = nn.NeuralNetDemo(answers(), x=1.0)
        settings, ahead = dict(demo.settings), demo.figure.accelerator.ahead
        shown(demo.figure)
        for x in (0.9, 0.8):  # the first steps learn which artists change (full draws)
            demo.update(**{**settings, "x": x})
            shown(demo.figure)
            await until_idle_work_done(ahead)
        rehearsal = demo.figure.accelerator.rehearsal
        assert rehearsal.texts_drawn > 10, "the texts at x = 0.7 were drawn ahead"
        full_draws = demo.figure.accelerator.blitter.full_draws
        merges.clear()
        demo.update(**{**settings, "x": 0.7})
        step = shown(demo.figure)
        assert merges == [], "the step to x = 0.7 drew no text anew"
        assert demo.figure.accelerator.blitter.full_draws == full_draws, "it was a blit"
        demo.figure.figure.canvas.draw()  # a full redraw
        redrawn = np.asarray(demo.figure.figure.canvas.get_renderer().buffer_rgba())
        assert np.array_equal(step, redrawn), "the step shows what a full redraw does"
        loss_shown = demo.readout.values["Loss"]
        await until_idle_work_done(ahead)
        drawn_ahead = rehearsal.texts_drawn
        demo.update(**{**settings, "x": 0.8})  # turned back: back and forth finds its values kept
        shown(demo.figure)
        await until_idle_work_done(ahead)
        assert rehearsal.texts_drawn == drawn_ahead, "a drag that turned back is not rehearsed"
        return loss_shown, settings

    loss_shown, settings = run_on_own_loop(drag)
    assert loss_shown == format_value(loss(0.7, settings["y_star"], settings["w1"], settings["w2"]))


def test_a_cell_run_between_two_moves_is_seen_at_the_next(cell_runs, ipympl_backend):
    """What was worked out ahead from the student's code (the next x's model and surface), and the
    surfaces and curves kept, are forgotten when a cell runs: a cell that changes a global their
    code reads shows at the next move, at an x worked out ahead, drawn before or still shown."""
    from tests.conftest import run_on_own_loop, until_idle_work_done

    scale = [1.0]  # a global their code reads besides its arguments

    def scaled_loss(x, y_star, w1, w2):
        return scale[0] * loss(x, y_star, w1, w2)

    def scaled_dloss_da2(a2, y_star):
        return scale[0] * LINKS["dloss_da2"](a2, y_star)

    def their(**settings):
        return nn.NeuralNetDemo(answers(loss=scaled_loss, dloss_da2=scaled_dloss_da2), **settings)

    def shown(demo):
        return (demo.readout.values["Loss"], demo.surface.drawn()["levels"][-1],
                demo.output_curves.lines[nn.SQUARED].get_ydata().copy())

    async def drag():
        demo = their(x=1.0)
        settings = dict(demo.settings)
        demo.update(**{**settings, "x": 0.9})
        await until_idle_work_done(demo.figure.accelerator.ahead)
        assert 0.8 in {key[0] for key in demo._models}, "the step to 0.8 was worked out ahead"
        scale[0] = 2.0
        cell_runs()  # the cell that set it
        demo.update(**{**settings, "x": 0.8})
        views = [shown(demo)]
        demo.update(**{**settings, "x": 1.0})
        views.append(shown(demo))
        scale[0] = 3.0
        cell_runs()
        demo.update(**{**settings, "x": 1.0, "w1": settings["w1"] + 0.1})  # x, y* and the loss as shown
        views.append(shown(demo))
        return views, settings

    views, settings = run_on_own_loop(drag)
    for (x, w1, factor), view, why in zip(
            [(0.8, 0, 2.0), (1.0, 0, 2.0), (1.0, 0.1, 3.0)], views,
            ["at an x worked out ahead", "at an x drawn before", "at the x shown"]):
        scale[0] = factor
        fresh = their(**{**settings, "x": x, "w1": settings["w1"] + w1})
        assert view[0] == shown(fresh)[0], f"the loss {why}"
        assert view[1] == pytest.approx(shown(fresh)[1]), f"the surface {why}"
        assert np.allclose(view[2], shown(fresh)[2]), f"the curve of dLoss/dz2 {why}"
    assert views[0][0] == format_value(2 * loss(0.8, settings["y_star"], settings["w1"], settings["w2"]))
