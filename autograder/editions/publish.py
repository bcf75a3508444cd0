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

import ast
import hashlib
import json
import os
import re
import shutil
import subprocess
import tempfile
import tomllib
from pathlib import Path

import nbformat

from ..course.paths import CourseError, assignments, notebook

EDITIONS = ("student", "solutions")
MARKER = ".edition"
PACKAGE = Path(__file__).parents[1]
# The modules students get (paths below the package): what the notebooks import, and what
# `autograder check` needs (grading/check.py, when it exists, with everything it imports or
# starts with `python -m`).
STUDENT_MODULES = ("__init__.py", "__main__.py", "student/__init__.py", "student/callables.py",
                   "student/checks.py", "student/failure_display.py", "student/mistakes.py",
                   "student/cells.py", "student/interactive.py")
CHECK_MODULE = "grading/check.py"
# Never shipped to students: they load the answers and the verification cases, or grade a
# class. A module students need that imports one of them at module level fails the
# publication (an import inside a function, used only where source/ exists, is fine).
GRADER_ONLY = ("grading/answer_key.py", "course/reference.py", "grading/grade.py",
               "editions/build.py", "editions/validate.py", "editions/publish.py",
               "editions/leaks.py", "grading/inject.py", "grading/feedback.py",
               "grading/grades_csv.py", "grading/grading_log.py", "course/nbgrader_api.py",
               "grading/executors.py", "grading/progress.py")
_STARTED = re.compile(r"[\"']autograder\.([\w.]+)[\"']")
# A code cell of an explorer that touches the reference implementations.
REFERENCE_CODE = re.compile(r"autograder\.course\.reference|\bload\(|\bref\b")
REFERENCE_NOTE = ("# The code of this cell uses the reference implementations (the answers),\n"
                  "# so it is not part of the student edition; its output is kept below.\n")

STUDENT_CLI = '''"""The `autograder` command of the student edition: `autograder check NOTEBOOK`."""

import argparse
import sys


def parser():
    main_parser = argparse.ArgumentParser(
        prog="autograder", description="Check a notebook before you hand it in.")
    verbs = main_parser.add_subparsers(dest="verb", required=True, metavar="VERB")
    p = verbs.add_parser("check", help="run the notebook's tests the way grading does and "
                                       "print its points and failing tests")
    p.add_argument("notebook", help="e.g. release/01_regression_losses/01_regression_losses.ipynb")
    p.add_argument("--no-sandbox", action="store_true",
                   help="run the notebook as a plain process even if bubblewrap is installed")
    return main_parser


def main(argv=None):
    args = parser().parse_args(argv)
    try:
        from .check import check
        from .course import CourseError
    except ImportError:
        print("autograder check is not part of this edition: press Validate in the notebook "
              "instead.", file=sys.stderr)
        return 2
    try:
        return check(notebook=args.notebook, sandbox=False if args.no_sandbox else None).exit_code
    except CourseError as error:
        print(f"autograder: {error}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
'''


def _files_below(root, folder):
    """{relative path: bytes} of every file below root/folder, caches left out."""
    found = {}
    base = Path(root) / folder
    for path in sorted(base.rglob("*")):
        parts = path.relative_to(root).parts
        if path.is_file() and not any(p in ("__pycache__", ".ipynb_checkpoints") for p in parts):
            found[path.relative_to(root).as_posix()] = path.read_bytes()
    return found


# ---------------------------------------------------------------- the student package


def _files_of(parts, package=PACKAGE):
    """Files of this package that importing the module ``parts`` (names below autograder)
    loads: the __init__.py of each package on the way and the module itself."""
    files = {"/".join((*parts[:i], "__init__.py")) for i in range(len(parts) + 1)}
    if parts:
        files.add("/".join(parts) + ".py")
    return {f for f in files if (package / f).is_file()}


def _package_imports(source, path, package=PACKAGE):
    """Files of this package that ``source`` (the module at ``path`` below the package)
    imports at module level (relative or as autograder.X) or starts
    (``"autograder.sandbox.kernel_driver"``)."""
    found = set()
    for name in _STARTED.findall(source):
        found |= _files_of(tuple(name.split(".")), package)
    here = tuple(Path(path).parent.parts)
    for node in ast.parse(source).body:
        if isinstance(node, ast.ImportFrom):
            dotted = node.module.split(".") if node.module else []
            if node.level:
                parts = (*here[:len(here) - node.level + 1], *dotted)
            elif dotted[:1] == ["autograder"]:
                parts = tuple(dotted[1:])
            else:
                continue
            found |= _files_of(parts, package)
            for alias in node.names:
                found |= _files_of((*parts, alias.name), package)
        elif isinstance(node, ast.Import):
            for alias in node.names:
                parts = alias.name.split(".")
                if parts[0] == "autograder":
                    found |= _files_of(tuple(parts[1:]), package)
    return found


def student_modules(package=PACKAGE):
    """{module file name: bytes} of the student package: STUDENT_MODULES, the check module
    if present, and everything they import or start from this package; GRADER_ONLY modules
    never, cli.py as the student command line."""
    wanted = list(STUDENT_MODULES) + ([CHECK_MODULE] if (package / CHECK_MODULE).is_file()
                                      else [])
    chosen, queue = {}, [(name, "the student package") for name in wanted]
    while queue:
        name, importer = queue.pop()
        if name in chosen or name == "cli.py":
            continue
        if name in GRADER_ONLY:
            raise CourseError(f"autograder/{importer} imports autograder/{name}, which is "
                              "grader material and not part of the student edition: import "
                              "it only where the answer key is used.")
        chosen[name] = (package / name).read_bytes()
        queue.extend((n, name) for n in _package_imports(chosen[name].decode(), name, package))
    chosen["cli.py"] = STUDENT_CLI.encode()
    return dict(sorted(chosen.items()))


def student_pyproject(root):
    """pyproject.toml of the student package: its runtime dependencies, no test extras."""
    project = tomllib.loads((Path(root) / "pyproject.toml").read_text())["project"]
    deps = "".join(f"    {json.dumps(d)},\n" for d in project.get("dependencies", []))
    return (
        "[build-system]\n"
        'requires = ["setuptools>=68"]\n'
        'build-backend = "setuptools.build_meta"\n\n'
        "[project]\n"
        'name = "autograder"\n'
        f"version = {json.dumps(project['version'])}\n"
        'description = "Test helpers and explorers for the course notebooks (student edition)"\n'
        'readme = "README.md"\n'
        f"requires-python = {json.dumps(project.get('requires-python', '>=3.10'))}\n"
        f"dependencies = [\n{deps}]\n\n"
        "[project.scripts]\n"
        'autograder = "autograder.cli:main"\n\n'
        "[tool.setuptools.packages.find]\n"
        'include = ["autograder*"]\n')


def student_environment(root):
    """environment.yml for conda users of the student edition: runtime dependencies only."""
    project = tomllib.loads((Path(root) / "pyproject.toml").read_text())["project"]
    python = project.get("requires-python", ">=3.10")
    pins = "".join(f"      - {d}\n" for d in project.get("dependencies", []))
    return ("# conda env create -f environment.yml && conda activate dl-lecture-07\n"
            "name: dl-lecture-07\n"
            "channels:\n  - conda-forge\n"
            f"dependencies:\n  - python{python}\n  - pip\n  - pip:\n{pins}      - -e .\n")


STUDENT_README = """# {title}: the student edition

Four assignments, one folder each in `release/`:

{table}

## Install
With pip (Python 3.10 or newer), in this folder:

```bash
python -m venv .venv && . .venv/bin/activate
pip install -e .
```

or with conda:

```bash
conda env create -f environment.yml && conda activate dl-lecture-07
```

Both install JupyterLab, nbgrader, NumPy, Matplotlib, ipywidgets and the small `autograder`
package the notebooks import their tests from (`autograder.student.checks`).

## Work on an assignment
1. `jupyter lab`, then open `release/<assignment>/<assignment>.ipynb`.
2. Replace each `raise NotImplementedError()` with your code. The test cell below each
   function says at once what is wrong: what was called, what was expected, what came
   back and the likely mistake. Hidden tests grade more cases than you see (other shapes,
   list inputs, huge values): write general NumPy code, not code for the examples.
3. Run *Kernel → Restart Kernel and Run All Cells*, then press **Validate** (nbgrader's
   button in the notebook toolbar): it runs every test from a fresh kernel.
4. Before you hand in, check the notebook from a terminal:

   ```bash
   autograder check release/<assignment>/<assignment>.ipynb
   ```

5. Hand in the notebook `<assignment>.ipynb` (keep its name and its test cells unchanged)
   the way your instructor asks: nbgrader's Assignments tab (*Submit*) or the course's
   upload page.

## Explorers
`notebooks/` holds the lecture companions with their figures, for reading. The cells that
use the reference implementations (the answers) are left out, so they do not run here.
"""

SOLUTIONS_README = """# {title}: the answer key (instructors and teaching assistants)

Not for students: this edition holds every answer and every hidden test.

- `solutions/<assignment>/`: each notebook executed with its answers, outputs and figures;
  read it without running anything.
- `source/<assignment>/`: the instructors' notebooks, the answers between the `BEGIN
  SOLUTION` and `END SOLUTION` markers, the hidden tests between `BEGIN HIDDEN TESTS` and
  `END HIDDEN TESTS`.

## In class
Open `solutions/<assignment>/<assignment>.ipynb` to walk through a worked example after
the deadline; the figures are already there, nothing needs to run.

## In office hours
Compare a student's failing function with the answer in `source/` and with the visible
and hidden tests below it; explain the failure message the student sees rather than show
the answer. The hidden tests are secret: do not paste them into a chat or a forum.

## Keep it private
Published with `autograder publish solutions --branch solutions`; push that branch only to
a private remote: `git push <private-remote> solutions`. Never push it to the students'
repository.
"""


def _title(root):
    first = (Path(root) / "README.md").read_text().splitlines()[0] if \
        (Path(root) / "README.md").is_file() else "# Course"
    return first.lstrip("# ").split(":")[0].strip() or "Course"


def _student_readme(root):
    rows = "\n".join(f"- `release/{a}/{a}.ipynb`" for a in assignments(root))
    return STUDENT_README.format(title=_title(root), table=rows)


# ---------------------------------------------------------------- explorers


def explorer_fingerprint(root, path):
    """SHA-256 over an explorer, the source notebooks and the modules notebooks import."""
    digest = hashlib.sha256(Path(path).read_bytes())
    for name in assignments(root):
        digest.update(notebook(root, "source", name).read_bytes())
    for name in ("student/checks.py", "student/interactive.py", "editions/publish.py"):
        digest.update((PACKAGE / name).read_bytes())
    return digest.hexdigest()


def _executed_explorer(root, path, previous, generated, strip):
    """The explorer at ``path`` executed headless (``previous``, bytes of an earlier copy,
    reused when its fingerprint matches); ``strip`` replaces every code cell that touches
    the reference implementations by a note, keeping its outputs."""
    from ..course.execute import errors, execute_file

    fingerprint = explorer_fingerprint(root, path)
    if previous:
        try:
            old = nbformat.reads(previous.decode(), as_version=4)
            if old.metadata.get("autograder", {}).get("explorer_sha256") == fingerprint:
                return previous
        except Exception:  # noqa: BLE001 - an unreadable previous copy is re-made
            pass
    nb = execute_file(Path(path))
    failed = errors(nb)
    if failed:
        raise CourseError(f"{path} raised errors when executed:\n" + "\n".join(failed))
    for cell in nb.cells:
        if strip and cell.cell_type == "code" and REFERENCE_CODE.search(cell.source):
            cell.source = REFERENCE_NOTE
        cell.metadata.pop("execution", None)
    nb.metadata.pop("widgets", None)
    nb.metadata["autograder"] = {"generated": generated, "explorer_sha256": fingerprint}
    return nbformat.writes(nb).encode() + b"\n"


def student_explorer(root, path, previous=None):
    """The explorer for the student edition: executed, reference code left out."""
    return _executed_explorer(
        root, path, previous, strip=True,
        generated=f"`autograder publish student` from notebooks/{Path(path).name}; "
                  "cells that use the reference implementations are left out")


def reading_explorer(root, path, previous=None):
    """The explorer for the reading site: executed with all its code and figures."""
    return _executed_explorer(root, path, previous, strip=False,
                              generated=f"`make site` from notebooks/{Path(path).name}")


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
    files["README.md"] = _student_readme(root).encode()
    for path in sorted((root / "notebooks").glob("*.ipynb")):
        relative = f"notebooks/{path.name}"
        files[relative] = student_explorer(root, path, previous(relative))
    files[MARKER] = b"student\n"
    return files


def solutions_files(root, previous=lambda path: None):
    """{path: bytes} of the solutions edition: solutions/, source/ and a README.md."""
    root = Path(root)
    files = _built(root, "solutions", "source")
    files["README.md"] = SOLUTIONS_README.format(title=_title(root)).encode()
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


# ---------------------------------------------------------------- writing a branch


def git(root, *args, input=None, env=None):
    """Run git in ``root``; its stdout as bytes. A failure becomes a CourseError."""
    result = subprocess.run(["git", "-C", str(root), *args], input=input, capture_output=True,
                            env=env)
    if result.returncode:
        raise CourseError(f"git {' '.join(args)} failed: {result.stderr.decode().strip()}")
    return result.stdout


def branch_tip(root, branch):
    """The commit at refs/heads/``branch``, or None."""
    result = subprocess.run(["git", "-C", str(root), "rev-parse", "-q", "--verify",
                             f"refs/heads/{branch}^{{commit}}"], capture_output=True, text=True)
    return result.stdout.strip() if result.returncode == 0 else None


def branch_file(root, commit, path):
    """Bytes of ``path`` in ``commit``, or None."""
    result = subprocess.run(["git", "-C", str(root), "cat-file", "blob", f"{commit}:{path}"],
                            capture_output=True)
    return result.stdout if result.returncode == 0 else None


def _identity_env(root):
    env = dict(os.environ)
    for key, var in (("user.name", "NAME"), ("user.email", "EMAIL")):
        configured = subprocess.run(["git", "-C", str(root), "config", key],
                                    capture_output=True, text=True).stdout.strip()
        value = configured or ("autograder publish" if var == "NAME" else "autograder@localhost")
        env.setdefault(f"GIT_AUTHOR_{var}", value)
        env.setdefault(f"GIT_COMMITTER_{var}", value)
    return env


def write_branch(root, files, branch, edition):
    """Commit ``files`` as the whole tree of ``branch``; return the new commit, or None when
    the tree equals the branch tip's (nothing to publish)."""
    git(root, "check-ref-format", "--branch", branch)
    current = subprocess.run(["git", "-C", str(root), "symbolic-ref", "-q", "HEAD"],
                             capture_output=True, text=True).stdout.strip()
    if current == f"refs/heads/{branch}":
        raise CourseError(f"{branch} is the checked-out branch; publish to another one.")
    head = git(root, "rev-parse", "HEAD").decode().strip()
    dirty = bool(git(root, "status", "--porcelain", "--untracked-files=no").strip())
    tip = branch_tip(root, branch)
    with tempfile.TemporaryDirectory() as scratch:
        env = dict(os.environ, GIT_INDEX_FILE=str(Path(scratch) / "index"))
        entries = []
        for relative, data in sorted(files.items()):
            blob = git(root, "hash-object", "-w", "--stdin", input=data).decode().strip()
            entries.append(f"100644 {blob}\t{relative}\n")
        git(root, "update-index", "--add", "--index-info", input="".join(entries).encode(),
            env=env)
        tree = git(root, "write-tree", env=env).decode().strip()
    if tip and git(root, "rev-parse", f"{tip}^{{tree}}").decode().strip() == tree:
        return None
    message = (f"Publish the {edition} edition from {head}\n\n"
               f"Made by `autograder publish {edition} --branch {branch}` from main commit "
               f"{head}{' (with uncommitted changes)' if dirty else ''}.\n")
    parents = ["-p", tip] if tip else []
    commit = git(root, "commit-tree", tree, *parents, input=message.encode(),
                 env=_identity_env(root)).decode().strip()
    git(root, "update-ref", f"refs/heads/{branch}", commit, tip or "0" * 40)
    return commit


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
