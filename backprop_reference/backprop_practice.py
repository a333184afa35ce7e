"""Notebook 2's references: centred finite differences of the worksheet's own functions.

The functions are written out here again, so that no expected value comes from a
definition the student's package holds; the problems themselves (``random_units``,
``random_two_layer``, ``random_chain``, ``PHIS``) come from backprop_kit.
"""

import numpy as np

from backprop_kit.model.gradcheck import numerical_gradient


def sigmoid(z):
    return 1.0 / (1.0 + np.exp(-np.asarray(z, dtype=float)))


def units_loss(W, b, x, y):
    """The worksheet's f(W, x, y) = (y - sum_i sigmoid(w_i^T x + b_i))^2, w_i the rows of W."""
    return float((y - np.sum(sigmoid(np.asarray(W) @ x + b))) ** 2)


def units_reference(W, b, x, y):
    """{"W": df/dW, "b": df/db}: what (c) and (d) are checked against."""
    return numerical_gradient(lambda W, b: units_loss(W, b, x, y), {"W": W, "b": b})


def two_layer_loss(W1, W2, b, x, y, phi):
    """The worksheet's cost (1): l = 1/2 ||W2 Phi(W1 x + b) - y||^2."""
    e = np.asarray(W2) @ phi(np.asarray(W1) @ x + b) - y
    return 0.5 * float(e @ e)


def two_layer_reference(W1, W2, b, x, y, phi):
    """{"x", "W1", "W2", "b"}: dl/d each, what (e) and (f) are checked against."""
    return numerical_gradient(lambda x, W1, W2, b: two_layer_loss(W1, W2, b, x, y, phi),
                              {"x": x, "W1": W1, "W2": W2, "b": b})


def chain_reference(chain, w):
    """(path terms df/dx_i * dg_i/dw, their sum d/dw f(g(w))) for (a), from finite differences
    of f and of the g_i, not from the derivatives the problem hands the student."""
    x = np.asarray(chain.g(w), dtype=float)
    df_dx = numerical_gradient(lambda x: chain.f(x), {"x": x})["x"]
    step = 1e-5
    dg_dw = (np.asarray(chain.g(w + step)) - np.asarray(chain.g(w - step))) / (2 * step)
    terms = df_dx * dg_dw
    return terms, float(np.sum(terms))
