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

A mistake is named only when it tells the answer apart: one whose value here is the right
answer is dropped; one whose value here is 0 (what a constant or unfinished answer also
gives) is named only when a third element, ``confirm() -> (answer, its value)`` at inputs
where it is not 0, agrees; and when two give this value, the failure names both.

**What students see.** A public test runs in the student's notebook, so its whole source is
theirs to read: it names mistakes with ``hints(label, {name: value})``, whose sentences
(``HINTS``) say what the mistake is and the rule to apply, never this problem's formula. The
problem-specific sentences live in the hidden tests, on the grading side only.

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
# names for notebook 2's parts (a), (b), (d), (f), notebook 3's symmetry, notebook 4, notebook 5's step
PRODUCT_OF_PATHS = "paths multiplied, not added"
ONE_PATH_ONLY = "one path only"
INNER_FORGOTTEN = "inner derivative forgotten"
MISSING_WIRE = "a wire left out"
EXTRA_WIRE = "a wire that is not in the graph"
STEP_USES_NEW = "the step uses the new W"
WEIGHT_NOT_UPDATED = "a weight left unchanged"
COLUMNS_COMPARED = "columns compared, not rows"
FIRST_PAIR_ONLY = "only the first two rows compared"
ONE_ENTRY_COMPARED = "every entry compared with W[0, 0]"
MIN_FOR_MAX = "min taken for max"
NO_RELU = "ReLU left out"
SIGMOID_LEFT_OUT = "sigmoid left out"
CLASSES_SWAPPED = "the two classes swapped"
# names for the forward passes (notebooks 1, 4 and 5)
SUM_FOR_PRODUCT = "a sum taken for a product"
PARENTHESES_LEFT_OUT = "parentheses left out"
INPUT_LEFT_OUT = "an input left out"
BIAS_FORGOTTEN = "bias forgotten"
WEIGHTS_MIXED_UP = "a weight used for the wrong input"
CATALOGUE = (SIGN_FLIPPED, UPSTREAM_FORGOTTEN, LOCAL_ONLY, SIGMOID_FOR_DERIVATIVE, TRANSPOSED,
             FACTOR_TWO_DROPPED, WRONG_AXIS, UPDATE_ADDS, PHI_FOR_DERIVATIVE, INPUTS_SWAPPED)


# What a public test may show a student: the mistake and the rule to apply, never this problem's
# formula (the student can read every public test). ``{q}`` is the quantity's label.
HINTS = {
    SIGN_FLIPPED: "{q} has the wrong sign: check the sign of each factor the chain rule multiplies",
    UPSTREAM_FORGOTTEN: "{q} leaves out a factor: multiply every local derivative on the way back from the output",
    LOCAL_ONLY: "{q} is a local derivative alone: multiply it by the upstream gradient that reaches its node",
    SIGMOID_FOR_DERIVATIVE: "{q} uses a sigmoid's value where its derivative belongs: "
                            "sigma'(z) = sigma(z) (1 - sigma(z))",
    TRANSPOSED: "{q} is transposed: entry [i, j] of a gradient belongs to entry [i, j] of what it differentiates",
    FACTOR_TWO_DROPPED: "{q} is half the gradient: the derivative of a square keeps its factor 2",
    WRONG_AXIS: "{q} sums over the wrong axis: sum over the index the gradient does not keep",
    UPDATE_ADDS: "{q} adds the gradient: a descent step moves against the gradient",
    PHI_FOR_DERIVATIVE: "{q} multiplies by the activation Phi where its derivative Phi' belongs",
    INPUTS_SWAPPED: "{q} takes one input where the other belongs: check which input each factor or term uses",
    FORWARD_FOR_GRADIENT: "{q} multiplies by a forward value where the upstream gradient belongs",
    OUTPUTS_SWAPPED: "{q} is the other output's value: return the values in the order asked for",
    SLOPE_OF_INPUT: "{q} applies the sigmoid's slope formula to the node's input: it takes the node's output",
    HALF_DROPPED: "{q} drops the 1/2 in the loss's definition",
    RELU_SLOPE_ONE: "{q} takes a ReLU's slope as 1 where its unit is off: there the slope is 0",
    TOLERANCE_IGNORED: "{q} ignores tol: entries that differ by at most tol count as equal",
    BIASES_AS_WEIGHTS: "{q} counts the biases too: count the weights only",
    LAYER_LEFT_OUT: "{q} leaves a layer out: count every layer's weights",
    INPUT_BIASES: "{q} gives the inputs biases too: only the units of layers 1 to L have one",
    RANK_BOUND: "{q} is a bound on the rank, not the rank: work out the rank itself",
    FIRST_LAYER_ONLY: "{q} is the rank of the first layer alone: take the rank of the whole collapsed map",
    WRONG_ORDER: "{q} multiplies the layers in the wrong order: each layer acts after the ones before it",
    PRODUCT_OF_PATHS: "{q} multiplies the paths' terms: the total derivative adds one term per path",
    ONE_PATH_ONLY: "{q} follows one path only: add a term for every path from w to f",
    INNER_FORGOTTEN: "{q} leaves out the inner derivative: the chain rule multiplies the outer by the inner one",
    MISSING_WIRE: "{q} leaves out a wire: every input of every node needs one",
    EXTRA_WIRE: "{q} has a wire that is not in the graph: wire each node only to the nodes it feeds",
    STEP_USES_NEW: "{q} uses a weight already stepped: take every gradient at the old weights, then step them all",
    WEIGHT_NOT_UPDATED: "{q} is left where it was: step every weight, not only the first",
    COLUMNS_COMPARED: "{q} compares columns: a hidden unit is a row of W",
    FIRST_PAIR_ONLY: "{q} compares only the first two rows: every row must match the first",
    ONE_ENTRY_COMPARED: "{q} compares every entry with one number: units are the same when their whole rows match",
    MIN_FOR_MAX: "{q} takes the smaller of the two inputs: a max node passes on the larger",
    NO_RELU: "{q} leaves out a ReLU: a ReLU's output is its input where that is positive and 0 elsewhere",
    SIGMOID_LEFT_OUT: "{q} leaves out the sigmoid: a sigmoid node's output is sigma of its input, between 0 and 1",
    CLASSES_SWAPPED: "{q} swaps the two classes: it puts the x points at f < 0 and the o points at f >= 0",
    SUM_FOR_PRODUCT: "{q} adds where its node multiplies: check which operation each node applies",
    PARENTHESES_LEFT_OUT: "{q} multiplies before the sum it should multiply is done: compute each node "
                          "from the values of the nodes that feed it",
    INPUT_LEFT_OUT: "{q} leaves out one of its node's inputs: combine every wire that feeds the node",
    BIAS_FORGOTTEN: "{q} leaves out the bias: a unit adds its bias to the weighted sum of its inputs",
    WEIGHTS_MIXED_UP: "{q} multiplies an input by another wire's weight: each weight goes with the wire it labels",
}


def hints(label, values, confirm=None):
    """``{name: (value, HINTS[name] for label[, confirm])}``: a public test's catalogue, with no formula in it.

    ``values`` is ``{name: what the mistake gives here}``; ``confirm`` an optional
    ``{name: confirm}`` for mistakes whose value here is 0 (see ``close``).
    """
    confirm = confirm or {}
    return {name: (value, hint(label, name), *([confirm[name]] if name in confirm else []))
            for name, value in values.items()}


def hint(label, name):
    """The public sentence for mistake ``name`` of quantity ``label``."""
    return HINTS[name].format(q=label)


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
    ``{name: (its value at these inputs, a sentence saying what to change[, confirm])}``;
    ``earlier`` the earlier parts found wrong at these inputs ("q1a_forward").
    """
    try:
        _close(label, got, expected, at=at, shape_of=shape_of, rtol=rtol, atol=atol)
    except AssertionError as failure:
        # a mistake that gives the right answer here cannot be told apart from it
        telling = {name: entry for name, entry in (mistakes or {}).items()
                   if not matches(expected, entry[0], rtol=rtol, atol=atol)}
        raise explained(failure, got, telling, earlier, rtol=rtol, atol=atol) from None


def explained(failure, got, mistakes=None, earlier=(), *, rtol=RTOL, atol=ATOL):
    """``failure`` as a ``Mistake`` when ``got`` matches catalogued mistakes or an earlier part is wrong.

    Every mistake that matches is named: two that give the same value here are named together.
    """
    message = str(failure)
    found = [(name, entry[1]) for name, entry in (mistakes or {}).items() if _made(got, entry, rtol, atol)]
    if len(found) == 1:
        name, message = found[0][0], f"{found[0][1]} ({message})"
    elif found:
        name = " or ".join(n for n, _ in found)
        message = ("this answer is what more than one known mistake gives here: "
                   + "; or ".join(sentence for _, sentence in found) + f" ({message})")
    else:
        name = EARLIER_PART if earlier else None
    if earlier:
        parts, one = " and ".join(earlier), len(earlier) == 1
        message = (f"{parts} {'is' if one else 'are'} wrong at these inputs and this part builds on "
                   f"{'it' if one else 'them'}: fix {'it' if one else 'them'} first. {message}")
    return Mistake(message, name) if name else failure


def _made(got, entry, rtol, atol):
    """True when ``got`` is what the catalogue entry ``(value, sentence[, confirm])`` gives."""
    value, confirm = entry[0], (entry[2] if len(entry) > 2 else None)
    if not matches(got, value, rtol=rtol, atol=atol):
        return False
    if not _all_zero(value, atol):
        return True
    # 0 is also what a constant, an unfinished answer or a unit that is off gives: only a match
    # where the mistake is not 0 says it is this mistake
    if confirm is None:
        return False
    try:
        elsewhere, its_value = confirm()
    except Exception:  # noqa: BLE001 - a crash elsewhere confirms nothing; its own check reports it
        return False
    return not _all_zero(its_value, atol) and matches(elsewhere, its_value, rtol=rtol, atol=atol)


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


def fingerprint(function, probes, mistakes):
    """``(name, sentence)`` of the mistake whose True/False answers ``function`` gives at every probe, or None.

    One True/False says too little to name a mistake; a row of them at probes chosen so that each
    catalogued mistake answers differently does. ``probes`` is a list of argument tuples (arrays
    are copied); ``mistakes`` is ``{name: (its answers at the probes, sentence)}``. Two mistakes
    with the same answers are named together; a crash or a non-bool answer names none.
    """
    answers = []
    for args in probes:
        try:
            got = function(*[np.array(a) if isinstance(a, np.ndarray) else a for a in args])
        except Exception:  # noqa: BLE001 - a crash names no mistake; the checks report it
            return None
        if not isinstance(got, (bool, np.bool_)):
            return None
        answers.append(bool(got))
    found = [(name, sentence) for name, (theirs, sentence) in mistakes.items() if [bool(t) for t in theirs] == answers]
    if len(found) > 1:
        return (" or ".join(name for name, _ in found),
                "this answer is what more than one known mistake gives: " + "; or ".join(s for _, s in found))
    return found[0] if found else None


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
