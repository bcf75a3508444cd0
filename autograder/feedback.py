"""What students see in their feedback: each failing test's message, not its traceback;
and the writer of the class's feedback pages.

An IPython traceback quotes the lines around the failing one, and in a grade cell those
are hidden tests. nbgrader's ClearHiddenTests removes them from the cell's source; this
preprocessor removes them from the error output, keeping the message the checks wrote.
"""

from pathlib import Path

from nbgrader.preprocessors import NbGraderPreprocessor

from .cells import nbgrader_meta


class MessagesOnly(NbGraderPreprocessor):
    """Replace the traceback of every error in a grade cell with ``ename: evalue``."""

    def preprocess_cell(self, cell, resources, index):
        if cell.cell_type == "code" and nbgrader_meta(cell).get("grade"):
            for output in cell.get("outputs", []):
                if output.output_type == "error":
                    output.traceback = [f"{output.ename}: {output.evalue}"]
        return cell, resources


class FeedbackWriter:
    """Writes feedback/<student>/<assignment>/<assignment>.html as nbgrader's
    generate_feedback does (its configured preprocessors and template), with one exporter
    for the whole class: nbgrader builds one per call and recompiles its templates."""

    def __init__(self, api):
        from nbgrader.converters import GenerateFeedback

        self.coursedir = api.coursedir
        converter = GenerateFeedback(coursedir=api.coursedir, parent=api)
        self.exporter = converter.exporter_class(parent=converter, config=converter.config)
        for preprocessor in converter.preprocessors:
            self.exporter.register_preprocessor(preprocessor)

    def write(self, assignment, student):
        """Render ``student``'s autograded notebook; return the HTML file's path."""
        source = Path(self.coursedir.format_path(
            self.coursedir.autograded_directory, student, assignment)) / f"{assignment}.ipynb"
        resources = {"unique_key": assignment, "output_files_dir": f"{assignment}_files",
                     "nbgrader": {"student": student, "assignment": assignment,
                                  "notebook": assignment, "db_url": self.coursedir.db_url}}
        html, _ = self.exporter.from_filename(str(source), resources=resources)
        target = Path(self.coursedir.format_path(
            self.coursedir.feedback_directory, student, assignment)) / f"{assignment}.html"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(html, encoding="utf-8")
        return target
