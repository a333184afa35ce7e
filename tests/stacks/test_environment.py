"""requirements.txt and environment.yml describe one environment."""

import re

from grader.build import ROOT


def _pins(lines):
    return {m.group(1).lower(): m.group(2) for line in lines
            if (m := re.match(r"^\s*(?:-\s+)?([A-Za-z0-9_.\-]+)==([^\s#]+)", line))}


def test_requirements_and_environment_pin_the_same_versions():
    requirements = _pins((ROOT / "requirements.txt").read_text().splitlines())
    environment = _pins((ROOT / "environment.yml").read_text().splitlines())
    assert requirements, "requirements.txt pins nothing"
    assert requirements == environment


def test_environment_uses_the_tested_python():
    assert re.search(r"^\s*-\s*python=3\.11\s*$", (ROOT / "environment.yml").read_text(), re.MULTILINE)


def test_design_card_packages_are_pinned():
    pins = _pins((ROOT / "requirements.txt").read_text().splitlines())
    for package in ("otter-grader", "jupyterlab", "notebook", "ipywidgets", "ipympl", "matplotlib",
                    "numpy", "pytest"):
        assert package in pins, f"{package} is not pinned in requirements.txt"
    assert pins["otter-grader"].startswith("7.")
