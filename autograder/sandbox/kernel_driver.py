"""Inside the sandbox: run the student's cells in an IPython kernel and relay a grade cell's
calls to it.

``python -m autograder.sandbox.kernel_driver FD`` reads /work/in/notebook.ipynb, whose grade cells
are empty (their tests never enter the sandbox), and /work/in/settings.json. It executes
every other code cell in order, exactly as nbclient does, and writes one frame per cell to
file descriptor FD (:mod:`autograder.sandbox.plain_data` frames): ``{"cell": i, "outputs": [...],
"execution_count": n}``. At a grade cell it writes ``{"grade": i}`` and relays the trusted
test runner's requests, read from standard input, to a forked copy of the kernel
(:mod:`autograder.sandbox.kernel_calls`) until the runner sends ``{"op": "end"}``. It ends with
``{"dead": i}`` if the kernel died in cell i, else ``{"done": true}``. Output beyond the
limit is dropped as it arrives; figures are not drawn unless settings.json asks for them.
"""

import asyncio
import ctypes
import json
import os
import secrets
import shutil
import socket
import sys
from pathlib import Path

from . import startup  # noqa: F401 - before nbformat
from .inbox import inbox
from .plain_data import FrameError, read_frame, write_frame

import nbformat  # noqa: E402, I001
from nbclient import NotebookClient  # noqa: E402
from nbclient.exceptions import DeadKernelError  # noqa: E402

TIMEOUT_ERROR = {"ename": "CellTimeoutError", "evalue": "the cell ran longer than the time limit",
                 "traceback": ["CellTimeoutError: the cell ran longer than the time limit"]}
GRADE_CELL = "autograder_grade_cell"  # cell metadata key: a grade cell, emptied
CONNECT_SECONDS = 20


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
        write_frame(self.channel, message)

    async def run_all(self, requests, folder):
        """Every cell in order: student cells in the kernel, grade cells relayed."""
        async with self.async_setup_kernel(cwd=os.getcwd()):
            reply = await self.async_wait_for_reply(await _maybe_await(self.kc.kernel_info()))
            if reply is not None:
                self.nb.metadata["language_info"] = reply["content"].get("language_info", {})
            dead = None
            for index, cell in enumerate(self.nb.cells):
                if cell.metadata.get(GRADE_CELL):
                    self.send({"grade": index})
                    if dead is None:
                        await self.relay(requests, folder)
                    else:
                        _refuse_all(requests, self.channel, f"the kernel died in cell {dead + 1}")
                elif dead is None:
                    try:
                        await self.async_execute_cell(
                            cell, index, execution_count=self.code_cells_executed + 1)
                    except DeadKernelError:
                        dead = index
                        self.send({"dead": index})
        return dead

    async def relay(self, requests, folder):
        """Serve one grade cell: fork the kernel when the first request comes, pass every
        request to the copy and its answer back, until the runner says end."""
        calls = None
        try:
            while True:
                request, blobs = read_frame(requests)
                if request.get("op") == "end":
                    return
                if calls is None:
                    calls = await self.fork(folder)
                reply, out = calls.ask(request, blobs)
                write_frame(self.channel, reply, out)
        finally:
            if calls is not None:
                await calls.close()

    async def fork(self, folder):
        """A connection to a fresh forked copy of the kernel (or a dead one that says why)."""
        path = folder / f"calls-{secrets.token_hex(8)}.sock"
        listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        listener.bind(str(path))
        listener.listen(1)
        listener.settimeout(CONNECT_SECONDS)
        # A user expression, not code: input transformers and cell hooks never see it.
        serve = (f'__import__("autograder.sandbox.kernel_calls", fromlist=["serve_forked"])'
                 f'.serve_forked({str(path)!r})')
        msg_id = self.kc.execute("", silent=True, store_history=False, allow_stdin=False,
                                 user_expressions={"calls": serve})
        try:
            connection, _ = listener.accept()
        except OSError:
            self.send({"flag": "the kernel did not answer the grader's calls (a changed "
                               "import system, a hook or a blocked kernel)"})
            return Calls(None, None, self, msg_id, "the kernel did not answer the grader's calls")
        finally:
            listener.close()
            path.unlink(missing_ok=True)
        calls = Calls(connection, None, self, msg_id)
        try:
            hello, _ = read_frame(calls.stream)
            calls.pid = int(hello["hello"])
        except (EOFError, FrameError, OSError, KeyError, TypeError, ValueError):
            calls.fail("the kernel's copy did not introduce itself")
        return calls


class Calls:
    """The connection to the forked copy of the kernel that answers one grade cell."""

    def __init__(self, connection, pid, client, msg_id, failure=None):
        self.connection, self.pid, self.client, self.msg_id = connection, pid, client, msg_id
        self.stream = connection.makefile("rwb") if connection else None
        self.failure = failure

    def fail(self, why):
        self.failure = why
        self.kill()

    def ask(self, request, blobs):
        """The copy's answer to ``request`` (its time limit in request["seconds"])."""
        if self.failure:
            return {"ok": False, "failure": self.failure}, []
        seconds = request.get("seconds")
        self.connection.settimeout(float(seconds) if isinstance(seconds, (int, float)) else None)
        try:
            write_frame(self.stream, request, blobs)
            return read_frame(self.stream)
        except TimeoutError:
            self.fail(f"a call did not finish within {seconds:g} s")
        except (EOFError, OSError, FrameError):
            self.fail("the kernel's copy died during a call (the function crashed the process "
                      "or exited)")
        return {"ok": False, "failure": self.failure}, []

    def kill(self):
        if self.pid:
            try:
                os.kill(self.pid, 9)
            except OSError:
                pass

    async def close(self):
        """End the copy and wait for the kernel to be idle again."""
        if self.connection is not None:
            try:
                self.connection.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            self.stream.close()
            self.connection.close()
        if self.failure:
            self.kill()
        try:
            await self.client.async_wait_for_reply(self.msg_id)
        except Exception:  # noqa: BLE001 - a kernel that dies now fails the next cell
            pass


def _refuse_all(requests, channel, why):
    """Answer every request of a grade cell with ``why`` until the runner says end."""
    while True:
        request, _ = read_frame(requests)
        if request.get("op") == "end":
            return
        write_frame(channel, {"ok": False, "failure": why})


async def _maybe_await(value):
    return await value if asyncio.iscoroutine(value) else value


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


def _undumpable():
    """Keep the kernel (same uid) from tracing this process or reading its descriptors."""
    try:
        ctypes.CDLL(None, use_errno=True).prctl(4, 0, 0, 0, 0)  # PR_SET_DUMPABLE, 0
    except (OSError, AttributeError):
        pass


def main(argv):
    _undumpable()
    channel = os.fdopen(int(argv[0]), "wb")
    requests = sys.stdin.buffer
    folder = inbox()
    settings = json.loads((folder / "settings.json").read_text())
    nb = nbformat.reads((folder / "notebook.ipynb").read_text(encoding="utf-8"), as_version=4)
    _matplotlib_cache(folder)
    sockets = Path(os.environ.get("TMPDIR", "/tmp")) / f"autograder-{secrets.token_hex(8)}"
    sockets.mkdir(mode=0o700)
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
        dead = asyncio.run(client.run_all(requests, sockets))
    except (EOFError, FrameError):
        return 0  # the runner stopped talking: nothing more to do
    if dead is None:
        client.send({"done": True})
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
