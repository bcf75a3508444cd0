"""The suite's own set-up: tests that share one graded class (xdist_group) run on one worker.

Otherwise each worker grades the whole class again (pytest 9 with pytest-xdist 3.8 ignores
the groups): the slow tests then take twice as long.
"""

import os
import subprocess
import sys

GROUPED = '''
import os
import pytest

pytestmark = pytest.mark.xdist_group("one_class")


@pytest.fixture(scope="module")
def graded_class():
    with open(os.environ["WORKERS_FILE"], "a") as handle:
        handle.write(os.environ.get("PYTEST_XDIST_WORKER", "none") + "\\n")


@pytest.mark.parametrize("student", range(8))
def test_student(graded_class, student):
    pass
'''


def test_a_grouped_module_runs_on_one_worker(tmp_path):
    (tmp_path / "test_grouped.py").write_text(GROUPED)
    workers = tmp_path / "workers.txt"
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-n", "2", "--dist", "loadgroup", "-q",
         "-p", "no:cacheprovider", "-o", "addopts=", str(tmp_path)],
        capture_output=True, text=True, cwd=tmp_path, timeout=300,
        env={**os.environ, "WORKERS_FILE": str(workers)})
    assert result.returncode == 0, result.stdout + result.stderr
    assert len(workers.read_text().split()) == 1, "the group was split across workers"
