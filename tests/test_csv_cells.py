"""Every CSV the course writes escapes cells a spreadsheet would run as formulas, and only
those: numbers, and text that is a plain number, stay numeric."""

import csv

import pytest

from autograder.course import csv_cells
from autograder.grading import grades_csv

FORMULAS = ['=HYPERLINK("http://x","y")', "+1+cmd", "-2+3", "@SUM(A1)", "\t=1", "\r=1"]


@pytest.mark.parametrize("text", FORMULAS)
def test_formula_text_gets_a_leading_apostrophe(text):
    assert csv_cells.cell(text) == "'" + text


@pytest.mark.parametrize("value", ["-1.5", "+2", "-0", "1e-3", "-inf", -3.0, 7, None, "",
                                   "ok", "'=already escaped", "a=b"])
def test_numbers_and_harmless_text_are_unchanged(value):
    assert csv_cells.cell(value) == value


@pytest.mark.parametrize("text", ["- 1", "-1 ", "-1_000", "-1,5"])
def test_text_that_only_looks_numeric_is_escaped(text):
    assert csv_cells.cell(text) == "'" + text


def test_grades_csv_escapes_text_and_keeps_scores_numeric(tmp_path):
    path = tmp_path / grades_csv.FILE_NAME
    row = grades_csv.GradeRow("=cmd", "a1", "-2", "12", '=HYPERLINK("http://x","y")', "")
    grades_csv.merge(path, [row])
    assert grades_csv.read(path) == [row]
    grades_csv.merge(path, [row])  # the same student again replaces the row
    with path.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    assert rows[1:] == [["'=cmd", "a1", "-2", "12", """'=HYPERLINK("http://x","y")""", "", ""]]
