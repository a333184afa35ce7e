"""Figures never break: a run that diverges is cut where it leaves the drawable range and named in
a note, instead of an exception that stops the figure (or prints where it was)."""

import matplotlib
import numpy as np
import pytest

from tests.support.driving import demo_controls, solution_demos
from tests.support.screens import shown


@pytest.mark.parametrize("blit", [True, False], ids=["accelerated", "plain"])
def test_notebook_2s_two_layer_demo_shows_a_diverging_run(blit, ipympl_backend, monkeypatch):
    """Φ = identity, seed 20, ε = 0.32, 80 steps: the loss passes 1e246; its log axis got limits up
    to 1e300, and matplotlib's tick labels raised OverflowError at every draw."""
    (demo,) = [d for d in solution_demos("02_backprop_practice", monkeypatch, blit=blit)
               if type(d).__name__ == "TwoLayerDemo"]
    controls = {control.description: control for control in demo_controls(demo.app())}
    shown(demo.figure)
    for description, value in [("\u03a6", "identity"), ("seed", 20), ("\u03b5", 0.32), ("steps", 80)]:
        controls[description].value = value
        shown(demo.figure)
    assert "your steps: diverged at step" in " ".join(demo.curves.note.get_text().split())  # wrapped to the axes
    assert demo.curves.ax.get_ylim()[1] <= 1e200


@pytest.mark.parametrize("logy, y_limits", [(True, "data"), (False, "data"), (False, "from_zero"),
                                            (False, "symmetric")])
def test_live_curves_cut_a_diverging_curve_and_say_where(logy, y_limits):
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from backprop_kit.views.curves import LiveCurves

    figure, ax = plt.subplots()
    curves = LiveCurves(ax, ["loss", "steady"], logy=logy, y_limits=y_limits, xlabel="step")
    with np.errstate(over="ignore"):
        losses = 34.0 * 10.0 ** np.linspace(0, 320, 80)  # past 1e308: inf from step 77 on
    losses[-1] = np.nan
    curves.update({"loss": (np.arange(80), losses), "steady": ([0, 1, 2], [3.0, 2.0, 1.0])}, note="your step")
    figure.canvas.draw()
    drawn = curves.lines["loss"].get_ydata()
    first_past = int(np.argmax(losses > 1e100))
    assert len(drawn) == first_past and drawn.max() <= 1e100
    assert curves.note.get_text() == f"your step\nloss: diverged at step {first_past} (beyond 1e+100: not drawn)"
    curves.update({"loss": ([0, 1], [np.inf, -np.inf]), "steady": ([0, 1], [1e308, 5.0])})
    figure.canvas.draw()
    assert curves.note.get_text().count("diverged at step 0") == 2
    curves.update({"loss": ([0, 1], [2.0, 1.0]), "steady": ([0, 1], [1.0, 1.0])})
    assert curves.note.get_text() == "", "a run that stays in range has no note"
    plt.close(figure)
