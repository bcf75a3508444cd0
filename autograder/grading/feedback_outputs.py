"""How much of a student's outputs a feedback page renders: at most
``c.CapOutputs.cell_output_kb`` per code cell and ``c.CapOutputs.notebook_output_kb`` for
the whole notebook (characters of text, HTML, base64 images and tracebacks, in KiB). Past a
cap the rest of the cell's outputs are replaced by one line that says they were cut, so a
flood of output costs the page neither its readability nor the grader its time."""

import json

import nbformat
from nbconvert.preprocessors import Preprocessor
from traitlets import Int

CUT = "[output cut: {what} is over {kb} KiB; the rest is not shown in this feedback]"


def _size(output):
    """Characters an output puts on the page, about."""
    if output.get("output_type") == "stream":
        return len(output.get("text", ""))
    if output.get("output_type") == "error":
        return len(output.get("evalue", "")) + sum(map(len, output.get("traceback", [])))
    return sum(len(v) if isinstance(v, str) else len(json.dumps(v))
               for v in output.get("data", {}).values())


def capped(outputs, budget, note):
    """``(outputs within budget characters, characters used)``; where they do not fit, a
    stream is cut short and ``note`` ends the list."""
    kept, used = [], 0
    for output in outputs:
        size = _size(output)
        if used + size <= budget:
            kept.append(output)
            used += size
            continue
        if output.get("output_type") == "stream" and budget > used:
            kept.append(nbformat.v4.new_output("stream", name=output.get("name", "stdout"),
                                               text=output.get("text", "")[:budget - used]))
            used = budget
        kept.append(nbformat.v4.new_output("stream", name="stderr", text=note + "\n"))
        break
    return kept, used


class CapOutputs(Preprocessor):
    """Caps the outputs a feedback page renders, per cell and per notebook."""

    cell_output_kb = Int(512, help="Output of one code cell a feedback page shows, in KiB"
                         ).tag(config=True)
    notebook_output_kb = Int(4096, help="Output of a whole notebook a feedback page shows, "
                             "in KiB").tag(config=True)

    def preprocess(self, nb, resources):
        left = self.notebook_output_kb * 1024
        for cell in nb.cells:
            if cell.cell_type != "code" or not cell.get("outputs"):
                continue
            if self.cell_output_kb * 1024 <= left:
                budget, note = self.cell_output_kb * 1024, CUT.format(
                    what="the output of this cell", kb=self.cell_output_kb)
            else:
                budget, note = left, CUT.format(what="the output of the notebook",
                                                kb=self.notebook_output_kb)
            cell.outputs, used = capped(cell.outputs, budget, note)
            left -= used
        return nb, resources
