"""The class report's pages, rendered from its data model (see data.py).

An assignment's folder gets index.html, one self-contained page that opens offline (figures
as data: URIs, CSS inline, no script and a policy that lets none run, nothing from the web),
the model as report.json and its tables as CSV files. The course folder gets index.html and
course.csv over every assignment. The HTML is in templates/ (Jinja2, autoescaped): everything
taken from the model is escaped, as student names and code are untrusted."""

import base64
import html
import json
from pathlib import Path
from urllib.parse import quote

from markupsafe import Markup

from ..grading import csp, pages
from ..course import csv_cells
from . import plots

STUDENT_COLUMNS = ["student_id", "name", "score", "max_score", "status", "status_detail",
                   "flags", "seconds", "late"]  # then one column of points per grade cell
CELL_COLUMNS = ["grade_id", "max_points", "pass_rate", "mean_points", "failed"]
MISTAKE_COLUMNS = ["grade_id", "mistake", "count", "share", "students"]
SIMILAR_COLUMNS = ["rank", "a", "b", "score"]
SHOWN_PAIRS = 30  # pairs whose code the page shows side by side (all are in the table)
TEMPLATE_FOLDER = Path(__file__).parent / "templates"


def number(value):
    """A number for people: at most two decimals, no trailing zeros; "-" for None."""
    return "-" if value is None else f"{value:.2f}".rstrip("0").rstrip(".")


def student_count(count):
    """"1 student", "3 students"."""
    return f"{count} student{'' if count == 1 else 's'}"


def percent(share):
    return "-" if share is None else f"{share:.0%}"


def data_uri(plot):
    return "data:image/png;base64," + base64.b64encode(plot.png).decode("ascii")


def html_escape(text):
    """``text`` escaped as the standard library escapes it (quotes as &quot; and &#x27;)."""
    return Markup(html.escape(text))


TEMPLATES = pages.environment(TEMPLATE_FOLDER, number=number, percent=percent,
                              data_uri=data_uri, students=student_count, html_escape=html_escape)
CSS = Markup((TEMPLATE_FOLDER / "report.css").read_text(encoding="utf-8"))
POLICY = Markup(csp.meta())  # the pages have no script: the policy allows none


def _merged(spans, length):
    """``spans`` ([start, end) character offsets) clipped to ``length``, sorted, and with
    overlapping or touching spans joined."""
    merged = []
    for start, end in sorted((max(0, s), min(length, e)) for s, e in spans):
        if start >= end:
            continue
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    return merged


def highlight(code, spans):
    """``code`` as escaped HTML with the characters in ``spans`` marked."""
    pieces, at = [], 0
    for start, end in _merged(spans, len(code)):
        pieces += [(code[at:start], False), (code[start:end], True)]
        at = end
    pieces.append((code[at:], False))
    return Markup(TEMPLATES.get_template("highlight.html.j2").render(pieces=pieces))


def _summary(model):
    """(label, value) of the summary's numbers, as the page shows them."""
    s, out_of = model["summary"], f" / {number(model['max_score'])}"
    return [("Students", str(s["students"])), ("Graded", str(s["graded"])),
            ("Mean", number(s["mean"]) + out_of), ("Median", number(s["median"]) + out_of),
            ("Quartiles", f"{number(s['q1'])} to {number(s['q3'])}"),
            ("Lowest", number(s["min"])), ("Highest", number(s["max"]))]


def _statuses(model):
    """The model's statuses, each with the students who have it."""
    return [{**row, "students": [s["student_id"] for s in model["students"]
                                 if s["status"] == row["status"]]}
            for row in model["statuses"]]


def _pairs(model):
    """The similar pairs, the first SHOWN_PAIRS with their code as highlighted HTML."""
    return [{**pair, "a_html": highlight(pair["a_code"], pair["a_spans"]),
             "b_html": highlight(pair["b_code"], pair["b_spans"])} if rank < SHOWN_PAIRS
            else pair for rank, pair in enumerate(model["similar"])]


def _plots(model):
    return {"scores": plots.score_distribution(model),
            "cells": plots.cell_pass_rates(model),
            "mistakes": plots.common_mistakes(model),
            "times": plots.grading_times(model)}


def assignment_html(model):
    """The assignment's report page."""
    return TEMPLATES.get_template("assignment.html.j2").render(
        css=CSS, policy=POLICY, m=model, summary=_summary(model), statuses=_statuses(model),
        pairs=_pairs(model), shown=SHOWN_PAIRS, plots=_plots(model))


def _csv_value(value):
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:g}"
    if isinstance(value, list):
        return " ".join(map(str, value))
    return value


def _write_csv(path, columns, rows):
    """Write ``rows`` (lists in the order of ``columns``) as CSV."""
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv_cells.writer(handle)
        writer.writerow(columns)
        writer.writerows([_csv_value(v) for v in row] for row in rows)


def _student_rows(model):
    grade_ids = [c["grade_id"] for c in model["cells"]]
    rows = [[s["student_id"], s["name"], s["score"], model["max_score"], s["status"],
             s["status_detail"], "; ".join(s["flags"]), s["seconds"], s["late"]]
            + [s["cells"].get(g, {}).get("points") for g in grade_ids]
            for s in model["students"]]
    return STUDENT_COLUMNS + grade_ids, rows


def write_assignment_csvs(model, folder):
    """students.csv, cells.csv, mistakes.csv and similar.csv (without the code)."""
    _write_csv(folder / "students.csv", *_student_rows(model))
    _write_csv(folder / "cells.csv", CELL_COLUMNS,
               [[c[k] for k in CELL_COLUMNS] for c in model["cells"]])
    _write_csv(folder / "mistakes.csv", MISTAKE_COLUMNS,
               [[m[k] for k in MISTAKE_COLUMNS] for m in model["mistakes"]])
    _write_csv(folder / "similar.csv", SIMILAR_COLUMNS,
               [[rank, p["a"], p["b"], p["score"]]
                for rank, p in enumerate(model["similar"], start=1)])


def write_assignment_report(model, folder):
    """Write the assignment's index.html, report.json and CSV files into ``folder``;
    return the page's path."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "report.json").write_text(json.dumps(model, indent=2) + "\n", encoding="utf-8")
    write_assignment_csvs(model, folder)
    page = folder / "index.html"
    page.write_text(assignment_html(model), encoding="utf-8")
    return page


def _assignment_summaries(models):
    """One row per assignment for the course page, linking to its report."""
    return [{"name": m["assignment"], "href": f"{quote(m['assignment'])}/index.html",
             "students": m["summary"]["students"], "graded": m["summary"]["graded"],
             "mean": m["summary"]["mean"], "median": m["summary"]["median"],
             "max_score": m["max_score"], "hardest": (m["cells"] or [None])[0],
             "mistake": (m["mistakes"] or [None])[0]} for m in models]


def course_students(models):
    """Every student of any assignment, by id: name, per assignment {score, status}
    ("no data" where the assignment does not list them) and the total of their scores."""
    names, results = {}, {}
    for index, model in enumerate(models):
        for s in model["students"]:
            names[s["student_id"]] = names.get(s["student_id"]) or s["name"]
            results.setdefault(s["student_id"], {})[index] = {"score": s["score"],
                                                             "status": s["status"]}
    absent = {"score": None, "status": "no data"}
    rows = []
    for student_id in sorted(names):
        row = [results[student_id].get(index, absent) for index in range(len(models))]
        scores = [r["score"] for r in row if r["score"] is not None]
        rows.append({"student_id": student_id, "name": names[student_id], "results": row,
                     "total": sum(scores) if scores else None})
    return rows


def course_html(models):
    """The course page over ``models`` (one per assignment, in order)."""
    return TEMPLATES.get_template("course.html.j2").render(
        css=CSS, policy=POLICY, assignments=_assignment_summaries(models),
        students=course_students(models),
        max_total=sum(m["max_score"] for m in models),
        generated=max((m["generated"] for m in models), default=""))


def _course_csv(path, models):
    columns = ["student_id", "name"]
    for model in models:
        columns += [f"{model['assignment']} score", f"{model['assignment']} status"]
    rows = [[s["student_id"], s["name"],
             *[v for r in s["results"] for v in (r["score"], r["status"])], s["total"]]
            for s in course_students(models)]
    _write_csv(path, [*columns, "total"], rows)


def write_course_report(models, folder):
    """Write the course page (index.html) and course.csv into ``folder``; the assignments'
    own reports are expected in ``folder/<assignment>/``. Return the page's path."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    _course_csv(folder / "course.csv", models)
    page = folder / "index.html"
    page.write_text(course_html(models), encoding="utf-8")
    return page
