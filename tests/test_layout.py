"""The layout shows the design: the package map names every module, each folder imports only the
layers below it, and the grader's modules import each other without a circle."""

import ast
from pathlib import Path

import pytest

import backprop_kit
import grader

PACKAGE = Path(backprop_kit.__file__).parent
GRADER = Path(grader.__file__).parent
# What each folder of the teaching package may import from the package (besides itself).
MAY_IMPORT = {
    "model": {"values"},
    "views": {"values", "widgets"},  # images.py asks live.py whether a figure is accelerated
    "widgets": {"acceleration"},  # lazily, behind accelerate(figure)
    "demos": {"values", "checks", "model", "views", "widgets"},
    "acceleration": set(),
}


def _kit_imports(path):
    """The top-level parts of backprop_kit (folders or modules) that the module at ``path`` imports."""
    here = path.relative_to(PACKAGE.parent).with_suffix("").parts[:-1]  # ('backprop_kit', 'views')
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = list(here[:len(here) - node.level + 1])
                parts = base + (node.module.split(".") if node.module else [])
                names = [parts] if node.module else [parts + [a.name] for a in node.names]
            else:
                names = [node.module.split(".")] if node.module else []
        elif isinstance(node, ast.Import):
            names = [a.name.split(".") for a in node.names]
        else:
            continue
        found.update(parts[1] for parts in names if len(parts) > 1 and parts[0] == "backprop_kit")
    return found


def test_the_package_map_names_every_folder_and_each_folder_map_every_module():
    top = backprop_kit.__doc__
    folders = sorted(p.name for p in PACKAGE.iterdir() if (p / "__init__.py").is_file())
    assert folders == sorted(MAY_IMPORT)
    for name in folders:
        assert f"``{name}``" in top, f"backprop_kit's module map does not name {name}/"
    for module in PACKAGE.glob("*.py"):
        if module.stem != "__init__":
            assert f"``{module.stem}``" in top, f"backprop_kit's module map does not name {module.name}"
    for folder in folders:
        doc = ast.get_docstring(ast.parse((PACKAGE / folder / "__init__.py").read_text())) or ""
        for module in (PACKAGE / folder).glob("*.py"):
            if module.stem != "__init__":
                assert f"``{module.stem}``" in doc + top, f"{folder}/{module.name} is in no module map"


@pytest.mark.parametrize("folder", sorted(MAY_IMPORT))
def test_each_folder_imports_only_the_layers_below_it(folder):
    allowed = MAY_IMPORT[folder] | {folder}
    for module in (PACKAGE / folder).glob("*.py"):
        wrong = _kit_imports(module) - allowed
        assert not wrong, f"{folder}/{module.name} imports {sorted(wrong)}"


def test_the_grader_modules_import_each_other_without_a_circle():
    graph = {}
    for module in GRADER.glob("*.py"):
        imported = set()
        for node in ast.walk(ast.parse(module.read_text())):
            if isinstance(node, ast.ImportFrom) and node.level == 1:
                imported.update([node.module.split(".")[0]] if node.module else [a.name for a in node.names])
        graph[module.stem] = imported & {p.stem for p in GRADER.glob("*.py")}

    def visit(name, path):
        for next_name in graph[name]:
            assert next_name not in path, "grader imports in a circle: " + " -> ".join([*path, next_name])
            visit(next_name, [*path, next_name])

    for name in graph:
        visit(name, [name])


def test_no_test_module_imports_another():
    """Shared test code lives in tests/support (or a folder's conftest and helpers), never in a test module."""
    tests = Path(__file__).parent
    for module in tests.rglob("test_*.py"):
        for node in ast.walk(ast.parse(module.read_text())):
            if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("tests."):
                imported = node.module.rsplit(".", 1)[-1]
                assert not imported.startswith("test_"), f"{module.relative_to(tests)} imports {node.module}"
