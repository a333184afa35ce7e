"""Numerical gradient checking with centred finite differences.

The estimate for each entry is (f(v + h) - f(v - h)) / 2h, whose error shrinks
like h^2, and two gradients are compared by the relative error
|a - n| / max(|a|, |n|), as in CS231n's gradient-checking notes.  Entries where
both are tiny are compared absolutely, so a true zero does not divide by zero.
"""

from dataclasses import dataclass

import numpy as np

from ..values import format_pair, is_missing

DEFAULT_STEP = 1e-5
RELATIVE_TOLERANCE = 1e-5
ABSOLUTE_TOLERANCE = 1e-7


def numerical_gradient(f, inputs, step=DEFAULT_STEP):
    """Centred finite-difference gradient of scalar ``f(**inputs)`` for every input.

    ``inputs`` maps names to numbers or arrays; the result has the same keys and
    shapes.  ``f`` is called 2 x (number of entries) times.
    """
    base = {name: np.array(value, dtype=float) for name, value in inputs.items()}
    grads = {}
    for name, value in base.items():
        grad = np.zeros_like(value)
        for index in np.ndindex(value.shape):
            original = value[index]
            value[index] = original + step
            above = float(f(**_as_given(base, inputs)))
            value[index] = original - step
            below = float(f(**_as_given(base, inputs)))
            value[index] = original
            grad[index] = (above - below) / (2 * step)
        grads[name] = float(grad) if np.ndim(inputs[name]) == 0 else grad
    return grads


def derivative_through(outputs, inputs, of, through, moving, step=DEFAULT_STEP, least_slope=1e-3):
    """d(of)/d(through) from a forward pass alone, as a gradient check of that forward pass does.

    ``outputs(**inputs)`` returns {name: number}.  Each input named in ``moving`` must reach ``of``
    only through ``through`` (or be ``through`` itself, for an ordinary partial derivative); the
    one that moves ``through`` most is moved by +-step, and the change in ``of`` is divided by the
    change in ``through`` (centred on both, so the error still shrinks like step^2).  None when no
    input moves ``through`` by at least ``least_slope`` per unit (a ReLU that is off, say).
    """
    best = None
    for name in moving:
        ends = []
        for sign in (1, -1):
            point = {**inputs, name: inputs[name] + sign * step}
            values = outputs(**point)
            ends.append((float(values[of]), float(values[through] if through in values else point[through])))
        (of_above, through_above), (of_below, through_below) = ends
        change = through_above - through_below
        if abs(change) >= 2 * step * least_slope and (best is None or abs(change) > abs(best[1])):
            best = (of_above - of_below, change)
    return None if best is None else best[0] / best[1]


def _as_given(arrays, originals):
    """Pass scalars back as floats so student code that expects numbers gets numbers."""
    return {n: float(a) if np.ndim(originals[n]) == 0 else a.copy() for n, a in arrays.items()}


def relative_error(analytic, numeric):
    """Largest entrywise |a - n| / max(|a|, |n|), with tiny pairs counted as equal."""
    a = np.asarray(analytic, dtype=float)
    n = np.asarray(numeric, dtype=float)
    diff = np.abs(a - n)
    scale = np.maximum(np.abs(a), np.abs(n))
    ratio = np.where(diff <= ABSOLUTE_TOLERANCE, 0.0, diff / np.maximum(scale, 1e-300))
    return float(np.max(ratio)) if ratio.size else 0.0


@dataclass
class GradientComparison:
    name: str  # e.g. "df/dx"
    analytic: object
    numeric: object
    problem: str = ""  # "" when they agree; otherwise a sentence for the student
    key: str = ""  # the gradient's key in the dicts compared, e.g. "x"

    @property
    def ok(self):
        return not self.problem


def compare_gradients(analytic, numeric, labels=None, tolerance=RELATIVE_TOLERANCE):
    """Compare two {name: gradient} dicts; one ``GradientComparison`` per numeric entry.

    ``labels`` maps a key to the name used in sentences (``{"x": "df/dx"}``).  An estimate that
    is missing (``...`` or None: the forward pass it comes from did not run) is left out.
    """
    results = []
    for key, estimate in numeric.items():
        if is_missing(estimate):
            continue
        label = (labels or {}).get(key, key)
        got = analytic.get(key) if hasattr(analytic, "get") else None
        results.append(GradientComparison(label, got, estimate, _problem(label, got, estimate, tolerance), key))
    return results


def _problem(label, got, estimate, tolerance):
    if is_missing(got):
        return f"{label} is not computed yet."
    try:
        got_array = np.asarray(got, dtype=float)
    except (TypeError, ValueError):
        return f"{label} should be a number or an array; got {type(got).__name__}."
    if got_array.shape != np.shape(estimate):
        return f"{label} has shape {got_array.shape}; it should be {np.shape(estimate)}."
    if relative_error(got_array, estimate) > tolerance:
        yours, theirs = format_pair(got, estimate, equal=False)  # written so that they differ
        return f"{label} is off: you return {yours}, finite differences give {theirs}."
    return ""


def summary(comparisons):
    """One line per gradient: a tick, or the sentence that says what is off."""
    return "\n".join(
        f"\u2713 {c.name} matches finite differences." if c.ok else f"\u2717 {c.problem}"
        for c in comparisons
    )
