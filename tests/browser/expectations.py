"""What each notebook's live demo must show in a real browser: one entry per notebook in solutions/.

READOUT_AT_DEFAULTS  the live demo's readout (live.Readout: name -> value) at the default slider
                     settings, i.e. the worksheet's numbers.  Numbers are compared to the 4
                     significant digits the readout shows; anything else (e.g. "?") as text.
TYPED                optional: (slider label, value typed into its readout box, part of the readout
                     it must then show), checked in order after the arrow-key moves.
READOUT_UNCHANGED_BY optional: sliders that legitimately leave every readout number as it is (a
                     display option, say); every other slider must change at least one number.
"""

READOUT_AT_DEFAULTS = {
    "01_staged_computation": {"q": 3, "f": -12, "df/dq": -4, "df/dx": -4, "df/dy": -4, "df/dz": 3},
}

TYPED = {
    # z = 0: every gradient that passes through the x node vanishes; df/dz = q does not.
    "01_staged_computation": [("z", "0", {"f": 0, "df/dq": 0, "df/dx": 0, "df/dy": 0, "df/dz": 3})],
}

READOUT_UNCHANGED_BY = {}


def expected_readout(name):
    """The entry for ``name``, or an AssertionError saying where to add one."""
    if name not in READOUT_AT_DEFAULTS:
        raise AssertionError(
            f"no browser expectations for notebook {name}: add its readout at the default slider "
            f"settings (the worksheet's numbers) to READOUT_AT_DEFAULTS in tests/browser/expectations.py")
    return READOUT_AT_DEFAULTS[name]


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
