"""The whole nbgrader pipeline in a temporary course with no gradebook yet: generate,
submit, autograde, feedback, export; for every assignment, then the bad submissions a
class really hands in."""

import csv
import os
import subprocess
import sys
from pathlib import Path

import pytest
from nbgrader.api import Gradebook

from autograder.student.cells import nbgrader_meta
from autograder.course.paths import assignments
from autograder.course.reference import answered
from tests.course_copy import (ROOT, autograder, graded_ok, grades, make_course, read,
                               submit, tree_digest)

pytestmark = pytest.mark.slow


def first_solution(nb):
    return next(nbgrader_meta(c)["grade_id"] for c in nb.cells if nbgrader_meta(c).get("solution"))


@pytest.mark.parametrize("assignment", assignments(ROOT))
def test_full_partial_and_blank_submissions(assignment, tmp_path):
    root = make_course(tmp_path / "course", [assignment])
    release, source = read("release", assignment), read("source", assignment)
    submit(root, "full", assignment, answered(release, source))
    submit(root, "partial", assignment, answered(release, source, keep={first_solution(source)}))
    submit(root, "blank", assignment, release)
    before = tree_digest(root / "submitted")

    result = autograder("grade", assignment, root=root)

    assert result.returncode == 0, result.stdout + result.stderr
    rows = grades(root)
    full, partial, blank = (rows[(s, assignment)] for s in ("full", "partial", "blank"))
    assert all(graded_ok(r["status"]) for r in (full, partial, blank)), (full, partial, blank)
    assert float(full["score"]) == float(full["max_score"]) > 0, full
    assert 0 < float(partial["score"]) < float(partial["max_score"]), partial
    assert float(blank["score"]) == 0, blank
    assert tree_digest(root / "submitted") == before, "grading modified a submission"
    for student in ("full", "partial", "blank"):
        html = (root / "feedback" / student / assignment / f"{assignment}.html").read_text()
        assert "BEGIN HIDDEN TESTS" not in html and "HIDDEN" not in html


def test_bad_submissions_are_reported_and_the_class_is_still_graded(tmp_path):
    assignment = assignments(ROOT)[0]
    root = make_course(tmp_path / "course", [assignment])
    release, source = read("release", assignment), read("source", assignment)
    submit(root, "alice", assignment, answered(release, source))
    submit(root, "broken_json", assignment, raw=b'{"cells": [ this is not json')
    submit(root, "renamed", assignment, answered(release, source), name="my_answers.ipynb")
    (root / "submitted" / "empty" / assignment).mkdir(parents=True)
    crash = answered(release, source)
    solution = next(c for c in crash.cells if nbgrader_meta(c).get("solution"))
    solution.source += "\n\nimport os\nos._exit(1)  # kills the kernel\n"
    submit(root, "kernel_killer", assignment, crash)
    (root / "submitted" / "zed" / "another_assignment").mkdir(parents=True)
    submit(root, "zoe", assignment, answered(release, source))
    before = tree_digest(root / "submitted")

    result = autograder("grade", assignment, root=root)

    assert result.returncode == 1, "a class with ungradable submissions must exit non-zero"
    rows = grades(root)
    status = {student: rows[(student, assignment)]["status"] for student, _ in rows}
    assert graded_ok(status["alice"]) and graded_ok(status["zoe"]), status
    assert rows[("zoe", assignment)]["score"] == rows[("zoe", assignment)]["max_score"]
    assert "not a readable notebook" in status["broken_json"]
    assert "expected " + f"{assignment}.ipynb" in status["renamed"]
    assert "my_answers.ipynb" in status["renamed"]
    assert "has no notebook" in status["empty"]
    assert status["kernel_killer"].startswith("crashed: the kernel died in l2_loss"), status
    assert rows[("kernel_killer", assignment)]["score"] == "0"
    assert status["zed"] == "no submission" and rows[("zed", assignment)]["score"] == "0"
    assert rows[("broken_json", assignment)]["score"] == ""
    assert tree_digest(root / "submitted") == before, "grading modified a submission"
    assert "broken_json" in result.stdout and "3 of 7 submission(s) graded" in result.stdout


def test_edited_or_deleted_tests_are_restored_before_grading(tmp_path):
    assignment = "01_regression_losses"
    root = make_course(tmp_path / "course", [assignment])
    release, source = read("release", assignment), read("source", assignment)
    wrong = "def l2_loss(y_true, y_pred):\n    return 33.0\n"
    tamperer = answered(release, source, replace={"l2_loss": wrong})
    for cell in tamperer.cells:
        if nbgrader_meta(cell).get("grade_id") == "test_l2_loss":
            cell.source = "print('all good')"
    submit(root, "tamperer", assignment, tamperer)
    deleter = answered(release, source)
    deleter.cells = [c for c in deleter.cells if nbgrader_meta(c).get("grade_id") != "test_l1_loss"]
    submit(root, "deleter", assignment, deleter)

    assert autograder("grade", assignment, root=root).returncode == 0
    rows = grades(root)
    assert rows[("tamperer", assignment)]["failed_tests"] == "test_l2_loss"
    assert rows[("deleter", assignment)]["score"] == rows[("deleter", assignment)]["max_score"]


def test_grades_csv_keeps_other_rows_and_one_student_can_be_regraded(tmp_path):
    assignment = assignments(ROOT)[0]
    root = make_course(tmp_path / "course", [assignment])
    (root / "autograder_grades.csv").write_text(
        "student_id,assignment,score,max_score,status,failed_tests\n"
        "alice,00_warmup,5,5,ok,\n")
    release, source = read("release", assignment), read("source", assignment)
    submit(root, "alice", assignment, answered(release, source))
    submit(root, "bob", assignment, release)
    first = autograder("grade", assignment, root=root)
    submit(root, "bob", assignment, answered(release, source))  # a late, corrected hand-in
    second = autograder("grade", assignment, "--student", "bob", root=root)
    unknown = autograder("grade", assignment, "--student", "carol", root=root)

    assert first.returncode == second.returncode == 0, second.stdout + second.stderr
    assert "alice" not in second.stdout
    assert unknown.returncode == 2 and "carol" in unknown.stderr
    with (root / "autograder_grades.csv").open(newline="") as handle:
        table = list(csv.DictReader(handle))
    assert [(r["student_id"], r["assignment"]) for r in table] == [
        ("alice", "00_warmup"), ("alice", assignment), ("bob", assignment)]
    assert list(table[0]) == ["student_id", "assignment", "score", "max_score", "status",
                              "failed_tests", "late"]
    assert table[1]["score"] == table[1]["max_score"] == table[2]["score"]


def test_feedback_names_the_mistake_but_hides_hidden_tests(tmp_path):
    assignment = "01_regression_losses"
    root = make_course(tmp_path / "course", [assignment])
    release, source = read("release", assignment), read("source", assignment)
    mean_loss = ("def l2_loss(y_true, y_pred):\n"
                 "    return np.mean((np.asarray(y_pred) - np.asarray(y_true)) ** 2)\n")
    # Right on the lecture's integers, wrong on the hidden tests' random floats.
    rounded_l1 = ("def l1_loss(y_true, y_pred):\n"
                  "    return float(round(np.sum(np.abs(np.subtract(y_pred, y_true)))))\n")
    submit(root, "bob", assignment, answered(release, source, replace={
        "l2_loss": mean_loss, "l1_loss": rounded_l1}))

    assert autograder("grade", assignment, root=root).returncode == 0
    row = grades(root)[("bob", assignment)]
    assert row["failed_tests"] == "test_l2_loss test_l1_loss"
    html = (root / "feedback" / "bob" / assignment / f"{assignment}.html").read_text()
    assert "the mean instead of the sum" in html
    assert "A hidden test of l1_loss failed: returned wrong values" in html
    hidden = next(c.source for c in source.cells if c.get("id") == "test-l1-loss")
    hidden = hidden.split("### BEGIN HIDDEN TESTS")[1].split("### END HIDDEN TESTS")[0]
    quoted = [line for line in hidden.splitlines() if len(line.strip()) > 20
              and line.strip() in html]
    assert not quoted, f"feedback quotes hidden tests: {quoted}"


def test_nbgrader_autograde_gives_the_same_score_through_the_same_path(tmp_path):
    """nbgrader_config.py sends `nbgrader autograde` (and the formgrader's Autograde button)
    through the sandbox and the trusted test runner: one submission, one score."""
    assignment = "01_regression_losses"
    release, source = read("release", assignment), read("source", assignment)
    mean_loss = ("def l2_loss(y_true, y_pred):\n"
                 "    return np.mean((np.asarray(y_pred) - np.asarray(y_true)) ** 2)\n")
    hook = ("def _fake(info):\n    pass\nget_ipython().events.register('pre_run_cell', _fake)\n")
    student = answered(release, source, replace={"l2_loss": mean_loss})
    student.cells[2].source += "\n" + hook
    scores = {}
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"}
    for how in ("autograder", "nbgrader"):
        root = make_course(tmp_path / how, [assignment])
        submit(root, "ada", assignment, student)
        if how == "autograder":
            result = autograder("grade", assignment, root=root)
        else:
            result = subprocess.run([sys.executable, "-m", "nbgrader", "generate_assignment",
                                     assignment, "--force"], cwd=root, capture_output=True,
                                    text=True, env=env)
            assert result.returncode == 0, result.stderr
            result = subprocess.run([sys.executable, "-m", "nbgrader", "autograde",
                                     assignment, "--force"], cwd=root, capture_output=True,
                                    text=True, env=env)
        assert result.returncode == 0, result.stdout + result.stderr
        with Gradebook(f"sqlite:///{root / 'gradebook.db'}") as gradebook:
            scores[how] = gradebook.find_submission(assignment, "ada").score
    assert scores["autograder"] == scores["nbgrader"] == 9.0, scores
