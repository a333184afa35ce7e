"""Answer checks for the autograder tests: each failure is one plain sentence.

Every check raises ``AssertionError`` with a message that names the quantity, what
was expected and what came back, e.g. ``df/dx at x=-2, y=5, z=-4: expected -4, got 4``.

**Named mistakes.** ``close(..., mistakes={name: (value, sentence)})`` takes a test's
catalogue of known mistakes for the quantity, each with the value that mistake gives at
the test's inputs (computed in the test, never here: this package computes no graded
answer). An answer that matches one fails with ``Mistake``, an ``AssertionError`` whose
message leads with the mistake's sentence and whose ``.mistake`` is its name, so the
grader can count it. ``earlier=[...]`` names earlier parts that are already wrong at the
inputs: the failure names them first, since fixing them may fix this one.

``otter_messages`` shows these sentences in ``grader.check`` without Otter's test source.
"""

import numbers

import numpy as np

from . import otter_messages
from .values import format_value

# The catalogue's names, shared by every notebook (a test may add names of its own).
SIGN_FLIPPED = "sign flipped"
UPSTREAM_FORGOTTEN = "upstream gradient forgotten"
LOCAL_ONLY = "local derivative only"
SIGMOID_FOR_DERIVATIVE = "sigmoid used for its derivative"
TRANSPOSED = "transposed gradient"
FACTOR_TWO_DROPPED = "factor 2 dropped"
WRONG_AXIS = "summed over the wrong axis"
UPDATE_ADDS = "update adds the gradient"
PHI_FOR_DERIVATIVE = "Phi used for Phi'"
INPUTS_SWAPPED = "two inputs swapped"
# names that fit one notebook's quantities
FORWARD_FOR_GRADIENT = "forward value used as the gradient"
OUTPUTS_SWAPPED = "two outputs swapped"
SLOPE_OF_INPUT = "sigmoid slope of its input"
HALF_DROPPED = "the 1/2 dropped"
RELU_SLOPE_ONE = "ReLU slope 1 where the unit is off"
TOLERANCE_IGNORED = "tolerance ignored"
BIASES_AS_WEIGHTS = "biases counted as weights"
LAYER_LEFT_OUT = "last layer left out"
INPUT_BIASES = "biases for the inputs too"
RANK_BOUND = "the bound for the rank"
FIRST_LAYER_ONLY = "rank of the first layer only"
WRONG_ORDER = "layers multiplied in the wrong order"
EARLIER_PART = "an earlier part is wrong"
CATALOGUE = (SIGN_FLIPPED, UPSTREAM_FORGOTTEN, LOCAL_ONLY, SIGMOID_FOR_DERIVATIVE, TRANSPOSED,
             FACTOR_TWO_DROPPED, WRONG_AXIS, UPDATE_ADDS, PHI_FOR_DERIVATIVE, INPUTS_SWAPPED)


class Mistake(AssertionError):
    """A failed check that recognised the mistake: ``.mistake`` is its catalogue name."""

    def __init__(self, message, mistake):
        super().__init__(message)
        self.mistake = mistake

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


def close(label, got, expected, *, at="", shape_of=None, rtol=RTOL, atol=ATOL, mistakes=None, earlier=()):
    """Check a number or an array against ``expected``.

    ``at`` describes the inputs ("at x=1, y=2"); ``shape_of`` names what the
    answer must have the shape of, for gradients ("W1"). ``mistakes`` is
    ``{name: (its value at these inputs, a sentence saying what to change)}``;
    ``earlier`` the earlier parts found wrong at these inputs ("q1a_forward").
    """
    try:
        _close(label, got, expected, at=at, shape_of=shape_of, rtol=rtol, atol=atol)
    except AssertionError as failure:
        raise explained(failure, got, mistakes, earlier, rtol=rtol, atol=atol) from None


def explained(failure, got, mistakes=None, earlier=(), *, rtol=RTOL, atol=ATOL):
    """``failure`` as a ``Mistake`` when ``got`` matches a catalogued mistake or an earlier part is wrong."""
    message = str(failure)
    for name, (value, sentence) in (mistakes or {}).items():
        # a mistake that gives 0 here says nothing: 0 is also a constant, an unfinished answer, a unit off
        if not _all_zero(value, atol) and matches(got, value, rtol=rtol, atol=atol):
            found, message = name, f"{sentence} ({message})"
            break
    else:
        found = EARLIER_PART if earlier else None
    if earlier:
        parts, one = " and ".join(earlier), len(earlier) == 1
        message = (f"{parts} {'is' if one else 'are'} wrong at these inputs and this part builds on "
                   f"{'it' if one else 'them'}: fix {'it' if one else 'them'} first. {message}")
    return Mistake(message, found) if found else failure


def matches(got, value, *, rtol=RTOL, atol=ATOL):
    """True when ``got`` is ``value`` (a number, an array, or a tuple of them) to within the tolerances."""
    if isinstance(value, tuple):
        return (isinstance(got, (tuple, list)) and len(got) == len(value)
                and all(matches(g, v, rtol=rtol, atol=atol) for g, v in zip(got, value)))
    try:
        array, target = np.asarray(got, dtype=float), np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        return False
    if target.ndim == 0 and array.size == 1:
        array = array.reshape(())
    return (array.shape == target.shape and bool(np.all(np.isfinite(array)))
            and bool(np.all(np.isclose(array, target, rtol=rtol, atol=atol))))


def _all_zero(value, atol):
    try:
        return not np.any(np.abs(np.asarray(value, dtype=float)) > atol)
    except (TypeError, ValueError):
        return False


def right(function, *args, expected, rtol=RTOL, atol=ATOL, **kwargs):
    """True when ``function(*args, **kwargs)`` returns ``expected``; never raises (for ``earlier``)."""
    try:
        return matches(function(*args, **kwargs), expected, rtol=rtol, atol=atol)
    except Exception:  # noqa: BLE001 - a crash is "not right"; its own check reports it
        return False


def wrong_parts(parts, *, rtol=RTOL, atol=ATOL):
    """The labels of ``{label: (function, args, expected)}`` whose function does not return expected."""
    return [label for label, (function, args, expected) in parts.items()
            if not right(function, *args, expected=expected, rtol=rtol, atol=atol)]


def _close(label, got, expected, *, at, shape_of, rtol, atol):
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


def flag(label, got, expected, *, at="", mistake=None):
    """Check a True/False answer (a Python or numpy bool) against ``expected``.

    ``mistake`` is ``(name, sentence)``: what a wrong answer here means, when the test knows.
    """
    where = f" {at}" if at else ""
    _reject_placeholder(label, got)
    if not isinstance(got, (bool, np.bool_)):
        raise AssertionError(f"{label} should be True or False; got {type(got).__name__} {_short(got)}.")
    if bool(got) != bool(expected):
        message = f"{label}{where}: expected {bool(expected)}, got {bool(got)}"
        if mistake:
            raise Mistake(f"{mistake[1]} ({message})", mistake[0])
        raise AssertionError(message)


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


otter_messages.install()  # grader.check shows these sentences without Otter's test source (if it can)
