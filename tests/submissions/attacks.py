"""Submissions that want points without work, or that break things, for notebook 01.

Each attack builds what a student hands in from the release, the source and the course
root (some attacks aim at the course's real paths), and says what grading must make of
it: the most points it may get, and words its status must contain (a status names the
fault, a flag names the tampering). ``SERVER`` is a loopback port a test listens on.
"""

import json
from dataclasses import dataclass, field

import nbformat

from autograder.student.cells import nbgrader_meta
from autograder.course.reference import answered
from tests.submissions import hostile_files as files

from . import hostile_output as hostile

ASSIGNMENT = "01_regression_losses"
FULL = 12.0


@dataclass(frozen=True)
class Attack:
    name: str
    build: object                  # (release, source, root, port) -> nb, or bytes
    most: float = 0.0              # the most points it may earn
    says: tuple = ()               # words the status must contain (any of each tuple item)
    least: float = 0.0             # the least it must earn (honest work keeps its points)
    status: str | None = None      # the exact status, where there is one
    graded: bool = True            # False: it cannot be graded (the score stays empty)
    file_name: str = field(default=f"{ASSIGNMENT}.ipynb")
    after: object = None           # (root, submitted notebook) -> None: change the files


def _cell(nb, grade_id):
    return next(c for c in nb.cells if nbgrader_meta(c).get("grade_id") == grade_id)


def _blank_with(code, where="l2_loss"):
    """The release with ``code`` appended to a solution cell: no real answer, an attack."""
    def build(release, source, root, port):
        nb = nbformat.from_dict(release)
        _cell(nb, where).source += "\n" + code.format(root=root, port=port)
        return nb
    return build


def _full_with(code, where="l2_loss"):
    """Correct answers with ``code`` appended to a solution cell."""
    def build(release, source, root, port):
        nb = answered(release, source)
        _cell(nb, where).source += "\n" + code.format(root=root, port=port)
        return nb
    return build


def _new_cell_first(code):
    """The release with a new code cell at the top (blank answers)."""
    def build(release, source, root, port):
        nb = nbformat.from_dict(release)
        nb.cells.insert(1, nbformat.v4.new_code_cell(code.format(root=root, port=port)))
        return nb
    return build


def _edit_tests(change):
    """Blank answers; every grade cell changed by ``change(nb, cell)``. Written as raw JSON:
    nbformat would repair what a student's editor may leave (such as duplicate cell ids)."""
    def build(release, source, root, port):
        nb = nbformat.from_dict(release)
        for cell in [c for c in nb.cells if nbgrader_meta(c).get("grade")]:
            change(nb, cell)
        return json.dumps(nb).encode()
    return build


def _delete(nb, cell):
    nb.cells.remove(cell)


def _gut(nb, cell):
    cell.source = "print('all tests passed')"


def _duplicate(nb, cell):
    nb.cells.insert(nb.cells.index(cell), nbformat.from_dict(cell))
    cell.source = "pass"


def _retype(nb, cell):
    cell.cell_type = "markdown"
    cell.pop("outputs", None)
    cell.pop("execution_count", None)


def _points(nb, cell):
    cell.metadata.nbgrader["points"] = 100
    cell.source = "pass"


def _rename_id(nb, cell):
    cell.metadata.nbgrader["grade_id"] += "_mine"
    cell.source = "pass"


def _kernelspec(release, source, root, port):
    nb = nbformat.from_dict(release)
    nb.metadata.kernelspec = {"name": "bash", "display_name": "Bash", "language": "bash"}
    return nb


def _hard_coded(release, source, root, port):
    nb = nbformat.from_dict(release)
    _cell(nb, "l2_loss").source = "def l2_loss(y_true, y_pred):\n    return 33.0\n"
    _cell(nb, "l1_loss").source = "def l1_loss(y_true, y_pred):\n    return 11.0\n"
    return nb


def _renamed(release, source, root, port):
    return answered(release, source)


FORGED_ROW = "mallory,01_regression_losses,12,12,ok,\n"
TRANSFORMER = ('get_ipython().input_transformers_cleanup.append(lambda lines: ["pass\\n"])')
STRIP_ASSERTS = ("get_ipython().input_transformers_cleanup.append(\n"
                 "    lambda lines: [l for l in lines if 'expect' not in l and 'assert' not in l])")
HOOK = ("def _fake(info):\n    print('l2_loss: all visible tests passed.')\n"
        "get_ipython().events.register('pre_run_cell', _fake)")
HELPERS = ("expect_close = expect_shape = expect_scalar = expect_true = expect_gradient = "
           "lambda *a, **k: None\nrun = lambda f, *a, **k: 0.0")
ALWAYS_EQUAL = ("class Anything(float):\n    def __eq__(self, other):\n        return True\n"
                "    def __array__(self, dtype=None, copy=None):\n"
                "        import numpy\n        return numpy.zeros(())\n"
                "def l2_loss(y_true, y_pred):\n    return Anything(33.0)")
PATCH_NUMPY = ("np.allclose = lambda *a, **k: True\n"
               "np.testing.assert_allclose = lambda *a, **k: None\n"
               "np.isnan = lambda x: np.zeros(np.shape(x), bool)")
DISPLAYHOOK = ("import sys\nsys.displayhook = lambda value: print('all visible tests passed.')\n"
               "get_ipython().displayhook.__class__.__call__ = lambda self, v: None")
WRITE_COURSE = """
import pathlib
for target in ["{root}/gradebook.db",
               "{root}/submitted/honest_full/01_regression_losses/01_regression_losses.ipynb",
               "{root}/source/01_regression_losses/01_regression_losses.ipynb"]:
    try:
        pathlib.Path(target).write_text("overwritten")
    except OSError as error:
        print("blocked:", error)
"""
WALK_UP = """
import os, pathlib
here = pathlib.Path.cwd()
for folder in [here, *here.parents]:
    for name in ["gradebook.db", "grades.csv"]:
        try:
            (folder / name).write_text("zeroed")
        except OSError:
            pass
"""
WRITE_PACKAGE = """
import autograder.student.checks, pathlib
try:
    pathlib.Path(autograder.student.checks.__file__).write_text(
        "def expect_close(*a, **k): pass\\n")
except OSError as error:
    print("blocked:", error)
"""
READ_SOURCE = """
import pathlib
for path in ["{root}/source/01_regression_losses/01_regression_losses.ipynb",
             "../../../source/01_regression_losses/01_regression_losses.ipynb"]:
    try:
        print(pathlib.Path(path).read_text()[:100])
    except OSError as error:
        print("blocked:", error)
"""
NETWORK = """
import socket
try:
    socket.create_connection(("127.0.0.1", {port}), timeout=2).sendall(b"leak")
except OSError as error:
    print("blocked:", error)
"""
FORGE = """
for path in ["{root}/grades.csv", "../../../grades.csv", "../../grades.csv"]:
    try:
        open(path, "a").write("{row}")
    except OSError:
        pass
""".replace("{row}", FORGED_ROW.replace("\n", "\\n"))
LOGS = ("import logging, warnings\n_l2 = l2_loss\n"
        "def l2_loss(y_true, y_pred):\n    logging.warning('computing the L2 loss')\n"
        "    warnings.warn('just a warning')\n    return _l2(y_true, y_pred)\n"
        "print(l2_loss([1.0], [2.0]))")
FLOOD = "for _ in range(200000):\n    print('x' * 100)"
FILE_BOMB = ("with open('big.bin', 'wb') as handle:\n    for _ in range(100):\n"
             "        handle.write(b'0' * (1 << 20))")
FORK_BOMB = "import os\nwhile True:\n    os.fork()"

ATTACKS = [
    Attack("infinite_loop", _full_with("while True:\n    pass"), most=FULL, least=FULL,
           says=("timeout: l2_loss ran longer than 10 s",)),
    Attack("os_exit", _full_with("import os\nos._exit(1)", where="l1_loss"), most=6,
           says=("crashed", "l1_loss")),
    Attack("sys_exit", _blank_with("import sys\nsys.exit(0)"), says=("flagged",)),
    Attack("memory_bomb", _full_with("import numpy\nbomb = numpy.ones((60000, 60000))"),
           most=FULL, says=("memory limit",)),
    Attack("fork_bomb", _blank_with(FORK_BOMB), says=("flagged",)),
    Attack("output_flood", _full_with(FLOOD), most=FULL, least=FULL, says=("output cut",)),
    Attack("file_size_bomb", _full_with(FILE_BOMB), most=FULL, least=FULL,
           says=("file size limit",)),
    Attack("deleted_tests", _edit_tests(_delete), says=("deleted",)),
    Attack("edited_tests", _edit_tests(_gut), says=("edited the locked cell",)),
    Attack("duplicated_tests", _edit_tests(_duplicate), says=("duplicated",)),
    Attack("retyped_tests", _edit_tests(_retype), says=("changed the type",)),
    Attack("changed_points", _edit_tests(_points), says=("changed the points",)),
    Attack("changed_grade_ids", _edit_tests(_rename_id), says=("unknown grade id",)),
    Attack("changed_kernelspec", _kernelspec, says=("changed the kernel",)),
    Attack("malformed_json", lambda *a: b'{"cells": [ not json', says=("not a readable",),
           graded=False),
    Attack("empty_file", lambda *a: b"", says=("not a readable",), graded=False),
    Attack("renamed_notebook", _renamed, says=("renamed",), file_name="my_work.ipynb",
           graded=False),
    Attack("hard_coded_answers", _hard_coded),
    Attack("rebound_helpers", _blank_with(HELPERS), says=("flagged",)),
    Attack("pass_transformer", _new_cell_first(TRANSFORMER), says=("flagged",)),
    Attack("assert_stripper", _new_cell_first(STRIP_ASSERTS), says=("flagged",)),
    Attack("pre_run_hook", _new_cell_first(HOOK), says=("flagged",)),
    Attack("forged_grades_rows", _blank_with(FORGE), says=("flagged",)),
    Attack("patched_numpy", _blank_with(PATCH_NUMPY), says=("flagged",)),
    Attack("always_equal", _blank_with(ALWAYS_EQUAL), says=("flagged",)),
    Attack("fake_displayhook", _new_cell_first(DISPLAYHOOK), says=("flagged",)),
    Attack("reads_source", _blank_with(READ_SOURCE), says=("flagged",)),
    Attack("overwrites_course", _blank_with(WRITE_COURSE), says=("flagged",)),
    Attack("walks_up", _blank_with(WALK_UP), says=("flagged",)),
    Attack("overwrites_package", _blank_with(WRITE_PACKAGE), says=("flagged",)),
    Attack("network", _blank_with(NETWORK), says=("flagged",)),
    Attack("logs_to_stderr", _full_with(LOGS), most=FULL, least=FULL, status="ok"),
    Attack("script_output", hostile.script_output, most=FULL, least=FULL, status="ok"),
    Attack("pathological_output", hostile.pathological_output, most=FULL, least=FULL,
           says=("not scanned for tampering",)),
    Attack("formula_text", hostile.formula_text, most=9, least=9, status="ok"),
    Attack("fake_mistakes", hostile.fake_mistakes),
    Attack("symlinked_notebook", files.correct, says=("is a symbolic link",), graded=False,
           after=files.symlink_notebook),
    Attack("hard_linked_notebook", files.correct, says=("hard links",), graded=False,
           after=files.hard_link_notebook),
    Attack("symlink_beside", files.correct, says=("data.csv is a symbolic link",),
           graded=False, after=files.symlink_beside),
    Attack("oversized_notebook", files.oversized, says=("over the 5 MB limit",), graded=False),
    Attack("honest_full", _renamed, most=FULL, least=FULL, status="ok"),
    Attack("honest_partial", lambda release, source, root, port: answered(
        release, source, keep={"l2_loss"}), most=3, least=3, status="ok"),
]
