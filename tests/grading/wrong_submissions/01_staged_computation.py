"""Known wrong answers to notebook 1 and the points each must keep (questions: q1a 2, q1b 1, q1c 4).

q1c's four points are one per gradient (df/dq, df/dx, df/dy, df/dz), each checked at
seeded random inputs, so every case below loses exactly the gradients it gets wrong.
"""

from tests.support.submissions import AS_GIVEN, WrongSubmission

FULL = {"q1a_forward": 2, "q1b_network": 1, "q1c_backward": 4}


def backward_returning(dq, dx, dy, dz):
    return f'''
def backward(x, y, z):
    q, f = forward(x, y, z)
    df_df = 1.0
    df_dq = {dq}
    df_dz = {dz}
    df_dx = {dx}
    df_dy = {dy}
    return {{"q": df_dq, "x": df_dx, "y": df_dy, "z": df_dz}}
'''


CASES = [
    WrongSubmission(
        "sign_flip", "df/dq written as -z; the wrong sign flows on into df/dx and df/dy",
        {"backward": backward_returning("-df_df * z", "df_dq * 1.0", "df_dq * 1.0", "df_df * q")},
        {**FULL, "q1c_backward": 1},
        named={"q1c_backward": ("sign flipped", "df/dq has the wrong sign")}),
    WrongSubmission(
        "upstream_gradient_forgotten",
        "the + node's gradients are its local derivatives alone (1), not times the upstream df/dq; "
        "on this network that is also 'local gradients only': each wire's local derivative, nothing chained",
        {"backward": backward_returning("df_df * z", "1.0", "1.0", "df_df * q")},
        {**FULL, "q1c_backward": 2},
        named={"q1c_backward": ("local derivative only", "df/dx equals the local derivative dq/dx = 1 alone: multiply it by the upstream gradient df/dq = z")}),
    WrongSubmission(
        "upstream_value_not_gradient", "df/dx and df/dy multiply the forward value q instead of the gradient df/dq",
        {"backward": backward_returning("df_df * z", "q * 1.0", "q * 1.0", "df_df * q")},
        {**FULL, "q1c_backward": 2},
        named={"q1c_backward": ("forward value used as the gradient", "df/dx multiplies the forward value q")}),
    WrongSubmission(
        "dx_dz_swapped", "df/dx and df/dz swapped",
        {"backward": backward_returning("df_df * z", "df_df * q", "df_dq * 1.0", "df_dq * 1.0")},
        {**FULL, "q1c_backward": 2},
        named={"q1c_backward": ("two inputs swapped", "df/dx multiplies the forward value q")}),
    WrongSubmission(
        "hard_coded_worksheet", "the worksheet's numbers typed in: right at x=-2, y=5, z=-4 only",
        {"forward": "def forward(x, y, z):\n    return 3.0, -12.0",
         "backward": 'def backward(x, y, z):\n    return {"q": -4.0, "x": -4.0, "y": -4.0, "z": 3.0}'},
        {**FULL, "q1a_forward": 0, "q1c_backward": 0}, typed_in=True),
    WrongSubmission(
        "backward_missing", "forward right, backward left as the notebook gives it",
        {"backward": AS_GIVEN},
        {**FULL, "q1c_backward": 0}),
    WrongSubmission(
        "forward_outputs_swapped", "forward returns (f, q); backward, which unpacks it, gets df/dz wrong too",
        {"forward": "def forward(x, y, z):\n    q = x + y\n    f = q * z\n    return f, q"},
        {**FULL, "q1a_forward": 0, "q1c_backward": 3},
        named={"q1a_forward": ("two outputs swapped", "forward returns (f, q)"), "q1c_backward": ("an earlier part is wrong", "q1a_forward (your forward) is wrong at these inputs")}),
    WrongSubmission(
        "forward_sum_for_product", "the × node written as a sum: f = q + z",
        {"forward": "def forward(x, y, z):\n    q = x + y\n    f = q + z\n    return q, f"},
        {**FULL, "q1a_forward": 1},
        named={"q1a_forward": ("a sum taken for a product", "f adds z to q")}),
    WrongSubmission(
        "forward_parentheses_left_out", "f = x + y * z with no parentheses: the × node takes y, not q",
        {"forward": "def forward(x, y, z):\n    q = x + y\n    f = x + y * z\n    return q, f"},
        {**FULL, "q1a_forward": 1},
        named={"q1a_forward": ("parentheses left out", "f is x + y z")}),
    WrongSubmission(
        "network_missing_wire", "the wire from z into the × node left out",
        {"network_edges": 'def network_edges():\n    return [("x", "q"), ("y", "q"), ("q", "f")]'},
        {**FULL, "q1b_network": 0}),
    WrongSubmission(
        "backward_raises", "backward crashes (a NameError) instead of returning",
        {"backward": "def backward(x, y, z):\n    return {'q': zz}"},
        {**FULL, "q1c_backward": 0}),
]
