"""Inside the sandbox: execute a notebook and report each cell's outputs as it finishes.

``python -m autograder.run_notebook FD`` reads /work/in/notebook.ipynb and
/work/in/settings.json and writes one JSON line per executed code cell to file descriptor
FD: ``{"cell": index, "outputs": [...], "execution_count": n}``, then ``{"dead": index}``
if the kernel died or ``{"done": true}``. Reporting cell by cell keeps what ran before a
wall-clock kill. Output beyond the limit is dropped as it arrives, not stored. Figures
are not drawn unless settings.json asks for them.
"""

import json
import os
import shutil
import sys
from pathlib import Path

from . import startup  # noqa: F401 - before nbformat
from .inbox import inbox

import nbformat  # noqa: E402, I001
from nbclient import NotebookClient  # noqa: E402
from nbclient.exceptions import DeadKernelError  # noqa: E402

TIMEOUT_ERROR = {"ename": "CellTimeoutError", "evalue": "the cell ran longer than the time limit",
                 "traceback": ["CellTimeoutError: the cell ran longer than the time limit"]}


class ReportingClient(NotebookClient):
    """An nbclient that caps output and reports every executed cell on ``channel``."""

    def __init__(self, nb, channel, output_limit, figures, **kwargs):
        super().__init__(nb, **kwargs)
        self.channel = channel
        self.output_limit = output_limit
        self.figures = figures
        self.output_bytes = 0
        self.cut = False
        self.current_index = None

    def output(self, outs, msg, display_id, cell_index):
        if not self.figures and _undrawn_figure(msg):
            return None
        size = len(json.dumps(msg.get("content", {})))
        if self.output_bytes + size > self.output_limit:
            self.cut = True
            return None
        self.output_bytes += size
        return super().output(outs, msg, display_id, cell_index)

    async def async_execute_cell(self, cell, cell_index, execution_count=None,
                                 store_history=True):
        self.current_index = cell_index
        cut_before = self.cut
        cell = await super().async_execute_cell(cell, cell_index, execution_count, store_history)
        if cell.cell_type == "code" and cell.source.strip():
            if self.cut and not cut_before:
                cell.outputs.append(nbformat.v4.new_output(
                    "stream", name="stdout",
                    text=f"\n[output cut: the notebook printed more than "
                         f"{self.output_limit // 1024} KiB]\n"))
            self.send({"cell": cell_index, "outputs": cell.outputs,
                       "execution_count": cell.get("execution_count")})
        return cell

    @staticmethod
    def record_reply_error(cell, cell_index, execute_reply):
        """Keep an error the kernel's reply reports but its outputs do not show (a timeout:
        nbclient makes up the reply), as nbgrader's Execute does."""
        content = execute_reply["content"]
        if content["status"] == "error" and not any(
                o.output_type == "error" and o.ename == content["ename"] for o in cell.outputs):
            cell.outputs.append(nbformat.v4.new_output(
                "error", ename=content["ename"], evalue=content.get("evalue", ""),
                traceback=content.get("traceback") or [content["ename"]]))

    def send(self, message):
        self.channel.write(json.dumps(message) + "\n")
        self.channel.flush()


def _undrawn_figure(msg):
    """A figure the kernel did not draw (no image formats): only its "<Figure size ...>"."""
    data = msg.get("content", {}).get("data", {})
    return msg.get("msg_type") == "display_data" and set(data) == {"text/plain"} and \
        str(data["text/plain"]).startswith("<Figure size")


def _matplotlib_cache(folder):
    """Give matplotlib the grader's font list so it does not rebuild it in every sandbox."""
    target = Path(os.environ["MPLCONFIGDIR"])
    target.mkdir(parents=True, exist_ok=True)
    for font_list in folder.glob("fontlist-*.json"):
        shutil.copy(font_list, target / font_list.name)


def main(argv):
    channel = os.fdopen(int(argv[0]), "w", encoding="utf-8")
    folder = inbox()
    settings = json.loads((folder / "settings.json").read_text())
    nb = nbformat.reads((folder / "notebook.ipynb").read_text(encoding="utf-8"), as_version=4)
    _matplotlib_cache(folder)
    figures = bool(settings.get("figures"))
    arguments = ["--HistoryManager.hist_file=:memory:"]
    if not figures:  # drawing figures is a third of the time and no points
        arguments.append("--InlineBackend.figure_formats=set()")
    client = ReportingClient(
        nb, channel, settings["output_bytes"], figures, timeout=settings["cell_timeout"],
        kernel_name="python3", allow_errors=True, interrupt_on_timeout=True,
        error_on_timeout=TIMEOUT_ERROR, record_timing=False, store_widget_state=False,
        on_cell_executed=ReportingClient.record_reply_error,
        shutdown_kernel="immediate", extra_arguments=arguments)
    try:
        client.execute(cwd=os.getcwd())
    except DeadKernelError:
        client.send({"dead": client.current_index})
        return 0
    client.send({"done": True})
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
