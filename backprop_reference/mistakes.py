"""Notebook 2's catalogue of named mistakes: what each gives at a test's inputs, and what to change.

Hidden tests call these at their seeded inputs (``checks.close(..., mistakes=...)``); the public
tests carry the same values at the notebook's example as literals, written out once from here.
Each value comes from the right
gradient (finite differences of the worksheet's function, ``backprop_practice``) changed the way
the mistake changes it, or from the mistaken formula written out; nothing here ships to students.
"""

import numpy as np

from backprop_kit import checks
from backprop_kit.model.gradcheck import numerical_gradient

from .backprop_practice import chain_reference, sigmoid, two_layer_reference, units_reference

SENTENCES = {
    ("a", checks.LOCAL_ONLY): "{q} are the local derivatives dg_i/dw alone: multiply each by the upstream gradient "
                              "df/dx_i, taken at x = g(w)",
    ("a", checks.INNER_FORGOTTEN): "{q} are df/dx_i alone: multiply each by the inner derivative dg_i/dw, since "
                                   "x_i = g_i(w) depends on w",
    ("a", checks.PRODUCT_OF_PATHS): "{q} multiplies the paths' terms: w fans out to every g_i, so d/dw f(g(w)) is "
                                    "the sum of df/dx_i dg_i/dw over the paths",
    ("a", checks.ONE_PATH_ONLY): "{q} is the term of the path through g_1 alone: add the terms of all n paths",
    ("d", checks.STEP_USES_NEW): "{q} takes its gradient at weights already stepped: work out df/dW and df/db at "
                                 "the old W and b, then step both",
    ("f", checks.STEP_USES_NEW): "{q} takes its gradient with the other weight already stepped: work out dl/dW1 "
                                 "and dl/dW2 at the old W1 and W2, then step both",
    ("c", checks.SIGN_FLIPPED): "{q} has the wrong sign: with f = r^2 and r = y - sum sigma(z_i), df/dz_i = -2 r sigma'(z_i)",
    ("c", checks.FACTOR_TWO_DROPPED): "{q} is half the gradient: d(r^2)/dr = 2 r, keep the 2",
    ("c", checks.SIGMOID_FOR_DERIVATIVE): "{q} uses sigma(z) where its derivative sigma(z) (1 - sigma(z)) belongs",
    ("c", checks.TRANSPOSED): "{q} is transposed: row i of df/dW is df/dz_i times x, so it has W's shape n x d",
    ("d", checks.UPDATE_ADDS): "{q} adds the gradient: a descent step moves against it, minus eps times the gradient",
    ("e", checks.SIGN_FLIPPED): "{q} has the wrong sign: with l = 1/2 ||e||^2 and e = W2 h - y, dl/de = +e",
    ("e", checks.TRANSPOSED): "{q} is transposed: dl/dW1 is the outer product dl/dz x^T, W1's rows go with z",
    ("e", checks.WRONG_AXIS): "{q} sums W2 * e over the wrong axis: dl/dh = W2^T e sums over the outputs (W2's rows)",
    ("e", checks.PHI_FOR_DERIVATIVE): "{q} multiplies by Phi(z) where Phi'(z) belongs: dl/dz = Phi'(z) * dl/dh",
}


def sentence(part, name, quantity):
    return SENTENCES[(part, name)].format(q=quantity)


def units_mistakes(W, b, x, y):
    """(c): ``{"W": {name: (value, sentence)}, "b": {...}}`` at this problem."""
    right = units_reference(W, b, x, y)
    z = np.asarray(W) @ x + b
    r = y - np.sum(sigmoid(z))
    sigma_only = -2 * r * sigmoid(z)
    found = {"W": {}, "b": {}}
    for key, label, wrong_sigma in (("W", "df/dW", np.outer(sigma_only, x)), ("b", "df/db", sigma_only)):
        found[key] = {
            checks.SIGN_FLIPPED: (-right[key], sentence("c", checks.SIGN_FLIPPED, label)),
            checks.FACTOR_TWO_DROPPED: (right[key] / 2, sentence("c", checks.FACTOR_TWO_DROPPED, label)),
            checks.SIGMOID_FOR_DERIVATIVE: (wrong_sigma, sentence("c", checks.SIGMOID_FOR_DERIVATIVE, label)),
        }
    found["W"][checks.TRANSPOSED] = (right["W"].T, sentence("c", checks.TRANSPOSED, "df/dW"))
    return found


def chain_mistakes(chain, w):
    """(a): ``{"terms": {name: (value, sentence)}, "total": {...}}`` at this chain and w."""
    terms, _ = chain_reference(chain, w)
    dg_dw = (np.asarray(chain.g(w + 1e-5)) - np.asarray(chain.g(w - 1e-5))) / 2e-5
    df_dx = numerical_gradient(lambda x: chain.f(x), {"x": np.asarray(chain.g(w), dtype=float)})["x"]
    return {"terms": {checks.LOCAL_ONLY: (dg_dw, sentence("a", checks.LOCAL_ONLY, "path_terms")),
                      checks.INNER_FORGOTTEN: (df_dx, sentence("a", checks.INNER_FORGOTTEN, "path_terms"))},
            "total": {checks.PRODUCT_OF_PATHS: (float(np.prod(terms)),
                                                sentence("a", checks.PRODUCT_OF_PATHS, "total_derivative")),
                      checks.ONE_PATH_ONLY: (float(terms[0]), sentence("a", checks.ONE_PATH_ONLY, "total_derivative"))}}


def units_step_mistakes(p, eps):
    """(d): ``{"W": {name: (value, sentence)}, "b": {...}}`` for one step of size eps at problem p."""
    right = units_reference(**p)
    found = step_mistakes(p, right, eps, {"W": "W after one step", "b": "b after one step"})
    # each parameter stepped with the gradient taken after the other one moved
    moved = {"W": {**p, "b": p["b"] - eps * right["b"]}, "b": {**p, "W": p["W"] - eps * right["W"]}}
    for key in ("W", "b"):
        found[key][checks.STEP_USES_NEW] = (p[key] - eps * units_reference(**moved[key])[key],
                                            sentence("d", checks.STEP_USES_NEW, f"{key} after one step"))
    return found


def two_layer_step_mistakes(p, eps, phi):
    """(f): ``{"W1": {name: (value, sentence)}, "W2": {...}}`` for one step of size eps at problem p."""
    right = two_layer_reference(**p, phi=phi)
    found = step_mistakes(p, right, eps, {"W1": "W1 after one step", "W2": "W2 after one step"})
    moved = {"W1": {**p, "W2": p["W2"] - eps * right["W2"]}, "W2": {**p, "W1": p["W1"] - eps * right["W1"]}}
    for key in ("W1", "W2"):
        found[key][checks.STEP_USES_NEW] = (p[key] - eps * two_layer_reference(**moved[key], phi=phi)[key],
                                            sentence("f", checks.STEP_USES_NEW, f"{key} after one step"))
    return found


def step_mistakes(params, gradients, eps, labels):
    """(d), (f): ``{key: {name: (value, sentence)}}`` for a step that adds ``eps`` times the gradient."""
    return {key: {checks.UPDATE_ADDS: (params[key] + eps * gradients[key], sentence("d", checks.UPDATE_ADDS, label))}
            for key, label in labels.items()}


def two_layer_mistakes(W1, W2, b, x, y, phi, dphi):
    """(e): ``{"x": {name: (value, sentence)}, "W1": ..., "W2": ..., "b": ...}`` at this problem."""
    right = two_layer_reference(W1=W1, W2=W2, b=b, x=x, y=y, phi=phi)
    z = np.asarray(W1) @ x + b
    e = np.asarray(W2) @ phi(z) - y
    found = {key: {checks.SIGN_FLIPPED: (-right[key], sentence("e", checks.SIGN_FLIPPED, f"dl/d{key}"))}
             for key in ("x", "W1", "W2", "b")}
    found["W1"][checks.TRANSPOSED] = (right["W1"].T, sentence("e", checks.TRANSPOSED, "dl/dW1"))
    # W2^T e is sum_i W2[i, j] e_i; summed over the other axis, sum_j W2[i, j] e_i = e_i times row i's sum
    for name, dl_dz in ((checks.WRONG_AXIS, dphi(z) * (e * np.asarray(W2).sum(axis=1))),
                        (checks.PHI_FOR_DERIVATIVE, phi(z) * (np.asarray(W2).T @ e))):
        for key, value in (("x", np.asarray(W1).T @ dl_dz), ("W1", np.outer(dl_dz, x)), ("b", dl_dz)):
            found[key][name] = (value, sentence("e", name, f"dl/d{key}"))
    return found

