"""Answer checks for the autograder tests: each failure is one plain sentence.

Otter shows the failing line of a test and the exception's message, so every
check raises ``AssertionError`` with a message that names the quantity, what
was expected and what came back, e.g.
``df/dx at x=-2, y=5, z=-4: expected -4, got 4``.
"""

import numbers

import numpy as np

from .values import format_value

RTOL = 1e-6
ATOL = 1e-9


def call(function, *args, name=None, **kwargs):
    """Call a student's function, turning 'not defined' and crashes into one-line failures."""
    name = name or getattr(function, "__name__", "the function")
    if function is None:
        raise AssertionError(f"{name} is not defined: run the cell that defines it.")
    if not callable(function):
        raise AssertionError(f"{name} should be a function; got {type(function).__name__}.")
    try:
        return function(*args, **kwargs)
    except Exception as error:  # the student's exception, reported not raised
        shown = ", ".join([_short(a) for a in args] + [f"{k}={_short(v)}" for k, v in kwargs.items()])
        raise AssertionError(f"{name}({shown}) raised {type(error).__name__}: {error}") from None


def number(label, got):
    """``got`` as a float, or a failure that says why it is not a number yet."""
    _reject_placeholder(label, got)
    if isinstance(got, (bool, np.bool_)) or not isinstance(got, (numbers.Real, np.ndarray, np.generic)):
        raise AssertionError(f"{label} should be a number; got {type(got).__name__} {_short(got)}.")
    array = np.asarray(got, dtype=float)
    if array.shape not in ((), (1,)):
        raise AssertionError(f"{label} should be a single number; got an array of shape {array.shape}.")
    value = float(array.reshape(()))
    if not np.isfinite(value):
        raise AssertionError(f"{label} should be a finite number; got {value}.")
    return value


def close(label, got, expected, *, at="", shape_of=None, rtol=RTOL, atol=ATOL):
    """Check a number or an array against ``expected``.

    ``at`` describes the inputs ("at x=1, y=2"); ``shape_of`` names what the
    answer must have the shape of, for gradients ("W1").
    """
    where = f" {at}" if at else ""
    expected_array = np.asarray(expected, dtype=float)
    if expected_array.ndim == 0:
        value = number(label + where, got)
        if not np.isclose(value, float(expected_array), rtol=rtol, atol=atol):
            raise AssertionError(f"{label}{where}: expected {format_value(expected)}, got {format_value(value)}")
        return
    array = shaped(label, got, expected_array.shape, shape_of=shape_of)
    bad = ~np.isclose(array, expected_array, rtol=rtol, atol=atol)
    if bad.any():
        index = tuple(int(i) for i in np.argwhere(bad)[0])
        raise AssertionError(
            f"{label}{where}: {int(bad.sum())} of {bad.size} entries are wrong; at index {index} "
            f"expected {format_value(expected_array[index])}, got {format_value(array[index])}"
        )


def flag(label, got, expected, *, at=""):
    """Check a True/False answer (a Python or numpy bool) against ``expected``."""
    where = f" {at}" if at else ""
    _reject_placeholder(label, got)
    if not isinstance(got, (bool, np.bool_)):
        raise AssertionError(f"{label} should be True or False; got {type(got).__name__} {_short(got)}.")
    if bool(got) != bool(expected):
        raise AssertionError(f"{label}{where}: expected {bool(expected)}, got {bool(got)}")


def shaped(label, got, shape, *, shape_of=None):
    """``got`` as a float array of ``shape``, or the same one-line failure ``close`` gives for a wrong shape.

    For demos that draw an answer before (or without) knowing whether it is right.
    """
    _reject_placeholder(label, got)
    try:
        array = np.asarray(got, dtype=float)
    except (TypeError, ValueError):
        raise AssertionError(f"{label} should be an array of numbers; got {type(got).__name__}.") from None
    if array.shape != tuple(shape):
        target = f"the shape of {shape_of}, " if shape_of else "shape "
        raise AssertionError(f"{label} must have {target}{tuple(shape)}; got {array.shape}")
    return array


def entries(label, got, keys):
    """Check that a dict answer has exactly ``keys``; return it."""
    _reject_placeholder(label, got)
    if not isinstance(got, dict):
        raise AssertionError(f"{label} should be a dict with keys {sorted(keys)}; got {type(got).__name__}.")
    missing = [k for k in keys if k not in got]
    if missing:
        raise AssertionError(f"{label} is missing the key(s) {missing}; it has {sorted(got)}.")
    return got


def pair(label, got, length=2):
    """Check that ``got`` is a tuple or list of ``length`` items; return it as a tuple."""
    _reject_placeholder(label, got)
    if not isinstance(got, (tuple, list)) or len(got) != length:
        raise AssertionError(f"{label} should be a tuple of {length} values; got {_short(got)}.")
    return tuple(got)


def _reject_placeholder(label, got):
    if got is Ellipsis:
        raise AssertionError(f"{label} is still `...`: replace it with your answer.")
    if got is None:
        raise AssertionError(f"{label} is None: did you forget a return statement?")


def _short(value):
    text = format_value(value) if isinstance(value, (numbers.Real, np.ndarray)) else repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def random_inputs(seed, names, count=8, low=-5.0, high=5.0):
    """``count`` dicts of seeded random floats for the named inputs: hidden tests' inputs."""
    rng = np.random.default_rng(seed)
    return [{name: float(v) for name, v in zip(names, row)}
            for row in rng.uniform(low, high, size=(count, len(names)))]


def describe(inputs):
    """'at x=-2, y=5' for a dict of scalar inputs, used in failure messages."""
    return "at " + ", ".join(f"{name}={format_value(value)}" for name, value in inputs.items())
