"""Running a Python module on untrusted input inside a bubblewrap sandbox.

The sandbox sees the Python environment read-only, its input files read-only in
/work/in, a private size-capped tmpfs as its working folder (/work/sub) and /tmp; no
network, its own PID namespace, an unprivileged uid; never the course folder or the home
folder. It dies with its parent. Resource limits (memory, CPU time, processes, file size,
wall clock) come from :class:`Sandbox`, which nbgrader_config.py configures. A
:class:`Session` talks with the sandboxed process in frames (:mod:`autograder.sandbox.plain_data`):
requests on its standard input, answers on a pipe, each frame size-capped; anything the
sandbox says is untrusted data.
"""

import fcntl
import os
import queue
import resource
import shutil
import signal
import stat
import subprocess
import sys
import sysconfig
import tempfile
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from traitlets import Bool, Float, Integer
from traitlets.config import Configurable

from . import plain_data, resource_unit

INSTALL_HINT = ("bubblewrap is not installed: grading runs every submission in a bwrap sandbox. "
                "Install it (Debian/Ubuntu: `sudo apt-get install bubblewrap`; Fedora: `sudo dnf "
                "install bubblewrap`), or pass --no-sandbox to grade without one (only for "
                "submissions you trust; it is written into every log record).")
_UID_BASE = 61000
_UID_SLOTS = 512
WATCH_SECONDS = 0.2
LOCK_FOLDER = "autograder-sandbox-uids"


class SandboxUnavailable(RuntimeError):
    """bubblewrap is missing or cannot create a sandbox on this machine."""


class Sandbox(Configurable):
    """Limits for each sandboxed process; set them in nbgrader_config.py as c.Sandbox.*."""

    enabled = Bool(True, help="Run submissions in a bubblewrap sandbox (--no-sandbox: False)"
                   ).tag(config=True)
    memory_mb = Integer(4096, help="Memory of one sandbox, MiB: all its processes, its files "
                        "in /tmp and shared memory together (a control group; also each "
                        "process's address space, RLIMIT_AS)").tag(config=True)
    cpu_seconds = Integer(600, help="CPU time of one sandbox, all its processes together, "
                          "seconds").tag(config=True)
    cpus = Float(1.0, help="Cores one sandbox may use at once (a control group's CPU quota), "
                 "so that a student's processes cannot slow a classmate's").tag(config=True)
    processes = Integer(256, help="Processes and threads of one sandbox (a control group's "
                        "pids limit and RLIMIT_NPROC)").tag(config=True)
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
    cpus: float = 1.0
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
                 if n not in ("enabled", "cell_timeout", "figures", "cpus")]
        return cls(enabled=enabled and sandbox.enabled, cell_timeout=int(cell_timeout),
                   figures=sandbox.figures, cpus=float(sandbox.cpus),
                   **{n: int(getattr(sandbox, n)) for n in names})


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
    """Raise SandboxUnavailable when the sandbox is on and bubblewrap is missing, or its uid
    locks are not safe."""
    if limits.enabled and not available():
        raise SandboxUnavailable(INSTALL_HINT)
    if limits.enabled and os.geteuid() == 0:
        os.close(_lock_folder())


def _environment_paths():
    """Folders the sandbox needs read-only: the interpreter, the venv and this package."""
    package = Path(__file__).resolve().parents[1]
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


def _set_limits(limits, extra_processes, unit):
    """A preexec function: join the resource unit, and set rlimits for the sandboxed process
    tree (bwrap inherits them)."""
    mib = 1024 * 1024

    def apply():
        unit.join()
        for which, value in [(resource.RLIMIT_AS, limits.memory_mb * mib),
                             (resource.RLIMIT_CPU, limits.cpu_seconds),
                             (resource.RLIMIT_NPROC, limits.processes + extra_processes),
                             (resource.RLIMIT_FSIZE, limits.file_size_mb * mib),
                             (resource.RLIMIT_CORE, 0)]:
            resource.setrlimit(which, (value, value))
    return apply


def _lock_folder():
    """The folder of the uid locks in shared temporary space, opened (O_NOFOLLOW) after
    checking that it is a folder of ours that nobody else may write: a descriptor."""
    path = Path(tempfile.gettempdir()) / LOCK_FOLDER
    try:
        path.mkdir(mode=0o700)  # atomic: exists already, or is ours now
    except FileExistsError:
        pass
    try:
        handle = os.open(path, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC)
    except OSError as error:
        raise SandboxUnavailable(_unsafe(path, f"it cannot be opened as a folder ({error})")
                                 ) from None
    info = os.fstat(handle)
    if info.st_uid != os.geteuid() or info.st_mode & 0o077:
        os.close(handle)
        raise SandboxUnavailable(_unsafe(path, f"it belongs to uid {info.st_uid} with mode "
                                         f"{stat.S_IMODE(info.st_mode):o}"))
    return handle


def _unsafe(path, why):
    return (f"refusing the sandbox lock folder {path}: {why}; it must be a folder owned by "
            f"uid {os.geteuid()} with mode 700. Someone else may have made it: check, remove "
            "it, and grade again.")


@contextmanager
def _uid_slot():
    """An unprivileged uid no other sandbox on this machine uses now (root only)."""
    folder = _lock_folder()
    try:
        for slot in range(_UID_SLOTS):
            handle = os.open(f"{slot}.lock", os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW | os.O_CLOEXEC,
                             0o600, dir_fd=folder)
            try:
                if not stat.S_ISREG(os.fstat(handle).st_mode):
                    os.close(handle)
                    raise SandboxUnavailable(f"the sandbox lock {slot}.lock is not a file")
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                os.close(handle)
                continue
            try:
                yield _UID_BASE + slot
            finally:
                os.close(handle)
            return
    finally:
        os.close(folder)
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
    """A running sandboxed process that answers in frames (:mod:`autograder.sandbox.plain_data`):
    :meth:`send` writes to its standard input, :meth:`receive` reads its channel. Whatever it
    says is untrusted: each frame is size-capped, and it is killed after ``wall_seconds``."""

    def __init__(self, command, pipe, limits, wall_seconds, cwd=None, env=None, extra=0):
        read_end, write_end = pipe
        self.started = time.monotonic()
        self.deadline = self.started + wall_seconds
        self.timed_out = False
        self.flags = []  # what the sandbox reported as suspicious (untrusted, size-capped)
        self.unit, self.unit_warning = resource_unit.create(limits)
        self.limit_hit, self.peak_processes, self.stray, self.left_session = None, 0, 0, 0
        try:
            self.process = subprocess.Popen(
                self.unit.wrap(command), stdin=subprocess.PIPE, stdout=subprocess.DEVNULL,
                stderr=subprocess.PIPE, pass_fds=(write_end,),
                preexec_fn=_set_limits(limits, extra, self.unit), start_new_session=True,
                cwd=cwd, env=env)
        except OSError as error:
            os.close(read_end)
            self.unit.close()
            raise SandboxUnavailable(f"could not start {command[0]}: {error}") from error
        finally:
            os.close(write_end)
        self._watching = threading.Event()
        self.frames = queue.Queue()
        self.stderr, self._stderr_cut = [], []
        self.readers = [
            threading.Thread(target=self._read_frames, args=(os.fdopen(read_end, "rb"),),
                             daemon=True),
            threading.Thread(target=_drain, args=(self.process.stderr, 65536, self.stderr,
                                                  self._stderr_cut), daemon=True),
            threading.Thread(target=self._watch, daemon=True)]
        for reader in self.readers:
            reader.start()

    def _watch(self):
        """Every 0.2 s: count the unit's processes, and stop it when it passes a limit."""
        while not self._watching.wait(WATCH_SECONDS):
            pids = self.unit.pids(self.process.pid)
            self.peak_processes = max(self.peak_processes, len(pids))
            self.unit.measure(pids)
            exceeded = self.unit.exceeded()
            if exceeded and not self.limit_hit:
                self.limit_hit = exceeded
                self.kill()
            self.left_session += self._stop(_outside_sessions(self.process.pid, pids))

    def _stop(self, pids):
        """SIGKILL ``pids``; how many were still there to be stopped."""
        stopped = 0
        for pid in pids:
            try:
                os.kill(pid, signal.SIGKILL)
                stopped += 1
            except (ProcessLookupError, PermissionError):
                pass
        self.stray += stopped
        return stopped

    def reap(self):
        """Kill the processes that outlived the cell that started them: all but the sandbox's
        own chain (bwrap, the driver) and the kernel, the driver's first child."""
        pids = self.unit.pids(self.process.pid)
        allowed = _own_chain(self.process.pid, pids)
        return self._stop([pid for pid in pids if pid not in allowed])

    @property
    def memory_hit(self):
        """True when the unit ran out of memory (the kernel killed one of its processes)."""
        return self.limit_hit == "memory" or getattr(self.unit, "memory_hit", False)

    def usage(self):
        """What the unit used, for the grading log."""
        return {**self.unit.usage(), "peak_processes": self.peak_processes,
                "stray_processes": self.stray,
                **({"warning": self.unit_warning} if self.unit_warning else {})}

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
        self.unit.kill(self.process.pid)

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
        self._watching.set()
        self.readers[-1].join()
        self.unit.measure(self.unit.pids(self.process.pid))
        self.kill()  # whatever it left behind (without a sandbox: its children)
        self.process.wait()
        for reader in self.readers:
            reader.join(timeout=10)
        self.unit.close()
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


def _own_chain(root_pid, pids):
    """The processes of the sandbox itself in ``pids``: ``root_pid`` and its line of first
    children down to the driver, and the driver's first child, the kernel."""
    chain, pid = [root_pid], root_pid
    while len(chain) < 6:  # bwrap, its init, the driver, the kernel: never deeper
        children = sorted((_started(p), p) for p in pids if resource_unit.parent_of(p) == pid)
        if not children:
            return set(chain)
        pid = children[0][1]
        chain.append(pid)
        if _is_driver(chain[-2]):
            break
    return set(chain)


def _outside_sessions(root_pid, pids):
    """The processes in ``pids`` that left the sessions of the sandbox's own chain."""
    chain = _own_chain(root_pid, pids)
    if not any(_is_driver(pid) for pid in chain):
        return []  # bwrap is still setting up (its helpers start sessions): no student code yet
    sessions = {_stat_field(pid, 3) for pid in chain}
    outside = []
    for pid in set(pids) - chain:
        # 0 or None: it ended meanwhile (a zombie has no session), as a grade cell's copy does
        if _stat_field(pid, 3) not in sessions | {0, None}:
            outside.append(pid)
    return outside


def _started(pid):
    """When ``pid`` started (clock ticks since boot); processes that are gone sort last."""
    return _stat_field(pid, 19, float("inf"))


def _stat_field(pid, index, missing=None):
    """Field ``index`` after the command name in /proc/PID/stat (1: parent, 3: session,
    19: start time), as an int; ``missing`` when the process is gone."""
    try:
        return int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[index])
    except (OSError, IndexError, ValueError):
        return missing


def _is_driver(pid):
    try:
        argv = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
    except OSError:
        return False
    return argv[1:3] == [b"-m", b"autograder.sandbox.kernel_driver"]


def _kill_session(process):
    """SIGKILL the sandbox's whole session (bwrap and, through its PID namespace, the rest)."""
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
