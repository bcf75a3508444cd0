"""What students see in their feedback: each failing test's message, not its traceback;
and the writers of the class's feedback pages.

An IPython traceback quotes the lines around the failing one, and in a grade cell those
are hidden tests. nbgrader's ClearHiddenTests removes them from the cell's source; this
preprocessor removes them from the error output, keeping the message the checks wrote.
"""

import json
import os
import shutil
from pathlib import Path

from markupsafe import Markup
from nbgrader.preprocessors import NbGraderPreprocessor

from . import csp, inert_html, pages
from ..student import mistakes
from ..student.cells import nbgrader_meta
from .feedback_outputs import CapOutputs
from .feedback_plain import plain_page
from .feedback_worker import FeedbackWorker


class MessagesOnly(NbGraderPreprocessor):
    """Replace the traceback of every error in a grade cell with ``ename: evalue``, and drop
    the recorded mistakes (data for the class report, which no page renders: nbconvert
    would warn about their MIME type once per output)."""

    def preprocess_cell(self, cell, resources, index):
        if cell.cell_type != "code":
            return cell, resources
        kept = []
        for output in cell.get("outputs", []):
            data = output.get("data")
            if isinstance(data, dict) and mistakes.MIME in data:
                del data[mistakes.MIME]
                if not data:
                    continue
            kept.append(output)
        cell.outputs = kept
        if nbgrader_meta(cell).get("grade"):
            for output in cell.outputs:
                if output.output_type == "error":
                    output.traceback = [f"{output.ename}: {output.evalue}"]
        return cell, resources


# `nbgrader release_feedback` reads these beside each feedback page: the submission's time
# and the secret that names the page in the exchange for the student's fetch_feedback.
RELEASE_FEEDBACK_FILES = ("timestamp.txt", "submission_secret.txt")


def autograded_notebook(coursedir, assignment, student):
    """The path of ``student``'s autograded notebook."""
    return Path(coursedir.format_path(coursedir.autograded_directory, student, assignment)
                ) / f"{assignment}.ipynb"


def feedback_page(coursedir, assignment, student):
    """The path of ``student``'s feedback page."""
    return Path(coursedir.format_path(coursedir.feedback_directory, student, assignment)
                ) / f"{assignment}.html"


class PageRenderer:
    """Renders feedback pages as nbgrader's generate_feedback does (its configured
    preprocessors and template), with one exporter for many pages: nbgrader builds one per
    call and recompiles its templates. Student outputs are capped (:class:`CapOutputs`) and
    their HTML and markdown sanitized (:mod:`autograder.grading.inert_html`); the page forbids any
    script but its MathJax (:mod:`autograder.grading.csp`). Runs in the feedback worker process."""

    def __init__(self, api):
        from nbgrader.converters import GenerateFeedback

        self.coursedir = api.coursedir
        converter = GenerateFeedback(coursedir=api.coursedir, parent=api)
        self.exporter = converter.exporter_class(
            parent=converter, config=converter.config, sanitize_html=True,
            filters={"clean_html": inert_html.clean})
        for preprocessor in converter.preprocessors:
            self.exporter.register_preprocessor(preprocessor)
        self.exporter.register_preprocessor(CapOutputs(config=api.config), enabled=True)

    def write(self, assignment, student):
        """Render ``student``'s autograded notebook; return the HTML file's path."""
        source = autograded_notebook(self.coursedir, assignment, student)
        resources = {"unique_key": assignment, "output_files_dir": f"{assignment}_files",
                     "nbgrader": {"student": student, "assignment": assignment,
                                  "notebook": assignment, "db_url": self.coursedir.db_url}}
        html, _ = self.exporter.from_filename(str(source), resources=resources)
        target = feedback_page(self.coursedir, assignment, student)
        target.parent.mkdir(parents=True, exist_ok=True)
        page = csp.protect(offline_math(html, target.parent), PAGE_SCRIPTS)
        target.write_text(page, encoding="utf-8")
        return target


class FeedbackWriter:
    """Writes feedback/<student>/<assignment>/<assignment>.html for the grading process: the
    page is rendered in a worker process with a time and a memory limit; where it fails, a
    plain page with the score of each grade cell says so."""

    def __init__(self, api):
        self.coursedir = api.coursedir
        self.worker = FeedbackWorker(api.coursedir.root, config=api.config)

    def write(self, assignment, student):
        """Write ``student``'s page; None, or why only the plain page was written."""
        problem = self.worker.render(assignment, student)
        target = feedback_page(self.coursedir, assignment, student)
        if problem:
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(plain_page(self.coursedir.db_url, assignment, student),
                              encoding="utf-8")
        source = autograded_notebook(self.coursedir, assignment, student).parent
        for name in RELEASE_FEEDBACK_FILES:  # as nbgrader's generate_feedback copies them
            if (source / name).is_file():
                shutil.copy2(source / name, target.parent / name)
        return problem


# Offline math ---------------------------------------------------------------------------
# nbgrader's feedback template loads MathJax 2.7 from a CDN. jupyter-server-mathjax (a Jupyter
# package on PyPI) ships MathJax 2.7's files with its STIX-Web fonts; a trimmed copy of them
# beside each feedback page (it must travel with the folder nbgrader releases to a student)
# renders the same math with no network. The course site (site/conf.py) uses the same copy.
MATHJAX_FOLDER = "mathjax"
MATHJAX_COMBINED_CONFIG = "TeX-AMS-MML_HTMLorMML-full"
# What the page needs from MathJax (not its SVG output, localizations or speech rules).
_MATHJAX_PARTS = ("MathJax.js", "LICENSE", "config", "extensions", "jax/input", "jax/element",
                  "jax/output/HTML-CSS", "fonts/HTML-CSS/STIX-Web/woff")
_MATHJAX_SKIP = ("mathjax-sre.js", "mathmaps")  # speech rules: only on request
# The packaged fonts are STIX-Web; English menus, so no localization files are requested.
MATHJAX_OFFLINE_CONFIG = {
    "HTML-CSS": {"availableFonts": [], "preferredFont": None, "imageFont": None,
                 "webFont": "STIX-Web"},
    "menuSettings": {"locale": "en"},
    "messageStyle": "none",
}
# nbconvert's mathjax macro, which nbgrader's feedback template puts in the page's <head>:
# a CDN <script> and a text/x-mathjax-config block (MathJax runs that with eval, which the
# page's policy forbids). Both are replaced by a plain configuration script and the local copy.
_MACRO_START, _MACRO_END = "<!-- Load mathjax -->", "<!-- End of mathjax configuration -->"
MATHJAX_PAGE_CONFIG = {
    **MATHJAX_OFFLINE_CONFIG,
    "tex2jax": {"inlineMath": [["$", "$"], ["\\(", "\\)"]],
                "displayMath": [["$$", "$$"], ["\\[", "\\]"]],
                "processEscapes": True, "processEnvironments": True},
    "TeX": {"equationNumbers": {"autoNumber": "AMS", "useLabelIds": True}},
    "displayAlign": "center",
}
MATHJAX_CONFIG_SCRIPT = f"window.MathJax = {json.dumps(MATHJAX_PAGE_CONFIG)};"
# What the feedback page's policy lets run: its MathJax files and that configuration.
PAGE_SCRIPTS = ("'self'", csp.script_hash(MATHJAX_CONFIG_SCRIPT))


def mathjax_source():
    """The folder of MathJax 2.7 files that jupyter-server-mathjax installed, or None."""
    try:
        import jupyter_server_mathjax
    except ImportError:
        return None
    folder = Path(jupyter_server_mathjax.__file__).parent / "static"
    return folder if (folder / "MathJax.js").is_file() else None


def _link_or_copy(source, target):
    """A hard link to the installed file where the file system allows one (a class's
    feedback then costs no disk for MathJax), else a copy."""
    try:
        os.link(source, target)
    except OSError:
        shutil.copy2(source, target)
    return target


def copy_mathjax(target):
    """Put the MathJax files a page needs into the folder ``target`` (made if missing; kept
    if already complete); return ``target``, or None without jupyter-server-mathjax."""
    source = mathjax_source()
    if source is None:
        return None
    target = Path(target)
    if (target / "MathJax.js").is_file():
        return target
    partial = target.with_name(f".{target.name}.partial-{os.getpid()}")
    shutil.rmtree(partial, ignore_errors=True)
    for part in _MATHJAX_PARTS:
        if (source / part).is_dir():
            shutil.copytree(source / part, partial / part, copy_function=_link_or_copy,
                            ignore=shutil.ignore_patterns(*_MATHJAX_SKIP))
        else:
            (partial / part).parent.mkdir(parents=True, exist_ok=True)
            _link_or_copy(source / part, partial / part)
    try:
        partial.rename(target)
    except OSError:  # another process made it first
        shutil.rmtree(partial, ignore_errors=True)
    return target


def offline_math(html, target_folder):
    """``html`` with nbconvert's MathJax (from a CDN) in its <head> replaced by a copy of
    MathJax placed in ``target_folder``/mathjax (the folder the HTML file is written to).
    Unchanged when the head loads no MathJax, or when jupyter-server-mathjax is not
    installed. Only the page's head is searched, with plain string search: the body holds
    student outputs, of any size."""
    head = html.find("<body")
    start = html.find(_MACRO_START, 0, None if head < 0 else head)
    end = html.find(_MACRO_END, start, None if head < 0 else head)
    if start < 0 or end < 0:
        return html
    if copy_mathjax(Path(target_folder) / MATHJAX_FOLDER) is None:
        return html
    local = pages.TEMPLATES.get_template("mathjax.html.j2").render(
        config=Markup(MATHJAX_CONFIG_SCRIPT), folder=MATHJAX_FOLDER,
        combined=MATHJAX_COMBINED_CONFIG)
    return html[:start] + local + html[end + len(_MACRO_END):]
