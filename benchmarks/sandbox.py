"""What the sandbox costs: a trivial notebook run in bubblewrap against the same run as a
plain process, how soon a notebook past its wall clock is stopped, and what one call of a
student's function from a grade cell costs through the proxy against a call in-process."""

import time

import nbformat
import numpy as np

from autograder.sandbox import session as sandbox
from autograder.sandbox.limits import Limits
from autograder.grading import work

from .timing import once_seconds

WALL = 5
CALLS = 2000


def _run(sources, limits, grade=None):
    """grade_unit on cells ``sources``, then a grade cell ``grade`` if given."""
    cells = [nbformat.v4.new_code_cell(s) for s in sources]
    if grade:
        cells.append(nbformat.v4.new_code_cell(grade))
        cells[-1].metadata["nbgrader"] = {"grade": True, "grade_id": "calls", "points": 1,
                                          "solution": False, "locked": True}
    nb = nbformat.v4.new_notebook(cells=cells)
    nb.metadata.kernelspec = {"name": "python3", "display_name": "Python 3", "language": "python"}
    return work.grade_unit(work.Job(student="bench", assignment="bench",
                                    notebook=nbformat.writes(nb), checks={}, limits=limits))


def _in_process():
    """Seconds per call of the same function in this process."""
    def f(x):
        return x
    x = np.ones(10)
    started = time.perf_counter()
    for _ in range(CALLS):
        f(x)
    return (time.perf_counter() - started) / CALLS


def run(root):
    if not sandbox.available():
        print("\nSandbox: bubblewrap is not installed; nothing to measure")
        return
    on, off = Limits(), Limits(enabled=False)
    plain = min(once_seconds(lambda: _run(["1 + 1"], off)) for _ in range(3))
    boxed = min(once_seconds(lambda: _run(["1 + 1"], on)) for _ in range(3))
    started = time.monotonic()
    stopped = _run(["import time; time.sleep(300)"], Limits(wall_seconds=WALL))
    after = time.monotonic() - started
    if not stopped.status.startswith("timeout"):
        raise RuntimeError("the wall clock did not stop the notebook")
    print(f"\nSandbox: a trivial notebook {boxed:.2f} s in bubblewrap, {plain:.2f} s as a plain "
          f"process (x{boxed / plain:.2f}); a notebook past its {WALL} s wall clock stopped "
          f"after {after:.2f} s")
    calls = _run(["import numpy as np\ndef f(x):\n    return x"], on,
                 f"import numpy as np\nx = np.ones(10)\nfor _ in range({CALLS}):\n    f(x)")
    if calls.calls != CALLS or not calls.status.startswith("ok"):
        raise RuntimeError(f"the proxy benchmark did not run: {calls.status}")
    proxy, local = calls.seconds["calls"] / calls.calls, _in_process()
    print(f"Proxy: one call of a student's function from a grade cell (an array of 10 in and "
          f"out) {proxy * 1e3:.3f} ms through the sandbox, {local * 1e6:.2f} us in-process "
          f"(x{proxy / local:.0f})")
