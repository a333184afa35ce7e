"""A sandbox per submission: the student's process sees its own job folder and nothing of ours.

Three levels, the best the machine allows (``isolation()`` probes once):

- ``bubblewrap`` (Linux, Debian's ``bubblewrap`` package): new user, mount, pid, network,
  IPC and UTS namespaces; an unprivileged uid (65534; as root the runner drops to it
  itself before any student code runs); the system read-only; ``/tmp`` empty; only the
  job folder writable; the kit's student package read-only; nothing of other
  submissions, the output folder, the tests, the kernelspecs or anyone's home.  Its pid
  namespace dies with it, so killing a job ends every process it started, double forks
  and ``setsid`` included.
- ``separate user`` (root without bubblewrap, e.g. inside a container): each job runs
  as a uid of its own (``JOB_UIDS``, never shared by two jobs at once), which cannot
  read the grader's 0700 folders, signal another job or write its folder; when the job
  ends every process of that uid is killed, ``setsid`` daemons included.
- ``none`` (macOS, a locked-down host): a plain child process.  Grades are still
  computed outside it (see ``grader/standins.py``); the run warns once.
"""

import os
import resource
import shutil
import signal
import subprocess
import sys
import sysconfig
import tempfile
import threading
import time
from pathlib import Path

NOBODY = 65534
JOB_UIDS = range(61000, 61256)  # 'separate user': one uid per running job
RUNNER = Path(__file__).with_name("student_runner.py")
WIRE = Path(__file__).with_name("wire.py")
FILE_SIZE_LIMIT = 256 * 2**20  # one file the notebook writes; more fills the grader's disk
PROCESS_LIMIT = 1024  # processes of uid 65534 at once (root levels only): a fork bomb stops here
ENVIRONMENT = {
    "PATH": "/usr/local/bin:/usr/bin:/bin",
    "LANG": "C.UTF-8",
    "PYTHONHASHSEED": "0",  # the same set and dict order on every run
    "PYTHONDONTWRITEBYTECODE": "1",
    "MPLBACKEND": "agg",  # nothing is shown while grading
    "OPENBLAS_NUM_THREADS": "1",  # one BLAS thread a submission: several are graded at once
    "OMP_NUM_THREADS": "1",
    "MKL_NUM_THREADS": "1",
    "JUPYTER_PLATFORM_DIRS": "1",
}
LEVELS = ("bubblewrap", "separate user", "none")
_probed = {}
_probing = threading.Lock()
_uids_in_use = set()


def isolation():
    """The best level this machine gives, probed once (by actually starting a sandboxed Python)."""
    with _probing:
        if "best" not in _probed:
            _probed["best"] = next(level for level in LEVELS if _works(level))
        return _probed["best"]


def _works(level):
    if level == "none":
        return True
    if level == "separate user" and os.geteuid() != 0:
        return False
    if level == "bubblewrap" and not shutil.which("bwrap"):
        return False
    probe = Path(tempfile.mkdtemp(prefix="backprop-probe-"))
    try:
        uid = NOBODY if level != "none" else None
        _own(probe, uid)
        code = "import numpy, os; assert os.getuid() != 0; open('probe', 'w').write('ok')"
        argv, preexec = _command(level, probe, Path("/nonexistent"), [sys.executable, "-I", "-c",
                                                                        _drop_then(code)], uid=uid)
        done = subprocess.run(argv, cwd=probe, env=_environment(level, probe), preexec_fn=preexec,
                              capture_output=True, timeout=60)
        return done.returncode == 0 and (probe / "probe").exists()
    except (OSError, subprocess.SubprocessError):
        return False
    finally:
        shutil.rmtree(probe, ignore_errors=True)


def _drop_then(code):
    return (f"import os\nif os.getuid() == 0:\n    os.setgroups([]); os.setgid({NOBODY}); os.setuid({NOBODY})\n"
            f"os.chdir(os.environ['JOB'])\n{code}")


def prepare_job_folder(folder, level):
    """Put the runner beside the job's files; give the folder to the uid the job will run as.

    Returns that uid (None: the grader's own).  Release it with ``kill``.
    """
    folder = Path(folder)
    shutil.copy(RUNNER, folder / "runner.py")
    shutil.copy(WIRE, folder / "wire.py")
    uid = _claim_uid() if level == "separate user" else NOBODY if level == "bubblewrap" else None
    _own(folder, uid)
    if level == "separate user":
        for parent in (folder.parent, folder.parent.parent):  # reachable by its exact name, never listed
            os.chmod(parent, 0o711)
    return uid


def _own(folder, uid):
    if os.geteuid() == 0 and uid is not None:
        for path in [Path(folder), *Path(folder).rglob("*")]:
            os.chown(path, uid, uid, follow_symlinks=False)


def _claim_uid():
    with _probing:
        uid = next(u for u in JOB_UIDS if u not in _uids_in_use)
        _uids_in_use.add(uid)
        return uid


def start(folder, kit_dir, level, uid=None, memory_limit=None):
    """Start the runner for the job in ``folder`` (as ``uid`` from ``prepare_job_folder``); return the Popen.

    Its stdin and stdout are the protocol; ``process.job_uid`` is what ``kill`` ends and releases.
    """
    folder = Path(folder)
    runner = [sys.executable, "-I", _inside(level, folder) + "/runner.py"]
    argv, preexec = _command(level, folder, Path(kit_dir), runner, memory_limit=memory_limit, uid=uid)
    process = subprocess.Popen(argv, cwd=folder, env=_environment(level, folder), preexec_fn=preexec,
                               stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    process.job_uid = uid if level == "separate user" else None
    return process


def kit_inside(level, kit_dir):
    """Where the runner finds the kit's package: ``/kit`` in the sandbox, else its own folder."""
    return "/kit" if level == "bubblewrap" else str(Path(kit_dir))


def _inside(level, folder):
    return "/job" if level == "bubblewrap" else str(folder)


def _environment(level, folder):
    inside = _inside(level, folder)
    return {**ENVIRONMENT, "HOME": inside, "JOB": inside, "MPLCONFIGDIR": f"{inside}/.matplotlib",
            "TMPDIR": "/tmp" if level == "bubblewrap" else f"{inside}/tmp"}


def _command(level, folder, kit_dir, argv, memory_limit=None, uid=NOBODY):
    def limits():
        os.setsid()  # one process group: the whole job is killed at once
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
        resource.setrlimit(resource.RLIMIT_FSIZE, (FILE_SIZE_LIMIT, FILE_SIZE_LIMIT))
        if memory_limit:
            resource.setrlimit(resource.RLIMIT_AS, (memory_limit, memory_limit))
        if os.geteuid() == 0 and level != "none":
            resource.setrlimit(resource.RLIMIT_NPROC, (PROCESS_LIMIT, PROCESS_LIMIT))
        if level == "separate user":
            os.setgroups([])
            os.setgid(uid)
            os.setuid(uid)

    if level != "bubblewrap":
        return argv, limits
    return _bubblewrap(folder, kit_dir) + argv, limits


def _bubblewrap(folder, kit_dir):
    # --clearenv: the TA's environment (tokens, paths) stays out; the job's own is set inside
    command = ["bwrap", "--unshare-pid", "--unshare-net", "--unshare-ipc", "--unshare-uts", "--unshare-cgroup-try",
               "--die-with-parent", "--new-session", "--clearenv"]
    if os.geteuid() != 0:  # as root, the runner drops to 65534 itself (a mapped uid 0 would stay root outside)
        command += ["--unshare-user", "--uid", str(NOBODY), "--gid", str(NOBODY), "--cap-drop", "ALL"]
    command += ["--ro-bind", "/usr", "/usr", "--ro-bind", "/etc", "/etc"]
    for top in ("/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32"):
        if os.path.islink(top):
            command += ["--symlink", os.readlink(top), top]
        elif os.path.isdir(top):
            command += ["--ro-bind", top, top]
    command += ["--proc", "/proc", "--dev", "/dev", "--tmpfs", "/tmp"]
    readable = sorted({str(Path(p).resolve()) for p in _python_folders()})
    readable = [p for p in readable if not any(p != q and p.startswith(q + os.sep) for q in readable)]
    for path in readable:
        if path.startswith(("/usr/", "/etc/")) or not os.path.isdir(path):
            continue
        command += _parents(path)
        command += ["--ro-bind", path, path]
    if kit_dir.is_dir():
        command += ["--perms", "0755", "--dir", "/kit", "--ro-bind", str(kit_dir / "backprop_kit"),
                    "/kit/backprop_kit"]
    command += ["--bind", str(folder), "/job", "--chdir", "/job"]
    for name, value in _environment("bubblewrap", folder).items():
        command += ["--setenv", name, value]
    return command


def _python_folders():
    """The interpreter, its standard library and every site-packages folder, wherever they live."""
    paths = {sys.prefix, sys.base_prefix, sys.exec_prefix, sys.base_exec_prefix,
             os.path.dirname(os.path.realpath(sys.executable))}
    for key in ("stdlib", "platstdlib", "purelib", "platlib"):
        paths.add(sysconfig.get_paths()[key])
    paths.update(p for p in sys.path if p.endswith("-packages"))
    return [p for p in paths if p]


def _parents(path):
    """Folders above a bind, created readable (bubblewrap would make them 0700)."""
    parents = []
    for parent in reversed(Path(path).parents):
        if str(parent) in ("/", "/usr", "/etc", "/tmp", "/proc", "/dev"):
            continue
        parents += ["--perms", "0755", "--dir", str(parent)]
    return parents


def kill(process):
    """End the job: its process group, with bubblewrap its whole pid namespace, with a job uid every process of it."""
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
    try:
        process.kill()
    except OSError:
        pass
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        pass
    uid = getattr(process, "job_uid", None)
    if uid is not None:
        _kill_uid(uid)
        with _probing:
            _uids_in_use.discard(uid)
        process.job_uid = None


def _kill_uid(uid):
    """SIGKILL every process running as ``uid`` (Linux /proc), until none is left."""
    for _ in range(50):
        found = False
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            try:
                status = (entry / "status").read_text()
            except OSError:
                continue
            uids = next((line.split()[1:] for line in status.splitlines() if line.startswith("Uid:")), [])
            if str(uid) in uids:
                found = True
                try:
                    os.kill(int(entry.name), signal.SIGKILL)
                except (ProcessLookupError, PermissionError):
                    pass
        if not found:
            return
        time.sleep(0.02)
