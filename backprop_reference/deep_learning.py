"""Notebook 4's exact definitions, moved out of the student's package: the rebuilt network of (a)
and the worksheet's network of (b) with its exact gradients.  The hidden tests write the same
closed forms out; these serve the kit's own tests (tests/test_deep_learning_demo.py)."""

import math


def sigmoid(z):
    return 1.0 / (1.0 + math.exp(-z))


def a_definition(x):
    """The rebuilt network of (a) as the notebook defines it: the outputs (i) to (vii) at input x."""
    i = 2 * x + 1
    ii = 2 - 4 * x
    iii = max(i, 0.0)
    iv = max(ii, 0.0)
    v = max(ii, x)
    vi = iii - 2 * iv - 3 * v
    return i, ii, iii, iv, v, vi, sigmoid(vi)


def b_forward(x1, x2, a, b, c, d, e, f):
    """The worksheet's network of (b): (r1, r2, s1, s2, y)."""
    r1, r2 = max(c * x1 + e * x2, 0.0), max(d * x1 + f * x2, 0.0)
    s1, s2 = sigmoid(a * r1), sigmoid(b * r2)
    return r1, r2, s1, s2, s1 + s2


def b_gradients(x1, x2, a, b, c, d, e, f):
    """dy/da .. dy/df and dy/d(hidden unit), exact; a ReLU's slope at 0 is taken as 0 (the notebook's)."""
    r1, r2, s1, s2, _ = b_forward(x1, x2, a, b, c, d, e, f)
    g1, g2 = s1 * (1 - s1), s2 * (1 - s2)
    on1, on2 = float(c * x1 + e * x2 > 0), float(d * x1 + f * x2 > 0)
    return {"a": g1 * r1, "b": g2 * r2, "c": g1 * a * on1 * x1, "d": g2 * b * on2 * x1,
            "e": g1 * a * on1 * x2, "f": g2 * b * on2 * x2, "s1": 1.0, "s2": 1.0, "r1": g1 * a, "r2": g2 * b}
