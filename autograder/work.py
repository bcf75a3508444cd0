"""The unit of grading work: one prepared submission in; its executed notebook, the outputs
of its functions on unseen inputs, and a status out.

:func:`grade_unit` is a pure function of its :class:`Job`: it needs this package and
bubblewrap on the machine that runs it and nothing of the course folder, so the same units
run in local processes or on a Dask cluster. It decides no points: everything that comes
out of a sandbox is untrusted data, size-capped and parsed here, and judged by the grader.
"""

from . import startup  # noqa: F401 - first: makes importing nbformat faster

import base64
import binascii
import io
import json
from dataclasses import dataclass, field

import nbformat
import numpy as np

from . import sandbox
from .cells import nbgrader_meta

_MAX_OUTPUT_VALUES = 10_000_000


@dataclass(frozen=True)
class Job:
    """Everything a worker needs to run one submission."""

    student: str
    assignment: str
    notebook: str                  # the submission as nbgrader prepared it (JSON text)
    demonstrations: frozenset      # sources of the release's plain code cells
    manifest: list                 # verification cases, autograder.verification.encode
    inputs: dict                   # their .npy files: name -> bytes
    limits: sandbox.Limits
    fonts: dict = field(default_factory=dict)  # matplotlib's font list: name -> bytes


@dataclass(frozen=True)
class Result:
    """What a worker hands back; the grader judges it."""

    student: str
    assignment: str
    executed: str                  # the executed notebook (JSON text)
    outputs: dict                  # case index -> list of float arrays, or the error (str)
    status: str                    # ok, or timeout / memory limit / crashed: where and why
    seconds: dict                  # wall-clock seconds of execution and verification
    log: str = ""                  # the tail of what the sandboxed processes wrote on stderr


def label(nb, index):
    """How a person finds cell ``index``: its grade_id, else its position."""
    return nbgrader_meta(nb.cells[index]).get("grade_id") or f"cell {index + 1}"


def _messages(channel):
    """The JSON objects of a channel, one per line; anything malformed is skipped."""
    for line in channel.decode("utf-8", "replace").splitlines():
        try:
            message = json.loads(line)
        except ValueError:
            continue
        if isinstance(message, dict):
            yield message


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


def assemble(nb, outcome, limits):
    """Put the reported outputs into ``nb``; return (executed notebook, status)."""
    reported, finished, dead = set(), False, None
    code = {i for i, c in enumerate(nb.cells) if c.cell_type == "code" and c.source.strip()}
    for message in _messages(outcome.channel):
        index = message.get("cell")
        if isinstance(index, int) and index in code:
            outputs = _valid_outputs(message.get("outputs"))
            nb.cells[index].outputs = outputs if outputs is not None else [
                _error("InvalidOutput", "the cell's output could not be read")]
            count = message.get("execution_count")
            nb.cells[index].execution_count = count if isinstance(count, int) else None
            reported.add(index)
        elif message.get("done") is True:
            finished = True
        elif isinstance(message.get("dead"), int) and message["dead"] in code:
            dead = message["dead"]
    stopped = min(code - reported, default=None)
    status = _status(nb, outcome, limits, finished, dead, stopped)
    for index in sorted(code - reported):
        reason = "the kernel died here" if index == dead else f"not executed: {status}"
        nb.cells[index].outputs = [_error("NotExecuted", reason)]
    return nb, status


def _status(nb, outcome, limits, finished, dead, stopped):
    """What happened, for a person: ok, timeout, memory limit or crashed, and where."""
    where = label(nb, stopped) if stopped is not None else "the end"
    cut = f"; output cut at {limits.output_kb} KiB" if outcome.channel_cut or any(
        "[output cut:" in o.get("text", "") for c in nb.cells for o in c.get("outputs", [])) else ""
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


def library_sources(nb, demonstrations):
    """The code a submission's functions may need: every code cell but the grade cells and
    the release's own demonstrations, in notebook order."""
    return [c.source for c in nb.cells if c.cell_type == "code" and not
            nbgrader_meta(c).get("grade") and c.source not in demonstrations]


def _array(encoded):
    """A float array from base64 .npy bytes, or ValueError: never a pickle."""
    try:
        array = np.load(io.BytesIO(base64.b64decode(encoded, validate=True)), allow_pickle=False)
    except (binascii.Error, TypeError, OSError) as error:
        raise ValueError(f"unreadable output ({error})") from None
    if not isinstance(array, np.ndarray) or array.dtype != np.float64 \
            or array.size > _MAX_OUTPUT_VALUES:
        raise ValueError("an output that is not a float array of a sensible size")
    return array


def _case_outputs(outcome, cases):
    """Case index -> list of arrays, or the error for the student; missing cases say why."""
    outputs = {}
    for message in _messages(outcome.channel):
        index = message.get("case")
        if not isinstance(index, int) or not 0 <= index < cases or index in outputs:
            continue
        if isinstance(message.get("error"), str):
            outputs[index] = f"raised {message['error'][:300]}"
            continue
        try:
            outputs[index] = [_array(o) for o in message.get("outputs", [])]
        except (ValueError, TypeError) as error:
            outputs[index] = str(error)
    reason = ("did not finish within the time limit" if outcome.timed_out
              else "was not reached: the process stopped")
    for index in range(cases):
        outputs.setdefault(index, reason)
    return outputs


def _check_started(outcome):
    """Raise SandboxUnavailable when the sandbox itself failed (not the student's code)."""
    failed = outcome.returncode in (126, 127) or any(
        line.startswith(("bwrap:", "setpriv:")) for line in outcome.stderr.splitlines())
    if failed and not outcome.channel:
        raise sandbox.SandboxUnavailable(f"the sandbox did not start: {outcome.stderr[-300:]}")


def grade_unit(job):
    """Execute the prepared submission, then verify its functions: a Result."""
    limits = job.limits
    settings = {"cell_timeout": limits.cell_timeout, "output_bytes": limits.output_kb * 1024,
                "figures": limits.figures}
    executed = sandbox.run(
        "autograder.run_notebook", [],
        {"notebook.ipynb": job.notebook.encode(), "settings.json": json.dumps(settings).encode(),
         **job.fonts},
        limits, limits.wall_seconds, channel_limit=4 * limits.output_kb * 1024 + (1 << 20))
    _check_started(executed)
    nb = nbformat.reads(job.notebook, as_version=4)
    request = {"cells": library_sources(nb, job.demonstrations), "manifest": job.manifest,
               "cell_seconds": limits.cell_timeout, "case_seconds": min(limits.cell_timeout, 30)}
    nb, status = assemble(nb, executed, limits)
    verified = sandbox.run("autograder.run_verification", [],
                           {"verify.json": json.dumps(request).encode(), **job.inputs},
                           limits, limits.verify_seconds, channel_limit=64 << 20)
    return Result(
        student=job.student, assignment=job.assignment, executed=nbformat.writes(nb),
        outputs=_case_outputs(verified, len(job.manifest)), status=status,
        seconds={"execute": round(executed.seconds, 3), "verify": round(verified.seconds, 3)},
        log=(executed.stderr[-2000:] + verified.stderr[-2000:]).strip())
