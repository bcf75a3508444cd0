"""The class report's pages, rendered from its data model (see report_data.py).

An assignment's folder gets index.html, one self-contained page that opens offline (figures
as data: URIs, CSS inline, no script and a policy that lets none run, nothing from the web),
the model as report.json and its tables as CSV files. The course folder gets index.html and
course.csv over every assignment. Everything taken from the model is escaped: student names
and code are untrusted."""

import base64
import html
import json
from pathlib import Path
from urllib.parse import quote

import jinja2
from markupsafe import Markup

from ..grading import csp
from ..course import csv_cells
from . import plots as report_plots

STUDENT_COLUMNS = ["student_id", "name", "score", "max_score", "status", "status_detail",
                   "flags", "seconds", "late"]  # then one column of points per grade cell
CELL_COLUMNS = ["grade_id", "max_points", "pass_rate", "mean_points", "failed"]
MISTAKE_COLUMNS = ["grade_id", "mistake", "count", "share", "students"]
SIMILAR_COLUMNS = ["rank", "a", "b", "score"]
SHOWN_PAIRS = 30  # pairs whose code the page shows side by side (all are in the table)

CSS = """
body { font: 16px/1.5 system-ui, -apple-system, "Segoe UI", "DejaVu Sans", sans-serif;
       color: #1a1a1a; background: #fff; margin: 0; }
main { max-width: 72rem; margin: 0 auto; padding: 1.5rem 2rem 4rem; }
h1 { font-size: 1.9rem; margin-bottom: .2rem; }
h2 { font-size: 1.4rem; margin-top: 2.5rem; border-bottom: 2px solid #0072B2;
     padding-bottom: .2rem; }
h3 { font-size: 1.1rem; margin: 1.5rem 0 .5rem; }
.meta, .hint { color: #4a4a4a; }
nav a { margin-right: 1rem; white-space: nowrap; }
a { color: #0060a0; }
table { border-collapse: collapse; margin: .8rem 0 1.2rem; font-size: .95rem; }
th, td { text-align: left; vertical-align: top; padding: .35rem .7rem;
         border-bottom: 1px solid #d0d0d0; }
th { background: #eef3f8; }
tbody tr:nth-child(even) { background: #f8f8f8; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
tr.attention td:first-child { box-shadow: inset 4px 0 #D55E00; }
.ids { font-size: .85rem; color: #333; }
.detail { display: block; font-size: .85rem; color: #4a4a4a; }
dl.stats { display: flex; flex-wrap: wrap; gap: .6rem; margin: 1rem 0; }
dl.stats div { border: 1px solid #d0d0d0; border-radius: 6px; padding: .4rem .9rem;
               min-width: 6.5rem; }
dl.stats dt { font-size: .85rem; color: #4a4a4a; }
dl.stats dd { margin: 0; font-size: 1.3rem; font-weight: 600; }
img { max-width: 100%; height: auto; display: block; margin: .8rem 0; }
.note { border-left: 5px solid #E69F00; background: #fff8e6; padding: .6rem 1rem;
        margin: 1rem 0; }
.pair { display: grid; grid-template-columns: 1fr 1fr; gap: 1rem; }
.pair figure { margin: 0; min-width: 0; }
.pair figcaption { font-weight: 600; margin-bottom: .3rem; }
pre { background: #f6f6f6; border: 1px solid #d0d0d0; padding: .6rem; overflow: auto;
      max-height: 32rem; font-size: .8rem; line-height: 1.35; margin: 0; }
mark { background: #F0E442; color: #000; }
pre.message { max-height: 12rem; white-space: pre-wrap; }
"""

BASE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
{{ policy }}
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{% block title %}{% endblock %}</title>
<style>{{ css }}</style>
</head>
<body>
<main>
{% block body %}{% endblock %}
</main>
</body>
</html>
"""

MACROS = """{% macro ids(students) %}
<span class="ids">{{ students|join(", ") }}</span>
{%- endmacro %}
{% macro figure(plot, missing) %}
{% if plot %}<img src="{{ plot|data_uri }}" alt="{{ plot.alt }}">
{% else %}<p class="hint">{{ missing }}</p>{% endif %}
{% endmacro %}
"""

ASSIGNMENT = """{% extends "base" %}
{% from "macros" import ids, figure %}
{% block title %}Class report: {{ m.assignment }}{% endblock %}
{% block body %}
<header>
<h1>Class report: {{ m.assignment }}</h1>
<p class="meta">Generated {{ m.generated }}. Maximum score {{ m.max_score|number }}.
Data: <a href="report.json">report.json</a>, <a href="students.csv">students.csv</a>,
<a href="cells.csv">cells.csv</a>, <a href="mistakes.csv">mistakes.csv</a>,
<a href="similar.csv">similar.csv</a>.</p>
<nav><a href="#summary">Summary</a><a href="#statuses">Statuses and flags</a>
<a href="#cells">Grade cells</a><a href="#mistakes">What the class got wrong</a>
<a href="#unexplained">Unexplained failures</a><a href="#failing">Failing cells per student</a>
<a href="#time">Grading time</a>
<a href="#similar">Similar submissions</a><a href="#students">Students</a></nav>
</header>

<section id="summary">
<h2>Summary</h2>
<dl class="stats">
{% for label, value in summary %}<div><dt>{{ label }}</dt><dd>{{ value }}</dd></div>
{% endfor %}
</dl>
{{ figure(plots.scores, "No student has been graded yet.") }}
</section>

<section id="statuses">
<h2>Statuses and flags</h2>
<table id="status-table">
<thead><tr><th>Status</th><th class="num">Students</th><th>Who</th></tr></thead>
<tbody>
{% for row in statuses %}
<tr{% if row.status != "ok" %} class="attention"{% endif %}><td>{{ row.status }}</td>
<td class="num">{{ row.count }}</td><td>{{ ids(row.students) }}</td></tr>
{% endfor %}
</tbody>
</table>
{% if m.flags %}
<p>Flags mark results a person should look at.</p>
<table id="flag-table">
<thead><tr><th>Flag</th><th class="num">Students</th><th>Who</th></tr></thead>
<tbody>
{% for row in m.flags %}
<tr><td>{{ row.flag }}</td><td class="num">{{ row.count }}</td><td>{{ ids(row.students) }}</td>
</tr>
{% endfor %}
</tbody>
</table>
{% else %}<p class="hint">No flags were raised.</p>{% endif %}
</section>

<section id="cells">
<h2>Grade cells</h2>
{% if m.cells %}
<p>Hardest first: the lowest share of graded students passing.</p>
<table id="cell-table">
<thead><tr><th>Grade cell</th><th class="num">Pass rate</th><th class="num">Mean points</th>
<th class="num">Max points</th><th>Failed</th></tr></thead>
<tbody>
{% for cell in m.cells %}
<tr><td>{{ cell.grade_id }}</td><td class="num">{{ cell.pass_rate|percent }}</td>
<td class="num">{{ cell.mean_points|number }}</td><td class="num">{{ cell.max_points|number }}</td>
<td>{{ ids(cell.failed) }}</td></tr>
{% endfor %}
</tbody>
</table>
{% endif %}
{{ figure(plots.cells, "No grade cell has results yet.") }}
{% if m.failures %}
<h3>Common failures</h3>
<table id="failure-table">
<thead><tr><th>Grade cell</th><th class="num">Students failing</th><th class="num">Share</th>
<th>Who</th></tr></thead>
<tbody>
{% for row in m.failures %}
<tr><td>{{ row.grade_id }}</td><td class="num">{{ row.count }}</td>
<td class="num">{{ row.share|percent }}</td><td>{{ ids(row.students) }}</td></tr>
{% endfor %}
</tbody>
</table>
{% endif %}
</section>

<section id="mistakes">
<h2>What the class got wrong</h2>
{% if m.mistakes %}
<p>The catalogued mistakes found in the failed grade cells, most students first: what to
go over again in class. Share is of the graded students.</p>
<table id="mistake-table">
<thead><tr><th>Mistake</th><th>Grade cell</th><th class="num">Students</th>
<th class="num">Share</th><th>Who</th></tr></thead>
<tbody>
{% for row in m.mistakes %}
<tr><td>{{ row.mistake }}</td><td>{{ row.grade_id }}</td><td class="num">{{ row.count }}</td>
<td class="num">{{ row.share|percent }}</td><td>{{ ids(row.students) }}</td></tr>
{% endfor %}
</tbody>
</table>
{{ figure(plots.mistakes, "No figure.") }}
{% else %}<p class="hint">No catalogued mistake was found.</p>{% endif %}
</section>

<section id="unexplained">
<h2>Failures no catalogued mistake explains</h2>
{% if m.unexplained %}
<p>Failed grade cells where none of the catalogued mistakes matched, with each student's
feedback message: read them, and catalogue what they share.</p>
<table id="unexplained-table">
<thead><tr><th>Grade cell</th><th class="num">Students</th><th class="num">Share</th>
<th>Messages</th></tr></thead>
<tbody>
{% for row in m.unexplained %}
<tr><td>{{ row.grade_id }}</td><td class="num">{{ row.count }}</td>
<td class="num">{{ row.share|percent }}</td><td>{% for item in row.messages %}
<span class="detail"><b>{{ item.student_id }}</b>: {{ item.message }}</span>{% endfor %}</td>
</tr>
{% endfor %}
</tbody>
</table>
{% else %}<p class="hint">Every failure matched a catalogued mistake.</p>{% endif %}
</section>

<section id="failing">
<h2>Failing cells per student</h2>
{% set failing = m.students|selectattr("failing")|list %}
{% if failing %}
<table id="failing-table">
<thead><tr><th>Student</th><th>Grade cell</th><th>Feedback message</th>
<th>Likely mistake</th></tr></thead>
<tbody>
{% for s in failing %}{% for cell in s.failing %}
<tr><td>{{ s.student_id }}</td><td>{{ cell.grade_id }}</td>
<td><pre class="message">{{ cell.message }}</pre></td>
<td>{{ cell.mistakes|join("; ") or "none catalogued" }}</td></tr>
{% endfor %}{% endfor %}
</tbody>
</table>
{% else %}<p class="hint">No graded student failed a grade cell.</p>{% endif %}
</section>

<section id="time">
<h2>Grading time</h2>
{% if m.seconds.mean is not none %}
<p>Per submission, running, scoring and feedback (not the time waiting for a free
worker): mean {{ m.seconds.mean|number }} s, median {{ m.seconds.median|number }} s,
longest {{ m.seconds.max|number }} s.</p>
{% endif %}
{{ figure(plots.times, "No grading time was recorded.") }}
</section>

<section id="similar">
<h2>Similar submissions</h2>
<div class="note">Similarity is a hint for a person to look at, never evidence of copying
and never a penalty. Code that much of the class shares, and the starter code, are ignored
before comparing. Pairs scoring at least {{ m.similarity_threshold|number }} are listed,
most similar first; matching code is <mark>highlighted</mark>.</div>
{% if pairs %}
<table id="similar-table">
<thead><tr><th class="num">Rank</th><th>Student</th><th>Student</th>
<th class="num">Similarity</th></tr></thead>
<tbody>
{% for pair in pairs %}
<tr><td class="num">{% if loop.index <= shown -%}
<a href="#pair-{{ loop.index }}">{{ loop.index }}</a>{% else %}{{ loop.index }}{% endif %}</td>
<td>{{ pair.a }}</td><td>{{ pair.b }}</td><td class="num">{{ pair.score|number }}</td></tr>
{% endfor %}
</tbody>
</table>
{% if pairs|length > shown %}<p class="hint">The {{ shown }} most similar pairs are shown side by
side below; all {{ pairs|length }} are in the table and in similar.csv.</p>{% endif %}
{% for pair in pairs[:shown] %}
<h3 id="pair-{{ loop.index }}">{{ loop.index }}. {{ pair.a }} and {{ pair.b }}:
similarity {{ pair.score|number }}</h3>
<div class="pair">
<figure><figcaption>{{ pair.a }}</figcaption><pre><code>{{ pair.a_html }}</code></pre></figure>
<figure><figcaption>{{ pair.b }}</figcaption><pre><code>{{ pair.b_html }}</code></pre></figure>
</div>
{% endfor %}
{% else %}<p class="hint">No pair of submissions reached the threshold.</p>{% endif %}
</section>

<section id="students">
<h2>Students</h2>
<table id="student-table">
<thead><tr><th>Student</th><th>Name</th><th class="num">Score</th><th>Status</th>
<th>Late</th><th>Flags</th></tr></thead>
<tbody>
{% for s in m.students %}
<tr{% if s.status != "ok" %} class="attention"{% endif %}><td>{{ s.student_id }}</td>
<td>{{ s.name }}</td><td class="num">{{ s.score|number }}</td>
<td>{{ s.status }}{% if s.status_detail and s.status_detail != s.status %}
<span class="detail">{{ s.status_detail }}</span>{% endif %}</td>
<td>{{ s.late }}</td><td>{{ s.flags|join("; ") }}</td></tr>
{% endfor %}
</tbody>
</table>
</section>
{% endblock %}
"""

COURSE = """{% extends "base" %}
{% block title %}Course report{% endblock %}
{% block body %}
<header>
<h1>Course report</h1>
<p class="meta">{% if generated %}Generated {{ generated }}. {% endif %}
Data: <a href="course.csv">course.csv</a>.</p>
</header>
{% if not assignments %}<p class="hint">No assignment has any data yet.</p>{% else %}
<section id="assignments">
<h2>Assignments</h2>
<table id="assignment-table">
<thead><tr><th>Assignment</th><th class="num">Graded</th><th class="num">Mean</th>
<th class="num">Median</th><th>Hardest grade cell</th><th>Top mistake</th></tr></thead>
<tbody>
{% for a in assignments %}
<tr><td><a href="{{ a.href }}">{{ a.name }}</a></td>
<td class="num">{{ a.graded }} of {{ a.students }}</td>
<td class="num">{{ a.mean|number }} / {{ a.max_score|number }}</td>
<td class="num">{{ a.median|number }}</td>
<td>{% if a.hardest %}{{ a.hardest.grade_id }}
<span class="detail">{{ a.hardest.pass_rate|percent }} passed</span>{% else %}-{% endif %}</td>
<td>{% if a.mistake %}{{ a.mistake.mistake }}
<span class="detail">{{ a.mistake.grade_id }}: {{ a.mistake.count|students }}</span>
{% else %}-{% endif %}</td></tr>
{% endfor %}
</tbody>
</table>
</section>

<section id="students">
<h2>Students</h2>
<table id="course-student-table">
<thead><tr><th>Student</th><th>Name</th>
{% for a in assignments %}<th class="num">{{ a.name }}</th>{% endfor %}
<th class="num">Total / {{ max_total|number }}</th></tr></thead>
<tbody>
{% for s in students %}
<tr><td>{{ s.student_id }}</td><td>{{ s.name }}</td>
{% for result in s.results %}<td class="num">{{ result.score|number }}
{% if result.status != "ok" %}<span class="detail">{{ result.status }}</span>{% endif %}</td>
{% endfor %}
<td class="num">{{ s.total|number }}</td></tr>
{% endfor %}
</tbody>
</table>
</section>
{% endif %}
{% endblock %}
"""


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


def _environment():
    environment = jinja2.Environment(
        loader=jinja2.DictLoader({"base": BASE, "macros": MACROS, "assignment": ASSIGNMENT,
                                  "course": COURSE}),
        autoescape=True, undefined=jinja2.StrictUndefined, trim_blocks=True,
        lstrip_blocks=True)
    environment.filters.update(number=number, percent=percent, data_uri=data_uri,
                               students=student_count)
    return environment


TEMPLATES = _environment()
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
    """``code`` as escaped HTML with the characters in ``spans`` inside <mark>."""
    parts, at = [], 0
    for start, end in _merged(spans, len(code)):
        parts += [html.escape(code[at:start]), "<mark>", html.escape(code[start:end]), "</mark>"]
        at = end
    parts.append(html.escape(code[at:]))
    return Markup("".join(parts))


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
    return {"scores": report_plots.score_distribution(model),
            "cells": report_plots.cell_pass_rates(model),
            "mistakes": report_plots.common_mistakes(model),
            "times": report_plots.grading_times(model)}


def assignment_html(model):
    """The assignment's report page."""
    return TEMPLATES.get_template("assignment").render(
        css=Markup(CSS), policy=POLICY, m=model, summary=_summary(model), statuses=_statuses(model),
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
    return TEMPLATES.get_template("course").render(
        css=Markup(CSS), policy=POLICY, assignments=_assignment_summaries(models),
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
