"""What a class did on an assignment, gathered from autograder_grades.csv, the grading log,
the roster and the submissions: the data model the report pages render (report.json)."""

import re
import statistics
import time
from collections import Counter, defaultdict
from pathlib import Path

import nbformat

from ..grading import grades_csv, grading_log
from ..student import mistakes
from ..course import roster
from . import similarity
from ..course.paths import notebook

STATUSES = ("ok", "timeout", "memory limit", "file size limit", "crashed", "not graded",
            "no submission", "needs manual grading", "error")
_WHERE = re.compile(r" \([^()]*\)$")
MESSAGE_CHARS = 600  # of a failed cell's feedback message, in the report


def status_category(status):
    """The kind of a grades-file status ("ok", "timeout", ...), flags left out."""
    main = status.split("flagged: ")[0].rstrip("; ").strip()
    if not main:
        return "ok"
    return next((s for s in STATUSES if main.startswith(s)), "error")


def flag_kind(flag):
    """A flag without where it was seen, so that the same flag counts once per kind."""
    return _WHERE.sub("", flag)


def _grade_rows(root, assignment):
    return {r.student_id: r for r in grades_csv.read(Path(root) / grades_csv.FILE_NAME)
            if r.assignment == assignment}


def _latest_records(root, assignment):
    """The newest log record of each student for ``assignment``."""
    return {r["student"]: r for r in grading_log.records(root)
            if r.get("assignment") == assignment and isinstance(r.get("student"), str)}


def _number(text):
    try:
        return float(text)
    except (TypeError, ValueError):
        return None


def _message(cell):
    """A failed cell's feedback message from the log, bounded; "" if there is none."""
    text = cell.get("message")
    return text[:MESSAGE_CHARS] if isinstance(text, str) else ""


def _student(student_id, row, record, names):
    cells = {}
    for grade_id, cell in ((record or {}).get("cells") or {}).items():
        if isinstance(cell, dict) and "points" in cell:
            passed = cell["points"] >= cell["max_points"]
            cells[grade_id] = {
                "points": float(cell["points"]), "max_points": float(cell["max_points"]),
                "passed": passed, "message": "" if passed else _message(cell),
                "mistakes": [m for m in cell.get("mistakes", [])
                             if isinstance(m, str)][:mistakes.MAX_PER_GRADE_CELL]}
    status = row.status if row else grades_csv.NO_SUBMISSION
    seconds = ((record or {}).get("seconds") or {}).get("total")
    flags = [f for f in (record or {}).get("flags", []) if isinstance(f, str)]
    return {"student_id": student_id, "name": names.get(student_id, ""),
            "score": _number(row.score) if row else 0.0 if not record else None,
            "status": status_category(status),
            "status_detail": status.split("flagged: ")[0].rstrip("; ").strip(),
            "late": row.late if row else "",
            "flags": list(dict.fromkeys(flags)),
            "seconds": float(seconds) if isinstance(seconds, (int, float)) else None,
            "cells": cells,
            "failing": [{"grade_id": g, "message": c["message"], "mistakes": c["mistakes"]}
                        for g, c in cells.items() if not c["passed"]]}


def _summary(students):
    scores = sorted(s["score"] for s in students if s["score"] is not None and s["cells"])
    if not scores:
        return {"students": len(students), "graded": 0, "mean": None, "median": None,
                "q1": None, "q3": None, "min": None, "max": None}
    q1, _, q3 = (statistics.quantiles(scores, n=4, method="inclusive") if len(scores) > 1
                 else scores * 3)
    return {"students": len(students), "graded": len(scores), "mean": statistics.fmean(scores),
            "median": statistics.median(scores), "q1": q1, "q3": q3, "min": scores[0],
            "max": scores[-1]}


def _counted(groups, graded, names):
    """``[{name: value, ..., count, share, students}]`` from ``{(value, ...): students}``,
    most students first."""
    entries = [{**dict(zip(names, key, strict=True)), "count": len(who),
                "share": len(who) / graded if graded else 0.0, "students": sorted(who)}
               for key, who in groups.items()]
    return sorted(entries, key=lambda e: (-e["count"], *(str(e[n]) for n in names)))


def _cells(students):
    per_cell = defaultdict(list)
    for s in students:
        for grade_id, cell in s["cells"].items():
            per_cell[grade_id].append((s["student_id"], cell))
    table = [{"grade_id": g, "max_points": cells[0][1]["max_points"],
              "pass_rate": sum(c["passed"] for _, c in cells) / len(cells),
              "mean_points": statistics.fmean(c["points"] for _, c in cells),
              "failed": sorted(who for who, c in cells if not c["passed"])}
             for g, cells in per_cell.items()]
    return sorted(table, key=lambda c: (c["pass_rate"], c["mean_points"] / (c["max_points"] or 1),
                                        c["grade_id"]))


def _mistakes(students):
    """Who failed each grade cell, who made each catalogued mistake, and the failures no
    catalogued mistake explains."""
    failed, matched, unexplained = defaultdict(set), defaultdict(set), defaultdict(set)
    for s in students:
        for grade_id, cell in s["cells"].items():
            if cell["passed"]:
                continue
            failed[(grade_id,)].add(s["student_id"])
            for mistake in cell["mistakes"]:
                matched[(grade_id, mistake)].add(s["student_id"])
            if not cell["mistakes"]:
                unexplained[(grade_id,)].add(s["student_id"])
    return failed, matched, unexplained


def _with_messages(entries, students):
    """``entries`` (per grade cell) with each listed student's failure message."""
    by_id = {s["student_id"]: s for s in students}
    return [{**e, "messages": [{"student_id": who,
                                "message": by_id[who]["cells"][e["grade_id"]]["message"]}
                               for who in e["students"]]} for e in entries]


def _seconds(students):
    times = [s["seconds"] for s in students if s["seconds"] is not None]
    if not times:
        return {"mean": None, "median": None, "max": None}
    return {"mean": statistics.fmean(times), "median": statistics.median(times), "max": max(times)}


def solution_codes(root, assignment, student_ids):
    """Each readable submission's solution code (submissions are only read)."""
    codes = {}
    for student in student_ids:
        path = Path(root) / "submitted" / student / assignment / f"{assignment}.ipynb"
        try:
            codes[student] = similarity.solution_code(nbformat.read(path, as_version=4))
        except Exception:  # noqa: BLE001 - a missing or unreadable file has no code to compare
            continue
    return codes


def assignment_model(root, assignment, *, threshold=similarity.THRESHOLD):
    """The report's data for ``assignment`` (see report-model in the docs), or None when the
    class has no grades or log records for it."""
    root = Path(root)
    rows, records = _grade_rows(root, assignment), _latest_records(root, assignment)
    if not rows and not records:
        return None
    names = {sid: s.name for sid, s in roster.load(root).items()}
    ids = sorted(set(rows) | set(records) | set(names))
    students = [_student(sid, rows.get(sid), records.get(sid), names) for sid in ids]
    summary = _summary(students)
    graded = summary["graded"]
    flags = defaultdict(set)
    for s in students:
        for flag in s["flags"]:
            flags[(flag_kind(flag),)].add(s["student_id"])
    failed, matched, unexplained = _mistakes(students)
    release = nbformat.read(notebook(root, "release", assignment), as_version=4)
    codes = solution_codes(root, assignment, [s["student_id"] for s in students if s["cells"]])
    pairs = similarity.similar_pairs(codes, similarity.solution_code(release), threshold=threshold)
    return {
        "assignment": assignment,
        "generated": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "max_score": max((_number(r.max_score) or 0.0 for r in rows.values()), default=0.0),
        "students": students,
        "summary": summary,
        "statuses": [{"status": k, "count": n} for k, n in
                     Counter(s["status"] for s in students).most_common()],
        "flags": [{"flag": e["flag"], "count": e["count"], "students": e["students"]}
                  for e in _counted(flags, graded, ("flag",))],
        "cells": _cells(students),
        "failures": _counted(failed, graded, ("grade_id",)),
        "mistakes": _counted(matched, graded, ("grade_id", "mistake")),
        "unexplained": _with_messages(_counted(unexplained, graded, ("grade_id",)), students),
        "seconds": _seconds(students),
        "similar": [p.to_dict() for p in pairs],
        "similarity_threshold": threshold,
    }
