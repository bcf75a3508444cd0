"""The two ends of a graded run inside nbgrader's autograde.

:func:`prepare` applies nbgrader's own sanitizing preprocessors (clear outputs, restore
locked and grade cells from the gradebook, the kernelspec, metadata checks), after
making cells of unknown or repeated grade ids plain, to a submission: what a worker
runs. :class:`InjectResults` then takes the place of nbgrader's Execute preprocessor in
``autograde``: the same sanitizing yields the same cells, and it fills in the outputs the
worker recorded (the student's cells from the sandbox, the grade cells from the trusted
test runner). The grading process runs both; no student code runs in it.
"""

import nbformat
from nbconvert.exporters.exporter import ResourcesDict
from nbgrader.api import Gradebook
from nbgrader.preprocessors import (CheckCellMetadata, ClearOutput, DeduplicateIds,
                                    NbGraderPreprocessor, OverwriteCells, OverwriteKernelspec)

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


PENDING = {}  # (assignment, student, notebook) -> the worker's executed notebook


def prepare(api, assignment, student, nb):
    """``nb`` as nbgrader's autograde would execute it."""
    resources = ResourcesDict()
    resources["nbgrader"] = {"db_url": api.coursedir.db_url, "assignment": assignment,
                             "notebook": assignment, "student": student}
    for kind in SANITIZERS:
        nb, resources = kind(config=api.config).preprocess(nb, resources)
    return nb


def fill(nb, executed):
    """Put the outputs of ``executed`` (the worker's run of the same cells) into ``nb``."""
    if [(c.cell_type, c.source) for c in nb.cells] != \
            [(c.cell_type, c.source) for c in executed.cells]:
        raise ValueError("the executed notebook does not match the submission")
    for cell, done in zip(nb.cells, executed.cells, strict=True):
        if cell.cell_type != "code":
            continue
        cell.outputs, cell.execution_count = done.outputs, done.get("execution_count")
    nb.metadata["language_info"] = executed.metadata.get("language_info", {})
    return nb


class InjectResults(NbGraderPreprocessor):
    """Replaces nbgrader's Execute in `autograder grade`: the worker ran the notebook."""

    def preprocess(self, nb, resources):
        info = resources["nbgrader"]
        return fill(nb, PENDING[(info["assignment"], info["student"], info["notebook"])]), \
            resources


class GradeInSandbox(NbGraderPreprocessor):
    """Replaces nbgrader's Execute in `nbgrader autograde` and the formgrader's Autograde
    button (nbgrader_config.py names it): the work unit `autograder grade` runs, so a
    submission gets one score whichever way it is graded."""

    def preprocess(self, nb, resources):
        from nbgrader.coursedir import CourseDirectory

        from ..sandbox import session as sandbox
        from ..sandbox.limits import Limits, font_cache
        from .answer_key import AnswerKey
        from .work import Job, grade_unit

        info = resources["nbgrader"]
        timeout = self.config.Execute.get("timeout", 30)
        limits = Limits.from_config(self.config, timeout)
        sandbox.require(limits)
        key = AnswerKey.load(CourseDirectory(config=self.config).root, info["assignment"])
        job = Job(student=info["student"], assignment=info["assignment"],
                  notebook=nbformat.writes(nb), checks=key.checks, limits=limits,
                  fonts=font_cache() if limits.enabled else {})
        executed = nbformat.reads(grade_unit(job).executed, as_version=4)
        return fill(nb, executed), resources
