"""An instructor's week, end to end through the command line, on a course reduced to two small
assignments: a Canvas class hands in 01 (on time, LATE, resubmitted), a Moodle class hands in
03 (on time, late, resubmitted in a second zip); a grade of an assignment nobody handed in yet
is refused; both are graded with due dates and nbgrader's late penalty; reports and the three
exports are written; one student is forgotten and regraded, one submission vanishes and its
regrade removes what it left. Every file the week writes is compared with golden copies in
tests/golden/week/ (run with UPDATE_GOLDEN=1 to rewrite them after a deliberate change)."""

import csv
import io
import json
import os
import re
import shutil
import stat
import zipfile

import nbformat
import pytest

from autograder.grading import grading_log
from autograder.cli import main
from autograder.course.reference import answered
from autograder.grading.verification import load_cases
from tests.course_copy import NEEDS_BWRAP, ROOT, autograder, read, tree_digest
from tests.reduced_course import Cells, make_reduced_course

pytestmark = [pytest.mark.slow, NEEDS_BWRAP]
CANVAS_A, MOODLE_A = "01_regression_losses", "03_activations"
GOLDEN = ROOT / "tests" / "golden" / "week"
ROSTER = """student_id,name,lms_id,email,sis_user_id,sis_login_id,section
ada,Ada Lovelace,1001,ada@example.org,S-1001,ada,Canvas A
zoe,Zoe Angstrom,1002,zoe@example.org,S-1002,zoe,Canvas A
grace,Grace Hopper,1003,grace@example.org,S-1003,grace,Canvas B
dara,Dara Obrien,5512,dara@example.org,,,
ed,Ed Sheeran,5513,ed@example.org,,,
fay,Fay Wray,5514,fay@example.org,,,
ian,Ian Absent,1009,ian@example.org,S-1009,ian,Canvas B
"""
CONFIG = """
c.Deadlines.due = {"01_regression_losses": "2026-12-01 23:59:00 UTC",
                   "03_activations": "2026-12-02 23:59:00 UTC"}
c.LateSubmissionPlugin.penalty_method = "zero"
c.Canvas.assignment_ids = {"01_regression_losses": 4321}
"""
MEAN_L2 = "def l2_loss(y_true, y_pred):\n    return np.mean((np.asarray(y_pred) - y_true) ** 2)\n"
ABS_RELU = "def relu(x):\n    return np.abs(np.asarray(x, dtype=float))\n"
ZIPPED = (2026, 12, 5, 10, 0, 0)  # when the instructor downloaded Canvas's zip


def reduced_course(root):
    """The course (01 keeps its L2 loss cells, 03 its ReLU cells; roster and config above);
    returns each assignment's (release, source)."""
    editions = {}
    for assignment, target in ((CANVAS_A, "l2_loss"), (MOODLE_A, "relu")):
        cells = Cells(read("source", assignment), load_cases(ROOT, assignment))
        part = root.parent / f"part-{assignment}"
        editions[assignment] = make_reduced_course(part, assignment, cells.kept_ids(target))
        shutil.copytree(part / "source", root / "source", dirs_exist_ok=True)
        shutil.copytree(part / "verification", root / "verification", dirs_exist_ok=True)
    shutil.copy(ROOT / "nbgrader_config.py", root)
    with (root / "nbgrader_config.py").open("a") as handle:
        handle.write(CONFIG)
    (root / "roster.csv").write_text(ROSTER)
    return editions


def notebook(editions, assignment, replace=None, blank=False):
    """A submission of ``assignment``'s reduced edition: answered (with ``replace``) or blank."""
    release, source = editions[assignment]
    return nbformat.writes(release if blank else answered(release, source,
                                                           replace=replace)).encode()


def make_zip(path, entries):
    with zipfile.ZipFile(path, "w") as archive:
        for name, when, data in entries:
            archive.writestr(zipfile.ZipInfo(name, when), data)
    return path


IN_PROCESS = {"report", "export-grades", "forget"}  # cheap, and independent of the time zone


def run(*args, root, capsys, code=0):
    """The command line's output; grade and collect in a process of their own."""
    if args[0] in IN_PROCESS:
        assert main(["--root", str(root), *args]) == code
        out = capsys.readouterr()
        return out.out + out.err
    result = autograder(*args, root=root)
    assert result.returncode == code, result.stdout + result.stderr
    return result.stdout + result.stderr


def normalized(path):
    """A written file as text, with what changes from run to run (times, paths) replaced."""
    text = path.read_text(encoding="utf-8")
    if path.name == "report.json":
        model = json.loads(text)
        model["generated"] = "<time>"
        model["seconds"] = "<seconds>"
        for student in model["students"]:
            student["seconds"] = None if student["seconds"] is None else "<seconds>"
        return json.dumps(model, indent=1, sort_keys=True) + "\n"
    if path.suffix == ".csv" and "report" in path.parts:
        rows = list(csv.reader(io.StringIO(text)))
        if "seconds" in rows[0]:
            at = rows[0].index("seconds")
            for row in rows[1:]:
                row[at] = "<seconds>" if row[at] else ""
        out = io.StringIO()
        csv.writer(out, lineterminator="\n").writerows(rows)
        return out.getvalue()
    return re.sub(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d \w+,", "<export time>,", text)


WRITTEN = ["autograder_grades.csv", "export/canvas-grades.csv",
           f"export/moodle-{CANVAS_A}.csv", f"export/moodle-{MOODLE_A}.csv",
           "export/grades-table.csv", *(f"report/{a}/{f}" for a in (CANVAS_A, MOODLE_A)
                                        for f in ("report.json", "students.csv", "cells.csv",
                                                  "mistakes.csv")),
           *(f"submitted/{s}/{a}/timestamp.txt" for s, a in (
               ("ada", CANVAS_A), ("zoe", CANVAS_A), ("dara", MOODLE_A), ("ed", MOODLE_A),
               ("fay", MOODLE_A)))]


def compare_with_golden(root):
    """Every file of WRITTEN equals its golden copy (or becomes it, with UPDATE_GOLDEN=1)."""
    differ = []
    for name in WRITTEN:
        golden = GOLDEN / name.replace("/", "__")
        text = normalized(root / name)
        if os.environ.get("UPDATE_GOLDEN"):
            golden.parent.mkdir(parents=True, exist_ok=True)
            golden.write_text(text, encoding="utf-8")
        elif golden.read_text(encoding="utf-8") != text:
            differ.append(name)
    assert not differ, f"differ from tests/golden/week/: {differ}"


def rows(root):
    with (root / "autograder_grades.csv").open(newline="") as handle:
        return {(r["student_id"], r["assignment"]): r for r in csv.DictReader(handle)}


def test_a_week_of_collecting_grading_exporting_and_undoing(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("TZ", "UTC")  # zips hold local times: the same week everywhere
    root = tmp_path / "course"
    root.mkdir(mode=0o750)
    root.chmod(0o750)
    editions = reduced_course(root)
    canvas = make_zip(tmp_path / "canvas.zip", [
        (f"lovelaceada_1001_9001_{CANVAS_A}.ipynb", ZIPPED, notebook(editions, CANVAS_A)),
        (f"angstromzoe_LATE_1002_9002_{CANVAS_A}.ipynb", ZIPPED, notebook(editions, CANVAS_A)),
        (f"hoppergrace_1003_9003_{CANVAS_A}.ipynb", ZIPPED,
         notebook(editions, CANVAS_A, blank=True)),
        (f"hoppergrace_1003_9004_{CANVAS_A}-1.ipynb", ZIPPED,
         notebook(editions, CANVAS_A, replace={"l2_loss": MEAN_L2}))])
    moodle = make_zip(tmp_path / "moodle.zip", [
        ("Dara Obrien_5512_assignsubmission_file_/relu.ipynb", (2026, 12, 2, 10, 0, 0),
         notebook(editions, MOODLE_A)),
        ("Ed Sheeran_5513_assignsubmission_file_/relu.ipynb", (2026, 12, 3, 8, 0, 0),
         notebook(editions, MOODLE_A)),
        ("Fay Wray_5514_assignsubmission_file_/relu.ipynb", (2026, 12, 1, 9, 0, 0),
         notebook(editions, MOODLE_A, blank=True))])
    resubmitted = make_zip(tmp_path / "moodle-again.zip", [
        ("Fay Wray_5514_assignsubmission_file_/relu.ipynb", (2026, 12, 2, 22, 0, 0),
         notebook(editions, MOODLE_A, replace={"relu": ABS_RELU}))])

    # Monday: the Canvas class's zip, then grading the Moodle assignment by mistake.
    out = run("collect", CANVAS_A, str(canvas), root=root, capsys=capsys)
    assert "duplicate grace" in out and "LATE" in out
    before = tree_digest(root)
    out = run("grade", MOODLE_A, root=root, capsys=capsys, code=2)
    assert f"No submissions of {MOODLE_A}" in out and "Nothing was graded" in out
    assert tree_digest(root) == before and not (root / "autograder_grades.csv").exists()

    # Tuesday: the Moodle class's zip, and a resubmission in a second one.
    run("collect", MOODLE_A, str(moodle), root=root, capsys=capsys)
    out = run("collect", MOODLE_A, str(resubmitted), root=root, capsys=capsys)
    assert "collected fay" in out and ".replaced" in out

    # Wednesday: grading.
    for assignment in (CANVAS_A, MOODLE_A):
        out = run("grade", assignment, root=root, capsys=capsys)
        assert "not able to be represented" not in out
    graded = rows(root)
    assert graded["zoe", CANVAS_A]["score"] == "0"  # LATE, and the penalty is "zero"
    assert graded["zoe", CANVAS_A]["late"] == "under 1 min late, penalty 3"
    assert graded["ada", CANVAS_A]["late"] == "" and graded["ada", CANVAS_A]["score"] == "3"
    assert graded["ed", MOODLE_A]["late"].startswith("8 h 1 min late, penalty")
    assert graded["fay", MOODLE_A]["late"] == ""  # resubmitted before the due date
    assert graded["fay", MOODLE_A]["failed_tests"] == "test_relu"
    assert graded["ian", CANVAS_A]["status"] == "no submission"
    assert graded["ian", CANVAS_A]["score"] == "0"

    # Thursday: zoe's grade is forgotten and regraded; grace's submission vanishes.
    out = run("forget", CANVAS_A, "--student", "zoe", root=root, capsys=capsys)
    assert "forgot 1 graded submission(s) (zoe), 1 row(s)" in out
    assert ("zoe", CANVAS_A) not in rows(root)
    assert not (root / "feedback" / "zoe" / CANVAS_A).exists()
    assert (root / "submitted" / "zoe" / CANVAS_A / f"{CANVAS_A}.ipynb").exists()
    assert all(r.get("student") != "zoe" or r.get("assignment") != CANVAS_A
               for r in grading_log.records(root))
    run("grade", CANVAS_A, "--student", "zoe", root=root, capsys=capsys)
    assert rows(root)["zoe", CANVAS_A] == graded["zoe", CANVAS_A]
    assert (root / "feedback" / "grace" / CANVAS_A).exists()
    shutil.rmtree(root / "submitted" / "grace")
    run("grade", CANVAS_A, "--student", "grace", root=root, capsys=capsys)
    assert rows(root)["grace", CANVAS_A]["status"] == "no submission"
    assert not (root / "feedback" / "grace" / CANVAS_A).exists()
    assert not (root / "autograded" / "grace" / CANVAS_A).exists()

    # Friday: reports and exports for the LMSs, readable by the TA.
    for assignment in (CANVAS_A, MOODLE_A):
        run("report", assignment, root=root, capsys=capsys)
    for fmt in ("canvas", "moodle", "csv"):
        run("export-grades", "--format", fmt, root=root, capsys=capsys)
    for name in ("autograder_grades.csv", "grading-log.jsonl", "export/canvas-grades.csv",
                 f"report/{CANVAS_A}/index.html", f"submitted/ada/{CANVAS_A}/timestamp.txt",
                 "submitted", f"submitted/ada/{CANVAS_A}", "export"):
        assert stat.S_IMODE((root / name).stat().st_mode) & 0o040, name  # the TA reads it
    compare_with_golden(root)
