"""Compact text for the numbers written on a drawing.

A scalar prints with four significant digits, a short vector in full, and a
larger array as its shape and norm, so a 3x4 matrix fits on a wire.  A value and the
reference a check compared it with are written by ``format_pair``: one number, one
rounding, so two values a check calls equal never read differently (-0.95 beside -0.94).
"""

import numbers

import numpy as np

MISSING = "?"


def is_missing(value):
    """True for the placeholders a student has not filled in yet (``...`` or None)."""
    return value is None or value is Ellipsis


def format_number(x, digits=4):
    """Format one real number with ``digits`` significant digits; -0 prints as 0."""
    x = float(x)
    if not np.isfinite(x):
        return str(x)
    text = f"{x:.{digits}g}".replace("e-0", "e-").replace("e+0", "e+")  # 9.317e-6: a digit shorter on a wire
    return "0" if text in ("-0", "0") else text


def format_value(value, digits=4):
    """Text for a scalar, a vector or a matrix, short enough for a wire label."""
    if is_missing(value):
        return MISSING
    if isinstance(value, numbers.Real):
        return format_number(value, digits)
    try:
        array = np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        return MISSING
    if array.ndim == 0:
        return format_number(array, digits)
    if array.size <= 3:  # a digit fewer each than a number alone: three of them share a wire
        return "[" + ", ".join(format_number(v, digits - 1) for v in array.ravel()) + "]"
    shape = "\u00d7".join(str(n) for n in array.shape)
    return f"{shape}, \u2016\u00b7\u2016={format_number(np.linalg.norm(array), digits - 1)}"


def format_pair(yours, reference, equal, digits=4):
    """Texts for a value and the reference a check compared it with (``equal``: the check's verdict).

    Called equal, both are written from ``yours`` alone, so they read the same: two nearly equal
    floats on either side of a rounding boundary (-0.9450000001 and -0.9449999999) would otherwise
    round apart.  Called different, they get more digits (up to 12) until they read differently.
    """
    if equal:
        text = format_value(yours, digits)
        return text, text
    texts = format_value(yours, digits), format_value(reference, digits)
    more = digits
    while texts[0] == texts[1] and texts[0] != MISSING and more < 12:
        more += 1
        texts = format_value(yours, more), format_value(reference, more)
    return texts


def value_texts(value):
    """Texts for ``value`` from more digits to fewer (a wire label shows the first that fits); a
    vector last with one digit an entry: on a projector's type three numbers fill a short wire."""
    texts = [format_value(value), format_value(value, digits=3)]
    if not is_missing(value) and 1 <= np.ndim(value) and np.size(value) <= 3:
        texts.append(format_value(value, digits=2))
    return tuple(dict.fromkeys(texts))  # without repeats, in order


def is_zero(value):
    """True when every entry is exactly zero (a path that carries no gradient)."""
    if is_missing(value):
        return False
    try:
        return bool(np.all(np.asarray(value, dtype=float) == 0.0))
    except (TypeError, ValueError):
        return False


def round_up_nicely(x):
    """The smallest of 1, 1.5, 2, 3, 4, 5, 6, 8 times a power of ten that is at least ``x`` (> 0): an
    axis limit that stays put while a value moves below it."""
    power = 10.0 ** np.floor(np.log10(x))
    return float(next(step * power for step in (1, 1.5, 2, 3, 4, 5, 6, 8, 10) if step * power >= x * (1 - 1e-12)))
