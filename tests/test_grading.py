"""Grading a class: the same grades with one job, two jobs and a Dask cluster; re-grading is
idempotent; a stopped run keeps its rows and resumes; no sandbox only on request."""

import csv
import io
import os
import signal
import subprocess
import sys
import time

import pytest

from autograder.grading import grading_log
from autograder.course.reference import answered
from tests.course_copy import NEEDS_BWRAP, ROOT, autograder, make_course, read, submit

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("grading")]
ASSIGNMENT = "01_regression_losses"
MEAN_LOSS = ("def l2_loss(y_true, y_pred):\n"
             "    return np.mean((np.asarray(y_pred) - np.asarray(y_true)) ** 2)\n")


def small_class(folder, students=("full", "partial", "blank", "mean")):
    root = make_course(folder, [ASSIGNMENT])
    release, source = read("release", ASSIGNMENT), read("source", ASSIGNMENT)
    made = {"full": answered(release, source),
            "partial": answered(release, source, keep={"l2_loss"}),
            "blank": release,
            "mean": answered(release, source, replace={"l2_loss": MEAN_LOSS})}
    for student in students:
        submit(root, student, ASSIGNMENT, made[student])
    return root


def table(root):
    with (root / "autograder_grades.csv").open(newline="") as handle:
        return sorted(tuple(row.values()) for row in csv.DictReader(handle))


@pytest.fixture(scope="module")
def one_job(tmp_path_factory):
    root = small_class(tmp_path_factory.mktemp("one-job"))
    result = autograder("grade", ASSIGNMENT, "--jobs", "1", root=root)
    assert result.returncode == 0, result.stdout + result.stderr
    return root


@NEEDS_BWRAP
def test_grades_are_right_with_one_job(one_job):
    scores = {row[0]: row[2] for row in table(one_job)}
    assert scores == {"full": "12", "partial": "3", "blank": "0", "mean": "9"}


@NEEDS_BWRAP
def test_two_jobs_give_the_same_grades_and_regrading_is_idempotent(one_job, tmp_path):
    root = small_class(tmp_path / "course")
    first = autograder("grade", ASSIGNMENT, "--jobs", "2", root=root)
    assert first.returncode == 0, first.stdout + first.stderr
    assert table(root) == table(one_job)
    again = autograder("grade", ASSIGNMENT, "--jobs", "2", root=root)
    assert again.returncode == 0 and table(root) == table(one_job)
    assert len(grading_log.records(root)) == 8


@NEEDS_BWRAP
def test_a_dask_cluster_gives_the_same_grades(one_job, tmp_path):
    distributed = pytest.importorskip("distributed")
    root = small_class(tmp_path / "course")
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  host="127.0.0.1", dashboard_address=None) as cluster:
        result = autograder("grade", ASSIGNMENT, "--scheduler", cluster.scheduler_address,
                            root=root)
    assert result.returncode == 0, result.stdout + result.stderr
    assert table(root) == table(one_job)


@NEEDS_BWRAP
def test_a_stopped_run_keeps_its_rows_and_resumes(one_job, tmp_path):
    root = small_class(tmp_path / "course")
    command = [sys.executable, "-m", "autograder", "--root", str(root), "grade", ASSIGNMENT,
               "--jobs", "1"]
    with subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                          start_new_session=True) as run:
        deadline = time.monotonic() + 600
        while time.monotonic() < deadline and not (
                (root / "autograder_grades.csv").exists() and len(table(root)) >= 1):
            time.sleep(0.2)
        os.killpg(run.pid, signal.SIGKILL)
    kept = table(root)
    assert 1 <= len(kept) < 4, "the run was stopped after its first student"
    resumed = autograder("grade", ASSIGNMENT, "--resume", "--jobs", "2", root=root)
    assert resumed.returncode == 0, resumed.stdout + resumed.stderr
    assert resumed.stdout.count("already graded (--resume)") == len(kept)
    assert table(root) == table(one_job)


def test_without_bubblewrap_grading_stops_and_says_how_to_install_it(tmp_path):
    root = small_class(tmp_path / "course", students=("full",))
    env = {**os.environ, "PATH": str(ROOT / ".venv" / "bin")}
    result = subprocess.run([sys.executable, "-m", "autograder", "--root", str(root), "grade",
                             ASSIGNMENT], capture_output=True, text=True, env=env, timeout=600)
    assert result.returncode == 2
    assert "bubblewrap" in result.stderr and "apt-get install bubblewrap" in result.stderr
    assert "--no-sandbox" in result.stderr
    assert not (root / "autograder_grades.csv").exists()


def test_no_sandbox_grades_and_is_written_into_every_log_record(tmp_path):
    root = small_class(tmp_path / "course", students=("full", "blank"))
    result = autograder("grade", ASSIGNMENT, "--no-sandbox", "--jobs", "1", root=root)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "without a sandbox" in result.stdout
    assert {row[0]: row[2] for row in table(root)} == {"full": "12", "blank": "0"}
    records = grading_log.records(root)
    assert len(records) == 2 and all(r["sandbox"] is False for r in records)


class _Terminal(io.StringIO):
    def isatty(self):
        return True


def test_progress_is_a_bar_on_a_terminal_and_lines_otherwise():
    from autograder.grading.grades_csv import row
    from autograder.grading.progress import Progress

    lines = []
    plain = Progress(2, lines.append, stream=io.StringIO())
    plain.done(row("ada", ASSIGNMENT, 12, 12, "ok"))
    plain.done(row("bob", ASSIGNMENT, None, 12, "not graded: renamed"))
    plain.close()
    assert lines[0].split() == ["ada", "12", "/", "12", "ok"] and "bob" in lines[1]
    terminal = _Terminal()
    bar = Progress(2, lines.append, stream=terminal)
    bar.done(row("ada", ASSIGNMENT, 12, 12, "ok"))
    bar.done(row("bob", ASSIGNMENT, None, 12, "not graded: renamed"))
    bar.close()
    assert len(lines) == 2, "on a terminal the bar writes the lines itself"
    assert "2/2" in terminal.getvalue() and "failed=1" in terminal.getvalue()
