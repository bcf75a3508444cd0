"""A course cut down to what some target functions can change, to grade their variants fast.

A variant replaces only its target's solution cell; every other solution cell holds the
course's answer. So a grade cell that never reaches a target scores full marks for every
variant, and a variant loses points in the reduced course exactly when it does in the whole
one. The reduced course keeps the grade cells that reach a target (by name, in their source
or their verification cases, directly or through the solutions they call), the earlier
grade cells that bind a name a kept one reads, the solution cells they call and every
provided cell. A binding left out fails loudly: the student's kernel lacks the name, so the
course's own answers lose points, which the mutant tests check in every reduced course.
"""

import ast
import builtins
import re
import shutil

import nbformat

from autograder.student.cells import nbgrader_meta
from autograder.grading.trusted_runner import bound_names, role
from tests.course_copy import ROOT, read

_WORD = re.compile(r"[A-Za-z_]\w*")


def _read_names(source):
    """The names ``source`` reads that it never binds, in any scope (builtins aside)."""
    nodes = list(ast.walk(ast.parse(source)))
    names = [n for n in nodes if isinstance(n, ast.Name)]
    local = {n.arg for n in nodes if isinstance(n, ast.arg)} | bound_names(source)
    local |= {n.id for n in names if not isinstance(n.ctx, ast.Load)}
    return {n.id for n in names} - local - set(vars(builtins))


class Cells:
    """The nbgrader code cells of an assignment's ``source`` (written answers, graded by a
    person, are left out), with what each binds, reads and calls (``cases``: its
    verification cases, which call their cell's function)."""

    def __init__(self, source, cases):
        cells = [c for c in source.cells if nbgrader_meta(c) and c.cell_type == "code"]
        self.ids = [nbgrader_meta(c)["grade_id"] for c in cells]
        self.roles = [role(c) for c in cells]
        self.binds = [bound_names(c.source) for c in cells]
        self.reads = [_read_names(c.source) for c in cells]
        self.defines = {name: i for i, names in enumerate(self.binds)
                        if self.roles[i] == "student" for name in names}
        trusted = set().union(*(b for b, r in zip(self.binds, self.roles, strict=True)
                                if r != "grade"))
        clashes = {i: b & trusted for i, b, r in zip(self.ids, self.binds, self.roles,
                                                     strict=True) if r == "grade" and b & trusted}
        if clashes:  # leaving out such a cell would go unnoticed: the kernel binds the name
            raise ValueError(f"grade cells rebind names of the student's kernel: {clashes}")
        self.names = [set(_WORD.findall(c.source)) | {k.function for k in cases if k.grade_id == i}
                      for c, i in zip(cells, self.ids, strict=True)]

    def calls(self, index):
        """The solution cells that cell ``index`` calls, directly or through others."""
        found, todo = set(), [index]
        while todo:
            new = {self.defines[n] for n in self.names[todo.pop()] if n in self.defines} - found
            found |= new
            todo += new
        return found

    def reached_by(self, target, sources=()):
        """The grade ids of the cells that reach ``target``, counting the names that any of
        ``sources`` (other versions of it) reads as well as the course's answer."""
        defining = self.defines[target]
        self.names[defining] |= {n for s in sources for n in _WORD.findall(s)}
        return {self.ids[g] for g, r in enumerate(self.roles)
                if r == "grade" and defining in self.calls(g)}

    def kept_ids(self, target, own_test_only=False):
        """The grade ids of the cells a course for ``target`` keeps; for several targets,
        the union of theirs. ``own_test_only``: of the cells reaching ``target``, only its
        own test cell (``test_<target>``)."""
        grades = [i for i, r in enumerate(self.roles) if r == "grade"]
        kept = {g for g in grades if self.defines[target] in self.calls(g)
                and (not own_test_only or self.ids[g] == f"test_{target}")}
        for g in reversed(grades):  # latest first: a kept binder's own binders follow
            if g in kept:
                kept |= {e for e in grades if e < g and self.binds[e] & self.reads[g]}
        wanted = kept | {self.defines[target]} | {s for g in kept for s in self.calls(g)}
        return {i for n, i in enumerate(self.ids) if n in wanted or self.roles[n] == "provided"}


def keep_cells(nb, ids):
    """A copy of ``nb`` with only its nbgrader cells whose grade id is in ``ids``."""
    nb = nbformat.from_dict(nb)
    nb.cells = [c for c in nb.cells if nbgrader_meta(c).get("grade_id") in ids]
    return nb


def make_reduced_course(folder, assignment, ids):
    """A course at ``folder`` whose source, release and verification cases keep only the
    cells ``ids``; return its (release, source)."""
    source = keep_cells(read("source", assignment), ids)
    (folder / "source" / assignment).mkdir(parents=True)
    nbformat.write(source, folder / "source" / assignment / f"{assignment}.ipynb")
    shutil.copy(ROOT / "nbgrader_config.py", folder)
    cases = (ROOT / "verification" / f"{assignment}.py").read_text()
    (folder / "verification").mkdir()
    (folder / "verification" / f"{assignment}.py").write_text(
        f"{cases}\n\n_ALL_CASES = cases\n\n\ndef cases(rng):  # noqa: F811\n"
        f"    return [c for c in _ALL_CASES(rng) if c.grade_id in {sorted(ids)!r}]\n")
    return keep_cells(read("release", assignment), ids), source
