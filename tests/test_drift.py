"""release/ and solutions/ are exactly what `autograder build` makes from source/."""

import shutil

import nbformat
import pytest

from autograder.editions.build import source_fingerprint
from autograder.course.paths import assignments, notebook
from tests.course_copy import ROOT, autograder, tree_digest

ASSIGNMENTS = assignments(ROOT)


@pytest.mark.slow
def test_build_reproduces_the_committed_release_and_solutions(tmp_path):
    for folder in ("source", "release", "solutions"):
        shutil.copytree(ROOT / folder, tmp_path / folder)
    shutil.copy(ROOT / "nbgrader_config.py", tmp_path)

    result = autograder("build", root=tmp_path)

    assert result.returncode == 0, result.stdout + result.stderr
    for folder in ("release", "solutions"):
        assert tree_digest(tmp_path / folder) == tree_digest(ROOT / folder), (
            f"{folder}/ differs from what `make build` produces: run `make build` and commit")


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_solutions_were_executed_from_the_current_source(assignment):
    solution = nbformat.read(notebook(ROOT, "solutions", assignment), as_version=4)
    source = nbformat.read(notebook(ROOT, "source", assignment), as_version=4)
    recorded = solution.metadata.get("autograder", {})
    assert recorded.get("source_sha256") == source_fingerprint(ROOT, assignment), (
        "solutions/ is stale: run `make build`")
    assert "do not edit" in recorded.get("generated", "")
    assert [c.source for c in solution.cells] == [c.source for c in source.cells]


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_solutions_contain_the_figures(assignment):
    solution = nbformat.read(notebook(ROOT, "solutions", assignment), as_version=4)
    images = [c.id for c in solution.cells for o in c.get("outputs", [])
              if "image/png" in o.get("data", {})]
    assert len(images) >= 3, f"only {len(images)} figures in the answer key"


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_source_notebooks_carry_no_outputs(assignment):
    source = nbformat.read(notebook(ROOT, "source", assignment), as_version=4)
    dirty = [c.id for c in source.cells if c.cell_type == "code"
             and (c.outputs or c.execution_count is not None)]
    assert not dirty, f"cells with outputs in the source: {dirty}"
