"""Notebook 3's training, drawings and widgets, driven with reference implementations written here."""

import matplotlib

matplotlib.use("Agg")

import ipywidgets
import numpy as np
import pytest

from backprop_kit.model import twolayer
from backprop_kit.demos import model_intuition as demo
from backprop_kit.model.gradcheck import numerical_gradient, relative_error
from backprop_kit.views.layers import LayeredNetworkView, check_widths
from backprop_reference.model_intuition import distinct_units
from tests.conftest import run_on_own_loop, until_idle_work_done


# ---- reference answers (independent of the notebook) ---------------------------------------

def symmetric(W, tol=1e-9):
    W = np.asarray(W, dtype=float)
    return bool(np.all(np.abs(W - W[0]) <= tol))


def count_weights(d):
    return sum(a * b for a, b in zip(d, d[1:]))


def count_parameters(d):
    return count_weights(d) + sum(d[1:])


def collapse(weights):
    combined = weights[0]
    for W in weights[1:]:
        combined = W @ combined
    return combined


def rank(weights):
    return int(np.linalg.matrix_rank(collapse(weights)))


def unfinished(*args, **kwargs):
    return ...


def controls_of(app):
    """The demo's own controls (the last in the panel is the readout's table toggle)."""
    return [c for c in app.children[0].children[0].children if not isinstance(c, ipywidgets.ToggleButton)]


# ---- the two-layer network -------------------------------------------------------------------

@pytest.mark.parametrize("activation", list(twolayer.ACTIVATIONS))
def test_backprop_matches_finite_differences_of_the_loss(activation):
    X, y = twolayer.xor_blobs(points_per_blob=5, seed=1)
    params = twolayer.initialise("random", 2, 4, seed=2)
    grads = twolayer.gradients(params, X, y, activation)
    numeric = numerical_gradient(
        lambda W1, b1, w2, b2: twolayer.loss(twolayer.Parameters(W1, b1, w2, b2), X, y, activation),
        {"W1": params.W1, "b1": params.b1, "w2": params.w2, "b2": params.b2})
    for name in ("W1", "b1", "w2", "b2"):
        assert relative_error(getattr(grads, name), numeric[name]) < 1e-6, name


@pytest.mark.parametrize("activation", list(twolayer.ACTIVATIONS))
def test_constant_initialisation_keeps_the_hidden_units_exactly_identical(activation):
    X, y = twolayer.xor_blobs()
    history = twolayer.train(twolayer.initialise("constant", 2, 4, constant=0.7), X, y, activation, 2.0, 400)
    units = history.final.units()
    assert np.array_equal(units, np.tile(units[0], (4, 1))), "the symmetry holds bitwise, not just nearly"
    assert not np.array_equal(units, history.params[0].units()), "the network did train"


@pytest.mark.parametrize("activation", ["tanh", "relu"])
def test_zero_initialisation_gives_the_first_layer_no_gradient_when_phi_of_zero_is_zero(activation):
    X, y = twolayer.xor_blobs()
    history = twolayer.train(twolayer.initialise("zeros", 2, 4), X, y, activation, 1.0, 50)
    assert max(history.first_layer_grad_norms) == 0.0
    assert not history.final.W1.any() and not history.final.w2.any()


def test_random_initialisation_breaks_the_symmetry_and_fits_better():
    runs = demo.train_all(0.5, 1.0, 300, "tanh")
    assert distinct_units(runs["random"].final.units()) == 4
    assert distinct_units(runs["constant"].final.units()) == 1
    assert runs["random"].losses[-1] < 0.1 < runs["constant"].losses[-1]


@pytest.mark.parametrize("call,message", [
    (lambda: twolayer.initialise("ones", 2, 4), "initialisation must be one of"),
    (lambda: twolayer.initialise("zeros", 2, 0), "at least 1"),
    (lambda: twolayer.train(twolayer.initialise("zeros", 2, 4), np.zeros((3, 2)), np.zeros(3), "softmax"),
     "activation must be one of"),
    (lambda: twolayer.train(twolayer.initialise("zeros", 2, 4), np.zeros((3, 2)), np.zeros(4)), "X must be"),
])
def test_bad_training_input_is_refused_with_a_reason(call, message):
    with pytest.raises(ValueError, match=message):
        call()


# ---- (a) the live initialisation demo --------------------------------------------------------

DEFAULT_READOUT = {
    "initialisation": "constant 0.5",
    "final loss": "0.5117",
    "distinct hidden units": "1 of 4",
    "|dL/dW1| at step 1": "0.09545",
    "symmetric (your check)": "yes",
}


def test_initialisation_demo_readout_at_the_default_settings():
    init_demo = demo.InitialisationDemo(symmetric)
    assert init_demo.readout.values == DEFAULT_READOUT
    assert 'data-name="distinct hidden units">distinct hidden units = <b>1 of 4</b>' in init_demo.readout.line.value
    assert "1 of 4 distinct hidden unit (your check)" in init_demo.ax_data.get_title()
    # four identical units: four lines drawn exactly on top of each other
    lines = [line.get_xydata() for line in init_demo.unit_lines]
    assert all(np.array_equal(lines[0], other) for other in lines[1:])


def test_widgets_retrain_and_redraw_the_same_figure():
    init_demo = demo.InitialisationDemo(symmetric)
    figure = init_demo.figure.figure
    initialisation, constant, learning_rate, epochs, activation = controls_of(init_demo.app())
    initialisation.value = "random"
    assert init_demo.figure.figure is figure
    assert init_demo.readout.values["distinct hidden units"] == "4 of 4"
    assert init_demo.readout.values["symmetric (your check)"] == "no"
    initialisation.value = "zeros"
    assert init_demo.readout.values["|dL/dW1| at step 1"] == "0"
    assert "zeros" in init_demo.grads.note.get_text(), "an all-zero gradient is said, since a log axis cannot draw it"
    assert "no lines" in init_demo.data_note.get_text()
    epochs.value = 20
    assert len(init_demo.loss.lines["random"].get_xdata()) == 21  # the loss before training and after each step
    activation.value = "sigmoid"
    assert init_demo.settings["activation"] == "sigmoid"
    # sigmoid units from zero weights pass on a gradient of ~1e-19: under the panel's floor, and said
    assert f"< {demo.GRADIENT_FLOOR:g} at every step for: zeros" in init_demo.grads.note.get_text()
    assert init_demo.ax_grad.get_ylim()[0] == demo.GRADIENT_FLOOR


def test_moving_c_retrains_only_the_constant_start_and_kept_runs_equal_fresh_ones():
    first = demo.train_all(0.5, 1.0, 40, "tanh")
    moved = demo.train_all(0.7, 1.0, 40, "tanh")
    assert moved["zeros"] is first["zeros"] and moved["random"] is first["random"], "c concerns neither"
    assert moved["constant"] is not first["constant"]
    assert demo.train_all(0.5, 1.0, 40, "tanh")["constant"] is first["constant"], "moved back: kept"
    X, y = demo.DATA
    fresh = twolayer.train(twolayer.initialise("constant", 2, demo.HIDDEN_UNITS, constant=0.7), X, y,
                           "tanh", 1.0, 40)
    assert np.array_equal(moved["constant"].losses, fresh.losses)
    other = (X[:10], y[:10])
    assert demo.train_all(0.5, 1.0, 40, "tanh", data=other)["zeros"] is not first["zeros"], \
        "other data are trained, never taken from the demo's runs"


def test_unfinished_symmetry_check_shows_a_question_mark_and_says_why():
    init_demo = demo.InitialisationDemo(unfinished)
    assert init_demo.readout.values["symmetric (your check)"] == "?"
    assert "still `...`" in init_demo.message.get_text()
    assert "?" in demo.symmetry_table(unfinished, epochs=5)


def test_the_table_says_what_your_check_says():
    table = demo.symmetry_table(symmetric, epochs=50)
    random_rows = [row for row in table.splitlines() if " random " in row]
    assert random_rows and all(row.rstrip().endswith("no") and "4 of 4" in row for row in random_rows)
    constant_rows = [row for row in table.splitlines() if " constant " in row]
    assert constant_rows and all(row.rstrip().endswith("yes") and "1 of 4" in row for row in constant_rows)


def test_a_check_that_always_says_yes_disagrees_with_the_picture():
    """The kit does not tell alike units apart itself (distinct_units(W) == 1 would answer (a)): a
    wrong check is caught by the picture, four lines where the check says one unit."""
    yes = lambda W, tol=1e-9: True  # noqa: E731
    assert all(row.rstrip().endswith("yes") and "1 of 4" in row
               for row in demo.symmetry_table(yes, epochs=50).splitlines()[1:])
    init_demo = demo.InitialisationDemo(yes, initialisation="random")
    assert init_demo.readout.values["distinct hidden units"] == "1 of 4"
    assert "your check: identical units" in init_demo.data_note.get_text()
    lines = [line.get_xydata() for line in init_demo.unit_lines]
    assert not any(np.array_equal(lines[0], other) for other in lines[1:]), "yet four different lines"
    assert distinct_units(init_demo.runs["random"].final.units()) == 4


# ---- (b) the layered drawing and the count demo ----------------------------------------------

def test_count_demo_at_the_worksheet_widths():
    count_demo = demo.ParameterCountDemo(count_weights, count_parameters)
    assert count_demo.readout.values == {"d": "[8, 10, 10, 3]", "count_weights(d)": "210",
                                         "count_parameters(d)": "233"}
    assert "count_weights(d) = 210, count_parameters(d) = 233" in count_demo.view.describe()["title"]
    drawn = count_demo.view.describe()
    assert drawn["gaps"] == ["W1: 10\u00d78", "W2: 10\u00d710", "W3: 3\u00d710"]
    assert drawn["labels"] == ["input\n8 units", "hidden 1\n10 units", "hidden 2\n10 units", "output\n3 units"]
    assert drawn["units_drawn"] == [8, 7, 7, 3] and drawn["clipped"] == [False, True, True, False]
    assert drawn["wires"] == 8 * 7 + 7 * 7 + 7 * 3


def test_width_sliders_redraw_the_same_figure_and_disable_unused_layers():
    count_demo = demo.ParameterCountDemo(count_weights, count_parameters)
    figure = count_demo.figure.figure
    inputs, hidden_layers, hidden_1, hidden_2, hidden_3, hidden_4, outputs = controls_of(count_demo.app())
    assert (hidden_3.disabled, hidden_4.disabled) == (True, True)
    hidden_layers.value = 3
    assert count_demo.widths == [8, 10, 10, 10, 3] and not hidden_3.disabled
    hidden_layers.value = 0
    assert count_demo.widths == [8, 3] and hidden_1.disabled
    assert count_demo.readout.values["count_weights(d)"] == "24"
    inputs.value = 2
    assert count_demo.view.describe()["wires"] == 2 * 3
    assert count_demo.figure.figure is figure


def test_a_wrong_count_is_marked_and_an_unfinished_one_explained():
    # the kit counts nothing itself (that is the question): a count is shown beside the matrices' shapes
    wrong = demo.ParameterCountDemo(lambda d: count_weights(d) + 1, unfinished)
    assert wrong.readout.values["count_weights(d)"] == "211"
    assert wrong.readout.values["count_parameters(d)"] == "?"
    assert "still `...`" in wrong.problem


@pytest.mark.parametrize("widths,message", [
    ([8], "at least an input and an output"),
    ([8, 0, 3], "positive integer"),
    ([8, 2.5, 3], "positive integer"),
    ("8,10,3", "list of positive integers"),
    ([1] * 7, "room for 6 layers"),
])
def test_bad_widths_are_refused_with_a_reason(widths, message):
    with pytest.raises(ValueError, match=message):
        check_widths(widths, max_layers=6)


def test_layer_kinds_are_drawn_without_relying_on_colour():
    import matplotlib.pyplot as plt

    figure, ax = plt.subplots()
    view = LayeredNetworkView(ax, max_layers=4)
    view.update([40, 10, 40, 1], ["input", "linear", "hidden", "output"])
    drawn = view.describe()
    assert drawn["hatched"] == [False, True, False, False]
    assert drawn["labels"][1] == "linear 1\n10 units"
    with pytest.raises(ValueError, match="kinds must name each"):
        view.update([4, 4], ["input", "banana"])
    plt.close(figure)


# ---- (c) networks A and B ----------------------------------------------------------------------

def test_networks_demo_at_the_rebuilt_figure():
    networks = demo.NetworksDemo(collapse, rank, count_weights)
    assert networks.readout.values == {
        "added linear units": "10", "A weights": "1640", "B weights": "840",
        "rank of A's map": "40", "rank of B's map (yours)": "10"}
    heights = np.array([bar.get_height() for bar in networks.bars_b])
    assert np.count_nonzero(heights > 1e-9) == 10, "B's collapsed map has exactly 10 non-zero singular values"
    assert networks.sv_note.get_text() == ""


def test_the_added_layer_slider_changes_counts_and_rank():
    networks = demo.NetworksDemo(collapse, rank, count_weights)
    (added,) = controls_of(networks.app())
    added.value = 25
    assert networks.readout.values["B weights"] == str(40 * 25 + 25 * 40 + 40)
    assert networks.readout.values["rank of B's map (yours)"] == "25"
    assert networks.view_b.describe()["labels"][1] == "linear 1\n25 units"


def test_unfinished_or_wrong_collapse_is_explained_not_drawn():
    blank = demo.NetworksDemo(unfinished, unfinished, unfinished)
    assert blank.readout.values["rank of B's map (yours)"] == "?" and blank.readout.values["A weights"] == "?"
    assert "still `...`" in blank.sv_note.get_text()
    wrong_order = demo.NetworksDemo(lambda ws: ws[0] @ ws[1], rank, count_weights)
    assert "must have the shape of U V" in wrong_order.sv_note.get_text()


def test_the_message_over_the_singular_values_is_readable_not_crossed_by_bars():
    """Under the message (what to fix) the bars show only faintly: no pixel there has the bars'
    full colour, as matplotlib draws them without the veil."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.colors import to_rgb

    blank = demo.NetworksDemo(unfinished, unfinished, unfinished)
    figure = blank.figure.figure
    canvas = FigureCanvasAgg(figure)
    canvas.draw()
    text_box = blank.sv_note.get_window_extent(canvas.get_renderer())
    pixels = np.asarray(canvas.buffer_rgba())[:, :, :3].astype(int)
    height = pixels.shape[0]
    under = pixels[int(height - text_box.y1):int(height - text_box.y0), int(text_box.x0):int(text_box.x1)]
    bar_edge = np.array(to_rgb(demo.FORWARD_COLOUR)) * 255
    crossed = (np.abs(pixels - bar_edge).sum(axis=2) < 30).sum()
    assert crossed > 0, "no bar edges in the figure: the test would not see one cross the message"
    assert (np.abs(under - bar_edge).sum(axis=2) < 30).sum() == 0, "bars drawn in full under the message"


def test_rebuilt_figure_shows_both_networks_and_says_it_is_rebuilt():
    figure = demo.draw_networks()
    titles = [ax.get_title() for ax in figure.axes]
    assert titles[0] == "Network A (rebuilt)" and "10 linear units" in titles[1]
    assert titles[1].startswith("Network B (rebuilt)"), "the worksheet's figure is missing: the drawing says so"


# ---- shared pieces added with this notebook (checks.flag, live.dropdown) --------------------------

def test_flag_check_accepts_bools_and_names_what_is_wrong():
    from backprop_kit import checks

    checks.flag("symmetric", np.bool_(True), True)
    with pytest.raises(AssertionError, match=r"^symmetric for W: expected False, got True$"):
        checks.flag("symmetric", True, False, at="for W")
    with pytest.raises(AssertionError, match="should be True or False; got int 1"):
        checks.flag("symmetric", 1, True)
    with pytest.raises(AssertionError, match="still `...`"):
        checks.flag("symmetric", ..., True)


def test_choice_widget_reports_its_value_through_controls():
    from backprop_kit.widgets import live

    seen = []
    picker = live.dropdown("activation", ["tanh", "relu"], "tanh")
    live.controls({"activation": picker}, lambda activation: seen.append(activation))
    picker.value = "relu"
    assert seen == ["relu"] and picker.description == "activation"


def test_moving_c_trains_its_next_values_while_the_kernel_waits(monkeypatch, ipympl_backend):
    """A drag of c: while the kernel waits for the next step, the next c (on in the direction of the
    drag, then back) is trained, so that step takes a kept run; c as the slider sends it
    (0.30000000000000027) is the same c as the one trained ahead (0.2 + 0.1).  (Work ahead is the
    acceleration layer's: an accelerated figure's.)"""
    demo._trained_on_demo_data.cache_clear()
    trained = []
    train = demo._train
    monkeypatch.setattr(demo, "_train", lambda kind, constant, *rest: trained.append((kind, constant))
                        or train(kind, constant, *rest))
    constants = lambda: [c for kind, c in trained if kind == "constant"]

    async def drag():
        init_demo = demo.InitialisationDemo(symmetric, epochs=40)
        ahead = init_demo.figure.accelerator.ahead
        settings = dict(init_demo.settings)
        assert constants() == [0.5]
        assert not ahead.pending and constants() == [0.5], "nothing moved: nothing trained ahead"
        init_demo.update(**{**settings, "constant": 0.2})
        assert ahead.pending
        await until_idle_work_done(ahead)
        assert constants() == [0.5, 0.2, 0.1, 0.3], "dragged down: 0.1 first, then 0.3"
        init_demo.update(**{**settings, "constant": -2 + 23 * 0.1})
        assert constants()[-1] != 0.30000000000000027 and len(constants()) == 4, "0.3 was trained ahead: kept"
        await until_idle_work_done(ahead)
        assert constants()[4:] == [0.4], "then 0.4 (0.2 is kept)"

    run_on_own_loop(drag)


def test_a_drag_of_c_draws_the_next_steps_texts_and_backgrounds_ahead(ipympl_backend):
    """While the kernel waits after a step of c, the next step is rehearsed out of sight: its new
    texts are drawn and, where its curves get new limits, their background; so along a drag no
    step draws a background, and every step looks as a full redraw.  (Rehearsal is the
    acceleration layer's: an accelerated figure's.)"""
    from tests.support.screens import shown

    async def drag():
        init_demo = demo.InitialisationDemo(symmetric, constant=-2.0)
        accelerator = init_demo.figure.accelerator
        canvas, settings = init_demo.figure.figure.canvas, dict(init_demo.settings)
        shown(init_demo.figure)
        drawn_in_steps = None
        for step in range(1, 21):
            init_demo.update(**{**settings, "constant": -2 + step / 10})
            screen = shown(init_demo.figure)
            if step == 2:  # the first steps learn what changes (full draws) and draw their limits
                drawn_in_steps = accelerator.blitter.background_redraws
            canvas.draw()  # a full redraw, to compare with
            assert np.array_equal(screen, np.asarray(canvas.get_renderer().buffer_rgba())), f"step {step}"
            await until_idle_work_done(accelerator.ahead)
        return accelerator.blitter.background_redraws - drawn_in_steps, accelerator.rehearsal.backgrounds_kept

    drawn, kept_ahead = run_on_own_loop(drag)
    assert kept_ahead > 0, "along a drag of c the curves get new limits (the count below could fail)"
    assert drawn == 0, "every new limits' background was drawn ahead"
