"""The tamper scan flags what honest work never needs, and nothing an honest student writes."""

import importlib
import pkgutil
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from autograder.student.cells import nbgrader_meta
from autograder.grading.tamper import Flag, scan, summary
from tests import mutants
from tests.mutants.catalogue import REGISTRY

for _module in pkgutil.iter_modules(mutants.__path__):
    importlib.import_module(f"tests.mutants.{_module.name}")

ROOT = Path(__file__).resolve().parent.parent
SOURCES = {path.parent.name: nbformat.read(path, as_version=4)
           for path in sorted(ROOT.glob("source/*/*.ipynb"))}


def nbgrader(grade_id, *, locked=False, grade=False, solution=False):
    return {"nbgrader": {"grade": grade, "grade_id": grade_id, "locked": locked,
                         "schema_version": 3, "solution": solution}}


def notebook(*cells):
    nb = new_notebook()
    nb.cells = [
        new_code_cell("import numpy as np\n\n"
                      "from autograder.student.checks import expect_close, run",
                      metadata=nbgrader("imports", locked=True)),
        new_markdown_cell("Implement `l2_loss`."),
        *cells,
    ]
    return nb


def solution(source, grade_id="l2_loss"):
    return new_code_cell(source, metadata=nbgrader(grade_id, solution=True))


def scan_solution(source):
    return scan(notebook(solution(source)))


# (source, line of the flag, words its reason contains)
ATTACKS = {
    "input transformer": ('get_ipython().input_transformers_cleanup.append(lambda l: ["pass\\n"])',
                          1, "input transformer"),
    "event hook": ('def hook(info):\n    pass\n\n\n'
                   'get_ipython().events.register("pre_run_cell", hook)', 5, "event hook"),
    "event hook via a variable": ('ip = get_ipython()\nip.events.register("post_run_cell", print)',
                                  2, "event hook"),
    "rebinds helpers": ("expect_close = expect_shape = lambda *a, **k: None",
                        1, "rebinds the test helper expect_close"),
    "patches the checks module": ("import autograder.student.checks as c\nc.expect_close = print",
                                  2, "rebinds autograder.student.checks.expect_close"),
    "patches np.allclose": ("np.allclose = lambda *a, **k: True", 1, "rebinds numpy.allclose"),
    "patches np.testing": ("np.testing.assert_allclose = lambda *a, **k: None",
                           1, "rebinds numpy.testing.assert_allclose"),
    "always-equal object": ("class Always:\n    def __eq__(self, other):\n        return True\n\n\n"
                            "def l2_loss(y_true, y_pred):\n    return Always()",
                            2, "defines __eq__"),
    "os._exit": ("import os\n\nos._exit(0)", 3, "exits the kernel"),
    "sys.exit": ("import sys\nsys.exit()", 2, "exits the kernel"),
    "gradebook": ('open("../../gradebook.db", "wb")', 1, "outside the submission"),
    "absolute path": ('with open("/etc/passwd") as f:\n    print(f.read())', 1, "outside the"),
    "Path ..": ('from pathlib import Path\nPath("../source").read_text()', 2, "outside the"),
    "socket": ("import socket", 1, "network"),
    "shell escape": ("!ls ..", 1, "shell command"),
    "bash cell": ("%%bash\nls ..\ncat ../../gradebook.db\n", 1, "shell command"),
    "displayhook": ("import sys\n\n\ndef f(value):\n    pass\n\n\nsys.displayhook = f",
                    8, "rebinds sys.displayhook"),
    "builtins.print": ("import builtins\nbuiltins.print = len", 2, "rebinds builtins.print"),
    "__code__": ("def f():\n    pass\n\n\ndef g():\n    return 1\n\n\nf.__code__ = g.__code__",
                 9, "__code__"),
    "exec": ('exec("def l2_loss(a, b): return 0.0")', 1, "dynamically built code"),
    "subprocess": ("import subprocess", 1, "subprocess"),
    "ast transformer": ("import ast\n\n\nclass Drop(ast.NodeTransformer):\n"
                        "    def visit_Assert(self, node):\n        return None\n\n\n"
                        "get_ipython().ast_transformers.append(Drop())", 9, "AST transformer"),
    "strips asserts": ('def strip(lines):\n    return [l for l in lines if not l.lstrip()'
                       '.startswith("assert")]\n\n\n'
                       "get_ipython().input_transformers_post.append(strip)",
                       5, "input transformer"),
    "fork bomb": ("import os\nwhile True:\n    os.fork()", 3, "forks"),
    # More of the rules, each once.
    "global helper": ("def f():\n    global run\n    run = print", 3, "test helper run"),
    "helper imported as": ("from math import isclose as expect_close", 1, "helper expect_close"),
    "globals() write": ('globals()["expect_close"] = print', 1, "globals()"),
    "setattr on numpy": ('setattr(np, "allclose", print)', 1, "rebinds numpy.allclose"),
    "computed getattr": ("name = 'all' + 'close'\nf = getattr(np, name)", 2, "computed name"),
    "del np attribute": ("del np.allclose", 1, "deletes numpy.allclose"),
    "reload": ("import importlib\nimportlib.reload(np)", 2, "reloads"),
    "threads": ("from concurrent.futures import ThreadPoolExecutor", 1, "threads or processes"),
    "computed path": ('name = "grades"\nnp.save(name + ".npy", np.zeros(3))', 2, "computed"),
    "f-string path": ('user = "x"\nopen(f"/home/{user}/notes.txt")', 2, "outside the submission"),
    "environment": ('import os\nos.environ["HOME"] = "/tmp"', 2, "environment"),
    "sys.modules": ('import sys\nsys.modules["numpy"].allclose = print', 2, "import system"),
    "ndarray subclass": ("class Fake(np.ndarray):\n    pass", 1, "subclasses numpy.ndarray"),
    "float subclass": ("class Fake(float):\n    pass", 1, "subclasses float"),
    "__class__": ("x = np.zeros(3)\nx.__class__ = object", 2, "__class__"),
    "frames": ('import inspect\ninspect.currentframe().f_back.f_globals["run"] = print',
               2, "frames"),
    "signal": ("import signal\nsignal.alarm(1)", 2, "signal"),
    "gc": ("import gc\nobjects = gc.get_objects()", 2, "gc"),
    "__import__": ('__import__("os").system("ls")', 1, "__import__"),
    "%run": ("%run ../other.ipynb", 1, "%run"),
    "%time runs python": ("%time os._exit(0)", 1, "exits the kernel"),
    "%%time body": ("%%time\nx = 1\nos._exit(0)\n", 3, "exits the kernel"),
    "leading blank lines": ("\n\n!cat /etc/passwd", 3, "shell command"),
    "walks up": ('import pathlib\nhere = pathlib.Path.cwd()\nfor folder in here.parents:\n'
                 '    (folder / "grades.csv").write_text("0")', 4, "computed"),
    "patches __call__": ("class Hook:\n    pass\n\n\nHook.__call__ = print", 5, "__call__"),
    "shell passed around": ("def patch(shell):\n    pass\n\n\npatch(get_ipython())",
                            5, "IPython shell"),
}


@pytest.mark.parametrize("source, line, words", ATTACKS.values(), ids=ATTACKS.keys())
def test_attack_is_flagged(source, line, words):
    flags = scan_solution(source)
    assert any(f.cell == "l2_loss" and f.line == line and words in f.reason for f in flags), flags


def test_scratch_cells_are_named_by_index():
    nb = notebook(solution("def l2_loss(a, b):\n    return 0.0"), new_code_cell("\nimport socket"))
    assert scan(nb) == [Flag("cell 4", 2, "uses the network")]


def test_locked_and_grade_cells_are_skipped():
    attack = "import os\nos._exit(0)\nnp.allclose = lambda *a, **k: True"
    nb = notebook(new_code_cell(attack, metadata=nbgrader("helpers", locked=True)),
                  new_code_cell(attack, metadata=nbgrader("test_l2", locked=True, grade=True)),
                  new_code_cell(attack, metadata=nbgrader("test_l1", grade=True)))
    assert scan(nb) == []


@pytest.mark.parametrize("source", [
    "def l2_loss(y_true, y_pred):\n    return (",
    "def l2_loss(y_true, y_pred)\n    import os; os._exit(0)",
    "%%time\nos._exit(0\n",
])
def test_syntax_errors_are_not_flagged(source):
    assert scan_solution(source) == []


@pytest.mark.parametrize("source", [
    "%timeit l2_loss([1.0], [2.0])",
    "%matplotlib inline",
    "%time l2_loss([1.0], [2.0])",
    "%%timeit\nl2_loss([1.0], [2.0])\n",
    "%precision 3",
    "%config InlineBackend.figure_format = 'retina'",
    "np.mean?",
    "import math\nimport itertools\nfrom autograder.student.checks import numerical_gradient",
    "def l2_loss(y_true, y_pred):\n    sum = 0.0\n    max = None\n    open = len\n"
    "    for input, type in zip(y_true, y_pred):\n        sum += (input - type) ** 2\n"
    "    return sum",
    "def helper(x):\n    return np.asarray(x, dtype=float)\n\n\n"
    "def l2_loss(y_true, y_pred):\n    return float(np.sum((helper(y_pred) - helper(y_true)) ** 2))"
    "\n",
    "rng = np.random.default_rng(0)\nx = rng.normal(size=(3, 4))\nprint(x.shape, x.mean())",
    "import matplotlib.pyplot as plt\nfig, ax = plt.subplots()\nax.plot([1, 2], [3, 4])\n"
    "plt.rcParams['figure.dpi'] = 90\nplt.show()",
    "with open('notes.txt', 'w') as f:\n    f.write('relative paths inside the folder are fine')",
    "from pathlib import Path\nPath('notes.txt').write_text('so is a Path built from one')",
    "for run_index in range(3):\n    result = [run for run in range(run_index)]",
    "class Layer:\n    def __init__(self, W):\n        self.W = W\n\n    def __call__(self, x):\n"
    "        return x @ self.W",
])
def test_honest_code_is_not_flagged(source):
    assert scan_solution(source) == []


@pytest.mark.parametrize("assignment", SOURCES)
def test_reference_notebooks_are_not_flagged(assignment):
    nb = SOURCES[assignment]
    assert any(nbgrader_meta(cell).get("solution") for cell in nb.cells)
    assert scan(nb) == []


def with_answer(nb, target, source):
    """``nb``'s locked and grade cells, and ``target``'s solution cell holding ``source``."""
    reduced = nbformat.from_dict(nb)
    reduced.cells = []
    for cell in nb.cells:
        meta = nbgrader_meta(cell)
        if meta.get("grade_id") == target and meta.get("solution"):
            reduced.cells.append(nbformat.from_dict({**cell, "source": source}))
        elif meta.get("locked") or meta.get("grade"):
            reduced.cells.append(cell)
    return reduced


@pytest.mark.parametrize("variant", REGISTRY, ids=[v.id for v in REGISTRY])
def test_catalogued_variants_are_not_flagged(variant):
    nb = with_answer(SOURCES[variant.assignment], variant.target, variant.source)
    assert sum(nbgrader_meta(cell).get("solution", False) for cell in nb.cells
               if cell.cell_type == "code") == 1
    assert scan(nb) == []


def test_summary():
    assert summary([]) == ""
    flags = [Flag("l2_loss", 3, "registers an IPython input transformer"),
             Flag("cell 12", 1, "rebinds the test helper expect_close"), Flag("cell 2", 0, "x")]
    assert summary(flags) == ("flagged: registers an IPython input transformer (l2_loss line 3); "
                              "rebinds the test helper expect_close (cell 12 line 1); x (cell 2)")
    long = summary([Flag(f"cell {i}", i, "rebinds the test helper expect_close")
                    for i in range(1, 40)])
    assert len(long) <= 300 and long.startswith("flagged: ") and long.endswith("more")


def test_a_timeit_line_of_many_options_is_scanned_in_one_pass():
    """The statement after %timeit's options is found by reading the options once (it used
    to be parsed again after every space: hours for one long line)."""
    import time

    started = time.monotonic()
    flags = scan_solution("%timeit " + "-n 1 -q " * 5_000 + "import os; os._exit(0)")
    assert [f.reason for f in flags] == ["exits the kernel"]
    assert time.monotonic() - started < 30


def test_a_notebook_with_more_code_than_honest_work_needs_is_flagged_not_scanned():
    from autograder.grading.tamper.notebook import MAX_CODE

    flags = scan_solution("x = 1\n" * (MAX_CODE // 6 + 1) + "import os; os._exit(0)")
    assert len(flags) == 1 and "not scanned for tampering" in flags[0].reason
    assert flags[0].cell == "notebook"
