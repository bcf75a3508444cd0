"""Inside the student's kernel: answer a grade cell's calls in a forked copy of the kernel.

The sandbox's driver runs ``serve_forked(path)`` silently in the kernel at each grade cell.
The kernel forks: the copy connects to the driver's socket at ``path`` and answers requests
(look up a name, call a function, seed NumPy's global generator) until the driver closes
the connection, then exits; the kernel itself waits and goes on unchanged. So nothing a
test passed in (hidden inputs included) survives into the student's later cells, and a
call that crashes or hangs takes only the copy with it. The copy writes nothing to the
notebook (its output streams and displays go nowhere) and can leave nothing behind for the
kernel to find: it closes every inherited file descriptor, sees the file system read-only
in namespaces of its own (no network, no shared IPC), cannot write into shared memory,
and cannot be read by the kernel's threads (it is not dumpable).

Only plain data crosses (:mod:`autograder.sandbox.plain_data`); no test code is ever here.
"""

import ctypes
import os
import resource
import socket
import sys
import warnings

import numpy as np

from . import plain_data

MAX_MESSAGE = 300


def serve_forked(path):
    """Fork; the child serves the socket at ``path``, the parent waits for it."""
    from IPython import get_ipython

    namespace = get_ipython().user_ns
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # fork() of a threaded process: the child uses no thread
        pid = os.fork()
    if pid == 0:
        try:
            _silence()
            connection = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            connection.connect(path)
            _isolate(connection.fileno())
            _serve(connection.makefile("rwb"), namespace)
        finally:
            os._exit(0)
    os.waitpid(pid, 0)


_LIBC = ctypes.CDLL(None, use_errno=True)
_LIBC.mprotect.argtypes = [ctypes.c_void_p, ctypes.c_size_t, ctypes.c_int]
_LIBC.mount.argtypes = [ctypes.c_char_p, ctypes.c_char_p, ctypes.c_char_p, ctypes.c_ulong,
                        ctypes.c_void_p]
_CLONE_NEWUSER, _CLONE_NEWNS, _CLONE_NEWNET, _CLONE_NEWIPC = 0x10000000, 0x20000, \
    0x40000000, 0x8000000
_MS_RDONLY, _MS_REMOUNT, _MS_BIND = 1, 32, 4096
_MOUNT_FLAGS = {"nosuid": 2, "nodev": 4, "noexec": 8, "noatime": 1024, "nodiratime": 2048,
                "relatime": 1 << 21}


def _isolate(keep):
    """Cut every way back to the kernel but the connection ``keep`` (see the docstring)."""
    os.closerange(3, keep)
    os.closerange(keep + 1, 1 << 16)
    devnull = os.open(os.devnull, os.O_RDONLY)
    os.dup2(devnull, 0)
    resource.setrlimit(resource.RLIMIT_FSIZE, (0, 0))
    uid, gid = os.getuid(), os.getgid()
    if _LIBC.unshare(_CLONE_NEWUSER | _CLONE_NEWNS | _CLONE_NEWNET | _CLONE_NEWIPC) == 0:
        for name, text in (("setgroups", "deny"), ("uid_map", f"{uid} {uid} 1"),
                           ("gid_map", f"{gid} {gid} 1")):
            with open(f"/proc/self/{name}", "w") as handle:
                handle.write(text)
        with open("/proc/self/mountinfo") as handle:
            mounts = [line.split()[4:6] for line in handle]
        for point, options in mounts:
            flags = sum(_MOUNT_FLAGS.get(o, 0) for o in options.split(","))
            _LIBC.mount(None, point.encode(), None, _MS_REMOUNT | _MS_BIND | _MS_RDONLY | flags,
                        None)
    with open("/proc/self/maps") as handle:
        for line in handle:
            fields = line.split()
            if "s" in fields[1] and "w" in fields[1]:
                start, end = (int(x, 16) for x in fields[0].split("-"))
                _LIBC.mprotect(start, end - start, 1)  # PROT_READ
    _LIBC.prctl(4, 0, 0, 0, 0)  # PR_SET_DUMPABLE 0


class _Sink:
    """A text stream that keeps nothing."""

    encoding = "utf-8"

    def write(self, text):
        return len(text)

    def flush(self):
        pass

    def isatty(self):
        return False


def _silence():
    """Nothing the copy prints or displays reaches the kernel's channels (whose sockets and
    threads belong to the parent)."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 1)
    os.dup2(devnull, 2)
    sys.stdout = sys.stderr = sys.__stdout__ = sys.__stderr__ = _Sink()
    try:
        from ipykernel.iostream import IOPubThread, OutStream
        from jupyter_client.session import Session

        OutStream.write = lambda self, text: len(text)
        OutStream.flush = lambda self: None
        IOPubThread.send_multipart = lambda self, *a, **k: None
        IOPubThread.schedule = lambda self, f: None
        Session.send = lambda self, *a, **k: None
    except ImportError:
        pass


def _serve(stream, namespace):
    aliases = plain_data.Aliases("k")
    plain_data.write_frame(stream, {"hello": os.getpid()})
    while True:
        try:
            request, blobs = plain_data.read_frame(stream)
        except (EOFError, plain_data.FrameError, OSError):
            return
        op = request.get("op")
        if op == "call":
            reply, out = _call(namespace, request, blobs, aliases)
        elif op == "lookup":
            reply, out = _lookup(namespace, request.get("name"))
        elif op == "seed":
            np.random.seed(int(request.get("seed", 0)) % (2 ** 32))
            reply, out = {"ok": True}, []
        else:
            return
        plain_data.write_frame(stream, reply, out)


def _lookup(namespace, name):
    if not isinstance(name, str) or name not in namespace:
        return {"kind": "missing"}, []
    value = namespace[name]
    if isinstance(value, type(np)):
        return {"kind": "module", "module": str(getattr(value, "__name__", ""))[:200]}, []
    if callable(value):
        return {"kind": "function"}, []
    try:
        tree, blobs = plain_data.encode(value)
    except plain_data.NotPlainData as error:
        return {"kind": "unreadable", "why": str(error)[:MAX_MESSAGE]}, []
    return {"kind": "value", "value": tree}, blobs


class _Tracked:
    """The arrays, lists and generators among a call's arguments, to report their state after
    the call: a function that writes into its input, or draws from a generator, changes the
    test's objects as it would in one process."""

    def __init__(self):
        self.items = []  # (path, object, copy before the call or None)

    def walk(self, value, path):
        if type(value) is np.ndarray:
            self.items.append((path, value, value.copy()))
        elif type(value) is list:
            self.items.append((path, value, list(value)))
            for i, v in enumerate(value):
                self.walk(v, [*path, i])
        elif type(value) is tuple:
            for i, v in enumerate(value):
                self.walk(v, [*path, i])
        elif type(value) is dict:
            for k, v in value.items():
                self.walk(v, [*path, k])
        elif type(value) is np.random.Generator:
            self.items.append((path, value, None))

    def changed(self):
        """[(path, value after the call)] of what the call changed."""
        found = []
        for path, value, before in self.items:
            if before is None:
                found.append((path, value))
            elif type(value) is np.ndarray:
                if value.shape != before.shape or not np.array_equal(
                        value, before, equal_nan=value.dtype.kind in "fc"):
                    found.append((path, value))
            elif len(value) != len(before) or any(
                    a is not b for a, b in zip(value, before, strict=True)):
                found.append((path, value))
        return found


def _call(namespace, request, blobs, aliases):
    name = request.get("name")
    function = namespace.get(name) if isinstance(name, str) else None
    if not callable(function):
        return {"ok": False, "error": "NameError", "message": f"name {name!r} is not defined"}, []

    def student(reference):
        if not callable(namespace.get(reference)):
            raise plain_data.NotPlainData(f"{reference!r} is not a function of the notebook")
        return namespace[reference]

    try:
        args = plain_data.decode(request.get("args"), blobs, student, aliases)
        kwargs = plain_data.decode(request.get("kwargs"), blobs, student, aliases)
    except plain_data.NotPlainData as error:
        return {"ok": False, "failure": f"the arguments could not be read: {error}"}, []
    tracked = _Tracked()
    tracked.walk(args, ["args"])
    tracked.walk(kwargs, ["kwargs"])
    try:
        with warnings.catch_warnings(), np.errstate(all="ignore"):
            warnings.simplefilter("ignore")
            result = function(*args, **kwargs)
    except BaseException as error:  # noqa: BLE001 - the student's exception, reported by type
        message = _message(error)
        return {"ok": False, "error": type(error).__name__, "message": message}, []
    try:
        tree, out = plain_data.encode(result, aliases=aliases, refer=True)
        changes = []
        for path, value in tracked.changed():
            value_tree, value_blobs = plain_data.encode(value, aliases=aliases)
            changes.append({"path": path, "value": _shift(value_tree, len(out))})
            out += value_blobs
    except plain_data.NotPlainData as error:
        return {"ok": False, "unplain": str(error)[:MAX_MESSAGE]}, []
    return {"ok": True, "result": tree, "changed": changes}, out


def _message(error):
    try:
        return str(error)[:MAX_MESSAGE]
    except BaseException:  # noqa: BLE001 - a hostile __str__
        return ""


def _shift(tree, offset):
    """``tree`` with its blob indices moved by ``offset`` (blobs appended to a message)."""
    if type(tree) is list:
        return [_shift(v, offset) for v in tree]
    if type(tree) is not dict:
        return tree
    if "ndarray" in tree:
        return dict(tree, ndarray=tree["ndarray"] + offset)
    tag, inner = next(iter(tree.items()))
    if tag == "scalar":
        return {tag: inner + offset}
    if tag == "tuple":
        return {"tuple": [_shift(v, offset) for v in inner]}
    if tag == "dict":
        return {"dict": {k: _shift(v, offset) for k, v in inner.items()}}
    return tree
