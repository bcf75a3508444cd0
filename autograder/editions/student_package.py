"""The package of the student edition: the modules the notebooks import and what
`autograder check` needs, followed through their imports, never grader material; a command
line with `autograder check` only, and the edition's pyproject.toml and environment.yml."""

import ast
import json
import re
import tomllib
from pathlib import Path

from ..course.paths import CourseError

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
