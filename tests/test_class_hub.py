"""The hub for a real class (hub/class_config.py, set up by hub/class_admin.py): three
students and an instructor as system users of this machine, logging in through PAM.

One hub serves the module: the browser runs the whole cycle on it (release to feedback), a
student attacks the others from a kernel and a terminal of their own, and a student's server
allocates past its memory limit. Every user, group, control group and folder made here is
removed afterwards, whatever happened; the names start with ``agtest-`` and a random tag,
so that no real account is touched. Skipped, saying why, without root, useradd, PAM,
JupyterHub, control groups or npm."""

import hashlib
import json
import os
import pwd
import secrets
import shutil
import subprocess
import sys
import tempfile
from datetime import datetime, timezone
from importlib.util import find_spec
from pathlib import Path

import pytest

from autograder.sandbox import resource_unit
from autograder.sandbox.limits import Limits
from tests.course_copy import ROOT, make_course
from tests.hub_user import HubUser
from tests.test_hub import (A, MISTAKE, Hub, browser,  # noqa: F401 - fixtures
                            class_cycle, ensure_proxy, screenshot)

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("hub")]
# Outside the checkout, which may lie where other users cannot enter (a home folder of 0700).
USERS_ENV = Path("/opt/course-hub/users-venv")
ADMIN = [sys.executable, str(ROOT / "hub" / "class_admin.py")]
COURSE_ID = "dl-lecture-07"
MEMORY = 1024  # MiB for each user's server here


def _why_not():
    """Why this machine cannot run the class hub, or None."""
    if os.geteuid() != 0:
        return "needs root: it creates system users and starts servers as them"
    if shutil.which("useradd") is None or shutil.which("runuser") is None:
        return "needs useradd and runuser (.ci/run installs passwd and util-linux)"
    if find_spec("pamela") is None or not Path("/etc/pam.d/login").exists():
        return "needs PAM: python's pamela (with JupyterHub) and /etc/pam.d/login"
    if find_spec("jupyterhub") is None:
        return "needs JupyterHub (the hub extra)"
    unit, warning = resource_unit.create(Limits(memory_mb=64))
    unit.close()
    return f"needs control groups for the per-user limits: {warning}" if warning else None


class ClassHub(Hub):
    """The class hub on free ports, its users the accounts class_admin.py made."""

    bin = USERS_ENV / "bin"

    def __init__(self, folder, *, course, data, exchange, instructor, passwords):
        self.instructor_name, self.passwords = instructor, passwords
        self.as_instructor = ["runuser", "-u", instructor, "--"]
        self.students = [name for name in passwords if name != instructor]
        super().__init__(folder, course=course, data=data, config="class_config.py", env={
            "CLASS_HUB_DATA": str(data), "CLASS_HUB_ENV": str(USERS_ENV),
            "CLASS_HUB_MEMORY": f"{MEMORY}M"})
        self.exchange = exchange

    def home(self, user):
        return Path(pwd.getpwnam(user).pw_dir)

    def login(self, user):
        return HubUser(self.base, user, self.passwords[user])


def _remove_leftovers(names, group, hub_pid):
    """Remove what setup made and teardown did not (a test that failed half way), and the
    control groups of the hub's servers that its spawner did not; return those groups."""
    for name in names:
        subprocess.run(["userdel", "--remove", name], capture_output=True)
    subprocess.run(["groupdel", group], capture_output=True)
    left = []
    for controller in resource_unit.CgroupV1.CONTROLLERS:
        base = resource_unit.CGROUP_ROOT / controller
        own = resource_unit._own_path(controller).lstrip("/")
        left += (base / own / resource_unit.GROUP).glob(f"sandbox-{hub_pid}-*")
    for folder in left:
        try:
            folder.rmdir()
        except OSError:  # a process is still in it: reported below
            pass
    return left


@pytest.fixture(scope="module")
def class_hub():
    why = _why_not()
    if why:
        pytest.skip(why)
    ensure_proxy()
    done = subprocess.run(["make", "--no-print-directory", "class-hub-env",
                           f"USERS_ENV={USERS_ENV}"], cwd=ROOT,
                          capture_output=True, text=True, timeout=900)
    if done.returncode != 0:
        pytest.skip(f"could not make the users' Python environment:\n{done.stderr}")
    folder = Path(tempfile.mkdtemp(prefix="agtest-hub-"))
    folder.chmod(0o755)  # the users reach their homes and the exchange below it
    tag = secrets.token_hex(2)
    instructor, group = f"agtest-{tag}-teacher", f"agtest-{tag}-instructors"
    students = [f"agtest-{tag}-s{i}" for i in (1, 2, 3)]
    course = make_course(folder / "course", [A])
    (course / "roster.csv").write_text("student_id,name,lms_id,email\n" + "".join(
        f"{s},Student {s[-2:]},,\n" for s in students))
    data, hub = folder / "data", None
    setup = [*ADMIN, "setup", "--course", str(course), "--instructor", instructor, "--group",
             group, "--data", str(data), "--exchange", str(folder / "exchange"), "--home-base",
             str(folder / "home")]
    try:
        made = subprocess.run(setup, capture_output=True, text=True, check=True)
        passwords = dict(line.split("\t") for line in made.stdout.splitlines() if "\t" in line)
        assert set(passwords) == {instructor, *students}, made.stdout
        hub = ClassHub(folder, course=course, data=data, exchange=folder / "exchange",
                       instructor=instructor, passwords=passwords)
        hub.login(instructor)  # their server's start writes their nbgrader configuration
        hub.setup = setup
        yield hub
    finally:
        left = hub.stop() if hub else []
        subprocess.run([*ADMIN, "teardown", "--data", str(data)], capture_output=True)
        groups = _remove_leftovers([instructor, *students], group,
                                   hub.process.pid if hub else 0)
        shutil.rmtree(folder)
        assert left == [], "processes of the hub were left running"
        assert groups == [], "control groups of the servers were left behind"


def _servers():
    """uid -> pid of each running jupyterhub-singleuser."""
    found = {}
    for entry in Path("/proc").iterdir():
        try:
            if entry.name.isdigit() and b"jupyterhub-singleuser" in (
                    entry / "cmdline").read_bytes():
                found[entry.stat().st_uid] = int(entry.name)
        except OSError:
            pass
    return found


def test_three_students_and_an_instructor_as_system_users(
        class_hub, browser, screenshot):  # noqa: F811 - test_hub's fixtures
    hub = class_hub
    first, second, third = hub.students
    mistake = {MISTAKE.target: MISTAKE.source}
    class_cycle(browser, hub, screenshot, (hub.instructor_name, hub.passwords[hub.instructor_name]),
                {first: (hub.passwords[first], None), second: (hub.passwords[second], mistake),
                 third: (hub.passwords[third], None)})
    servers = _servers()
    for user in [hub.instructor_name, *hub.students]:  # each server runs as its own user
        assert pwd.getpwnam(user).pw_uid in servers, (user, servers)


def test_setup_again_keeps_every_account_and_refuses_without_root(class_hub):
    hub = class_hub
    def state():  # the course folder's modes are setup's to set again; not its owners
        course = {p: (uid, gid, content) for p, (uid, gid, _, content)
                  in _tree([hub.course], None, None).items()}
        return course, _tree([hub.exchange], None, None)

    before = state()
    again = subprocess.run(hub.setup, capture_output=True, text=True, check=True)
    assert again.stdout.splitlines() == [f"{name}\t(existed: password unchanged)"
                                         for name in hub.passwords], again.stdout
    assert state() == before
    # A student runs a copy they can read: the checkout may lie in root's home.
    copy = hub.course.parent / "student-copy"
    shutil.copytree(ROOT / "hub", copy / "hub", ignore=shutil.ignore_patterns("__pycache__"))
    python, admin = USERS_ENV / "bin" / "python", copy / "hub" / "class_admin.py"
    student = subprocess.run(["runuser", "-u", hub.students[0], "--", str(python), str(admin),
                              *hub.setup[2:]], capture_output=True, text=True)
    assert student.returncode != 0 and "must run as root" in student.stderr, student.stderr


def _tree(roots, skip_uid, skip):
    """path -> (owner, group, mode, content hash or link target) of everything below
    ``roots``, except what ``skip_uid`` owns and the folder ``skip``."""
    state = {}
    for root in roots:
        for folder, dirs, files in os.walk(root):
            for name in [*files, *dirs]:
                path = Path(folder) / name
                info = path.lstat()
                if info.st_uid == skip_uid or path == skip:
                    if name in dirs:
                        dirs.remove(name)
                    continue
                content = (os.readlink(path) if path.is_symlink() else
                           hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file()
                           else None)
                state[str(path)] = (info.st_uid, info.st_gid, info.st_mode, content)
    return state


ATTACK = """
import json, os
attempts = json.loads({attempts!r})
results = {{}}
for label, (action, path) in attempts.items():
    try:
        if action == "read":
            open(path, "rb").read(1)
        elif action == "list":
            os.listdir(path)
        elif action == "write":
            open(path, "ab").close()
        elif action == "rename":
            os.rename(path, path + "-taken")
        elif action == "signal":
            os.kill(int(path), 0)
        results[label] = "allowed"
    except OSError as error:
        results[label] = type(error).__name__
forged = os.path.join({inbound!r}, {forged!r})
os.mkdir(forged)
with open(os.path.join(forged, {notebook!r}), "w") as handle:
    handle.write({forgery!r})
with open(os.path.join(forged, "timestamp.txt"), "w") as handle:
    handle.write({timestamp!r})
print(json.dumps(results))
"""


def _victim_things(hub, victim):
    """The victim's notes, a submission of theirs in the exchange, and the gradebook, made
    here where the browser test has not made them; the victim's submission folder."""
    account = pwd.getpwnam(victim)
    notes = hub.home(victim) / "notes.txt"
    notes.write_text("the victim's own notes\n")
    os.chown(notes, account.pw_uid, account.pw_gid)
    inbound = hub.exchange / COURSE_ID / "inbound"
    own = sorted(inbound.glob(f"{victim}+{A}+*"))
    if not own:
        stamp = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M:%S.%f %Z")
        folder = inbound / f"{victim}+{A}+{stamp}+own"
        folder.mkdir()
        (folder / f"{A}.ipynb").write_text((hub.course / "source" / A / f"{A}.ipynb")
                                           .read_text())
        (folder / "timestamp.txt").write_text(stamp)
        for path in [folder, *folder.iterdir()]:
            os.chown(path, account.pw_uid, account.pw_gid)
        own = [folder]
    if not (hub.course / "gradebook.db").exists():
        hub.instructor("nbgrader", "db", "student", "list")  # creates it
    return own[-1]


def test_a_student_cannot_reach_what_is_not_theirs(class_hub):
    hub = class_hub
    victim, attacker = hub.students[0], hub.students[2]
    victim_submission = _victim_things(hub, victim)
    victim_server = HubUser(hub.base, victim, hub.passwords[victim])
    assert victim_server.api("GET", "status").status_code == 200
    exchange, course = hub.exchange / COURSE_ID, hub.course
    home, source = hub.home(victim), course / "source" / A / f"{A}.ipynb"
    attempts = {
        "read the victim's notes": ("read", home / "notes.txt"),
        "list the victim's home": ("list", home),
        "write into the victim's home": ("write", home / "planted.txt"),
        "write into the instructor's home": ("write", hub.home(hub.instructor_name) / "x"),
        "read the victim's Jupyter configuration":
            ("read", hub.data / "jupyter-config" / victim / "nbgrader_config.py"),
        "read the hub's database": ("read", hub.data / "hub" / "jupyterhub.sqlite"),
        "list the exchange's inbound (whose names hide submissions)":
            ("list", exchange / "inbound"),
        "list the exchange's feedback": ("list", exchange / "feedback"),
        "write into the released assignment": ("write", exchange / "outbound" / "planted"),
        "take the course's folder in the exchange": ("rename", exchange),
        "list the course folder": ("list", course),
        "read source/": ("read", source),
        "read gradebook.db": ("read", course / "gradebook.db"),
        "write gradebook.db": ("write", course / "gradebook.db"),
        "list submitted/": ("list", course / "submitted"),
        "signal the victim's server": ("signal", _servers()[pwd.getpwnam(victim).pw_uid]),
    }
    stamp = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M:%S.%f %Z")
    forged = f"{victim}+{A}+{stamp}+forged"
    roots = [hub.home(victim).parent, course, hub.exchange, hub.data / "jupyter-config"]
    attacker_uid = pwd.getpwnam(attacker).pw_uid
    before = _tree(roots, attacker_uid, hub.home(attacker))

    student = HubUser(hub.base, attacker, hub.passwords[attacker])
    out, error, _ = student.python(ATTACK.format(
        attempts=json.dumps({k: [a, str(p)] for k, (a, p) in attempts.items()}),
        inbound=str(exchange / "inbound"), forged=forged, notebook=f"{A}.ipynb",
        forgery="FORGED BY ANOTHER STUDENT", timestamp=stamp))
    assert error is None, error
    results = json.loads(out)
    assert results == {label: "PermissionError" for label in attempts}, results
    for command in (f"cat {home / 'notes.txt'}", f"ls {home}", f"touch {home / 'planted'}",
                    f"ls {exchange / 'inbound'}", f"ls {course}", f"cat {source}",
                    f"cp /dev/null {course / 'gradebook.db'}",
                    f"cp {source} {exchange / 'outbound'}/"):
        output, status = student.shell(command)
        assert status != 0 and "Permission denied" in output, (command, status, output)
    assert _tree(roots, attacker_uid, hub.home(attacker)) == before

    # The one write nbgrader's exchange lets through, a submission under the victim's
    # name, is never collected: the victim's own submission is.
    assert (exchange / "inbound" / forged).is_dir()
    log = hub.instructor("nbgrader", "collect", "--update", A)
    assert f"NOT COLLECTED: {forged}" in log, log
    collected = course / "submitted" / victim / A
    assert (collected / "timestamp.txt").read_text() == (
        victim_submission / "timestamp.txt").read_text()
    assert "FORGED" not in (collected / f"{A}.ipynb").read_text()


def _oom_kills(pid):
    """How many processes the out-of-memory killer has killed in ``pid``'s memory group."""
    path = next(line.split(":", 2)[2] for line in Path(f"/proc/{pid}/cgroup").read_text()
                .splitlines() if line.split(":")[1] == "memory")
    text = (resource_unit.CGROUP_ROOT / "memory" / path.lstrip("/") / "memory.oom_control")
    return resource_unit._counter(text.read_text(), "oom_kill")


def test_a_server_past_its_memory_limit_is_stopped_alone(class_hub):
    if resource_unit._hierarchy() != "v1":
        pytest.skip("reads the out-of-memory kills from cgroup v1's memory.oom_control")
    hub = class_hub
    hog_name = hub.students[1]
    others = [hub.login(name) for name in (hub.students[0], hub.instructor_name)]
    hog = hub.login(hog_name)
    servers = _servers()
    hog_server = servers[pwd.getpwnam(hog_name).pw_uid]
    before = _oom_kills(hog_server)
    hog.python(f"hoard = b'x' * ({2 * MEMORY} * 2**20)\nprint(len(hoard))")
    assert _oom_kills(hog_server) > before, "the kernel that hoarded was not killed"
    for other in others:
        assert _servers()[pwd.getpwnam(other.name).pw_uid] == servers[
            pwd.getpwnam(other.name).pw_uid], f"{other.name}'s server was restarted"
        assert other.python("print(6 * 7)")[0].strip() == "42", other.name
