"""Kernels forked from a warm process: a Jupyter kernel provisioner for grading.

A fresh ``python -m ipykernel_launcher`` spends most of its start-up importing:
ipykernel, then ``from otter import Notebook`` (Otter's init cell, ~1.5 s), then
numpy and matplotlib for the notebook.  The grading child (see ``engine``) is a
fork of a process that already imported all of that, so it forks once more,
*before* it runs anything, and keeps that copy waiting.  When Otter's
notebook client asks Jupyter for a kernel, ``ForkProvisioner`` hands the
waiting copy its connection file and it becomes the kernel.

Each kernel is still a new process that has run nothing but imports: no student
code, no earlier submission.  It gets the environment, working folder and
limits Jupyter asks for, and closes every file descriptor it inherited, so it
cannot write into the grader's result pipe.

The provisioner is an ordinary ``jupyter_client`` provisioner (the documented
extension point), selected by the ``KERNEL_NAME`` kernelspec that ``install``
writes.  If no copy is waiting (a second kernel in one submission) it falls
back to launching a normal kernel process.
"""

import json
import os
import pathlib
import signal
import sys

from jupyter_client.provisioning.local_provisioner import LocalProvisioner

KERNEL_NAME = "backprop-grading"
PROVISIONER_NAME = "backprop-fork"
_waiting = None  # (pid, write end of its pipe) of the kernel-to-be forked by prefork()


def install(jupyter_dir):
    """Write the grading kernelspec under ``jupyter_dir`` and register the provisioner.

    Call in the warm process; set ``JUPYTER_PATH`` to ``jupyter_dir`` so kernel
    managers find the spec.  The argv is a normal ipykernel launch: it is what
    runs if the provisioner is ever bypassed.
    """
    from importlib.metadata import EntryPoint

    from jupyter_client.provisioning.factory import KernelProvisionerFactory

    spec_dir = pathlib.Path(jupyter_dir) / "kernels" / KERNEL_NAME
    spec_dir.mkdir(parents=True, exist_ok=True)
    spec = {
        "argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": "Python 3 (backprop grading)",
        "language": "python",
        "metadata": {"kernel_provisioner": {"provisioner_name": PROVISIONER_NAME}},
    }
    (spec_dir / "kernel.json").write_text(json.dumps(spec, indent=1))
    # The factory's cache of provisioner entry points; registering here avoids
    # needing a reinstall of the package for an entry point in its metadata.
    KernelProvisionerFactory.instance().provisioners[PROVISIONER_NAME] = EntryPoint(
        PROVISIONER_NAME, f"{__name__}:ForkProvisioner", "jupyter_client.kernel_provisioners")


def prefork(log_path, memory_limit=None):
    """Fork the kernel-to-be now, while this process is single-threaded.

    The copy closes what it inherited and waits for ``ForkProvisioner`` to send
    its launch details; ``log_path`` receives its low-level stdout/stderr.
    """
    global _waiting
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid:
        os.close(read_end)
        _waiting = (pid, write_end)
        return pid
    try:
        _become_kernel(read_end, log_path, memory_limit)
    finally:
        os._exit(1)


def discard():
    """Stop a kernel-to-be that was never used (the submission failed before its kernel started)."""
    global _waiting
    if _waiting:
        pid, write_end = _waiting
        _waiting = None
        os.close(write_end)  # EOF: the copy exits
        try:
            os.waitpid(pid, 0)
        except ChildProcessError:
            pass


def _become_kernel(read_end, log_path, memory_limit):
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    devnull = os.open(os.devnull, os.O_RDONLY)
    os.dup2(devnull, 0)
    log = os.open(log_path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    os.dup2(log, 1)
    os.dup2(log, 2)
    keep = os.dup2(read_end, 3)
    os.closerange(4, _max_fd())  # everything the grader had open stays out of the kernel
    if memory_limit:
        import resource

        resource.setrlimit(resource.RLIMIT_AS, (memory_limit, memory_limit))
    data = b""
    while chunk := os.read(keep, 1 << 16):
        data += chunk
    os.close(keep)
    if not data:
        os._exit(0)
    job = json.loads(data)
    os.chdir(job["cwd"])
    os.environ.clear()
    os.environ.update(job["env"])
    sys.argv = ["ipykernel_launcher", "-f", job["connection_file"]]
    sys.path[0] = job["cwd"]  # as for `python -m ipykernel_launcher` started in that folder
    _seed_random_generators()

    from ipykernel.kernelapp import IPKernelApp

    app = IPKernelApp.instance()
    # An in-memory history: the TA's ~/.ipython history never sees student code.
    app.initialize(sys.argv[1:] + ["--HistoryManager.hist_file=:memory:"])
    app.start()
    os._exit(0)


def _seed_random_generators():
    """Same seeds in every kernel, so unseeded randomness gives the same score on every run."""
    import random

    random.seed(0)
    if "numpy" in sys.modules:
        sys.modules["numpy"].random.seed(0)


def _max_fd():
    try:
        import resource

        return min(resource.getrlimit(resource.RLIMIT_NOFILE)[0], 65536)
    except (ImportError, ValueError):
        return 4096


class _ForkedProcess:
    """The few ``subprocess.Popen`` methods a provisioner uses, for a pid we forked."""

    stdin = stdout = stderr = None

    def __init__(self, pid):
        self.pid = pid
        self.returncode = None

    def poll(self):
        if self.returncode is None:
            try:
                pid, status = os.waitpid(self.pid, os.WNOHANG)
            except ChildProcessError:
                self.returncode = -1
            else:
                if pid:
                    self.returncode = os.waitstatus_to_exitcode(status)
        return self.returncode

    def wait(self, timeout=None):
        if self.returncode is None:
            try:
                _, status = os.waitpid(self.pid, 0)
                self.returncode = os.waitstatus_to_exitcode(status)
            except ChildProcessError:
                self.returncode = -1
        return self.returncode

    def send_signal(self, signum):
        if self.poll() is None:
            os.kill(self.pid, signum)

    def kill(self):
        self.send_signal(signal.SIGKILL)

    def terminate(self):
        self.send_signal(signal.SIGTERM)


class ForkProvisioner(LocalProvisioner):
    """Start the kernel by waking the pre-forked copy; otherwise behave like the local provisioner."""

    async def launch_kernel(self, cmd, **kwargs):
        global _waiting
        if _waiting is None:
            return await super().launch_kernel(cmd, **kwargs)
        pid, write_end = _waiting
        _waiting = None
        cwd = str(kwargs.get("cwd") or os.getcwd())
        job = {"connection_file": cmd[cmd.index("-f") + 1], "cwd": cwd,
               "env": dict(kwargs.get("env") or os.environ)}
        with os.fdopen(write_end, "wb") as pipe:
            pipe.write(json.dumps(job).encode())
        self.process = _ForkedProcess(pid)
        self.pid = pid
        # Signals go to the kernel alone: its process group is the grading child's.
        self.pgid = None
        self.cwd = cwd
        return self.connection_info
