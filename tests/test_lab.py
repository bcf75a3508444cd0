"""`make lab` serves the course with nbgrader's extension, and a student can work through a
notebook in a real browser: run it, see a test fail, write an answer, see the test pass."""

import os
import re
import shutil
import signal
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest

from tests.browser import chromium, scaled
from tests.course_copy import ROOT

pytestmark = pytest.mark.slow
# How long to wait for JupyterLab, a kernel or a figure on a quiet machine, stretched by the
# load when waiting (tests/browser.py's scaled): the rest of the suite may be grading a class
# on the same two cores (a wait on a condition, never a speed assertion).
LOAD = 180_000
TOKEN = "course-test-token"
ASSIGNMENT = "01_regression_losses"


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(url):
    with urllib.request.urlopen(url, timeout=10) as response:
        return response.status, response.read().decode()


def _serve(command, cwd, port, log):
    """Start a server process group (output to ``log``) and wait until Jupyter answers.
    Its workspace lives beside the log: a layout saved by an earlier test (a notebook that
    no longer exists, restored hidden in front of this one) never reaches this test."""
    environment = {**os.environ, "JUPYTERLAB_WORKSPACES_DIR": str(Path(log).parent / "workspaces")}
    with open(log, "wb") as output:
        process = subprocess.Popen(command, cwd=cwd, start_new_session=True, env=environment,
                                   stdout=output, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            if _get(f"{base}/api/status?token={TOKEN}")[0] == 200:
                return process, base
        except OSError:
            time.sleep(0.5)
    os.killpg(process.pid, signal.SIGTERM)
    raise AssertionError(f"JupyterLab did not answer within 120 s:\n{Path(log).read_text()}")


def _stop(process):
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)


def test_make_lab_serves_the_course_with_the_nbgrader_extension(tmp_path):
    port = _free_port()
    process, base = _serve(["make", "--no-print-directory", "lab", f"PORT={port}", "NO_BROWSER=1",
                            f"LAB_ARGS=--IdentityProvider.token={TOKEN}"], ROOT, port,
                           tmp_path / "lab.log")
    try:
        status, body = _get(f"{base}/lab/api/extensions?token={TOKEN}")
        assert status == 200 and "nbgrader" in body
        for stage in ("source", "release", "solutions"):
            path = f"{stage}/{ASSIGNMENT}/{ASSIGNMENT}.ipynb"
            assert _get(f"{base}/api/contents/{path}?content=0&token={TOKEN}")[0] == 200
    finally:
        _stop(process)


@pytest.fixture
def lab(tmp_path):
    """Start JupyterLab on a folder; yields a function (folder, notebook) -> its page URL."""
    processes = []

    def open_lab(folder, notebook):
        port = _free_port()
        process, base = _serve([str(ROOT / ".venv" / "bin" / "jupyter"), "lab",
                                f"--port={port}", "--no-browser", "--allow-root",
                                f"--IdentityProvider.token={TOKEN}", f"--notebook-dir={folder}"],
                               folder, port, tmp_path / "lab.log")
        processes.append(process)
        return f"{base}/lab/tree/{notebook}?token={TOKEN}"

    yield open_lab
    for process in processes:
        _stop(process)


@pytest.fixture
def browser_page():
    """A Playwright page in Debian's Chromium."""
    with chromium() as browser:
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        page.set_default_timeout(scaled(LOAD))
        yield page


def _wait_for_kernel(page):
    from playwright.sync_api import expect

    expect(page.locator(".jp-NotebookPanel .jp-Cell").first).to_be_visible(timeout=scaled(LOAD))
    expect(page.locator(".jp-StatusBar-TextItem", has_text="Idle").first).to_be_visible(
        timeout=scaled(LOAD))


def test_a_student_runs_fails_answers_and_passes(lab, browser_page, tmp_path):
    from playwright.sync_api import expect

    shutil.copytree(ROOT / "release" / ASSIGNMENT, tmp_path / ASSIGNMENT)
    page = browser_page
    page.goto(lab(tmp_path, f"{ASSIGNMENT}/{ASSIGNMENT}.ipynb"))
    _wait_for_kernel(page)
    notebook = page.locator(".jp-NotebookPanel")
    expect(page.locator(".lm-MenuBar-itemLabel", has_text="Nbgrader")).to_be_visible()
    expect(notebook.locator(".jp-ToolbarButtonComponent-label", has_text="Validate"))\
        .to_be_visible()

    def run_cell(cell):
        """Shift+Enter in the cell, then wait until it has an execution number."""
        cell.locator(".jp-InputArea-editor").click()
        page.keyboard.press("Shift+Enter")
        expect(cell.locator(".jp-InputPrompt")).to_have_text(re.compile(r"\[\d+\]"),
                                                              timeout=scaled(LOAD))

    cells = notebook.locator(".jp-Cell")
    solution = cells.filter(has_text="def l2_loss(")
    tests = cells.filter(has_text="l2_loss: all visible tests passed")
    # Run the imports and the untouched answer and its test: NotImplementedError.
    for cell in (cells.filter(has_text="import numpy as np").first, solution, tests):
        run_cell(cell)
    expect(tests.locator(".jp-OutputArea")).to_contain_text("NotImplementedError",
                                                            timeout=scaled(LOAD))

    # Write an answer the way a student does, then run the answer and its test again.
    solution.locator(".jp-InputArea-editor").click()
    page.keyboard.press("Control+a")
    page.keyboard.insert_text(
        "def l2_loss(y_true, y_pred):\n"
        "    d = np.asarray(y_pred, dtype=float) - np.asarray(y_true, dtype=float)\n"
        "    return float(np.sum(d ** 2))\n")
    page.keyboard.press("Shift+Enter")
    run_cell(tests)
    expect(tests.locator(".jp-OutputArea")).to_contain_text(
        "l2_loss: all visible tests passed.", timeout=scaled(LOAD))


def _run_explorer(lab, page, folder, assignment):
    """``page`` showing ``assignment``'s explorer in a course copy at ``folder``, every cell
    started (Run All Cells)."""
    shutil.copy(ROOT / "nbgrader_config.py", folder)
    shutil.copytree(ROOT / "source" / assignment, folder / "source" / assignment)
    shutil.copytree(ROOT / "notebooks", folder / "notebooks")
    page.goto(lab(folder, f"notebooks/{assignment}_explorer.ipynb"))
    _wait_for_kernel(page)
    _run_all_cells(page)
    return page


def _run_all_cells(page):
    """Run > Run All Cells, with the notebook focused, until the first code cell has started:
    under load a click can reach the menu before the notebook is the current widget."""
    from playwright.sync_api import expect

    started = page.locator(".jp-NotebookPanel .jp-CodeCell .jp-InputPrompt").first
    for _ in range(3):
        page.locator(".jp-NotebookPanel .jp-Cell").first.click()
        page.locator(".lm-MenuBar-itemLabel", has_text="Run").click()
        page.locator(".lm-Menu-itemLabel").get_by_text("Run All Cells", exact=True).click()
        try:
            expect(started).to_have_text(re.compile(r"\[(\d+|\*)\]"), timeout=scaled(LOAD) // 3)
            return
        except AssertionError:
            page.keyboard.press("Escape")
    raise AssertionError("Run All Cells did not start the notebook's first code cell")


def _expect_figure(explorer):
    """Wait for the explorer cell's one figure; on failure say what the cell shows instead."""
    from playwright.sync_api import expect

    figure = explorer.locator(".jp-OutputArea img")
    try:
        expect(figure).to_have_count(1, timeout=scaled(LOAD))
    except AssertionError as error:
        shown = explorer.inner_text() if explorer.count() else "(the cell is not on the page)"
        raise AssertionError(f"no figure in the explorer; the cell shows:\n{shown}") from error
    return figure


def test_an_explorer_reacts_to_its_slider_in_jupyterlab(lab, browser_page, tmp_path):
    from playwright.sync_api import expect

    page = _run_explorer(lab, browser_page, tmp_path, ASSIGNMENT)
    explorer = page.locator(".jp-Cell", has_text="def landscape(")
    slider = explorer.locator(".widget-slider", has_text="outliers")
    expect(slider).to_be_visible(timeout=scaled(LOAD))
    figure = _expect_figure(explorer)
    before = figure.get_attribute("src")
    assert "Static figure" not in explorer.inner_text(), "the live explorer fell back to static"

    slider.locator(".noUi-handle, .ui-slider-handle, [role=slider]").first.focus()
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    expect(explorer.locator(".widget-readout").first).to_have_text("3", timeout=scaled(LOAD))
    expect(figure).not_to_have_attribute("src", before, timeout=scaled(LOAD))


def test_an_explorer_greys_out_idle_controls_and_shows_the_last_of_rapid_changes(
        lab, browser_page, tmp_path):
    from playwright.sync_api import expect

    page = _run_explorer(lab, browser_page, tmp_path, "03_activations")
    explorer = page.locator(".jp-Cell", has_text="def show_depth(")
    menu = explorer.locator(".widget-dropdown select")
    slope = explorer.locator(".widget-slider", has_text="leaky slope").locator(".widget-readout")
    figure = _expect_figure(explorer)
    expect(slope).to_have_attribute("contenteditable", "false")  # no slope for the sigmoid
    sigmoid = figure.get_attribute("src")

    menu.select_option("leaky_relu")
    expect(slope).to_have_attribute("contenteditable", "true", timeout=scaled(LOAD))
    expect(figure).not_to_have_attribute("src", sigmoid, timeout=scaled(LOAD))

    for activation in ("tanh", "relu", "sigmoid"):  # faster than the kernel redraws
        menu.select_option(activation)
    expect(figure).to_have_attribute("src", sigmoid, timeout=scaled(LOAD))
    expect(page.locator(".jp-StatusBar-TextItem", has_text="Idle").first).to_be_visible(
        timeout=scaled(LOAD))
    assert figure.get_attribute("src") == sigmoid, "an earlier setting's figure came last"
    expect(slope).to_have_attribute("contenteditable", "false")


def test_written_answers_appear_in_the_formgrader_with_their_points(lab, browser_page, tmp_path):
    """A graded submission of 01 opened in nbgrader's formgrader: each written answer of the
    source (a manually graded markdown cell) has its score box and its points."""
    from nbgrader.api import Gradebook
    from playwright.sync_api import expect

    from autograder.sandbox import session as sandbox
    from autograder.student.cells import nbgrader_meta
    from autograder.course.reference import answered
    from tests.course_copy import autograder, graded_cells_only, make_course, read, submit

    course = make_course(tmp_path / "course", [ASSIGNMENT])
    written = {nbgrader_meta(c)["grade_id"]: nbgrader_meta(c)["points"]
               for c in read("source", ASSIGNMENT).cells
               if c.cell_type == "markdown" and nbgrader_meta(c).get("grade")}
    assert len(written) >= 2, written
    shutil.copytree(ROOT / "release", course / "release")
    answers = graded_cells_only(answered(read("release", ASSIGNMENT), read("source", ASSIGNMENT)))
    submit(course, "ada", ASSIGNMENT, answers)
    graded = autograder("grade", ASSIGNMENT, "--jobs", "1",
                        *([] if sandbox.available() else ["--no-sandbox"]), root=course)
    assert graded.returncode == 0, graded.stdout + graded.stderr
    assert "needs manual grading: 2 written answers" in graded.stdout, graded.stdout
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gradebook:
        submission = gradebook.find_submission_notebook(ASSIGNMENT, ASSIGNMENT, "ada").id

    base = lab(course, "").split("/lab/")[0]
    page = browser_page
    page.goto(f"{base}/formgrader/submissions/{submission}/?token={TOKEN}")
    for grade_id, points in written.items():
        box = page.locator(f"input.score#{grade_id}")
        expect(box).to_be_visible(timeout=LOAD)
        expect(box.locator("xpath=..")).to_contain_text(f"/ {float(points)}")
