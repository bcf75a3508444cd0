"""`autograder publish` and `autograder leaks`: the student edition holds no answer, the
solutions edition holds them, and a branch edition is written without touching the work
tree."""

import json
import shutil
import subprocess
import sys
import tomllib

import nbformat
import pytest

from autograder.editions.leaks import leaks, secrets
from autograder.editions.publish import publish
from tests.contract import CONTRACT
from tests.course_copy import ROOT, autograder

pytestmark = pytest.mark.xdist_group("editions")
ASSIGNMENTS = sorted(CONTRACT)


def _quiet(*_):
    pass


@pytest.fixture(scope="module")
def student_edition(tmp_path_factory):
    dest = tmp_path_factory.mktemp("editions") / "student"
    publish(root=ROOT, edition="student", dest=dest, log=_quiet)
    return dest


@pytest.fixture(scope="module")
def solutions_edition(tmp_path_factory):
    dest = tmp_path_factory.mktemp("editions") / "solutions"
    publish(root=ROOT, edition="solutions", dest=dest, log=_quiet)
    return dest


def _git(repo, *args):
    return subprocess.run(["git", "-C", str(repo), *args], capture_output=True, text=True,
                          check=True).stdout.strip()


@pytest.mark.slow
def test_student_edition_has_no_leaks(student_edition):
    assert leaks(root=ROOT, path=student_edition) == []
    result = autograder("leaks", str(student_edition), root=ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no leaks" in result.stdout



def files_below(folder):
    """The relative paths of every file below ``folder``."""
    return {p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file()}


@pytest.mark.slow
def test_student_edition_holds_what_students_need_and_nothing_else(student_edition):
    files = files_below(student_edition)
    for name in ASSIGNMENTS:
        assert f"release/{name}/{name}.ipynb" in files
        assert f"notebooks/{name}_explorer.ipynb" in files
    for wanted in ("README.md", "pyproject.toml", "environment.yml", "autograder/__init__.py",
                   "autograder/student/checks.py", "autograder/student/interactive.py",
                   "autograder/cli.py"):
        assert wanted in files
    tops = {f.split("/")[0] for f in files}
    assert not tops & {"source", "solutions", "tests", "verification", "benchmarks", "submitted",
                       "autograded", "feedback", "gradebook.db", "autograder_grades.csv"}
    for grader in ("course/reference.py", "grading/answer_key.py", "grading/grade.py",
                   "editions/build.py", "editions/publish.py", "editions/leaks.py"):
        assert f"autograder/{grader}" not in files
    assert "autograder/grading/check.py" in files
    readme = (student_edition / "README.md").read_text()
    for words in ("pip install", "conda env create", "jupyter lab", "Validate",
                  "autograder check", "hand in"):
        assert words in readme


@pytest.mark.slow
def test_student_package_is_the_runtime_part_only(student_edition):
    project = tomllib.loads((student_edition / "pyproject.toml").read_text())["project"]
    main = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    assert project["name"] == "autograder"
    assert project["dependencies"] == main["dependencies"]
    assert "optional-dependencies" not in project
    environment = (student_edition / "environment.yml").read_text()
    assert "pytest" not in environment and "ruff" not in environment


@pytest.mark.slow
def test_explorers_keep_their_figures_but_no_reference_code(student_edition):
    for name in ASSIGNMENTS:
        nb = nbformat.read(student_edition / "notebooks" / f"{name}_explorer.ipynb",
                           as_version=4)
        code = [c for c in nb.cells if c.cell_type == "code"]
        assert all("load(" not in c.source and "ref." not in c.source for c in code)
        assert any("image/png" in o.get("data", {}) for c in code for o in c.outputs)


@pytest.mark.slow
def test_student_package_installs_and_imports(student_edition, tmp_path):
    target = tmp_path / "site"
    command = [sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--target",
               str(target), str(student_edition)]
    # Offline with the environment's setuptools first; a setuptools without bdist_wheel
    # (older than 70.1, no `wheel` package) needs pip's isolated build instead.
    install = subprocess.run([*command, "--no-build-isolation"], capture_output=True, text=True,
                             cwd=tmp_path)
    if install.returncode and "bdist_wheel" in install.stderr:
        shutil.rmtree(target, ignore_errors=True)
        install = subprocess.run(command, capture_output=True, text=True, cwd=tmp_path)
    assert install.returncode == 0, install.stderr
    assert (target / "autograder" / "student" / "checks.py").is_file()
    assert not (target / "autograder" / "course" / "reference.py").exists()
    probe = subprocess.run(
        [sys.executable, "-c", "import autograder, autograder.student.checks, "
                               "autograder.student.interactive; print(autograder.__file__)"],
        capture_output=True, text=True, cwd=tmp_path, env={"PYTHONPATH": str(target)})
    assert probe.returncode == 0, probe.stderr
    assert probe.stdout.strip().startswith(str(target))


def _line_of(path, text):
    """The 1-based line of the file ``path`` whose JSON-decoded text contains ``text``."""
    for number, raw in enumerate(path.read_text().splitlines(), 1):
        if text in raw.replace('\\"', '"'):
            return number
    raise AssertionError(f"{text!r} not in {path}")


@pytest.mark.slow
def test_a_leaky_edition_is_named_by_file_and_line(student_edition, tmp_path):
    leaky = tmp_path / "leaky"
    shutil.copytree(student_edition, leaky)
    found = secrets(ROOT)
    answer = next(s for s, origin in found.items()
                  if origin.startswith("source/01_regression_losses") and "difference" in s)
    hidden = next(s for s, origin in found.items()
                  if origin.startswith("source/03_activations") and "default_rng" in s)
    markdown_nb = leaky / "release" / "01_regression_losses" / "01_regression_losses.ipynb"
    nb = nbformat.read(markdown_nb, as_version=4)
    cell = next(c for c in nb.cells if c.cell_type == "markdown")
    cell.source += f"\n\nA hint:\n\n    {answer}\n"
    nbformat.write(nb, markdown_nb)
    output_nb = leaky / "notebooks" / "03_activations_explorer.ipynb"
    nb = nbformat.read(output_nb, as_version=4)
    cell = next(c for c in nb.cells if c.cell_type == "code" and c.outputs)
    cell.outputs.append(nbformat.v4.new_output("stream", name="stdout",
                                               text=f"debug:\n{hidden}\n"))
    nbformat.write(nb, output_nb)

    result = autograder("leaks", str(leaky), root=ROOT)
    assert result.returncode == 1, result.stdout + result.stderr
    rel_markdown = "release/01_regression_losses/01_regression_losses.ipynb"
    rel_output = "notebooks/03_activations_explorer.ipynb"
    assert f"{rel_markdown}:{_line_of(markdown_nb, answer)}:" in result.stdout
    assert f"{rel_output}:{_line_of(output_nb, hidden)}:" in result.stdout
    assert answer in result.stdout and hidden in result.stdout
    assert {leak.path for leak in leaks(root=ROOT, path=leaky)} == {rel_markdown, rel_output}


def test_the_secrets_include_verification_cases_but_not_imports():
    found = secrets(ROOT)
    origins = set(found.values())
    assert any(o.startswith("verification/") for o in origins)
    assert any(o.startswith("source/") for o in origins)
    assert not any(s.startswith(("import ", "from ")) and o.startswith("verification/")
                   for s, o in found.items())
    assert all(len(s) >= 12 for s in found)


def test_solutions_edition(solutions_edition):
    files = files_below(solutions_edition)
    for name in ASSIGNMENTS:
        assert f"solutions/{name}/{name}.ipynb" in files
        assert f"source/{name}/{name}.ipynb" in files
    assert "README.md" in files
    assert "git push <private-remote> solutions" in (solutions_edition / "README.md").read_text()
    assert not {f.split("/")[0] for f in files} & {"verification", "tests", "release",
                                                    "autograder", "notebooks"}
    nb = json.loads((solutions_edition / "solutions" / ASSIGNMENTS[0] /
                     f"{ASSIGNMENTS[0]}.ipynb").read_text())
    assert any(o.get("outputs") for o in nb["cells"] if o["cell_type"] == "code")
    assert leaks(root=ROOT, path=solutions_edition)  # it holds the answers


def test_publish_refuses_a_folder_that_is_not_an_edition(tmp_path):
    (tmp_path / "notes.txt").write_text("mine")
    result = autograder("publish", "solutions", str(tmp_path), root=ROOT)
    assert result.returncode == 2 and "not empty" in result.stderr
    assert (tmp_path / "notes.txt").read_text() == "mine"


@pytest.mark.slow
def test_branch_editions_in_a_clone(tmp_path):
    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "-q", str(ROOT), str(clone)], check=True)
    head, branch = _git(clone, "rev-parse", "HEAD"), _git(clone, "symbolic-ref", "HEAD")
    status = _git(clone, "status", "--porcelain", "--ignored")

    for edition in ("student", "solutions"):
        result = autograder("publish", edition, "--branch", edition, root=clone)
        assert result.returncode == 0, result.stdout + result.stderr
        assert _git(clone, "rev-list", "--count", f"refs/heads/{edition}") == "1"
        assert head in _git(clone, "log", "-1", "--format=%B", f"refs/heads/{edition}")
        tip = _git(clone, "rev-parse", f"refs/heads/{edition}")
        again = autograder("publish", edition, "--branch", edition, root=clone)
        assert again.returncode == 0, again.stdout + again.stderr
        assert "no new commit" in again.stdout
        assert _git(clone, "rev-parse", f"refs/heads/{edition}") == tip

    assert _git(clone, "rev-parse", "HEAD") == head
    assert _git(clone, "symbolic-ref", "HEAD") == branch
    assert _git(clone, "status", "--porcelain", "--ignored") == status
    listed = _git(clone, "ls-tree", "-r", "--name-only", "refs/heads/student").splitlines()
    assert "release/01_regression_losses/01_regression_losses.ipynb" in listed
    assert not any(p.startswith(("source/", "solutions/", "verification/")) for p in listed)
    assert "source/01_regression_losses/01_regression_losses.ipynb" in \
        _git(clone, "ls-tree", "-r", "--name-only", "refs/heads/solutions").splitlines()

    green = autograder("leaks", "--branch", "student", root=clone)
    assert green.returncode == 0, green.stdout + green.stderr
    red = autograder("leaks", "--branch", "solutions", root=clone)
    assert red.returncode == 1, red.stdout + red.stderr
    assert "LEAK solutions/" in red.stdout or "LEAK source/" in red.stdout
