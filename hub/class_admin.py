"""Set up, or tear down, the machine for hub/class_config.py: a class where every student and
instructor is a system user. Run as root; both commands can be run again safely.

    sudo .venv/bin/python hub/class_admin.py setup --course /srv/dl-course \\
        --instructor alice [--instructor bob] [--data /srv/course-hub] \\
        [--exchange /srv/nbgrader/exchange] [--group course-instructors] [--home-base /home]
    sudo .venv/bin/python hub/class_admin.py teardown [--data /srv/course-hub]

``setup`` creates the instructors' group and a system user for each instructor (primary
group: the instructors') and for each student of the course's roster.csv (a group of their
own, a home only they can read); a new account gets a random password, printed once and
stored nowhere. It gives the course folder to root and the instructors' group, with
nothing for anyone else; makes nbgrader's exchange with the modes nbgrader gives it (the
course's folder made in advance, by root, so that no student can take its name); and
records what it made in DATA/class_hub.json, which the hub's configuration reads.
``teardown`` removes the accounts, groups, exchange and data folder that setup made; the
course folder stays (it holds the course's data), still the instructors' only.
"""

import argparse
import grp
import json
import os
import pwd
import secrets
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from autograder.course import roster  # noqa: E402 - this checkout's package
from hub.course_hub import course_id  # noqa: E402

SETTINGS = "class_hub.json"
# nbgrader's modes for a course in the exchange, its `groupshared` variant (instructors
# share the course through their group); inbound and feedback are sticky as well, so that
# nobody renames or removes what another user put there.
EXCHANGE_MODES = {"": 0o2775, "outbound": 0o2775, "inbound": 0o3773, "feedback": 0o3771}


def _run(*command):
    done = subprocess.run(command, capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed: {done.stderr.strip()}")


def _exists(lookup, name):
    try:
        lookup(name)
        return True
    except KeyError:
        return False


def _account(name, home_base, group_options):
    """Create user ``name`` with a random password; return it (None if the user existed)."""
    if _exists(pwd.getpwnam, name):
        return None
    _run("useradd", "--create-home", "--base-dir", str(home_base), "--shell", "/bin/bash",
         *group_options, name)
    os.chmod(pwd.getpwnam(name).pw_dir, 0o700)
    password = secrets.token_urlsafe(12)
    subprocess.run(["chpasswd"], input=f"{name}:{password}\n", text=True, check=True)
    return password


def _give_to_group(folder, gid):
    """The course folder: root's (what is in it keeps its owner), the instructors' group
    reads and writes, others get nothing; new files inherit the group (set-group-id)."""
    os.chown(folder, 0, gid)
    for path in [folder, *folder.rglob("*")]:
        if path.is_symlink():
            continue
        os.chown(path, -1, gid)
        mode = path.stat().st_mode & 0o770
        path.chmod((mode | 0o2770) if path.is_dir() else (mode | 0o660))


def setup(args):
    course = Path(args.course).resolve()
    data, exchange = Path(args.data), Path(args.exchange)
    course_name, students = course_id(course), list(roster.load(course))
    clash = set(students) & set(args.instructor)
    if clash:
        raise SystemExit(f"both student and instructor: {', '.join(sorted(clash))}")
    recorded = _read(data) or {"users": [], "groups": []}
    if not _exists(grp.getgrnam, args.group):
        _run("groupadd", args.group)
        recorded["groups"].append(args.group)
    gid = grp.getgrnam(args.group).gr_gid
    Path(args.home_base).mkdir(parents=True, exist_ok=True)
    passwords = {}
    for name in args.instructor:
        passwords[name] = _account(name, args.home_base, ["--gid", args.group])
        _run("usermod", "--append", "--groups", args.group, name)
    for name in students:
        passwords[name] = _account(name, args.home_base, ["--user-group"])
        if gid in os.getgrouplist(name, pwd.getpwnam(name).pw_gid):
            raise SystemExit(f"student {name} is in the instructors' group {args.group}")
    made = [name for name, password in passwords.items() if password]
    recorded["users"] = sorted(set(recorded["users"]) | set(made))
    _give_to_group(course, gid)
    exchange.mkdir(parents=True, exist_ok=True)
    exchange.chmod(0o1777)  # nbgrader's "ugo+rwx", sticky: nobody removes another's course
    for sub, mode in EXCHANGE_MODES.items():
        folder = exchange / course_name / sub
        folder.mkdir(exist_ok=True)
        os.chown(folder, 0, gid)
        folder.chmod(mode)
    data.mkdir(parents=True, exist_ok=True)
    data.chmod(0o711)  # the hub's database and cookie secret are root's; configs below
    recorded.update(course=str(course), course_id=course_name, exchange=str(exchange),
                    group=args.group,
                    instructors=sorted(set(recorded.get("instructors", [])) | set(args.instructor)),
                    students=students)
    (data / SETTINGS).write_text(json.dumps(recorded, indent=2) + "\n")
    for name, password in passwords.items():
        print(f"{name}\t{password if password else '(existed: password unchanged)'}")
    if made:
        print("These passwords are shown once and stored nowhere: hand them out now.")


def _read(data):
    path = Path(data) / SETTINGS
    return json.loads(path.read_text()) if path.is_file() else None


def teardown(args):
    data = Path(args.data)
    recorded = _read(data)
    if recorded is None:
        print(f"nothing to tear down: no {data / SETTINGS}")
        return
    for name in recorded["users"]:
        if _exists(pwd.getpwnam, name):
            _run("userdel", "--remove", name)
            print(f"removed user {name}")
    for name in recorded["groups"]:
        if _exists(grp.getgrnam, name):
            _run("groupdel", name)
            print(f"removed group {name}")
    course_exchange = Path(recorded["exchange"]) / recorded["course_id"]
    subprocess.run(["rm", "-rf", str(course_exchange), str(data)], check=True)
    print(f"removed {course_exchange} and {data}; the course folder {recorded['course']} "
          "stays, root's and the instructors' group's")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    up = commands.add_parser("setup", help="users, groups, course folder, exchange")
    up.add_argument("--course", required=True, help="the course folder (nbgrader_config.py)")
    up.add_argument("--instructor", action="append", required=True, help="an instructor")
    up.add_argument("--group", default="course-instructors", help="the instructors' group")
    up.add_argument("--exchange", default="/srv/nbgrader/exchange")
    up.add_argument("--home-base", default="/home", help="where the homes are made")
    down = commands.add_parser("teardown", help="remove what setup made")
    for command in (up, down):
        command.add_argument("--data", default="/srv/course-hub", help="the hub's data folder")
    args = parser.parse_args(argv)
    if os.geteuid() != 0:
        raise SystemExit(f"hub/class_admin.py {args.command} must run as root (sudo): it "
                         "creates and removes system users, groups and their folders.")
    (setup if args.command == "setup" else teardown)(args)


if __name__ == "__main__":
    main()
