"""`autograder publish`: the student edition and the teaching assistants' edition.

An edition is a tree of files computed in memory and then written either into a folder or
as one commit on a branch of the course repository (git plumbing only: a temporary index,
never the work tree or the current branch).

- student: release/ (every assignment), the package students need (only the modules the
  notebooks import and a command line with `autograder check` only), a student
  pyproject.toml and environment.yml, a student README.md, and the explorers of
  notebooks/ executed with every code cell that touches the reference implementations
  replaced by a note (their outputs and figures stay).
- solutions: solutions/ (executed, with figures), source/ and a README.md for class and
  office hours.

Neither ever holds verification/, tests/, benchmarks/ or course data. `autograder leaks`
(autograder.editions.leaks) checks an edition for answers and verification cases.
"""

import shutil
from pathlib import Path

from ..course.paths import CourseError, assignments, notebook
from .branch import branch_file, branch_tip, write_branch
from .explorers import student_explorer
from .readmes import SOLUTIONS_README, student_readme, title
from .student_package import student_environment, student_modules, student_pyproject

EDITIONS = ("student", "solutions")
MARKER = ".edition"


def _files_below(root, folder):
    """{relative path: bytes} of every file below root/folder, caches left out."""
    found = {}
    base = Path(root) / folder
    for path in sorted(base.rglob("*")):
        parts = path.relative_to(root).parts
        if path.is_file() and not any(p in ("__pycache__", ".ipynb_checkpoints") for p in parts):
            found[path.relative_to(root).as_posix()] = path.read_bytes()
    return found


# ---------------------------------------------------------------- the editions


def _built(root, stage, *also):
    """{path: bytes} of every assignment's ``stage`` folder (and its ``also`` folders);
    CourseError when the build is missing."""
    files = {}
    for name in assignments(root):
        if not notebook(root, stage, name).is_file():
            raise CourseError(f"{stage}/{name} is missing: run `autograder build` first.")
        for folder in (stage, *also):
            files.update(_files_below(root, f"{folder}/{name}"))
    return files


def student_files(root, previous=lambda path: None):
    """{path: bytes} of the student edition; ``previous(path)`` gives an earlier copy."""
    root = Path(root)
    files = _built(root, "release")
    for module, data in student_modules().items():
        files[f"autograder/{module}"] = data
    files["pyproject.toml"] = student_pyproject(root).encode()
    files["environment.yml"] = student_environment(root).encode()
    files["README.md"] = student_readme(root).encode()
    for path in sorted((root / "notebooks").glob("*.ipynb")):
        relative = f"notebooks/{path.name}"
        files[relative] = student_explorer(root, path, previous(relative))
    files[MARKER] = b"student\n"
    return files


def solutions_files(root, previous=lambda path: None):
    """{path: bytes} of the solutions edition: solutions/, source/ and a README.md."""
    root = Path(root)
    files = _built(root, "solutions", "source")
    files["README.md"] = SOLUTIONS_README.format(title=title(root)).encode()
    files[MARKER] = b"solutions\n"
    return files


def edition_files(root, edition, previous=lambda path: None):
    """{path: bytes} of ``edition`` ("student" or "solutions")."""
    if edition not in EDITIONS:
        raise CourseError(f"Unknown edition {edition!r}; choose one of: {', '.join(EDITIONS)}.")
    make = student_files if edition == "student" else solutions_files
    return make(root, previous)


# ---------------------------------------------------------------- writing a folder


def write_folder(files, dest, edition):
    """Replace the edition in ``dest`` (absent, empty, or an earlier edition of this kind)."""
    dest = Path(dest)
    if dest.exists():
        entries = [p for p in dest.iterdir() if p.name != ".git"]
        marker = dest / MARKER
        if entries and not (marker.is_file() and marker.read_text().strip() == edition):
            raise CourseError(f"{dest} is not empty and holds no earlier {edition} edition; "
                              "choose a new folder.")
        for entry in entries:
            shutil.rmtree(entry) if entry.is_dir() and not entry.is_symlink() else entry.unlink()
    for relative, data in files.items():
        target = dest / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)


def _folder_previous(dest):
    dest = Path(dest)
    return lambda relative: (dest / relative).read_bytes() if (dest / relative).is_file() \
        else None



# ---------------------------------------------------------------- the verb


def publish(*, root, edition, dest=None, branch=None, log=print):
    """Write ``edition`` ("student" or "solutions") into the folder ``dest`` or as a commit
    on ``branch`` of the repository at ``root``. Returns the folder, the new commit, or None
    when the branch already holds the same tree."""
    if (dest is None) == (branch is None):
        raise CourseError("Give either a destination folder or --branch NAME.")
    root = Path(root)
    if dest is not None:
        dest = Path(dest).resolve()
        files = edition_files(root, edition, _folder_previous(dest))
        write_folder(files, dest, edition)
        log(f"{edition} edition: {len(files)} files written to {dest}")
        return dest
    tip = branch_tip(root, branch)
    previous = (lambda path: branch_file(root, tip, path)) if tip else (lambda path: None)
    files = edition_files(root, edition, previous)
    commit = write_branch(root, files, branch, edition)
    if commit is None:
        log(f"{edition} edition: branch {branch} already holds this tree; no new commit")
    else:
        log(f"{edition} edition: {len(files)} files committed to branch {branch} as {commit}")
    return commit
