"""The command line: help for every verb, clear messages for mistakes, same as the API."""

import subprocess
import sys

import pytest

from autograder.cli import parser
from tests.course_copy import ROOT, autograder


@pytest.mark.parametrize("argv", [["--help"], ["build", "--help"], ["validate", "--help"],
                                  ["grade", "--help"]])
def test_help(argv, capsys):
    with pytest.raises(SystemExit) as done:
        parser().parse_args(argv)
    assert done.value.code == 0
    assert "usage: autograder" in capsys.readouterr().out


def test_console_script_and_module_are_the_same_command():
    script = subprocess.run([str(ROOT / ".venv" / "bin" / "autograder"), "--help"],
                            capture_output=True, text=True)
    module = subprocess.run([sys.executable, "-m", "autograder", "--help"],
                            capture_output=True, text=True)
    assert script.returncode == module.returncode == 0
    assert script.stdout == module.stdout


def test_unknown_assignment_is_named_with_the_known_ones():
    result = autograder("grade", "99_nope", root=ROOT)
    assert result.returncode == 2
    assert "Unknown assignment '99_nope'" in result.stderr
    assert "01_regression_losses" in result.stderr


def test_a_folder_that_is_not_a_course(tmp_path):
    result = autograder("build", root=tmp_path)
    assert result.returncode == 2
    assert "not a course folder" in result.stderr and "nbgrader_config.py" in result.stderr


def test_grading_an_assignment_nobody_submitted_is_refused_and_writes_nothing(tmp_path):
    from tests.course_copy import make_course, tree_digest

    root = make_course(tmp_path / "course", ["01_regression_losses"])
    (root / "submitted" / "ada" / "02_classification_losses").mkdir(parents=True)
    before = tree_digest(root)
    result = autograder("grade", "01_regression_losses", root=root)
    assert result.returncode == 2, result.stdout + result.stderr
    assert "No submissions of 01_regression_losses" in result.stderr
    assert "submitted/<student>/01_regression_losses/" in result.stderr
    assert tree_digest(root) == before and not (root / "gradebook.db").exists()
