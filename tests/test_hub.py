"""A class on the course's JupyterHub (`make hub`, hub/jupyterhub_config.py) in a real
browser: the instructor releases 02 from the formgrader; two students log in, fetch it from
nbgrader's Assignment List, answer (one right, one with a catalogued mistake) and submit;
the instructor collects, grades with `autograder grade` and releases the feedback; both
students fetch it and read their scores and messages. Students get only the student side
of nbgrader. The hub stops at the end and leaves no process behind. Screenshots of each
step: the folder printed at the start (with -s), copied to /tmp/hub-screenshots."""

import csv
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from datetime import datetime, timezone
from pathlib import Path

import nbformat
import pytest
from nbgrader.api import Gradebook

from autograder.sandbox import session as sandbox
from autograder.course.execute import grade_cells
from autograder.course.reference import answered
from tests.browser import chromium, screenshot_saver
from tests.course_copy import ROOT, graded_cells_only, make_course, read
from tests.mutants import classification_losses  # noqa: F401 - registers its variants
from tests.mutants.catalogue import REGISTRY

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("hub")]
PROXY = ROOT / ".hub" / "node_modules" / ".bin" / "configurable-http-proxy"
BIN = Path(sys.executable).parent
REVIEW = Path("/tmp/hub-screenshots")
A = "02_classification_losses"
INSTRUCTOR = ("instructor", "instructor-password-for-this-demo-hub")
STUDENT_PASSWORD = "student-password"
MISTAKE = next(v for v in REGISTRY if v.name == "softmax_no_max")
# nbgrader's menu entries in JupyterLab; students get only the first.
INSTRUCTOR_MENU = ["Assignment List", "Course List", "Formgrader", "Formgrader (local)",
                   "Create assignment"]


def _free_ports(count):
    sockets = [socket.socket() for _ in range(count)]
    for s in sockets:
        s.bind(("127.0.0.1", 0))
    ports = [s.getsockname()[1] for s in sockets]
    for s in sockets:
        s.close()
    return ports


def _hub_processes(marker):
    """Pids of processes whose environment names ``marker`` (the hub's data folder): the
    hub, its proxy, every user's server and kernel, wherever they were reparented."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit() and int(entry.name) != os.getpid():
            try:
                if marker.encode() in (entry / "environ").read_bytes():
                    found.append(int(entry.name))
            except OSError:  # gone meanwhile, or not readable
                pass
    return found


class Hub:
    """A hub on free ports for the course at ``course``, with its data in ``data``: by
    default the demo (hub/jupyterhub_config.py); ``config`` and ``env`` for another."""

    bin = BIN  # the instructor's commands
    instructor_name = "instructor"
    as_instructor = ()  # a command prefix that runs a command as the instructor's user

    def __init__(self, folder, *, course, data, config="jupyterhub_config.py", env=()):
        self.course, self.data, self.exchange = course, data, data / "exchange"
        port, api_port, proxy_api_port = _free_ports(3)
        self.base = f"http://127.0.0.1:{port}"
        self.log = folder / "hub.log"
        env = dict(os.environ, HUB_PORT=str(port), HUB_API_PORT=str(api_port),
                   HUB_PROXY_API_PORT=str(proxy_api_port), HUB_DATA=str(self.data),
                   HUB_COURSE=str(self.course), **dict(env))
        with open(self.log, "wb") as output:
            self.process = subprocess.Popen(
                [str(BIN / "jupyterhub"), "-f", str(ROOT / "hub" / config)],
                cwd=folder, env=env, start_new_session=True, stdout=output,
                stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and self.process.poll() is None:
            try:
                with urllib.request.urlopen(f"{self.base}/hub/api/", timeout=5) as response:
                    if response.status == 200:
                        return
            except OSError:
                time.sleep(0.5)
        self.stop()
        raise AssertionError(f"the hub did not answer within 120 s:\n{self.log.read_text()}")

    def home(self, user):
        return self.data / "home" / user

    def instructor(self, *command):
        """Run a command in the course folder as the instructor would in a hub terminal."""
        user = self.instructor_name
        env = dict(os.environ, JUPYTER_CONFIG_DIR=str(self.data / "jupyter-config" / user),
                   HOME=str(self.home(user)),
                   PATH=os.pathsep.join([str(self.bin), os.environ.get("PATH", "")]))
        done = subprocess.run([*self.as_instructor, str(self.bin / command[0]), *command[1:]],
                              cwd=self.course, env=env, capture_output=True, text=True,
                              timeout=600)
        assert done.returncode == 0, f"{' '.join(command)}:\n{done.stdout}\n{done.stderr}"
        return done.stdout + done.stderr

    def stop(self):
        """Stop the hub as Ctrl+C would (it stops the servers and the proxy); return the
        processes still alive afterwards, after killing them."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=90)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        deadline = time.monotonic() + 10
        while (left := _hub_processes(str(self.data))) and time.monotonic() < deadline:
            time.sleep(0.5)  # servers the hub stopped may still be exiting
        for pid in left:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:  # it exited after all
                pass
        return left


def ensure_proxy():
    """Install the hub's proxy with npm (`make hub-proxy`) if missing; skip, saying why,
    where that cannot be done."""
    if not PROXY.exists():
        if shutil.which("npm") is None:
            pytest.skip("needs node and npm to install configurable-http-proxy (`make hub`)")
        done = subprocess.run(["make", "--no-print-directory", "hub-proxy"], cwd=ROOT,
                              capture_output=True, text=True, timeout=600)
        if done.returncode != 0 or not PROXY.exists():
            pytest.skip(f"could not install configurable-http-proxy with npm:\n{done.stderr}")


@pytest.fixture
def hub(tmp_path):
    ensure_proxy()
    started = Hub(tmp_path, course=make_course(tmp_path / "course", [A]), data=tmp_path / "hub")
    yield started
    started.stop()


@pytest.fixture
def browser():
    """Debian's Chromium through Playwright (never a downloaded browser)."""
    with chromium() as launched:
        yield launched


@pytest.fixture
def screenshot(tmp_path):
    return screenshot_saver(tmp_path / "screenshots", REVIEW, numbered=True, full_page=False)


def log_in(browser, hub, user, password):
    """A browser context of its own for ``user``; submits the hub's login form, which starts
    the user's server (the page then waits for it)."""
    page = browser.new_context(viewport={"width": 1400, "height": 900}).new_page()
    page.goto(f"{hub.base}/hub/login")
    page.fill("#username_input", user)
    page.fill("#password_input", password)
    page.click("#login_submit")
    return page


def nbgrader_menu(page):
    """The entries of the Nbgrader menu of a user's JupyterLab."""
    from playwright.sync_api import expect

    menu = page.locator(".lm-MenuBar-itemLabel", has_text="Nbgrader")
    expect(menu).to_be_visible(timeout=180_000)
    menu.click()
    items = page.locator(".lm-Menu-content .lm-Menu-itemLabel").all_inner_texts()
    page.keyboard.press("Escape")
    return [item for item in items if item.strip()]


def open_assignment_list(page):
    page.locator(".lm-MenuBar-itemLabel", has_text="Nbgrader").click()
    page.locator(".lm-Menu-itemLabel", has_text="Assignment List").click()


def formgrader_do(page, action, done_text):
    """Click ``action`` (a column of the Manage Assignments table) for the assignment, read
    the formgrader's answer, close it; return its text."""
    from playwright.sync_api import expect

    button = page.locator("tr", has_text=A).locator(f".{action} a")
    expect(button).to_be_visible(timeout=120_000)  # the table loads after the page
    button.click()
    dialog = page.locator("#success-modal.in, #error-modal.in")  # .in: faded in
    expect(dialog).to_be_visible(timeout=120_000)
    text = dialog.inner_text()
    assert done_text in text, text
    return dialog


def student_notebook(hub, student, replace=None):
    """What ``student`` saves after answering the fetched notebook: the source's answers,
    or a catalogued mistake for the functions in ``replace``. Only its nbgrader cells are
    kept, as in the pipeline tests: the demonstrations would only make grading slower.
    The file is rewritten in place, so it stays the student's."""
    path = hub.home(student) / A / f"{A}.ipynb"
    fetched = nbformat.read(path, as_version=4)
    assert fetched.cells == read("release", A, root=hub.course).cells, "not the release"
    nbformat.write(graded_cells_only(answered(fetched, read("source", A), replace=replace)),
                   path)


def set_due_date_now(hub):
    """The instructor sets the assignment's due date (formgrader: Edit) to this moment."""
    with Gradebook(f"sqlite:///{hub.course / 'gradebook.db'}") as gradebook:
        gradebook.update_or_create_assignment(A, duedate=datetime.now(timezone.utc))


def seconds_late(hub, student):
    with Gradebook(f"sqlite:///{hub.course / 'gradebook.db'}") as gradebook:
        return gradebook.find_submission(A, student).total_seconds_late


def written_points():
    """The points of the written answers a person grades: nbgrader's page counts them in
    its maximum (at 0 until graded), `autograder grade`'s score leaves them out."""
    return sum(c.metadata.nbgrader["points"] for c in read("source", A).cells
               if c.cell_type == "markdown" and c.metadata.get("nbgrader", {}).get("grade"))


def feedback_expected(hub, student):
    """(score, max score, failure messages) of ``student`` from the instructor's grading."""
    with (hub.course / "autograder_grades.csv").open(newline="") as handle:
        row = next(r for r in csv.DictReader(handle)
                   if r["student_id"] == student and r["assignment"] == A)
    graded = nbformat.read(hub.course / "autograded" / student / A / f"{A}.ipynb", as_version=4)
    failed = {g: o.error_value for g, o in grade_cells(graded).items() if not o.passed}
    return float(row["score"]), float(row["max_score"]), failed


def class_cycle(browser, hub, screenshot, instructor, students):
    """The whole cycle on ``hub`` with ``instructor`` (name, password) and ``students``
    (name -> (password, the functions to answer with a catalogued mistake, or None)); the
    first student submits on time, the others after the due date."""
    from playwright.sync_api import expect

    # Everyone logs in at once: the hub starts the servers side by side.
    teacher = log_in(browser, hub, *instructor)
    pages = {s: log_in(browser, hub, s, password) for s, (password, _) in students.items()}

    # The instructor has both sides of nbgrader; generates and releases 02 in the formgrader.
    assert nbgrader_menu(teacher) == INSTRUCTOR_MENU
    teacher.goto(f"{hub.base}/user/{instructor[0]}/formgrader")
    for action, done in (("assign", "Successfully created the student version"),
                         ("release", f"Successfully released '{A}'")):
        dialog = formgrader_do(teacher, action, done)
        screenshot(teacher, f"instructor-formgrader-{action}")
        dialog.get_by_role("button", name="OK").click()
        expect(teacher.locator(".modal")).to_have_count(0)
    assert (hub.exchange / "dl-lecture-07" / "outbound" / A / f"{A}.ipynb").is_file()

    first = next(iter(students))
    for student, (_, replace) in students.items():
        page = pages[student]
        assert nbgrader_menu(page) == ["Assignment List"], "students see the instructor's side"
        assert page.request.get(f"{hub.base}/user/{student}/formgrader").status == 404
        open_assignment_list(page)
        released = page.locator("#released_assignments_list")
        expect(released).to_contain_text(A, timeout=60_000)
        released.get_by_role("button", name="Fetch").click()
        fetched = page.locator("#fetched_assignments_list")
        expect(fetched).to_contain_text(A, timeout=60_000)
        fetched.locator(".assignment-notebooks-link").click()  # its notebooks, to validate
        expect(fetched.get_by_role("button", name="Validate")).to_be_visible()
        screenshot(page, f"{student}-fetched")
        student_notebook(hub, student, replace)  # the student's answers, saved
        fetched.get_by_role("button", name="Submit").click()
        submitted = page.locator("#submitted_assignments_list")
        expect(submitted.get_by_role("button", name="Fetch Feedback")).to_be_visible(
            timeout=60_000)
        screenshot(page, f"{student}-submitted")
        if student == first:
            set_due_date_now(hub)  # the others submit after the due date

    hub.instructor("nbgrader", "collect", A)
    for student in students:
        assert (hub.course / "submitted" / student / A / "timestamp.txt").is_file()
    grading = hub.instructor("autograder", "grade", A, "--jobs", "2",
                             *([] if sandbox.available() else ["--no-sandbox"]))
    count = len(students)
    assert f"{count} of {count} submission(s) graded" in grading, grading
    assert seconds_late(hub, first) == 0 < min(seconds_late(hub, s) for s in students
                                               if s != first)
    hub.instructor("nbgrader", "release_feedback", A)
    teacher.goto(f"{hub.base}/user/{instructor[0]}/formgrader/manage_assignments")
    expect(teacher.locator("tr", has_text=A).locator(".num-submissions")).to_have_text(
        str(count), timeout=60_000)
    screenshot(teacher, "instructor-collected-graded-released-feedback")

    for student, (_, replace) in students.items():
        page = pages[student]
        score, max_score, failed = feedback_expected(hub, student)
        assert (score == max_score) == (replace is None), (student, score, max_score, failed)
        caught = any(MISTAKE.target in grade_id for grade_id in failed)  # e.g. test_softmax
        assert caught == (replace is not None), failed
        submitted = page.locator("#submitted_assignments_list")
        submitted.get_by_role("button", name="Fetch Feedback").click()
        expect(submitted).to_contain_text("(view feedback)", timeout=60_000)
        screenshot(page, f"{student}-fetched-feedback")
        [html] = (hub.home(student) / A / "feedback").glob(f"*/{A}.html")
        page.goto(f"{hub.base}/user/{student}/files/{html.relative_to(hub.home(student))}")
        text = page.locator("body")
        expect(text).to_contain_text(f"{A} (Score: {score} / {max_score + written_points()})")
        messages = [m.strip().splitlines()[0] for m in failed.values() if m and m.strip()]
        assert len(messages) == len(failed), f"a failed test without a message: {failed}"
        for message in messages:
            expect(text).to_contain_text(message)
        if messages:  # the first failing test's message, for the screenshot
            page.get_by_text(messages[0]).first.scroll_into_view_if_needed()
        screenshot(page, f"{student}-reads-feedback")


def test_a_class_on_the_hub_from_release_to_feedback(browser, hub, screenshot):
    class_cycle(browser, hub, screenshot, INSTRUCTOR, {
        "student1": (STUDENT_PASSWORD, None),
        "student2": (STUDENT_PASSWORD, {MISTAKE.target: MISTAKE.source})})
    hub_family = _hub_processes(str(hub.data))
    assert {hub.process.pid} < set(hub_family) and len(hub_family) >= 5, (
        "expected the hub, its proxy and three servers", hub_family)
    assert hub.stop() == [], "processes of the hub were left running"
