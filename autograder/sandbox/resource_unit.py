"""One resource unit per sandbox: all its processes share one budget of memory (files in its
tmpfs, shared memory and memfd included), processes and CPU.

Where the grader may create control groups (root, with cgroup v1 controllers or a cgroup v2
subtree whose controllers it can enable; or a transient systemd scope), the kernel enforces
the memory and process limits and caps the unit at ``cpus`` cores; the unit's CPU time is
read from the group. Elsewhere a :class:`Watchdog` counts the sandbox's processes, memory and
CPU time from /proc, which sees no unmapped shared memory: the grading log says which kind
was used.
"""

import itertools
import os
import secrets
import signal
import subprocess
import time
from pathlib import Path

CGROUP_ROOT = Path("/sys/fs/cgroup")
_PERIOD_US = 100_000
GROUP = "autograder"  # the folder of the sandboxes' groups, below the grader's own group
_names = itertools.count()


def descendants(root_pid):
    """``root_pid`` and every process below it (a PID namespace reparents orphans to its
    init, which is below the sandbox's first process, so none escapes this walk)."""
    children = {}
    for entry in os.scandir("/proc"):
        if entry.name.isdigit():
            parent = parent_of(entry.name)
            if parent is not None:
                children.setdefault(parent, []).append(int(entry.name))
    found, todo = [], [root_pid]
    while todo:
        pid = todo.pop()
        found.append(pid)
        todo += children.get(pid, [])
    return found


def parent_of(pid):
    """The parent of ``pid``, None when it is gone."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return int(stat.rsplit(")", 1)[1].split()[1])


def _kill_all(pids):
    for pid in pids:
        try:
            os.kill(pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass


class Watchdog:
    """Limits by looking: the sandbox's processes, their resident memory and CPU time."""

    kind = "watchdog"

    def __init__(self, limits):
        self.limits = limits
        self.peak_memory = 0
        self.cpu = 0.0

    def join(self):
        """Called in the sandbox's first process before it starts (nothing to join)."""

    def wrap(self, command):
        """The command line that starts the sandbox inside this unit."""
        return command

    def pids(self, root_pid):
        return descendants(root_pid)

    def measure(self, pids):
        """Update the unit's memory and CPU time from ``pids``."""
        memory, cpu = 0, 0.0
        tick, page = os.sysconf("SC_CLK_TCK"), os.sysconf("SC_PAGE_SIZE")
        for pid in pids:
            try:
                fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
                memory += int(Path(f"/proc/{pid}/statm").read_text().split()[1]) * page
            except (OSError, IndexError, ValueError):
                continue
            cpu += (int(fields[11]) + int(fields[12])) / tick
        self.peak_memory = max(self.peak_memory, memory)
        self.cpu = max(self.cpu, cpu)

    def exceeded(self):
        """Which limit the unit passed, or None."""
        if self.peak_memory > self.limits.memory_mb * 2**20:
            return "memory"
        if self.cpu > self.limits.cpu_seconds:
            return "cpu"
        return None

    def kill(self, root_pid):
        _kill_all(self.pids(root_pid))

    def close(self):
        """Nothing to remove."""

    def usage(self):
        return {"kind": self.kind, "peak_memory_mb": round(self.peak_memory / 2**20, 1),
                "cpu_seconds": round(self.cpu, 1)}


class _Cgroup(Watchdog):
    """A control group per sandbox: the kernel holds memory and processes to the limits."""

    def __init__(self, limits, folders):
        super().__init__(limits)
        self.folders = folders  # controller -> this unit's folder
        self.memory_hit = False

    def join(self):
        for folder in dict.fromkeys(self.folders.values()):
            (folder / "cgroup.procs").write_text(str(os.getpid()))

    def pids(self, root_pid):
        text = self._read("pids", "cgroup.procs") or ""
        return [int(line) for line in text.split()]

    def _read(self, controller, name):
        try:
            return (self.folders[controller] / name).read_text()
        except (OSError, KeyError):
            return None

    def kill(self, root_pid):
        for _ in range(100):  # forks racing the kill: the process limit bounds them
            pids = self.pids(root_pid)
            if not pids:
                return
            _kill_all(pids)
            time.sleep(0.01)

    def close(self):
        for folder in sorted(set(self.folders.values()), reverse=True):
            for _ in range(50):
                try:
                    folder.rmdir()
                    break
                except FileNotFoundError:
                    break
                except OSError:  # its last processes are still exiting
                    time.sleep(0.05)

    def exceeded(self):
        return "cpu" if self.cpu > self.limits.cpu_seconds else None


class CgroupV1(_Cgroup):
    """Control groups in the v1 memory, pids, cpu and cpuacct hierarchies."""

    kind = "cgroup v1"
    CONTROLLERS = ("memory", "pids", "cpu", "cpuacct")

    @classmethod
    def create(cls, limits, name):
        unit = cls(limits, {})
        try:
            for controller in cls.CONTROLLERS:
                parent = CGROUP_ROOT / controller / _own_path(controller).lstrip("/") / GROUP
                parent.mkdir(exist_ok=True)
                _remove_stale(parent)
                folder = parent / name
                folder.mkdir()
                unit.folders[controller] = folder
            memory = str(limits.memory_mb * 2**20)
            unit._write("memory", "memory.limit_in_bytes", memory)
            if (unit.folders["memory"] / "memory.memsw.limit_in_bytes").exists():
                unit._write("memory", "memory.memsw.limit_in_bytes", memory)  # no swapping
            unit._write("pids", "pids.max", str(limits.processes))
            unit._write("cpu", "cpu.cfs_period_us", str(_PERIOD_US))
            unit._write("cpu", "cpu.cfs_quota_us", str(int(_PERIOD_US * limits.cpus)))
        except OSError:
            unit.close()
            raise
        return unit

    def _write(self, controller, name, value):
        (self.folders[controller] / name).write_text(value)

    def measure(self, pids):
        usage = self._read("cpuacct", "cpuacct.usage")
        self.cpu = int(usage) / 1e9 if usage else self.cpu
        peak = self._read("memory", "memory.max_usage_in_bytes")
        self.peak_memory = int(peak) if peak else self.peak_memory
        self.memory_hit = self.memory_hit or _counter(self._read("memory", "memory.oom_control"),
                                                      "oom_kill") > 0


class CgroupV2(_Cgroup):
    """A control group in the unified (v2) hierarchy, below the grader's own group."""

    kind = "cgroup v2"

    @classmethod
    def create(cls, limits, name):
        parent = CGROUP_ROOT / _own_path("").lstrip("/") / GROUP
        parent.mkdir(exist_ok=True)
        _remove_stale(parent)
        wanted = {"memory", "pids", "cpu"}
        if not wanted <= set((parent / "cgroup.controllers").read_text().split()):
            raise OSError("the memory, pids and cpu controllers are not delegated here")
        (parent / "cgroup.subtree_control").write_text("+memory +pids +cpu")
        folder = parent / name
        folder.mkdir()
        unit = cls(limits, {c: folder for c in ("memory", "pids", "cpu")})
        try:
            (folder / "memory.max").write_text(str(limits.memory_mb * 2**20))
            if (folder / "memory.swap.max").exists():
                (folder / "memory.swap.max").write_text("0")
            (folder / "pids.max").write_text(str(limits.processes))
            (folder / "cpu.max").write_text(f"{int(_PERIOD_US * limits.cpus)} {_PERIOD_US}")
        except OSError:
            unit.close()
            raise
        return unit

    def measure(self, pids):
        self.cpu = _counter(self._read("cpu", "cpu.stat"), "usage_usec") / 1e6
        peak = self._read("memory", "memory.peak")
        current = self._read("memory", "memory.current")
        self.peak_memory = max(self.peak_memory, int(peak or current or 0))
        self.memory_hit = self.memory_hit or _counter(self._read("memory", "memory.events"),
                                                      "oom_kill") > 0

    def kill(self, root_pid):
        try:
            (self.folders["pids"] / "cgroup.kill").write_text("1")
        except OSError:
            pass
        super().kill(root_pid)


def _remove_stale(parent):
    """Remove the empty groups of graders that are gone (killed before they could)."""
    for folder in parent.glob("sandbox-*"):
        grader = folder.name.split("-")[1]
        if grader.isdigit() and not Path(f"/proc/{grader}").exists():
            try:
                folder.rmdir()
            except OSError:
                pass  # processes are still in it: a later grader removes it


def _counter(text, key):
    """The number after ``key`` in a flat-keyed cgroup file, 0 if absent."""
    for line in (text or "").splitlines():
        parts = line.split()
        if len(parts) == 2 and parts[0] == key:
            return int(parts[1])
    return 0


def _own_path(controller):
    """This process's group in the hierarchy of ``controller`` ("" for the unified one)."""
    for line in Path("/proc/self/cgroup").read_text().splitlines():
        _, names, path = line.split(":", 2)
        if controller in names.split(","):
            return path
    return "/"


def _hierarchy():
    """"v1", "v2" or None: which control groups this machine mounts at /sys/fs/cgroup."""
    if (CGROUP_ROOT / "cgroup.controllers").exists():
        return "v2"
    if all((CGROUP_ROOT / c / "cgroup.procs").exists() for c in CgroupV1.CONTROLLERS):
        return "v1"
    return None


def create(limits):
    """The resource unit for one sandbox, and a warning when it could only be a watchdog."""
    hierarchy = _hierarchy()
    name = f"sandbox-{os.getpid()}-{next(_names)}-{secrets.token_hex(4)}"
    kinds = {"v1": [CgroupV1] if os.geteuid() == 0 else [],
             "v2": ([CgroupV2] if os.geteuid() == 0 else []) + [SystemdScope], None: []}
    why = ["no cgroup v1 or v2 controllers are mounted at /sys/fs/cgroup" if hierarchy is None
           else "control groups v1 need root"]
    for kind in kinds[hierarchy]:
        try:
            return kind.create(limits, name), None
        except OSError as error:
            why.append(f"{kind.kind}: {error}")
    return Watchdog(limits), (f"limits kept by a watchdog ({'; '.join(why[1:] or why)}): "
                              "shared memory that no process maps is not counted")


class SystemdScope(CgroupV2):
    """A transient systemd scope around the sandbox, where systemd owns the v2 hierarchy and
    delegates no subtree to the grader (``systemd-run --scope``, ``--user`` when not root)."""

    kind = "systemd scope"

    @classmethod
    def create(cls, limits, name):
        if not _systemd_scopes():
            raise OSError("systemd-run cannot create scopes here")
        unit = cls(limits, {})
        unit.name = name
        return unit

    def wrap(self, command):
        limits = self.limits
        user = [] if os.geteuid() == 0 else ["--user"]
        return ["systemd-run", *user, "--scope", "--quiet", "--collect", f"--unit={self.name}",
                "-p", f"MemoryMax={limits.memory_mb}M", "-p", "MemorySwapMax=0",
                "-p", f"TasksMax={limits.processes}",
                "-p", f"CPUQuota={int(limits.cpus * 100)}%", "--", *command]

    def join(self):
        """systemd-run moves the process into the scope itself."""

    def pids(self, root_pid):
        if not self.folders:  # known once systemd-run has moved itself into the scope
            path = _cgroup_of(root_pid)
            if path and path.endswith(f"/{self.name}.scope"):
                folder = CGROUP_ROOT / path.lstrip("/")
                self.folders = {c: folder for c in ("memory", "pids", "cpu")}
        return super().pids(root_pid) if self.folders else descendants(root_pid)

    def close(self):
        """systemd removes the scope when its last process ends (--collect)."""


def _cgroup_of(pid):
    try:
        text = Path(f"/proc/{pid}/cgroup").read_text()
    except OSError:
        return None
    return next((line[3:] for line in text.splitlines() if line.startswith("0::")), None)


_SCOPES = {}


def _systemd_scopes():
    """True when systemd runs and ``systemd-run --scope`` works for this user (tried once)."""
    if "works" not in _SCOPES:
        command = ["systemd-run", *([] if os.geteuid() == 0 else ["--user"]), "--scope",
                   "--quiet", "--collect", "-p", "TasksMax=16", "--", "true"]
        try:
            _SCOPES["works"] = Path("/run/systemd/system").is_dir() and subprocess.run(
                command, capture_output=True, timeout=20).returncode == 0
        except (OSError, subprocess.TimeoutExpired):
            _SCOPES["works"] = False
    return _SCOPES["works"]
