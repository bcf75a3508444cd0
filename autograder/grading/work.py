"""The unit of grading work: one prepared submission in; its executed notebook, with each
grade cell's verdict, and a status out.

:func:`grade_unit` is a pure function of its :class:`Job`: it needs this package and
bubblewrap on the machine that runs it and nothing of the course folder, so the same units
run in local processes or on a Dask cluster. The student's cells run in a sandbox
(:mod:`autograder.sandbox.kernel_driver`), which never receives a grade cell; the grade cells run
here (:mod:`autograder.grading.trusted_runner`), calling the student's functions through proxies.
Everything that comes out of the sandbox is untrusted data, size-capped and parsed here.
"""

from ..sandbox import startup  # noqa: F401 - first: makes importing nbformat faster

import json
from dataclasses import dataclass, field

import nbformat

from ..sandbox import session as sandbox
from ..sandbox.limits import Limits
from ..student.cells import nbgrader_meta
from ..sandbox.kernel_driver import GRADE_CELL
from .trusted_runner import TestRunner, role

# More processes at once than grading itself needs (bwrap, driver, kernel, its copy): flagged.
MANY_PROCESSES = 16


@dataclass(frozen=True)
class Job:
    """Everything a worker needs to run one submission."""

    student: str
    assignment: str
    notebook: str                  # the submission as nbgrader prepared it (JSON text)
    checks: dict                   # grade_id -> [(Case, reference outputs)]: AnswerKey.checks
    limits: Limits
    fonts: dict = field(default_factory=dict)  # matplotlib's font list: name -> bytes


@dataclass(frozen=True)
class Result:
    """What a worker hands back; the grader records it."""

    student: str
    assignment: str
    executed: str                  # the executed notebook (JSON text), grade cells judged
    status: str                    # ok, or timeout / memory limit / crashed: where and why
    seconds: dict                  # wall-clock seconds of the run, and of the proxy's calls
    calls: int = 0                 # calls of the student's functions made by the tests
    log: str = ""                  # the tail of what the sandboxed processes wrote on stderr
    flags: tuple = ()              # what the sandbox's driver found suspicious
    usage: dict = field(default_factory=dict)  # the sandbox's resources: resource_unit


def label(nb, index):
    """How a person finds cell ``index``: its grade_id, else its position."""
    return nbgrader_meta(nb.cells[index]).get("grade_id") or f"cell {index + 1}"


def _valid_outputs(outputs):
    """``outputs`` as nbformat outputs if every one is valid, else None."""
    if not isinstance(outputs, list):
        return None
    try:
        nodes = [nbformat.from_dict(o) for o in outputs]
        for node in nodes:
            nbformat.validate(node, ref="output", version=4, version_minor=5)
    except Exception:  # noqa: BLE001 - untrusted data: any failure means invalid
        return None
    return nodes


def _error(name, value):
    return nbformat.v4.new_output("error", ename=name, evalue=value, traceback=[f"{name}: {value}"])


def sandbox_copy(nb):
    """The notebook the sandbox may see: every grade cell emptied and marked."""
    copy = nbformat.from_dict(nb)
    for cell in copy.cells:
        if cell.cell_type == "code" and role(cell) == "grade":
            cell.source, cell.outputs = "", []
            cell.metadata = {GRADE_CELL: True}
    return copy


def _student_outputs(nb, index, header):
    """Put a student cell's reported outputs into ``nb`` (invalid ones become an error)."""
    outputs = _valid_outputs(header.get("outputs"))
    nb.cells[index].outputs = outputs if outputs is not None else [
        _error("InvalidOutput", "the cell's output could not be read")]
    count = header.get("execution_count")
    nb.cells[index].execution_count = count if isinstance(count, int) else None


def _converse(session, nb, runner):
    """Read the sandbox's reports and run each grade cell when its turn comes; return
    (reported cell indices, finished, index of the cell the kernel died in)."""
    code = {i for i, c in enumerate(nb.cells) if c.cell_type == "code" and c.source.strip()}
    grades = {i for i in code if role(nb.cells[i]) == "grade"}
    reported, dead = set(), None
    while True:
        try:
            header, _ = session.receive()
        except sandbox.Ended:
            return reported, False, dead
        index = header.get("cell", header.get("grade"))
        if ("cell" in header or "grade" in header) and session.reap():
            _flag_once(session, "started processes that outlived their cell (they were stopped)")
        if "cell" in header and index in code - grades - reported:
            _student_outputs(nb, index, header)
            reported.add(index)
        elif "grade" in header and index in grades - reported:
            nb.cells[index].outputs = runner.run(index, session)
            nb.cells[index].execution_count = None
            reported.add(index)
            if not session.send({"op": "end"}):
                return reported, False, dead
        elif header.get("done") is True:
            return reported, True, dead
        elif "flag" in header:
            session.flags.append(str(header["flag"])[:200])
        elif isinstance(header.get("dead"), int) and header["dead"] in code:
            dead = header["dead"]


def _flag_once(session, flag):
    if flag not in session.flags:
        session.flags.append(flag)


def assemble(nb, reported, finished, dead, session, limits):
    """The status of the run, with every code cell that did not run marked in ``nb``."""
    code = {i for i, c in enumerate(nb.cells) if c.cell_type == "code" and c.source.strip()}
    stopped = min(code - reported, default=None)
    status = _status(nb, session, limits, finished, dead, stopped)
    for index in sorted(code - reported):
        reason = "the kernel died here" if index == dead else f"not executed: {status}"
        nb.cells[index].outputs = [_error("NotExecuted", reason)]
    return status


def _status(nb, outcome, limits, finished, dead, stopped):
    """What happened, for a person: ok, timeout, memory limit or crashed, and where."""
    where = label(nb, stopped) if stopped is not None else "the end"
    cut = f"; output cut at {limits.output_kb} KiB" if any(
        "[output cut:" in o.get("text", "") for c in nb.cells for o in c.get("outputs", [])) else ""
    if outcome.memory_hit:
        return (f"memory limit: the notebook's processes, files in /tmp and shared memory took "
                f"more than {limits.memory_mb} MiB (in {where}){cut}")
    if outcome.limit_hit == "cpu":
        return (f"CPU limit: the notebook's processes used more than {limits.cpu_seconds} s of "
                f"CPU time (in {where}){cut}")
    if outcome.timed_out:
        return f"timeout: the notebook ran longer than {limits.wall_seconds} s (in {where}){cut}"
    if dead is not None:
        return f"crashed: the kernel died in {label(nb, dead)}{cut}"
    if not finished:
        how = f"signal {outcome.signal}" if outcome.signal else f"exit code {outcome.returncode}"
        return f"crashed: grading stopped in {where} ({how}){cut}"
    for index, cell in enumerate(nb.cells):
        names = {o.get("ename") for o in cell.get("outputs", []) if o.output_type == "error"}
        if "CellTimeoutError" in names:
            return f"timeout: {label(nb, index)} ran longer than {limits.cell_timeout} s{cut}"
        if "MemoryError" in names:
            return (f"memory limit: {label(nb, index)} ran out of memory "
                    f"(limit {limits.memory_mb} MiB){cut}")
        if any("File too large" in (o.get("evalue") or "") for o in cell.get("outputs", [])):
            return (f"file size limit: {label(nb, index)} wrote a file larger than "
                    f"{limits.file_size_mb} MiB{cut}")
    return f"ok{cut}"


def _check_started(session):
    """Raise SandboxUnavailable when the sandbox itself failed (not the student's code)."""
    failed = session.returncode in (126, 127) or any(
        line.startswith(("bwrap:", "setpriv:")) for line in session.log.splitlines())
    if failed:
        raise sandbox.SandboxUnavailable(f"the sandbox did not start: {session.log[-300:]}")


def grade_unit(job):
    """Run the prepared submission's cells in the sandbox and its grade cells here."""
    limits = job.limits
    nb = nbformat.reads(job.notebook, as_version=4)
    settings = {"cell_timeout": limits.cell_timeout, "output_bytes": limits.output_kb * 1024,
                "figures": limits.figures}
    runner = TestRunner(nb, job.checks, limits.cell_timeout)
    files = {"notebook.ipynb": nbformat.writes(sandbox_copy(nb)).encode(),
             "settings.json": json.dumps(settings).encode(), **job.fonts}
    with sandbox.session("autograder.sandbox.kernel_driver", files, limits,
                         limits.wall_seconds) as session:
        reported, finished, dead = _converse(session, nb, runner)
    if not reported:
        _check_started(session)
    if session.left_session:
        _flag_once(session, f"started {session.left_session} processes that left the "
                   "notebook's session (they were stopped)")
    if session.peak_processes > MANY_PROCESSES:
        _flag_once(session, f"ran {session.peak_processes} processes at once")
    status = assemble(nb, reported, finished, dead, session, limits)
    return Result(
        student=job.student, assignment=job.assignment, executed=nbformat.writes(nb),
        status=status, calls=runner.calls, flags=tuple(dict.fromkeys(session.flags))[:10],
        seconds={"run": round(session.seconds, 3), "calls": round(runner.call_seconds, 3)},
        log=session.log[-2000:].strip(), usage=session.usage())
