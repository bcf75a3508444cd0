"""The red-team class: every attack and fault in tests/submissions, graded together with two
honest students in one sandboxed, parallel run. For each: the batch completes, the student
gets no more than its functions earn, the status or a flag says why, the honest students'
grades are right, and nothing under submitted/, source/ or the installed package changed."""

import csv
import hashlib
import socket
import threading
from pathlib import Path

import nbformat
import pytest

import autograder
from autograder import grading_log, sandbox
from tests.course_copy import autograder as run_cli, make_course, read, submit, tree_digest
from tests.submissions.attacks import ASSIGNMENT, ATTACKS

pytestmark = [
    pytest.mark.slow,
    pytest.mark.xdist_group("redteam"),
    pytest.mark.skipif(not sandbox.available(), reason="bubblewrap (bwrap) is not installed: "
                       "apt-get install bubblewrap"),
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
    if attack.status is not None:
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
