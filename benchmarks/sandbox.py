"""What the sandbox costs: a trivial notebook run in bubblewrap against the same run as a
plain process, and how soon a notebook past its wall clock is stopped."""

import json

import nbformat

from autograder import sandbox

from .timing import once_seconds

WALL = 5


def _run(sources, limits, wall):
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(s) for s in sources])
    nb.metadata.kernelspec = {"name": "python3", "display_name": "Python 3", "language": "python"}
    settings = {"cell_timeout": limits.cell_timeout, "output_bytes": limits.output_kb * 1024}
    return sandbox.run("autograder.run_notebook", [],
                       {"notebook.ipynb": nbformat.writes(nb).encode(),
                        "settings.json": json.dumps(settings).encode()},
                       limits, wall, channel_limit=1 << 22)


def run(root):
    if not sandbox.available():
        print("\nSandbox: bubblewrap is not installed; nothing to measure")
        return
    on, off = sandbox.Limits(), sandbox.Limits(enabled=False)
    plain = min(once_seconds(lambda: _run(["1 + 1"], off, 120)) for _ in range(3))
    boxed = min(once_seconds(lambda: _run(["1 + 1"], on, 120)) for _ in range(3))
    stopped = _run(["import time; time.sleep(300)"], on, WALL)
    if not stopped.timed_out:
        raise RuntimeError("the wall clock did not stop the notebook")
    print(f"\nSandbox: a trivial notebook {boxed:.2f} s in bubblewrap, {plain:.2f} s as a plain "
          f"process (x{boxed / plain:.2f}); a notebook past its {WALL} s wall clock stopped "
          f"after {stopped.seconds:.2f} s")
