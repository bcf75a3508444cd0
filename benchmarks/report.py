"""The class report on a synthetic class of 300 students of 02 (similarity included),
against the floor any report pays: reading the 300 submissions once, in the same run."""

import importlib
import json
import random
import tempfile
from pathlib import Path

import nbformat

from autograder.grading import grades_csv, grading_log
from autograder.student.cells import nbgrader_meta
from autograder.course.reference import answered
from autograder.report.make import report

from .timing import once_seconds

ASSIGNMENT = "02_classification_losses"
STUDENTS = 300


def _variants():
    """{target: [solution code, ...]} from the mutant catalogue (mistakes and valid ones)."""
    importlib.import_module("tests.mutants.classification_losses")
    from tests.mutants.catalogue import REGISTRY

    found = {}
    for variant in REGISTRY:
        if variant.assignment == ASSIGNMENT:
            found.setdefault(variant.target, []).append(variant)
    return found


def _class(root, folder):
    """A course folder whose grading results and submissions look like a real class's."""
    rng = random.Random(300)
    release, source = (nbformat.read(root / stage / ASSIGNMENT / f"{ASSIGNMENT}.ipynb",
                                     as_version=4) for stage in ("release", "source"))
    for stage, nb in (("release", release), ("source", source)):
        (folder / stage / ASSIGNMENT).mkdir(parents=True)
        nbformat.write(nb, folder / stage / ASSIGNMENT / f"{ASSIGNMENT}.ipynb")
    (folder / "nbgrader_config.py").write_text((root / "nbgrader_config.py").read_text())
    grade_ids = [nbgrader_meta(c)["grade_id"] for c in source.cells
                 if nbgrader_meta(c).get("grade")]
    variants, rows = _variants(), []
    for index in range(STUDENTS):
        student = f"s{index:03d}"
        chosen = {t: rng.choice(v) for t, v in variants.items() if rng.random() < 0.3}
        nb = answered(release, source, replace={t: v.source for t, v in chosen.items()})
        path = folder / "submitted" / student / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"
        path.parent.mkdir(parents=True)
        nbformat.write(nb, path)
        wrong = {f"test_{t}" for t, v in chosen.items() if not v.valid}
        cells = {g: {"points": 0.0 if g in wrong else 2.0, "max_points": 2.0,
                     "mistakes": [chosen[g[5:]].description] if g in wrong else []}
                 for g in grade_ids}
        score = sum(c["points"] for c in cells.values())
        rows.append(grades_csv.row(student, ASSIGNMENT, score, 2.0 * len(grade_ids), "ok"))
        grading_log.append(folder, {"student": student, "assignment": ASSIGNMENT, "cells": cells,
                                    "flags": [], "seconds": {"total": rng.uniform(3, 9)}})
    grades_csv.merge(folder / grades_csv.FILE_NAME, rows)
    return folder


def _read_all(folder):
    for path in sorted((folder / "submitted").glob(f"*/{ASSIGNMENT}/{ASSIGNMENT}.ipynb")):
        nbformat.read(path, as_version=4)


def run(root):
    with tempfile.TemporaryDirectory() as tmp:
        folder = _class(root, Path(tmp))
        reading = once_seconds(lambda: _read_all(folder))
        seconds = once_seconds(lambda: report(root=folder, assignment=ASSIGNMENT,
                                              log=lambda _: None))
        model = json.loads((folder / "report" / ASSIGNMENT / "report.json").read_text())
    print(f"\nThe class report of {STUDENTS} students on {ASSIGNMENT} (similarity included)")
    print(f"  reading the {STUDENTS} submissions once      {reading:7.2f} s")
    print(f"  autograder report                         {seconds:7.2f} s  "
          f"{seconds / STUDENTS * 1e3:6.1f} ms a student   x{seconds / reading:.1f} the reading")
    print(f"  ({len(model['mistakes'])} distinct mistakes, {len(model['similar'])} similar pairs "
          f"at or above {model['similarity_threshold']})")
