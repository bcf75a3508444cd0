"""The uid a root-started sandbox runs as: one of a range of unprivileged uids, held by a
lock file in a folder of ours that nobody else may write, so no two sandboxes share one."""

import fcntl
import os
import stat
import tempfile
from contextlib import contextmanager
from pathlib import Path

_UID_BASE = 61000
_UID_SLOTS = 512
LOCK_FOLDER = "autograder-sandbox-uids"


class SandboxUnavailable(RuntimeError):
    """bubblewrap is missing or cannot create a sandbox on this machine."""



def processes_of(uid):
    """How many processes ``uid`` runs now (RLIMIT_NPROC counts them all)."""
    count = 0
    for entry in os.scandir("/proc"):
        if entry.name.isdigit():
            try:
                count += entry.stat().st_uid == uid
            except OSError:
                continue
    return count



def lock_folder():
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
def uid_slot():
    """An unprivileged uid no other sandbox on this machine uses now (root only)."""
    folder = lock_folder()
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
