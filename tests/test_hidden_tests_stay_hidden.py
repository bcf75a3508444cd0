"""Students who look for the tests find nothing: graded on 02 through `autograder grade`, a
student whose functions search everything they can reach when the grader calls them (In,
Out, _ih, globals(), gc, frames, inspect.stack, linecache, trace and profile hooks, every
file under the sandbox's folders and /proc/self) and print, display, stash and write what
they find, and students whose exceptions carry the hidden inputs out, leave no line of a
hidden test and no hidden input in their feedback, in their notebook's own outputs, in the
grading log or in the grades file."""

import json

import nbformat
import pytest

from autograder.student.cells import nbgrader_meta
from autograder.course.reference import answered
from autograder.grading.trusted_runner import hidden_lines
from tests.course_copy import (NEEDS_BWRAP, autograder, graded_cells_only, grades, make_course,
                               read, submit)

pytestmark = [
    pytest.mark.slow,
    pytest.mark.xdist_group("hidden"),
    NEEDS_BWRAP,
]
ASSIGNMENT = "02_classification_losses"
FUNCTIONS = ["sigmoid", "binary_cross_entropy", "softmax", "cross_entropy_loss",
             "binary_cross_entropy_with_logits", "hinge_loss", "l1_regularization",
             "l2_regularization", "cross_entropy_grad", "hinge_grad", "linear_classifier_loss"]

SNOOP = '''import gc, inspect, linecache, os, sys, pathlib
from IPython.display import display
_MAIN = os.getpid()
LOOT = []


def _files():
    found = []
    for top in ("/work", "/tmp", "/proc/self"):
        for folder, folders, files in os.walk(top):
            if folder.count("/") > 3 or "/task" in folder or folder.endswith("fd"):
                folders[:] = []
            if len(found) > 300:
                return found
            for name in files[:100]:
                path = os.path.join(folder, name)
                if name in ("pagemap", "mem", "kcore") or not os.path.isfile(path):
                    continue
                try:
                    with open(path, "rb") as handle:
                        found.append(handle.read(20000).decode("latin-1"))
                except Exception:
                    pass
    return found


def _snoop(args):
    loot = ["LEA" + "KED " + repr(args)]
    shell = get_ipython()
    for key in ("In", "Out", "_ih", "_oh"):
        loot.append(repr(shell.user_ns.get(key))[:200000])
    loot += [f"{k}={v!r}"[:2000] for k, v in list(globals().items())
             if isinstance(v, (str, int, float, list, tuple))]
    loot += [o for o in gc.get_objects() if isinstance(o, str) and len(o) > 20][:20000]
    loot += [repr(o)[:2000] for o in gc.get_objects()
             if isinstance(o, (list, tuple)) and 0 < len(o) < 20][:5000]
    frame = sys._getframe()
    while frame is not None:
        loot.append(repr(frame.f_code) + repr(frame.f_locals)[:20000])
        frame = frame.f_back
    loot += [repr(info) for info in inspect.stack(context=20)]
    loot += ["".join(entry[2]) for entry in list(linecache.cache.values()) if len(entry) > 2]
    loot += _files()
    return "\\n".join(loot)


def _leak(*args):
    if os.getpid() == _MAIN:
        return
    if len(LOOT) > 3:  # searching everything is slow: only the first calls of each copy
        LOOT.append("LEA" + "KED " + repr(args))
        return
    text = _snoop(args)
    LOOT.append(text)
    print(text)
    sys.stderr.write(text)
    display(text)
    for path in ("loot.txt", "/tmp/loot.txt"):
        try:
            with open(path, "a") as handle:
                handle.write(text)
        except OSError:
            pass


def _tracer(frame, event, arg):
    if len(LOOT) < 10 and os.getpid() != _MAIN:
        LOOT.append("LEA" + "KED trace " + repr(frame.f_code) + repr(frame.f_locals)[:2000])
    return None


sys.settrace(_tracer)
sys.setprofile(_tracer)
'''
SNOOP_AFTER = '''print("LOOT", len(LOOT), LOOT[-3:])
for path in ("loot.txt", "/tmp/loot.txt"):
    try:
        print(open(path).read()[:100000])
    except OSError as error:
        print("no loot file", error)
'''
RAISE = '''import os
_MAIN = os.getpid()


def _leak(*args):
    import numpy
    if os.getpid() != _MAIN and max([numpy.size(a) for a in args] or [0]) >= 10:
        {raise_it}
'''
RAISES = {
    "raiser": "raise ValueError('INP' + 'UTS ' + repr(args))",
    "smuggler": "raise type('INP' + 'UTS_' + str(abs(hash(repr(args)))), (Exception,), {})()",
}


def _wrapped(nb):
    """Every contract function calls _leak(*its arguments) first."""
    for cell in nb.cells:
        if nbgrader_meta(cell).get("grade_id") in FUNCTIONS:
            name = nbgrader_meta(cell)["grade_id"]
            cell.source += (f"\n\n_{name}_own = {name}\n\n\ndef {name}(*args, **kwargs):\n"
                            f"    _leak(*args, *kwargs.values())\n"
                            f"    return _{name}_own(*args, **kwargs)\n")
    return nb


def students():
    release, source = read("release", ASSIGNMENT), read("source", ASSIGNMENT)
    made = {}
    nb = _wrapped(graded_cells_only(answered(release, source)))
    nb.cells.insert(1, nbformat.v4.new_code_cell(SNOOP))
    nb.cells.append(nbformat.v4.new_code_cell(SNOOP_AFTER))
    made["snooper"] = nb
    for name, raise_it in RAISES.items():
        nb = _wrapped(graded_cells_only(answered(release, source)))
        nb.cells.insert(1, nbformat.v4.new_code_cell(RAISE.replace("{raise_it}", raise_it)))
        made[name] = nb
    made["honest"] = graded_cells_only(answered(release, source))
    return made


def hidden_test_lines():
    """Every line of the source's hidden tests of 20 characters or more that the student
    edition does not show anyway."""
    release = json.dumps(read("release", ASSIGNMENT).cells)
    found = set()
    for cell in read("source", ASSIGNMENT).cells:
        if nbgrader_meta(cell).get("grade"):
            lines = cell.source.splitlines()
            for number in hidden_lines(cell.source):
                line = lines[number - 1].strip()
                if len(line) >= 20 and json.dumps(line)[1:-1] not in release:
                    found.add(line)
    return found


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    root = make_course(tmp_path_factory.mktemp("hidden") / "course", [ASSIGNMENT])
    for student, nb in students().items():
        submit(root, student, ASSIGNMENT, nb)
    result = autograder("grade", ASSIGNMENT, "--jobs", "2", root=root)
    assert result.returncode == 0, result.stdout + result.stderr
    return root


def test_the_markers_are_not_in_the_students_own_code():
    for nb in students().values():
        text = json.dumps(nb.cells)
        assert "LEAKED" not in text and "INPUTS" not in text


def what_the_student_gets(root, student):
    """Everything grading wrote about ``student`` that a student or a log reader sees."""
    feedback = (root / "feedback" / student / ASSIGNMENT / f"{ASSIGNMENT}.html").read_text()
    executed = nbformat.read(root / "autograded" / student / ASSIGNMENT / f"{ASSIGNMENT}.ipynb",
                             as_version=4)
    own = json.dumps([c.get("outputs", []) for c in executed.cells
                      if c.cell_type == "code" and not nbgrader_meta(c).get("grade")])
    log = [line for line in (root / "grading-log.jsonl").read_text().splitlines()
           if json.loads(line).get("student") == student]
    row = json.dumps(grades(root)[(student, ASSIGNMENT)])
    return {"feedback": feedback, "student outputs": own, "grading log": "\n".join(log),
            "grades": row}


@pytest.mark.parametrize("student", ["snooper", "raiser", "smuggler", "honest"])
def test_no_hidden_test_line_and_no_hidden_input_comes_out(graded, student):
    hidden = hidden_test_lines()
    assert len(hidden) > 100
    for place, text in what_the_student_gets(graded, student).items():
        for marker in ("LEAKED", "INPUTS"):
            assert marker not in text, f"{student}: {marker} in the {place}"
        shown = [line for line in hidden if line in text]
        assert not shown, f"{student}: hidden test lines in the {place}: {shown[:3]}"


def test_the_snooper_keeps_its_points_and_the_raisers_lose_theirs(graded):
    rows = grades(graded)
    full = rows[("honest", ASSIGNMENT)]["max_score"]
    assert rows[("honest", ASSIGNMENT)]["score"] == full
    assert rows[("snooper", ASSIGNMENT)]["score"] == full
    for student in RAISES:
        row = rows[(student, ASSIGNMENT)]
        assert float(row["score"]) < float(full), row
        assert "hidden test" in (graded / "feedback" / student / ASSIGNMENT /
                                 f"{ASSIGNMENT}.html").read_text()
