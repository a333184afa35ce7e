"""Every graded quantity names its mistakes (issue 25, point 3): each ``checks.close`` in a hidden test
of every built autograder carries a ``mistakes=`` catalogue, so a wrong answer the catalogue knows is
named in the problem's terms instead of only "expected 3, got 4"."""

import ast
import zipfile

import pytest

from grader.build import master_names, outputs_for


def _hidden(function):
    """True when ``function`` is decorated ``@test_case(..., hidden=True)``."""
    return any(isinstance(d, ast.Call) and any(k.arg == "hidden" and getattr(k.value, "value", None) is True
                                               for k in d.keywords)
               for d in function.decorator_list)


def uncatalogued_closes(autograder):
    """``["tests/q1a_forward.py test_forward_f_hidden", ...]``: hidden ``checks.close`` calls with no mistakes=."""
    found = []
    with zipfile.ZipFile(autograder) as archive:
        for member in sorted(archive.namelist()):
            if not (member.startswith("tests/") and member.endswith(".py")):
                continue
            for function in ast.parse(archive.read(member)).body:
                if not (isinstance(function, ast.FunctionDef) and _hidden(function)):
                    continue
                for call in ast.walk(function):
                    if (isinstance(call, ast.Call) and isinstance(call.func, ast.Attribute)
                            and call.func.attr == "close" and getattr(call.func.value, "id", None) == "checks"
                            and not any(k.arg == "mistakes" for k in call.keywords)):
                        found.append(f"{member} {function.name}")
    return found


@pytest.mark.parametrize("name", master_names())
def test_every_hidden_close_carries_a_catalogue_of_mistakes(name):
    autograder = outputs_for(name)["autograder"]
    assert uncatalogued_closes(autograder) == [], f"{autograder.name}: hidden checks.close with no mistakes="


def test_the_scan_finds_hidden_closes_at_all():
    # a scan that found no hidden test would pass above whatever the catalogues hold
    with zipfile.ZipFile(outputs_for("01_staged_computation")["autograder"]) as archive:
        source = archive.read("tests/q1a_forward.py").decode()
    assert "hidden=True" in source and "checks.close(" in source
