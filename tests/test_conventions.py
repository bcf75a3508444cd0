"""The source notebooks follow AUTHORING.md: what the grader, the build and the mutant
tests rely on."""

import ast
import re

import nbformat
import pytest

from autograder.student.cells import nbgrader_meta
from autograder.course.paths import assignments, notebook
from tests.contract import CONTRACT
from tests.course_copy import ROOT


def cells(assignment):
    return nbformat.read(notebook(ROOT, "source", assignment), as_version=4).cells


def test_every_contracted_assignment_exists():
    assert assignments(ROOT) == sorted(CONTRACT)


@pytest.mark.parametrize("assignment", sorted(CONTRACT))
def test_cell_ids_are_explicit_unique_and_readable(assignment):
    ids = [c.get("id") for c in cells(assignment)]
    assert all(i and re.fullmatch(r"[a-z0-9-]+", i) for i in ids), ids
    assert len(set(ids)) == len(ids)


@pytest.mark.parametrize("assignment", sorted(CONTRACT))
def test_each_contract_function_has_its_solution_cell_and_tests(assignment):
    by_id = {nbgrader_meta(c).get("grade_id"): c for c in cells(assignment) if nbgrader_meta(c)}
    grade_ids = [g for g, c in by_id.items() if nbgrader_meta(c).get("grade")]
    for function in CONTRACT[assignment]:
        cell = by_id.get(function)
        assert cell is not None and nbgrader_meta(cell).get("solution"), function
        defined = [n.name for n in ast.parse(cell.source).body if isinstance(n, ast.FunctionDef)]
        assert defined == [function], f"cell {function} defines {defined}"
        assert "### BEGIN SOLUTION" in cell.source and "### END SOLUTION" in cell.source
        assert any(g == f"test_{function}" or g.startswith(f"test_{function}_")
                   for g in grade_ids), f"no grade cell for {function}"


@pytest.mark.parametrize("assignment", sorted(CONTRACT))
def test_grade_cells_end_with_a_statement_and_have_hidden_tests(assignment):
    for cell in cells(assignment):
        meta = nbgrader_meta(cell)
        if not meta.get("grade") or cell.cell_type != "code":
            continue
        last = ast.parse(cell.source).body[-1]
        is_call = isinstance(last, ast.Expr) and isinstance(last.value, ast.Call)
        assert is_call or not isinstance(last, ast.Expr), (
            f"{meta['grade_id']} ends with an expression: nbgrader reads it as partial credit")
        assert 0 < meta["points"] <= 10
        assert "### BEGIN HIDDEN TESTS" in cell.source, f"{meta['grade_id']} has no hidden tests"


@pytest.mark.parametrize("assignment", sorted(CONTRACT))
def test_library_cells_are_plain_python(assignment):
    for cell in cells(assignment):
        meta = nbgrader_meta(cell)
        if cell.cell_type == "code" and (meta.get("solution") or meta.get("locked")):
            assert not re.search(r"^\s*[%!]", cell.source, re.MULTILINE), cell.id
