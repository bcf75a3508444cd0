"""Reading files a student controls without following a link or reading past a limit.

Every folder is opened relative to the one above it with ``O_NOFOLLOW``, and the type and
link count of a file are taken from its open descriptor, so a link swapped in between a
check and a read is still refused. Nothing here writes.
"""

import errno
import os
import stat
from contextlib import contextmanager

_FOLDER = os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC
_FILE = os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC  # a fifo must not block
_NOT_OPENED = (errno.ELOOP, errno.ENOTDIR, errno.ENXIO)  # a link, not a folder, a socket


class Refused(Exception):
    """A path grading does not read; the message says why."""


class TooLarge(Refused):
    """A file or folder over its size limit; ``size`` is how many bytes it has."""

    def __init__(self, size):
        super().__init__(f"{size} bytes")
        self.size = size


def _kind(mode):
    """What a file is, in words."""
    for test, words in ((stat.S_ISREG, "a file"), (stat.S_ISDIR, "a folder"),
                        (stat.S_ISFIFO, "a fifo"), (stat.S_ISSOCK, "a socket")):
        if test(mode):
            return words
    return "a device"


def _refuse(status, where, wanted):
    """Refused, saying why ``status`` is not the ``wanted`` kind ("a file" or "a folder")."""
    if stat.S_ISLNK(status.st_mode):
        return Refused(f"{where} is a symbolic link (grading follows no links: put the "
                       f"{wanted.split()[-1]} itself there)")
    return Refused(f"{where} is {_kind(status.st_mode)}, not {wanted}")


def check(status, where):
    """Raise Refused unless ``status`` (of lstat or fstat) is a regular file with one link."""
    if not stat.S_ISREG(status.st_mode):
        raise _refuse(status, where, "a file")
    if status.st_nlink > 1:
        raise Refused(f"{where} has {status.st_nlink} hard links (grading reads no "
                      "hard-linked file: put a copy there)")


def _open(name, flags, dir_fd, where):
    """os.open of ``name`` in ``dir_fd``; Refused when it is a link or of the wrong kind."""
    try:
        return os.open(name, flags, dir_fd=dir_fd)
    except OSError as error:
        if error.errno not in _NOT_OPENED:
            raise
    status = os.stat(name, dir_fd=dir_fd, follow_symlinks=False)
    raise _refuse(status, where, "a folder" if flags & os.O_DIRECTORY else "a file")


@contextmanager
def folder(base, names, where):
    """The descriptor of folder ``base/names[0]/names[1]/...``, opened without following a
    link in ``names`` (``base`` itself, the instructor's, may be one); ``where`` names
    ``base`` in messages. FileNotFoundError when a part is missing."""
    fd = os.open(base, _FOLDER & ~os.O_NOFOLLOW)
    try:
        for depth, name in enumerate(names, start=1):
            inner = _open(name, _FOLDER, fd, "/".join([where, *names[:depth]]))
            os.close(fd)
            fd = inner
        yield fd
    finally:
        os.close(fd)


def read(dir_fd, name, max_bytes, where):
    """The bytes of regular file ``name`` in the open folder ``dir_fd``; Refused if it is a
    link, hard-linked or not a regular file; TooLarge, unread, past ``max_bytes``."""
    fd = _open(name, _FILE, dir_fd, where)
    try:
        status = os.fstat(fd)
        check(status, where)
        if status.st_size > max_bytes:
            raise TooLarge(status.st_size)
        chunks, size = [], 0
        while chunk := os.read(fd, min(1 << 20, max_bytes + 1 - size)):
            chunks.append(chunk)
            size += len(chunk)
            if size > max_bytes:  # it grew while being read
                raise TooLarge(size)
        return b"".join(chunks)
    finally:
        os.close(fd)


def tree_size(dir_fd, where, max_entries):
    """Bytes of the regular files below the open folder ``dir_fd`` (none is read); Refused
    at a link, a hard-linked file, a device, fifo or socket, or past ``max_entries``."""
    total, seen, todo = 0, 0, [(os.dup(dir_fd), where)]
    try:
        while todo:
            fd, here = todo.pop()
            try:
                with os.scandir(fd) as entries:
                    for entry in entries:
                        seen += 1
                        if seen > max_entries:
                            raise Refused(f"{where} holds more than {max_entries} files")
                        status = entry.stat(follow_symlinks=False)
                        path = f"{here}/{entry.name}"
                        if stat.S_ISDIR(status.st_mode):
                            todo.append((_open(entry.name, _FOLDER, fd, path), path))
                        else:
                            check(status, path)
                            total += status.st_size
            finally:
                os.close(fd)
    finally:
        for fd, _ in todo:
            os.close(fd)
    return total
