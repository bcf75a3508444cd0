"""The trusted side's handle on a student's kernel while a grade cell runs.

A grade cell runs in the grading process; a name it takes from the student's cells
resolves through :class:`Kernel`: a function becomes a :class:`StudentFunction`, whose
calls cross to a forked copy of the sandboxed kernel as plain data
(:mod:`autograder.sandbox.plain_data`), a variable comes back by value. What comes back is
untrusted: a result that is not plain data, an exception of the student's code, a call
that hangs or kills its process all become exceptions here with a message for a person.
An array, list or generator the call changed in place is changed here too, so that a test
that checks an input is left alone, or draws twice from one generator, reads as before.
"""

import builtins
import importlib
import time

import numpy as np

from ..sandbox import plain_data


class UnusableResult(AssertionError):
    """A student's function returned something grading cannot read (not plain data)."""


class KernelFailure(AssertionError):
    """The call did not come back: it ran out of time, or its process died."""


class UnreadableVariable(AssertionError):
    """A notebook variable a test reads holds something that is not plain data."""


def _exception(name, message):
    """An exception of the student's type ``name`` (a built-in one where it exists)."""
    kind = getattr(builtins, name, None) if isinstance(name, str) and name.isidentifier() \
        else None
    if not (isinstance(kind, type) and issubclass(kind, Exception)):
        kind = type(name if isinstance(name, str) and name.isidentifier() else "Error",
                    (Exception,), {"__module__": "student"})
    return kind(message if isinstance(message, str) else "")


IMPORTABLE = ("numpy", "math", "cmath", "random", "statistics", "itertools", "functools")


def _module(name, module):
    """The grading process's own copy of a module the student's ``name`` refers to (numpy
    imported again in a student's cell is still numpy); only modules grading may load."""
    if isinstance(module, str) and module.split(".")[0] in IMPORTABLE:
        try:
            return importlib.import_module(module)
        except ImportError:
            pass
    raise UnreadableVariable(f"the notebook's {name} is the module {str(module)[:100]!r}, "
                             "which tests cannot use")


class StudentFunction:
    """A function of the student's notebook: calling it calls it in the sandbox."""

    def __init__(self, kernel, name):
        self.kernel, self.name = kernel, name
        self.__name__ = self.__qualname__ = name

    def __call__(self, *args, **kwargs):
        return self.kernel.call(self.name, args, kwargs)

    def __repr__(self):
        return f"<function {self.name} of the student's notebook>"


class Kernel:
    """Requests to the sandbox's kernel for one grade cell, each within ``seconds_left()``."""

    def __init__(self, session, seconds_left):
        self.session, self.seconds_left = session, seconds_left
        self.calls, self.call_seconds, self.called = 0, 0.0, []
        self.aliases = plain_data.Aliases("t")

    def _ask(self, header, blobs=()):
        seconds = self.seconds_left()
        if seconds <= 0:
            raise KernelFailure("the grade cell ran out of time waiting for your functions")
        if not self.session.send(dict(header, seconds=seconds), blobs):
            raise KernelFailure("the kernel is no longer running")
        try:
            reply, out = self.session.receive(seconds + 5)
            while "flag" in reply:  # the sandbox noticed something an instructor should see
                self.session.flags.append(str(reply["flag"])[:200])
                reply, out = self.session.receive(seconds + 5)
        except Exception as error:  # noqa: BLE001 - Ended: the sandbox stopped answering
            raise KernelFailure(f"the kernel stopped answering ({error})") from None
        if "failure" in reply:
            raise KernelFailure(str(reply["failure"])[:300])
        return reply, out

    def resolve(self, name):
        """The value of the student's ``name``: a StudentFunction, plain data, or KeyError."""
        reply, blobs = self._ask({"op": "lookup", "name": name})
        kind = reply.get("kind")
        if kind == "function":
            return StudentFunction(self, name)
        if kind == "value":
            try:
                return plain_data.decode(reply.get("value"), blobs, aliases=self.aliases)
            except plain_data.NotPlainData as error:
                raise UnreadableVariable(f"the notebook's {name} could not be read: {error}") \
                    from None
        if kind == "module":
            return _module(name, reply.get("module"))
        if kind == "unreadable":
            raise UnreadableVariable(
                f"the notebook's {name} holds {str(reply.get('why'))[:200]}: tests read only "
                "numbers, strings, NumPy arrays, and lists, tuples and dicts of them")
        raise KeyError(name)

    def seed(self, seed):
        """Seed NumPy's global generator in the kernel (np.random.seed there)."""
        self._ask({"op": "seed", "seed": int(seed)})

    def _student_name(self, value):
        return value.name if isinstance(value, StudentFunction) and value.kernel is self \
            else None

    def call(self, name, args, kwargs):
        """``name(*args, **kwargs)`` in the kernel; its result, or the student's exception."""
        tree, blobs = plain_data.encode({"args": list(args), "kwargs": dict(kwargs)},
                                        self._student_name, self.aliases)
        inner = tree["dict"]
        started = time.perf_counter()
        try:
            reply, out = self._ask({"op": "call", "name": name, "args": {"tuple": inner[
                "args"]}, "kwargs": inner["kwargs"]}, blobs)
        finally:
            self.calls += 1
            self.call_seconds += time.perf_counter() - started
            self.called.append(name)
        if reply.get("ok") is not True:
            if "unplain" in reply:
                raise UnusableResult(
                    f"{name} returned {str(reply['unplain'])[:200]}: grading reads only numbers, "
                    "strings, None, plain NumPy arrays, and lists, tuples and dicts of them")
            raise _exception(reply.get("error"), reply.get("message"))
        try:
            result = plain_data.decode(reply.get("result"), out, aliases=self.aliases)
            for change in reply.get("changed") or []:
                _apply(change, args, kwargs, out, self.aliases)
        except (plain_data.NotPlainData, KeyError, TypeError, ValueError, IndexError) as error:
            raise UnusableResult(f"{name} returned something unreadable ({error})") from None
        return result


def _apply(change, args, kwargs, blobs, aliases):
    """Write what the call did to one argument into the test's own object (an array is
    written in place by decoding it under its handle)."""
    path = change["path"]
    target = {"args": list(args), "kwargs": kwargs}[path[0]]
    for step in path[1:]:
        target = target[step]
    value = plain_data.decode(change["value"], blobs, aliases=aliases)
    if type(target) is list and type(value) is list:
        target[:] = value
    elif type(target) is np.random.Generator and type(value) is np.random.Generator:
        target.bit_generator.state = value.bit_generator.state
