"""Where things are in a course folder: its root, its assignments and their notebooks."""

from pathlib import Path

CONFIG_FILE = "nbgrader_config.py"


class CourseError(Exception):
    """A problem with the course folder or the command's arguments, explained for a person."""


def find_root(root=None):
    """``root`` if given (it must hold nbgrader_config.py), else the nearest folder at or
    above the working directory that does."""
    if root is not None:
        root = Path(root).resolve()
        if not (root / CONFIG_FILE).is_file():
            raise CourseError(f"{root} is not a course folder: it has no {CONFIG_FILE}.")
        return root
    here = Path.cwd().resolve()
    for folder in (here, *here.parents):
        if (folder / CONFIG_FILE).is_file():
            return folder
    raise CourseError(f"No {CONFIG_FILE} in {here} or above: run this inside the course folder "
                      "or pass --root.")


def assignments(root):
    """The names of the assignments in source/, sorted: folders holding <name>/<name>.ipynb."""
    source = Path(root) / "source"
    return sorted(p.parent.name for p in source.glob("*/*.ipynb") if p.stem == p.parent.name)


def check_assignment(root, assignment):
    """Raise CourseError unless ``assignment`` is one of the course's assignments."""
    known = assignments(root)
    if assignment not in known:
        raise CourseError(f"Unknown assignment {assignment!r}; the course has: {', '.join(known)}.")


def notebook(root, stage, assignment):
    """Path of ``assignment``'s notebook in ``stage`` (source, release or solutions)."""
    return Path(root) / stage / assignment / f"{assignment}.ipynb"
