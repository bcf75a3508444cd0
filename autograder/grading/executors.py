"""Where work units run: local processes, or a Dask cluster past one machine.

Both are ``concurrent.futures`` executors, so grading has one code path. Local workers are
started with "spawn", not fork: the grading process holds gradebook connections and threads.
A local worker leaves Ctrl-C to the grading process, and when it is told to stop (SIGTERM),
or the grading process dies, it kills its sandboxes first, then itself.
"""

import ctypes
import multiprocessing
import os
import signal
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager

from ..course.paths import CourseError

_PR_SET_PDEATHSIG = 1
_GRACE_SECONDS = 3


@contextmanager
def executor(jobs, scheduler=None):
    """A process pool of ``jobs`` workers, or the executor of the Dask scheduler at
    ``scheduler`` (its workers need this package and bubblewrap installed)."""
    if scheduler:
        try:
            from distributed import Client
        except ImportError:
            raise CourseError("--scheduler needs Dask: pip install distributed") from None
        try:
            client = Client(scheduler, timeout="30s")
        except OSError as error:
            raise CourseError(f"cannot reach the Dask scheduler at {scheduler}: {error}") from None
        try:
            yield client.get_executor()
        finally:
            client.close()
        return
    with ProcessPoolExecutor(max_workers=max(1, jobs), initializer=_worker_setup,
                             initargs=(os.getpid(),),
                             mp_context=multiprocessing.get_context("spawn")) as pool:
        yield pool


def stop_workers(pool, futures):
    """Cancel the queued ``futures`` and stop ``pool``'s local workers, and with them their
    sandboxes: SIGTERM, then SIGKILL after a grace period (a Dask cluster's work is only
    cancelled)."""
    for future in futures:
        future.cancel()
    # ProcessPoolExecutor's own list of workers (Python 3.14's terminate_workers reads it too)
    workers = list((getattr(pool, "_processes", None) or {}).values())
    for worker in workers:
        worker.terminate()
    for worker in workers:
        worker.join(_GRACE_SECONDS)
        if worker.is_alive():
            worker.kill()
            worker.join()


def _worker_setup(parent):
    """In each local worker: ignore Ctrl-C (the grading process stops the run), and on
    SIGTERM or the grading process's death kill the worker's sandboxes and exit."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, _kill_children_and_exit)
    ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)
    if os.getppid() != parent:  # it died before prctl
        _kill_children_and_exit(signal.SIGTERM, None)


def _children():
    """The process ids whose parent is this process."""
    me, found = os.getpid(), []
    for entry in os.scandir("/proc"):
        if entry.name.isdigit():
            try:
                with open(f"/proc/{entry.name}/stat", "rb") as handle:
                    fields = handle.read().rsplit(b")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == me:
                found.append(int(entry.name))
    return found


def _kill_children_and_exit(signum, frame):
    """Kill every child's session (a sandbox is one: bwrap and all it started), then exit."""
    for child in _children():
        try:
            if os.getpgid(child) == child:  # the leader of its own group: a sandbox
                os.killpg(child, signal.SIGKILL)
            else:
                os.kill(child, signal.SIGKILL)
        except ProcessLookupError:
            continue
    os._exit(128 + signum)
