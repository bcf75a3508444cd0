"""Students who attack their classmates through the machine: a storm of spinning processes in
new sessions, and memory hoarded in a memfd or in tmpfs files, graded with `--jobs 2` beside
honest classmates, who keep full marks without needing a second, quieter run."""

import csv

import pytest

from autograder.grading import grading_log
from autograder.course.reference import answered
from tests.course_copy import (NEEDS_BWRAP, autograder as run_cli, graded_ok, make_course, read,
                               submit)
from tests.submissions.attacks import ASSIGNMENT, FULL, _cell
from tests.test_resource_unit import CGROUPS, MEMFD, TMPFS

pytestmark = [
    pytest.mark.slow,
    pytest.mark.xdist_group("redteam-load"),
    NEEDS_BWRAP,
]
LIMITS = """
c.Execute.timeout = 10
c.Sandbox.wall_seconds = 120
c.Sandbox.memory_mb = 1024
c.Sandbox.file_size_mb = 4096
c.Sandbox.disk_mb = 4096
"""
STORM = """import os
for _ in range(120):
    if os.fork() == 0:
        os.setsid()
        while True:
            pass"""
ATTACKERS = {"fork_storm": STORM, "memfd_hoard": MEMFD.format(blocks=32),
             "tmpfs_hoard": TMPFS.format(path="/tmp/hoard", blocks=32)}
HONEST = ["honest_a", "honest_b"]


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    root = make_course(tmp_path_factory.mktemp("redteam-load") / "course", [ASSIGNMENT])
    with (root / "nbgrader_config.py").open("a") as config:
        config.write(LIMITS)
    release, source = read("release", ASSIGNMENT), read("source", ASSIGNMENT)
    for name, code in ATTACKERS.items():
        nb = answered(release, source)
        _cell(nb, "l1_loss").source += "\n" + code
        submit(root, name, ASSIGNMENT, nb)
    for name in HONEST:
        submit(root, name, ASSIGNMENT, answered(release, source))
    result = run_cli("grade", ASSIGNMENT, "--jobs", "2", root=root)
    with (root / "autograder_grades.csv").open(newline="") as handle:
        rows = {r["student_id"]: r for r in csv.DictReader(handle)}
    records = {r["student"]: r for r in grading_log.records(root)}
    return rows, records, result.stdout + result.stderr


@pytest.mark.parametrize("student", HONEST)
def test_honest_classmates_keep_full_marks_in_their_only_run(graded, student):
    rows, records, log = graded
    assert graded_ok(rows[student]["status"]), log
    assert float(rows[student]["score"]) == FULL, rows[student]
    if CGROUPS:  # the watchdog cannot cap the storm's cores: a timeout is then regraded
        assert "first_run" not in records[student], records[student]


def test_the_fork_storm_is_stopped_and_flagged(graded):
    rows, records, log = graded
    status = rows["fork_storm"]["status"]
    assert "flagged" in status and "left the notebook's session" in status, status
    assert records["fork_storm"]["resources"]["stray_processes"] >= 100, records["fork_storm"]


@pytest.mark.skipif(not CGROUPS, reason="memory outside the address space is counted only by "
                    "control groups (root and mounted controllers)")
@pytest.mark.parametrize("student", ["memfd_hoard", "tmpfs_hoard"])
def test_hoarded_memory_hits_the_limit(graded, student):
    rows, records, log = graded
    assert rows[student]["status"].startswith("memory limit"), rows[student]
    assert float(rows[student]["score"] or 0) < FULL, rows[student]
    assert records[student]["resources"]["peak_memory_mb"] <= 1024 + 1, records[student]
