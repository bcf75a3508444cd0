"""`autograder check NOTEBOOK`: grade one notebook the way `grade` does and print a report.

What a self-study reader runs on an attempt, and what a student runs on their own machine
before handing in. It needs no gradebook and never writes the notebook file:

- the notebook's grade cells are restored from the course's source notebook (the hidden
  tests included) the way nbgrader restores them; in a student edition (no source/) from
  the release notebook if there is one, else they run as they are (visible tests only);
- the notebook runs through :func:`autograder.grading.work.grade_unit`, the unit `grade` runs: the
  student's cells in the sandbox when bubblewrap works here (else as a plain process), the
  grade cells in this process, calling the student's functions through proxies;
- where verification/<assignment>.py and source/ exist, its cases run as hidden tests of
  the grade cell each belongs to.
"""

from ..sandbox import startup  # noqa: F401 - first: makes importing nbformat faster

import uuid
from dataclasses import dataclass, field, replace
from pathlib import Path

import nbformat
from traitlets.config.loader import PyFileConfigLoader

from . import restored_cells, tamper
from ..sandbox import session as sandboxing
from ..student.cells import nbgrader_meta
from ..course.paths import CONFIG_FILE, CourseError, find_root, notebook
from ..sandbox.limits import Limits, font_cache
from .work import Job, grade_unit

MESSAGE_LINES = 15
DEFAULT_CELL_TIMEOUT = 120
VISIBLE_ONLY = "visible tests only: the hidden tests are graded by your instructor"
NO_SANDBOX = "ran without a sandbox: this is your own code on your own machine"


@dataclass(frozen=True)
class CellResult:
    """One grade cell's verdict."""

    grade_id: str
    passed: bool
    points: float
    max_points: float
    message: str = ""    # why it failed: the error's `ename: evalue`


@dataclass
class Report:
    """What `check` found; ``text`` is what it prints."""

    notebook: Path
    assignment: str
    tests: list
    notes: list = field(default_factory=list)
    status: str = "ok"
    sandboxed: bool = False
    verified: bool = False
    hidden_tests: bool = False

    @property
    def points(self):
        return sum(t.points for t in self.tests)

    @property
    def max_points(self):
        return sum(t.max_points for t in self.tests)

    @property
    def passed(self):
        return sum(t.passed for t in self.tests)

    @property
    def failed(self):
        return sum(not t.passed for t in self.tests)

    @property
    def exit_code(self):
        """0 when every test passes, 1 otherwise."""
        return 0 if self.failed == 0 else 1

    @property
    def summary(self):
        return (f"points {_number(self.points)} / {_number(self.max_points)}, "
                f"tests passed {self.passed}, failed {self.failed}")

    @property
    def text(self):
        lines = [self.summary]
        for test in self.tests:
            verdict = "PASS" if test.passed else "FAIL"
            lines.append(f"{verdict} {test.grade_id}: {_number(test.points)} / "
                         f"{_number(test.max_points)}")
            if not test.passed:
                lines += ["    " + line for line in test.message.splitlines()]
        if self.notes:
            lines.append("")
            lines += [f"note: {note}" for note in self.notes]
        return "\n".join(lines)


def _number(value):
    return f"{value:g}"


def _first_lines(text, count=MESSAGE_LINES):
    lines = (text or "").rstrip().splitlines()
    return "\n".join(lines[:count] + (["..."] if len(lines) > count else []))


# Where things are ---------------------------------------------------------------------------

def _read(path):
    """The notebook at ``path``, or CourseError saying why it cannot be read."""
    try:
        data = Path(path).read_bytes()
    except OSError as error:
        raise CourseError(f"Cannot read {path}: {error.strerror or error}.") from None
    try:
        nb = nbformat.reads(data.decode("utf-8"), as_version=4)
    except Exception as error:  # noqa: BLE001 - any parse failure means unreadable
        raise CourseError(f"{path} is not a readable notebook ({type(error).__name__}: "
                          f"{str(error)[:200]}).") from None
    if not isinstance(nb.get("cells"), list):
        raise CourseError(f"{path} is not a readable notebook (it has no cells).")
    return nb


def _has_assignment(folder, assignment):
    return any(notebook(folder, stage, assignment).is_file() for stage in ("source", "release"))


def _locate(path, root):
    """(course folder or None, assignment): the folder holding nbgrader_config.py or the
    assignment's source/ or release/ notebook, searched from the notebook upwards, then from
    the current folder upwards; the assignment is the file name's stem, else its folder's."""
    names = list(dict.fromkeys([path.stem, path.parent.name]))
    if root is not None:
        folders = [find_root(root)]
    else:
        here = Path.cwd().resolve()
        folders = [path.parent, *path.parent.parents, here, *here.parents]
    for folder in folders:
        known = [n for n in names if _has_assignment(folder, n)]
        if known:
            return folder, known[0]
        if (folder / CONFIG_FILE).is_file():
            return folder, names[0]
    if root is None:
        try:
            return find_root(), names[0]
        except CourseError:
            pass
    return None, names[0]


def _limits(folder, use_sandbox):
    """Limits from the course's nbgrader_config.py when there is one, else the defaults."""
    if folder is not None and (folder / CONFIG_FILE).is_file():
        config = PyFileConfigLoader(CONFIG_FILE, path=str(folder)).load_config()
        timeout = config.Execute.get("timeout", DEFAULT_CELL_TIMEOUT)
        return Limits.from_config(config, timeout, enabled=use_sandbox)
    return Limits(enabled=use_sandbox, cell_timeout=DEFAULT_CELL_TIMEOUT)


# The notebook as grading runs it ------------------------------------------------------------

def _locks(meta):
    """nbgrader's rule: a grade cell that is not an answer, or a locked cell, is restored."""
    return bool(meta.get("locked") or (meta.get("grade") and not meta.get("solution")))


def restore(nb, reference):
    """A copy of ``nb`` as nbgrader's autograde would run it against ``reference`` (the
    source or release notebook), with no gradebook: cells of unknown or repeated grade ids
    made plain; grade and locked cells given the reference's source, type and points;
    missing grade cells put back after the nbgrader cell before them in the reference;
    outputs cleared."""
    nb = nbformat.from_dict(nb)
    if reference is not None:
        original = {nbgrader_meta(c)["grade_id"]: c for c in reference.cells
                    if nbgrader_meta(c).get("grade_id")}
        nb = restored_cells.unknown_ids_made_plain(nb, set(original))
        for index, cell in enumerate(nb.cells):
            grade_id = nbgrader_meta(cell).get("grade_id")
            if grade_id is None:
                continue
            before = original[grade_id]
            meta = nbgrader_meta(before)
            if _locks(meta) or cell.cell_type != before.cell_type:
                nb.cells[index] = _copy(before, cell.get("id"))
            else:
                cell.metadata["nbgrader"] = dict(meta)
        _put_back_missing(nb, reference)
    _fresh(nb)
    return nb


def _copy(cell, cell_id=None):
    cell = nbformat.from_dict(cell)
    cell["id"] = cell_id or cell.get("id") or uuid.uuid4().hex[:8]
    return cell


def _put_back_missing(nb, reference):
    """Insert the reference's grade cells that ``nb`` lacks, in reference order, each after
    the nearest nbgrader cell before it in the reference that ``nb`` has (else first)."""
    ids = [nbgrader_meta(c).get("grade_id") for c in reference.cells]
    for position, cell in enumerate(reference.cells):
        meta = nbgrader_meta(cell)
        present = [nbgrader_meta(c).get("grade_id") for c in nb.cells]
        if not meta.get("grade") or meta["grade_id"] in present:
            continue
        at = 0
        for earlier in reversed(ids[:position]):
            if earlier is not None and earlier in present:
                at = present.index(earlier) + 1
                break
        nb.cells.insert(at, _copy(cell))


def _fresh(nb):
    """Outputs cleared and cell ids unique, as nbgrader's ClearOutput and DeduplicateIds."""
    seen = set()
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
        if cell.get("id") in seen or not cell.get("id"):
            cell["id"] = uuid.uuid4().hex[:8]
        seen.add(cell["id"])


# Running and scoring ------------------------------------------------------------------------

def _run(job, automatic):
    """grade_unit's Result and whether it ran sandboxed; when the sandbox was chosen
    automatically and cannot start on this machine, it runs again without one."""
    try:
        return grade_unit(job), job.limits.enabled
    except sandboxing.SandboxUnavailable:
        if not (automatic and job.limits.enabled):
            raise
    unsandboxed = replace(job, limits=replace(job.limits, enabled=False), fonts={})
    return grade_unit(unsandboxed), False


def _error_message(cell):
    errors = [o for o in cell.get("outputs", []) if o.output_type == "error"]
    if not errors:
        return None
    name, value = errors[0].get("ename") or "Error", errors[0].get("evalue") or ""
    return _first_lines(f"{name}: {value}" if value.strip() else name)


def score(executed):
    """Per grade cell of ``executed``, in notebook order: full points when its outputs show
    no error."""
    tests = []
    for cell in executed.cells:
        meta = nbgrader_meta(cell)
        if not meta.get("grade") or cell.cell_type != "code":
            continue
        points = float(meta.get("points") or 0)
        message = _error_message(cell) or ""
        tests.append(CellResult(grade_id=meta["grade_id"], passed=not message,
                                points=0.0 if message else points, max_points=points,
                                message=message))
    return tests


def check(*, notebook, root=None, sandbox=None, log=print):
    """Grade the notebook at ``notebook`` as `grade` would, print the report with ``log`` and
    return it. ``sandbox``: None runs in the sandbox when bubblewrap works here, True requires
    it, False runs a plain process. The notebook file is only read."""
    path = Path(notebook).resolve()
    nb = _read(path)
    folder, assignment = _locate(path, root)
    source = notebook_at(folder, "source", assignment)
    release = notebook_at(folder, "release", assignment)
    reference = _read(source) if source else (_read(release) if release else None)
    notes = []
    edition = _read(release) if release else reference
    if edition is not None:
        notes += [f"{change} (restored before grading, as grading does)"
                  for change in restored_cells.changes(nb, edition)]
    notes += [f"grading would flag: {f}"
              for f in tamper.scan(nb)]
    prepared = restore(nb, reference)
    if not any(nbgrader_meta(c).get("grade") for c in prepared.cells):
        raise CourseError(f"{path} has no test cells (grade cells): nothing to check.")

    key = None
    if source and release and folder is not None \
            and (folder / "verification" / f"{assignment}.py").is_file():
        from .answer_key import AnswerKey  # grader material: not in the student edition

        key = AnswerKey.load(folder, assignment)
    automatic = sandbox is None
    limits = _limits(folder, sandboxing.available() if automatic else bool(sandbox))
    _require(limits)
    job = Job(student="self-check", assignment=assignment, notebook=nbformat.writes(prepared),
              checks=key.checks if key else {}, limits=limits,
              fonts=font_cache() if limits.enabled else {})
    result, sandboxed = _run(job, automatic)
    tests = score(nbformat.reads(result.executed, as_version=4))

    if not source:
        notes.insert(0, VISIBLE_ONLY)
    written = [nbgrader_meta(c).get("points") or 0 for c in prepared.cells
               if c.cell_type != "code" and nbgrader_meta(c).get("grade")]
    if written:
        notes.append(f"{len(written)} written answer{'s' * (len(written) != 1)} "
                     f"({sum(written):g} points) are graded by your instructor, not here")
    if reference is None:
        where = f"in {folder}" if folder else "here or in the folders above"
        notes.append(f"no source/ or release/ notebook of {assignment} {where}: the "
                     "notebook's own test cells were run as they are")
    if not sandboxed:
        notes.append(NO_SANDBOX)
    if key is None:
        notes.append("not verified: the grader's hidden checks of your functions on inputs "
                     "you have not seen (verification/) are not here; your instructor runs them")
    if not result.status.startswith("ok"):
        notes.append(f"the run did not finish normally: {result.status}")
    report = Report(notebook=path, assignment=assignment, tests=tests, notes=notes,
                    status=result.status, sandboxed=sandboxed, verified=key is not None,
                    hidden_tests=bool(source))
    log(report.text)
    return report


def notebook_at(folder, stage, assignment):
    """The path of ``assignment``'s notebook in ``stage`` of ``folder`` if it exists."""
    if folder is None:
        return None
    path = notebook(folder, stage, assignment)
    return path if path.is_file() else None


def _require(limits):
    try:
        sandboxing.require(limits)
    except sandboxing.SandboxUnavailable as error:
        raise CourseError(str(error).replace("pass --no-sandbox to grade without one",
                                             "pass --no-sandbox to check without one")) from None
