"""ruff keeps the package, tests and benchmark tidy."""

import subprocess
import sys

from tests.course_copy import ROOT


def test_ruff_is_clean():
    paths = [p for p in ("autograder", "tests", "benchmarks", "hub") if (ROOT / p).exists()]
    result = subprocess.run([sys.executable, "-m", "ruff", "check", *paths], cwd=ROOT,
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
