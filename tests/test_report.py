"""The class report counts what was planted: a class with known mistakes is graded in the
sandbox, and `autograder report` must find each mistake, who made it, and the rest."""

import html
import json

import pytest

from autograder.grading import grading_log
from autograder.sandbox import session as sandbox
from autograder.course.reference import answered
from autograder.grading.verification import load_cases
from tests.course_copy import ROOT, autograder, make_course, read, submit
from tests.reduced_course import Cells, make_reduced_course

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
    graded = autograder("grade", ASSIGNMENT, root=root)
    assert graded.returncode == 0, graded.stdout + graded.stderr
    result = autograder("report", ASSIGNMENT, root=root)
    assert result.returncode == 0, result.stdout + result.stderr
    folder = root / "report" / ASSIGNMENT
    return root, json.loads((folder / "report.json").read_text()), graded.stdout + graded.stderr


def test_the_common_mistakes_are_the_planted_ones(graded):
    _, model, _ = graded
    found = {(m["grade_id"], m["mistake"]): m["students"] for m in model["mistakes"]}
    assert found == {("test_l2_loss", MEAN): ["mean_a", "mean_b", "mean_c"],
                     ("test_l2_loss", NORM): ["norm_a"]}
    first = model["mistakes"][0]
    assert (first["mistake"], first["count"]) == (MEAN, 3)
    assert first["share"] == pytest.approx(3 / 6)


def test_failures_without_a_catalogued_mistake_are_listed(graded):
    _, model, _ = graded
    unexplained = {u["grade_id"]: u["students"] for u in model["unexplained"]}
    assert set(unexplained) == {c["grade_id"] for c in model["cells"]}
    assert all(students == ["blank"] for students in unexplained.values())


def test_scores_cells_statuses_and_names(graded):
    root, model, _ = graded
    students = {s["student_id"]: s for s in model["students"]}
    assert set(students) == {*PLANTED, "full", "blank", "absent", "late"}
    assert students["full"]["score"] == 12 and students["blank"]["score"] == 0
    assert all(students[s]["score"] == 9 for s in PLANTED)
    assert students["mean_a"]["name"] == "Ada Lovelace"
    assert students["late"]["status"] == "no submission" and students["late"]["score"] == 0
    assert students["absent"]["status"] == "no submission" and students["absent"]["score"] == 0
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
    for record in grading_log.records(root):  # the work, never the wait for a free worker
        if record.get("seconds"):
            parts = record["seconds"]
            assert parts["total"] == pytest.approx(
                parts["run"] + parts["gradebook"] + parts["feedback"], abs=0.002)


def test_each_failing_students_cells_and_messages_appear(graded):
    root, model, _ = graded
    page = html.unescape((root / "report" / ASSIGNMENT / "index.html").read_text())
    students = {s["student_id"]: s for s in model["students"]}
    for student in [*PLANTED, "blank"]:
        failing = students[student]["failing"]
        assert failing and all(f["message"] for f in failing), (student, failing)
        for cell in failing:
            assert cell["message"].splitlines()[0] in page, (student, cell)
    assert {f["grade_id"]: f["mistakes"] for f in students["mean_a"]["failing"]} == {
        "test_l2_loss": [MEAN]}
    assert students["full"]["failing"] == []
    common = {f["grade_id"]: f["count"] for f in model["failures"]}
    assert common["test_l2_loss"] == 5 and model["failures"][0]["grade_id"] == "test_l2_loss"
    for entry in model["unexplained"]:
        assert [m["student_id"] for m in entry["messages"]] == ["blank"]
        assert entry["messages"][0]["message"] in page


def test_grading_prints_no_warning_per_student(graded):
    _, _, output = graded
    assert "not able to be represented" not in output
    assert "vnd.autograder" not in output


def test_the_page_and_the_course_page_are_written(graded):
    root, _, _ = graded
    page = html.unescape((root / "report" / ASSIGNMENT / "index.html").read_text())
    assert MEAN in page and "similar submissions" in page.lower()
    result = autograder("report", root=root)
    assert result.returncode == 0, result.stdout + result.stderr
    course = (root / "report" / "index.html").read_text()
    assert "Ada Lovelace" in course and ASSIGNMENT in course


def test_feedback_never_shows_the_recorded_mistakes(graded):
    root, _, _ = graded
    html = (root / "feedback" / "mean_a" / ASSIGNMENT / f"{ASSIGNMENT}.html").read_text()
    assert "vnd.autograder" not in html and "the mean instead of the sum" in html


def test_a_report_before_grading_says_what_to_do(tmp_path):
    root = make_course(tmp_path, [ASSIGNMENT])
    result = autograder("report", ASSIGNMENT, root=root)
    assert result.returncode == 2
    assert "run `autograder grade 01_regression_losses` first" in result.stderr


SOFTMAX_NO_MAX = ("def softmax(scores):\n    e = np.exp(np.asarray(scores, dtype=float))\n"
                  "    return e / e.sum(axis=1, keepdims=True)\n")
NAIVE_BCE = ("def binary_cross_entropy(p, y):\n    p, y = np.asarray(p, float), np.asarray(y)\n"
             "    return -np.mean(y * np.log(p) + (1 - y) * np.log(1 - p))\n")


@pytest.fixture(scope="module")
def numerics(tmp_path_factory):
    """02, reduced to the softmax and binary cross-entropy cells, graded for a class that
    makes the two numerical mistakes of the lecture."""
    if not sandbox.available():
        pytest.skip("bubblewrap (bwrap) is not installed")
    assignment = "02_classification_losses"
    cells = Cells(read("source", assignment), load_cases(ROOT, assignment))
    root = tmp_path_factory.mktemp("numerics")
    release, source = make_reduced_course(
        root, assignment, cells.kept_ids("softmax") | cells.kept_ids("binary_cross_entropy"))
    submit(root, "full", assignment, answered(release, source))
    for student, (target, code) in {"no_max_a": ("softmax", SOFTMAX_NO_MAX),
                                    "no_max_b": ("softmax", SOFTMAX_NO_MAX),
                                    "naive": ("binary_cross_entropy", NAIVE_BCE)}.items():
        submit(root, student, assignment, answered(release, source, replace={target: code}))
    for verb in ("grade", "report"):
        result = autograder(verb, assignment, root=root)
        assert result.returncode == 0, result.stdout + result.stderr
    return json.loads((root / "report" / assignment / "report.json").read_text())


def test_overflowing_softmax_and_naive_cross_entropy_are_counted_not_unexplained(numerics):
    found = {m["mistake"].split(":")[0]: (m["grade_id"], m["students"])
             for m in numerics["mistakes"]}
    assert found["no max trick"] == ("test_softmax_stability", ["no_max_a", "no_max_b"])
    assert found["the naive formula y log p + (1 - y) log(1 - p)"] == (
        "test_binary_cross_entropy", ["naive"])
    unexplained = {who for u in numerics["unexplained"] for who in u["students"]}
    assert not unexplained & {"no_max_a", "no_max_b", "naive"}, numerics["unexplained"]
