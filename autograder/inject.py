"""The two ends of a sandboxed run inside nbgrader's autograde.

:func:`prepare` applies nbgrader's own sanitizing preprocessors (clear outputs, restore
locked and grade cells from the gradebook, the kernelspec, metadata checks), after
making cells of unknown or repeated grade ids plain, to a submission: what a worker
executes. :class:`InjectResults` then takes the place of nbgrader's Execute
preprocessor in ``autograde``: the same sanitizing yields the same cells, and it fills in
the outputs the worker recorded, plus a failure in each grade cell whose functions failed
verification. The grading process runs both; no student code runs in it.
"""

from dataclasses import dataclass

import nbformat
from nbconvert.exporters.exporter import ResourcesDict
from nbgrader.api import Gradebook
from nbgrader.preprocessors import (CheckCellMetadata, ClearOutput, DeduplicateIds,
                                    NbGraderPreprocessor, OverwriteCells, OverwriteKernelspec)

from .cells import nbgrader_meta
from .restored_cells import unknown_ids_made_plain


class PlainUnknownIds(NbGraderPreprocessor):
    """Make cells whose grade id the gradebook does not know, or that repeat one, plain
    cells: nbgrader 0.9.6 stops on them instead of restoring the originals."""

    def preprocess(self, nb, resources):
        info = resources["nbgrader"]
        with Gradebook(info["db_url"]) as gradebook:
            cells = gradebook.find_notebook(info["notebook"], info["assignment"]).source_cells
            known = {cell.name for cell in cells}
        return unknown_ids_made_plain(nb, known), resources


SANITIZERS = [PlainUnknownIds, ClearOutput, DeduplicateIds, OverwriteKernelspec, OverwriteCells,
              CheckCellMetadata]
STDERR_NOTE = "[written to stderr; shown for information, it does not cost points]\n"


@dataclass(frozen=True)
class Injection:
    """A worker's executed notebook and, per grade_id, why its functions failed verification."""

    executed: nbformat.NotebookNode
    failures: dict


PENDING = {}  # (assignment, student, notebook) -> Injection, set by the grader around autograde


def prepare(api, assignment, student, nb):
    """``nb`` as nbgrader's autograde would execute it."""
    resources = ResourcesDict()
    resources["nbgrader"] = {"db_url": api.coursedir.db_url, "assignment": assignment,
                             "notebook": assignment, "student": student}
    for kind in SANITIZERS:
        nb, resources = kind(config=api.config).preprocess(nb, resources)
    return nb


def _informational(outputs):
    """A grade cell's outputs without what nbgrader would misread as a verdict: stderr text
    becomes stdout (logging and warnings never cost points by themselves) and displayed
    values are dropped (nbgrader reads a number there as partial credit)."""
    kept = []
    for output in outputs:
        if output.output_type == "stream" and output.name == "stderr":
            kept.append(nbformat.v4.new_output("stream", name="stdout",
                                               text=STDERR_NOTE + output.text))
        elif output.output_type != "execute_result":
            kept.append(output)
    return kept


class InjectResults(NbGraderPreprocessor):
    """Replaces nbgrader's Execute: outputs come from the worker, verdicts from verification."""

    def preprocess(self, nb, resources):
        info = resources["nbgrader"]
        injection = PENDING[(info["assignment"], info["student"], info["notebook"])]
        executed = injection.executed
        if [(c.cell_type, c.source) for c in nb.cells] != \
                [(c.cell_type, c.source) for c in executed.cells]:
            raise ValueError("the executed notebook does not match the submission")
        for cell, done in zip(nb.cells, executed.cells, strict=True):
            if cell.cell_type != "code":
                continue
            cell.outputs, cell.execution_count = done.outputs, done.get("execution_count")
            grade_id = nbgrader_meta(cell).get("grade_id")
            if nbgrader_meta(cell).get("grade"):
                cell.outputs = _informational(cell.outputs)
                failed = any(o.output_type == "error" for o in cell.outputs)
                if grade_id in injection.failures and not failed:
                    message = injection.failures[grade_id]
                    cell.outputs.append(nbformat.v4.new_output(
                        "error", ename="VerificationError", evalue=message,
                        traceback=[f"VerificationError: {message}"]))
        nb.metadata["language_info"] = executed.metadata.get("language_info", {})
        return nb, resources
