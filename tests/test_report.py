"""The class report counts what was planted: a class with known mistakes is graded in the
sandbox, and `autograder report` must find each mistake, who made it, and the rest."""

import html
import json

import pytest

from autograder import grading_log, sandbox
from autograder.reference import answered
from tests.course_copy import autograder, make_course, read, submit

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("report")]
ASSIGNMENT = "01_regression_losses"
MEAN = "the mean instead of the sum (the lecture's L2 sums over all elements)"
NORM = "the square root of the sum (that is the Euclidean norm, not the L2 loss)"
PLANTED = {
    "mean_a": "    return np.mean((np.asarray(y_pred) - np.asarray(y_true)) ** 2)\n",
    "mean_b": "    d = np.subtract(y_true, y_pred)\n    return (d ** 2).mean()\n",
    "mean_c": "    return float(np.average(np.square(np.asarray(y_true) - y_pred)))\n",
    "norm_a": "    return np.linalg.norm(np.asarray(y_true, float) - np.asarray(y_pred, float))\n",
}


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    if not sandbox.available():
        pytest.skip("bubblewrap (bwrap) is not installed")
    root = make_course(tmp_path_factory.mktemp("report"), [ASSIGNMENT])
    release, source = read("release", ASSIGNMENT), read("source", ASSIGNMENT)
    for student, body in PLANTED.items():
        code = "def l2_loss(y_true, y_pred):\n" + body
        submit(root, student, ASSIGNMENT, answered(release, source, replace={"l2_loss": code}))
    submit(root, "full", ASSIGNMENT, answered(release, source))
    submit(root, "blank", ASSIGNMENT, release)
    (root / "submitted" / "absent").mkdir()
    (root / "roster.csv").write_text("student_id,name,lms_id,email\n"
                                     "mean_a,Ada Lovelace,101,ada@example.org\n"
                                     "late,Late Comer,102,late@example.org\n")
    result = autograder("grade", ASSIGNMENT, root=root)
    assert result.returncode == 0, result.stdout + result.stderr
    result = autograder("report", ASSIGNMENT, root=root)
    assert result.returncode == 0, result.stdout + result.stderr
    folder = root / "report" / ASSIGNMENT
    return root, json.loads((folder / "report.json").read_text())


def test_the_common_mistakes_are_the_planted_ones(graded):
    _, model = graded
    found = {(m["grade_id"], m["mistake"]): m["students"] for m in model["mistakes"]}
    assert found == {("test_l2_loss", MEAN): ["mean_a", "mean_b", "mean_c"],
                     ("test_l2_loss", NORM): ["norm_a"]}
    first = model["mistakes"][0]
    assert (first["mistake"], first["count"]) == (MEAN, 3)
    assert first["share"] == pytest.approx(3 / 6)


def test_failures_without_a_catalogued_mistake_are_listed(graded):
    _, model = graded
    unexplained = {u["grade_id"]: u["students"] for u in model["unexplained"]}
    assert set(unexplained) == {c["grade_id"] for c in model["cells"]}
    assert all(students == ["blank"] for students in unexplained.values())


def test_scores_cells_statuses_and_names(graded):
    root, model = graded
    students = {s["student_id"]: s for s in model["students"]}
    assert set(students) == {*PLANTED, "full", "blank", "absent", "late"}
    assert students["full"]["score"] == 12 and students["blank"]["score"] == 0
    assert all(students[s]["score"] == 9 for s in PLANTED)
    assert students["mean_a"]["name"] == "Ada Lovelace"
    assert students["late"]["status"] == "no submission" and students["late"]["score"] is None
    assert model["summary"]["graded"] == 6
    assert model["summary"]["mean"] == pytest.approx((12 + 0 + 4 * 9) / 6)
    statuses = {s["status"]: s["count"] for s in model["statuses"]}
    assert statuses == {"needs manual grading": 6, "no submission": 2}  # 01's written answers
    hardest = model["cells"][0]
    assert hardest["grade_id"] == "test_l2_loss"
    assert hardest["pass_rate"] == pytest.approx(1 / 6)
    assert hardest["failed"] == sorted([*PLANTED, "blank"])
    recorded = {r["student"]: r["seconds"]["total"] for r in grading_log.records(root)
                if r.get("seconds")}
    assert {s["student_id"]: s["seconds"] for s in model["students"] if s["cells"]} == recorded


def test_the_page_and_the_course_page_are_written(graded):
    root, _ = graded
    page = html.unescape((root / "report" / ASSIGNMENT / "index.html").read_text())
    assert MEAN in page and "similar submissions" in page.lower()
    result = autograder("report", root=root)
    assert result.returncode == 0, result.stdout + result.stderr
    course = (root / "report" / "index.html").read_text()
    assert "Ada Lovelace" in course and ASSIGNMENT in course


def test_feedback_never_shows_the_recorded_mistakes(graded):
    root, _ = graded
    html = (root / "feedback" / "mean_a" / ASSIGNMENT / f"{ASSIGNMENT}.html").read_text()
    assert "vnd.autograder" not in html and "the mean instead of the sum" in html


def test_a_report_before_grading_says_what_to_do(tmp_path):
    root = make_course(tmp_path, [ASSIGNMENT])
    result = autograder("report", ASSIGNMENT, root=root)
    assert result.returncode == 2
    assert "run `autograder grade 01_regression_losses` first" in result.stderr
