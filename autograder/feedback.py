"""What students see in their feedback: each failing test's message, not its traceback.

An IPython traceback quotes the lines around the failing one, and in a grade cell those
are hidden tests. nbgrader's ClearHiddenTests removes them from the cell's source; this
preprocessor removes them from the error output, keeping the message the checks wrote.
"""

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
