"""Known wrong answers to notebook 5 and the points each must keep.

Each local derivative (a link) takes only its node's values, so a wrong link costs its own
point and the points of every gradient that multiplies it, and nothing else; the gradients
(q5_4d, q5_6d) run the student's forward pass and links, and are checked against finite
differences of the loss itself.
"""

from tests.support.submissions import AS_GIVEN, WrongSubmission

FULL = {"q5_1_forward": 4, "q5_2_loss": 1,
        "q5_4a_dloss_da2": 1, "q5_4b_da2_dz2": 1, "q5_4c_dz2_dw2": 1, "q5_4d_dloss_dw2": 2,
        "q5_6a_dz2_da1": 1, "q5_6b_da1_dz1": 1, "q5_6c_dz1_dw1": 1, "q5_6d_dloss_dw1": 2,
        "q5_7_update": 2}


def dloss_dw1_as(product):
    return f'''
def dloss_dw1(x, y_star, w1, w2):
    z1, a1, z2, a2 = forward(x, w1, w2)
    return {product}
'''


def forward_with(z1="x * w1", a1="1 / (1 + math.exp(-z1))", z2="a1 * w2", a2="1 / (1 + math.exp(-z2))"):
    """The solution's forward with one stage replaced."""
    return f"def forward(x, w1, w2):\n    z1 = {z1}\n    a1 = {a1}\n    z2 = {z2}\n    a2 = {a2}\n    return z1, a1, z2, a2"


def link(name, args, body):
    return f"def {name}({args}):\n    return {body}"


def step(new_w1, new_w2):
    return f"def gradient_step(w1, w2, grad_w1, grad_w2, alpha):\n    return {new_w1}, {new_w2}"


CASES = [
    WrongSubmission(
        "typo_chain_literal",
        "the worksheet's part-5 chain taken literally: six factors, with da2/da1 = da2/dz2 dz2/da1 and "
        "dz2/dz1 = dz2/da1 da1/dz1, so three local derivatives are counted twice",
        {"dloss_dw1": dloss_dw1_as(
            "dloss_da2(a2, y_star) * da2_dz2(z2, a2) * (da2_dz2(z2, a2) * dz2_da1(a1, w2))"
            " * (dz2_da1(a1, w2) * da1_dz1(z1, a1)) * da1_dz1(z1, a1) * dz1_dw1(x, w1)")},
        {**FULL, "q5_6d_dloss_dw1": 0}),
    WrongSubmission(
        "typo_chain_six_links",
        "the worksheet's six printed factors each read as one link: da2/da1 as a second sigmoid slope "
        "a2(1 - a2), dz2/dz1 as w2",
        {"dloss_dw1": dloss_dw1_as(
            "dloss_da2(a2, y_star) * da2_dz2(z2, a2) * da2_dz2(z2, a2) * dz2_da1(a1, w2)"
            " * da1_dz1(z1, a1) * dz1_dw1(x, w1)")},
        {**FULL, "q5_6d_dloss_dw1": 0}),
    WrongSubmission(
        "sigmoid_prime_as_sigmoid", "g'(z) taken as g(z): both sigmoid links return the node's output",
        {"da2_dz2": link("da2_dz2", "z2, a2", "a2"), "da1_dz1": link("da1_dz1", "z1, a1", "a1")},
        {**FULL, "q5_4b_da2_dz2": 0, "q5_4d_dloss_dw2": 0, "q5_6b_da1_dz1": 0, "q5_6d_dloss_dw1": 0},
        named={"q5_4b_da2_dz2": ("sigmoid used for its derivative", "da2/dz2 is the sigmoid's output a2 itself"), "q5_4d_dloss_dw2": ("sigmoid used for its derivative", "q5_4b (your da2_dz2) is wrong at these inputs"), "q5_6d_dloss_dw1": ("sigmoid used for its derivative", "q5_4b (your da2_dz2) and q5_6b (your da1_dz1) are wrong")}),
    WrongSubmission(
        "update_plus", "the update climbs: w + alpha * gradient",
        {"gradient_step": step("w1 + alpha * grad_w1", "w2 + alpha * grad_w2")},
        {**FULL, "q5_7_update": 0},
        named={"q5_7_update": ("update adds the gradient", "the step adds the gradient")}),
    WrongSubmission(
        "w1_gradient_missing_w2", "dLoss/dw1 without the factor dz2/da1 = w2",
        {"dloss_dw1": dloss_dw1_as(
            "dloss_da2(a2, y_star) * da2_dz2(z2, a2) * da1_dz1(z1, a1) * dz1_dw1(x, w1)")},
        {**FULL, "q5_6d_dloss_dw1": 0},
        named={"q5_6d_dloss_dw1": ("upstream gradient forgotten", "dLoss/dw1 leaves out the factor dz2/da1 = w2")}),
    WrongSubmission(
        "dz1_dw1_returns_w1", "the product node's local derivative taken as the variable itself (w1, not x)",
        {"dz1_dw1": link("dz1_dw1", "x, w1", "w1")},
        {**FULL, "q5_6c_dz1_dw1": 0, "q5_6d_dloss_dw1": 0},
        named={"q5_6c_dz1_dw1": ("two inputs swapped", "dz1/dw1 equals w1")}),
    WrongSubmission(
        "product_links_swapped", "dz2/dw2 and dz2/da1 swapped (w2 and a1)",
        {"dz2_dw2": link("dz2_dw2", "a1, w2", "w2"), "dz2_da1": link("dz2_da1", "a1, w2", "a1")},
        {**FULL, "q5_4c_dz2_dw2": 0, "q5_4d_dloss_dw2": 0, "q5_6a_dz2_da1": 0, "q5_6d_dloss_dw1": 0},
        named={"q5_4c_dz2_dw2": ("two inputs swapped", "dz2/dw2 equals w2"), "q5_4d_dloss_dw2": ("an earlier part is wrong", "q5_4c (your dz2_dw2) is wrong")}),
    WrongSubmission(
        "loss_derivative_sign", "dLoss/da2 written y* - a2",
        {"dloss_da2": link("dloss_da2", "a2, y_star", "y_star - a2")},
        {**FULL, "q5_4a_dloss_da2": 0, "q5_4d_dloss_dw2": 0, "q5_6d_dloss_dw1": 0},
        named={"q5_4a_dloss_da2": ("sign flipped", "dLoss/da2 has the wrong sign")}),
    WrongSubmission(
        "sigmoid_slope_of_input", "the sigmoid links written z(1 - z) with the node's input",
        {"da2_dz2": link("da2_dz2", "z2, a2", "z2 * (1 - z2)")},
        {**FULL, "q5_4b_da2_dz2": 0, "q5_4d_dloss_dw2": 0, "q5_6d_dloss_dw1": 0}),
    WrongSubmission(
        "no_nonlinearity", "forward without the sigmoids (a1 = z1, a2 = z2): only z1 is right",
        {"forward": forward_with(a1="z1", a2="z2")},
        {**FULL, "q5_1_forward": 1, "q5_2_loss": 0, "q5_4d_dloss_dw2": 0, "q5_6d_dloss_dw1": 0},
        named={"q5_1_forward": ("sigmoid left out", "a1 is z1 itself"),
               "q5_2_loss": ("an earlier part is wrong", "q5_1_forward (your forward) is wrong at these inputs"),
               "q5_6d_dloss_dw1": ("an earlier part is wrong", "q5_1_forward (your forward) is wrong at these inputs")}),
    WrongSubmission(
        "forward_sum_for_product", "the first unit adds its weight, z1 = x + w1; every later stage is built on it",
        {"forward": forward_with(z1="x + w1")},
        {**FULL, "q5_1_forward": 0, "q5_2_loss": 0, "q5_4d_dloss_dw2": 0, "q5_6d_dloss_dw1": 0},
        named={"q5_1_forward": ("a sum taken for a product", "z1 is x + w1")}),
    WrongSubmission(
        "forward_second_unit_adds", "the second unit adds its weight, z2 = a1 + w2: z2 and a2 wrong",
        {"forward": forward_with(z2="a1 + w2")},
        {**FULL, "q5_1_forward": 2, "q5_2_loss": 0, "q5_4d_dloss_dw2": 0, "q5_6d_dloss_dw1": 0},
        named={"q5_1_forward": ("a sum taken for a product", "z2 is a1 + w2")}),
    WrongSubmission(
        "forward_second_layer_takes_z1", "z2 = z1 w2: the second unit takes the first unit's input, not its output a1",
        {"forward": forward_with(z2="z1 * w2")},
        {**FULL, "q5_1_forward": 2, "q5_2_loss": 0, "q5_4d_dloss_dw2": 0, "q5_6d_dloss_dw1": 0},
        named={"q5_1_forward": ("sigmoid left out", "z2 multiplies w2 by z1")}),
    WrongSubmission(
        "forward_output_sigmoid_left_out", "a2 = z2: the output unit's sigmoid left out",
        {"forward": forward_with(a2="z2")},
        {**FULL, "q5_1_forward": 3, "q5_2_loss": 0, "q5_4d_dloss_dw2": 0, "q5_6d_dloss_dw1": 0},
        named={"q5_1_forward": ("sigmoid left out", "a2 is z2 itself")}),
    WrongSubmission(
        "hard_coded_worked_example", "the worked example's numbers typed in; the links are general",
        {"forward": "def forward(x, w1, w2):\n    return 0.0, 0.5, math.log(3), 0.75",
         "loss": "def loss(x, y_star, w1, w2):\n    return 1 / 32",
         "dloss_dw2": "def dloss_dw2(x, y_star, w1, w2):\n    return -3 / 128",
         "dloss_dw1": "def dloss_dw1(x, y_star, w1, w2):\n    return -3 * math.log(3) / 128"},
        {**FULL, "q5_1_forward": 0, "q5_2_loss": 0, "q5_4d_dloss_dw2": 0, "q5_6d_dloss_dw1": 0}, typed_in=True),
    WrongSubmission(
        "loss_without_half", "the loss written (a2 - y*)^2, without the 1/2 (its derivative still a2 - y*)",
        {"loss": "def loss(x, y_star, w1, w2):\n    z1, a1, z2, a2 = forward(x, w1, w2)\n"
                 "    return (a2 - y_star) ** 2"},
        {**FULL, "q5_2_loss": 0},
        named={"q5_2_loss": ("the 1/2 dropped", "Loss is (a2 - y*)^2 without the 1/2")}),
    WrongSubmission(
        "update_gradients_swapped", "each weight stepped with the other weight's gradient",
        {"gradient_step": step("w1 - alpha * grad_w2", "w2 - alpha * grad_w1")},
        {**FULL, "q5_7_update": 0},
        named={"q5_7_update": ("two inputs swapped", "each weight is stepped with the other weight's gradient")}),
    WrongSubmission(
        "update_w2_forgotten", "only w1 is updated; w2 is returned unchanged",
        {"gradient_step": step("w1 - alpha * grad_w1", "w2")},
        {**FULL, "q5_7_update": 1},
        named={"q5_7_update": ("a weight left unchanged", "new w2 is w2 unchanged")}),
    WrongSubmission(
        "w1_gradient_missing", "everything but dLoss/dw1, left as the notebook gives it",
        {"dloss_dw1": AS_GIVEN},
        {**FULL, "q5_6d_dloss_dw1": 0}),
]
