"""Plain data across the sandbox's pipe: strict JSON, capped, no objects.

Both sides use this one file (the grading side imports it; a copy sits beside the
student runner in the sandbox).  What crosses is numbers, strings, booleans,
None, ``...``, lists, tuples, dicts, sets and numpy arrays and scalars, as data.
Anything else the student returns becomes an ``Opaque`` stand-in that only says
its type, so a lying object can only lie to itself: no method of a student's
object ever runs on the grading side.  Functions the grading side passes in (a
test's ``phi``, say) cross as ``{"$fn": id}`` and are called back over the pipe.

Limits keep one answer from exhausting the grader: ``MAX_LINE`` bytes a message,
``MAX_DEPTH`` nesting, ``MAX_ITEMS`` values, ``MAX_TEXT`` characters a string.
Stdlib and numpy only.
"""

import json
import math

import numpy as np

MAX_LINE = 4 * 2**20
MAX_DEPTH = 24
MAX_ITEMS = 200_000
MAX_TEXT = 4000
_SCALARS = {"b": np.bool_, "i": np.int64, "u": np.uint64, "f": np.float64}
# The kit's own objects that answers return, sent as their constructor's arguments and built
# anew by the grading side's own constructor (``decode(kinds=...)``).
KIT_TYPES = {"MaxClassifier": ("sign", "first", "second", "offset")}


class WireError(ValueError):
    """A message that is not plain data within the limits; says what was wrong."""


class Opaque:
    """What an object of a type that cannot cross became: its type's name, nothing else."""

    def __repr__(self):
        return f"<{type(self).__name__} object>"


def opaque(type_name):
    """An ``Opaque`` instance whose type is named like the student's (a safe identifier)."""
    name = "".join(c for c in str(type_name) if c.isalnum() or c == "_")[:60] or "Object"
    if name[0].isdigit():
        name = "_" + name
    return type(name, (Opaque,), {})()


# ---------------------------------------------------------------------------- encoding

def encode(value, functions=None):
    """``value`` as a JSON-ready structure.  ``functions`` (a list) collects callables, when allowed."""
    budget = [MAX_ITEMS]
    return _encode(value, 0, budget, functions)


def _encode(value, depth, budget, functions):
    budget[0] -= 1
    if budget[0] < 0:
        raise WireError(f"the value holds more than {MAX_ITEMS} items")
    if depth > MAX_DEPTH:
        raise WireError(f"the value is nested more than {MAX_DEPTH} levels deep")
    if value is None or type(value) is bool:
        return value
    if type(value) is str:
        return value[:MAX_TEXT * 4]
    if value is Ellipsis:
        return {"$": "ellipsis"}
    if type(value) is int:
        return value if abs(value) < 2**63 else {"$": "float", "v": _float(value)}
    if type(value) is float:
        return _float_json(value)
    if isinstance(value, np.ndarray):
        if value.dtype.kind not in "biuf":
            return {"$": "opaque", "type": f"ndarray of {value.dtype}"}
        if value.size > budget[0]:
            raise WireError(f"the array has {value.size} entries, more than {MAX_ITEMS}")
        budget[0] -= value.size
        flat = [_float_json(float(v)) if value.dtype.kind == "f" else v
                for v in value.ravel().tolist()]
        return {"$": "array", "kind": value.dtype.kind, "shape": list(value.shape), "data": flat}
    if isinstance(value, np.generic):
        kind = value.dtype.kind
        if kind in _SCALARS:
            item = value.item()
            return {"$": "scalar", "kind": kind, "v": _float_json(float(item)) if kind == "f" else item}
        return {"$": "opaque", "type": type(value).__name__}
    if isinstance(value, (bool, int, float, str)):  # subclasses: their plain value only
        base = next(t for t in (bool, int, float, str) if isinstance(value, t))
        return _encode(base(value), depth, budget, functions)
    if type(value) in (list, tuple, set, frozenset):
        items = [_encode(v, depth + 1, budget, functions) for v in value]
        if type(value) is list:
            return items
        return {"$": "tuple" if type(value) is tuple else "set", "v": items}
    if type(value) is dict:
        return {"$": "dict", "v": [[_encode(k, depth + 1, budget, functions), _encode(v, depth + 1, budget, functions)]
                                   for k, v in value.items()]}
    kind = type(value).__name__
    if kind in KIT_TYPES and type(value).__module__.startswith("backprop_kit"):
        return {"$": "kit", "type": kind,
                "v": [_encode(getattr(value, a, None), depth + 1, budget, None) for a in KIT_TYPES[kind]]}
    if callable(value) and functions is not None:
        functions.append(value)
        return {"$": "fn", "id": len(functions) - 1}
    return {"$": "opaque", "type": type(value).__name__}


def _float(value):
    try:
        return float(value)
    except OverflowError:
        return math.inf if value > 0 else -math.inf


def _float_json(value):
    if math.isfinite(value):
        return value
    return {"$": "float", "v": "nan" if math.isnan(value) else ("inf" if value > 0 else "-inf")}


def dumps(message):
    """One message (already encoded) as one line of bytes."""
    line = json.dumps(message, allow_nan=False, separators=(",", ":")).encode() + b"\n"
    if len(line) > MAX_LINE:
        raise WireError(f"the value is {len(line) / 2**20:.1f} MB as data, more than {MAX_LINE // 2**20} MB")
    return line


# ---------------------------------------------------------------------------- decoding

def loads(line):
    """Parse one line strictly: JSON only (no NaN tokens), within the size limit."""
    if len(line) > MAX_LINE:
        raise WireError(f"a message of {len(line) / 2**20:.1f} MB, more than {MAX_LINE // 2**20} MB")
    try:
        return json.loads(line, parse_constant=_no_constants)
    except RecursionError:
        raise WireError("a message nested too deeply") from None
    except (ValueError, UnicodeDecodeError) as error:
        raise WireError(f"a message that is not JSON ({str(error)[:80]})") from None


def _no_constants(token):
    raise WireError(f"a bare {token} in a message")


def decode(data, function=None, kinds=None):
    """The value ``encode`` described.

    ``function(id)`` makes a callable for ``{"$": "fn"}``; ``kinds`` maps a ``KIT_TYPES``
    name to the constructor that rebuilds it (else it stays ``Opaque``).
    """
    budget = [MAX_ITEMS]
    return _decode(data, 0, budget, function, kinds or {})


def _decode(data, depth, budget, function, kinds):
    budget[0] -= 1
    if budget[0] < 0 or depth > MAX_DEPTH + 1:
        raise WireError("the value is larger or deeper than the grader accepts")
    if data is None or type(data) in (bool, int, float):
        if type(data) is int and abs(data) >= 2**63:
            raise WireError("an integer too large")
        return data
    if type(data) is str:
        if len(data) > MAX_TEXT * 4:
            raise WireError("a string too long")
        return data
    if type(data) is list:
        return [_decode(v, depth + 1, budget, function, kinds) for v in data]
    if type(data) is not dict or type(data.get("$")) is not str:
        raise WireError("a value of an unknown form")
    tag = data["$"]
    if tag == "ellipsis":
        return Ellipsis
    if tag == "float":
        return _special_float(data.get("v"))
    if tag in ("tuple", "set"):
        items = _list(data.get("v"))
        values = [_decode(v, depth + 1, budget, function, kinds) for v in items]
        if tag == "tuple":
            return tuple(values)
        try:
            return set(values)
        except TypeError:
            raise WireError("a set of unhashable values") from None
    if tag == "dict":
        result = {}
        for pair in _list(data.get("v")):
            if type(pair) is not list or len(pair) != 2:
                raise WireError("a dict entry that is not a pair")
            key = _decode(pair[0], depth + 1, budget, function, kinds)
            try:
                result[key] = _decode(pair[1], depth + 1, budget, function, kinds)
            except TypeError:
                raise WireError("a dict key that cannot be a key") from None
        return result
    if tag == "array":
        return _array(data, budget)
    if tag == "scalar":
        kind, value = data.get("kind"), data.get("v")
        if kind not in _SCALARS:
            raise WireError("a numpy scalar of an unknown kind")
        value = _number(value) if kind == "f" else value
        if kind in "iu" and type(value) is not int or kind == "b" and type(value) is not bool:
            raise WireError("a numpy scalar whose value does not match its kind")
        return _SCALARS[kind](value)
    if tag == "opaque":
        return opaque(data.get("type", "Object"))
    if tag == "kit" and data.get("type") in KIT_TYPES:
        args = [_decode(v, depth + 1, budget, None, {}) for v in _list(data.get("v"))]
        if data["type"] not in kinds or not all(type(a) is str for a in args):
            return opaque(data["type"])
        try:
            return kinds[data["type"]](*args)
        except Exception:  # noqa: BLE001 - arguments the real constructor refuses
            return opaque(data["type"])
    if tag == "fn" and function is not None and type(data.get("id")) is int:
        return function(data["id"])
    raise WireError(f"a value of unknown kind {tag[:20]!r}")


def _list(value):
    if type(value) is not list:
        raise WireError("a malformed list")
    return value


def _number(value):
    if type(value) in (int, float):
        return float(value)
    if type(value) is dict:
        return _special_float(value.get("v"))
    raise WireError("a number that is not a number")


def _special_float(text):
    values = {"nan": math.nan, "inf": math.inf, "-inf": -math.inf}
    if text not in values:
        if type(text) in (int, float):
            return float(text)
        raise WireError("a malformed float")
    return values[text]


def _array(data, budget):
    kind, shape, flat = data.get("kind"), data.get("shape"), _list(data.get("data"))
    if kind not in _SCALARS or type(shape) is not list or not all(type(n) is int and n >= 0 for n in shape):
        raise WireError("a malformed array")
    if len(shape) > 32 or math.prod(shape) != len(flat):
        raise WireError("an array whose data does not fill its shape")
    budget[0] -= len(flat)
    if budget[0] < 0:
        raise WireError("an array larger than the grader accepts")
    if kind == "f":
        values = [_number(v) for v in flat]
    elif kind == "b":
        if not all(type(v) is bool for v in flat):
            raise WireError("a boolean array holding other values")
        values = flat
    else:
        if not all(type(v) is int and abs(v) < 2**63 for v in flat):
            raise WireError("an integer array holding other values")
        values = flat
    return np.array(values, dtype=_SCALARS[kind]).reshape(shape)
