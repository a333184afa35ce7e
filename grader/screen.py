"""A static screen of a submission's code: take out what tampers with grading, before anything runs.

Otter runs a notebook's tests inside the notebook's own kernel, so whatever the
submission changes there, the tests see: patch ``numpy.isclose`` and every
numeric check passes; patch Otter's test runner and every test passes; rewrite
``tests/q1c_backward.py`` and the rewritten test is the one that runs; read it
and the hidden inputs are known.  The answers in these notebooks never need any
of that: they are arithmetic on numbers and arrays.  So before grading, each code
cell is parsed (never executed) and every statement that reaches outside that is
replaced by ``pass``; the rest of the notebook is graded as usual, and the TA sees
each removed line with the reason.

The rules, each a plain sentence in ``Finding.reason``:

1. imports only of the modules answers use (``ALLOWED_MODULES``); from Otter only
   ``import otter`` / ``from otter import Notebook``;
2. no builtins that run hidden code, touch files or reach around these rules
   (``FORBIDDEN_NAMES``: ``open``, ``exec``, ``getattr``, ``get_ipython`` ...);
3. no private attributes (``._x``, ``.__dict__``; a few harmless dunders allowed);
4. no attributes that read or write files or lead to other modules
   (``FORBIDDEN_ATTRIBUTES``: ``np.savetxt``, ``plt.savefig``, ``.importlib`` ...);
5. no changing attributes of anything but ``self``/``cls`` (``np.isclose = ...``,
   ``grader.check = ...``);
6. an imported module or the grader object only as ``name.attribute``, never
   passed around or renamed (which would hide it from rules 4 and 5);
7. of the grader object and the ``otter`` module only the documented calls.

IPython syntax (``!rm``, ``%run``, ``%%bash``) is turned into Python first, so it
meets rule 2 as ``get_ipython()``.  A cell that does not parse is left alone: it
raises ``SyntaxError`` when run and nothing in it executes.

This is a tripwire for the tricks students try, not a sandbox: Python is dynamic
enough that a determined attacker can still find a way round.
"""

import ast
from dataclasses import dataclass

ALLOWED_MODULES = {
    "numpy", "math", "cmath", "random", "statistics", "fractions", "decimal", "numbers", "itertools",
    "functools", "collections", "typing", "dataclasses", "copy", "string", "re", "time", "datetime",
    "matplotlib", "ipywidgets", "backprop_kit", "otter", "IPython", "__future__",
}
ALLOWED_SUBMODULES = {"IPython": {"display"}, "otter": set()}  # only these parts of these packages
OTTER_NAMES = {"Notebook"}
GRADER_METHODS = {"check", "check_all", "export", "to_pdf"}
HARMLESS_DUNDERS = {"__init__", "__name__", "__doc__", "__version__"}

FORBIDDEN_NAMES = {
    "open": "open() reads and writes files",
    "exec": "exec() runs code the grader cannot see",
    "eval": "eval() runs code the grader cannot see",
    "compile": "compile() builds code the grader cannot see",
    "__import__": "__import__() imports modules behind the grader's back",
    "getattr": "getattr() reaches attributes by name, around these rules",
    "setattr": "setattr() changes other objects",
    "delattr": "delattr() changes other objects",
    "globals": "globals() reaches into the notebook's namespace",
    "locals": "locals() reaches into a namespace",
    "vars": "vars() reaches into an object's internals",
    "breakpoint": "breakpoint() stops the kernel",
    "input": "input() waits for a person forever",
    "exit": "exit() stops the kernel",
    "quit": "quit() stops the kernel",
    "get_ipython": "get_ipython() runs magics and shell commands",
    "memoryview": "memoryview() writes into other objects' memory",
    "__builtins__": "__builtins__ changes Python's built-in functions",
    "__loader__": "__loader__ reaches the import machinery",
    "__spec__": "__spec__ reaches the import machinery",
}
_FILE_ATTRIBUTES = {
    "save", "savez", "savez_compressed", "savetxt", "load", "loadtxt", "genfromtxt", "fromfile",
    "tofile", "fromregex", "memmap", "open_memmap", "DataSource", "savefig", "imsave", "imread",
    "ctypeslib", "lib", "f2py", "distutils", "dump", "dumps",
}
_MODULE_ATTRIBUTES = {
    "os", "sys", "subprocess", "shutil", "pathlib", "io", "builtins", "importlib", "ctypes", "gc",
    "inspect", "pickle", "dill", "marshal", "socket", "threading", "multiprocessing", "signal",
    "atexit", "runpy", "types", "code", "tempfile", "glob", "zipfile", "tarfile", "urllib", "otter",
    "ipykernel", "traitlets", "zmq", "resource", "posix", "mmap", "faulthandler", "sysconfig",
}
FORBIDDEN_ATTRIBUTES = _FILE_ATTRIBUTES | _MODULE_ATTRIBUTES


@dataclass(frozen=True)
class Finding:
    cell: int  # 1-based position of the cell in the notebook
    line: int  # 1-based line in the cell
    code: str  # that line, shortened
    reason: str

    def describe(self):
        return f"cell {self.cell}, line {self.line}: `{self.code}` ({self.reason})"


def screen_notebook(notebook, given=()):
    """Screen every code cell of a notebook (JSON dict), in place; return the findings.

    Cells whose source is exactly one of ``given`` (the kit's own cells, as the
    student notebook has them) are the kit's code, not the student's, and pass as they are.
    """
    given = set(given)
    findings = []
    for position, cell in enumerate(notebook.get("cells", []), start=1):
        if cell.get("cell_type") != "code":
            continue
        source = cell.get("source", "")
        source = "".join(source) if isinstance(source, list) else str(source)
        if source in given:
            cell["source"] = source
            continue
        cleaned, cell_findings = screen_source(source)
        cell["source"] = cleaned
        findings.extend(Finding(position, line, code, reason) for line, code, reason in cell_findings)
    return findings


def screen_source(source):
    """Return ``(source with offending statements replaced by pass, [(line, code, reason)])``."""
    code = _as_python(source)
    try:
        tree = ast.parse(code)
    except (SyntaxError, ValueError):
        return source, []  # never runs: nothing to screen
    lines = code.splitlines()
    screen = _Screen(lines)
    screen.visit_body(tree.body)
    if not screen.findings:
        return source, []
    return ast.unparse(tree), screen.findings


def _as_python(source):
    """IPython syntax (magics, !shell, ?help) as the Python that IPython would run."""
    try:
        from IPython.core.inputtransformer2 import TransformerManager
    except ImportError:  # pragma: no cover - IPython comes with the kit
        return source
    try:
        return TransformerManager().transform_cell(source)
    except Exception:  # noqa: BLE001 - a cell IPython cannot transform is parsed as it is
        return source


# Parts of a compound statement that run when the statement is reached (its "header").
_HEADER_FIELDS = {
    ast.If: ("test",), ast.While: ("test",), ast.For: ("target", "iter"), ast.AsyncFor: ("target", "iter"),
    ast.With: ("items",), ast.AsyncWith: ("items",), ast.Try: (), ast.Match: ("subject",),
    ast.FunctionDef: ("decorator_list", "args", "returns"),
    ast.AsyncFunctionDef: ("decorator_list", "args", "returns"),
    ast.ClassDef: ("decorator_list", "bases", "keywords"),
}
_BODY_FIELDS = ("body", "orelse", "finalbody")
if hasattr(ast, "TryStar"):
    _HEADER_FIELDS[ast.TryStar] = ()


class _Screen:
    def __init__(self, lines):
        self.lines = lines
        self.findings = []
        self.modules = set()  # names bound by `import x` / `import x as y`
        self.graders = {"grader"}  # names bound to otter.Notebook(...)

    # -- statements
    def visit_body(self, body):
        for index, statement in enumerate(body):
            reasons = self._statement_reasons(statement)
            if reasons:
                line = getattr(statement, "lineno", 1)
                code = self.lines[line - 1].strip() if 0 < line <= len(self.lines) else ""
                if len(code) > 70:
                    code = code[:67] + "..."
                for reason in dict.fromkeys(reasons):
                    self.findings.append((line, code, reason))
                body[index] = ast.copy_location(ast.Pass(), statement)
            else:
                self._visit_children(statement)

    def _visit_children(self, statement):
        for field in _BODY_FIELDS:
            block = getattr(statement, field, None)
            if isinstance(block, list) and block and isinstance(block[0], ast.stmt):
                self.visit_body(block)
        for handler in getattr(statement, "handlers", []) or []:
            self.visit_body(handler.body)
        for case in getattr(statement, "cases", []) or []:
            self.visit_body(case.body)

    def _statement_reasons(self, statement):
        if isinstance(statement, (ast.Import, ast.ImportFrom)):
            return self._import_reasons(statement)
        header = _HEADER_FIELDS.get(type(statement))
        parts = [statement] if header is None else [getattr(statement, f) for f in header]
        nodes = [node for part in parts for node in _walk(part)]
        reasons = []
        for node in nodes:
            reasons.extend(self._node_reasons(node))
        if isinstance(statement, (ast.For, ast.AsyncFor)):
            reasons.extend(self._store_reasons(statement.target))
        reasons.extend(self._bare_module_reasons(nodes))
        if header is None and not reasons:
            self._remember_graders(statement)
        return reasons

    def _bare_module_reasons(self, nodes):
        """Rule 6: a module or the grader object is only ever the left side of `name.attribute`."""
        bases = {id(node.value) for node in nodes if isinstance(node, ast.Attribute)}
        reasons = []
        for node in nodes:
            if (isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load) and id(node) not in bases
                    and (node.id in self.modules or node.id in self.graders)):
                reasons.append(f"passes {node.id} around; a module or the grader object may only be "
                               f"used as {node.id}.something")
        return reasons

    def _import_reasons(self, statement):
        reasons = []
        if isinstance(statement, ast.Import):
            for alias in statement.names:
                reason = _module_reason(alias.name)
                if reason:
                    reasons.append(reason)
                else:
                    self.modules.add(alias.asname or alias.name.split(".")[0])
            return reasons
        if statement.level:
            return ["relative imports reach files beside the notebook"]
        module = statement.module or ""
        reason = _module_reason(module)
        if reason:
            return [reason]
        for alias in statement.names:
            if alias.name == "*":
                reasons.append(f"`from {module} import *` hides what it brings in")
            elif module.split(".")[0] == "otter" and alias.name not in OTTER_NAMES:
                reasons.append(f"imports Otter's internals ({alias.name})")
            elif alias.name in FORBIDDEN_ATTRIBUTES:
                reasons.append(f"{module}.{alias.name} reads or writes files or leads to other modules")
            elif alias.name.startswith("_") and alias.name not in HARMLESS_DUNDERS:
                reasons.append(f"imports a private part of {module} ({alias.name})")
        return reasons

    def _remember_graders(self, statement):
        """``grader = otter.Notebook(...)``: that name is the grader object from here on."""
        if isinstance(statement, ast.Assign) and isinstance(statement.value, ast.Call):
            called = statement.value.func
            if isinstance(called, (ast.Attribute, ast.Name)) and _dotted(called).endswith("Notebook"):
                for target in statement.targets:
                    if isinstance(target, ast.Name):
                        self.graders.add(target.id)

    # -- expressions
    def _node_reasons(self, node):
        reasons = []
        if isinstance(node, ast.Name):
            if node.id in FORBIDDEN_NAMES and not isinstance(node.ctx, ast.Store):
                reasons.append(FORBIDDEN_NAMES[node.id])
        elif isinstance(node, ast.Attribute):
            reasons.extend(self._attribute_reasons(node))
        for target in _targets_of(node):
            reasons.extend(self._store_reasons(target))
        return reasons

    def _attribute_reasons(self, node):
        reasons = []
        name = node.attr
        if name.startswith("_") and name not in HARMLESS_DUNDERS:
            reasons.append(f"reaches into private internals (.{name})")
        if name in FORBIDDEN_ATTRIBUTES:
            reasons.append(f".{name} reads or writes files or leads to other modules")
        root = node.value
        if isinstance(root, ast.Name):
            if root.id == "otter" and "otter" in self.modules and name not in OTTER_NAMES:
                reasons.append(f"reaches into Otter's internals (otter.{name})")
            if root.id in self.graders and name not in GRADER_METHODS | OTTER_NAMES:
                reasons.append(f"reaches into the grader object ({root.id}.{name})")
        return reasons

    def _store_reasons(self, target):
        reasons = []
        for node in _flatten_targets(target):
            if isinstance(node, ast.Attribute):
                root = _root_name(node)
                if root not in ("self", "cls"):
                    target = _dotted(node) or f"an attribute ({node.attr})"
                    reasons.append(f"changes {target}; answers never change other modules or objects")
            elif isinstance(node, ast.Subscript):
                root = _root_name(node)
                if root in self.modules or root in self.graders:
                    reasons.append(f"changes the contents of {root}")
        return reasons


def _walk(node):
    """Every AST node under ``node`` (a node or a list of nodes)."""
    stack = list(node) if isinstance(node, list) else [node]
    while stack:
        current = stack.pop()
        if current is None:
            continue
        if isinstance(current, list):
            stack.extend(current)
            continue
        if not isinstance(current, ast.AST):
            continue
        yield current
        stack.extend(ast.iter_child_nodes(current))


def _targets_of(node):
    if isinstance(node, ast.Assign):
        return node.targets
    if isinstance(node, (ast.AugAssign, ast.AnnAssign)):
        return [node.target]
    if isinstance(node, ast.Delete):
        return node.targets
    if isinstance(node, ast.withitem):
        return [node.optional_vars] if node.optional_vars is not None else []
    if isinstance(node, ast.comprehension):
        return [node.target]
    return []


def _flatten_targets(target):
    if isinstance(target, (ast.Tuple, ast.List)):
        for element in target.elts:
            yield from _flatten_targets(element)
    elif isinstance(target, ast.Starred):
        yield from _flatten_targets(target.value)
    else:
        yield target


def _root_name(node):
    while isinstance(node, (ast.Attribute, ast.Subscript, ast.Call)):
        node = node.func if isinstance(node, ast.Call) else node.value
    return node.id if isinstance(node, ast.Name) else None


def _dotted(node):
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if isinstance(node, ast.Name):
        parts.append(node.id)
        return ".".join(reversed(parts))
    return ""


def _module_reason(dotted):
    parts = dotted.split(".")
    root = parts[0]
    if root not in ALLOWED_MODULES:
        return f"imports {root}; answers need only numpy, math and the kit's own modules"
    allowed_parts = ALLOWED_SUBMODULES.get(root)
    if allowed_parts is not None and len(parts) > 1 and parts[1] not in allowed_parts:
        return f"imports {dotted}, an internal part of {root}"
    for part in parts[1:]:
        if part in FORBIDDEN_ATTRIBUTES or (part.startswith("_") and part not in HARMLESS_DUNDERS):
            return f"imports {dotted}, which reads or writes files or reaches internals"
    return None
