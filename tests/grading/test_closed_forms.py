"""Notebook 2's worked solution gives the closed form of (c) to (f) beside the code, and each is right.

Each closed form is written below as the master writes it (a piece of its TeX, which must appear in
the part's solution-only cell) and as numpy, and the numpy is checked against centred finite
differences of the worksheet's own functions and against the worked solution's code, at random
problems.  The solution-only cells stay out of the student notebook (Otter Assign drops a Markdown
cell inside a SOLUTION block) and are in the worked solution that ships (grader/dist).
"""

import json

import nbformat
import numpy as np
import pytest

from backprop_kit.demos import backprop_practice as bp
from backprop_kit.model.gradcheck import numerical_gradient
from grader.build import MASTERS, outputs_for

NAME = "02_backprop_practice"
SEEDS = range(2610, 2616)


def sigma(z):
    return 1.0 / (1.0 + np.exp(-z))


def units_closed_form(W, b, x, y):
    """(c): grad_{w_i} f = -2 r sigma(z_i)(1 - sigma(z_i)) x and df/db_i = -2 r sigma(z_i)(1 - sigma(z_i))."""
    z = W @ x + b
    r = y - np.sum(sigma(z))
    slope = -2 * r * sigma(z) * (1 - sigma(z))
    return {"W": np.outer(slope, x), "b": slope}


def units_step_closed_form(W, b, x, y, eps):
    """(d): w_i + 2 eps r sigma(z_i)(1 - sigma(z_i)) x, b_i + 2 eps r sigma(z_i)(1 - sigma(z_i))."""
    z = W @ x + b
    r = y - np.sum(sigma(z))
    return W + 2 * eps * r * np.outer(sigma(z) * (1 - sigma(z)), x), b + 2 * eps * r * sigma(z) * (1 - sigma(z))


def two_layer_closed_form(W1, W2, b, x, y, phi, dphi):
    """(e): delta = Phi'(z) * W2^T e; W2: e h^T, b: delta, W1: delta x^T, x: W1^T delta."""
    z = W1 @ x + b
    h = phi(z)
    e = W2 @ h - y
    delta = dphi(z) * (W2.T @ e)
    return {"W2": np.outer(e, h), "b": delta, "W1": np.outer(delta, x), "x": W1.T @ delta}


def identity_step_closed_form(W1, W2, b, x, y, eps):
    """(f): W1 - eps W2^T (W2 (W1 x + b) - y) x^T, W2 - eps (W2 (W1 x + b) - y)(W1 x + b)^T."""
    h = W1 @ x + b
    e = W2 @ h - y
    return W1 - eps * np.outer(W2.T @ e, x), W2 - eps * np.outer(e, h)


# Each part: a piece of the TeX its solution-only cell writes, the formula above that it states.
WRITTEN = {
    "(c)": [r"\nabla_{w_i} f = -2\,r\,\sigma(z_i)\big(1 - \sigma(z_i)\big)\,x",
            r"\frac{\partial f}{\partial b_i} = -2\,r\,\sigma(z_i)\big(1 - \sigma(z_i)\big)"],
    "(d)": [r"w_i^{(t+1)} = w_i^{(t)} + 2\epsilon\,r^{(t)}\,\sigma(z_i^{(t)})\big(1 - \sigma(z_i^{(t)})\big)\,x",
            r"b_i^{(t+1)} = b_i^{(t)} + 2\epsilon\,r^{(t)}\,\sigma(z_i^{(t)})\big(1 - \sigma(z_i^{(t)})\big)"],
    "(e)": [r"\delta = \Phi'(z) \odot W^{(2)\top} e",
            r"\nabla_{W^{(2)}}\ell = e\,h^\top", r"\nabla_b \ell = \delta",
            r"\nabla_{W^{(1)}}\ell = \delta\,x^\top", r"\nabla_x \ell = W^{(1)\top}\delta"],
    "(f)": [r"W^{(1)}_{t+1} = W^{(1)}_t - \epsilon\,W^{(2)\top}_t\big(W^{(2)}_t(W^{(1)}_t x + b_t) - y\big)\,x^\top",
            r"W^{(2)}_{t+1} = W^{(2)}_t - \epsilon\,\big(W^{(2)}_t(W^{(1)}_t x + b_t) - y\big)\big(W^{(1)}_t x + b_t\big)^\top"],
}


def closed_form_cells(cells):
    return {part: "".join(c["source"]) for c in cells for part in WRITTEN
            if c["cell_type"] == "markdown" and f"Worked solution, {part}, closed form" in "".join(c["source"])}


def solution_code():
    """The worked solution's functions (its code cells that define them), as it ships."""
    namespace = {"np": np}
    for cell in nbformat.read(outputs_for(NAME)["solution"], as_version=4).cells:
        if cell.cell_type == "code" and cell.source.startswith(("def sigmoid", "def backward_", "def gd_step_")):
            exec(cell.source, namespace)
    return namespace


@pytest.mark.parametrize("part", sorted(WRITTEN))
def test_each_closed_form_is_written_in_a_solution_only_cell_of_the_master(part):
    master = json.loads((MASTERS / f"{NAME}.ipynb").read_text())
    cells = master["cells"]
    written = closed_form_cells(cells)
    assert part in written, f"the master gives no closed form for {part}"
    for piece in WRITTEN[part]:
        assert piece in written[part], f"{part}'s closed form no longer says {piece!r}: update the test with it"
    index = next(i for i, c in enumerate(cells) if "".join(c["source"]) == written[part])
    before = ["".join(c["source"]).strip() for c in cells[:index] if c["cell_type"] == "raw"]
    assert before[-1] == "# BEGIN SOLUTION", f"{part}'s closed form is not inside a SOLUTION block"


def test_the_closed_forms_ship_in_the_worked_solution_and_not_to_students():
    solution = nbformat.read(outputs_for(NAME)["solution"], as_version=4).cells
    assert sorted(closed_form_cells(solution)) == sorted(WRITTEN)
    student = outputs_for(NAME)["student"].read_text()
    for pieces in WRITTEN.values():
        for piece in pieces:
            assert json.dumps(piece)[1:-1] not in student, f"the student notebook gives away {piece!r}"
    assert "closed form" not in student


@pytest.mark.parametrize("seed", SEEDS)
def test_c_and_d_agree_with_finite_differences_and_the_solution_code(seed):
    code = solution_code()
    p = bp.random_units(seed, n=3, d=4)
    numeric = numerical_gradient(lambda W, b: bp.units_output(W, b, p["x"], p["y"]), {"W": p["W"], "b": p["b"]})
    closed = units_closed_form(**p)
    for name in ("W", "b"):
        np.testing.assert_allclose(closed[name], numeric[name], rtol=1e-5, atol=1e-7, err_msg=f"(c) df/d{name}")
        np.testing.assert_allclose(code["backward_c"](**p)[name], closed[name], rtol=1e-10, atol=1e-12)
    eps = 0.3
    stepped = units_step_closed_form(**p, eps=eps)
    for got, start, name in zip(stepped, (p["W"], p["b"]), ("W", "b")):
        np.testing.assert_allclose(got, start - eps * numeric[name], rtol=1e-5, atol=1e-7, err_msg=f"(d) {name}")
    for got, expected in zip(code["gd_step_sigmoid"](**p, eps=eps), stepped):
        np.testing.assert_allclose(got, expected, rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("phi_name", list(bp.PHIS))
def test_e_agrees_with_finite_differences_and_the_solution_code(seed, phi_name):
    code = solution_code()
    phi, dphi = bp.PHIS[phi_name]
    p = bp.random_two_layer(seed)
    numeric = numerical_gradient(lambda x, W1, W2, b: bp.two_layer_loss(W1, W2, b, x, p["y"], phi),
                                 {name: p[name] for name in ("x", "W1", "W2", "b")})
    closed = two_layer_closed_form(p["W1"], p["W2"], p["b"], p["x"], p["y"], phi, dphi)
    solution = code["backward_e"](p["W1"], p["W2"], p["b"], p["x"], p["y"], phi, dphi)
    for name in ("x", "W1", "W2", "b"):
        np.testing.assert_allclose(closed[name], numeric[name], rtol=1e-5, atol=1e-6, err_msg=f"(e) dl/d{name}")
        np.testing.assert_allclose(solution[name], closed[name], rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("seed", SEEDS)
def test_f_agrees_with_finite_differences_and_the_solution_code(seed):
    code = solution_code()
    p, eps = bp.random_two_layer(seed), 0.05
    numeric = numerical_gradient(lambda W1, W2: bp.two_layer_loss(W1, W2, p["b"], p["x"], p["y"]),
                                 {"W1": p["W1"], "W2": p["W2"]})
    stepped = identity_step_closed_form(p["W1"], p["W2"], p["b"], p["x"], p["y"], eps)
    for got, name in zip(stepped, ("W1", "W2")):
        np.testing.assert_allclose(got, p[name] - eps * numeric[name], rtol=1e-6, atol=1e-7, err_msg=f"(f) {name}")
    for got, expected in zip(code["gd_step_identity"](p["W1"], p["W2"], p["b"], p["x"], p["y"], eps), stepped):
        np.testing.assert_allclose(got, expected, rtol=1e-10, atol=1e-12)
