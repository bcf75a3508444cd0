"""Inside the sandbox: load a submission's code cells and call its functions on unseen inputs.

``python -m autograder.run_verification FD`` reads /work/in/verify.json (the code cells to
load and the manifest of cases, see autograder.verification) with the case inputs as .npy
files beside it, and writes one JSON line per case to file descriptor FD: the outputs as
base64-encoded .npy bytes, or the error the call raised. Each cell and each call has a time
limit. The grader, outside, decides whether the outputs are right.
"""

import base64
import io
import json
import os
import re
import signal
import sys

import numpy as np

from .inbox import inbox
from .verification import run_entry


class CallTimeout(Exception):
    """A cell or a call ran longer than its time limit."""


def _alarm(signum, frame):
    raise CallTimeout("ran longer than the time limit")


class _Shell:
    """Stands in for get_ipython() so magics in a solution cell do nothing."""

    def __getattr__(self, name):
        return lambda *args, **kwargs: None


def _python_source(source):
    """The cell's source with IPython syntax (magics, !commands) turned into Python;
    IPython, slow to import, only for a cell that may hold such syntax."""
    if not re.search(r"^\s*[%!]|\?\s*$", source, flags=re.MULTILINE):
        return source
    from IPython.core.inputtransformer2 import TransformerManager

    return TransformerManager().transform_cell(source)


def _describe(error):
    """``Name: message`` of an exception, bounded."""
    return (f"{type(error).__name__}: {error}" if str(error) else type(error).__name__)[:500]


def _encode(array):
    buffer = io.BytesIO()
    np.save(buffer, np.asarray(array, dtype=float), allow_pickle=False)
    return base64.b64encode(buffer.getvalue()).decode("ascii")


def _timed(seconds, function, *args):
    signal.signal(signal.SIGALRM, _alarm)
    signal.alarm(max(1, int(seconds)))
    try:
        return function(*args)
    finally:
        signal.alarm(0)


def main(argv):
    channel = os.fdopen(int(argv[0]), "w", encoding="utf-8")
    folder = inbox()
    job = json.loads((folder / "verify.json").read_text())
    os.environ["MPLBACKEND"] = "Agg"

    def send(message):
        channel.write(json.dumps(message) + "\n")
        channel.flush()

    namespace = {"__name__": "__main__", "get_ipython": _Shell}
    for index, source in enumerate(job["cells"]):
        try:
            code = compile(_python_source(source), f"<cell {index}>", "exec")
            _timed(job["cell_seconds"], exec, code, namespace)
        except BaseException as error:  # noqa: BLE001 - a student's cell may raise anything
            send({"cell": index, "error": _describe(error)})
    for index, entry in enumerate(job["manifest"]):
        try:
            outputs = _timed(job["case_seconds"], run_entry, namespace, entry, folder)
            send({"case": index, "outputs": [_encode(a) for a in outputs]})
        except BaseException as error:  # noqa: BLE001
            send({"case": index, "error": _describe(error)})
    send({"done": True})
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
