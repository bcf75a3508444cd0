"""What the trusted side renders of a student's work is inert, bounded and never stalls:
HTML sanitized, outputs capped with a visible note, the page's policy lets only the
course's own scripts run, and a feedback page that cannot be rendered in time becomes a
plain page with the scores."""

import os
import sys

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_notebook, new_output

from autograder.grading import csp
from autograder.grading.feedback import offline_math
from autograder.grading.feedback_outputs import CapOutputs
from autograder.grading.feedback_plain import plain_page
from autograder.grading.feedback_worker import FeedbackWorker
from autograder.grading.inert_html import clean
from tests.browser import chromium

SCRIPT = "document.title = 'pwned'; window.__pwned = true;"


@pytest.mark.parametrize("html", [
    f"<script>{SCRIPT}</script>", f'<img src="x" onerror="{SCRIPT}">',
    f'<a href="javascript:{SCRIPT}">x</a>', f'<svg onload="{SCRIPT}"></svg>',
    f'<iframe srcdoc="<script>{SCRIPT}</script>"></iframe>',
    f'<div style="background:url(javascript:x)" onclick="{SCRIPT}">x</div>'])
def test_sanitizing_leaves_nothing_that_runs(html):
    cleaned = clean(html)
    assert "pwned" not in cleaned and "javascript" not in cleaned, cleaned


def test_sanitizing_keeps_formatting_math_and_embedded_images():
    html = ('<h2 id="t">T</h2><p class="x"><b>$x^2$</b> \\(y\\)</p>'
            '<img src="data:image/png;base64,AAAA" alt="f"><table><tr><td>1</td></tr></table>')
    assert clean(html) == html.replace("<tr>", "<tbody><tr>").replace(
        "</table>", "</tbody></table>")


def _cell(*outputs):
    return new_code_cell("x", outputs=list(outputs))


def test_outputs_over_a_cells_cap_are_cut_with_a_note():
    small = new_output("stream", name="stdout", text="ok\n")
    nb = new_notebook(cells=[_cell(small),
                             _cell(new_output("stream", name="stdout", text="a" * 3000),
                                   new_output("display_data", data={"text/html": "<b>b</b>"}))])
    nb, _ = CapOutputs(cell_output_kb=2, notebook_output_kb=100).preprocess(nb, {})
    assert nb.cells[0].outputs == [small]
    cut = nb.cells[1].outputs
    assert [o.output_type for o in cut] == ["stream", "stream"]
    assert cut[0].text == "a" * 2048
    assert cut[1].name == "stderr" and "output of this cell is over 2 KiB" in cut[1].text
    nbformat.validate(nb)


def test_outputs_over_the_notebooks_cap_are_cut_with_a_note():
    page = new_output("display_data", data={"text/plain": "p" * 1500})
    nb = new_notebook(cells=[_cell(page), _cell(page), _cell(page)])
    nb, _ = CapOutputs(cell_output_kb=2, notebook_output_kb=3).preprocess(nb, {})
    assert nb.cells[0].outputs == [page] and nb.cells[1].outputs == [page]
    assert "output of the notebook is over 3 KiB" in nb.cells[2].outputs[-1].text


def test_offline_math_reads_only_the_pages_head(tmp_path):
    """A student's output that imitates nbconvert's MathJax block is left alone."""
    imitation = ("<!-- Load mathjax --><script src='x'></script>"
                 "<!-- End of mathjax configuration -->" + "$ \\( " * 50000)
    html = f"<html><head><title>t</title></head><body>{imitation}</body></html>"
    assert offline_math(html, tmp_path) == html
    assert not (tmp_path / "mathjax").exists()


def test_the_policy_lets_only_the_pages_own_scripts_run(tmp_path):
    own = "window.__own = true;"
    page = tmp_path / "page.html"
    page.write_text(csp.protect(
        f"<html><head><title>t</title><script>{own}</script></head><body>"
        f"<script>{SCRIPT}</script><img src='missing.png' onerror=\"{SCRIPT}\">"
        "</body></html>", [csp.script_hash(own)]))
    with chromium() as browser:
        tab = browser.new_page()
        tab.goto(page.as_uri(), wait_until="load")
        assert tab.evaluate("() => [document.title, typeof window.__pwned, window.__own]") == [
            "t", "undefined", True]


def test_a_worker_that_cannot_finish_in_time_is_reported_and_stopped(tmp_path):
    worker = FeedbackWorker(tmp_path, seconds=0.05)  # far less than importing nbgrader takes
    problem = worker.render("a1", "ada")
    assert problem == "the feedback page did not start within 0.05 s"
    assert worker.process is None


def test_a_worker_over_its_memory_limit_is_reported(tmp_path):
    worker = FeedbackWorker(tmp_path, memory_mb=16, seconds=60)
    assert worker.render("a1", "ada") == (
        "the feedback renderer stopped (out of its 16 MiB, or it crashed)")


def test_a_page_that_fails_to_render_says_why(tmp_path):
    (tmp_path / "nbgrader_config.py").write_text("c = get_config()\n")
    worker = FeedbackWorker(tmp_path, seconds=120)
    try:
        problem = worker.render("a1", "ada")  # no autograded notebook to render
        assert problem.startswith("FileNotFoundError"), problem
        assert worker.process is not None, "the worker stays for the next page"
    finally:
        worker.stop()


@pytest.mark.filterwarnings("ignore:Object of type <Submitted")
@pytest.mark.filterwarnings("ignore:Object of type <SubmittedNotebook")
def test_the_plain_page_gives_each_cells_score_and_says_why(tmp_path, monkeypatch):
    from nbgrader.api import Gradebook

    monkeypatch.setenv("PATH", os.path.dirname(sys.executable) + os.pathsep
                       + os.environ["PATH"])  # nbgrader runs alembic
    url = f"sqlite:///{tmp_path / 'gradebook.db'}"
    with Gradebook(url) as gradebook:
        gradebook.add_assignment("a1")
        gradebook.add_notebook("a1", "a1")
        gradebook.add_grade_cell("test_<f>", "a1", "a1", max_score=3, cell_type="code")
        gradebook.add_student("ada")
        gradebook.add_submission("a1", "ada")
        gradebook.find_grade("test_<f>", "a1", "a1", "ada").auto_score = 2
        gradebook.db.commit()
    html = plain_page(url, "a1", "ada")
    assert "<td>test_&lt;f&gt;</td><td>2 / 3</td>" in html
    assert "(Score: 2 / 3)" in html and "could not be rendered" in html
    assert "script-src 'none'" in html
