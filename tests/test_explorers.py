"""The lecture companions in notebooks/ run headless and use the reference functions from
source/ rather than copies of them."""

import ast

import nbformat
import pytest

from autograder.execute import errors, execute_file
from tests.contract import CONTRACT
from tests.course_copy import ROOT

EXPLORERS = sorted((ROOT / "notebooks").glob("*.ipynb"))
ALL_CONTRACT_NAMES = {name for names in CONTRACT.values() for name in names}


def test_every_assignment_has_an_explorer():
    assert sorted(p.name for p in EXPLORERS) == sorted(f"{a}_explorer.ipynb" for a in CONTRACT)


@pytest.mark.slow
@pytest.mark.parametrize("path", EXPLORERS, ids=lambda p: p.stem)
def test_explorer_runs_headless(path):
    nb = execute_file(path)
    assert not errors(nb), errors(nb)
    assert any("image/png" in o.get("data", {}) for c in nb.cells for o in c.get("outputs", []))


@pytest.mark.parametrize("path", EXPLORERS, ids=lambda p: p.stem)
def test_explorer_loads_reference_functions_and_copies_none(path):
    nb = nbformat.read(path, as_version=4)
    code = "\n".join(c.source for c in nb.cells if c.cell_type == "code")
    assert "load(" in code
    python = "\n".join(line for line in code.splitlines() if not line.lstrip().startswith("%"))
    defined = {n.name for n in ast.walk(ast.parse(python)) if isinstance(n, ast.FunctionDef)}
    assert not defined & ALL_CONTRACT_NAMES, f"copies of reference functions: {defined}"
    assert all(not c.get("outputs") for c in nb.cells if c.cell_type == "code")
