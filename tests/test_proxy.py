"""Plain data across the boundary, and grade cells that call a student's kernel: what a
hostile or broken function returns becomes a clear failure of the cell that called it, and
the other cells still run."""

import nbformat
import numpy as np
import pytest

from autograder.student import callables
from autograder.sandbox import plain_data
from autograder.sandbox.limits import Limits
from autograder.grading import work
from tests.course_copy import NEEDS_BWRAP


def roundtrip(value, student_name=None):
    tree, blobs = plain_data.encode(value, student_name)
    return plain_data.decode(tree, blobs)


def test_plain_values_come_back_as_they_went():
    rng = np.random.default_rng(3)
    value = {"a": [1, 2.5, None, True, "text"], "b": (np.arange(6, dtype=np.int32).reshape(2, 3),
                                                      np.float32(1.5)),
             "c": [np.eye(2), [np.zeros(0)]], "f": np.asfortranarray(np.ones((3, 2)))}
    back = roundtrip(value)
    assert type(back["b"]) is tuple and back["b"][0].dtype == np.int32
    assert type(back["b"][1]) is np.float32 and back["b"][1] == np.float32(1.5)
    assert np.array_equal(back["c"][0], np.eye(2)) and back["a"] == value["a"]
    assert np.array_equal(back["f"], value["f"])
    generator = roundtrip(rng)
    assert generator is not rng and generator.normal() == rng.normal()
    assert roundtrip(np.tanh) is np.tanh and roundtrip(callables.relu) is callables.relu


class Subclass(np.ndarray):
    """An ndarray subclass: its methods could fool a comparison."""


@pytest.mark.parametrize("value, words", [
    (np.zeros(2).view(Subclass), "subclass of numpy.ndarray"),
    (np.array([1, "a"], dtype=object), "dtype object"),
    ((i for i in range(3)), "generator"),
    ({1: 2}, "keys are not all strings"),
    (lambda x: x, "not in the public registry"),
    (object(), "object"),
])
def test_anything_else_is_refused_with_its_name(value, words):
    with pytest.raises(plain_data.NotPlainData, match=words):
        plain_data.encode(value)


def test_deep_nesting_and_malformed_trees_are_refused():
    deep = []
    for _ in range(plain_data.MAX_DEPTH + 5):
        deep = [deep]
    with pytest.raises(plain_data.NotPlainData, match="levels deep"):
        plain_data.encode(deep)
    for tree in [{"ndarray": 7}, {"callable": "os.system"}, {"evil": 1}, {"tuple": 3},
                 {"ref": "t0"}, {"student": "f"}]:
        with pytest.raises(plain_data.NotPlainData):
            plain_data.decode(tree, [])


def test_a_pickled_array_is_refused():
    import io
    buffer = io.BytesIO()
    np.save(buffer, np.array([object()], dtype=object), allow_pickle=True)
    with pytest.raises(plain_data.NotPlainData):
        plain_data.decode({"ndarray": 0}, [buffer.getvalue()])


def test_an_array_that_crossed_before_comes_back_as_the_same_object():
    ours, theirs = plain_data.Aliases("t"), plain_data.Aliases("k")
    sent = np.zeros(3)
    tree, blobs = plain_data.encode([sent, sent], aliases=ours)
    first, second = plain_data.decode(tree, blobs, aliases=theirs)
    assert first is second
    tree, blobs = plain_data.encode(first, aliases=theirs, refer=True)
    assert tree == {"ref": "t0"} and plain_data.decode(tree, blobs, aliases=ours) is sent


STUDENT = '''import numpy as np


def fine():
    return 3.0


def matrix():
    return np.matrix([[1.0]])


def objects():
    return np.array([1, "a"], dtype=object)


def lazy():
    return (i for i in range(3))


def hang():
    while True:
        pass


def die():
    import os
    os._exit(1)


def shout(x):
    raise ValueError("no")
'''
TESTS = {
    "fine": ("assert fine() == 3.0", None),
    "matrix": ("matrix()", "a subclass of numpy.ndarray"),
    "objects": ("objects()", "dtype object"),
    "lazy": ("lazy()", "generator"),
    "hang": ("hang()", "did not finish within"),
    "die": ("die()", "died during a call"),
    "after_death": ("assert fine() == 3.0", None),
    "raises": ("shout([1.0, 2.0])", "ValueError: no"),
    "module": ("assert np.sum(np.ones(3)) == 3", None),
    "missing": ("not_defined_anywhere()", "NameError"),
}


@NEEDS_BWRAP
def test_each_cell_fails_alone_with_a_clear_message():
    cells = [nbformat.v4.new_code_cell(STUDENT)]
    for grade_id, (source, _) in TESTS.items():
        cell = nbformat.v4.new_code_cell(source)
        cell.metadata["nbgrader"] = {"grade": True, "grade_id": grade_id, "points": 1,
                                     "solution": False, "locked": True}
        cells.append(cell)
    nb = nbformat.v4.new_notebook(cells=cells)
    nb.metadata.kernelspec = {"name": "python3", "display_name": "Python 3", "language": "python"}
    limits = Limits(memory_mb=1024, processes=32, wall_seconds=120, cell_timeout=5)
    result = work.grade_unit(work.Job(student="s", assignment="a", notebook=nbformat.writes(nb),
                                      checks={}, limits=limits))
    executed = nbformat.reads(result.executed, as_version=4)
    assert result.status == "ok", result.status
    for cell, (grade_id, (_, words)) in zip(executed.cells[1:], TESTS.items(), strict=True):
        errors = [f"{o.ename}: {o.evalue}" for o in cell.outputs if o.output_type == "error"]
        if words is None:
            assert not errors, (grade_id, errors)
        else:
            assert len(errors) == 1 and words in errors[0], (grade_id, errors)
