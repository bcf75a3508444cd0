"""Submissions whose outputs, markdown and text aim at what the trusted side renders and
writes: feedback pages, the class report and the CSV files. Builders for
tests/submissions/attacks.py, with what each payload leaves behind if it ever runs or is
ever read as a formula (the red-team tests look for exactly that)."""

import csv

import nbformat

from autograder.student.cells import nbgrader_meta
from autograder.course.reference import answered

PWNED = "pwned"  # what the page's title becomes if a student's script runs
SCRIPT = f'document.title = "{PWNED}"; window.__pwned = true;'
FORMULA = '=HYPERLINK("http://x","y")'
# Many `$`, `\(` and unterminated <script src=...mathjax fragments: what made the offline-math
# regex backtrack for minutes over a 196 KB output.
PATHOLOGICAL = ("<script src='http://mathjax.example/$x \\(" * 7000)
BIG_PRINT_KB = 400  # with the above, over the feedback's cap for one cell (512 KiB)
FAKE_MISTAKES = 200

SHOW_SCRIPTS = f"""
from IPython.display import HTML, Javascript, display
display(HTML('<script>{SCRIPT}</script><img src="missing.png" onerror=\\'{SCRIPT}\\'>'))
display(Javascript('{SCRIPT}'))
"""
MARKDOWN = (f"My notes: the loss is $\\sum_i (y_i - \\hat y_i)^2$.\n\n<script>{SCRIPT}</script>"
            f"\n\n<img src=\"missing.png\" onerror='{SCRIPT}'>\n")
SHOW_PATHOLOGICAL = f"""
from IPython.display import HTML, display
text = {PATHOLOGICAL!r}
print(text)
display(HTML(text))
print("x" * {BIG_PRINT_KB * 1024})
"""
RAISE_FORMULA = f"""
def l2_loss(y_true, y_pred):
    raise ValueError({FORMULA!r})
"""
PUBLISH_FAKES = f"""
from IPython.display import publish_display_data
from autograder import mistakes
fakes = [{FORMULA!r} + str(i) for i in range({FAKE_MISTAKES})]
for fake in fakes:
    publish_display_data({{mistakes.MIME: {{"call": fake, "mistakes": [fake]}}}})

def l2_loss(y_true, y_pred):
    mistakes.publish("l2_loss()", fakes)
    for fake in fakes:
        publish_display_data({{mistakes.MIME: {{"call": fake, "mistakes": [fake]}}}})
    return 0.0
"""


def _cell(nb, grade_id):
    return next(c for c in nb.cells if nbgrader_meta(c).get("grade_id") == grade_id)


def _answered_with(code, where="l2_loss"):
    def build(release, source, root, port):
        nb = answered(release, source)
        _cell(nb, where).source += "\n" + code
        return nb
    return build


def script_output(release, source, root, port):
    """Correct answers; scripts in an HTML and a JavaScript output and in a markdown cell."""
    nb = _answered_with(SHOW_SCRIPTS)(release, source, root, port)
    nb.cells.insert(1, nbformat.v4.new_markdown_cell(MARKDOWN))
    return nb


pathological_output = _answered_with(SHOW_PATHOLOGICAL)


def formula_text(release, source, root, port):
    """An l2_loss that raises formula text, from a student whose name in the LMS (and so in
    roster.csv) is a formula too."""
    with (root / "roster.csv").open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["student_id", "name", "lms_id", "email"])
        writer.writerow(["formula_text", FORMULA, "4242", "formula@example.org"])
    nb = answered(release, source)
    _cell(nb, "l2_loss").source = RAISE_FORMULA
    return nb


def fake_mistakes(release, source, root, port):
    """Blank answers but l2_loss; mistake records forged by the hundred, with formula text."""
    nb = nbformat.from_dict(release)
    _cell(nb, "l2_loss").source = PUBLISH_FAKES
    return nb
