"""Notebook 3's measurement moved out of the student's package: how many different hidden units a
trained network has.  ``distinct_units(W, tol) == 1`` is the symmetry check (a) asks for, so it may
not ship; the kit's own tests use it to say what training did (tests/test_model_intuition_demo.py)."""

import numpy as np


def distinct_units(units, tol=1e-9):
    """How many different rows ``units`` has (rows closer than ``tol`` count as one)."""
    kept = []
    for row in np.asarray(units, dtype=float):
        if not any(np.max(np.abs(row - other)) <= tol for other in kept):
            kept.append(row)
    return len(kept)
