"""`autograder grade ASSIGNMENT`: grade a class in parallel, the student's code in sandboxes
and the tests beside no student code.

For each student the grading process (the only writer of the gradebook, feedback,
autograder_grades.csv and the grading log) prepares the submission with nbgrader's own
sanitizing, hands a :class:`~autograder.grading.work.Job` to an executor (local processes, or a Dask
cluster), and, as each result comes back, lets nbgrader score the executed notebook, whose
grade cells the trusted test runner judged, writes the feedback, the student's row of
autograder_grades.csv and a log record. Submissions are only read.
"""

import hashlib
import os
import time
import warnings
from concurrent.futures import FIRST_COMPLETED, wait
from pathlib import Path

import nbformat
from nbconvert.preprocessors import ClearMetadataPreprocessor
from nbgrader.api import Gradebook
from nbgrader.preprocessors import (AssignLatePenalties, CheckCellMetadata, IgnorePattern,
                                    LimitOutput, SaveAutoGrades)

from ..course import deadlines, roster, submissions
from . import grades_csv, grading_log, restored_cells, tamper
from ..student import mistakes
from ..sandbox import session as sandbox
from .answer_key import AnswerKey
from ..course.paths import CourseError, check_assignment, notebook
from ..course.execute import grade_cells
from .executors import executor, stop_workers
from .feedback import FeedbackWriter
from .forget import clear
from .inject import PENDING, SANITIZERS, InjectResults, prepare
from .interrupt import Interrupted, StopRequest
from ..course.nbgrader_api import GRADEBOOK_NOISE, build_release, open_api
from .progress import Progress
from ..sandbox.limits import Limits, font_cache
from .work import Job, grade_unit

MESSAGE_CHARS = 2000  # of a failed grade cell's feedback message, in the grading log
AUTOGRADE_PREPROCESSORS = [InjectResults, IgnorePattern, ClearMetadataPreprocessor, LimitOutput,
                           SaveAutoGrades, AssignLatePenalties, CheckCellMetadata]


def _pending(grades):
    """The status of answers a person has yet to grade ("" if none): their count and points,
    never a score of 0."""
    if not grades:
        return ""
    points = sum(g.max_score for g in grades)
    return (f"needs manual grading: {len(grades)} written answer{'s' * (len(grades) != 1)} "
            f"({points:g} points) for the formgrader, not in this score")


def _reason(result):
    """The most telling line of a failed nbgrader call."""
    text = (result.get("error") or "") + "\n" + (result.get("log") or "")
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    errors = [line for line in lines if "Error" in line or "error" in line or "died" in line]
    return (errors or lines or ["unknown error"])[-1][:300]


class ClassGrader:
    """Grades one assignment for a class: prepares jobs, and records each result."""

    def __init__(self, api, assignment, limits, log):
        self.api, self.assignment, self.limits, self.log = api, assignment, limits, log
        root = self.root = Path(api.coursedir.root)
        self.api.config.Autograde.sanitize_preprocessors = SANITIZERS
        self.api.config.Autograde.autograde_preprocessors = AUTOGRADE_PREPROCESSORS
        build_release(self.api, assignment)
        self.key = AnswerKey.load(root, assignment)
        self.feedback = FeedbackWriter(self.api)
        self.fonts = font_cache() if limits.enabled else {}
        self.release = nbformat.read(notebook(root, "release", assignment), as_version=4)
        self.due = deadlines.record(self.api, assignment)
        with Gradebook(self.api.coursedir.db_url) as gradebook:
            # The tests' points: written answers a person grades are reported apart.
            self.max_score = sum(cell.max_score for nb in gradebook.find_assignment(
                assignment).notebooks for cell in nb.grade_cells if cell.cell_type == "code")
        self.submitted, self.noticed = {}, {}

    def clear(self, student):
        """Remove what an earlier grading of ``student`` left (gradebook, autograded/,
        feedback/): their submission changed into one that cannot be graded, or vanished."""
        clear(self.root, self.api.coursedir.db_url, self.assignment, student)

    def submission(self, student):
        """None after reading ``student``'s submission (its bytes and sha256 are kept), or a
        row saying why it cannot be graded."""
        data, problem = submissions.read(self.root, student, self.assignment,
                                         submissions.max_bytes(self.api.config))
        if problem == grades_csv.NO_SUBMISSION:
            return grades_csv.missing(student, self.assignment, self.max_score)
        if problem:
            return grades_csv.row(student, self.assignment, None, self.max_score, problem)
        self.submitted[student] = (data, hashlib.sha256(data).hexdigest())
        return None

    def job(self, student):
        """The work unit for ``student``, or a row when nbgrader cannot prepare it."""
        data, _ = self.submitted[student]
        try:
            nb = nbformat.reads(data.decode("utf-8"), as_version=4)
            self.noticed[student] = (
                [f"{change} (restored before grading)"
                 for change in restored_cells.changes(nb, self.release)]
                + [str(f) for f in tamper.scan(nb)])
            nb = prepare(self.api, self.assignment, student, nb)
        except Exception as error:  # noqa: BLE001 - any nbgrader refusal is reported
            return grades_csv.row(student, self.assignment, None, self.max_score,
                                  f"not graded: nbgrader could not prepare it ({error})"[:300])
        return Job(student=student, assignment=self.assignment, notebook=nbformat.writes(nb),
                   checks=self.key.checks, limits=self.limits, fonts=self.fonts)

    def record(self, result, sandboxed):
        """Score ``result`` through nbgrader, write feedback; return the row and log record."""
        student = result.student
        executed = nbformat.reads(result.executed, as_version=4)
        PENDING[(self.assignment, student, self.assignment)] = executed
        started = time.monotonic()
        try:
            graded = self.api.autograde(self.assignment, student)
        finally:
            PENDING.pop((self.assignment, student, self.assignment), None)
        result.seconds["gradebook"] = round(time.monotonic() - started, 3)
        outcomes = grade_cells(executed)
        flags = list(dict.fromkeys([*self.noticed[student], *result.flags]))
        _, sha = self.submitted[student]
        matched = mistakes.by_grade_cell(executed)
        cells = {g: {"passed": True, "mistakes": []} if o.error_name is None else
                 {"passed": False, "mistakes": matched.get(g, []),
                  "message": f"{o.error_name}: {o.error_value}"[:MESSAGE_CHARS]}
                 for g, o in outcomes.items()}
        if not graded["success"]:
            status = f"error: autograding failed: {_reason(graded)}"
            return self._row(student, None, status, flags), self._record(
                result, sha, None, status, flags, cells, sandboxed)
        with Gradebook(self.api.coursedir.db_url) as gradebook:
            submission = gradebook.find_submission(self.assignment, student)
            penalty = sum(nb.late_submission_penalty or 0 for nb in submission.notebooks)
            late = deadlines.describe(submission.total_seconds_late, penalty)
            grades = [g for nb in submission.notebooks for g in nb.grades]
            written = [g for g in grades if g.cell_type != "code"]
            score = max(sum(g.score for g in grades if g not in written) - penalty, 0)
            failed = [g.name for g in grades if g not in written and g.score < g.max_score]
            pending = _pending([g for g in written if g.manual_score is None])
            for g in grades:
                if g not in written:  # the tests; written answers are in the status
                    cells.setdefault(g.name, {}).update(points=g.score, max_points=g.max_score)
        started = time.monotonic()
        status = result.status
        if pending:
            status = ("" if status == "ok" else status + "; ") + pending
        try:
            problem = self.feedback.write(self.assignment, student)
            if problem:
                status += f"; plain feedback: {problem}"[:300]
        except Exception as error:  # noqa: BLE001 - the grade stands without its page
            status += f"; no feedback: {type(error).__name__}: {error}"[:300]
        result.seconds["feedback"] = round(time.monotonic() - started, 3)
        row = self._row(student, score, status, flags, failed, late)
        record = self._record(result, sha, score, status, flags, cells, sandboxed)
        record.update(late=late, penalty=penalty)
        return row, record

    def outcome(self, student, future):
        """The row and log record of ``student``'s finished unit (a failed worker too); the
        record's total seconds are those of the work (running, scoring, feedback), never
        the time the unit waited for a free worker."""
        try:
            row, record = self.record(future.result(), self.limits.enabled)
        except Exception as error:  # noqa: BLE001 - one failure never stops the class
            self.clear(student)
            return grades_csv.row(student, self.assignment, None, self.max_score,
                                  f"error: the worker failed: {type(error).__name__}: "
                                  f"{error}"[:300]), None
        seconds = record["seconds"]
        seconds["total"] = round(sum(seconds.get(k, 0) for k in ("run", "gradebook",
                                                                  "feedback")), 3)
        return row, record

    def _row(self, student, score, status, flags, failed=(), late=""):
        if flags:
            status = ("" if status == "ok" else status + "; ") + "flagged: " + "; ".join(flags)
        return grades_csv.row(student, self.assignment, score, self.max_score, status[:1000],
                              failed, late)

    def _record(self, result, sha, score, status, flags, cells, sandboxed):
        return {"student": result.student, "assignment": self.assignment, "sha256": sha,
                "grader": self.key.fingerprint, "versions": grading_log.versions(),
                "score": score, "max_score": self.max_score, "status": status, "flags": flags,
                "cells": cells, "seconds": result.seconds, "calls": result.calls,
                "sandbox": sandboxed, "resources": result.usage,
                "log": result.log[-2000:]}


def grade(*, root, assignment, only=None, jobs=None, scheduler=None, use_sandbox=True,
          resume=False, log=print):
    """Grade every student in submitted/ (or the ``only`` ones) on ``assignment``; return the
    rows written to autograder_grades.csv, in the order students finished."""
    root = Path(root).resolve()
    check_assignment(root, assignment)
    names = roster.load(root)
    class_list = submissions.students(root)
    if not submissions.handed_in(root, assignment, class_list):
        raise CourseError(
            f"No submissions of {assignment}: no student has a folder "
            f"submitted/<student>/{assignment}/. Nothing was graded or written. Is the "
            "assignment's name right? (collect it first: autograder collect ASSIGNMENT ZIP)")
    unknown = sorted(set(only or ()) - set(class_list) - set(names))
    if unknown:
        raise CourseError(f"No folder submitted/<student> for {', '.join(unknown)}.")
    class_list = sorted(only) if only else sorted(set(class_list) | set(names))
    api = open_api(root)
    config = api.config
    limits = Limits.from_config(config, config.Execute.get("timeout", 30), enabled=use_sandbox)
    try:
        sandbox.require(limits)
    except sandbox.SandboxUnavailable as error:
        raise CourseError(str(error)) from None
    if not limits.enabled:
        log("WARNING: grading without a sandbox (--no-sandbox): student code runs with your "
            "permissions. This is written into every log record.")
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=GRADEBOOK_NOISE)
        grader = ClassGrader(api, assignment, limits, log)
        roster.sync_gradebook(api.coursedir, names)
        strangers = sorted(set(class_list) - set(names)) if names else []
        if strangers:
            log(f"not in {roster.FILE_NAME}: {', '.join(strangers)} (graded; add them to "
                "the roster so that exports can match them)")
        try:
            return _grade_class(grader, class_list, jobs, scheduler, resume, only)
        finally:
            grader.feedback.worker.stop()


def _grade_class(grader, class_list, jobs, scheduler, resume, only):
    root, assignment, log = grader.root, grader.assignment, grader.log
    done = grading_log.already_graded(root, assignment, grader.key.fingerprint) if resume else set()
    progress = Progress(len(class_list), log)
    rows, futures, units, again = [], {}, {}, []
    jobs = jobs or default_jobs()
    with StopRequest() as stop, executor(jobs, scheduler) as pool:
        for student in class_list:  # each unit starts as soon as it is prepared
            if stop:
                break
            row = grader.submission(student)
            if row is None and (student, grader.submitted[student][1]) in done:
                progress.skip(student)
                continue
            unit = row or grader.job(student)
            if isinstance(unit, grades_csv.GradeRow):
                grader.clear(student)
                rows.append(_finish(root, unit, None, progress, grader.limits.enabled))
                continue
            futures[pool.submit(grade_unit, unit)] = student
            units[student] = unit
        shared = len(futures) > 1 and (jobs > 1 or scheduler)
        for future in _completed(futures, stop):
            if stop:
                break
            student = futures[future]
            if shared and _timed_out(future):
                again.append((student, future.result()))  # confirmed alone, below
                continue
            rows.append(_finish(root, *grader.outcome(student, future), progress,
                                grader.limits.enabled))
        for student, first in again:
            if stop:
                break
            log(f"{student} timed out while others were graded: grading it again alone")
            alone = pool.submit(grade_unit, units[student])
            for future in _completed([alone], stop):
                row, record = grader.outcome(student, future)
                if record is not None:
                    record["first_run"] = {"status": first.status, "seconds": first.seconds,
                                           "alongside": len(futures) - 1}
                rows.append(_finish(root, row, record, progress, grader.limits.enabled))
        if stop:
            stop_workers(pool, futures)
    progress.close()
    if stop:
        command = " ".join(["autograder grade", assignment, "--resume",
                            *(f"--student {s}" for s in sorted(only or ()))])
        raise Interrupted(stop.signum, f"{stop.name}: stopped with {len(rows)} of "
                          f"{len(class_list)} submission(s) recorded; continue with `{command}`")
    graded = sum(r.score != "" for r in rows if r.status != grades_csv.NO_SUBMISSION)
    log(f"{graded} of {len(rows)} submission(s) graded; grades in {root / grades_csv.FILE_NAME}, "
        f"feedback in {root / 'feedback'}/, log in {root / grading_log.FILE_NAME}.")
    return rows


def _timed_out(future):
    """True when the unit ran out of time (which the load of other sandboxes may cause)."""
    return future.exception() is None and future.result().status.startswith("timeout")


def _completed(futures, stop):
    """``futures`` as they finish, until ``stop`` is requested (looked at 4 times a second)."""
    pending = set(futures)
    while pending and not stop:
        done, pending = wait(pending, timeout=0.25, return_when=FIRST_COMPLETED)
        yield from done


def _finish(root, row, record, progress, sandboxed):
    """Write one student's row and log record at once, so a stopped run keeps them."""
    grades_csv.merge(root / grades_csv.FILE_NAME, [row])
    grading_log.append(root, record or {
        "student": row.student_id, "assignment": row.assignment, "status": row.status,
        "score": None, "sandbox": sandboxed, "versions": grading_log.versions()})
    progress.done(row)
    return row


def default_jobs():
    """One grading process per core."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()

