"""Running a Python module on untrusted input inside a bubblewrap sandbox.

The sandbox sees the Python environment read-only, its input files read-only in
/work/in, a private size-capped tmpfs as its working folder (/work/sub) and /tmp; no
network, its own PID namespace, an unprivileged uid; never the course folder or the home
folder. It dies with its parent. Resource limits (memory, CPU time, processes, file size,
wall clock) come from :class:`Sandbox`, which nbgrader_config.py configures. A
:class:`Session` talks with the sandboxed process in frames (:mod:`autograder.plain_data`):
requests on its standard input, answers on a pipe, each frame size-capped; anything the
sandbox says is untrusted data.
"""

import fcntl
import os
import queue
import resource
import shutil
import signal
import subprocess
import sys
import sysconfig
import tempfile
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from traitlets import Bool, Integer
from traitlets.config import Configurable

from . import plain_data

INSTALL_HINT = ("bubblewrap is not installed: grading runs every submission in a bwrap sandbox. "
                "Install it (Debian/Ubuntu: `sudo apt-get install bubblewrap`; Fedora: `sudo dnf "
                "install bubblewrap`), or pass --no-sandbox to grade without one (only for "
                "submissions you trust; it is written into every log record).")
_UID_BASE = 61000
_UID_SLOTS = 512


class SandboxUnavailable(RuntimeError):
    """bubblewrap is missing or cannot create a sandbox on this machine."""


class Sandbox(Configurable):
    """Limits for each sandboxed process; set them in nbgrader_config.py as c.Sandbox.*."""

    enabled = Bool(True, help="Run submissions in a bubblewrap sandbox (--no-sandbox: False)"
                   ).tag(config=True)
    memory_mb = Integer(4096, help="Address space per process, MiB (RLIMIT_AS)").tag(config=True)
    cpu_seconds = Integer(600, help="CPU time per process, seconds (RLIMIT_CPU)").tag(config=True)
    processes = Integer(256, help="Processes and threads of the sandbox's uid (RLIMIT_NPROC)"
                        ).tag(config=True)
    file_size_mb = Integer(64, help="Largest file a submission may write, MiB (RLIMIT_FSIZE)"
                           ).tag(config=True)
    disk_mb = Integer(256, help="Size of the private working folder and of /tmp, MiB each"
                      ).tag(config=True)
    wall_seconds = Integer(600, help="Wall clock for a whole notebook, seconds").tag(config=True)
    output_kb = Integer(4096, help="Output a notebook may produce, KiB: a flood is cut"
                        ).tag(config=True)
    figures = Bool(False, help="Draw figures while grading, so feedback shows them (about a "
                   "third of a notebook's grading time; they earn no points)").tag(config=True)


@dataclass(frozen=True)
class Limits:
    """The numbers of :class:`Sandbox` as a plain, picklable value (it travels to workers)."""

    enabled: bool = True
    memory_mb: int = 4096
    cpu_seconds: int = 600
    processes: int = 256
    file_size_mb: int = 64
    disk_mb: int = 256
    wall_seconds: int = 600
    output_kb: int = 4096
    cell_timeout: int = 120
    figures: bool = False

    @classmethod
    def from_config(cls, config, cell_timeout, enabled=True):
        """Limits from a traitlets config (nbgrader_config.py) and nbgrader's cell timeout."""
        sandbox = Sandbox(config=config)
        names = [n for n in cls.__dataclass_fields__
                 if n not in ("enabled", "cell_timeout", "figures")]
        return cls(enabled=enabled and sandbox.enabled, cell_timeout=int(cell_timeout),
                   figures=sandbox.figures, **{n: int(getattr(sandbox, n)) for n in names})


def font_cache():
    """matplotlib's font list, so sandboxes need not rebuild it: file name -> bytes."""
    import matplotlib
    import matplotlib.font_manager  # noqa: F401 - builds the cache if it is missing

    folder = Path(matplotlib.get_cachedir())
    return {p.name: p.read_bytes() for p in folder.glob("fontlist-*.json")}


def available():
    """True when bubblewrap is installed."""
    return shutil.which("bwrap") is not None


def require(limits):
    """Raise SandboxUnavailable when the sandbox is on and bubblewrap is missing."""
    if limits.enabled and not available():
        raise SandboxUnavailable(INSTALL_HINT)


def _environment_paths():
    """Folders the sandbox needs read-only: the interpreter, the venv and this package."""
    package = Path(__file__).resolve().parent
    paths = {Path(sys.prefix), Path(sys.base_prefix), Path(sys.executable).resolve().parent.parent,
             Path(sysconfig.get_paths()["purelib"]), package}
    return sorted(p.resolve() for p in paths if p.exists())


_SYSTEM = ["/usr", "/bin", "/lib", "/lib64", "/lib32", "/etc/ld.so.cache", "/etc/alternatives",
           "/etc/fonts", "/etc/localtime", "/etc/mime.types", "/var/cache/fontconfig"]


def _bind_args(paths):
    """bwrap arguments binding ``paths`` read-only, with world-readable parent folders."""
    args, made = [], set()
    for path in paths:
        for parent in reversed(path.parents):
            if str(parent) != "/" and parent not in made and not any(
                    parent == p or p in parent.parents for p in paths if p != path):
                args += ["--perms", "0755", "--dir", str(parent)]
                made.add(parent)
        args += ["--ro-bind", str(path), str(path)]
    return args


def bwrap_command(argv, input_dir, limits, uid=None):
    """The bwrap command line that runs ``argv`` in the sandbox; ``uid`` given when we are
    root (bwrap then drops to it), None otherwise (an unprivileged user namespace)."""
    size = str(limits.disk_mb * 1024 * 1024)
    system = [p for p in _SYSTEM if os.path.exists(p)]
    args = ["bwrap"]
    for path in system:
        args += ["--ro-bind", path, path]
    # /tmp first: the environment may live below it (a checkout in /tmp) and binds on top.
    args += ["--perms", "1777", "--size", size, "--tmpfs", "/tmp"]
    args += _bind_args(_environment_paths())
    args += ["--perms", "0755", "--dir", "/work",
             "--ro-bind", str(input_dir), "/work/in",
             "--perms", "0777", "--size", size, "--tmpfs", "/work/sub",
             "--proc", "/proc", "--dev", "/dev", "--chdir", "/work/sub",
             "--unshare-ipc", "--unshare-pid", "--unshare-net", "--unshare-uts",
             "--unshare-cgroup-try", "--die-with-parent", "--new-session", "--clearenv"]
    for name, value in _sandbox_environment().items():
        args += ["--setenv", name, value]
    if uid is None:
        args += ["--unshare-user", "--uid", "65534", "--gid", "65534", "--"]
        return args + list(argv)
    args += ["--cap-drop", "ALL", "--cap-add", "CAP_SETUID", "--cap-add", "CAP_SETGID", "--",
             shutil.which("setpriv") or "/usr/bin/setpriv", f"--reuid={uid}", f"--regid={uid}",
             "--clear-groups", "--no-new-privs", "--"]
    return args + list(argv)


def _sandbox_environment():
    """The only environment variables a sandboxed process gets."""
    return {
        "PATH": f"{Path(sys.executable).parent}:/usr/bin:/bin",
        "HOME": "/work/sub",
        "TMPDIR": "/tmp",
        "LANG": "C.UTF-8",
        "MPLCONFIGDIR": "/tmp/matplotlib",
        "IPYTHONDIR": "/tmp/ipython",
        "JUPYTER_CONFIG_DIR": "/tmp/jupyter/config",
        "JUPYTER_DATA_DIR": "/tmp/jupyter/data",
        "JUPYTER_RUNTIME_DIR": "/tmp/jupyter/runtime",
        "JUPYTER_PLATFORM_DIRS": "1",
        "PYTHONDONTWRITEBYTECODE": "1",
        "OPENBLAS_NUM_THREADS": "1",
        "OMP_NUM_THREADS": "1",
        "MKL_NUM_THREADS": "1",
        "NBGRADER_EXECUTION": "autograde",
        "MPLBACKEND": "module://matplotlib_inline.backend_inline",
    }


def _processes_of(uid):
    """How many processes ``uid`` runs now (RLIMIT_NPROC counts them all)."""
    count = 0
    for entry in os.scandir("/proc"):
        if entry.name.isdigit():
            try:
                count += entry.stat().st_uid == uid
            except OSError:
                continue
    return count


def _set_limits(limits, extra_processes):
    """A preexec function: rlimits for the sandboxed process tree (bwrap inherits them)."""
    mib = 1024 * 1024

    def apply():
        for which, value in [(resource.RLIMIT_AS, limits.memory_mb * mib),
                             (resource.RLIMIT_CPU, limits.cpu_seconds),
                             (resource.RLIMIT_NPROC, limits.processes + extra_processes),
                             (resource.RLIMIT_FSIZE, limits.file_size_mb * mib),
                             (resource.RLIMIT_CORE, 0)]:
            resource.setrlimit(which, (value, value))
    return apply


@contextmanager
def _uid_slot():
    """An unprivileged uid no other sandbox on this machine uses now (root only)."""
    folder = Path(tempfile.gettempdir()) / "autograder-sandbox-uids"
    folder.mkdir(mode=0o700, exist_ok=True)
    for slot in range(_UID_SLOTS):
        handle = open(folder / f"{slot}.lock", "w")  # noqa: SIM115 - held while in use
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.close()
            continue
        try:
            yield _UID_BASE + slot
        finally:
            handle.close()
        return
    raise SandboxUnavailable("no free sandbox uid: too many sandboxes at once")


def _drain(stream, limit, sink, cut):
    """Read ``stream`` to its end, keeping at most ``limit`` bytes in ``sink``."""
    kept = 0
    while True:
        chunk = stream.read(65536)
        if not chunk:
            break
        if kept < limit:
            sink.append(chunk[: limit - kept])
            kept += len(sink[-1])
        if kept >= limit and len(chunk):
            cut.append(True)
    stream.close()


@contextmanager
def session(module, files, limits, wall_seconds):
    """Start ``python -m module CHANNEL_FD`` in the sandbox (or, with the sandbox off, as a
    plain process with the same limits) with ``files`` (name -> bytes) in /work/in; yield
    its :class:`Session`. Its whole process tree is killed when the block ends."""
    with tempfile.TemporaryDirectory(prefix="autograder-in-") as folder:
        folder = Path(folder)
        folder.chmod(0o755)
        for name, data in files.items():
            (folder / name).write_bytes(data)
            (folder / name).chmod(0o644)
        read_end, write_end = os.pipe()
        argv = [sys.executable, "-m", module, str(write_end)]
        pipe = (read_end, write_end)
        if not limits.enabled:
            with Session(argv, pipe, limits, wall_seconds, cwd=folder,
                         env={**os.environ, **_plain_environment(folder)}) as started:
                yield started
        elif os.geteuid() == 0:
            with _uid_slot() as uid, Session(bwrap_command(argv, folder, limits, uid), pipe,
                                             limits, wall_seconds,
                                             extra=_processes_of(uid)) as started:
                yield started
        else:
            with Session(bwrap_command(argv, folder, limits), pipe, limits, wall_seconds,
                         extra=_processes_of(os.getuid())) as started:
                yield started


def _plain_environment(folder):
    """Without a sandbox: the same variables, pointing at a private temporary folder."""
    env = _sandbox_environment()
    env.pop("PATH")
    env["HOME"] = str(folder)
    for name in ("MPLCONFIGDIR", "IPYTHONDIR", "JUPYTER_CONFIG_DIR", "JUPYTER_DATA_DIR",
                 "JUPYTER_RUNTIME_DIR"):
        env[name] = str(folder / "private" / name.lower())
    env["AUTOGRADER_INPUT"] = str(folder)
    return env


class Session:
    """A running sandboxed process that answers in frames (:mod:`autograder.plain_data`):
    :meth:`send` writes to its standard input, :meth:`receive` reads its channel. Whatever it
    says is untrusted: each frame is size-capped, and it is killed after ``wall_seconds``."""

    def __init__(self, command, pipe, limits, wall_seconds, cwd=None, env=None, extra=0):
        read_end, write_end = pipe
        self.started = time.monotonic()
        self.deadline = self.started + wall_seconds
        self.timed_out = False
        self.flags = []  # what the sandbox reported as suspicious (untrusted, size-capped)
        try:
            self.process = subprocess.Popen(
                command, stdin=subprocess.PIPE, stdout=subprocess.DEVNULL,
                stderr=subprocess.PIPE, pass_fds=(write_end,),
                preexec_fn=_set_limits(limits, extra), start_new_session=True, cwd=cwd, env=env)
        except OSError as error:
            os.close(read_end)
            raise SandboxUnavailable(f"could not start {command[0]}: {error}") from error
        finally:
            os.close(write_end)
        self.frames = queue.Queue()
        self.stderr, self._stderr_cut = [], []
        self.readers = [
            threading.Thread(target=self._read_frames, args=(os.fdopen(read_end, "rb"),),
                             daemon=True),
            threading.Thread(target=_drain, args=(self.process.stderr, 65536, self.stderr,
                                                  self._stderr_cut), daemon=True)]
        for reader in self.readers:
            reader.start()

    def _read_frames(self, stream):
        try:
            while True:
                self.frames.put(plain_data.read_frame(stream))
        except (EOFError, OSError, plain_data.FrameError) as error:
            self.frames.put(error)
        finally:
            stream.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def remaining(self):
        """Seconds left of the wall clock."""
        return self.deadline - time.monotonic()

    def receive(self, seconds=None):
        """The next (header, blobs) frame; Ended when the process stopped talking, or ran out
        of its wall clock (``timed_out``), or of ``seconds``."""
        limit = self.remaining() if seconds is None else min(seconds, self.remaining())
        try:
            frame = self.frames.get(timeout=max(limit, 0))
        except queue.Empty:
            if self.remaining() <= 0:
                self.timed_out = True
                self.kill()
                raise Ended("the wall clock ran out") from None
            raise Ended(f"no answer within {limit:.0f} s") from None
        if isinstance(frame, Exception):
            self.frames.put(frame)  # every later receive ends too
            raise Ended(str(frame) or type(frame).__name__)
        header, blobs = frame
        if not isinstance(header, dict):
            raise Ended("a message that is not a JSON object")
        return header, blobs

    def send(self, header, blobs=()):
        """Write one frame to the process; False if it no longer listens."""
        try:
            plain_data.write_frame(self.process.stdin, header, blobs)
        except (BrokenPipeError, OSError, ValueError):
            return False
        return True

    def kill(self):
        _kill_session(self.process)

    def close(self):
        """Kill the whole sandbox and collect its exit status and stderr."""
        try:
            self.process.stdin.close()
        except OSError:
            pass
        try:
            self.process.wait(timeout=max(0.0, min(5.0, self.remaining())))
        except subprocess.TimeoutExpired:
            pass
        self.kill()  # whatever it left behind (without a sandbox: its children)
        self.process.wait()
        for reader in self.readers:
            reader.join(timeout=10)
        self.seconds = time.monotonic() - self.started

    @property
    def returncode(self):
        return self.process.returncode

    @property
    def signal(self):
        """The signal that killed the process (negative return code), or None."""
        code = self.process.returncode
        return -code if code is not None and code < 0 else None

    @property
    def log(self):
        """What the sandboxed processes wrote on stderr (at most 64 KiB)."""
        return b"".join(self.stderr).decode("utf-8", "replace")


class Ended(Exception):
    """The sandboxed process stopped answering."""


def _kill_session(process):
    """SIGKILL the sandbox's whole session (bwrap and, through its PID namespace, the rest)."""
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
