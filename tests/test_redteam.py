"""The red-team class: every attack and fault in tests/submissions, graded together with two
honest students in one sandboxed, parallel run. For each: the batch completes, the student
gets no more than its functions earn, the status or a flag says why, the honest students'
grades are right, and nothing under submitted/, source/ or the installed package changed."""

import csv
import hashlib
import json
import socket
import threading
from pathlib import Path

import nbformat
import pytest

import autograder
from autograder.course import csv_cells
from autograder.grading import grading_log
from autograder.student import mistakes
from tests.browser import chromium
from tests.course_copy import (NEEDS_BWRAP, autograder as run_cli, graded_ok, make_course, read,
                               submit, tree_digest)
from tests.submissions import hostile_output as hostile
from tests.submissions.attacks import ASSIGNMENT, ATTACKS
from tests.test_site import wait_for_math

pytestmark = [
    pytest.mark.slow,
    pytest.mark.xdist_group("redteam"),
    NEEDS_BWRAP,
]

# Small limits, so that the bombs and loops end quickly.
LIMITS = """
c.Execute.timeout = 10
c.Sandbox.wall_seconds = 60
c.Sandbox.memory_mb = 1536
c.Sandbox.processes = 40
c.Sandbox.file_size_mb = 8
c.Sandbox.output_kb = 1024
"""
PACKAGE = Path(autograder.__file__).parent


def package_digest():
    """SHA-256 of the installed package's source files (not the grader's own bytecode)."""
    digest = hashlib.sha256()
    for path in sorted(PACKAGE.rglob("*.py")):
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


class Listener:
    """A loopback TCP server that records every connection made to it."""

    def __init__(self):
        self.server = socket.create_server(("127.0.0.1", 0))
        self.server.settimeout(0.5)
        self.port = self.server.getsockname()[1]
        self.connections, self.running = [], True
        self.thread = threading.Thread(target=self._accept, daemon=True)
        self.thread.start()

    def _accept(self):
        while self.running:
            try:
                self.connections.append(self.server.accept()[1])
            except OSError:
                continue

    def close(self):
        self.running = False
        self.thread.join()
        self.server.close()


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    root = make_course(tmp_path_factory.mktemp("redteam") / "course", [ASSIGNMENT])
    with (root / "nbgrader_config.py").open("a") as config:
        config.write(LIMITS)
    release, source = read("release", ASSIGNMENT), read("source", ASSIGNMENT)
    listener = Listener()
    for attack in ATTACKS:
        built = attack.build(release, source, root, listener.port)
        raw = built if isinstance(built, bytes) else None
        submitted = submit(root, attack.name, ASSIGNMENT, None if raw is not None else built,
                           raw=raw, name=attack.file_name)
        if attack.after:
            attack.after(root, submitted)
    before = {"submitted": tree_digest(root / "submitted"), "source": tree_digest(root / "source"),
              "package": package_digest()}
    result = run_cli("grade", ASSIGNMENT, "--jobs", "2", root=root)
    listener.close()
    with (root / "autograder_grades.csv").open(newline="") as handle:
        rows = list(csv.DictReader(handle))
    return {"root": root, "result": result, "rows": rows, "before": before,
            "connections": listener.connections}


def _row(graded, student):
    return next(r for r in graded["rows"] if r["student_id"] == student)


@pytest.mark.parametrize("attack", ATTACKS, ids=lambda a: a.name)
def test_attack_earns_no_more_than_its_functions_earn(graded, attack):
    row = _row(graded, attack.name)
    score = float(row["score"] or 0)
    log = graded["result"].stdout + graded["result"].stderr
    assert attack.least <= score <= attack.most, f"{attack.name}: {row}\n{log[-3000:]}"
    assert float(row["max_score"]) == 12, row
    assert (row["score"] != "") == attack.graded, f"{attack.name}: {row}"
    if attack.status == "ok":  # 01's written answers wait for a person: graded_ok
        assert graded_ok(row["status"]), row
    elif attack.status is not None:
        assert row["status"] == attack.status, row
    for word in attack.says:
        assert word in row["status"], f"{attack.name}: status does not say {word!r}: {row}"


def test_the_batch_completes_and_nothing_outside_the_sandbox_changes(graded):
    root = graded["root"]
    assert graded["result"].returncode == 1, "unreadable submissions make the run exit 1"
    assert sorted(r["student_id"] for r in graded["rows"]) == sorted(a.name for a in ATTACKS)
    after = {"submitted": tree_digest(root / "submitted"), "source": tree_digest(root / "source"),
             "package": package_digest()}
    assert after == graded["before"], "grading modified files outside the sandbox"
    assert not graded["connections"], "a submission reached a loopback server"
    assert "mallory" not in (root / "autograder_grades.csv").read_text()
    assert not (root / "big.bin").exists()
    assert not list(root.rglob("big.bin"))


def test_every_submission_has_one_log_record(graded):
    records = grading_log.records(graded["root"])
    assert sorted(r["student"] for r in records) == sorted(a.name for a in ATTACKS)
    for record in records:
        assert record["sandbox"] is True and record["status"]
        if record["score"] is not None:
            assert len(record["sha256"]) == 64
            assert record["versions"]["nbgrader"] and record["cells"]


def test_feedback_of_the_stderr_student_shows_the_log_line(graded):
    """What the student's own cell writes to stderr is shown; it costs nothing."""
    root = graded["root"]
    html = (root / "feedback" / "logs_to_stderr" / ASSIGNMENT / f"{ASSIGNMENT}.html").read_text()
    assert "computing the L2 loss" in html


@pytest.mark.parametrize("student", ["pass_transformer", "assert_stripper", "pre_run_hook",
                                     "fake_displayhook", "rebound_helpers", "patched_numpy"])
def test_the_tests_never_run_in_the_students_kernel(graded, student):
    """Hooks, transformers and patches in the kernel do not touch the tests: the blank
    answers fail every grade cell (NotImplementedError, or NameError where a transformer
    emptied the student's cells), and the tampering is flagged."""
    assert "flagged" in _row(graded, student)["status"]
    executed = nbformat.read(graded["root"] / "autograded" / student / ASSIGNMENT /
                             f"{ASSIGNMENT}.ipynb", as_version=4)
    errors = [o.ename for c in executed.cells if c.metadata.get("nbgrader", {}).get("grade")
              for o in c.get("outputs", []) if o.output_type == "error"]
    assert len(errors) == 4 and set(errors) <= {"NotImplementedError", "NameError"}, errors


def _record(graded, student):
    return next(r for r in grading_log.records(graded["root"]) if r["student"] == student)


def _feedback(graded, student):
    return graded["root"] / "feedback" / student / ASSIGNMENT / f"{ASSIGNMENT}.html"


@pytest.fixture(scope="module")
def published(graded):
    """The course folder after the class report and every kind of grade export."""
    root = graded["root"]
    for args in [("report", ASSIGNMENT), *(("export-grades", "--format", f)
                                          for f in ("canvas", "moodle", "csv"))]:
        result = run_cli(*args, root=root)
        assert result.returncode == 0, result.stdout + result.stderr
    return root


def _numeric(text):
    try:
        float(text)
    except ValueError:
        return False
    return True


def _csv_cells(root):
    """(file name, cell) of every CSV file the course wrote (not the roster it was given)."""
    cells = []
    for path in sorted(root.rglob("*.csv")):
        if path.name != "roster.csv":
            with path.open(newline="", encoding="utf-8") as handle:
                cells += [(path.name, value) for row in csv.reader(handle) for value in row]
    return cells


def test_no_csv_cell_the_course_writes_is_a_formula(published):
    cells = _csv_cells(published)
    formulas = [(name, value[:80]) for name, value in cells
                if value.startswith(csv_cells.FORMULA_START) and not _numeric(value)]
    assert not formulas, formulas
    escaped = {name for name, value in cells if value == "'" + hostile.FORMULA}
    assert {"students.csv", f"moodle-{ASSIGNMENT}.csv", "canvas-grades.csv",
            "grades-table.csv"} <= escaped, escaped


def test_forged_mistake_records_reach_neither_the_log_nor_the_report(published):
    records = grading_log.records(published)
    assert _record({"root": published}, "fake_mistakes")["cells"]
    for record in records:
        for cell in (record.get("cells") or {}).values():
            assert len(cell["mistakes"]) <= mistakes.MAX_PER_GRADE_CELL, record["student"]
            assert not any(hostile.FORMULA in m for m in cell["mistakes"]), record["student"]
    report = published / "report" / ASSIGNMENT
    assert "HYPERLINK" not in (report / "mistakes.csv").read_text()
    assert "HYPERLINK" not in (report / "report.json").read_text().replace(
        json.dumps(hostile.FORMULA)[1:-1], "")  # only the roster name carries it


def test_a_pathological_output_is_rendered_and_cut_visibly(graded):
    """The full page is rendered, not the plain fallback; how long it takes is measured by
    `make bench` (benchmarks/hostile_output.py), never asserted here."""
    record = _record(graded, "pathological_output")
    assert graded_ok(record["status"]), record["status"]  # not the plain page
    html = _feedback(graded, "pathological_output").read_text()
    assert "[output cut: the output of this cell is over 512 KiB" in html


def _untouched(page):
    """Whether the page's title and window are as its author left them."""
    return page.evaluate("() => [document.title, typeof window.__pwned]")


def test_student_scripts_never_run_in_the_feedback_or_the_report(graded, published):
    feedback, report = _feedback(graded, "script_output"), published / "report" / ASSIGNMENT
    html = feedback.read_text()
    assert 'http-equiv="Content-Security-Policy"' in html
    assert "$\\sum_i" in html, "the student's markdown cell is on the page"
    with chromium() as browser:
        page = browser.new_page()
        page.goto(feedback.as_uri(), wait_until="load")
        wait_for_math(page)
        assert page.locator(".text_cell_render .MathJax").count() > 0
        assert _untouched(page) == [ASSIGNMENT, "undefined"]
        page.goto((report / "index.html").as_uri(), wait_until="load")
        assert _untouched(page) == [f"Class report: {ASSIGNMENT}", "undefined"]


def test_a_timeout_beside_others_is_confirmed_by_a_run_alone(graded):
    """The endless loop timed out while classmates were graded: it is graded again alone
    before the timeout is final, and the log keeps both runs."""
    record = _record(graded, "infinite_loop")
    assert record["first_run"]["status"].startswith("timeout"), record
    assert record["first_run"]["alongside"] >= 1, record
    assert record["status"].startswith("timeout"), record
    honest = _record(graded, "honest_full")
    assert "first_run" not in honest, honest
