"""The import rules each subpackage's docstring states, read from every module's imports
(absolute and relative, at any depth): each part imports only the parts below it. Above
all, the student side and the sandbox side never import grading, the report, the editions,
the LMS files or the course folder (which holds the reference implementations)."""

import ast
import shutil
from pathlib import Path

import autograder

PACKAGE = Path(autograder.__file__).parent
# What each subpackage may import, as its docstring says; every other part is forbidden.
ALLOWED = {
    "student": set(),
    "sandbox": {"student"},
    "course": {"student"},
    "grading": {"student", "sandbox", "course"},
    "editions": {"student", "course"},
    "report": {"student", "course", "grading"},
    "lms": {"course", "grading"},
}
FORBIDDEN = {side: set(ALLOWED) - allowed - {side} for side, allowed in ALLOWED.items()}


def imported(path, package):
    """The dotted names (below autograder) that the module at ``path`` imports."""
    here = path.relative_to(package).parent.parts
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names = [a.name.split(".") for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level:
            module = node.module.split(".") if node.module else []
            base = ["autograder", *here[:len(here) - node.level + 1], *module]
            names = [[*base, a.name] for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            names = [[*node.module.split("."), a.name] for a in node.names]
        else:
            continue
        yield from (".".join(parts[1:]) for parts in names if parts[0] == "autograder")


def broken_rules(package=PACKAGE):
    """``module imports name`` for every import a subpackage's rule forbids."""
    broken = []
    for side, forbidden in FORBIDDEN.items():
        for path in sorted((package / side).rglob("*.py")):
            for name in imported(path, package):
                if name.split(".")[0] in forbidden:
                    broken.append(f"{path.relative_to(package)} imports {name}")
    return broken


def test_each_subpackage_imports_only_what_its_docstring_allows():
    assert broken_rules() == []


def test_every_subpackage_says_what_it_may_import():
    assert sorted(p.parent.name for p in PACKAGE.glob("*/__init__.py")) == sorted(ALLOWED)
    for init in sorted(PACKAGE.glob("*/__init__.py")):
        doc = ast.get_docstring(ast.parse(init.read_text())) or ""
        assert "May import" in doc and "ever import" in doc, init


def test_a_forbidden_import_is_reported(tmp_path):
    copy = tmp_path / "autograder"
    shutil.copytree(PACKAGE, copy, ignore=shutil.ignore_patterns("__pycache__"))
    (copy / "sandbox" / "leak.py").write_text("from ..course import reference\n")
    (copy / "student" / "deep.py").write_text(
        "def later():\n    import autograder.grading.grade\n")
    (copy / "grading" / "upward.py").write_text("from autograder.report import page\n")
    assert sorted(broken_rules(copy)) == ["grading/upward.py imports report.page",
                                          "sandbox/leak.py imports course.reference",
                                          "student/deep.py imports grading.grade"]
