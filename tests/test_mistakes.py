"""Likely mistakes are recorded as data in the failing cell's outputs, hidden from students,
and read back per grade cell; malformed records (they come from the sandbox) are ignored."""

import nbformat
from nbformat.v4 import new_code_cell, new_notebook, new_output

from autograder.course.execute import execute
from autograder.student.mistakes import MAX_PER_GRADE_CELL, MIME, by_grade_cell, recorded


def _grade_cell(source, grade_id):
    cell = new_code_cell(source)
    cell.metadata["nbgrader"] = {"grade": True, "grade_id": grade_id, "points": 1,
                                 "locked": True, "solution": False, "schema_version": 3}
    return cell


def test_a_matched_mistake_is_recorded_in_the_failing_cell(tmp_path):
    nb = new_notebook(cells=[
        new_code_cell("from autograder.student.checks import expect_close"),
        _grade_cell('expect_close(2.0, 1.0, call="f()", mistakes={"doubled": 2.0, "halved": 0.5})',
                    "test_f"),
        _grade_cell('expect_close(3.0, 1.0, call="g()", mistakes={"halved": 0.5})', "test_g"),
        _grade_cell('expect_close(1.0, 1.0, call="h()", mistakes={"doubled": 2.0})', "test_h"),
    ])
    execute(nb, tmp_path, timeout=60)
    assert by_grade_cell(nb) == {"test_f": ["doubled"], "test_g": [], "test_h": []}
    failing = nb.cells[1].outputs
    assert [o.output_type for o in failing] == ["display_data", "error"]
    assert "Likely mistake: doubled." in failing[1].evalue
    assert set(failing[0].data) == {MIME}, "no text/plain: JupyterLab and nbconvert show nothing"
    nbformat.validate(nb)


def test_malformed_records_are_ignored_and_bounded():
    outputs = [
        new_output("display_data", data={MIME: {"mistakes": ["a", 7, "a", "x" * 1000]}}),
        new_output("display_data", data={MIME: ["not", "a", "dict"]}),
        new_output("display_data", data={MIME: {"mistakes": "not a list"}}),
        new_output("display_data", data={"text/plain": "b"}),
        new_output("stream", name="stdout", text="c"),
        new_output("display_data", data={MIME: {"mistakes": [f"m{i}" for i in range(20)]}}),
    ]
    found = recorded(outputs)
    assert found == ["a", "x" * 300, "m0", "m1", "m2"]


def test_a_grade_cell_yields_at_most_its_cap_of_mistakes_however_many_outputs():
    outputs = [new_output("display_data", data={MIME: {"mistakes": [f"fake {i}.{j}"
                                                                    for j in range(8)]}})
               for i in range(25)]  # 200 records
    assert recorded(outputs) == [f"fake 0.{j}" for j in range(MAX_PER_GRADE_CELL)]
