"""`autograder collect ASSIGNMENT ZIP`: put the notebooks of an LMS's submissions zip into
submitted/<student_id>/ASSIGNMENT/ASSIGNMENT.ipynb, matching each file to a roster student.

File names in the zips (read from the LMSs' code):

- Canvas, "Download Submissions" (lib/content_zipper.rb): one flat file per attachment,
  ``{name}_{user id}_{attachment id}_{file name}`` and ``{name}_LATE_{user id}_...`` for a
  late submission, where name is the sortable name ("Lovelace, Ada") lowercased with
  everything but letters, digits and ``_`` removed: ``lovelaceada``. A file uploaded again
  under the same name gets ``-1``, ``-2`` before its extension.
- Moodle, "Download all submissions" (mod/assign/locallib.php): one folder per participant,
  ``{Full Name}_{participant id}_assignsubmission_file_/{file name}``; older versions write
  the same prefix flat, ``{Full Name}_{participant id}_assignsubmission_file_{file name}``.
  The participant id is the assignment's own id for the student (assign_user_mapping), not
  the Moodle user id: unless roster.csv's lms_id holds it, students are matched by name.

A file is matched to the roster student with its LMS id, else to the one student whose name
is exactly the file's (reported as a fallback); a file whose id and name point at two
different students is not collected, nor a Canvas file named for a student whose roster
LMS id is another. No student gets the notebook of another LMS user: when several users
match one student, those matched by name alone are not collected (all of them, when none
matches by id), and a match by name alone never replaces a notebook already there.

The notebook is stored under the assignment's name whatever the student called it, byte for
byte, with nbgrader's ``timestamp.txt`` beside it: the submission time, which nbgrader
compares with the due date (:mod:`autograder.course.deadlines`) to find how late it was. Moodle's
zip entries carry each file's own time (local time, no zone), which is the submission time.
Canvas stamps every entry with the time the zip was made (content_zipper.rb writes each
through get_output_stream) and marks late work with LATE instead, so a Canvas submission is
stamped at the due date when on time, and one second after it when LATE (how late Canvas's
zip does not say); without a due date, with the zip entry's time. Nothing is overwritten
silently: of several notebooks for one student the newest zip entry wins, then the highest
``-N``; a different notebook already in submitted/ is kept unless the zip's entry is newer
than it, and a replaced one is moved to ``.replaced/`` beside it. Entries with absolute
paths or ``..``, links and other entries that are not plain files, and notebooks larger than
``max_bytes`` are refused; nothing is written through a link in submitted/.
"""

import os
import re
import stat
import tempfile
import zipfile
import zlib
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path, PurePosixPath

from ..course import modes
from ..course.paths import CourseError, check_assignment
from ..course.deadlines import stamp
from . import canvas, moodle

MAX_NOTEBOOK_BYTES = 50 * 2**20
REPLACED_FOLDER = ".replaced"
TIMESTAMP_FILE = "timestamp.txt"
RESUBMISSION = re.compile(r"-(\d+)$")
SYSTEM_FILES = {"__MACOSX", "Thumbs.db", "desktop.ini"}


@dataclass(frozen=True)
class Placed:
    """A notebook of the zip that is student_id's submission in submitted/."""

    student_id: str
    entry: str
    matched_by: str
    late: bool = False
    replaced: str = ""
    submitted: str = ""  # the time written into timestamp.txt


@dataclass(frozen=True)
class Skipped:
    """A zip entry that was not collected, and why."""

    entry: str
    reason: str


@dataclass(frozen=True)
class Duplicate:
    """Several notebooks of the zip for one student: which one was kept, by which rule."""

    student_id: str
    kept: str
    dropped: tuple
    rule: str


@dataclass
class CollectResult:
    """What `collect` did with every entry of the zip."""

    assignment: str
    collected: list = field(default_factory=list)
    unchanged: list = field(default_factory=list)
    kept_existing: list = field(default_factory=list)
    duplicates: list = field(default_factory=list)
    unmatched: list = field(default_factory=list)
    ignored: list = field(default_factory=list)

    def summary(self):
        """One line of counts."""
        return (f"{self.assignment}: {len(self.collected)} collected, {len(self.unchanged)} "
                f"already there, {len(self.kept_existing)} kept newer, {len(self.unmatched)} "
                f"not collected, {len(self.ignored)} ignored")

    def lines(self):
        """The summary, then one line per entry that was collected or needs a look."""
        lines = [self.summary()]
        for p in self.collected:
            late = ", LATE" if p.late else ""
            moved = f"; the previous one is now {p.replaced}" if p.replaced else ""
            lines.append(f"collected {p.student_id} <- {p.entry} (by {p.matched_by}{late}){moved}")
        lines += [f"already there {p.student_id} <- {p.entry}" for p in self.unchanged]
        lines += [f"kept existing: {s.entry}: {s.reason}" for s in self.kept_existing]
        for d in self.duplicates:
            lines.append(f"duplicate {d.student_id}: kept {d.kept} ({d.rule}); not collected: "
                         + ", ".join(d.dropped))
        lines += [f"NOT COLLECTED {s.entry}: {s.reason}" for s in self.unmatched]
        lines += [f"ignored {s.entry}: {s.reason}" for s in self.ignored]
        return lines


@dataclass(frozen=True)
class _Candidate:
    info: zipfile.ZipInfo
    student_id: str
    matched_by: str
    late: bool
    resubmission: int
    lms_id: str
    by_name: bool  # matched by name alone: the roster does not hold this LMS id
    style: str  # "canvas" or "moodle"

    @property
    def rank(self):
        return self.info.date_time, self.resubmission


def collect(*, root, assignment, zip_path, roster, max_bytes=MAX_NOTEBOOK_BYTES, due=None):
    """Collect ``assignment`` from the LMS submissions zip at ``zip_path`` for the students of
    ``roster`` (see :func:`autograder.course.roster.load`), ``due`` being its due date (an aware
    datetime, or None); returns a CollectResult."""
    root = Path(root)
    check_assignment(root, assignment)
    if not roster:
        raise CourseError("collect needs the class roster, roster.csv in the course folder "
                          "(student_id,name,lms_id,email), to know whose file is whose.")
    try:
        archive = zipfile.ZipFile(zip_path)
    except OSError as error:
        raise CourseError(f"cannot open {zip_path}: {error.strerror or error}") from None
    except zipfile.BadZipFile:
        raise CourseError(f"{zip_path} is not a zip file.") from None
    result = CollectResult(assignment)
    with archive:
        by_student = {}
        for info in archive.infolist():
            candidate = _candidate(info, roster, result, max_bytes)
            if candidate:
                by_student.setdefault(candidate.student_id, []).append(candidate)
        for candidates in by_student.values():
            chosen = _choose(archive, _one_user(candidates, result), result, max_bytes)
            if chosen:
                _place(root, assignment, archive, chosen, result, max_bytes, due)
    return result


def _candidate(info, roster, result, max_bytes):
    """The roster student ``info`` is a notebook of, or None after recording why not."""
    path = info.filename
    if info.is_dir():
        return None
    parts = PurePosixPath(path.replace("\\", "/")).parts
    if path.startswith(("/", "\\")) or re.match(r"[A-Za-z]:", path) or ".." in parts:
        result.ignored.append(Skipped(path, "unsafe path (absolute or with '..'): refused"))
        return None
    if any(p in SYSTEM_FILES or p.startswith(".") for p in parts):
        result.ignored.append(Skipped(path, "operating-system or hidden file"))
        return None
    kind = stat.S_IFMT(info.external_attr >> 16)
    if kind not in (0, stat.S_IFREG):
        result.ignored.append(Skipped(path, "not a plain file (a link or a device): refused"))
        return None
    if not path.lower().endswith(".ipynb"):
        result.ignored.append(Skipped(path, "not a notebook"))
        return None
    parsed = moodle.MOODLE.search(path) or canvas.CANVAS.fullmatch(parts[-1])
    if not parsed:
        result.unmatched.append(Skipped(path, "name follows neither Canvas's nor Moodle's "
                                              "pattern, so it names no LMS user"))
        return None
    style = "moodle" if parsed.re is moodle.MOODLE else "canvas"
    student, how = _match(roster, style, parsed["name"], parsed["lms_id"])
    if student is None:
        result.unmatched.append(Skipped(path, how))
        return None
    if info.file_size > max_bytes:
        result.unmatched.append(Skipped(path, f"{info.file_size} bytes uncompressed, over the "
                                              f"{max_bytes}-byte limit: refused"))
        return None
    stem = PurePosixPath(parsed["filename"]).stem
    suffix = RESUBMISSION.search(stem)
    return _Candidate(info, student.student_id, how, style == "canvas" and bool(parsed["late"]),
                      int(suffix[1]) if suffix else 0, parsed["lms_id"],
                      student.lms_id != parsed["lms_id"], style)


def _match(roster, style, name, lms_id):
    """(student, how it was matched) or (None, why no student could be)."""
    if style == "canvas":
        key, keys = canvas.name_key(name), {s: canvas.name_key(s.last_name + s.first_name)
                                            for s in roster.values()}
    else:
        key, keys = moodle.name_key(name), {s: moodle.name_key(s.name) for s in roster.values()}
    by_id = [s for s in roster.values() if s.lms_id == lms_id]
    by_name = [s for s, k in keys.items() if k and k == key]
    if by_id and by_name and by_id[0] not in by_name:
        return None, (f"LMS id {lms_id} is {by_id[0].student_id}'s in roster.csv but the file "
                      f"is named for {by_name[0].student_id}: check roster.csv")
    if by_id:
        return by_id[0], f"LMS id {lms_id}"
    if style == "canvas" and len(by_name) == 1 and by_name[0].lms_id:
        return None, (f"named for {by_name[0].student_id}, whose LMS id in roster.csv is "
                      f"{by_name[0].lms_id}, not {lms_id}: another user with the same name")
    if len(by_name) == 1:
        return by_name[0], f"name {name!r}, a fallback: no roster student has LMS id {lms_id}"
    if by_name:
        return None, (f"no roster student has LMS id {lms_id}, and {len(by_name)} have the "
                      f"name {name!r}")
    return None, f"no roster student has LMS id {lms_id} or the name {name!r}"


def _one_user(candidates, result):
    """The candidates of one student that come from one LMS user: when several users match
    the student, those matched by name alone are refused (all of them, when no user matches
    by LMS id), so that no one's notebook is collected as another's."""
    if len({c.lms_id for c in candidates}) == 1:
        return candidates
    by_id = [c for c in candidates if not c.by_name]
    ids = ", ".join(sorted({c.lms_id for c in candidates}))
    for c in candidates:
        if c.by_name:
            result.unmatched.append(Skipped(c.info.filename, (
                f"LMS users {ids} all match {c.student_id}"
                + (f", whose own is {by_id[0].lms_id}: this one is named for them by name only"
                   if by_id else " by name alone: collect the right one by hand, or put "
                   f"{c.student_id}'s LMS id in roster.csv"))))
    return by_id


def _read(archive, info, max_bytes):
    """(bytes of ``info``, None), or (None, why they cannot be read); never more than
    ``max_bytes`` are decompressed."""
    try:
        with archive.open(info) as handle:
            data = handle.read(max_bytes + 1)
    except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, RuntimeError) as error:
        return None, f"unreadable in the zip: {error}"
    if len(data) > max_bytes:
        return None, f"over the {max_bytes}-byte limit when decompressed: refused"
    return data, None


def _choose(archive, candidates, result, max_bytes):
    """The one candidate to collect of a student's; None (with the reason recorded) when
    several different notebooks cannot be told apart."""
    if len(candidates) <= 1:
        return candidates[0] if candidates else None
    ordered = sorted(candidates, key=lambda c: c.rank)
    best, runner_up = ordered[-1], ordered[-2]
    if best.rank == runner_up.rank:
        tied = [c for c in ordered if c.rank == best.rank]
        if len({_read(archive, c.info, max_bytes) for c in tied}) > 1:
            for c in candidates:
                result.unmatched.append(Skipped(c.info.filename, (
                    f"{len(tied)} different notebooks for {c.student_id} with the same zip "
                    "date and no -N suffix to tell them apart: collect one by hand")))
            return None
        rule = "identical copies"
    elif best.info.date_time > runner_up.info.date_time:
        rule = "newest zip entry"
    else:
        rule = "same zip date, highest -N suffix"
    result.duplicates.append(Duplicate(best.student_id, best.info.filename,
                                       tuple(c.info.filename for c in ordered[:-1]), rule))
    return best


def _entry_time(info):
    """The zip entry's time as an aware datetime (zips store local time, no zone)."""
    try:
        return datetime(*info.date_time).astimezone()
    except ValueError:  # some tools write a zero date
        return datetime(1980, 1, 1).astimezone()


def _submitted(candidate, due):
    """When ``candidate`` was handed in, as far as its LMS's zip tells (see above)."""
    when = _entry_time(candidate.info)
    if candidate.style == "moodle" or due is None:
        return when
    return due + timedelta(seconds=1) if candidate.late else min(when, due)


def _place(root, assignment, archive, candidate, result, max_bytes, due):
    """Write ``candidate`` as its student's submission unless that would lose a newer one."""
    data, problem = _read(archive, candidate.info, max_bytes)
    name = candidate.info.filename
    if problem:
        result.unmatched.append(Skipped(name, problem))
        return
    folder = root / "submitted" / candidate.student_id / assignment
    target = folder / f"{assignment}.ipynb"
    linked = [p for p in (folder.parent, folder, target, folder / TIMESTAMP_FILE)
              if p.is_symlink()]
    if linked:
        result.unmatched.append(Skipped(name, f"{linked[0].relative_to(root)} is a symbolic "
                                              "link: nothing is written through it"))
        return
    when = _entry_time(candidate.info)
    placed = Placed(candidate.student_id, name, candidate.matched_by, candidate.late)
    replaced = ""
    if target.is_file():
        if target.read_bytes() == data:
            result.unchanged.append(placed)
            return
        if candidate.by_name:
            result.unmatched.append(Skipped(name, (
                f"matched {candidate.student_id} by name only, so it does not replace the "
                f"notebook already in {target.relative_to(root)}: collect it by hand if it is "
                "theirs")))
            return
        if target.stat().st_mtime >= when.timestamp():
            result.kept_existing.append(Skipped(name, (
                f"{target.relative_to(root)} differs and is not older than this entry "
                f"({when:%Y-%m-%d %H:%M}); it was kept")))
            return
        replaced = _move_aside(root, folder, target)
    made = [p for p in (folder.parent.parent, folder.parent, folder) if not p.exists()]
    folder.mkdir(parents=True, exist_ok=True)
    submitted = _submitted(candidate, due)
    _write(target, data, when.timestamp())
    _write(folder / TIMESTAMP_FILE, stamp(submitted).encode(), when.timestamp())
    modes.share(root, *made, target, folder / TIMESTAMP_FILE)
    result.collected.append(Placed(candidate.student_id, name, candidate.matched_by,
                                   candidate.late, replaced, stamp(submitted).strip()))


def _move_aside(root, folder, target):
    """Move ``target`` (and its timestamp.txt) into .replaced/, named by its modification
    time; returns where the notebook went, relative to ``root``."""
    aside = folder / REPLACED_FOLDER
    aside.mkdir(exist_ok=True)
    moving = [p for p in (target, folder / TIMESTAMP_FILE) if p.is_file()]
    stamp = datetime.fromtimestamp(target.stat().st_mtime).strftime("%Y%m%dT%H%M%S")
    prefix, n = stamp, 1
    while any((aside / f"{prefix}-{p.name}").exists() for p in moving):
        n += 1
        prefix = f"{stamp}-{n}"
    for path in moving:
        os.replace(path, aside / f"{prefix}-{path.name}")
    return str((aside / f"{prefix}-{target.name}").relative_to(root))


def _write(path, data, mtime):
    """Write ``data`` to ``path`` atomically and give it modification time ``mtime``."""
    with tempfile.NamedTemporaryFile(dir=path.parent, prefix=f".{path.name}.",
                                     delete=False) as handle:
        handle.write(data)
    os.utime(handle.name, (mtime, mtime))
    os.replace(handle.name, path)
