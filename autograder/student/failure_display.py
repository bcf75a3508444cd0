"""What students see when a check fails.

IPython shows an exception with the source of every frame it passed through: for a failed
check, about 15 lines of :mod:`.checks`. In an IPython kernel, importing :mod:`.checks` registers
a handler for AssertionError: one raised by a check shows as the grade cell's statement
that failed (its line number only, inside hidden tests) and the message; when the check
reports that a student's function raised, that function's traceback comes first. Any other
exception, and an AssertionError raised elsewhere (a student's own assert), keeps IPython's
traceback; so does everything if the handler itself fails. The error output's ename and
evalue stay AssertionError and the message, so nbgrader fails the cell as before.
"""

import linecache
import textwrap
import traceback
from pathlib import Path

_SOURCE = str(Path(__file__).with_name("checks.py"))  # where the checks raise
_MAX_SHOWN_LINES = 6
# nbgrader's Validate cuts every line beyond its Validator.width (90) less its indent and
# "...": a failure's message is wrapped to fit, so Validate shows what the cell shows.
_MESSAGE_WIDTH = 80
_RED, _GREEN, _RESET = "\x1b[31m", "\x1b[32m", "\x1b[0m"


def _raised_here(tb):
    """Whether the innermost frame of the traceback ``tb`` is in the checks."""
    frames = list(traceback.walk_tb(tb))
    return bool(frames) and frames[-1][0].f_code.co_filename == _SOURCE


def _in_hidden_tests(lines, first, last):
    """Whether any of the 1-based lines first..last (None: to the end) lies between
    nbgrader's hidden-test markers in ``lines``."""
    inside = False
    for number, line in enumerate(lines[:last], start=1):
        marker = line.upper()
        if "BEGIN HIDDEN TESTS" in marker:
            inside = True
        elif "END HIDDEN TESTS" in marker:
            inside = False
        if number >= first and inside:
            return True
    return False


def _quotes_hidden_tests(tb):
    """Whether a frame of ``tb`` is in code that holds hidden tests (a grade cell while
    grading), whose lines a traceback would quote."""
    return any(_in_hidden_tests(linecache.getlines(frame.f_code.co_filename), 1, None)
               for frame, _ in traceback.walk_tb(tb))


def _failing_statement(shell, tb):
    """Lines naming the statement that failed: the notebook cell's (else the frame that
    called into the checks), its place, and its source unless it is a hidden test."""
    frames = traceback.extract_tb(tb)
    cells = [f for f in frames if shell.compile.format_code_name(f.filename)]
    first_here = next((i for i, f in enumerate(frames) if f.filename == _SOURCE), 0)
    chosen = cells[0] if cells else (frames[first_here - 1] if first_here else None)
    if chosen is None or chosen.lineno is None:
        return []
    label = shell.compile.format_code_name(chosen.filename)
    place = f"{' '.join(label)}, line {chosen.lineno}" if label else (
        f'File "{chosen.filename}", line {chosen.lineno}')
    lines = linecache.getlines(chosen.filename)
    last = min(chosen.end_lineno or chosen.lineno, chosen.lineno + _MAX_SHOWN_LINES - 1)
    shown = [f"{_GREEN}Test failed:{_RESET} {place}"]
    if lines and not _in_hidden_tests(lines, chosen.lineno, last):
        for number in range(chosen.lineno, last + 1):
            arrow = "---->" if number == chosen.lineno else "     "
            shown.append(f"{_GREEN}{arrow} {number}{_RESET} {lines[number - 1].rstrip()}")
    return shown


def _short_traceback(shell, value, tb):
    """The structured traceback of a failed check: the crash of a student's function it
    reports (if any), the statement that failed and the message."""
    shown = []
    cause = value.__cause__
    beyond = cause.__traceback__ if cause is not None else None
    while beyond is not None and beyond.tb_frame.f_code.co_filename == _SOURCE:
        beyond = beyond.tb_next  # run()'s own frame: where the crash was caught
    if beyond is not None and not _quotes_hidden_tests(beyond):
        shown += [*shell.InteractiveTB.structured_traceback(type(cause), cause, beyond), ""]
    statement = _failing_statement(shell, tb)
    shown += [*statement, ""] if statement else []
    name = type(value).__name__
    message = _wrapped(f"{name}: {value}")
    shown.append(f"{_RED}{name}{_RESET}{message[len(name):]}")
    return shown


def _wrapped(text):
    """``text`` with every line longer than _MESSAGE_WIDTH broken at spaces."""
    return "\n".join(
        textwrap.fill(line, _MESSAGE_WIDTH, subsequent_indent="    ", break_long_words=False,
                      break_on_hyphens=False) if len(line) > _MESSAGE_WIDTH else line
        for line in str(text).splitlines())


def _show_failure(shell, etype, value, tb, tb_offset=None):
    """IPython's custom exception handler (``set_custom_exc``): a failed check in short
    form, anything else as IPython shows it. It never raises."""
    try:
        if _raised_here(tb):
            stb = _short_traceback(shell, value, tb)
            shell._showtraceback(etype, value, stb)
            return stb
    except Exception:  # noqa: BLE001 - any failure here falls back to IPython's display
        pass
    shell.showtraceback((etype, value, tb), tb_offset=tb_offset)
    return None


def show_failures_in_short():
    """Register :func:`_show_failure` for AssertionError in the running IPython shell, if
    any; again on re-import, but never over another module's custom handler."""
    try:
        from IPython import get_ipython
    except ImportError:
        return
    shell = get_ipython()
    if shell is not None and shell.custom_exceptions in ((), (AssertionError,)):
        shell.set_custom_exc((AssertionError,), _show_failure)
