"""Find the submissions in what a TA points the grader at, and read each one's notebook.

Three layouts, told apart automatically:

- a folder (any depth) of ``.ipynb`` files and of the zips ``grader.export()`` makes;
- a Gradescope bulk export (a folder, or its zip, with ``submission_metadata.yml`` and
  one ``submission_<id>/`` folder per submission), where the metadata names the students;
- a single ``.ipynb`` or export ``.zip``.

A submission's notebook (which of the five) comes from its path when a notebook's
name appears there (``alice/01_staged_computation.ipynb``,
``01_staged_computation-alice.ipynb``), otherwise from the notebook's own Otter
metadata.  Nothing here runs a submission: files are only read and parsed.
"""

import hashlib
import json
import re
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path

MAX_NOTEBOOK_BYTES = 50 * 2**20  # larger is not a notebook someone typed (or is a zip bomb)
MAX_JSON_DEPTH = 100  # Jupyter never nests this deep; copying or writing deeper JSON can exhaust Python's stack
CELL_TYPES = ("code", "markdown", "raw")
GRADESCOPE_METADATA = "submission_metadata.yml"
EXPORT_TIMESTAMP = re.compile(r"[_-]?\d{4}_\d{2}_\d{2}T\d{2}_\d{2}_\d{2}(_\d+)?$")  # grader.export() names


@dataclass
class Submission:
    path: Path  # the file: .ipynb, .zip, or a Gradescope submission folder
    key: str  # stable identity within the submissions root (a relative path)
    student: str
    sid: str = ""
    email: str = ""
    expected: str = ""  # the notebook its path names, if any
    gradescope: bool = False  # from a Gradescope export: one assignment for all


@dataclass
class Loaded:
    """What reading a submission found: the notebook JSON, or why there is none."""

    notebook: dict = None
    problem: str = ""  # plain words, when there is no usable notebook
    digest: str = ""  # sha256 of the submitted bytes (resumable runs regrade a changed file)
    assignment: str = ""  # the notebook's own Otter assignment name, if it has one
    inner_name: str = ""  # the notebook's file name inside a zip or folder
    extra: dict = field(default_factory=dict)


def discover(root, notebook_names):
    """All submissions under ``root`` (folder or file); returns (submissions, ignored files)."""
    root = Path(root)
    if root.is_file():
        return [_single(root, root.parent, notebook_names)], []
    if (root / GRADESCOPE_METADATA).is_file():
        return _gradescope(root, notebook_names), []
    inner = [p.parent for p in root.glob(f"*/{GRADESCOPE_METADATA}")]
    if len(inner) == 1:  # the folder that holds an unzipped export
        return _gradescope(inner[0], notebook_names), []
    submissions, ignored = [], []
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        relative = path.relative_to(root)
        if any(part.startswith(".") or part == "__MACOSX" for part in relative.parts):
            continue
        if path.suffix.lower() in (".ipynb", ".zip"):
            submissions.append(_single(path, root, notebook_names))
        else:
            ignored.append(relative)
    return submissions, ignored


def _single(path, root, names):
    relative = path.relative_to(root) if path != root else Path(path.name)
    return Submission(path=path, key=relative.as_posix(), student=_student_from_path(relative, names),
                      expected=_name_in_path(relative, names))


def _name_in_path(relative, names):
    # the file's own name first, then its folders (innermost first)
    for part in [relative.stem] + [p for p in reversed(relative.parts[:-1])]:
        for name in sorted(names, key=len, reverse=True):
            if name in part:
                return name
    return ""


def _student_from_path(relative, names):
    stem = EXPORT_TIMESTAMP.sub("", relative.stem)
    for name in sorted(names, key=len, reverse=True):
        stem = stem.replace(name, "")
    stem = stem.strip(" _-.")
    if stem and stem.lower() not in ("submission", "solution_submission"):
        folders = [p for p in relative.parts[:-1]]
        return "/".join(folders + [stem])
    if len(relative.parts) > 1:
        return "/".join(relative.parts[:-1])
    return relative.stem


def is_gradescope_zip(path):
    try:
        with zipfile.ZipFile(path) as archive:
            return any(Path(n).name == GRADESCOPE_METADATA for n in archive.namelist())
    except (zipfile.BadZipFile, OSError):
        return False


def _gradescope(root, names):
    metadata = read_gradescope_metadata(root / GRADESCOPE_METADATA)
    submissions = []
    for folder in sorted(p for p in root.iterdir() if p.is_dir() and p.name.startswith("submission_")):
        people = metadata.get(folder.name, [])

        def joined(field_name):  # YAML reads an unquoted 1234 or 2025-01-31 as a number or a date
            return "; ".join(str(p[field_name]) for p in people if p.get(field_name) not in (None, ""))

        submissions.append(Submission(path=folder, key=folder.name, student=joined("name") or folder.name,
                                      sid=joined("sid"), email=joined("email"), expected="", gradescope=True))
    return submissions


def read_gradescope_metadata(path):
    """``{"submission_123": [{"name", "sid", "email"}, ...]}`` from Gradescope's export metadata.

    The file is YAML written by Ruby (keys like ``:submitters:``); a line-based reading
    is the fallback when a Ruby-specific tag stops the YAML parser.
    """
    text = Path(path).read_text(errors="replace")
    try:
        import yaml

        data = yaml.safe_load(text) or {}
        return {str(key): [_person(p) for p in (value or {}).get(":submitters", []) or []]
                for key, value in data.items() if isinstance(value, dict)}
    except Exception:  # noqa: BLE001 - fall back to reading the lines we need
        return _read_metadata_lines(text)


def _person(entry):
    return {key.lstrip(":"): value for key, value in (entry or {}).items()}


def _read_metadata_lines(text):
    result, current, person = {}, None, None
    for line in text.splitlines():
        top = re.match(r"^(submission_\S+):\s*$", line)
        if top:
            current = result.setdefault(top.group(1), [])
            person = None
            continue
        field_match = re.match(r"^\s*(-\s*)?:(name|sid|email):\s*(.*)$", line)
        if field_match and current is not None:
            if field_match.group(1) or person is None:
                person = {}
                current.append(person)
            person[field_match.group(2)] = field_match.group(3).strip().strip("'\"")
    return result


# ---------------------------------------------------------------------------- reading a notebook

def load(submission, expected=""):
    """Read a submission's notebook without running anything; ``expected`` picks among several."""
    path = submission.path
    if path.is_dir():
        return _load_from_folder(path, expected)
    try:
        digest = _hashed(path).hexdigest()
        if path.suffix.lower() == ".zip":
            return _load_from_zip(path, digest, expected)
        size = path.stat().st_size  # measured first: a file far over the cap is never read into memory
        loaded = parse_notebook(path.read_bytes()) if size <= MAX_NOTEBOOK_BYTES else Loaded(problem=_too_large(size))
    except OSError as error:
        return Loaded(problem=f"the file cannot be read ({error.strerror})")
    loaded.digest = digest
    loaded.inner_name = path.name
    return loaded


def _load_from_folder(folder, expected):
    candidates = sorted(p for p in folder.rglob("*") if p.is_file() and p.suffix.lower() in (".ipynb", ".zip")
                        and "__MACOSX" not in p.parts and not p.name.startswith("."))
    digest = hashlib.sha256()
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        digest.update(path.relative_to(folder).as_posix().encode() + b"\0")
        try:
            _hashed(path, digest)
        except OSError as error:
            return Loaded(problem=f"{path.relative_to(folder)} in the submission cannot be read ({error.strerror})")
    if not candidates:
        files = ", ".join(p.name for p in folder.iterdir()) or "nothing"
        return Loaded(problem=f"no notebook in the submission (it holds {files})", digest=digest.hexdigest())
    notebooks = [p for p in candidates if p.suffix.lower() == ".ipynb"]
    chosen = _choose(notebooks or candidates, expected)
    if chosen is None:
        return Loaded(problem="the submission holds several notebooks: "
                              + ", ".join(p.name for p in notebooks), digest=digest.hexdigest())
    loaded = load(Submission(path=chosen, key="", student=""), expected)
    loaded.digest = digest.hexdigest()
    return loaded


def _hashed(path, digest=None):
    """``digest`` (a new sha256 by default) updated with the file's bytes, read in blocks, never whole."""
    digest = hashlib.sha256() if digest is None else digest
    with open(path, "rb") as handle:
        while block := handle.read(2**20):
            digest.update(block)
    return digest


def _load_from_zip(path, digest, expected):
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError):
        return Loaded(problem="not a notebook: the .zip file is not a zip archive", digest=digest)
    with archive:
        entries = [i for i in archive.infolist() if i.filename.lower().endswith(".ipynb")
                   and "__MACOSX" not in i.filename and not Path(i.filename).name.startswith(".")]
        if not entries:
            return Loaded(problem="the zip holds no notebook (.ipynb)", digest=digest)
        chosen = _choose(entries, expected, name=lambda i: Path(i.filename).name)
        if chosen is None:
            return Loaded(problem="the zip holds several notebooks: " + ", ".join(i.filename for i in entries),
                          digest=digest)
        if chosen.file_size > MAX_NOTEBOOK_BYTES:
            return Loaded(problem=f"the notebook in the zip is {chosen.file_size / 2**20:.0f} MB, too large",
                          digest=digest)
        try:
            data = archive.read(chosen)
        # damaged (CRC), encrypted (RuntimeError) or packed in a way Python cannot unpack
        except (zipfile.BadZipFile, zlib.error, EOFError, RuntimeError, NotImplementedError) as error:
            return Loaded(problem=f"not a notebook: the notebook in the zip cannot be unpacked ({error})",
                          digest=digest)
        loaded = parse_notebook(data)
    loaded.digest = digest
    loaded.inner_name = Path(chosen.filename).name
    return loaded


def _choose(options, expected, name=lambda p: p.name):
    if len(options) == 1:
        return options[0]
    exact = [o for o in options if expected and name(o) == f"{expected}.ipynb"]
    return exact[0] if len(exact) == 1 else None


def parse_notebook(data):
    """A notebook (nbformat 4) from bytes, or the plain reason it is not one.

    A notebook it returns has the shape the rest of the grader relies on: ``metadata``
    (and ``metadata.otter``, if any) a JSON object, ``cells`` a list of JSON objects, each
    with a ``cell_type`` of code, markdown or raw and a ``source`` that is text or a list of texts.
    """
    if not data.strip():
        return Loaded(problem="not a notebook: the file is empty")
    if len(data) > MAX_NOTEBOOK_BYTES:
        return Loaded(problem=_too_large(len(data)))
    try:
        notebook = json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError):
        return Loaded(problem="not a notebook: the file is not notebook JSON (was it saved from Jupyter?)")
    except RecursionError:  # json.loads recurses once per level of nesting
        return Loaded(problem=f"not a notebook: the JSON is nested more than {MAX_JSON_DEPTH} levels deep")
    problem = _nesting_problem(notebook) or _shape_problem(notebook)
    if problem:
        return Loaded(problem=problem)
    notebook.setdefault("metadata", {})
    otter = notebook["metadata"].get("otter", {})
    return Loaded(notebook=notebook, assignment=otter.get("assignment_name", ""))


def _too_large(size):
    return f"not a notebook: the file is {size / 2**20:.0f} MB, too large"


def _nesting_problem(value):
    """Nesting too deep for Python to copy or write, or text no file can hold, anywhere in ``value``."""
    stack = [(value, 1)]
    while stack:
        node, depth = stack.pop()
        if isinstance(node, (dict, list)) and depth > MAX_JSON_DEPTH:
            return f"not a notebook: the JSON is nested more than {MAX_JSON_DEPTH} levels deep"
        if isinstance(node, dict):
            stack.extend((key, depth) for key in node)
            stack.extend((child, depth + 1) for child in node.values())
        elif isinstance(node, list):
            stack.extend((child, depth + 1) for child in node)
        elif isinstance(node, str) and not node.isascii():
            try:
                node.encode("utf-8")
            except UnicodeEncodeError:  # JSON's \ud800 escapes decode to lone surrogates
                return "not a notebook: the JSON holds text that is not valid Unicode (a lone surrogate)"
    return ""


def _shape_problem(notebook):
    """The first field of an nbformat 4 notebook that is missing or of the wrong type, in a sentence."""
    if not isinstance(notebook, dict) or not isinstance(notebook.get("cells"), list):
        return "not a notebook: the JSON has no list of cells"
    if "nbformat" not in notebook:
        return "not a notebook: the JSON has no nbformat"
    if not _is_int(notebook["nbformat"]):
        return f"not a notebook: nbformat is {_kind(notebook['nbformat'])}, not 4"
    if notebook["nbformat"] != 4:
        return f"not a notebook this grader reads: nbformat {notebook['nbformat']!r}, not 4"
    if "nbformat_minor" in notebook and not _is_int(notebook["nbformat_minor"]):
        return f"not a notebook: nbformat_minor is {_kind(notebook['nbformat_minor'])}, not a whole number"
    for path in (["metadata"], ["metadata", "otter"], ["metadata", "otter", "assignment_name"]):
        container = notebook
        for key in path[:-1]:  # each level above was checked to be a JSON object
            container = container.get(key, {})
        problem = _field_problem(container, path[-1], "the notebook's " + ".".join(path))
        if problem:
            return f"not a notebook: {problem}"
    for position, cell in enumerate(notebook["cells"], start=1):
        problem = _cell_problem(cell, f"cell {position}")
        if problem:
            return f"not a notebook: {problem}"
    return ""


def _cell_problem(cell, name):
    if not isinstance(cell, dict):
        return f"{name} is {_kind(cell)}, not a JSON object"
    cell_type = cell.get("cell_type")
    if cell_type not in CELL_TYPES or not isinstance(cell_type, str):
        shown = _quoted(cell_type) if isinstance(cell_type, str) else _kind(cell_type)
        return f"{name}'s cell_type is {shown}, not code, markdown or raw"
    if "source" not in cell:
        return f"{name} has no source"
    source = cell["source"]
    wrong = [line for line in source if not isinstance(line, str)] if isinstance(source, list) else []
    if wrong:
        return f"{name}'s source is a list holding {_kind(wrong[0])}, not only text"
    for field_name in ("source", "metadata", "id", "attachments", "outputs", "execution_count"):
        problem = _field_problem(cell, field_name, f"{name}'s {field_name}")
        if problem:
            return problem
    for output in cell.get("outputs", []):
        if not isinstance(output, dict):
            return f"{name}'s outputs hold {_kind(output)}, not JSON objects"
        if "output_type" in output and not isinstance(output["output_type"], str):
            return f"{name}'s outputs hold an output_type that is {_kind(output['output_type'])}, not text"
    return ""


# field -> (types it may have, those types in words); a field that is absent is no problem
_FIELDS = {
    "metadata": (dict, "a JSON object"), "otter": (dict, "a JSON object"), "attachments": (dict, "a JSON object"),
    "assignment_name": (str, "text"), "id": (str, "text"), "source": ((str, list), "text"),
    "outputs": (list, "a list"), "execution_count": ((int, type(None)), "a whole number"),
}


def _field_problem(container, field_name, name):
    if field_name not in container:
        return ""
    value = container[field_name]
    types, words = _FIELDS[field_name]
    if isinstance(value, types) and not isinstance(value, bool):
        return ""
    verb = "are" if field_name in ("outputs", "attachments") else "is"
    return f"{name} {verb} {_kind(value)}, not {words}"


def _is_int(value):
    return isinstance(value, int) and not isinstance(value, bool)


def _kind(value):
    """What a JSON value is, in words (for reasons a student reads)."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true or false"
    if isinstance(value, float):
        return "a decimal number"
    if isinstance(value, int):
        return "a number"
    return {dict: "a JSON object", list: "a list", str: "text"}[type(value)]


def _quoted(text, most=40):
    return repr(text) if len(text) <= most else repr(text[:most]) + "..."
