"""`autograder forget`: what grading wrote for an assignment (or one student) goes, the log
keeps its records marked forgotten, and no submission is touched."""

import os
import sys
import warnings
from pathlib import Path

from nbgrader.api import Gradebook, MissingEntry

import pytest

from autograder.grading import grades_csv, grading_log
from autograder.grading.forget import forget
from autograder.course.nbgrader_api import GRADEBOOK_NOISE
from tests.course_copy import tree_digest

A, B = "02_classification_losses", "01_regression_losses"


@pytest.fixture
def graded(tmp_path, monkeypatch):
    """A course folder as two gradings of A (ada, bob) and one of B (ada) leave it."""
    # nbgrader's gradebook runs the venv's alembic, as the command line finds it.
    monkeypatch.setenv("PATH", f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}")
    root = tmp_path / "course"
    db_url = f"sqlite:///{root / 'gradebook.db'}"
    for student in ("ada", "bob"):
        for stage in ("submitted", "autograded", "feedback"):
            (root / stage / student / A).mkdir(parents=True)
            (root / stage / student / A / f"{A}.ipynb").write_text("{}")
    (root / "feedback" / "ada" / B).mkdir(parents=True)
    with Gradebook(db_url) as gradebook, warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=GRADEBOOK_NOISE)
        for assignment in (A, B):
            gradebook.add_assignment(assignment)
        for student in ("ada", "bob"):
            gradebook.add_student(student)
            gradebook.add_submission(A, student)
        gradebook.add_submission(B, "ada")
    grades_csv.merge(root / grades_csv.FILE_NAME, [
        grades_csv.row("ada", A, 3, 3, "ok"), grades_csv.row("bob", A, 1, 3, "ok"),
        grades_csv.row("ada", B, 2, 2, "ok")])
    for student, assignment in (("ada", A), ("bob", A), ("ada", B)):
        grading_log.append(root, {"student": student, "assignment": assignment, "score": 1,
                                  "sha256": "x", "grader": "g"})
    return root, db_url


def submissions_of(db_url, assignment):
    with Gradebook(db_url) as gradebook:
        try:
            return sorted(s.student.id for s in gradebook.find_assignment(assignment).submissions)
        except MissingEntry:
            return []


def test_forgetting_one_student_leaves_the_others(graded):
    root, db_url = graded
    submitted = tree_digest(root / "submitted")
    assert forget(root=root, assignment=A, students=["bob"], db_url=db_url) == (["bob"], 1, 1)
    assert submissions_of(db_url, A) == ["ada"] and submissions_of(db_url, B) == ["ada"]
    assert not (root / "feedback" / "bob" / A).exists()
    assert not (root / "autograded" / "bob" / A).exists()
    assert (root / "feedback" / "ada" / A).exists()
    assert [(r.student_id, r.assignment) for r in grades_csv.read(
        root / grades_csv.FILE_NAME)] == [("ada", B), ("ada", A)]
    assert grading_log.already_graded(root, A, "g") == {("ada", "x")}
    marked = [r for r in grading_log.records(root, forgotten=True) if r.get("forgotten")]
    assert [(r["student"], r["assignment"]) for r in marked] == [("bob", A)]
    assert tree_digest(root / "submitted") == submitted


def test_forgetting_an_assignment_takes_all_it_left_and_nothing_else(graded):
    root, db_url = graded
    submitted = tree_digest(root / "submitted")
    assert forget(root=root, assignment=A, db_url=db_url) == (["ada", "bob"], 2, 2)
    assert submissions_of(db_url, A) == [] and submissions_of(db_url, B) == ["ada"]
    assert not list((root / "feedback").glob(f"*/{A}"))
    assert (root / "feedback" / "ada" / B).exists()
    assert [r.assignment for r in grades_csv.read(root / grades_csv.FILE_NAME)] == [B]
    assert [r["assignment"] for r in grading_log.records(root)] == [B]
    assert len(grading_log.records(root, forgotten=True)) == 3
    assert forget(root=root, assignment=A, db_url=db_url) == ([], 0, 0)  # nothing left
    assert tree_digest(root / "submitted") == submitted
