"""A grading process removes the autograder copies it unpacked: a TA's batches must not fill /tmp."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
ZIP = ROOT / "grader" / "dist" / "01_staged_computation-autograder.zip"


def test_a_process_leaves_no_unpacked_autograder_behind():
    loaded = subprocess.run(
        [sys.executable, "-c",
         "import sys; from grader.engine import Autograder; print(Autograder.load(sys.argv[1]).folder)", str(ZIP)],
        cwd=ROOT, check=True, capture_output=True, text=True)
    folder = Path(loaded.stdout.strip())
    assert folder.name.startswith("backprop-autograder-")
    assert not folder.exists(), f"{folder} was left behind"
