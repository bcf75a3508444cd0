"""Running a notebook in a fresh kernel and reading its grade cells the way nbgrader does."""

import os
from contextlib import contextmanager
from dataclasses import dataclass

import nbclient
import nbformat

from ..student.cells import nbgrader_meta

HEADLESS = {"COURSE_HEADLESS": "1", "MPLBACKEND": "module://matplotlib_inline.backend_inline"}


@contextmanager
def _environment(values):
    saved = {name: os.environ.get(name) for name in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def execute(nb, cwd, timeout=300):
    """Execute ``nb`` in place in a headless kernel started in ``cwd``; errors do not stop it."""
    client = nbclient.NotebookClient(
        nb,
        timeout=timeout,
        kernel_name="python3",
        allow_errors=True,
        record_timing=False,
        store_widget_state=False,
        resources={"metadata": {"path": str(cwd)}},
    )
    with _environment(HEADLESS):
        client.execute()
    return nb


def execute_file(path):
    """The notebook at ``path``, executed headless in its own folder."""
    return execute(nbformat.read(path, as_version=4), cwd=path.parent)


def errors(nb):
    """Every error an executed notebook shows, as ``cell id: name: message``."""
    return [f"{cell.get('id')}: {o.ename}: {o.evalue}" for cell in nb.cells
            for o in cell.get("outputs", []) if o.output_type == "error"]


@dataclass(frozen=True)
class CellOutcome:
    """What a grade cell showed: nbgrader fails it on an error or on any stderr output."""

    grade_id: str
    error_name: str | None
    error_value: str | None
    stderr: str

    @property
    def passed(self):
        return self.error_name is None and not self.stderr


def grade_cells(nb):
    """The outcome of every executed grade cell, keyed by grade_id, in notebook order."""
    outcomes = {}
    for cell in nb.cells:
        meta = nbgrader_meta(cell)
        if cell.cell_type != "code" or not meta.get("grade"):
            continue
        errors = [o for o in cell.get("outputs", []) if o.output_type == "error"]
        stderr = "".join(o.text for o in cell.get("outputs", [])
                         if o.output_type == "stream" and o.name == "stderr")
        outcomes[meta["grade_id"]] = CellOutcome(
            grade_id=meta["grade_id"],
            error_name=errors[0].ename if errors else None,
            error_value=errors[0].evalue if errors else None,
            stderr=stderr,
        )
    return outcomes
