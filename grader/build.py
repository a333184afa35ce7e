"""Build every notebook from its Otter Assign master.

For each master ``solutions/NAME.ipynb`` this stages a clean folder (the master,
a copy of the shared package and of the grading side's ``backprop_reference``, the
grading requirements), runs Otter Assign there, and writes:

- ``notebooks/NAME.ipynb``             the student notebook (no outputs, solutions, hidden tests)
- ``grader/dist/NAME-autograder.zip``  the Gradescope / ``otter run`` autograder
- ``grader/dist/NAME-solution.ipynb``  the worked solution, markers removed (for TAs and demos)

Outputs are normalised (fixed cell ids, no outputs, zip entries sorted with a
fixed timestamp), so building twice gives byte-identical files and a test can
tell when a committed file is stale.
"""

import json
import re
import shutil
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MASTERS = ROOT / "solutions"
STUDENT_DIR = ROOT / "notebooks"
DIST = ROOT / "grader" / "dist"
PACKAGE = STUDENT_DIR / "backprop_kit"
# The grading side's references: staged beside the master so a config's `files:` can ship them in
# the autograder zip; never copied into notebooks/.
REFERENCES = ROOT / "backprop_reference"
REQUIREMENTS = ROOT / "requirements.txt"
# What a notebook imports at grading time, beyond what Otter's own image brings.
GRADING_PACKAGES = ("numpy", "matplotlib", "ipywidgets", "ipympl")
ZIP_TIMESTAMP = (1980, 1, 1, 0, 0, 0)
# The grading engine the zip carries, so Gradescope grades exactly as `python -m grader grade` does.
ENGINE_MODULES = ("__init__", "engine", "gradescope", "grading", "sandbox", "standins", "student_runner",
                  "submissions", "wire")
RUN_AUTOGRADER = """#!/bin/bash
# The kit's own engine (grader/gradescope.py), the same one `python -m grader grade` uses.
export PATH=/root/miniforge3/bin:$PATH
eval "$(mamba shell hook --shell bash)"
mamba activate otter-env
cd /autograder/source && python -m grader.gradescope /autograder
"""
SETUP_SANDBOX = """
# The student's code runs in a sandbox: bubblewrap where the container allows it, else as uid 65534,
# which must reach the Python environment (under /root) but not list /root or read the tests.
apt-get install -y bubblewrap || true
chmod 711 /root
"""
SOLUTION_MARKER = re.compile(r"\s*# (BEGIN |END )?SOLUTION( NO PROMPT)?\s*$")


def master_names():
    return sorted(p.stem for p in MASTERS.glob("*.ipynb"))


def outputs_for(name, out_root=ROOT):
    """The three built files for one master, under ``out_root`` (the repo, or a temp dir)."""
    return {
        "student": out_root / "notebooks" / f"{name}.ipynb",
        "autograder": out_root / "grader" / "dist" / f"{name}-autograder.zip",
        "solution": out_root / "grader" / "dist" / f"{name}-solution.ipynb",
    }


def build(names=None, out_root=ROOT, run_tests=True, log=print):
    """Build the named masters (all by default); return {name: outputs}."""
    built = {}
    for name in names or master_names():
        master = MASTERS / f"{name}.ipynb"
        if not master.exists():
            raise SystemExit(f"no master notebook {master.relative_to(ROOT)}; masters: {', '.join(master_names())}")
        log(f"building {name} ...")
        built[name] = _build_one(master, out_root, run_tests)
    return built


def _build_one(master, out_root, run_tests):
    name = master.stem
    outputs = outputs_for(name, out_root)
    with tempfile.TemporaryDirectory(prefix=f"build-{name}-") as tmp:
        stage = Path(tmp)
        shutil.copy(master, stage / master.name)
        # the acceleration layer stays out: no grading figure is ever live, and the kit works without it
        for package in (PACKAGE, REFERENCES):
            shutil.copytree(package, stage / package.name,
                            ignore=shutil.ignore_patterns("__pycache__", "*.pyc", "acceleration"))
        (stage / "requirements.txt").write_text(_grading_requirements())
        command = [sys.executable, "-m", "otter", "assign", master.name, "dist"]
        if not run_tests:
            command.append("--no-run-tests")
        done = subprocess.run(command, cwd=stage, capture_output=True, text=True)
        if done.returncode != 0:
            raise RuntimeError(f"otter assign failed on {master.name}:\n{done.stdout}\n{done.stderr}")
        dist = stage / "dist"
        for path in outputs.values():
            path.parent.mkdir(parents=True, exist_ok=True)
        _write_notebook(dist / "student" / master.name, outputs["student"], strip_markers=False)
        _write_notebook(dist / "autograder" / master.name, outputs["solution"], strip_markers=True)
        (zip_path,) = (dist / "autograder").glob(f"{name}-autograder_*.zip")
        _repack_zip(zip_path, outputs["autograder"])
    return outputs


def _grading_requirements():
    """The pinned lines of requirements.txt for the packages notebooks import while graded."""
    pins = {}
    for line in REQUIREMENTS.read_text().splitlines():
        line = line.split("#")[0].strip()
        if "==" in line:
            pins[line.split("==")[0].lower()] = line
    return "".join(pins[p] + "\n" for p in GRADING_PACKAGES)


def _write_notebook(source, target, strip_markers):
    nb = json.loads(source.read_text())
    for index, cell in enumerate(nb["cells"]):
        cell["id"] = f"cell-{index:02d}"
        if cell["cell_type"] == "code":
            cell["outputs"] = []
            cell["execution_count"] = None
            if strip_markers:
                cell["source"] = _strip_solution_markers("".join(cell["source"]))
                # Otter reads the public tests from the notebook it is given: the worked solution's own
                # name, so that it runs top to bottom where it ships (grader/dist/)
                cell["source"] = cell["source"].replace(f'otter.Notebook("{source.name}")',
                                                        f'otter.Notebook("{target.name}")')
        cell["metadata"].pop("execution", None)
    nb["cells"] = [c for c in nb["cells"] if "".join(c["source"]).strip()]  # Otter's blank trailer
    target.write_text(json.dumps(nb, indent=1, sort_keys=True, ensure_ascii=False) + "\n")


def _strip_solution_markers(source):
    lines = []
    for line in source.split("\n"):
        if SOLUTION_MARKER.fullmatch(line):
            continue  # a whole-line BEGIN/END SOLUTION marker
        lines.append(re.sub(r"\s*# SOLUTION( NO PROMPT)?\s*$", "", line))
    return "\n".join(lines)


def _repack_zip(source, target):
    """Rewrite a zip with sorted entries and a fixed timestamp, keeping file modes; our engine replaces Otter's."""
    entries = {}
    with zipfile.ZipFile(source) as old:
        for info in old.infolist():
            if "__pycache__" not in info.filename and info.filename != "run_otter.py":
                entries[info.filename] = (old.read(info.filename), info.external_attr)
    entries["run_autograder"] = (RUN_AUTOGRADER.encode(), entries["run_autograder"][1])
    setup, mode = entries["setup.sh"]
    entries["setup.sh"] = (setup + SETUP_SANDBOX.encode(), mode)
    for module in ENGINE_MODULES:
        entries[f"grader/{module}.py"] = ((ROOT / "grader" / f"{module}.py").read_bytes(), 0o644 << 16)
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as new:
        for name in sorted(entries):
            data, mode = entries[name]
            fixed = zipfile.ZipInfo(name, ZIP_TIMESTAMP)
            fixed.external_attr = mode
            fixed.compress_type = zipfile.ZIP_DEFLATED
            new.writestr(fixed, data)
