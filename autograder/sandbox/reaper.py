"""Which processes of a sandbox are its own chain (bwrap, its init, the driver, the kernel)
and which left its sessions, read from /proc; and killing a sandbox's whole session."""

import os
import signal
from pathlib import Path

from . import resource_unit


def own_chain(root_pid, pids):
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


def outside_sessions(root_pid, pids):
    """The processes in ``pids`` that left the sessions of the sandbox's own chain."""
    chain = own_chain(root_pid, pids)
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


def kill_session(process):
    """SIGKILL the sandbox's whole session (bwrap and, through its PID namespace, the rest)."""
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
