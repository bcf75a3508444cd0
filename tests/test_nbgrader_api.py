"""The nbgrader API the grader opens: a new gradebook records the schema revision that
nbgrader's own `alembic heads` call prints, read in the grading process instead."""

import sqlite3
import subprocess
import sys
from pathlib import Path

from nbgrader.dbutil import _temp_alembic_ini

from autograder.course.nbgrader_api import _alembic_head, open_api
from tests.course_copy import make_course


def test_the_revision_read_in_process_is_the_one_alembic_prints():
    alembic = Path(sys.executable).parent / "alembic"
    with _temp_alembic_ini("sqlite:////tmp/gradebook.db") as ini:
        printed = subprocess.check_output([alembic, "-c", ini, "heads"], text=True)
    assert printed.split()[0] == _alembic_head()


def test_a_new_gradebook_records_that_revision(tmp_path):
    root = make_course(tmp_path / "course", ["01_regression_losses"])
    assert not (root / "gradebook.db").exists()
    api = open_api(root)
    with api.gradebook:
        pass
    with sqlite3.connect(root / "gradebook.db") as db:
        (version,), = db.execute("SELECT version_num FROM alembic_version").fetchall()
    assert version == _alembic_head()
