"""Feedback pages are rendered in a worker process with a time and a memory limit
(``c.FeedbackWorker.seconds`` per page, ``c.FeedbackWorker.memory_mb`` of address space),
so that no notebook can stall or exhaust the grading process. The worker renders page
after page; one that fails or runs out of time is reported, and a worker that ran out of
time or died is replaced for the next page.

``python -m autograder.grading.feedback_worker FD ROOT MEMORY_MB`` is the worker: it reads
(assignment, student) requests from the connection on file descriptor FD and answers each
with None (the page is written) or why it could not be.
"""

import resource
import signal
import socket
import subprocess
import sys
from multiprocessing.connection import Connection

from traitlets import Float, Int
from traitlets.config import Configurable


class FeedbackWorker(Configurable):
    """The grading process's end of the worker."""

    seconds = Float(60.0, help="Longest a feedback page may take to render, in seconds"
                    ).tag(config=True)
    memory_mb = Int(2048, help="Address space of the process that renders feedback, in MiB"
                    ).tag(config=True)

    def __init__(self, root, **kwargs):
        super().__init__(**kwargs)
        self.root = str(root)
        self.process = self.connection = None

    def _start(self):
        """Start a worker; None once it is ready, else why not."""
        ours, theirs = socket.socketpair()
        self.process = subprocess.Popen(
            [sys.executable, "-m", __name__, str(theirs.fileno()), self.root,
             str(self.memory_mb)], pass_fds=[theirs.fileno()], stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL)
        theirs.close()
        self.connection = Connection(ours.detach())
        return self._answer("start")

    def _answer(self, what):
        """The worker's answer to the last request; its error text, or why none came."""
        try:
            if self.connection.poll(self.seconds):
                return self.connection.recv()
            problem = f"the feedback page did not {what} within {self.seconds:g} s"
        except (EOFError, OSError):
            problem = (f"the feedback renderer stopped (out of its {self.memory_mb} MiB, "
                       "or it crashed)")
        self.stop()
        return problem

    def render(self, assignment, student):
        """Render ``student``'s page; None once written, else why it was not."""
        if self.process is None:
            problem = self._start()
            if problem:
                return problem
        try:
            self.connection.send((assignment, student))
        except OSError:
            self.stop()
            return "the feedback renderer stopped"
        return self._answer("render")

    def stop(self):
        """End the worker (a new one starts for the next page)."""
        if self.process is not None:
            self.connection.close()
            self.process.kill()
            self.process.wait()
        self.process = self.connection = None


def serve(connection, root):
    """Render the pages ``connection`` asks for until it closes."""
    from .feedback import PageRenderer
    from ..course.nbgrader_api import open_api

    renderer = PageRenderer(open_api(root))
    connection.send(None)
    while True:
        try:
            assignment, student = connection.recv()
        except EOFError:
            return
        try:
            renderer.write(assignment, student)
            connection.send(None)
        except Exception as error:  # noqa: BLE001 - any failure is the page's, reported
            connection.send(f"{type(error).__name__}: {error}"[:300])


if __name__ == "__main__":
    # Ctrl-C at the terminal reaches the whole process group: the grading process decides
    # when this worker stops (it closes the connection, or kills it).
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    fd, course, megabytes = sys.argv[1:]
    limit = int(megabytes) << 20
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    serve(Connection(int(fd)), course)
