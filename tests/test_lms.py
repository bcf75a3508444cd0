"""The roster, collecting an LMS's submissions zip, and exporting grades for an LMS."""

import csv
import dataclasses
import os
import re
import shutil
import stat
import zipfile
from datetime import datetime, timedelta, timezone
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_notebook
from nbgrader.utils import parse_utc

from autograder.grading import grades_csv
from autograder.course import roster
from autograder.course.paths import CourseError
from autograder.lms.collect import collect
from autograder.lms.export import export_grades
from tests.course_copy import ROOT

A, B = "02_classification_losses", "01_regression_losses"
ROSTER = """student_id,name,lms_id,email
ada,Ada Lovelace,1001,ada@example.org
zoe,Zoë Ångström,1002,zoe@example.org
grace,Grace Hopper,1003,grace@example.org
alan,Alan Turing,,alan@example.org
"""
MAY_1, MAY_2 = (2024, 5, 1, 10, 0, 0), (2024, 5, 2, 9, 30, 0)


def make_course(tmp_path, roster_text=ROSTER):
    """A course folder with two (empty) source notebooks and a roster, below tmp_path so that
    a path escaping it would land in tmp_path."""
    root = tmp_path / "course"
    for name in (A, B):
        (root / "source" / name).mkdir(parents=True)
        (root / "source" / name / f"{name}.ipynb").write_text("{}")
    shutil.copy(ROOT / "nbgrader_config.py", root)
    (root / roster.FILE_NAME).write_text(roster_text, encoding="utf-8")
    return root


def notebook(tag):
    """The bytes of a small notebook that differs by ``tag``."""
    return nbformat.writes(new_notebook(cells=[new_code_cell(f"# {tag}")])).encode()


def make_zip(path, entries):
    """A zip with ``entries``: (name, date_time, bytes)."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, when, data in entries:
            archive.writestr(zipfile.ZipInfo(name, when), data, zipfile.ZIP_DEFLATED)
    return path


def files_below(folder):
    return {p.relative_to(folder) for p in folder.rglob("*") if p.is_file()}


def submitted(root, student, assignment=A):
    return root / "submitted" / student / assignment / f"{assignment}.ipynb"


CANVAS_ENTRIES = [
    (f"lovelaceada_1001_5001_{A}.ipynb", MAY_1, notebook("ada first")),
    (f"lovelaceada_1001_5002_{A}-1.ipynb", MAY_1, notebook("ada resubmitted")),
    ("hoppergrace_1003_5003_scratch.ipynb", MAY_1, notebook("grace older")),
    ("hoppergrace_1003_5004_my notebook.ipynb", MAY_2, notebook("grace newer")),
    ("ångströmzoë_LATE_1002_5005_Zoë's notebook.ipynb", MAY_2, notebook("zoe late")),
    ("turingalan_2004_5006_losses.ipynb", MAY_1, notebook("alan")),
    ("hackerunknown_9999_5007_losses.ipynb", MAY_1, notebook("stranger")),
    ("lovelaceada_1001_5008_notes.pdf", MAY_1, b"%PDF-1.4"),
    (f"__MACOSX/._lovelaceada_1001_5001_{A}.ipynb", MAY_1, b"\x00\x05\x16\x07"),
    (".DS_Store", MAY_1, b"\x00"),
    ("../escape.ipynb", MAY_1, notebook("traversal")),
    ("/tmp/absolute.ipynb", MAY_1, notebook("absolute")),
]


def test_canvas_zip_is_collected_as_documented(tmp_path):
    root = make_course(tmp_path)
    before = files_below(tmp_path)
    archive = make_zip(tmp_path / "submissions.zip", CANVAS_ENTRIES)
    result = collect(root=root, assignment=A, zip_path=archive, roster=roster.load(root))
    data = {name: blob for name, _, blob in CANVAS_ENTRIES}

    placed = {p.student_id: p for p in result.collected}
    assert sorted(placed) == ["ada", "alan", "grace", "zoe"]
    assert submitted(root, "ada").read_bytes() == data[f"lovelaceada_1001_5002_{A}-1.ipynb"]
    assert submitted(root, "grace").read_bytes() == data["hoppergrace_1003_5004_my notebook.ipynb"]
    zoe_entry = "ångströmzoë_LATE_1002_5005_Zoë's notebook.ipynb"
    assert submitted(root, "zoe").read_bytes() == data[zoe_entry]
    assert placed["zoe"].late and not placed["ada"].late
    assert placed["ada"].matched_by == "LMS id 1001"
    assert "fallback" in placed["alan"].matched_by and "2004" in placed["alan"].matched_by

    duplicates = {d.student_id: d for d in result.duplicates}
    assert duplicates["ada"].kept == f"lovelaceada_1001_5002_{A}-1.ipynb"
    assert duplicates["ada"].dropped == (f"lovelaceada_1001_5001_{A}.ipynb",)
    assert "-N suffix" in duplicates["ada"].rule
    assert duplicates["grace"].dropped == ("hoppergrace_1003_5003_scratch.ipynb",)
    assert duplicates["grace"].rule == "newest zip entry"

    assert [s.entry for s in result.unmatched] == ["hackerunknown_9999_5007_losses.ipynb"]
    assert "9999" in result.unmatched[0].reason
    assert {s.entry for s in result.ignored} == {
        "lovelaceada_1001_5008_notes.pdf", f"__MACOSX/._lovelaceada_1001_5001_{A}.ipynb",
        ".DS_Store", "../escape.ipynb", "/tmp/absolute.ipynb"}

    written = files_below(tmp_path) - before - {archive.relative_to(tmp_path)}
    assert all(p.parts[:2] == ("course", "submitted") for p in written), written
    assert not (tmp_path / "escape.ipynb").exists()
    assert {p.name for p in written} == {f"{A}.ipynb", "timestamp.txt"}

    stamp = (submitted(root, "grace").parent / "timestamp.txt").read_text().strip()
    expected = datetime(*MAY_2).astimezone().astimezone(timezone.utc).replace(tzinfo=None)
    assert parse_utc(stamp) == expected
    assert "NOT COLLECTED hackerunknown_9999_5007_losses.ipynb" in "\n".join(result.lines())


def test_collecting_the_same_zip_again_changes_nothing(tmp_path):
    root = make_course(tmp_path)
    archive = make_zip(tmp_path / "submissions.zip", CANVAS_ENTRIES)
    collect(root=root, assignment=A, zip_path=archive, roster=roster.load(root))
    stats = {p: p.stat().st_mtime_ns for p in (root / "submitted").rglob("*") if p.is_file()}
    again = collect(root=root, assignment=A, zip_path=archive, roster=roster.load(root))
    assert again.collected == [] and again.kept_existing == []
    assert sorted(p.student_id for p in again.unchanged) == ["ada", "alan", "grace", "zoe"]
    assert {p: p.stat().st_mtime_ns for p in stats} == stats
    assert not list((root / "submitted").rglob(".replaced"))


def stamped(root, student):
    """The time in ``student``'s timestamp.txt, naive UTC as nbgrader reads it."""
    return parse_utc((submitted(root, student).parent / "timestamp.txt").read_text().strip())


def test_timestamps_are_the_submission_times_each_lms_gives(tmp_path):
    """Canvas stamps every entry with the zip's time and marks late work LATE: on time is
    stamped at the due date, LATE just after it. Moodle's entries carry the submission time."""
    due = datetime(2024, 5, 1, 12, 0, tzinfo=timezone.utc)
    zipped = (2024, 5, 9, 8, 0, 0)  # when the instructor downloaded the zip
    root = make_course(tmp_path)
    canvas = make_zip(tmp_path / "canvas.zip", [
        (f"lovelaceada_1001_5001_{A}.ipynb", zipped, notebook("ada")),
        (f"ångströmzoë_LATE_1002_5002_{A}.ipynb", zipped, notebook("zoe"))])
    collect(root=root, assignment=A, zip_path=canvas, roster=roster.load(root), due=due)
    naive_due = due.replace(tzinfo=None)
    assert stamped(root, "ada") == naive_due
    assert stamped(root, "zoe") == naive_due + timedelta(seconds=1)
    moodle = make_zip(tmp_path / "moodle.zip", [
        ("Grace Hopper_1003_assignsubmission_file_/x.ipynb", MAY_2, notebook("grace"))])
    collect(root=root, assignment=A, zip_path=moodle, roster=roster.load(root), due=due)
    assert stamped(root, "grace") == datetime(*MAY_2).astimezone().astimezone(
        timezone.utc).replace(tzinfo=None)


def test_moodle_zip_folders_and_flat_names(tmp_path):
    root = make_course(tmp_path, ROSTER + "dara,Dara O'Brien,,dara@example.org\n")
    entries = [
        ("Ada Lovelace_777_assignsubmission_file_/notebook.ipynb", MAY_1, notebook("ada")),
        ("Zoë Ångström_1002_assignsubmission_file_/Zoë final.ipynb", MAY_1, notebook("zoe")),
        (f"Grace Hopper_778_assignsubmission_file_{A}.ipynb", MAY_1, notebook("grace flat")),
        ("Grace Hopper_1001_assignsubmission_file_/x.ipynb", MAY_2, notebook("conflict")),
        ("Unknown Person_779_assignsubmission_file_/x.ipynb", MAY_1, notebook("stranger")),
        ("Ada Lovelace_777_assignsubmission_onlinetext_/onlinetext.html", MAY_1, b"<p>hi</p>"),
        ("Dara OBrien_780_assignsubmission_file_/work.ipynb", MAY_1, notebook("dara")),
    ]
    archive = make_zip(tmp_path / "moodle.zip", entries)
    result = collect(root=root, assignment=A, zip_path=archive, roster=roster.load(root))
    placed = {p.student_id: p for p in result.collected}
    assert sorted(placed) == ["ada", "dara", "grace", "zoe"]
    assert submitted(root, "dara").read_bytes() == entries[6][2]
    assert submitted(root, "ada").read_bytes() == entries[0][2]
    assert submitted(root, "zoe").read_bytes() == entries[1][2]
    assert submitted(root, "grace").read_bytes() == entries[2][2]
    assert placed["zoe"].matched_by == "LMS id 1002"
    assert "fallback" in placed["ada"].matched_by
    reasons = {s.entry: s.reason for s in result.unmatched}
    assert set(reasons) == {entries[3][0], entries[4][0]}
    assert "ada" in reasons[entries[3][0]] and "grace" in reasons[entries[3][0]]
    assert [s.entry for s in result.ignored] == [entries[5][0]]
    assert not submitted(root, "alan").exists()


def test_an_existing_different_submission_is_never_lost(tmp_path):
    root = make_course(tmp_path)
    old, newer_by_hand = notebook("collected in 2020"), notebook("fixed by hand today")
    for student, data, when in (("ada", old, datetime(2020, 1, 1)),
                                ("grace", newer_by_hand, datetime.now())):
        submitted(root, student).parent.mkdir(parents=True)
        submitted(root, student).write_bytes(data)
        os.utime(submitted(root, student), (when.timestamp(), when.timestamp()))
    entries = [(f"lovelaceada_1001_1_{A}.ipynb", MAY_1, notebook("ada from the zip")),
               (f"hoppergrace_1003_2_{A}.ipynb", MAY_1, notebook("grace from the zip"))]
    archive = make_zip(tmp_path / "submissions.zip", entries)
    result = collect(root=root, assignment=A, zip_path=archive, roster=roster.load(root))

    assert submitted(root, "ada").read_bytes() == entries[0][2]
    (ada,) = result.collected
    moved = root / ada.replaced
    assert moved.parent == submitted(root, "ada").parent / ".replaced"
    assert moved.name == f"20200101T000000-{A}.ipynb" and moved.read_bytes() == old

    assert submitted(root, "grace").read_bytes() == newer_by_hand
    assert [s.entry for s in result.kept_existing] == [entries[1][0]]
    assert not (submitted(root, "grace").parent / ".replaced").exists()


def test_notebooks_over_the_size_limit_are_refused_unread(tmp_path):
    root = make_course(tmp_path)
    bomb = b"{" + b" " * 2_000_000 + b"}"
    archive = make_zip(tmp_path / "bomb.zip", [(f"lovelaceada_1001_1_{A}.ipynb", MAY_1, bomb)])
    assert archive.stat().st_size < 20_000
    result = collect(root=root, assignment=A, zip_path=archive, roster=roster.load(root),
                     max_bytes=1_000_000)
    assert result.collected == [] and "limit" in result.unmatched[0].reason
    assert not (root / "submitted").exists()


def test_different_notebooks_that_cannot_be_ordered_are_not_guessed(tmp_path):
    root = make_course(tmp_path)
    entries = [("lovelaceada_1001_1_part1.ipynb", MAY_1, notebook("one")),
               ("lovelaceada_1001_2_part2.ipynb", MAY_1, notebook("two"))]
    result = collect(root=root, assignment=A, roster=roster.load(root),
                     zip_path=make_zip(tmp_path / "s.zip", entries))
    assert result.collected == [] and len(result.unmatched) == 2
    assert "by hand" in result.unmatched[0].reason
    assert not submitted(root, "ada").exists()


def test_collect_needs_a_zip_a_roster_and_a_known_assignment(tmp_path):
    root = make_course(tmp_path)
    archive = make_zip(tmp_path / "s.zip", CANVAS_ENTRIES[:1])
    (tmp_path / "not.zip").write_text("hello")
    with pytest.raises(CourseError, match="not a zip file"):
        collect(root=root, assignment=A, zip_path=tmp_path / "not.zip", roster=roster.load(root))
    with pytest.raises(CourseError, match="cannot open"):
        collect(root=root, assignment=A, zip_path=tmp_path / "none.zip", roster=roster.load(root))
    with pytest.raises(CourseError, match="roster.csv"):
        collect(root=root, assignment=A, zip_path=archive, roster={})
    with pytest.raises(CourseError, match="Unknown assignment"):
        collect(root=root, assignment="99_nope", zip_path=archive, roster=roster.load(root))


# The roster


def test_roster_loads_students_with_first_and_last_names(tmp_path):
    root = make_course(tmp_path, "\ufeff" + ROSTER + "plato,Plato,1005,\n")
    students = roster.load(root)
    assert list(students) == ["ada", "zoe", "grace", "alan", "plato"]
    zoe = students["zoe"]
    assert (zoe.first_name, zoe.last_name, zoe.lms_id, zoe.email) == (
        "Zoë", "Ångström", "1002", "zoe@example.org")
    assert (students["plato"].first_name, students["plato"].last_name) == ("", "Plato")
    assert students["alan"].lms_id == ""
    with pytest.raises(dataclasses.FrozenInstanceError):
        zoe.name = "Someone Else"


def test_no_roster_file_is_an_empty_roster(tmp_path):
    assert roster.load(tmp_path) == {}


@pytest.mark.parametrize("text, where, words", [
    ("student_id,name,email\nada,Ada,a@x\n", "line 1", "missing column(s) lms_id"),
    ("student_id,name,lms_id,email\nada,Ada,1,\n,Bob,2,\n", "line 3", "empty student_id"),
    ("student_id,name,lms_id,email\nada,Ada,1,\nada,Ada Two,2,\n", "line 3",
     "duplicate student_id 'ada'"),
    ("student_id,name,lms_id,email\nada,Ada,1,\nbob,Bob,1,\n", "line 3", "lms_id '1'"),
    ("student_id,name,lms_id,email\nada,Ada,1,A@x.org\nbob,Bob,2,a@X.org\n", "line 3", "email"),
    ("student_id,name,lms_id,email\n../ada,Ada,1,\n", "line 2", "not a safe folder name"),
    ("student_id,name,lms_id,email\nAda Lovelace,Ada,1,\n", "line 2", "not a safe folder name"),
    ("student_id,name,lms_id,email\n.hidden,Ada,1,\n", "line 2", "not a safe folder name"),
])
def test_roster_errors_name_the_file_and_line(tmp_path, text, where, words):
    (tmp_path / roster.FILE_NAME).write_text(text)
    with pytest.raises(CourseError) as error:
        roster.load(tmp_path)
    assert f"{tmp_path / roster.FILE_NAME} {where}" in str(error.value)
    assert words in str(error.value)


def test_sync_gradebook_gives_formgrader_names(tmp_path):
    from nbgrader.api import Gradebook

    from autograder.course.nbgrader_api import open_api

    root = make_course(tmp_path)
    api = open_api(root)
    with Gradebook(api.coursedir.db_url, api.coursedir.course_id) as gradebook:
        gradebook.update_or_create_student("ada")  # as autograde creates it: no names
    written = roster.sync_gradebook(api.coursedir, roster.load(root))
    assert written == ["ada", "zoe", "grace", "alan"]
    listed = {s["id"]: s for s in api.get_students()}
    assert {sid: (s["first_name"], s["last_name"], s["email"]) for sid, s in listed.items()} == {
        "ada": ("Ada", "Lovelace", "ada@example.org"),
        "zoe": ("Zoë", "Ångström", "zoe@example.org"),
        "grace": ("Grace", "Hopper", "grace@example.org"),
        "alan": ("Alan", "Turing", "alan@example.org")}
    with Gradebook(api.coursedir.db_url, api.coursedir.course_id) as gradebook:
        assert gradebook.find_student("zoe").lms_user_id == "1002"
        assert gradebook.find_student("alan").lms_user_id is None


# Exporting grades


EXAMPLES = Path(__file__).parent / "lms_examples"
SIS_ROSTER = ROSTER.replace("student_id,name,lms_id,email\n",
                            "student_id,name,lms_id,email,sis_user_id,sis_login_id,section\n")
SIS_ROSTER = SIS_ROSTER.replace("ada@example.org\n", "ada@example.org,S-1001,ada,DL 2026 A\n")
SIS_ROSTER = SIS_ROSTER.replace("grace@example.org\n", "grace@example.org,S-1003,grace,\n")
SIS_ROSTER = SIS_ROSTER.replace("zoe@example.org\n", "zoe@example.org,,,\n")
SIS_ROSTER = SIS_ROSTER.replace("alan@example.org\n", "alan@example.org,,,\n")


def write_grades(root):
    rows = [grades_csv.row("ada", A, 7.5, 10, "ok", late="2 h 5 min late, penalty 0"),
            grades_csv.row("ada", B, None, 4, "error"),
            grades_csv.row("zoe", A, 10, 10, "ok"), grades_csv.row("ghost", A, 2, 10, "ok"),
            grades_csv.missing("alan", A, 10), grades_csv.row("grace", B, 4, 4, "ok")]
    grades_csv.merge(root / grades_csv.FILE_NAME, rows)
    return (root / grades_csv.FILE_NAME).read_bytes()


def read_csv(path):
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.reader(handle))


def canvas_import(table):
    """What Canvas's gradebook importer takes from ``table`` (gradebook_importer.rb's rules):
    the student columns, and per assignment id its points possible and each student's
    (ID, SIS User ID, grade); computed and read-only columns are skipped."""
    header, points, *rows = table
    assert header[0].startswith("Student") and "ID" in header[1]
    assert header[2:5] == ["SIS User ID", "SIS Login ID", "Section"]
    columns = {i: re.fullmatch(r"(.*) \((\d+)\)", h) for i, h in enumerate(header) if i >= 5
               and not re.search("Current|Final|Override", h)
               and not re.search(r"read\s+only", points[i])}
    assert "Points Possible" in points[0]
    return {m[2] if m else header[i]: (float(points[i]), {(r[1], r[2]): r[i] for r in rows})
            for i, m in columns.items()}


def test_canvas_example_export_reads_as_canvas_imports_it():
    """The checker above, on a file as Canvas writes it."""
    imported = canvas_import(read_csv(EXAMPLES / "canvas-gradebook-export.csv"))
    assert imported == {"4321": (10.0, {("1001", "S-1001"): "7.50", ("1003", "S-1003"): ""}),
                        "4320": (4.0, {("1001", "S-1001"): "", ("1003", "S-1003"): "4.00"})}


def test_canvas_export_is_what_canvas_imports(tmp_path):
    root = make_course(tmp_path, SIS_ROSTER)
    grades_before = write_grades(root)
    result = export_grades(root=root, fmt="canvas", roster=roster.load(root),
                           canvas_ids={A: 4321})
    assert result.paths == (root / "export" / "canvas-grades.csv",)
    table = read_csv(result.paths[0])
    example = read_csv(EXAMPLES / "canvas-gradebook-export.csv")
    assert table[0][:5] == example[0][:5]
    assert table[0][5:] == [B, f"{B} late", f"{A} (4321)", f"{A} late"]
    assert table[1] == ["Points Possible", "", "", "", "", "4", "(read only)", "10",
                        "(read only)"]
    assert table[2:] == [
        ["Lovelace, Ada", "1001", "S-1001", "ada", "DL 2026 A", "", "", "7.5",
         "2 h 5 min late, penalty 0"],
        ["Ångström, Zoë", "1002", "", "", "", "", "", "10", ""],
        ["Hopper, Grace", "1003", "S-1003", "grace", "", "4", "", "", ""],
        ["Turing, Alan", "", "", "", "", "", "", "0", ""],
        ["ghost", "", "", "", "", "", "", "2", ""]]
    imported = canvas_import(table)
    assert imported["4321"] == (10.0, {("1001", "S-1001"): "7.5", ("1002", ""): "10",
                                       ("1003", "S-1003"): "", ("", ""): "2"})
    assert set(imported) == {"4321", B}  # B has no Canvas id: it would be a new assignment
    assert any(w.startswith(f"{B} has no Canvas assignment id") for w in result.warnings)
    assert any("ghost" in w and "not in roster.csv" in w for w in result.warnings)
    assert any("alan has no lms_id" in w for w in result.warnings)
    assert (root / grades_csv.FILE_NAME).read_bytes() == grades_before
    assert not (root / "grades.csv").exists()


def test_moodle_export_is_the_assignments_grading_worksheet(tmp_path):
    root = make_course(tmp_path)
    write_grades(root)
    result = export_grades(root=root, fmt="moodle", roster=roster.load(root))
    assert result.paths == (root / "export" / f"moodle-{B}.csv",
                            root / "export" / f"moodle-{A}.csv")
    header, *rows = read_csv(root / "export" / f"moodle-{A}.csv")
    example = read_csv(EXAMPLES / "moodle-grading-worksheet.csv")
    assert header == example[0][:-1] + ["Late"]  # no feedback comments: Moodle's stay
    assert {r[0] for r in example[1:]} == {"Participant 5512", "Participant 5513"}
    table = [dict(zip(header, r, strict=True)) for r in rows]
    assert [(r["Identifier"], r["Email address"], r["Status"], r["Grade"], r["Maximum Grade"],
             r["Late"]) for r in table] == [
        ("Participant 1001", "ada@example.org", "Submitted for grading", "7.5", "10",
         "2 h 5 min late, penalty 0"),
        ("Participant 1002", "zoe@example.org", "Submitted for grading", "10", "10", ""),
        ("Participant 1003", "grace@example.org", "No submission", "", "10", ""),
        ("", "alan@example.org", "No submission", "0", "10", ""),
        ("", "", "Submitted for grading", "2", "10", "")]
    assert all(r["Grade can be changed"] == "Yes" and r["Last modified (grade)"] for r in table)
    assert any("alan has no lms_id" in w for w in result.warnings)
    with pytest.raises(CourseError, match="one assignment"):
        export_grades(root=root, fmt="moodle", roster=roster.load(root), out=tmp_path / "m.csv")


def test_plain_export_is_a_wide_table_with_totals(tmp_path):
    root = make_course(tmp_path)
    write_grades(root)
    result = export_grades(root=root, fmt="csv", roster=roster.load(root))
    header, *rows = read_csv(result.paths[0])
    assert header == ["student_id", "name", "email", "lms_id", B, f"{B} late", A, f"{A} late",
                      "total"]
    assert rows[0] == ["ada", "Ada Lovelace", "ada@example.org", "1001", "", "", "7.5",
                       "2 h 5 min late, penalty 0", "7.5"]
    assert rows[2] == ["grace", "Grace Hopper", "grace@example.org", "1003", "4", "", "", "",
                       "4"]
    assert rows[3] == ["alan", "Alan Turing", "alan@example.org", "", "", "", "0", "", "0"]
    assert [r[0] for r in rows] == ["ada", "zoe", "grace", "alan", "ghost"]


def test_exported_files_get_the_course_folders_group_permissions(tmp_path):
    root = make_course(tmp_path)
    root.chmod(0o750)
    write_grades(root)
    result = export_grades(root=root, fmt="csv", roster=roster.load(root))
    assert stat.S_IMODE(result.paths[0].stat().st_mode) == 0o640
    assert stat.S_IMODE((root / "export").stat().st_mode) == 0o750
    assert stat.S_IMODE((root / grades_csv.FILE_NAME).stat().st_mode) == 0o640


def test_export_refuses_course_files_and_unknown_input(tmp_path):
    root = make_course(tmp_path)
    with pytest.raises(CourseError, match="grade an assignment first"):
        export_grades(root=root, fmt="csv", roster=roster.load(root))
    write_grades(root)
    for name in ("grades.csv", grades_csv.FILE_NAME, roster.FILE_NAME):
        with pytest.raises(CourseError, match="Refusing to write"):
            export_grades(root=root, fmt="canvas", roster=roster.load(root), out=root / name)
    with pytest.raises(CourseError, match="Unknown assignment"):
        export_grades(root=root, fmt="canvas", assignments=["99_nope"], roster=roster.load(root))
    with pytest.raises(CourseError, match="Unknown format"):
        export_grades(root=root, fmt="blackboard", roster=roster.load(root))
    assert not (root / "export").exists()


def test_a_spoofed_name_never_takes_another_students_place(tmp_path):
    """Mallory, who is not on the roster, calls herself Ada Lovelace in the LMS."""
    root = make_course(tmp_path)
    ada_own = notebook("ada collected last week")
    submitted(root, "ada").parent.mkdir(parents=True)
    submitted(root, "ada").write_bytes(ada_own)
    os.utime(submitted(root, "ada"), (datetime(2020, 1, 1).timestamp(),) * 2)
    canvas = make_zip(tmp_path / "canvas.zip", [
        (f"lovelaceada_6666_1_{A}.ipynb", MAY_2, notebook("mallory on canvas"))])
    result = collect(root=root, assignment=A, zip_path=canvas, roster=roster.load(root))
    assert result.collected == [] and "whose LMS id in roster.csv is 1001" in \
        result.unmatched[0].reason
    moodle = make_zip(tmp_path / "moodle.zip", [
        ("Ada Lovelace_555_assignsubmission_file_/mine.ipynb", MAY_2, notebook("mallory")),
        ("Ada Lovelace_777_assignsubmission_file_/ada.ipynb", MAY_1, notebook("ada"))])
    result = collect(root=root, assignment=A, zip_path=moodle, roster=roster.load(root))
    assert result.collected == [] and len(result.unmatched) == 2
    assert all("555, 777 all match ada by name alone" in s.reason for s in result.unmatched)
    alone = make_zip(tmp_path / "alone.zip", [
        ("Ada Lovelace_555_assignsubmission_file_/mine.ipynb", MAY_2, notebook("mallory"))])
    result = collect(root=root, assignment=A, zip_path=alone, roster=roster.load(root))
    assert result.collected == [] and "does not replace" in result.unmatched[0].reason
    assert submitted(root, "ada").read_bytes() == ada_own
    assert not (submitted(root, "ada").parent / ".replaced").exists()
    assert "NOT COLLECTED" in "\n".join(result.lines())


def test_with_participant_ids_in_the_roster_the_right_ada_is_collected(tmp_path):
    root = make_course(tmp_path, ROSTER.replace("ada,Ada Lovelace,1001", "ada,Ada Lovelace,777"))
    entries = [("Ada Lovelace_555_assignsubmission_file_/mine.ipynb", MAY_2, notebook("mallory")),
               ("Ada Lovelace_777_assignsubmission_file_/ada.ipynb", MAY_1, notebook("ada"))]
    result = collect(root=root, assignment=A, zip_path=make_zip(tmp_path / "m.zip", entries),
                     roster=roster.load(root))
    assert [(p.student_id, p.entry) for p in result.collected] == [("ada", entries[1][0])]
    assert submitted(root, "ada").read_bytes() == entries[1][2]
    assert [s.entry for s in result.unmatched] == [entries[0][0]]
    assert "whose own is 777" in result.unmatched[0].reason


def test_links_in_the_zip_or_in_submitted_are_refused(tmp_path):
    root = make_course(tmp_path)
    link = zipfile.ZipInfo(f"lovelaceada_1001_1_{A}.ipynb", MAY_1)
    link.external_attr = (0o120777 << 16)
    with zipfile.ZipFile(tmp_path / "links.zip", "w") as archive:
        archive.writestr(link, "../../../gradebook.db")
        archive.writestr(zipfile.ZipInfo(f"hoppergrace_1003_2_{A}.ipynb", MAY_1),
                         notebook("grace"))
    (tmp_path / "elsewhere").mkdir()
    (root / "submitted").mkdir()
    (root / "submitted" / "grace").symlink_to(tmp_path / "elsewhere")
    result = collect(root=root, assignment=A, zip_path=tmp_path / "links.zip",
                     roster=roster.load(root))
    assert result.collected == []
    assert "not a plain file" in result.ignored[0].reason
    assert "submitted/grace is a symbolic link" in result.unmatched[0].reason
    assert list((tmp_path / "elsewhere").iterdir()) == []
    assert not (root / "submitted" / "ada").exists()
