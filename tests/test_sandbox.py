"""What a student's notebook sees and may do inside the grading sandbox: probe cells run
through the real sandbox and report what happened on their stdout."""

import os
import socket
from dataclasses import replace
from pathlib import Path

import nbformat
import pytest

import autograder
from autograder.sandbox import bwrap
from autograder.sandbox.limits import Limits
from autograder.grading import work
from tests.course_copy import NEEDS_BWRAP, ROOT

pytestmark = [
    pytest.mark.slow,
    NEEDS_BWRAP,
]
LIMITS = Limits(memory_mb=1024, processes=32, file_size_mb=4, disk_mb=64,
                        wall_seconds=60, cell_timeout=20, output_kb=64)


def run_cells(sources, limits=LIMITS, wall=None):
    """Execute ``sources`` as notebook cells in the sandbox, as grading does:
    (text per cell, status, the Result)."""
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(s) for s in sources])
    nb.metadata.kernelspec = {"name": "python3", "display_name": "Python 3", "language": "python"}
    limits = replace(limits, wall_seconds=wall or limits.wall_seconds)
    result = work.grade_unit(work.Job(student="probe", assignment="probe",
                                      notebook=nbformat.writes(nb), checks={}, limits=limits))
    executed = nbformat.reads(result.executed, as_version=4)
    printed = ["".join(o.get("text", "") + o.get("evalue", "") for o in c.outputs)
               for c in executed.cells]
    return printed, result.status, result


def visible_part(home):
    """What the sandbox may show of ``home``: the first folder of each path of the Python
    environment below it (the checkout holding .venv and the package), else nothing."""
    below = sorted({p.relative_to(home).parts[0] for p in bwrap._environment_paths()
                    if home in p.parents})
    return str(below) if below else "False"


def test_the_sandbox_sees_neither_the_course_nor_the_home_folder(monkeypatch):
    """Wherever this checkout and its .venv live (below the home folder or not)."""
    home = Path.home().resolve()
    monkeypatch.setenv("AUTOGRADER_TEST_SECRET", "the grader's environment")
    printed, status, _ = run_cells([
        "import os; print(sorted(os.listdir('/work/in')), sorted(os.listdir('.')))",
        f"import os; print(sorted(os.listdir({str(ROOT)!r})))",
        f"import os; print(os.path.exists({str(ROOT / 'source')!r}), "
        f"os.path.exists({str(ROOT / 'nbgrader_config.py')!r}))",
        f"import os; print(os.path.exists({str(home)!r}) and sorted(os.listdir({str(home)!r})))",
        "import os; print(os.getuid(), os.getgid(), len([p for p in os.listdir('/proc') "
        "if p.isdigit()]) < 20)",
        "import os; print(sorted(k for k in os.environ if 'SECRET' in k))",
    ])
    assert status == "ok", printed
    assert printed[0].strip() == "['notebook.ipynb', 'settings.json'] []"
    # Only the environment the course's Python lives in, if it lives in the course folder.
    assert set(eval(printed[1])) <= {".venv", "autograder"}, printed[1]
    assert printed[2].strip() == "False False"
    assert printed[3].strip() == visible_part(home), printed[3]
    uid, gid, few = printed[4].split()
    assert int(uid) not in (0, os.getuid()) and few == "True"
    assert printed[5].strip() == "[]"


def test_a_checkout_under_the_home_folder_shows_only_its_environment(tmp_path, monkeypatch):
    """The newcomer's placement made explicit: a home folder holding a checkout (with its
    .venv and package) beside private files; the sandbox sees the environment's folders,
    read-only, and nothing else of that home."""
    home = tmp_path / "home with space"
    venv, package = home / "course" / ".venv", home / "course" / "autograder"
    for folder in (venv / "lib", package, home / "course" / "source", home / ".ssh"):
        folder.mkdir(parents=True)
    (venv / "lib" / "site.py").write_text("# environment\n")
    (home / ".ssh" / "id_rsa").write_text("secret\n")
    real = bwrap._environment_paths()
    monkeypatch.setattr(bwrap, "_environment_paths", lambda: sorted(real + [venv, package]))
    printed, status, _ = run_cells([
        f"import os; print(sorted(os.listdir({str(home)!r})), "
        f"sorted(os.listdir({str(home / 'course')!r})))",
        f"print(open({str(venv / 'lib' / 'site.py')!r}).read().strip())",
        f"try:\n    open({str(venv / 'lib' / 'x.py')!r}, 'w')\nexcept OSError as e:\n"
        "    print(type(e).__name__)",
    ])
    assert status == "ok", printed
    assert printed[0].strip() == "['course'] ['.venv', 'autograder']"
    assert printed[1].strip() == "# environment"
    assert printed[2].strip() in ("PermissionError", "OSError")


def test_the_environment_is_read_only_and_the_network_closed():
    package = Path(autograder.__file__).parent / "student" / "checks.py"
    server = socket.create_server(("127.0.0.1", 0))
    server.settimeout(0.2)
    port = server.getsockname()[1]
    try:
        printed, _, _ = run_cells([
            f"try:\n    open({str(package)!r}, 'a').write('#')\nexcept OSError as e:\n"
            "    print(type(e).__name__)",
            "try:\n    open('/usr/evil', 'w')\nexcept OSError as e:\n    print(type(e).__name__)",
            f"import socket\ntry:\n    socket.create_connection(('127.0.0.1', {port}), 2)\n"
            "except OSError as e:\n    print(type(e).__name__)",
            "open('mine.txt', 'w').write('x'); open('/tmp/t', 'w').write('x'); print('written')",
        ])
        with pytest.raises(TimeoutError):
            server.accept()
    finally:
        server.close()
    assert printed[0].strip() in ("PermissionError", "OSError")
    assert printed[1].strip() in ("PermissionError", "OSError")
    assert printed[2].strip() in ("ConnectionRefusedError", "OSError")
    assert printed[3].strip() == "written"


def test_memory_file_size_and_process_limits_hold():
    printed, status, _ = run_cells([
        "import numpy as np\ntry:\n    np.ones((60000, 60000))\nexcept MemoryError:\n"
        "    print('MemoryError')",
        "try:\n    open('big', 'wb').write(b'0' * (8 << 20))\nexcept OSError as e:\n"
        "    print(e.errno)",
        "import subprocess\nstarted = []\ntry:\n    for _ in range(200):\n"
        "        started.append(subprocess.Popen(['sleep', '30']))\nexcept OSError:\n    pass\n"
        "print(len(started) < 32)\nfor p in started:\n    p.kill()",
    ])
    assert printed[0].strip() == "MemoryError"
    assert printed[1].strip() == "27"  # EFBIG
    assert printed[2].strip() == "True"
    assert status == "ok"


def test_a_notebook_past_its_wall_clock_is_stopped_and_keeps_what_ran():
    printed, status, _ = run_cells(["print('first')", "import time; time.sleep(300)",
                                    "print('never')"], wall=15)
    assert printed[0].strip() == "first"  # how soon after the wall clock it stops: make bench
    assert status.startswith("timeout: the notebook ran longer than")
    assert "NotExecuted" not in printed[0] and "not executed" in printed[2]


def test_an_output_flood_is_cut_not_stored():
    printed, status, result = run_cells(["for _ in range(100000):\n    print('x' * 99)"])
    assert status == f"ok; output cut at {LIMITS.output_kb} KiB"
    assert len(result.executed) < 2 * LIMITS.output_kb * 1024
    assert "[output cut" in printed[0]


def test_a_dead_kernel_is_named():
    _, status, _ = run_cells(["x = 1", "import os; os._exit(3)", "print('after')"])
    assert status == "crashed: the kernel died in cell 2"
