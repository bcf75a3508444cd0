"""Each sandbox is one resource unit: memory held in shared memory, memfd or tmpfs files
counts, its processes together get at most ``cpus`` cores, processes that outlive their cell
are stopped, and the folder of uid locks in shared temporary space cannot be hijacked."""

import os
from dataclasses import replace

import pytest

from autograder.sandbox import resource_unit, session as sandbox, uids
from tests.course_copy import NEEDS_BWRAP
from tests.test_sandbox import LIMITS, run_cells

pytestmark = [
    pytest.mark.slow,
    NEEDS_BWRAP,
]
CGROUPS = os.geteuid() == 0 and resource_unit._hierarchy() is not None
needs_cgroups = pytest.mark.skipif(not CGROUPS, reason="control groups need root and "
                                   "mounted cgroup controllers")
MEMFD = """import os
fd = os.memfd_create("hoard")
block = b"x" * (64 << 20)
for _ in range({blocks}):
    os.write(fd, block)
print("kept", os.fstat(fd).st_size >> 20, "MiB")"""
TMPFS = """block = b"x" * (64 << 20)
with open("{path}", "wb") as hoard:
    for _ in range({blocks}):
        hoard.write(block)
print("kept")"""
SPIN = """import os, time
for _ in range(20):
    if os.fork() == 0:
        while True:
            pass
time.sleep({seconds})
print("spun")"""


@needs_cgroups
@pytest.mark.parametrize("hoard", [MEMFD.format(blocks=32),
                                   TMPFS.format(path="/tmp/hoard", blocks=32)],
                         ids=["memfd", "tmpfs"])
def test_memory_outside_the_address_space_counts(hoard):
    """2 GiB in a memfd or a tmpfs file, with a 1 GiB limit, stops the notebook."""
    limits = replace(LIMITS, memory_mb=1024, disk_mb=4096, file_size_mb=4096)
    printed, status, result = run_cells([hoard, "print('after')"], limits=limits)
    assert "kept" not in printed[0], printed
    assert status.startswith("memory limit"), status
    assert result.usage["peak_memory_mb"] <= 1024 + 1, result.usage


@needs_cgroups
def test_a_sandbox_gets_at_most_its_cores():
    """Twenty spinning processes for 4 s get one core: about 4 s of CPU time, not 8."""
    printed, status, result = run_cells([SPIN.format(seconds=4)],
                                        limits=replace(LIMITS, cpus=1.0, processes=128))
    assert status == "ok" and "spun" in printed[0], (status, printed)
    assert result.usage["cpu_seconds"] <= 4 * 1.25 + 1.5, result.usage
    assert result.usage["peak_processes"] >= 20, result.usage
    assert any("processes at once" in f for f in result.flags), result.flags


def test_processes_that_outlive_their_cell_are_stopped():
    """A process left running after its cell is stopped, before the next cell runs."""
    printed, status, result = run_cells([
        "import subprocess\nchild = subprocess.Popen(['sleep', '600'])",
        "import time\ntime.sleep(0.5)\nprint(child.poll())"])
    assert status == "ok", status
    assert printed[1].strip() == "-9", printed
    assert result.usage["stray_processes"] >= 1, result.usage
    assert any("outlived their cell" in f for f in result.flags), result.flags


def test_an_honest_notebook_is_not_flagged():
    printed, status, result = run_cells(["import numpy as np\nprint(np.ones(3).sum())",
                                         "print('done')"])
    assert status == "ok" and printed == ["3.0\n", "done\n"], (status, printed)
    assert not result.flags and result.usage["stray_processes"] == 0, (result.flags,
                                                                       result.usage, result.log)


@pytest.mark.skipif(os.geteuid() != 0, reason="uid slots are used only as root")
@pytest.mark.parametrize("plant", ["symlink", "foreign", "open"])
def test_a_hijacked_lock_folder_is_refused_and_nothing_is_truncated(plant, tmp_path,
                                                                   monkeypatch):
    """Another user made the lock folder first (a symlink to a folder with a lock pointing at
    a victim file, a folder of theirs, or one anyone may write): grading refuses to start."""
    victim, elsewhere = tmp_path / "victim.txt", tmp_path / "elsewhere"
    victim.write_text("precious")
    elsewhere.mkdir(mode=0o700)
    (elsewhere / "0.lock").symlink_to(victim)
    shared = tmp_path / "tmp"
    shared.mkdir(mode=0o1777)
    folder = shared / uids.LOCK_FOLDER
    if plant == "symlink":
        folder.symlink_to(elsewhere)
    else:
        elsewhere.rename(folder)
        if plant == "foreign":
            os.chown(folder, 65534, 65534)
        else:
            folder.chmod(0o777)
    monkeypatch.setenv("TMPDIR", str(shared))
    monkeypatch.setattr("tempfile.tempdir", None)
    with pytest.raises(sandbox.SandboxUnavailable, match="refusing the sandbox lock folder"):
        sandbox.require(LIMITS)
    with pytest.raises(sandbox.SandboxUnavailable, match="refusing the sandbox lock folder"):
        run_cells(["print(1)"])
    assert victim.read_text() == "precious"


def test_without_control_groups_a_watchdog_keeps_the_limits_and_says_so(tmp_path, monkeypatch):
    """No cgroup controllers (an empty /sys/fs/cgroup): the watchdog still stops processes
    that leave the session, and the log says the limits were kept by looking."""
    monkeypatch.setattr(resource_unit, "CGROUP_ROOT", tmp_path)
    printed, status, result = run_cells([
        "import os\nfor _ in range(8):\n    if os.fork() == 0:\n        os.setsid()\n"
        "        while True:\n            pass\nimport time\ntime.sleep(2)\nprint('waited')"])
    assert status == "ok" and "waited" in printed[0], (status, printed)
    assert result.usage["kind"] == "watchdog", result.usage
    assert "no cgroup v1 or v2 controllers" in result.usage["warning"], result.usage
    assert result.usage["stray_processes"] >= 8, result.usage
    assert any("left the notebook's session" in f for f in result.flags), result.flags


@needs_cgroups
def test_groups_left_by_a_killed_grader_are_removed():
    """A grader killed before it removed its groups: the next one removes them, empty."""
    unit, warning = resource_unit.create(LIMITS)
    assert warning is None and unit.kind.startswith("cgroup"), warning
    parents = {folder.parent for folder in unit.folders.values()}
    stale = [parent / "sandbox-999999999-0-dead" for parent in parents]
    for folder in stale:
        folder.mkdir()
    unit.close()
    again, _ = resource_unit.create(LIMITS)
    again.close()
    assert not [folder for folder in stale if folder.exists()]
    assert not [folder for folder in again.folders.values() if folder.exists()]
