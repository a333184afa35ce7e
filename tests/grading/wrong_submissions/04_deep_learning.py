"""Known wrong answers to notebook 4 and the points each must keep.

Questions: q4a_forward 7 (one point per output (i)..(vii)), q4b_forward 5 (r1, r2, s1, s2, y),
q4b_backward 6 (dy/da .. dy/df), q4c_plot1 2 and q4c_plot2 2 (every point classified right).
Each point is a hidden test at seeded random inputs, so a case loses exactly the quantities
it gets wrong somewhere among them.
"""

from tests.support.submissions import AS_GIVEN, WrongSubmission

FULL = {"q4a_forward": 7, "q4b_forward": 5, "q4b_backward": 6, "q4c_plot1": 2, "q4c_plot2": 2}


def forward_a_with(v1="2 * x + 1", v2="2 - 4 * x", v3="max(v1, 0)", v4="max(v2, 0)", v5="max(v2, x)",
                   v6="v3 - 2 * v4 - 3 * v5", v7="sigmoid(v6)"):
    return f'''
def forward_a(x):
    v1 = {v1}
    v2 = {v2}
    v3 = {v3}
    v4 = {v4}
    v5 = {v5}
    v6 = {v6}
    v7 = {v7}
    return v1, v2, v3, v4, v5, v6, v7
'''


def backward_b_with(sigmoid_slope1="s1 * (1 - s1)", sigmoid_slope2="s2 * (1 - s2)",
                    relu1="1.0 if r1 > 0 else 0.0", relu2="1.0 if r2 > 0 else 0.0", x1="x1", x2="x2"):
    """The solution's backward_b with one local derivative (or the inputs) replaced."""
    return f'''
def backward_b(x1, x2, a, b, c, d, e, f):
    r1, r2, s1, s2, y = forward_b(x1, x2, a, b, c, d, e, f)
    dy_ds1 = 1.0
    dy_ds2 = 1.0
    dy_da = dy_ds1 * {sigmoid_slope1} * r1
    dy_dr1 = dy_ds1 * {sigmoid_slope1} * a
    dy_db = dy_ds2 * {sigmoid_slope2} * r2
    dy_dr2 = dy_ds2 * {sigmoid_slope2} * b
    relu1_slope = {relu1}
    relu2_slope = {relu2}
    dy_dc = dy_dr1 * relu1_slope * {x1}
    dy_de = dy_dr1 * relu1_slope * {x2}
    dy_dd = dy_dr2 * relu2_slope * {x1}
    dy_df = dy_dr2 * relu2_slope * {x2}
    return {{"a": dy_da, "b": dy_db, "c": dy_dc, "d": dy_dd, "e": dy_de, "f": dy_df,
            "s1": dy_ds1, "s2": dy_ds2, "r1": dy_dr1, "r2": dy_dr2}}
'''


def forward_b_with(r1="max(c * x1 + e * x2, 0)", r2="max(d * x1 + f * x2, 0)", s1="sigmoid(a * r1)",
                   s2="sigmoid(b * r2)", y="s1 + s2"):
    return f'''
def forward_b(x1, x2, a, b, c, d, e, f):
    r1 = {r1}
    r2 = {r2}
    s1 = {s1}
    s2 = {s2}
    y = {y}
    return r1, r2, s1, s2, y
'''


def answer(plot, line):
    return f"def plot{plot}_classifier():\n    return {line}"


ROUNDED_WORKSHEET_GRADIENTS = '''
def backward_b(x1, x2, a, b, c, d, e, f):
    return {"a": 0.18, "b": 0.0, "c": 0.09, "d": 0.0, "e": -0.09, "f": 0.0,
            "s1": 1.0, "s2": 1.0, "r1": 0.09, "r2": 0.25}
'''

CASES = [
    # ---- (b): the mistakes the issue lists ----------------------------------------------------
    WrongSubmission(
        "rounded_worksheet_gradients_typed_in",
        "the worksheet's rounded answers 0.18, 0, 0.09, 0, -0.09, 0 typed into backward_b",
        {"backward_b": ROUNDED_WORKSHEET_GRADIENTS},
        {**FULL, "q4b_backward": 0}),
    WrongSubmission(
        "rounded_worksheet_forward_and_gradients_typed_in",
        "the worksheet's rounded forward values (2, 0, 0.9, 0.5, 1.4) and gradients typed in",
        {"forward_b": "def forward_b(x1, x2, a, b, c, d, e, f):\n    return 2.0, 0.0, 0.9, 0.5, 1.4",
         "backward_b": ROUNDED_WORKSHEET_GRADIENTS},
        {**FULL, "q4b_forward": 0, "q4b_backward": 0}),
    WrongSubmission(
        "relu_derivative_one_everywhere",
        "the ReLU's slope taken as 1 even where the unit is off: dy/dc..dy/df wrong, dy/da and dy/db right",
        {"backward_b": backward_b_with(relu1="1.0", relu2="1.0")},
        {**FULL, "q4b_backward": 2},
        named={"q4b_backward": ("ReLU slope 1 where the unit is off", "dy/dc takes the ReLU's slope as 1")}),
    WrongSubmission(
        "sigmoid_derivative_written_as_sigmoid",
        "sigmoid'(z) written as sigmoid(z) (s instead of s (1 - s)): every partial is wrong",
        {"backward_b": backward_b_with(sigmoid_slope1="s1", sigmoid_slope2="s2")},
        {**FULL, "q4b_backward": 0},
        named={"q4b_backward": ("sigmoid used for its derivative", "dy/da uses the sigmoid s where its derivative")}),
    WrongSubmission(
        "x1_x2_swapped",
        "x1 and x2 swapped throughout (b): r1 = max(c x2 + e x1, 0), dy/dc uses x2, ...",
        {"forward_b": forward_b_with(r1="max(c * x2 + e * x1, 0)", r2="max(d * x2 + f * x1, 0)"),
         "backward_b": backward_b_with(x1="x2", x2="x1")},
        {**FULL, "q4b_forward": 0, "q4b_backward": 0},
        named={"q4b_forward": ("two inputs swapped", "r1 is what x1 and x2 swapped would give"),
               "q4b_backward": ("two inputs swapped", "q4b_forward (your forward_b) is wrong at these inputs")}),
    WrongSubmission(
        "s_rounded_to_one_decimal",
        "s1 and s2 rounded to one decimal, as the worksheet does, inside otherwise right code: "
        "r1 and r2 stay right, everything built on s is off",
        {"forward_b": forward_b_with(s1="round(float(sigmoid(a * r1)), 1)", s2="round(float(sigmoid(b * r2)), 1)")},
        {**FULL, "q4b_forward": 2, "q4b_backward": 0},
        named={"q4b_backward": ("an earlier part is wrong", "q4b_forward (your forward_b) is wrong at these inputs")}),
    WrongSubmission(
        "relu_left_out_of_forward_b",
        "r1 = c x1 + e x2 without the max: r and s wrong where a unit is off; dy/da, dy/db wrong "
        "there too, but dy/dc..dy/df stay right (the slope test r > 0 still switches them off)",
        {"forward_b": forward_b_with(r1="c * x1 + e * x2", r2="d * x1 + f * x2")},
        {**FULL, "q4b_forward": 0, "q4b_backward": 4},
        named={"q4b_forward": ("ReLU left out", "r1 is c x1 + e x2 itself")}),
    WrongSubmission(
        "forward_b_weights_mixed_up", "the weights read in the wrong order: r1 = max(c x1 + d x2, 0), r2 = max(e x1 + f x2, 0)",
        {"forward_b": forward_b_with(r1="max(c * x1 + d * x2, 0)", r2="max(e * x1 + f * x2, 0)")},
        {**FULL, "q4b_forward": 0, "q4b_backward": 0},
        named={"q4b_forward": ("a weight used for the wrong input", "r1 is max(c x1 + d x2, 0)")}),
    WrongSubmission(
        "forward_b_sigmoid_left_out", "s1 = a r1 and s2 = b r2, the sigmoids left out; backward_b, built on them, too",
        {"forward_b": forward_b_with(s1="a * r1", s2="b * r2")},
        {**FULL, "q4b_forward": 2, "q4b_backward": 0},
        named={"q4b_forward": ("sigmoid left out", "s1 is a r1 itself")}),
    WrongSubmission(
        "forward_b_one_unit_only", "y = s1: the output leaves the second unit out",
        {"forward_b": forward_b_with(y="s1")},
        {**FULL, "q4b_forward": 4},
        named={"q4b_forward": ("an input left out", "y is s1 alone")}),
    WrongSubmission(
        "backward_b_missing", "forward_b right, backward_b left as the notebook gives it",
        {"backward_b": AS_GIVEN},
        {**FULL, "q4b_backward": 0}),
    # ---- (a) ------------------------------------------------------------------------------------
    WrongSubmission(
        "relu_as_identity_in_a", "ReLU (iii), (iv) passed their input through: (iii), (iv), (vi), (vii) wrong",
        {"forward_a": forward_a_with(v3="v1", v4="v2")},
        {**FULL, "q4a_forward": 3},
        named={"q4a_forward": ("ReLU left out", "(iii) is (i) itself")}),
    WrongSubmission(
        "max_as_min_in_a", "(v) computed as min((ii), x): (v), (vi), (vii) wrong",
        {"forward_a": forward_a_with(v5="min(v2, x)")},
        {**FULL, "q4a_forward": 4},
        named={"q4a_forward": ("min taken for max", "(v) is min((ii), x)")}),
    WrongSubmission(
        "forward_a_biases_forgotten", "(i) = 2x and (ii) = -4x: the units' biases left out, and every output after them wrong",
        {"forward_a": forward_a_with(v1="2 * x", v2="-4 * x")},
        {**FULL, "q4a_forward": 0},
        named={"q4a_forward": ("bias forgotten", "(i) is 2x alone")}),
    WrongSubmission(
        "forward_a_weights_mixed_up", "(vi) = (iii) - 3 (iv) - 2 (v): the weights of (iv) and (v) swapped",
        {"forward_a": forward_a_with(v6="v3 - 3 * v4 - 2 * v5")},
        {**FULL, "q4a_forward": 5},
        named={"q4a_forward": ("a weight used for the wrong input", "(vi) weighs (iv) by -3")}),
    WrongSubmission(
        "sigmoid_left_out_in_a", "(vii) returned as (vi), the sigmoid left out: only (vii) wrong",
        {"forward_a": forward_a_with(v7="v6")},
        {**FULL, "q4a_forward": 6},
        named={"q4a_forward": ("sigmoid left out", "(vii) is (vi) itself")}),
    WrongSubmission(
        "table_typed_in", "the table's values at x = 1 typed in",
        {"forward_a": "def forward_a(x):\n    return 3.0, -2.0, 3.0, 0.0, 1.0, 0.0, 0.5"},
        {**FULL, "q4a_forward": 0}, typed_in=True),
    WrongSubmission(
        "forward_a_six_outputs", "forward_a returns six values, (vii) left out",
        {"forward_a": "def forward_a(x):\n    v1 = 2 * x + 1\n    v2 = 2 - 4 * x\n    v3 = max(v1, 0)\n"
                      "    v4 = max(v2, 0)\n    v5 = max(v2, x)\n    v6 = v3 - 2 * v4 - 3 * v5\n"
                      "    return v1, v2, v3, v4, v5, v6"},
        {**FULL, "q4a_forward": 0}),
    # ---- (c) ------------------------------------------------------------------------------------
    WrongSubmission(
        "plot2_misclassifies_one_point",
        "plot 2 as x2 - max(x1, 0): right on every plotted point but one, (-1.3, 0.9)",
        {"plot2_classifier": answer(2, 'classifier("-", "x1", "0", "x2")')},
        {**FULL, "q4c_plot2": 0}),
    WrongSubmission(
        "plot1_x1_x2_swapped", "plot 1 as max(x2, -x2) - 1: x2 where x1 belongs",
        {"plot1_classifier": answer(1, 'classifier("+", "x2", "-x2", "-1")')},
        {**FULL, "q4c_plot1": 0},
        named={"q4c_plot1": ("two inputs swapped", "plot1_classifier() has x1 and x2 swapped")}),
    WrongSubmission(
        "plot1_classes_swapped", "plot 1 as 1 - max(x1, -x1): the x and o regions swapped",
        {"plot1_classifier": answer(1, 'classifier("-", "x1", "-x1", "1")')},
        {**FULL, "q4c_plot1": 0},
        named={"q4c_plot1": ("the two classes swapped", "plot1_classifier() swaps the classes")}),
    WrongSubmission(
        "plot1_offset_forgotten_plot2_other_valid_form",
        "plot 1 as max(x1, -x1) (offset forgotten: every point gets f >= 0); plot 2 written as "
        "-max(-x1 - x2, x1 - x2), an equivalent form of the answer, which keeps its points",
        {"plot1_classifier": answer(1, 'classifier("+", "x1", "-x1", "0")'),
         "plot2_classifier": answer(2, 'classifier("-", "-x1 - x2", "x1 - x2", "0")')},
        {**FULL, "q4c_plot1": 0}),
    WrongSubmission(
        "plot2_no_valid_combination_plot1_swapped_order",
        "plot 2 answered 'no valid combination' although one exists; plot 1 written max(-x1, x1) - 1, "
        "which is right",
        {"plot1_classifier": answer(1, 'classifier("+", "-x1", "x1", "-1")'),
         "plot2_classifier": answer(2, "NO_VALID_COMBINATION")},
        {**FULL, "q4c_plot2": 0}),
    WrongSubmission(
        "plot1_not_a_classifier", "plot 1 answered with a plain lambda instead of classifier(...)",
        {"plot1_classifier": answer(1, "lambda x1, x2: abs(x1) - 1")},
        {**FULL, "q4c_plot1": 0}),
]
