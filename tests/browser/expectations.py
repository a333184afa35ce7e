"""What each notebook's live demo must show in a real browser: one entry per notebook in solutions/.

READOUT_AT_DEFAULTS  the live demo's readout (live.Readout: name -> value) at the default slider
                     settings, i.e. the worksheet's numbers; for a notebook with several live
                     demos, a list with one such dict per demo, in page order.  Numbers are compared to the 4
                     significant digits the readout shows; anything else (e.g. "?") as text.
TYPED                optional: (slider label, value typed into its readout box, part of the readout
                     it must then show), checked in order after the arrow-key moves.
READOUT_UNCHANGED_BY optional: sliders that legitimately leave every readout number as it is (a
                     display option, say); every other slider must change at least one number.
"""

READOUT_AT_DEFAULTS = {
    "01_staged_computation": {"q": 3, "f": -12, "df/dq": -4, "df/dx": -4, "df/dy": -4, "df/dz": 3},
    "02_backprop_practice": [
        # (a) the chain-rule demo at w = 0.6 with n = 3
        {"w": 0.6, "n": 3, "f(g(w))": 1.143, "df/dw": 0.3047},
        # (c)-(d) the sigmoid units: gradients match finite differences; descent lowers f
        {"f": 0.1884, "f after steps": 0.001366, "df/dW": "matches", "df/db": "matches"},
        # (e)-(f) the two-layer loss with Phi = identity
        {"Phi": "identity", "loss": 14.43, "loss after steps": 0.006786, "dl/dx": "matches",
         "dl/dW1": "matches", "dl/dW2": "matches", "dl/db": "matches"},
    ],
    "03_model_intuition": [
        # (a) constant initialisation c = 0.5, learning rate 1, 300 steps, tanh: the units stay one
        {"initialisation": "constant 0.5", "final loss": 0.5117, "distinct hidden units": "1 of 4",
         "|dL/dW1| at step 1": 0.09545, "symmetric (your check)": "yes"},
        # (b) the worksheet's architecture: 210 weights, 233 with biases (as the student's functions count)
        {"d": "[8, 10, 10, 3]", "count_weights(d)": 210, "count_parameters(d)": 233},
        # (c) network B adds 10 linear units: its map collapses to rank 10
        {"added linear units": 10, "A weights": 1640, "B weights": 840, "rank of A's map": 40,
         "rank of B's map (yours)": 10},
    ],
    "04_deep_learning": [
        # (a) the rebuilt seven-operation network at x = 1
        {"(i)": 3, "(ii)": -2, "(iii)": 3, "(iv)": 0, "(v)": 1, "(vi)": 0, "(vii)": 0.5},
        # (b) the worksheet's network, exact values (the worksheet rounds s1 to 0.9: 0.18, 0.09, -0.09)
        {"r1": 2, "r2": 0, "s1": 0.8808, "s2": 0.5, "y": 1.381, "dy/da": 0.21, "dy/db": 0,
         "dy/dc": 0.105, "dy/dd": 0, "dy/de": -0.105, "dy/df": 0},
    ],
    "05_neural_nets": {
        # squared error from a confidently wrong start (w1=3, w2=-5, alpha=2, 50 steps)
        "a2": 0.008469, "Loss": 0.4916, "dLoss/dz2": -0.008326, "dLoss/dw1": 0.001881,
        "dLoss/dw2": -0.007931, "w1 after descent": 2.66, "w2 after descent": -3.57,
        "Loss after descent": 0.4663,
    },
}

TYPED = {
    # z = 0: every gradient that passes through the x node vanishes; df/dz = q does not.
    "01_staged_computation": [("z", "0", {"f": 0, "df/dq": 0, "df/dx": 0, "df/dy": 0, "df/dz": 3})],
}

READOUT_UNCHANGED_BY = {
    # at the worksheet's inputs r2 = max(d x1 + f x2, 0) = max(1 - 2, 0) = 0: a step of b, d or f
    # leaves the ReLU inactive, s2 = 0.5 and every gradient through it 0 (the figure still redraws)
    "04_deep_learning": ("b", "d", "f"),
}


def expected_readouts(name, demos):
    """One expected readout per live demo of ``name``, or an AssertionError saying what to add."""
    if name not in READOUT_AT_DEFAULTS:
        raise AssertionError(
            f"no browser expectations for notebook {name}: add its readout at the default slider "
            f"settings (the worksheet's numbers) to READOUT_AT_DEFAULTS in tests/browser/expectations.py")
    entry = READOUT_AT_DEFAULTS[name]
    readouts = entry if isinstance(entry, list) else [entry]
    if len(readouts) != demos:
        raise AssertionError(f"{name} shows {demos} live demo(s) but READOUT_AT_DEFAULTS lists {len(readouts)}")
    return readouts


def matches(shown, expected):
    """True when the readout text ``shown`` is the value ``expected`` (to the digits shown)."""
    if isinstance(expected, (int, float)):
        try:
            value = float(shown)
        except ValueError:
            return False
        return abs(value - expected) <= 5e-4 * max(1.0, abs(expected))
    return shown == str(expected)


def mismatches(shown, expected):
    """{name: (expected, shown)} for every expected entry the readout does not show."""
    return {name: (want, shown.get(name, "(missing)")) for name, want in expected.items()
            if not matches(shown.get(name, ""), want)}
