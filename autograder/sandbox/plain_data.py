"""Plain data: the only values that cross between the trusted test runner and a sandbox.

A value is plain when it is None, a bool, int, float or str, a list, tuple or dict (string
keys) of plain values, a NumPy array of numbers (exactly ``numpy.ndarray``, never a
subclass or an object array) or a NumPy number. Arrays travel as .npy bytes read without
pickle. Two kinds of argument cross as references, not data: a function of the public
registry (NumPy's ufuncs and :mod:`autograder.student.callables`) by its name, and a
``numpy.random.Generator`` as its bit generator's state.

:func:`encode` turns a value into (JSON-able tree, list of byte blobs); :func:`decode` turns
them back, strictly: anything else is :class:`NotPlainData` with a message for a person.
:func:`write_frame` and :func:`read_frame` carry one (tree, blobs) message over a stream.
"""

import io
import json
import struct

import numpy as np

from ..student import callables

MAX_DEPTH = 32
MAX_ITEMS = 1_000_000          # list, tuple and dict entries in one value
MAX_BYTES = 512 * 1024 * 1024  # array bytes in one message
_NUMERIC = "biufc"
_TAGS = ("tuple", "dict", "ndarray", "scalar", "callable", "student", "generator", "ref")
_LENGTH = struct.Struct(">Q")


class NotPlainData(TypeError):
    """A value that cannot cross the boundary; the message says what it is and why."""


def registry_name(function):
    """The public name of a registry function (``numpy.tanh``,
    ``autograder.student.callables.relu``), or None."""
    if isinstance(function, np.ufunc) and getattr(np, function.__name__, None) is function:
        return f"numpy.{function.__name__}"
    name = getattr(function, "__name__", None)
    if callables.REGISTRY.get(name) is function:
        return f"autograder.student.callables.{name}"
    return None


def registry_function(name):
    """The function of the public registry called ``name``, or NotPlainData."""
    module, _, short = str(name).rpartition(".")
    if module == "numpy" and isinstance(getattr(np, short, None), np.ufunc):
        return getattr(np, short)
    if module == "autograder.student.callables" and short in callables.REGISTRY:
        return callables.REGISTRY[short]
    raise NotPlainData(f"{name!r} is not a function of the public registry")


def _describe(value):
    kind = type(value)
    return f"{kind.__module__}.{kind.__qualname__}" if kind.__module__ != "builtins" \
        else kind.__qualname__


def _npy(array):
    buffer = io.BytesIO()
    np.lib.format.write_array(buffer, array, allow_pickle=False)
    return buffer.getvalue()


class Aliases:
    """The arrays that crossed already, each under a handle, so that one array stays one
    object on both sides: a function that returns the same array twice (or its input) gives
    the test the same object twice, as in one process."""

    def __init__(self, prefix):
        self.prefix, self.by_id, self.by_handle = prefix, {}, {}

    def handle_of(self, value):
        entry = self.by_id.get(id(value))
        return entry[0] if entry is not None and entry[1] is value else None

    def add(self, value, handle=None):
        """Remember ``value`` (kept alive) under ``handle`` or a new one of ours."""
        handle = handle or f"{self.prefix}{len(self.by_handle)}"
        self.by_id[id(value)] = (handle, value)
        self.by_handle[handle] = value
        return handle

    def get(self, handle):
        if handle not in self.by_handle:
            raise NotPlainData("a reference to an unknown array")
        return self.by_handle[handle]


class _Encoder:
    def __init__(self, student_name, aliases, refer):
        self.blobs, self.items, self.size = [], 0, 0
        self.student_name, self.aliases, self.refer = student_name, aliases, refer

    def blob(self, data):
        self.size += len(data)
        if self.size > MAX_BYTES:
            raise NotPlainData(f"more than {MAX_BYTES >> 20} MiB of arrays")
        self.blobs.append(data)
        return len(self.blobs) - 1

    def count(self, n):
        self.items += n
        if self.items > MAX_ITEMS:
            raise NotPlainData(f"more than {MAX_ITEMS} list, tuple or dict entries")

    def tree(self, value, depth=0):
        if depth > MAX_DEPTH:
            raise NotPlainData(f"a value nested more than {MAX_DEPTH} levels deep")
        kind = type(value)
        if value is None or kind in (bool, int, float, str):
            return value
        if kind is list:
            self.count(len(value))
            return [self.tree(v, depth + 1) for v in value]
        if kind is tuple:
            self.count(len(value))
            return {"tuple": [self.tree(v, depth + 1) for v in value]}
        if kind is dict:
            self.count(len(value))
            if not all(type(k) is str for k in value):
                raise NotPlainData("a dict whose keys are not all strings")
            return {"dict": {k: self.tree(v, depth + 1) for k, v in value.items()}}
        if kind is np.ndarray:
            if value.dtype.kind not in _NUMERIC or value.dtype.fields is not None:
                raise NotPlainData(f"a NumPy array of dtype {value.dtype} (only numbers cross)")
            handle = self.aliases.handle_of(value) if self.aliases is not None else None
            if handle is not None and self.refer:
                return {"ref": handle}
            tree = {"ndarray": self.blob(_npy(value))}
            if not value.flags.writeable:
                tree["readonly"] = True
            if self.aliases is not None:
                tree["handle"] = handle or self.aliases.add(value)
            return tree
        if isinstance(value, np.ndarray):
            raise NotPlainData(f"a {_describe(value)}, a subclass of numpy.ndarray (return a "
                               "plain array: np.asarray(...))")
        if isinstance(value, np.generic) and kind.__module__ == "numpy" \
                and value.dtype.kind in _NUMERIC:
            return {"scalar": self.blob(_npy(np.asarray(value)))}
        if kind is np.random.Generator:
            return {"generator": value.bit_generator.state}
        name = registry_name(value)
        if name is not None:
            return {"callable": name}
        student = self.student_name(value) if self.student_name else None
        if student is not None:
            return {"student": student}
        if callable(value):
            raise NotPlainData(f"the function {getattr(value, '__name__', _describe(value))!r}, "
                               "which is not in the public registry (autograder.student.callables)")
        raise NotPlainData(f"a {_describe(value)}")


def encode(value, student_name=None, aliases=None, refer=False):
    """(tree, blobs) of a plain ``value``; ``student_name(obj)`` names a proxy of a student's
    function (or returns None). With ``aliases``, arrays carry handles; with ``refer`` too,
    an array that crossed before is sent as a reference, not data. NotPlainData for anything
    else."""
    encoder = _Encoder(student_name, aliases, refer)
    return encoder.tree(value), encoder.blobs


def _array(blobs, index):
    if type(index) is not int or not 0 <= index < len(blobs):
        raise NotPlainData("a reference to a missing array")
    try:
        array = np.load(io.BytesIO(blobs[index]), allow_pickle=False)
    except (ValueError, OSError, EOFError) as error:
        raise NotPlainData(f"an unreadable array ({error})") from None
    if type(array) is not np.ndarray or array.dtype.kind not in _NUMERIC \
            or array.dtype.fields is not None:
        raise NotPlainData("an array that is not numeric")
    return array


def _generator(state):
    try:
        bit_generator = getattr(np.random, state["bit_generator"])()
        bit_generator.state = state
    except Exception:  # noqa: BLE001 - untrusted state: any failure means not plain
        raise NotPlainData("an unreadable random generator state") from None
    return np.random.Generator(bit_generator)


def _aliased_array(tree, blobs, aliases):
    """The array of an {"ndarray": ...} tree; an array known under its handle is updated in
    place and returned itself (the other side may have changed it since)."""
    array = _array(blobs, tree["ndarray"])
    handle = tree.get("handle")
    if aliases is not None and isinstance(handle, str):
        known = aliases.by_handle.get(handle)
        if type(known) is np.ndarray and known.shape == array.shape \
                and known.dtype == array.dtype and known.flags.writeable:
            known[...] = array
            array = known
        else:
            aliases.add(array, handle)
    if tree.get("readonly") is True:
        array.flags.writeable = False
    return array


def decode(tree, blobs, resolve_student=None, aliases=None, depth=0):
    """The value ``encode`` made; ``resolve_student(name)`` gives a student's function (the
    sandbox side), else a student reference is NotPlainData; ``aliases`` resolves handles."""
    if depth > MAX_DEPTH:
        raise NotPlainData(f"a value nested more than {MAX_DEPTH} levels deep")
    if tree is None or type(tree) in (bool, int, float, str):
        return tree
    if type(tree) is list:
        return [decode(v, blobs, resolve_student, aliases, depth + 1) for v in tree]
    if type(tree) is dict and "ndarray" in tree and set(tree) <= {"ndarray", "readonly",
                                                                   "handle"}:
        return _aliased_array(tree, blobs, aliases)
    if type(tree) is not dict or len(tree) != 1 or next(iter(tree)) not in _TAGS:
        raise NotPlainData("a malformed value")
    tag, inner = next(iter(tree.items()))
    if tag == "tuple" and type(inner) is list:
        return tuple(decode(v, blobs, resolve_student, aliases, depth + 1) for v in inner)
    if tag == "dict" and type(inner) is dict:
        return {k: decode(v, blobs, resolve_student, aliases, depth + 1)
                for k, v in inner.items()}
    if tag == "ref" and aliases is not None and type(inner) is str:
        return aliases.get(inner)
    if tag == "scalar":
        array = _array(blobs, inner)
        if array.ndim:
            raise NotPlainData("a malformed NumPy number")
        return array[()]
    if tag == "generator" and type(inner) is dict:
        return _generator(inner)
    if tag == "callable":
        return registry_function(inner)
    if tag == "student" and resolve_student is not None and type(inner) is str:
        return resolve_student(inner)
    raise NotPlainData("a malformed value")


# Frames ---------------------------------------------------------------------------------
# One message: 8 bytes of header length, the JSON header (with "blobs": their lengths), then
# the blobs one after the other.

def write_frame(stream, header, blobs=()):
    """Write one message to the binary ``stream`` and flush it."""
    header = dict(header, blobs=[len(b) for b in blobs])
    data = json.dumps(header).encode()
    stream.write(_LENGTH.pack(len(data)) + data)
    for blob in blobs:
        stream.write(blob)
    stream.flush()


class FrameError(ValueError):
    """The other side sent something that is not a message (or too big a one)."""


def _exactly(stream, size):
    chunks, left = [], size
    while left:
        chunk = stream.read(min(left, 1 << 20))
        if not chunk:
            raise EOFError("the stream ended inside a message")
        chunks.append(chunk)
        left -= len(chunk)
    return b"".join(chunks)


def read_frame(stream, max_header=16 << 20, max_bytes=MAX_BYTES):
    """(header dict, blobs) of the next message on ``stream``; EOFError at its end,
    FrameError for anything malformed or larger than the limits."""
    prefix = stream.read(_LENGTH.size)
    if not prefix:
        raise EOFError("the stream ended")
    if len(prefix) < _LENGTH.size:
        prefix += _exactly(stream, _LENGTH.size - len(prefix))
    (size,) = _LENGTH.unpack(prefix)
    if size > max_header:
        raise FrameError(f"a message header of {size} bytes")
    try:
        header = json.loads(_exactly(stream, size))
    except ValueError:
        raise FrameError("a message header that is not JSON") from None
    lengths = header.get("blobs") if isinstance(header, dict) else None
    if not isinstance(lengths, list) or not all(type(n) is int and n >= 0 for n in lengths):
        raise FrameError("a message without its blob lengths")
    if sum(lengths) > max_bytes:
        raise FrameError(f"a message of {sum(lengths)} bytes of arrays")
    return header, [_exactly(stream, n) for n in lengths]
