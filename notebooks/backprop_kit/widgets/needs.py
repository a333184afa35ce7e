"""What the kit needs installed, said in one sentence when something is missing or too old.

A student's own stack (Colab, a hub, a conda environment) may lack a package or hold an old
one: instead of a traceback from deep inside an import, ``check`` raises ``MissingPackage``,
which IPython shows as that one sentence, naming what to pip install.  The ranges are
pyproject.toml's (a test checks they agree).
"""

import importlib.metadata
import importlib.util
import re
import sys

# (package, lowest release supported, first release not supported or None)
NEEDED = {
    "numpy": ((1, 26), None),
    "matplotlib": ((3, 8), None),
    "ipywidgets": ((7, 7), (9,)),
}


class MissingPackage(ImportError):
    """A package the kit needs is missing or outside its range; IPython shows only the message."""

    def _render_traceback_(self):
        return [str(self)]


def installed(package):
    """The release of ``package`` Python would use ((major, minor, ...) ints), () when its release
    is unknown, or None when it is not installed."""
    try:
        if importlib.util.find_spec(package) is None:
            return None
    except (ImportError, ValueError):  # (ValueError: a module set to None, blocked)
        return None
    # the imported module's own release first: an upgrade is installed but not loaded before a restart
    version = getattr(sys.modules.get(package), "__version__", None)
    if version is None:
        try:
            version = importlib.metadata.version(package)
        except importlib.metadata.PackageNotFoundError:
            return ()
    return tuple(int(part) for part in re.findall(r"\d+", version)[:3])


def requirement(package):
    """The pip requirement for ``package``, e.g. 'matplotlib>=3.8' or 'ipywidgets>=7.7,<9'."""
    low, high = NEEDED[package]
    text = f"{package}>={'.'.join(map(str, low))}"
    return text + (f",<{'.'.join(map(str, high))}" if high else "")


def problem(packages=tuple(NEEDED)):
    """One sentence naming what to install for ``packages`` (all by default), or None when all are there."""
    wrong, named = [], []
    for package in packages:
        low, high = NEEDED[package]
        release = installed(package)
        if release is None:
            wrong.append(f"{package} (not installed)")
        elif release and (release[:2] < low or (high and release[:len(high)] >= high)):
            wrong.append(f"{requirement(package)} (this is {'.'.join(map(str, release))})")
        else:
            continue
        named.append(f'"{requirement(package)}"')
    return _sentence(wrong, named) if wrong else None


def check(packages=tuple(NEEDED)):
    """Raise MissingPackage with ``problem``'s sentence if there is one."""
    sentence = problem(packages)
    if sentence is not None:
        raise MissingPackage(sentence)


def missing(*packages):
    """MissingPackage for ``packages`` when one of them could not be imported: those missing or
    too old, else the first, named as not importing."""
    first = packages[0]
    return MissingPackage(problem(packages) or _sentence([f"{first}, which did not import"],
                                                        [f'"{requirement(first)}"']))


def _sentence(wrong, named):
    return (f"The backprop kit needs {' and '.join(wrong)}: run  pip install {' '.join(named)}  "
            f"and then restart the kernel (in Colab: Runtime > Restart session).")
