"""The static screen: honest answer code passes untouched; each way of tampering is taken out, with a reason."""

import pytest

from grader.screen import screen_source

HONEST = {
    "arithmetic and numpy": '''
import numpy as np
from math import exp

def forward(x, y, z):
    q = x + y
    f = q * z
    return q, f

def sigmoid(a):
    return 1 / (1 + np.exp(-a))
''',
    "arrays, subscripts, loops and comprehensions": '''
import numpy as np

def backward(W, x):
    grad = np.zeros_like(W)
    for i in range(W.shape[0]):
        grad[i, :] = x * 2
    rows = {name: value for name, value in zip("ab", [1, 2])}
    rows["c"] = 3
    return grad.T @ x, [r ** 2 for r in range(3)], rows
''',
    "a class with state on self": '''
class Layer:
    def __init__(self, W):
        super().__init__()
        self.W = W

    def step(self, grad, lr=0.1):
        self.W -= lr * grad
        return self.W
''',
    "the grader calls the notebook makes": '''
import otter
grader = otter.Notebook("01_staged_computation.ipynb")
grader.check("q1a_forward")
grader.check_all()
grader.export(pdf=False, run_tests=True)
''',
    "the kit's demo calls": '''
from backprop_kit import live
from backprop_kit.demos import staged_computation as demo
live.use_live_backend()
demo.draw(forward, None, network_edges());
print(f"{forward.__name__}: {forward(1, 2, 3)}")
''',
}

TAMPERING = {  # source -> a phrase of the reason
    "import numpy as np\nnp.isclose = lambda *a, **k: True": "changes np.isclose",
    "import numpy\nnumpy.testing.assert_allclose = print": "changes numpy.testing.assert_allclose",
    "grader.check = lambda question: print('passed')": "changes grader.check",
    "import otter\notter.Notebook.check = None": "changes otter.Notebook.check",
    "from otter.execute import Checker": "internal part of otter",
    "import os\nos.remove('tests/q1c_backward.py')": "imports os",
    "import shutil": "imports shutil",
    "import sys\nsys.modules['numpy'] = None": "imports sys",
    "text = open('tests/q1c_backward.py').read()": "open() reads and writes files",
    "exec('x = 1')": "exec() runs code",
    "setattr(np, 'isclose', max)": "setattr()",
    "np.__dict__['isclose'] = max": "private internals",
    "import numpy as np\nnp.savetxt('tests/q1c_backward.py', [], header='pass')": ".savetxt reads or writes files",
    "from numpy import savetxt": "numpy.savetxt",
    "from numpy import *": "hides what it brings in",
    "!rm -rf tests": "get_ipython() runs magics",
    "%run other.py": "get_ipython() runs magics",
    "import numpy as np\nalias = np\nalias.isclose = max": "passes np around",
    "import numpy as np\n[0 for np.isclose in [max]]": "changes np.isclose",
    "import numpy as np\nfor np.isclose in [max]:\n    pass": "changes np.isclose",
    "from backprop_kit import live\nlive.importlib.import_module('os')": ".importlib",
    "exit()": "exit() stops the kernel",
    "grader._tests_dir = 'elsewhere'": "private internals",
}


@pytest.mark.parametrize("name", HONEST)
def test_honest_code_passes_untouched(name):
    source = HONEST[name].strip()
    cleaned, findings = screen_source(source)
    assert findings == []
    assert cleaned == source


@pytest.mark.parametrize("source", TAMPERING)
def test_tampering_is_removed_with_a_reason(source):
    cleaned, findings = screen_source(source)
    reasons = " | ".join(reason for _, _, reason in findings)
    assert TAMPERING[source] in reasons, reasons
    assert cleaned != source


def test_only_the_offending_statements_go_and_the_answers_stay():
    source = "import numpy as np\nnp.isclose = max\n\ndef forward(x, y, z):\n    return x + y, (x + y) * z"
    cleaned, findings = screen_source(source)
    assert [line for line, _, _ in findings] == [2]
    assert "def forward(x, y, z)" in cleaned and "np.isclose" not in cleaned
    compile(cleaned, "cell", "exec")


def test_tampering_inside_an_answer_function_is_removed_and_the_function_still_runs():
    source = "def forward(x, y, z):\n    import numpy as np\n    np.isclose = max\n    return x + y, (x + y) * z"
    cleaned, findings = screen_source(source)
    assert len(findings) == 1
    namespace = {}
    exec(compile(cleaned, "cell", "exec"), namespace)
    assert namespace["forward"](-2, 5, -4) == (3, -12)


def test_a_cell_that_does_not_parse_is_left_alone():
    source = "def network_edges():\n    return [('x', 'q')"
    assert screen_source(source) == (source, [])
