"""No answer ships to students: the student-side package holds no function that computes a graded
answer (issue 23, point 4). Reference implementations live in ``backprop_reference``, on the
grading side, which the student folder and the student notebooks never import."""

import ast
import importlib
import json
import pkgutil
import zipfile
from pathlib import Path

import pytest

import backprop_kit
import backprop_reference
from grader.build import MASTERS, master_names, outputs_for

ROOT = Path(__file__).resolve().parents[2]

# Each name once computed a graded answer (or one trivial step from it) in backprop_kit.
ANSWER_FUNCTIONS = {
    "f_definition": "notebook 1's f = (x + y) z (q1a)",
    "finite_differences": "notebook 1's df/dq .. df/dz (q1c)",
    "chain_reference": "notebook 2's path terms and total derivative (q2a)",
    "units_reference": "notebook 2's df/dW, df/db (q2c, q2d)",
    "units_stage_gradients": "notebook 2's df/dz, which is df/db (q2c)",
    "two_layer_reference": "notebook 2's dl/dx .. dl/db (q2e, q2f)",
    "two_layer_stage_gradients": "notebook 2's dl/dz, which is dl/db (q2e)",
    "distinct_units": "notebook 3's symmetry check, as distinct_units(W, tol) == 1 (q3a)",
    "matrix_entries": "notebook 3's weight and parameter counts (q3b)",
    "a_definition": "notebook 4's forward (a) (q4a)",
    "pre_activations": "notebook 4's ReLU inputs, r1 and r2 but for the max (q4b_forward)",
    "y_definition": "notebook 4's y (q4b_forward)",
    "b_finite_differences": "notebook 4's dy/da .. dy/df (q4b_backward)",
    "forward_definition": "notebook 5's forward pass (q5_1)",
    "loss_definition": "notebook 5's loss (q5_2)",
    "output_loss": "notebook 5's squared error of a2 (q5_2)",
    "_squared_output": "notebook 5's squared error of a2 (q5_2)",
    "true_link": "notebook 5's local derivatives (q5_4, q5_6)",
    "true_weight_gradients": "notebook 5's dLoss/dw1, dLoss/dw2 (q5_4d, q5_6d)",
    "output_gradient_curve": "notebook 5's dLoss/dz2, and with cross-entropy its dLoss/da2 (q5_4)",
}


def kit_modules():
    names = [info.name for info in pkgutil.walk_packages(backprop_kit.__path__, "backprop_kit.")]
    return [importlib.import_module(name) for name in ["backprop_kit", *names]]


def test_no_student_side_module_holds_an_answer_function():
    found = [f"{module.__name__}.{name}: {why}" for module in kit_modules()
             for name, why in ANSWER_FUNCTIONS.items() if hasattr(module, name)]
    assert not found, "answer functions the student can call:\n" + "\n".join(found)


def test_notebook_5s_links_carry_no_node_to_differentiate():
    from backprop_kit.demos import neural_nets

    # a link's node was its own definition: finite differences of it were the graded derivative
    assert not any(hasattr(link, "node") for link in neural_nets.LINKS)


def _imports(path):
    tree = ast.parse(path.read_text())
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from (alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0:
            yield node.module.split(".")[0]


def test_the_two_sides_import_only_what_they_may():
    kit = {name for path in Path(backprop_kit.__file__).parent.rglob("*.py") for name in _imports(path)}
    assert not kit & {"backprop_reference", "grader"}, "the student side imports the grading side"
    reference = {name for path in Path(backprop_reference.__file__).parent.rglob("*.py") for name in _imports(path)}
    assert reference <= {"numpy", "math", "backprop_kit", "backprop_reference"}, reference


@pytest.mark.parametrize("name", master_names())
def test_public_tests_run_without_the_grading_side(name):
    """Public tests run in the student's own notebook through grader.check, where only backprop_kit
    exists: their expected values are written out, never imported from backprop_reference."""
    master = json.loads((MASTERS / f"{name}.ipynb").read_text())
    public = ["".join(c["source"]) for c in master["cells"]
              if c["cell_type"] == "code" and "BEGIN TEST CONFIG" in "".join(c["source"])
              and "hidden: true" not in "".join(c["source"])]
    assert public
    assert not [t for t in public if "backprop_reference" in t]
    assert "backprop_reference" not in outputs_for(name)["student"].read_text()


def test_the_student_folder_holds_no_reference():
    assert not list((ROOT / "notebooks").rglob("backprop_reference"))


@pytest.mark.parametrize("name", master_names())
def test_an_autograder_ships_the_references_only_when_its_tests_import_them(name):
    with zipfile.ZipFile(outputs_for(name)["autograder"]) as autograder:
        names = autograder.namelist()
        tests = "".join(autograder.read(n).decode() for n in names if n.startswith("tests/"))
    ships = any(n.startswith("files/backprop_reference/") for n in names)
    assert ships == ("backprop_reference" in tests)


# -- the catalogue of mistakes stays on the grading side (issue 25, point 3) ------------------------------
# A public test runs in the student's notebook and travels in its metadata, so a student can read all of
# it: it names mistakes only with ``checks.hints`` (the mistake and the rule, no formula of the problem).
# The problem's own sentences ("df/dq is +z") sit in the hidden tests, in the autograder zip.

def _is_hidden(function):
    return any(isinstance(d, ast.Call) and any(k.arg == "hidden" and getattr(k.value, "value", False)
                                               for k in d.keywords) for d in function.decorator_list)


def _sentence(text):
    return len(text) >= 20 and len(text.split()) >= 3  # words, not a label such as "collapse_linear_layers"


def catalogue_strings(source, hidden):
    """The sentences (string literals of 20 characters and 3 words or more) a test file's hidden or public tests hand to a
    catalogue: in ``mistakes=``/``mistake=`` arguments, ``checks.Mistake(...)``, ``checks.fingerprint(...)``,
    and in what the names used there were assigned."""
    found = set()
    for function in ast.walk(ast.parse(source)):
        if not isinstance(function, ast.FunctionDef) or not function.name.startswith("test_"):
            continue
        if _is_hidden(function) != hidden:
            continue
        assigned = {}
        for node in ast.walk(function):
            if isinstance(node, ast.Assign):
                for target in node.targets:
                    for name in ast.walk(target):
                        if isinstance(name, ast.Name):
                            assigned.setdefault(name.id, []).append(node.value)
        roots = []
        for call in (n for n in ast.walk(function) if isinstance(n, ast.Call)):
            roots += [k.value for k in call.keywords if k.arg in ("mistakes", "mistake")]
            if isinstance(call.func, ast.Attribute) and call.func.attr in ("Mistake", "fingerprint"):
                roots += call.args
        seen = set()
        while roots:
            root = roots.pop()
            for node in ast.walk(root):
                if isinstance(node, ast.Name) and node.id not in seen:
                    seen.add(node.id)
                    roots += assigned.get(node.id, [])
                elif isinstance(node, ast.Constant) and isinstance(node.value, str) and _sentence(node.value):
                    found.add(node.value)
    return found


def _student_tests(name):
    notebook = json.loads(outputs_for(name)["student"].read_text())
    return notebook["metadata"]["otter"]["tests"]


@pytest.mark.parametrize("name", master_names())
def test_public_tests_in_the_student_notebook_carry_no_catalogue_sentence(name):
    written = {question: sorted(catalogue_strings(source, hidden=False))
               for question, source in _student_tests(name).items()}
    written = {question: strings for question, strings in written.items() if strings}
    assert not written, f"public tests write out catalogue sentences (use checks.hints): {written}"


@pytest.mark.parametrize("name", master_names())
def test_no_grading_side_sentence_reaches_the_student_notebook(name):
    from backprop_reference import mistakes

    with zipfile.ZipFile(outputs_for(name)["autograder"]) as autograder:
        hidden = set().union(*(catalogue_strings(autograder.read(n).decode(), hidden=True)
                               for n in autograder.namelist() if n.startswith("tests/") and n.endswith(".py")))
    hidden |= {part for template in mistakes.SENTENCES.values() for part in template.split("{q}") if _sentence(part)}
    if name != "02_backprop_practice":
        # notebook 2's hidden sentences come from backprop_reference (above); every other notebook writes its own
        assert hidden, "the extractor found no hidden catalogue sentence: it no longer reads the tests"
    student = outputs_for(name)["student"].read_text()
    shown = json.loads(student)["metadata"]["otter"]["tests"]
    leaked = sorted(s for s in hidden if any(s in source for source in shown.values()) or json.dumps(s)[1:-1] in student)
    assert not leaked, f"the student notebook carries grading-side mistake sentences: {leaked}"
