"""Known wrong answers to notebook 3 and the points each must keep.

Autograded (FULL): q3a_symmetry 3 (symmetric units recognised, broken symmetry detected,
the tolerance respected: one point each), q3b_count_weights 2, q3b_count_parameters 1,
q3c_collapse 2, q3c_rank 1.  The solution's count_parameters calls count_weights and
collapsed_rank calls collapse_linear_layers, as a student's would, so a mistake in the
first function of a pair costs the second one too.

Written answers (MANUAL) are graded by a TA and never appear in Otter's results; they are
listed here so tests can check that the TA tools show them with these points.
"""

from tests.support.submissions import AS_GIVEN, WrongSubmission

FULL = {"q3a_symmetry": 3, "q3b_count_weights": 2, "q3b_count_parameters": 1, "q3c_collapse": 2,
        "q3c_rank": 1}
MANUAL = {"q3a_explain": 2, "q3c_advantages": 2}


def symmetric_returning(expression):
    return f'''
def hidden_units_symmetric(W, tol=1e-9):
    W = np.asarray(W, dtype=float)
    symmetric = {expression}
    return symmetric
'''


CASES = [
    WrongSubmission(
        "symmetry_always_yes", "the symmetry check says True whatever the matrix",
        {"hidden_units_symmetric": symmetric_returning("True")},
        {**FULL, "q3a_symmetry": 1}),
    WrongSubmission(
        "symmetry_exact_equality", "rows compared with == (no tolerance), and the tol argument ignored",
        {"hidden_units_symmetric": symmetric_returning("bool(np.all(W == W[0]))")},
        {**FULL, "q3a_symmetry": 2},
        named={"q3a_symmetry": ("tolerance ignored", "hidden_units_symmetric ignores tol")}),
    WrongSubmission(
        "symmetry_compares_columns", "columns compared instead of rows (the hidden units are W's rows)",
        {"hidden_units_symmetric": symmetric_returning("bool(np.all(np.abs(W - W[:, :1]) <= tol))")},
        {**FULL, "q3a_symmetry": 0},
        named={"q3a_symmetry": ("columns compared, not rows", "hidden_units_symmetric compares the columns of W")}),
    WrongSubmission(
        "symmetry_all_entries_equal", "checks that every entry equals W[0, 0], not that the rows are equal",
        {"hidden_units_symmetric": symmetric_returning("bool(np.all(np.abs(W - W[0, 0]) <= tol))")},
        {**FULL, "q3a_symmetry": 1},
        named={"q3a_symmetry": ("every entry compared with W[0, 0]", "hidden_units_symmetric compares every entry with W[0, 0]")}),
    WrongSubmission(
        "symmetry_first_two_rows_only", "only rows 0 and 1 compared (and a single-row W crashes)",
        {"hidden_units_symmetric": symmetric_returning("bool(np.all(np.abs(W[1] - W[0]) <= tol))")},
        {**FULL, "q3a_symmetry": 1},
        named={"q3a_symmetry": ("only the first two rows compared", "hidden_units_symmetric compares only rows 0 and 1")}),
    WrongSubmission(
        "weights_off_by_one_over_layers", "the loop over layers stops one early: the last weight matrix is missed",
        {"count_weights": "def count_weights(d):\n    return sum(d[i - 1] * d[i] for i in range(1, len(d) - 1))"},
        {**FULL, "q3b_count_weights": 0, "q3b_count_parameters": 0},
        named={"q3b_count_weights": ("last layer left out", "count_weights leaves out the last layer"), "q3b_count_parameters": ("an earlier part is wrong", "q3b_count_weights (your count_weights) is wrong")}),
    WrongSubmission(
        "biases_counted_as_weights", "count_weights adds a bias per unit (d[i-1] + 1 inputs per unit)",
        {"count_weights": "def count_weights(d):\n    return sum((d[i - 1] + 1) * d[i] for i in range(1, len(d)))"},
        {**FULL, "q3b_count_weights": 0, "q3b_count_parameters": 0},
        named={"q3b_count_weights": ("biases counted as weights", "count_weights counts a bias per unit")}),
    WrongSubmission(
        "biases_for_the_inputs_too", "count_parameters gives the input layer biases as well",
        {"count_parameters": "def count_parameters(d):\n    return count_weights(d) + sum(d)"},
        {**FULL, "q3b_count_parameters": 0},
        named={"q3b_count_parameters": ("biases for the inputs too", "count_parameters gives the input layer biases too")}),
    WrongSubmission(
        "counts_hard_coded", "the worksheet's 210 and 233 typed in",
        {"count_weights": "def count_weights(d):\n    return 210",
         "count_parameters": "def count_parameters(d):\n    return 233"},
        {**FULL, "q3b_count_weights": 0, "q3b_count_parameters": 0}, typed_in=True),
    WrongSubmission(
        "collapse_in_the_wrong_order", "the layers multiplied first-on-the-left (W1 W2 ... instead of ... W2 W1)",
        {"collapse_linear_layers": '''
def collapse_linear_layers(weights):
    combined = np.asarray(weights[0], dtype=float)
    for W in weights[1:]:
        combined = combined @ W
    return combined
'''},
        {**FULL, "q3c_collapse": 0, "q3c_rank": 0},
        named={"q3c_collapse": ("layers multiplied in the wrong order", "collapse_linear_layers multiplies the layers in the wrong order"),
               "q3c_rank": ("an earlier part is wrong", "q3c_collapse (your collapse_linear_layers) is wrong at these inputs")}),
    WrongSubmission(
        "rank_of_the_wrong_matrix", "the rank of the first layer's matrix instead of the collapsed one",
        {"collapsed_rank": "def collapsed_rank(weights):\n    return int(np.linalg.matrix_rank(weights[0]))"},
        {**FULL, "q3c_rank": 0},
        named={"q3c_rank": ("rank of the first layer only", "collapsed_rank gives the rank of the first layer alone")}),
    WrongSubmission(
        "rank_is_the_narrowest_width", "the bound (the narrowest width) returned instead of the actual rank",
        {"collapsed_rank": "def collapsed_rank(weights):\n    return min(min(W.shape) for W in weights)"},
        {**FULL, "q3c_rank": 0},
        named={"q3c_rank": ("the bound for the rank", "collapsed_rank returns the narrowest width")}),
    WrongSubmission(
        "collapse_missing", "(a) and (b) done, collapse left as the notebook gives it",
        {"collapse_linear_layers": AS_GIVEN},
        {**FULL, "q3c_collapse": 0, "q3c_rank": 0}),
]
