"""The class report's pages render the data model (report/data.py's contract) as it is:
self-contained offline pages whose tables and CSV files hold exactly the model's rows, with
every string from a student escaped; and they open in a real browser with no network."""

import copy
import csv
import json
import re
from html.parser import HTMLParser

import pytest

from autograder.grading import csp
from autograder.report import plots as report_plots
from autograder.report.page import (
    SHOWN_PAIRS,
    STUDENT_COLUMNS,
    assignment_html,
    highlight,
    write_assignment_report,
    write_course_report,
)
from tests.test_site import figures, open_offline
from tests.test_site import browser, screenshots  # noqa: F401 - test_site's fixtures, reused

NAME_ATTACK = "<script>alert('name')</script> & Co"
CODE_ATTACK = 'def softmax(z):\n    return "<script>alert(\'code\')</script>"\n'
GLOBAL_MAX = "subtracting the global max instead of each row's <max> & dividing"
HINGE_MEAN = ("averaging the margins over the classes instead of summing them, so the loss "
              "is C times too small and its gradient with it, for every sample in the batch")


def student(student_id, name, score, status="ok", flags=(), seconds=None, cells=None,
            detail=None, late=""):
    cells = cells or {}
    return {"student_id": student_id, "name": name, "score": score, "status": status,
            "status_detail": detail or status, "late": late, "flags": list(flags),
            "seconds": seconds, "cells": cells,
            "failing": [{"grade_id": g, "message": c["message"], "mistakes": c["mistakes"]}
                        for g, c in cells.items() if not c["passed"]]}


def cell(points, max_points, mistakes=(), message="AssertionError: <wrong> & off"):
    passed = points == max_points
    return {"points": points, "max_points": max_points, "passed": passed,
            "message": "" if passed else message, "mistakes": list(mistakes)}


def class_model():
    """Five students: three ok, one crashed, one without a submission (score None)."""
    def cells(sigmoid, softmax, hinge, softmax_mistakes=(), hinge_mistakes=()):
        return {"test_sigmoid": cell(sigmoid, 2.0), "test_softmax": cell(
            softmax, 3.0, softmax_mistakes), "test_hinge_loss": cell(hinge, 5.0, hinge_mistakes)}

    return {
        "assignment": "02_classification_losses",
        "generated": "2026-11-27T15:00:00+0000",
        "max_score": 10.0,
        "students": [
            student("ada", "Ada Lovelace", 10.0, seconds=4.2, cells=cells(2.0, 3.0, 5.0)),
            student("bob", "", 4.0, flags=["uses the network"], seconds=3.0,
                    cells=cells(2.0, 0.0, 2.0, [GLOBAL_MAX], [HINGE_MEAN])),
            student("carl", NAME_ATTACK, 7.0, seconds=12.0,
                    cells=cells(2.0, 0.0, 5.0, [GLOBAL_MAX])),
            student("dan", "Dan Brown", None, status="no submission"),
            student("eve", "Eve Adams", 5.0, status="crashed", flags=["uses the network"],
                    seconds=30.0, cells=cells(2.0, 3.0, 0.0),
                    detail="crashed: the kernel died in test_hinge_loss",
                    late="1 d 2 h late, penalty 5"),
        ],
        "summary": {"students": 5, "graded": 4, "mean": 6.5, "median": 6.0, "q1": 4.75,
                    "q3": 7.75, "min": 4.0, "max": 10.0},
        "statuses": [{"status": "ok", "count": 3}, {"status": "crashed", "count": 1},
                     {"status": "no submission", "count": 1}],
        "flags": [{"flag": "uses the network", "count": 2, "students": ["bob", "eve"]}],
        "cells": [
            {"grade_id": "test_softmax", "max_points": 3.0, "pass_rate": 0.5,
             "mean_points": 1.5, "failed": ["bob", "carl"]},
            {"grade_id": "test_hinge_loss", "max_points": 5.0, "pass_rate": 0.5,
             "mean_points": 3.0, "failed": ["bob", "eve"]},
            {"grade_id": "test_sigmoid", "max_points": 2.0, "pass_rate": 1.0,
             "mean_points": 2.0, "failed": []}],
        "mistakes": [
            {"grade_id": "test_softmax", "mistake": GLOBAL_MAX, "count": 2, "share": 0.5,
             "students": ["bob", "carl"]},
            {"grade_id": "test_hinge_loss", "mistake": HINGE_MEAN, "count": 1, "share": 0.25,
             "students": ["bob"]}],
        "failures": [
            {"grade_id": "test_hinge_loss", "count": 2, "share": 0.5, "students": ["bob", "eve"]},
            {"grade_id": "test_softmax", "count": 2, "share": 0.5, "students": ["bob", "carl"]}],
        "unexplained": [{"grade_id": "test_hinge_loss", "count": 1, "share": 0.25,
                         "students": ["eve"], "messages": [
                             {"student_id": "eve",
                              "message": "AssertionError: <wrong> & off"}]}],
        "seconds": {"mean": 12.3, "median": 8.1, "max": 30.0},
        "similar": [{"a": "bob", "b": "carl", "score": 0.83,
                     "a_code": CODE_ATTACK, "b_code": "x = 1\n" + CODE_ATTACK,
                     "a_spans": [[0, 15]], "b_spans": [[6, 21], [30, 40]]}],
        "similarity_threshold": 0.5,
    }


def empty_model():
    return {"assignment": "03_activations", "generated": "2026-11-27T15:00:00+0000",
            "max_score": 12.0, "students": [],
            "summary": {"students": 0, "graded": 0, "mean": None, "median": None, "q1": None,
                        "q3": None, "min": None, "max": None},
            "statuses": [], "flags": [], "cells": [], "failures": [], "mistakes": [],
            "unexplained": [],
            "seconds": {"mean": None, "median": None, "max": None}, "similar": [],
            "similarity_threshold": 0.5}


def first_model():
    """Another assignment: ada and a student (frank) the other assignments do not list."""
    model = copy.deepcopy(empty_model())
    model.update(assignment="01_regression_losses", generated="2026-11-20T09:00:00+0000",
                 max_score=8.0, students=[
                     student("ada", "Ada Lovelace", 8.0, seconds=2.0),
                     student("frank", "Frank Hu", 3.5, status="timeout", seconds=60.0)])
    model["summary"].update(students=2, graded=2, mean=5.75, median=5.75, q1=4.625,
                            q3=6.875, min=3.5, max=8.0)
    model["statuses"] = [{"status": "ok", "count": 1}, {"status": "timeout", "count": 1}]
    model["seconds"] = {"mean": 31.0, "median": 31.0, "max": 60.0}
    return model


class Tables(HTMLParser):
    """Each <table id=...>'s body rows as lists of cell texts (whitespace collapsed), the
    src and alt of every <img>, and every href."""

    def __init__(self, page):
        super().__init__()
        self.tables, self.images, self.links = {}, [], []
        self._table = self._row = self._cell = None
        self._in_body = False
        self.feed(page)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "table":
            self._table = self.tables.setdefault(attrs.get("id"), [])
        elif tag == "tbody":
            self._in_body = True
        elif tag == "tr" and self._in_body:
            self._row = []
        elif tag == "td" and self._row is not None:
            self._cell = []
        elif tag == "img":
            self.images.append(attrs)
        elif tag == "a":
            self.links.append(attrs["href"])

    def handle_endtag(self, tag):
        if tag == "td" and self._cell is not None:
            self._row.append(" ".join(" ".join(self._cell).split()))
            self._cell = None
        elif tag == "tr" and self._row is not None:
            self._table.append(self._row)
            self._row = None
        elif tag == "tbody":
            self._in_body = False

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)


def read_csv(path):
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.reader(handle))


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    """The course report of the class, an empty assignment and another one, as written."""
    root = tmp_path_factory.mktemp("report")
    models = [first_model(), class_model(), empty_model()]
    for model in models:
        write_assignment_report(model, root / model["assignment"])
    write_course_report(models, root)
    return root


def page_of(report, assignment):
    return (report / assignment / "index.html").read_text(encoding="utf-8")


def test_an_assignment_gets_its_page_model_and_csv_files(report):
    folder = report / "02_classification_losses"
    assert sorted(p.name for p in folder.iterdir()) == [
        "cells.csv", "index.html", "mistakes.csv", "report.json", "similar.csv",
        "students.csv"]
    assert json.loads((folder / "report.json").read_text(encoding="utf-8")) == class_model()


@pytest.mark.parametrize("page", ["02_classification_losses/index.html",
                                  "03_activations/index.html", "index.html"])
def test_pages_are_self_contained(report, page):
    html = (report / page).read_text(encoding="utf-8")
    parsed = Tables(html)
    without_figures = re.sub(r"data:image/png;base64,[A-Za-z0-9+/=]+", "", html)
    policy = f'<meta http-equiv="Content-Security-Policy" content="{csp.policy()}">'
    assert without_figures.count(policy) == 1, "no script may run on the page"
    without_figures = without_figures.replace(policy, "")
    assert "http" not in without_figures and "//" not in without_figures
    assert not re.search(r"<(script|link|iframe|object|embed)\b", html, re.IGNORECASE)
    sources = re.findall(r"""\bsrc\s*=\s*["']?([^"'\s>]*)""", html, re.IGNORECASE)
    assert all(src.startswith("data:image/png;base64,") for src in sources), sources
    assert len(sources) == len(parsed.images)
    assert all(image["alt"].strip() for image in parsed.images)
    assert all(re.fullmatch(r"#[\w-]+|[\w.-]+\.(json|csv)|[\w%.-]+/index\.html", link)
               for link in parsed.links), parsed.links


def test_the_assignment_page_shows_the_model(report):
    model, page = class_model(), page_of(report, "02_classification_losses")
    tables = Tables(page).tables
    assert tables["status-table"] == [
        ["ok", "3", "ada, bob, carl"], ["crashed", "1", "eve"], ["no submission", "1", "dan"]]
    assert tables["flag-table"] == [["uses the network", "2", "bob, eve"]]
    assert tables["cell-table"] == [
        ["test_softmax", "50%", "1.5", "3", "bob, carl"],
        ["test_hinge_loss", "50%", "3", "5", "bob, eve"],
        ["test_sigmoid", "100%", "2", "2", ""]]
    assert tables["mistake-table"] == [[m["mistake"], m["grade_id"], str(m["count"]),
                                        f"{m['share']:.0%}", ", ".join(m["students"])]
                                       for m in model["mistakes"]]
    assert tables["unexplained-table"] == [
        ["test_hinge_loss", "1", "25%", "eve : AssertionError: <wrong> & off"]]
    assert tables["failure-table"] == [["test_hinge_loss", "2", "50%", "bob, eve"],
                                       ["test_softmax", "2", "50%", "bob, carl"]]
    assert tables["failing-table"] == [
        ["bob", "test_softmax", "AssertionError: <wrong> & off", GLOBAL_MAX],
        ["bob", "test_hinge_loss", "AssertionError: <wrong> & off", HINGE_MEAN],
        ["carl", "test_softmax", "AssertionError: <wrong> & off", GLOBAL_MAX],
        ["eve", "test_hinge_loss", "AssertionError: <wrong> & off", "none catalogued"]]
    assert tables["similar-table"] == [["1", "bob", "carl", "0.83"]]
    assert tables["student-table"] == [
        ["ada", "Ada Lovelace", "10", "ok", "", ""],
        ["bob", "", "4", "ok", "", "uses the network"],
        ["carl", NAME_ATTACK, "7", "ok", "", ""],
        ["dan", "Dan Brown", "-", "no submission", "", ""],
        ["eve", "Eve Adams", "5", "crashed crashed: the kernel died in test_hinge_loss",
         "1 d 2 h late, penalty 5", "uses the network"]]
    for shown in ("Generated 2026-11-27T15:00:00+0000", "<dt>Graded</dt><dd>4</dd>",
                  "<dt>Mean</dt><dd>6.5 / 10</dd>", "<dt>Quartiles</dt><dd>4.75 to 7.75</dd>",
                  "mean 12.3 s, median 8.1 s,\nlongest 30 s", "not the time waiting",
                  "never evidence of copying",
                  "and the starter code, are ignored"):
        assert shown in page
    assert len(Tables(page).images) == 4


def test_student_text_is_escaped(report):
    page = page_of(report, "02_classification_losses")
    assert "<script" not in page.lower()
    assert "&lt;script&gt;alert(&#39;name&#39;)&lt;/script&gt; &amp; Co" in page  # jinja's
    assert "&lt;script&gt;alert(&#x27;code&#x27;)&lt;/script&gt;" in page  # html.escape's
    assert "each row&#39;s &lt;max&gt; &amp; dividing" in page
    course = (report / "index.html").read_text(encoding="utf-8")
    assert "<script" not in course.lower() and "&lt;script&gt;" in course


def test_similar_code_is_shown_side_by_side_with_its_matches_marked(report):
    page = page_of(report, "02_classification_losses")
    a = highlight(CODE_ATTACK, [[0, 15]])
    b = highlight("x = 1\n" + CODE_ATTACK, [[6, 21], [30, 40]])
    assert f"<pre><code>{a}</code></pre>" in page and f"<pre><code>{b}</code></pre>" in page
    assert a.startswith("<mark>def softmax(z):</mark>\n")
    assert b.startswith("x = 1\n<mark>def softmax(z):</mark>\n    retu<mark>rn &quot;&lt;scrip"
                        "</mark>t&gt;alert(")  # marks the characters, escapes each part


@pytest.mark.parametrize(("spans", "expected"), [
    ([], "a&lt;b&gt;c"),
    ([[1, 3], [2, 4]], "a<mark>&lt;b&gt;</mark>c"),  # overlapping spans join
    ([[3, 4], [1, 3]], "a<mark>&lt;b&gt;</mark>c"),  # touching spans join, in any order
    ([[-2, 1], [4, 99], [7, 9], [2, 2]], "<mark>a</mark>&lt;b&gt;<mark>c</mark>"),  # clipped
])
def test_highlight_marks_the_spans_and_escapes_everything(spans, expected):
    assert highlight("a<b>c", spans) == expected


def test_csv_files_hold_the_tables(report):
    folder, model = report / "02_classification_losses", class_model()
    students = read_csv(folder / "students.csv")
    assert students[0] == STUDENT_COLUMNS + ["test_softmax", "test_hinge_loss", "test_sigmoid"]
    assert students[1:] == [
        ["ada", "Ada Lovelace", "10", "10", "ok", "ok", "", "4.2", "", "3", "5", "2"],
        ["bob", "", "4", "10", "ok", "ok", "uses the network", "3", "", "0", "2", "2"],
        ["carl", NAME_ATTACK, "7", "10", "ok", "ok", "", "12", "", "0", "5", "2"],
        ["dan", "Dan Brown", "", "10", "no submission", "no submission", "", "", "", "", "",
         ""],
        ["eve", "Eve Adams", "5", "10", "crashed",
         "crashed: the kernel died in test_hinge_loss", "uses the network", "30",
         "1 d 2 h late, penalty 5", "3", "0", "2"]]
    assert read_csv(folder / "cells.csv") == [
        ["grade_id", "max_points", "pass_rate", "mean_points", "failed"],
        ["test_softmax", "3", "0.5", "1.5", "bob carl"],
        ["test_hinge_loss", "5", "0.5", "3", "bob eve"],
        ["test_sigmoid", "2", "1", "2", ""]]
    assert read_csv(folder / "mistakes.csv") == [
        ["grade_id", "mistake", "count", "share", "students"],
        ["test_softmax", GLOBAL_MAX, "2", "0.5", "bob carl"],
        ["test_hinge_loss", HINGE_MEAN, "1", "0.25", "bob"]]
    assert read_csv(folder / "similar.csv") == [["rank", "a", "b", "score"],
                                                ["1", "bob", "carl", "0.83"]]
    assert "softmax" not in (folder / "similar.csv").read_text()  # no code
    assert len(students) - 1 == len(model["students"])


def test_an_empty_class_gets_a_page_without_figures(report):
    folder = report / "03_activations"
    page = (folder / "index.html").read_text(encoding="utf-8")
    parsed = Tables(page)
    assert parsed.images == []
    assert parsed.tables["status-table"] == [] and parsed.tables["student-table"] == []
    for hint in ("No student has been graded yet.", "No catalogued mistake was found.",
                 "No grading time was recorded.", "No pair of submissions reached"):
        assert hint in page
    assert read_csv(folder / "students.csv") == [STUDENT_COLUMNS]
    assert read_csv(folder / "mistakes.csv") == [
        ["grade_id", "mistake", "count", "share", "students"]]
    assert json.loads((folder / "report.json").read_text()) == empty_model()


def test_the_course_page_lists_every_student_and_assignment(report):
    parsed = Tables((report / "index.html").read_text(encoding="utf-8"))
    assert parsed.tables["assignment-table"] == [
        ["01_regression_losses", "2 of 2", "5.75 / 8", "5.75", "-", "-"],
        ["02_classification_losses", "4 of 5", "6.5 / 10", "6", "test_softmax 50% passed",
         f"{GLOBAL_MAX} test_softmax: 2 students"],
        ["03_activations", "0 of 0", "- / 12", "-", "-", "-"]]
    assert [f"{a}/index.html" for a in ("01_regression_losses", "02_classification_losses",
                                        "03_activations")] == parsed.links[1:]
    assert parsed.tables["course-student-table"] == [
        ["ada", "Ada Lovelace", "8", "10", "- no data", "18"],
        ["bob", "", "- no data", "4", "- no data", "4"],
        ["carl", NAME_ATTACK, "- no data", "7", "- no data", "7"],
        ["dan", "Dan Brown", "- no data", "- no submission", "- no data", "-"],
        ["eve", "Eve Adams", "- no data", "5 crashed", "- no data", "5"],
        ["frank", "Frank Hu", "3.5 timeout", "- no data", "- no data", "3.5"]]
    rows = read_csv(report / "course.csv")
    assert rows[0] == ["student_id", "name", "01_regression_losses score",
                       "01_regression_losses status", "02_classification_losses score",
                       "02_classification_losses status", "03_activations score",
                       "03_activations status", "total"]
    assert rows[1] == ["ada", "Ada Lovelace", "8", "ok", "10", "ok", "", "no data", "18"]
    assert rows[4] == ["dan", "Dan Brown", "", "no data", "", "no submission", "", "no data",
                       ""]
    assert [row[0] for row in rows[1:]] == ["ada", "bob", "carl", "dan", "eve", "frank"]


def test_a_course_without_data_says_so(tmp_path):
    page = write_course_report([], tmp_path).read_text(encoding="utf-8")
    assert "No assignment has any data yet." in page
    assert read_csv(tmp_path / "course.csv") == [["student_id", "name", "total"]]


@pytest.mark.parametrize("draw", [report_plots.score_distribution, report_plots.cell_pass_rates,
                                  report_plots.common_mistakes, report_plots.grading_times])
def test_each_figure_is_a_png_with_alt_text_or_none_without_data(draw):
    plot = draw(class_model())
    assert plot.png.startswith(b"\x89PNG\r\n\x1a\n")
    width = int.from_bytes(plot.png[16:20], "big")  # the IHDR chunk's width
    assert width == report_plots.WIDTH * report_plots.DPI
    assert len(plot.alt) > 40
    assert draw(empty_model()) is None


def test_figure_alt_texts_give_the_numbers():
    model = class_model()
    assert "mean 6.5, median 6, quartiles 4.75 and 7.75, lowest 4, highest 10" in (
        report_plots.score_distribution(model).alt)
    assert "test_softmax 50%; test_hinge_loss 50%; test_sigmoid 100%" in (
        report_plots.cell_pass_rates(model).alt)
    assert f"{GLOBAL_MAX} in test_softmax: 2 students" in report_plots.common_mistakes(model).alt
    assert "4 submissions: mean 12.3 s, median 8.1 s, longest 30 s" in (
        report_plots.grading_times(model).alt)


def test_the_report_renders_offline_in_a_browser(report, browser, screenshots):  # noqa: F811
    page, problems = open_offline(browser, (report / "02_classification_losses" /
                                            "index.html").as_uri())
    images = figures(page)
    assert len(images) == 4 and all(width > 0 for _, width in images), images
    assert page.locator("#mistake-table").is_visible()
    assert page.locator("#mistake-table tbody tr").count() == 2
    shot = screenshots(page, "report-02_classification_losses")
    assert problems == {"blocked": [], "failed": []}
    page.close()

    page, problems = open_offline(browser, (report / "index.html").as_uri())
    assert page.locator("#course-student-table tbody tr").count() == 6
    screenshots(page, "report-course")
    page.click("text=02_classification_losses")
    assert page.url.endswith("/02_classification_losses/index.html")
    assert problems == {"blocked": [], "failed": []}
    page.close()
    print(f"screenshots in {shot.parent}")


def test_only_the_most_similar_pairs_show_their_code(tmp_path):
    model = class_model()
    pair = model["similar"][0]
    model["similar"] = [{**pair, "a": f"s{i}", "score": 0.9 - i / 1000}
                        for i in range(SHOWN_PAIRS + 3)]
    page = assignment_html(model)
    assert page.count('<div class="pair">') == SHOWN_PAIRS
    assert f"all {SHOWN_PAIRS + 3} are in the table" in page
    assert f'href="#pair-{SHOWN_PAIRS}"' in page and f'href="#pair-{SHOWN_PAIRS + 1}"' not in page
