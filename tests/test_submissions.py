"""Reading a submission: never through a link, never a hard-linked, odd or oversized file,
and never by parsing what is over the size limit."""

import os

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_notebook

from autograder.course import submissions

A = "01_regression_losses"
LIMIT = 2**20
NOTEBOOK = nbformat.writes(new_notebook(cells=[new_code_cell("x = 1")])).encode()


@pytest.fixture
def root(tmp_path):
    (tmp_path / "submitted").mkdir()
    (tmp_path / "secret.txt").write_text("the instructor's")
    return tmp_path


def folder(root, student):
    path = root / "submitted" / student / A
    path.mkdir(parents=True)
    return path


def test_an_honest_submission_is_read_with_its_other_files(root):
    here = folder(root, "ada")
    (here / f"{A}.ipynb").write_bytes(NOTEBOOK)
    (here / "timestamp.txt").write_text("2024-05-01 10:00:00 UTC")
    (here / "data").mkdir()
    (here / "data" / "points.csv").write_text("1,2\n")
    assert submissions.read(root, "ada", A, LIMIT) == (NOTEBOOK, None)
    assert submissions.read(root, "bob", A, LIMIT) == (None, "no submission")


@pytest.mark.parametrize("make, words", [
    (lambda root, here: (here / f"{A}.ipynb").symlink_to(root / "secret.txt"),
     f"submitted/eve/{A}/{A}.ipynb is a symbolic link"),
    (lambda root, here: (here / "data.csv").symlink_to(root / "secret.txt"),
     f"submitted/eve/{A}/data.csv is a symbolic link"),
    (lambda root, here: os.link(root / "secret.txt", here / f"{A}.ipynb"),
     f"submitted/eve/{A}/{A}.ipynb has 2 hard links"),
    (lambda root, here: os.mkfifo(here / f"{A}.ipynb"),
     f"submitted/eve/{A}/{A}.ipynb is a fifo, not a file"),
    (lambda root, here: os.mkfifo(here / "timestamp.txt"),
     f"submitted/eve/{A}/timestamp.txt is a fifo, not a file"),
    (lambda root, here: (here / f"{A}.ipynb").mkdir(),
     f"submitted/eve/{A}/{A}.ipynb is a folder, not a file"),
    (lambda root, here: (here / f"{A}.ipynb").write_bytes(b" " * (LIMIT + 1)),
     "the submission is 1.0 MB, over the 1 MB limit (c.Submissions.max_mb in "
     "nbgrader_config.py)"),
    (lambda root, here: (here / "video.mp4").write_bytes(b"\0" * LIMIT),
     "the submission is 1.0 MB, over the 1 MB limit"),
])
def test_links_odd_files_and_oversized_submissions_are_refused(root, make, words):
    here = folder(root, "eve")
    make(root, here)
    if not os.path.lexists(here / f"{A}.ipynb"):
        (here / f"{A}.ipynb").write_bytes(NOTEBOOK)
    data, problem = submissions.read(root, "eve", A, LIMIT)
    assert data is None and problem.startswith("not graded: ") and words in problem, problem


def test_a_linked_student_or_assignment_folder_is_refused(root):
    here = folder(root, "ada")
    (here / f"{A}.ipynb").write_bytes(NOTEBOOK)
    (root / "submitted" / "eve").symlink_to(root / "submitted" / "ada")
    (root / "submitted" / "mal").mkdir()
    (root / "submitted" / "mal" / A).symlink_to(here)
    assert submissions.students(root) == ["ada", "eve", "mal"]
    assert "submitted/eve is a symbolic link" in submissions.read(root, "eve", A, LIMIT)[1]
    assert f"submitted/mal/{A} is a symbolic link" in submissions.read(root, "mal", A, LIMIT)[1]


def test_the_limit_comes_from_nbgrader_config(root):
    from traitlets.config import Config

    config = Config()
    config.Submissions.max_mb = 0.5
    assert submissions.max_bytes(config) == 2**19
    assert submissions.max_bytes(Config()) == 5 * 2**20
