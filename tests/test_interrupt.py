"""Ctrl-C during `autograder grade`: the run stops within seconds, with no traceback and no
sandbox left behind, every student it recorded is recorded whole, and `--resume` ends with
the grades of an uninterrupted run."""

import csv
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from nbgrader.api import Gradebook

from autograder.grading import grading_log
from autograder.course.reference import answered
from tests.course_copy import NEEDS_BWRAP, autograder, make_course, read, submit

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("grading"),
              NEEDS_BWRAP]
A = "01_regression_losses"
# Generous: a loaded machine is slow. That the queue is not drained is what `recorded < 6`
# checks; this only catches a run that hangs.
STOP_SECONDS = 60


def six_students(folder):
    root = make_course(folder, [A])
    release, source = read("release", A), read("source", A)
    kinds = [answered(release, source), answered(release, source, keep={"l2_loss"}), release]
    for index in range(6):
        submit(root, f"s{index}", A, kinds[index % 3])
    return root


def table(root):
    with (root / "autograder_grades.csv").open(newline="") as handle:
        return sorted(tuple(row.values()) for row in csv.DictReader(handle))


def descendants(pid):
    """{pid: (name, start time)} of every process below ``pid``, sandboxes included."""
    parents = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_bytes()
        except OSError:
            continue
        name, rest = stat.split(b" (", 1)[1].rsplit(b") ", 1)
        fields = rest.split()
        parents[int(entry.name)] = (int(fields[1]), name.decode(), fields[19])
    found, todo = {}, [pid]
    while todo:
        parent = todo.pop()
        for child, (ppid, name, started) in parents.items():
            if ppid == parent and child not in found:
                found[child] = (name, started)
                todo.append(child)
    return found


def alive(pid, started):
    try:
        fields = Path(f"/proc/{pid}/stat").read_bytes().rsplit(b") ", 1)[1].split()
    except OSError:
        return False
    return fields[19] == started and fields[0] != b"Z"


def interrupt_after_the_first_student(run, root):
    """Send Ctrl-C once a student is recorded and a sandbox runs; the processes below the
    run then, and the seconds it took to exit."""
    deadline = time.monotonic() + 900
    while time.monotonic() < deadline and not (
            (root / "autograder_grades.csv").exists() and table(root)):
        time.sleep(0.1)
    while time.monotonic() < deadline and not any(
            name == "bwrap" for name, _ in descendants(run.pid).values()):
        time.sleep(0.05)
    below = descendants(run.pid)
    assert any(name == "bwrap" for name, _ in below.values()), "no sandbox was running"
    os.killpg(run.pid, signal.SIGINT)  # what Ctrl-C in a terminal does
    sent = time.monotonic()
    run.wait(timeout=120)
    return below, time.monotonic() - sent


def test_ctrl_c_stops_the_run_cleanly_and_resume_finishes_it(tmp_path):
    whole = six_students(tmp_path / "whole")
    result = autograder("grade", A, "--jobs", "2", root=whole)
    assert result.returncode == 0, result.stdout + result.stderr

    root = six_students(tmp_path / "stopped")
    command = [sys.executable, "-m", "autograder", "--root", str(root), "grade", A, "--jobs", "2"]
    with (tmp_path / "stdout").open("w") as out, (tmp_path / "stderr").open("w") as err:
        run = subprocess.Popen(command, stdout=out, stderr=err, start_new_session=True)
    try:
        below, took = interrupt_after_the_first_student(run, root)
    finally:
        if run.poll() is None:
            os.killpg(run.pid, signal.SIGKILL)
            run.wait()
    code = run.returncode
    stderr, stdout = (tmp_path / "stderr").read_text(), (tmp_path / "stdout").read_text()
    assert code == 130, stdout + stderr
    assert took < STOP_SECONDS, f"stopped after {took:.1f} s"
    assert "Traceback" not in stdout + stderr, stdout + stderr
    assert f"continue with `autograder grade {A} --resume`" in stderr, stderr
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline and any(alive(p, s) for p, (_, s) in below.items()):
        time.sleep(0.1)
    left = [f"{pid} {name}" for pid, (name, started) in below.items() if alive(pid, started)]
    assert not left, f"processes of the run survived it: {left}"

    recorded = {row[0] for row in table(root)}
    assert 1 <= len(recorded) < 6, recorded
    assert {r["student"] for r in grading_log.records(root)} == recorded
    with Gradebook(f"sqlite:///{root / 'gradebook.db'}") as gradebook:
        assert {s.student.id for s in gradebook.assignment_submissions(A)} == recorded

    resumed = autograder("grade", A, "--resume", "--jobs", "2", root=root)
    assert resumed.returncode == 0, resumed.stdout + resumed.stderr
    assert resumed.stdout.count("already graded (--resume)") == len(recorded)
    assert table(root) == table(whole)
