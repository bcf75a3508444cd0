"""`autograder check NOTEBOOK`: one notebook graded as `grade` would, with no gradebook, in a
course copy and in a student edition, with and without bubblewrap."""

import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from autograder.student.cells import nbgrader_meta
from autograder.grading.check import NO_SANDBOX, VISIBLE_ONLY, check, restore, score
from autograder.course.paths import CourseError
from autograder.course.reference import answered
from tests.course_copy import ROOT, make_course, read

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("check")]

ASSIGNMENT = "01_regression_losses"
TESTS = ["test_l2_loss", "test_l1_loss", "test_l2_loss_grad", "test_l1_loss_grad"]


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    """A course copy with source/, release/ and verification/ of notebook 01."""
    root = make_course(tmp_path_factory.mktemp("check") / "course", [ASSIGNMENT])
    shutil.copytree(ROOT / "release" / ASSIGNMENT, root / "release" / ASSIGNMENT)
    return root


@pytest.fixture(scope="module")
def editions():
    return read("release", ASSIGNMENT), read("source", ASSIGNMENT)


def write(folder, nb, name=f"{ASSIGNMENT}.ipynb"):
    path = Path(folder) / name
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, path)
    return path


def sha256(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


def run_check(path, **kwargs):
    """check() on ``path``, asserting the file is byte-identical afterwards."""
    before = sha256(path)
    printed = []
    report = check(notebook=path, log=printed.append, **kwargs)
    assert sha256(path) == before, "check changed the notebook file"
    assert printed == [report.text]
    assert report.text.splitlines()[0] == report.summary
    return report


def cli(*args, cwd, env=None):
    return subprocess.run([sys.executable, "-m", "autograder", *map(str, args)], cwd=cwd,
                          env=env, capture_output=True, text=True, timeout=600)


def failing(report):
    return [t.grade_id for t in report.tests if not t.passed]


def test_a_full_notebook_earns_every_point(course, editions, tmp_path):
    path = write(tmp_path, answered(*editions))
    report = run_check(path, root=course)
    assert report.summary == "points 12 / 12, tests passed 4, failed 0", report.text
    assert [t.grade_id for t in report.tests] == TESTS
    assert report.exit_code == 0 and report.verified and report.hidden_tests
    assert VISIBLE_ONLY not in report.text
    assert "2 written answers (4 points) are graded by your instructor" in report.text


def test_a_partial_notebook_names_the_failing_tests(course, editions, tmp_path):
    path = write(tmp_path, answered(*editions, keep={"l2_loss"}))
    report = run_check(path, root=course)
    assert report.summary == "points 3 / 12, tests passed 1, failed 3", report.text
    assert failing(report) == TESTS[1:]
    assert report.exit_code == 1
    for name in TESTS[1:]:
        assert f"FAIL {name}: 0 / 3" in report.text
    assert "PASS test_l2_loss: 3 / 3" in report.text


def test_a_blank_notebook_fails_every_test_with_not_implemented(course, editions, tmp_path):
    path = write(tmp_path, editions[0])
    report = run_check(path, root=course)
    assert report.summary == "points 0 / 12, tests passed 0, failed 4", report.text
    assert all("NotImplementedError" in t.message for t in report.tests), report.text
    assert report.exit_code == 1


def test_hidden_tests_run_where_the_source_is(course, editions, tmp_path):
    """An l2_loss that only handles 2-D input passes the visible test, not the hidden ones."""
    flat_only = ("def l2_loss(y_true, y_pred):\n    import numpy as np\n"
                 "    return float(np.sum((np.asarray(y_pred, float) - np.asarray(y_true, float))"
                 " ** 2, axis=(0, 1)))\n")
    nb = answered(*editions, replace={"l2_loss": flat_only})
    report = run_check(write(tmp_path / "course", nb), root=course)
    assert failing(report) == ["test_l2_loss"], report.text
    assert "3 / 12" not in report.summary and report.points == 9

    student = tmp_path / "student"
    shutil.copytree(ROOT / "release" / ASSIGNMENT, student / "release" / ASSIGNMENT)
    report = run_check(write(student, nb))
    assert report.summary == "points 12 / 12, tests passed 4, failed 0", report.text
    assert not report.hidden_tests


def test_verification_takes_the_points_of_a_function_that_fools_the_tests(course, editions,
                                                                          tmp_path):
    release, source = editions
    solution = next(c.source for c in source.cells if nbgrader_meta(c).get("grade_id") == "l2_loss")
    cheat = solution.replace("    ### BEGIN SOLUTION\n", "    ### BEGIN SOLUTION\n"
                             "    if np.shape(y_true) == (6, 2):\n        return 0.0\n")
    path = write(tmp_path, answered(release, source, replace={"l2_loss": cheat}))
    report = run_check(path, root=course)
    assert failing(report) == ["test_l2_loss"], report.text
    message = report.tests[0].message
    assert message.startswith("AssertionError: A hidden test failed: l2_loss") and "(6, 2)" \
        in message


def test_grade_cells_are_restored_without_a_gradebook(course, editions, tmp_path):
    """Deleted and edited tests come back; a made-up grade cell earns nothing."""
    nb = answered(*editions)
    nb.cells = [c for c in nb.cells if nbgrader_meta(c).get("grade_id") != "test_l2_loss"]
    edited = next(c for c in nb.cells if nbgrader_meta(c).get("grade_id") == "test_l1_loss")
    edited.source = "pass"
    edited.metadata["nbgrader"]["points"] = 30
    bonus = nbformat.v4.new_code_cell("print('free points')")
    bonus.metadata["nbgrader"] = {"grade": True, "grade_id": "bonus", "points": 100,
                                  "solution": False, "locked": True}
    nb.cells.append(bonus)
    report = run_check(write(tmp_path, nb), root=course)
    assert report.summary == "points 12 / 12, tests passed 4, failed 0", report.text
    assert [t.grade_id for t in report.tests] == TESTS
    assert "deleted test_l2_loss" in report.text and "edited the locked cell test_l1_loss" \
        in report.text


def test_restore_puts_missing_grade_cells_after_the_cell_before_them(editions):
    release, source = editions
    nb = nbformat.from_dict(release)
    nb.cells = [c for c in nb.cells if nbgrader_meta(c).get("grade_id") not in
                ("test_l2_loss", "test_l1_loss_grad")]
    restored = restore(nb, source)
    ids = [nbgrader_meta(c).get("grade_id") for c in restored.cells]
    assert ids == [nbgrader_meta(c).get("grade_id") for c in source.cells]
    hidden = next(c for c in restored.cells if nbgrader_meta(c).get("grade_id") == "test_l2_loss")
    assert "BEGIN HIDDEN TESTS" in hidden.source
    assert len({c.id for c in restored.cells}) == len(restored.cells)


def test_scoring_ignores_stderr_and_keeps_fifteen_lines_of_a_failure():
    ok = nbformat.v4.new_code_cell("x", outputs=[nbformat.v4.new_output(
        "stream", name="stderr", text="a warning\n")])
    bad = nbformat.v4.new_code_cell("y", outputs=[nbformat.v4.new_output(
        "error", ename="AssertionError", evalue="\n".join(f"line {i}" for i in range(40)),
        traceback=[])])
    for cell, grade_id in ((ok, "a"), (bad, "b")):
        cell.metadata["nbgrader"] = {"grade": True, "grade_id": grade_id, "points": 2}
    tests = score(nbformat.v4.new_notebook(cells=[ok, bad]))
    assert [(t.passed, t.points) for t in tests] == [(True, 2), (False, 0)]
    lines = tests[1].message.splitlines()
    assert lines[0] == "AssertionError: line 0" and len(lines) <= 16 and "line 15" not in lines


def test_a_student_edition_checks_visible_tests_only(editions, tmp_path):
    student = tmp_path / "student"
    shutil.copytree(ROOT / "release" / ASSIGNMENT, student / "release" / ASSIGNMENT)
    path = write(student, answered(*editions))
    before = sha256(path)
    result = cli("check", path.name, cwd=student)
    assert result.returncode == 0, result.stdout + result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == "points 12 / 12, tests passed 4, failed 0", result.stdout
    assert VISIBLE_ONLY in result.stdout and "not verified" in result.stdout
    assert sha256(path) == before


def test_without_bubblewrap_it_runs_as_a_plain_process(course, editions, tmp_path):
    path = write(tmp_path, answered(*editions, keep={"l2_loss"}))
    env = {**os.environ, "PATH": str(Path(sys.executable).parent)}
    result = cli("check", path, cwd=course, env=env)
    assert result.returncode == 1, result.stdout + result.stderr
    assert result.stdout.startswith("points 3 / 12, tests passed 1, failed 3"), result.stdout
    assert result.stdout.count(NO_SANDBOX) == 1


def test_an_unreadable_notebook_exits_2(course, tmp_path):
    broken = tmp_path / f"{ASSIGNMENT}.ipynb"
    broken.write_bytes(b'{"cells": [ this is not json')
    result = cli("check", broken, cwd=course)
    assert result.returncode == 2 and "not a readable notebook" in result.stderr, result.stderr
    assert broken.read_bytes() == b'{"cells": [ this is not json'
    assert cli("check", tmp_path / "missing.ipynb", cwd=course).returncode == 2
    with pytest.raises(CourseError, match="not a readable notebook"):
        check(notebook=broken, root=course, log=lambda text: None)
