"""Known wrong answers to notebook 2 and the points each must keep.

Questions: q2a 2 (path terms 1, total 1), q2b 1, q2c 2 (df/dW 1, df/db 1), q2d 2 (W 1, b 1),
q2e 4 (dl/dx, dl/dW1, dl/dW2, dl/db, 1 each), q2f 2 (W1 1, W2 1).  Each point is one hidden test
at seeded random inputs, so a case loses exactly the quantities it gets wrong.  The updates (d)
and (f) are written out in terms of W, b, x, y as the worksheet asks, so a mistake in (c) or (e)
does not also cost the update's points.
"""

from backprop_kit.demos import backprop_practice as bp
from backprop_reference import backprop_practice as ref
from tests.support.submissions import AS_GIVEN, WrongSubmission

FULL = {"q2a_chain_rule": 2, "q2b_graph": 1, "q2c_sigmoid_grads": 2, "q2d_sigmoid_step": 2,
        "q2e_backward": 4, "q2f_identity_step": 2}


def backward_c_with(df_dz="-2 * r * sigmoid(z) * (1 - sigmoid(z))", df_dW="np.outer(df_dz, x)",
                    r="y - np.sum(sigmoid(z))"):
    return f'''
def backward_c(W, b, x, y):
    z = W @ x + b
    r = {r}
    df_dz = {df_dz}
    df_dW = {df_dW}
    df_db = df_dz
    return {{"W": df_dW, "b": df_db}}
'''


def backward_e_with(dl_dh="W2.T @ e", dl_dz="dphi(z) * dl_dh", dl_dW1="np.outer(dl_dz, x)",
                    e="W2 @ h - y", dl_dW2="np.outer(e, h)"):
    return f'''
def backward_e(W1, W2, b, x, y, phi, dphi):
    z = W1 @ x + b
    h = phi(z)
    e = {e}
    dl_dh = {dl_dh}
    dl_dz = {dl_dz}
    dl_dx = W1.T @ dl_dz
    dl_dW1 = {dl_dW1}
    dl_dW2 = {dl_dW2}
    dl_db = dl_dz
    return {{"x": dl_dx, "W1": dl_dW1, "W2": dl_dW2, "b": dl_db}}
'''


def _public_values():
    """The public tests' expected answers, as a student would copy them from a failing check."""
    chain = bp.chain_example(3)
    terms, total = ref.chain_reference(chain, 0.6)
    units = bp.units_problem(0)
    unit_grads = ref.units_reference(**units)
    two = bp.two_layer_problem(0)
    by_phi = {phi.__name__: {k: v.tolist() for k, v in ref.two_layer_reference(**two, phi=phi).items()}
              for phi, _ in bp.PHIS.values()}
    identity = ref.two_layer_reference(**two, phi=bp.identity)
    return {
        "terms": terms.tolist(), "total": float(total),
        "dW": unit_grads["W"].tolist(), "db": unit_grads["b"].tolist(),
        "W_next": (units["W"] - 0.1 * unit_grads["W"]).tolist(),
        "b_next": (units["b"] - 0.1 * unit_grads["b"]).tolist(),
        "by_phi": by_phi,
        "W1_next": (two["W1"] - 0.1 * identity["W1"]).tolist(),
        "W2_next": (two["W2"] - 0.1 * identity["W2"]).tolist(),
    }


PUBLIC = _public_values()
EDGES_FOR_TWO_UNITS = [("x", "u1"), ("w1", "u1"), ("u1", "z1"), ("b1", "z1"), ("z1", "h1"), ("h1", "s"),
                       ("x", "u2"), ("w2", "u2"), ("u2", "z2"), ("b2", "z2"), ("z2", "h2"), ("h2", "s"),
                       ("s", "r"), ("y", "r"), ("r", "f")]

HARD_CODED = {
    "path_terms": f"def path_terms(w, g, dg_dw, grad_f):\n    return np.array({PUBLIC['terms']!r})",
    "total_derivative": f"def total_derivative(w, g, dg_dw, grad_f):\n    return {PUBLIC['total']!r}",
    "graph_edges": f"def graph_edges(n):\n    return {EDGES_FOR_TWO_UNITS!r}",
    "backward_c": (f"def backward_c(W, b, x, y):\n"
                   f"    return {{'W': np.array({PUBLIC['dW']!r}), 'b': np.array({PUBLIC['db']!r})}}"),
    "gd_step_sigmoid": (f"def gd_step_sigmoid(W, b, x, y, eps):\n"
                        f"    return np.array({PUBLIC['W_next']!r}), np.array({PUBLIC['b_next']!r})"),
    # the public check of (e) runs every Phi, so the copied answers are looked up by Phi's name
    "backward_e": (f"def backward_e(W1, W2, b, x, y, phi, dphi):\n"
                   f"    table = {PUBLIC['by_phi']!r}\n"
                   f"    return {{k: np.array(v) for k, v in table[phi.__name__].items()}}"),
    "gd_step_identity": (f"def gd_step_identity(W1, W2, b, x, y, eps):\n"
                         f"    return np.array({PUBLIC['W1_next']!r}), np.array({PUBLIC['W2_next']!r})"),
}

CASES = [
    # ---- the mistakes the issue lists ------------------------------------------------------------
    WrongSubmission(
        "factor_two_dropped", "(c): the 2 from d(r^2)/dr = 2r dropped, in both gradients",
        {"backward_c": backward_c_with(df_dz="-r * sigmoid(z) * (1 - sigmoid(z))")},
        {**FULL, "q2c_sigmoid_grads": 0},
        named={"q2c_sigmoid_grads": ("factor 2 dropped", "df/dW is half the gradient")}),
    WrongSubmission(
        "sigma_prime_written_as_sigma", "(c): sigma'(z) written as sigma(z)",
        {"backward_c": backward_c_with(df_dz="-2 * r * sigmoid(z)")},
        {**FULL, "q2c_sigmoid_grads": 0},
        named={"q2c_sigmoid_grads": ("sigmoid used for its derivative", "df/dW uses sigma(z) where its derivative")}),
    WrongSubmission(
        "transposed_dW", "(c): df/dW returned as x times df/dz^T, shape d x n instead of n x d",
        {"backward_c": backward_c_with(df_dW="np.outer(x, df_dz)")},
        {**FULL, "q2c_sigmoid_grads": 1},
        named={"q2c_sigmoid_grads": ("transposed gradient", "df/dW is transposed")}),
    WrongSubmission(
        "transposed_dW1", "(e): dl/dW1 returned transposed (x dl/dz^T); square, so only the values are off",
        {"backward_e": backward_e_with(dl_dW1="np.outer(x, dl_dz)")},
        {**FULL, "q2e_backward": 3},
        named={"q2e_backward": ("transposed gradient", "dl/dW1 is transposed")}),
    WrongSubmission(
        "sign_flipped", "(c): the residual written s - y, so both gradients have the wrong sign",
        {"backward_c": backward_c_with(r="np.sum(sigmoid(z)) - y")},
        {**FULL, "q2c_sigmoid_grads": 0},
        named={"q2c_sigmoid_grads": ("sign flipped", "df/dW has the wrong sign")}),
    WrongSubmission(
        "sign_flipped_residual_e", "(e): e written y - W2 h, which flips every gradient",
        {"backward_e": backward_e_with(e="y - W2 @ h")},
        {**FULL, "q2e_backward": 0},
        named={"q2e_backward": ("sign flipped", "dl/dx has the wrong sign")}),
    WrongSubmission(
        "sum_over_wrong_axis", "(e): W2^T e written as a sum over the wrong axis of W2 * e; dl/dW2 is still right",
        {"backward_e": backward_e_with(dl_dh="np.sum(W2 * e[:, None], axis=1)")},
        {**FULL, "q2e_backward": 1},
        named={"q2e_backward": ("summed over the wrong axis", "dl/dx sums W2 * e over the wrong axis")}),
    WrongSubmission(
        "update_adds_gradient", "(d): both parameters step along the gradient instead of against it",
        {"gd_step_sigmoid": '''
def gd_step_sigmoid(W, b, x, y, eps):
    z = W @ x + b
    r = y - np.sum(sigmoid(z))
    W_next = W - eps * 2 * r * np.outer(sigmoid(z) * (1 - sigmoid(z)), x)
    b_next = b - eps * 2 * r * sigmoid(z) * (1 - sigmoid(z))
    return W_next, b_next
'''},
        {**FULL, "q2d_sigmoid_step": 0},
        named={"q2d_sigmoid_step": ("update adds the gradient", "W after one step adds the gradient")}),
    WrongSubmission(
        "update_adds_gradient_identity", "(f): W1 and W2 both step along the gradient",
        {"gd_step_identity": '''
def gd_step_identity(W1, W2, b, x, y, eps):
    h = W1 @ x + b
    e = W2 @ h - y
    return W1 + eps * np.outer(W2.T @ e, x), W2 + eps * np.outer(e, h)
'''},
        {**FULL, "q2f_identity_step": 0},
        named={"q2f_identity_step": ("update adds the gradient", "W1 after one step adds the gradient")}),
    WrongSubmission(
        "phi_where_phi_prime_belongs", "(e): Phi(z) multiplied in where Phi'(z) belongs; dl/dW2 needs neither",
        {"backward_e": backward_e_with(dl_dz="phi(z) * dl_dh")},
        {**FULL, "q2e_backward": 1},
        named={"q2e_backward": ("Phi used for Phi'", "dl/dx multiplies by Phi(z) where Phi'(z) belongs")}),
    WrongSubmission(
        "hard_coded_public_values", "every answer typed in from the public checks' numbers",
        HARD_CODED,
        {question: 0 for question in FULL}, typed_in=True),
    # ---- more mistakes students make on this problem ---------------------------------------------
    WrongSubmission(
        "chain_rule_product_not_sum", "(a): the path terms multiplied instead of added",
        {"total_derivative": '''
def total_derivative(w, g, dg_dw, grad_f):
    return np.prod(path_terms(w, g, dg_dw, grad_f))
'''},
        {**FULL, "q2a_chain_rule": 1},
        named={"q2a_chain_rule": ("paths multiplied, not added", "total_derivative multiplies the paths' terms: w fans")}),
    WrongSubmission(
        "chain_rule_one_path", "(a): the total derivative is the first path's term alone",
        {"total_derivative": '''
def total_derivative(w, g, dg_dw, grad_f):
    return path_terms(w, g, dg_dw, grad_f)[0]
'''},
        {**FULL, "q2a_chain_rule": 1},
        named={"q2a_chain_rule": ("one path only", "total_derivative is the term of the path through g_1 alone")}),
    WrongSubmission(
        "chain_rule_local_derivative_only", "(a): dg_i/dw alone, without df/dx_i; the total adds these",
        {"path_terms": '''
def path_terms(w, g, dg_dw, grad_f):
    return dg_dw(w)
'''},
        {**FULL, "q2a_chain_rule": 0},
        named={"q2a_chain_rule": ("local derivative only", "path_terms are the local derivatives dg_i/dw alone")}),
    WrongSubmission(
        "chain_rule_inner_derivative_forgotten", "(a): df/dx_i alone, without dg_i/dw",
        {"path_terms": '''
def path_terms(w, g, dg_dw, grad_f):
    return grad_f(g(w))
'''},
        {**FULL, "q2a_chain_rule": 0},
        named={"q2a_chain_rule": ("inner derivative forgotten", "path_terms are df/dx_i alone")}),
    WrongSubmission(
        "graph_missing_y_wire", "(b): the wire from y into r left out",
        {"graph_edges": '''
def graph_edges(n):
    edges = []
    for i in range(1, n + 1):
        edges += [("x", f"u{i}"), (f"w{i}", f"u{i}"), (f"u{i}", f"z{i}"), (f"b{i}", f"z{i}"),
                  (f"z{i}", f"h{i}"), (f"h{i}", "s")]
    return edges + [("s", "r"), ("r", "f")]
'''},
        {**FULL, "q2b_graph": 0},
        named={"q2b_graph": ("a wire left out", "graph_edges(1) leaves out the wire(s) [('y', 'r')]")}),
    WrongSubmission(
        "graph_hidden_units_wired_to_r", "(b): each h_i wired straight into r as well as into s",
        {"graph_edges": '''
def graph_edges(n):
    edges = []
    for i in range(1, n + 1):
        edges += [("x", f"u{i}"), (f"w{i}", f"u{i}"), (f"u{i}", f"z{i}"), (f"b{i}", f"z{i}"),
                  (f"z{i}", f"h{i}"), (f"h{i}", "s"), (f"h{i}", "r")]
    return edges + [("s", "r"), ("y", "r"), ("r", "f")]
'''},
        {**FULL, "q2b_graph": 0},
        named={"q2b_graph": ("a wire that is not in the graph", "graph_edges(1) has the wire(s) [('h1', 'r')]")}),
    WrongSubmission(
        "bias_step_uses_new_W", "(d): b's step computed after W moved, from the new W",
        {"gd_step_sigmoid": '''
def gd_step_sigmoid(W, b, x, y, eps):
    z = W @ x + b
    r = y - np.sum(sigmoid(z))
    W = W + eps * 2 * r * np.outer(sigmoid(z) * (1 - sigmoid(z)), x)
    z = W @ x + b
    r = y - np.sum(sigmoid(z))
    return W, b + eps * 2 * r * sigmoid(z) * (1 - sigmoid(z))
'''},
        {**FULL, "q2d_sigmoid_step": 1},
        named={"q2d_sigmoid_step": ("the step uses the new W", "b after one step takes its gradient at weights already")}),
    WrongSubmission(
        "W2_step_uses_new_W1", "(f): W2's step computed from the already updated W1",
        {"gd_step_identity": '''
def gd_step_identity(W1, W2, b, x, y, eps):
    h = W1 @ x + b
    e = W2 @ h - y
    W1_next = W1 - eps * np.outer(W2.T @ e, x)
    h = W1_next @ x + b
    e = W2 @ h - y
    return W1_next, W2 - eps * np.outer(e, h)
'''},
        {**FULL, "q2f_identity_step": 1},
        named={"q2f_identity_step": ("the step uses the new W", "W2 after one step takes its gradient with the other")}),
    WrongSubmission(
        "dW2_without_phi", "(e): dl/dW2 uses z where Phi(z) belongs (right only for the identity)",
        {"backward_e": backward_e_with(dl_dW2="np.outer(e, z)")},
        {**FULL, "q2e_backward": 3}),
    WrongSubmission(
        "backward_e_missing", "(e) left as the notebook gives it",
        {"backward_e": AS_GIVEN},
        {**FULL, "q2e_backward": 0}),
]
