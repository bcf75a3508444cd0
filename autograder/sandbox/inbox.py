"""Where a sandboxed process finds its input files (light: runners import it first)."""

import os
from pathlib import Path


def inbox():
    """The folder holding this run's input files: /work/in in the sandbox."""
    return Path(os.environ.get("AUTOGRADER_INPUT", "/work/in"))
