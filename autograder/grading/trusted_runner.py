"""The trusted test runner: a notebook's grade cells, run in the grading process.

No student code runs here. Each grade cell of the source runs at its place in the
notebook's order, in a namespace where a name resolves as it would in the student's kernel
at that point: to the trusted value when a provided cell (the locked ``imports`` cell, the
course's helpers) binds it or an earlier grade cell bound it last, else to the student's kernel
through :class:`autograder.grading.proxy.Kernel` (functions as proxies, variables by value). When a
cell's own tests pass, its verification cases run too. The cell's verdict is whether all of
that raised nothing: exactly what the rubric gives for it, and for no other cell.

A failure in a visible test shows its message and the failing line; a failure in a hidden
test says which function failed and how, with the likely mistake and the hint, never the
test's code, its inputs or expected values, or text the student's code chose.
"""

import ast
import builtins
import io
import linecache
import re
import time
import traceback
import warnings
from contextlib import redirect_stdout

import nbformat
import numpy as np
from IPython.core.inputtransformer2 import TransformerManager

from ..student import mistakes
from . import verification
from ..student.cells import nbgrader_meta
from .proxy import Kernel, KernelFailure, StudentFunction, UnusableResult

_TRANSFORMER = TransformerManager()
_MAX_PRINTED = 64 * 1024
_MAX_MESSAGE = 4000
_SAFE_EXCEPTIONS = frozenset(n for n, v in vars(builtins).items()
                             if isinstance(v, type) and issubclass(v, BaseException))


def role(cell):
    """'grade' (tests), 'provided' (locked code: trusted), or 'student'."""
    meta = nbgrader_meta(cell)
    if meta.get("grade") and not meta.get("solution"):
        return "grade"
    if meta.get("locked") and not meta.get("solution"):
        return "provided"
    return "student"


def python_source(source):
    """A cell's IPython source as Python (magics become calls), or the source unchanged."""
    try:
        return _TRANSFORMER.transform_cell(source)
    except Exception:  # noqa: BLE001 - IPython could not convert it; compile will say why
        return source


def bound_names(source):
    """The names a cell binds at module level (assignments, definitions, imports, loops)."""
    try:
        tree = ast.parse(python_source(source))
    except (SyntaxError, ValueError):
        return set()
    names, todo = set(), list(tree.body)
    while todo:
        node = todo.pop()
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.add(node.name)
            continue
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            names.update((a.asname or a.name.split(".")[0]) for a in node.names if a.name != "*")
            continue
        if isinstance(node, ast.Name) and isinstance(node.ctx, (ast.Store, ast.Del)):
            names.add(node.id)
        if not isinstance(node, ast.Lambda):
            todo.extend(ast.iter_child_nodes(node))
    return names


def hidden_lines(source):
    """The 1-based line numbers between nbgrader's hidden-test markers."""
    lines, inside = set(), False
    for number, line in enumerate(source.splitlines(), start=1):
        marker = line.strip().upper()
        if "BEGIN HIDDEN TESTS" in marker:
            inside = True
        elif "END HIDDEN TESTS" in marker:
            inside = False
        elif inside:
            lines.add(number)
    return lines


class CellNamespace(dict):
    """A grade cell's globals: trusted names given, every other name asked of the kernel."""

    def __init__(self, trusted, kernel):
        super().__init__(trusted)
        self.kernel, self.fetched = kernel, set()

    def __missing__(self, name):
        if name in vars(builtins) or name.startswith("__"):
            raise KeyError(name)
        value = self.kernel.resolve(name)
        self[name] = value
        self.fetched.add(name)
        return value


class TestRunner:
    """Runs the grade cells of one prepared notebook (the source's tests restored in it)."""

    __test__ = False  # not a pytest class

    def __init__(self, nb, checks, cell_seconds):
        self.nb, self.checks, self.cell_seconds = nb, checks or {}, cell_seconds
        self.binder = {}  # name -> [(cell index, role)] in notebook order
        for index, cell in enumerate(nb.cells):
            if cell.cell_type == "code":
                for name in bound_names(cell.source):
                    self.binder.setdefault(name, []).append((index, role(cell)))
        self.trusted = {"__builtins__": builtins, "__name__": "__main__"}
        for cell in nb.cells:
            if cell.cell_type == "code" and role(cell) == "provided":
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    exec(compile(python_source(cell.source), "<provided cell>", "exec"),
                         self.trusted)
        self.calls, self.call_seconds = 0, 0.0

    def _trusted_at(self, index):
        """The trusted names at cell ``index``: every name a provided cell binds (the course's
        own, whatever a student's cell rebinds), and the names of earlier grade cells that
        no student's cell bound since."""
        chosen = {}
        for name, value in self.trusted.items():
            before = [r for i, r in self.binder.get(name, []) if i < index]
            if not before or "provided" in before or before[-1] != "student":
                chosen[name] = value
        return chosen

    def run(self, index, session):
        """Run grade cell ``index``, its calls answered by the sandbox ``session`` within the
        cell's time; its outputs (nbformat), which hold an error output exactly when the
        cell fails."""
        cell = self.nb.cells[index]
        grade_id = nbgrader_meta(cell).get("grade_id") or f"cell {index + 1}"
        started = time.monotonic()
        kernel = Kernel(session, lambda: self.cell_seconds - (time.monotonic() - started))
        source = python_source(cell.source)
        filename = f"<grade cell {grade_id}>"
        linecache.cache[filename] = (len(source), None, source.splitlines(True), filename)
        namespace = CellNamespace(self._trusted_at(index), kernel)
        printed, recorded, error = io.StringIO(), [], None
        with redirect_stdout(printed), mistakes.recording(recorded), \
                warnings.catch_warnings(), np.errstate(all="ignore"):
            warnings.simplefilter("ignore")
            try:
                exec(compile(source, filename, "exec"), namespace)
                self._verify(grade_id, kernel)
            except Exception as raised:  # noqa: BLE001 - any failure fails the cell
                error = raised
        self.calls += kernel.calls
        self.call_seconds += kernel.call_seconds
        for name, value in namespace.items():
            if name not in namespace.fetched:
                self.trusted[name] = value
        hidden = error is not None and _in_hidden_tests(error, filename, hidden_lines(source))
        outputs = []
        text = printed.getvalue()
        if text:
            outputs.append(nbformat.v4.new_output("stream", name="stdout",
                                                  text=text[:_MAX_PRINTED]))
        for payload in recorded:
            data = payload if not hidden else {"mistakes": payload["mistakes"]}
            outputs.append(nbformat.v4.new_output(
                "display_data", data={mistakes.MIME: data, "text/plain": ""}))
        if error is not None:
            outputs.append(_error_output(error, hidden, kernel, filename, grade_id))
        return outputs

    def _verify(self, grade_id, kernel):
        """The cell's verification cases: a hidden test of the function each one calls."""
        for case, reference in self.checks.get(grade_id, []):
            student = StudentFunction(kernel, case.function)
            try:
                outputs = verification.call_case(student, case, kernel.seed)
            except (KernelFailure, UnusableResult):
                raise
            except Exception as error:  # noqa: BLE001 - the student's function raised
                raise AssertionError(f"{verification.describe(case)}: raised "
                                     f"{_safe_name(type(error).__name__)}") from error
            message = verification.check(case, reference, outputs)
            if message:
                raise VerificationFailure(message)


class VerificationFailure(AssertionError):
    """A verification case failed: its message names the function and the case, no values."""


def _in_hidden_tests(error, filename, hidden):
    """Whether the cell's statement that failed lies in its hidden tests (verification
    cases count as hidden tests)."""
    if isinstance(error, VerificationFailure) or error.__traceback__ is None:
        return True
    frames = [f for f in traceback.extract_tb(error.__traceback__) if f.filename == filename]
    if not frames:
        return True  # raised while checking the verification cases
    return frames[0].lineno in hidden


def _safe_name(name):
    """An exception's type name if it is one of Python's, else a word that says nothing."""
    return name if name in _SAFE_EXCEPTIONS else "an exception"


# Phrases of autograder.student.checks' messages (and the notebooks' own), and what a hidden test's
# failure says instead of the message, which may quote its inputs.
_WHAT = (
    ("returned None", "returned None (is a return statement missing?)"),
    ("reverse order", "returned the gradients in reverse order"),
    ("does not match the numerical gradient", "does not match the numerical gradient"),
    ("finite differences give", "does not match finite differences"),
    ("returned NaN", "returned NaN"),
    ("returned inf or NaN", "returned inf or NaN"),
    ("returned an array of shape", "returned an array where a single number was expected"),
    ("returned shape", "returned an array of the wrong shape"),
    ("has shape", "returned an array of the wrong shape"),
    ("returned the wrong values", "returned wrong values"),
    ("which is not numeric", "returned something that is not a number or an array of numbers"),
    ("in place", "changed its input in place"),
    ("modified its input", "changed its input in place"),
    ("must return a tuple", "did not return the expected tuple"),
    ("arrays, expected", "returned the wrong number of arrays"),
    ("expected between", "gave statistics outside the expected range"),
    ("have variance", "drew entries of the wrong variance"),
    ("have mean", "drew entries whose mean is not 0"),
    ("kurtosis", "drew entries that are not normally distributed"),
    ("same seed gave different", "does not draw from the rng argument alone"),
    ("different seeds gave the same", "ignores the rng argument"),
)


def _hidden_message(error, kernel):
    """What a student may read about a failed hidden test: the function, the kind of
    failure, the catalogued mistake and the hint; no inputs, values or student text."""
    function = kernel.called[-1] if kernel.called else None
    text = str(error)
    lines = text.splitlines() or [""]
    if isinstance(error, VerificationFailure):
        what = lines[0]
    elif isinstance(error, KernelFailure):
        what = "the call did not come back: " + lines[0]
    elif isinstance(error, UnusableResult):
        what = "returned something that is not plain data (numbers, arrays, lists)"
    elif error.__cause__ is not None and not isinstance(error.__cause__, AssertionError):
        what = f"raised {_safe_name(type(error.__cause__).__name__)}"
    elif not isinstance(error, AssertionError):
        what = f"raised {_safe_name(type(error).__name__)}"
    else:
        what = next((phrase for key, phrase in _WHAT if key in lines[0]), "a check did not hold")
    kept = [line for line in lines[1:] if line.startswith(("Likely mistake:", "Hint:"))]
    head = f"A hidden test of {function} failed: {what}" if function and not isinstance(
        error, VerificationFailure) else f"A hidden test failed: {what}"
    return "\n".join([head + " (hidden tests show no inputs or values).", *kept])


def _error_output(error, hidden, kernel, filename, grade_id):
    """The error output of a failed cell: a visible test's message and failing line, or the
    hidden test's safe summary."""
    if isinstance(error, AssertionError):
        name = "AssertionError"
    elif hidden and type(error).__name__ not in _SAFE_EXCEPTIONS:
        name = "Exception"
    else:
        name = type(error).__name__
    if hidden:
        value = _hidden_message(error, kernel)
        shown = [f"Test failed: {grade_id}, hidden tests"]
    else:
        value = str(error)[:_MAX_MESSAGE]
        shown = _failing_line(error, filename, grade_id)
    value = value or name
    return nbformat.v4.new_output("error", ename=re.sub(r"\W", "", name) or "Error",
                                  evalue=value, traceback=[*shown, "", f"{name}: {value}"])


def _failing_line(error, filename, grade_id):
    """'Test failed: <cell>, line N' and the statement's source, for a visible test."""
    frames = [f for f in traceback.extract_tb(error.__traceback__) if f.filename == filename]
    if not frames:
        return [f"Test failed: {grade_id}"]
    frame = frames[0]
    lines = linecache.getlines(filename)
    last = min(frame.end_lineno or frame.lineno, frame.lineno + 5)
    shown = [f"Test failed: {grade_id}, line {frame.lineno}"]
    for number in range(frame.lineno, last + 1):
        arrow = "---->" if number == frame.lineno else "     "
        shown.append(f"{arrow} {number} {lines[number - 1].rstrip()}" if number <= len(lines)
                     else "")
    return shown
