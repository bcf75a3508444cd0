"""Running a Python module on untrusted input inside a bubblewrap sandbox.

The sandbox sees the Python environment read-only, its input files read-only in
/work/in, a private size-capped tmpfs as its working folder (/work/sub) and /tmp; no
network, its own PID namespace, an unprivileged uid; never the course folder or the home
folder. It dies with its parent. Resource limits (memory, CPU time, processes, file size,
wall clock) come from :class:`.limits.Sandbox`, which nbgrader_config.py configures. A
:class:`Session` talks with the sandboxed process in frames (:mod:`autograder.sandbox.plain_data`):
requests on its standard input, answers on a pipe, each frame size-capped; anything the
sandbox says is untrusted data.
"""

import os
import queue
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from contextlib import contextmanager
from pathlib import Path

from . import plain_data, resource_unit
from .bwrap import bwrap_command, plain_environment
from .reaper import kill_session, outside_sessions, own_chain
from .uids import SandboxUnavailable, lock_folder, processes_of, uid_slot

INSTALL_HINT = ("bubblewrap is not installed: grading runs every submission in a bwrap sandbox. "
                "Install it (Debian/Ubuntu: `sudo apt-get install bubblewrap`; Fedora: `sudo dnf "
                "install bubblewrap`), or pass --no-sandbox to grade without one (only for "
                "submissions you trust; it is written into every log record).")
WATCH_SECONDS = 0.2


def available():
    """True when bubblewrap is installed."""
    return shutil.which("bwrap") is not None


def require(limits):
    """Raise SandboxUnavailable when the sandbox is on and bubblewrap is missing, or its uid
    locks are not safe."""
    if limits.enabled and not available():
        raise SandboxUnavailable(INSTALL_HINT)
    if limits.enabled and os.geteuid() == 0:
        os.close(lock_folder())



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
                         env={**os.environ, **plain_environment(folder)}) as started:
                yield started
        elif os.geteuid() == 0:
            with uid_slot() as uid, Session(bwrap_command(argv, folder, limits, uid), pipe,
                                             limits, wall_seconds,
                                             extra=processes_of(uid)) as started:
                yield started
        else:
            with Session(bwrap_command(argv, folder, limits), pipe, limits, wall_seconds,
                         extra=processes_of(os.getuid())) as started:
                yield started



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
            self.left_session += self._stop(outside_sessions(self.process.pid, pids))

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
        allowed = own_chain(self.process.pid, pids)
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
        kill_session(self.process)
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
