"""What students see when a check fails: in a kernel, the grade cell's statement and the
message, never the checks' own code or a hidden test; in the feedback, the message only."""

import re

import nbformat
import pytest

from autograder.course.execute import execute
from autograder.grading.feedback import MessagesOnly

pytestmark = pytest.mark.slow
ANSI = re.compile(r"\x1b\[[0-9;]*m")
CHECKS_FILE = "autograder/student/checks.py"

CELLS = {
    "imports": "import numpy as np\n"
               "from autograder.student.checks import expect_close, expect_true, run",
    "answer": "def softmax(s):\n    s = np.asarray(s, dtype=float)\n"
              "    return np.exp(s) / np.exp(s).sum()",
    "visible": "S = [[1.0, 2.0], [3.0, 1.0]]\n"
               "expect_close(run(softmax, S),\n"
               "             [[0.26894142, 0.73105858], [0.88079708, 0.11920292]],\n"
               "             call='softmax(S)', mistakes={'the sum over all rows': softmax(S)})",
    "hidden": "print('visible part passed')\n"
              "### BEGIN HIDDEN TESTS\n"
              "HIDDEN_INPUT = [[5.0, 5.0]]\n"
              "expect_close(run(softmax, HIDDEN_INPUT), [[0.5, 0.6]],\n"
              "             call='softmax(a hidden input)')\n"
              "### END HIDDEN TESTS",
    "crash": "def shift(s):\n    return s - 1.0\n\n\n"
             "expect_close(run(shift, [1, 2]), [0.0, 1.0], call='shift([1, 2])')",
    "own_assert": "def positive(s):\n    assert s > 0, 'my own assert'\n\n\nrun(positive, -1)",
    "other_error": "raise ValueError('not an assertion')",
    "reloaded": "import importlib\nimport autograder.student.checks\n"
                "importlib.reload(autograder.student.checks)\n"
                "autograder.student.checks.expect_true(False, 'failed after a reload')",
    "broken_handler": "import autograder.student.failure_display as display\n"
                      "display._short_traceback = None  # the handler now fails\n"
                      "autograder.student.checks.expect_true(False, "
                      "'failed with a broken handler')",
    "still_running": "print('the kernel still runs')",
}


@pytest.fixture(scope="module")
def executed(tmp_path_factory):
    """The cells above executed in one kernel: {name: (error output or None, stderr text)}."""
    nb = nbformat.v4.new_notebook()
    for name, source in CELLS.items():
        cell = nbformat.v4.new_code_cell(source)
        cell.id = name.replace("_", "-")
        if name == "hidden":
            cell.metadata["nbgrader"] = {"grade": True, "grade_id": "test_softmax", "locked": True,
                                         "points": 1, "schema_version": 3, "solution": False}
        nb.cells.append(cell)
    execute(nb, tmp_path_factory.mktemp("display"))
    found = {}
    for name, cell in zip(CELLS, nb.cells, strict=True):
        errors = [o for o in cell.outputs if o.output_type == "error"]
        stderr = "".join(o.text for o in cell.outputs
                         if o.output_type == "stream" and o.name == "stderr")
        found[name] = (errors[0] if errors else None, stderr, cell)
    return found


def shown(error):
    """The error's traceback as the student reads it (colours removed)."""
    return ANSI.sub("", "\n".join(error.traceback))


def ends_with_the_whole_message(text, error):
    """``text`` ends with the error's whole message, wrapped to lines of at most 80
    characters (nbgrader's Validate cuts longer ones)."""
    message = f"AssertionError: {error.evalue}"
    start = text.rindex("AssertionError: ")
    return (" ".join(text[start:].split()) == " ".join(message.split())
            and all(len(line) <= 80 for line in text[start:].splitlines()))


def test_a_failed_check_shows_the_statement_and_the_message_only(executed):
    error, stderr, _ = executed["visible"]
    assert (error.ename, stderr) == ("AssertionError", "")
    assert error.evalue.startswith("softmax(S) returned the wrong values")
    text = shown(error)
    lines = text.splitlines()
    assert re.fullmatch(r"Test failed: Cell In\[\d+\], line 2", lines[0])
    assert lines[1:4] == [
        "----> 2 expect_close(run(softmax, S),",
        "      3              [[0.26894142, 0.73105858], [0.88079708, 0.11920292]],",
        "      4              call='softmax(S)', mistakes={'the sum over all rows': softmax(S)})"]
    assert ends_with_the_whole_message(text, error)
    assert error.evalue.endswith("Likely mistake: the sum over all rows.")
    assert CHECKS_FILE not in text and "Traceback" not in text


def test_a_failing_hidden_test_is_named_by_its_line_without_its_code(executed):
    error, _, _ = executed["hidden"]
    assert error.ename == "AssertionError"
    assert error.evalue.startswith("softmax(a hidden input) returned the wrong values")
    text = shown(error)
    assert re.match(r"Test failed: Cell In\[\d+\], line 4\n\nAssertionError: softmax\(a hidden",
                    text)
    assert "HIDDEN_INPUT" not in text and CHECKS_FILE not in text


def test_a_crash_of_the_students_function_shows_where_it_crashed(executed):
    error, _, _ = executed["crash"]
    text = shown(error)
    assert "return s - 1.0" in text and "TypeError: unsupported operand" in text
    assert re.search(r"Test failed: Cell In\[\d+\], line 5\n----> 5 expect_close\(run\(shift",
                     text)
    assert ends_with_the_whole_message(text, error)
    assert error.evalue.startswith("shift(list of shape (2,)) raised TypeError")
    assert CHECKS_FILE not in text


@pytest.mark.parametrize("name, ename, words", [
    ("own_assert", "AssertionError", "assert s > 0, 'my own assert'"),
    ("other_error", "ValueError", "raise ValueError('not an assertion')"),
])
def test_other_exceptions_keep_ipythons_traceback(executed, name, ename, words):
    error, stderr, _ = executed[name]
    assert (error.ename, stderr) == (ename, "")
    text = shown(error)
    assert "Traceback (most recent call last)" in text and words in text


def test_the_short_form_survives_a_reload_and_a_broken_handler_falls_back(executed):
    error, _, _ = executed["reloaded"]
    assert shown(error).endswith("AssertionError: failed after a reload")
    assert "Traceback" not in shown(error)
    error, stderr, _ = executed["broken_handler"]
    assert (error.ename, error.evalue, stderr) == ("AssertionError", "failed with a broken handler",
                                                   "")
    assert "Traceback (most recent call last)" in shown(error) and CHECKS_FILE in shown(error)
    assert executed["still_running"][0] is None
    assert executed["still_running"][2].outputs[0].text == "the kernel still runs\n"


def test_feedback_keeps_only_the_message(executed, tmp_path):
    """MessagesOnly on the short form, then nbgrader's feedback page as the course renders it."""
    from nbgrader.converters import GenerateFeedback
    from nbgrader.coursedir import CourseDirectory

    error, _, cell = executed["hidden"]
    cell = nbformat.from_dict(cell)
    MessagesOnly().preprocess_cell(cell, {}, 0)
    assert cell.outputs[-1].traceback == [f"AssertionError: {error.evalue}"]

    converter = GenerateFeedback(coursedir=CourseDirectory(root=str(tmp_path)))
    exporter = converter.exporter_class(parent=converter, config=converter.config)
    for preprocessor in ("nbgrader.preprocessors.ClearHiddenTests",
                         "autograder.grading.feedback.MessagesOnly"):
        exporter.register_preprocessor(preprocessor, enabled=True)
    graded = nbformat.from_dict(executed["hidden"][2])
    graded.metadata["nbgrader"].update(score=0, comment="")
    resources = {"nbgrader": {"notebook": "display", "score": 0, "max_score": 1,
                              "late_penalty": 0}}
    html, _ = exporter.from_notebook_node(nbformat.v4.new_notebook(cells=[graded]),
                                          resources=resources)
    assert "softmax(a hidden input) returned the wrong values" in html
    assert "HIDDEN_INPUT" not in html and "Test failed" not in html
