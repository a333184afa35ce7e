"""One number, one rounding (issue 25, point 5): two values a check calls equal are written
identically, and two it calls different are written so that they differ."""

import matplotlib

matplotlib.use("Agg")


from backprop_kit.demos import backprop_practice as bp
from backprop_kit.model.gradcheck import compare_gradients
from backprop_kit.values import format_pair
from tests.support.backprop_practice_reference import backward_e, gd_step_identity


def test_nearly_equal_values_either_side_of_a_rounding_boundary_read_the_same():
    yours, reference = -0.9450000000000001, -0.9449999999999
    assert f"{yours:.2g}" != f"{reference:.2g}"  # the trap: two roundings of one number
    assert format_pair(yours, reference, equal=True, digits=2) == ("-0.95", "-0.95")


def test_values_called_different_are_written_with_enough_digits_to_differ():
    yours, theirs = format_pair(1.00002, 1.0, equal=False)
    assert yours != theirs
    assert format_pair(..., 1.0, equal=False) == ("?", "1")


def test_the_two_layer_heatmaps_write_every_matching_entry_identically_on_both_sides():
    # notebook 2 (e) at seed 0: dl/dW2[0, 0] is -0.945, shown as -0.95 under "yours" and -0.94 under
    # "finite diff." beside "matches" before the fix
    for phi in ("identity", "sigmoid", "tanh", "ReLU"):
        demo = bp.TwoLayerDemo(backward_e, gd_step_identity, phi=phi)
        for name, heatmap in demo.heatmaps.items():
            assert demo.readout.values[bp.TWO_LAYER_LABELS[name]] == "matches"
            yours = [t.get_text() for row in heatmap.your_texts for t in row]
            theirs = [t.get_text() for row in heatmap.estimate_texts for t in row]
            assert yours == theirs, (phi, name, yours, theirs)


def test_a_gradient_check_says_off_only_with_numbers_that_read_differently():
    (comparison,) = compare_gradients({"x": 2.0004}, {"x": 2.0}, tolerance=1e-5)
    assert "you return 2.0004, finite differences give 2." in comparison.problem
