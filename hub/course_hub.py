"""What both course hubs share, and what each user's Jupyter server is configured with.

hub/jupyterhub_config.py (the demo) and hub/class_config.py (a real class) take their
common settings from :func:`serve` and call :func:`prepare_user` before they start a
user's server. The server then runs with ``JUPYTER_CONFIG_DIR`` set to that user's folder,
which holds:

- ``nbgrader_config.py``: the course id and the exchange for everyone; a student's own id
  (on the demo hub every user is the same OS user, so nbgrader cannot tell students apart
  by uid); for an instructor, the course's own nbgrader_config.py and its folder as the
  course root (with system users, nbgrader's ``groupshared`` and the owner-checking
  collect, see autograder/lms/owned_collect.py);
- ``jupyter_server_config.json`` and ``labconfig/page_config.json``: which parts of
  nbgrader's extension the role gets, as nbgrader's installation guide disables them (and
  no JupyterLab news from the internet for anyone).
"""

import json
import os
import sys
from pathlib import Path

from traitlets.config.loader import PyFileConfigLoader

COURSE_CONFIG = "nbgrader_config.py"
COURSE_LINK = "course"  # an instructor's home holds the course folder under this name
# The instructor's side of nbgrader: students get only the assignment list and Validate.
INSTRUCTOR_LAB_EXTENSIONS = ("@jupyter/nbgrader:formgrader", "@jupyter/nbgrader:course-list",
                             "@jupyter/nbgrader:create-assignment")
INSTRUCTOR_SERVER_EXTENSIONS = ("nbgrader.server_extensions.formgrader",
                                "nbgrader.server_extensions.course_list")
# JupyterLab's news and update check asks every user at first start and calls the internet.
NEWS = "@jupyterlab/apputils-extension:announcements"


def course_id(course_root):
    """The course id set in the course's nbgrader_config.py."""
    config = PyFileConfigLoader(COURSE_CONFIG, path=str(course_root)).load_config()
    found = config.CourseDirectory.get("course_id")
    if not found:
        raise SystemExit(f"{Path(course_root) / COURSE_CONFIG} sets no CourseDirectory.course_id")
    return found


# Where every user is a system user (hub/class_config.py): instructors share the course's
# files through their group, and a submission filed under another student's name is refused.
SYSTEM_USERS_INSTRUCTOR = [
    "c.CourseDirectory.groupshared = True",
    'c.ExchangeFactory.collect = "autograder.lms.owned_collect.OwnedCollect"']


def _nbgrader_config(user, instructor, course, exchange, course_root, home, system_users):
    lines = ['"""Written by hub/course_hub.py when the hub starts this server: do not edit."""',
             "c = get_config()"]
    if instructor:
        lines += ["# The course's own settings, then where its folder is in this home.",
                  f"load_subconfig({str(Path(course_root) / COURSE_CONFIG)!r})",
                  f"c.CourseDirectory.root = {str(Path(home) / COURSE_LINK)!r}",
                  *(SYSTEM_USERS_INSTRUCTOR if system_users else [])]
    else:
        lines += ["# Submissions are filed under this id (all users share one OS user here).",
                  f"c.CourseDirectory.student_id = {user!r}"]
    lines += [f"c.CourseDirectory.course_id = {course!r}",
              f"c.Exchange.root = {str(exchange)!r}"]
    return "\n".join(lines) + "\n"


def _write_json(path, data):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, indent=2) + "\n")


def prepare_user(*, user, instructor, home, config_dir, exchange, course_root, course,
                 system_users=False):
    """Make ``user``'s home (an instructor's with a link to the course folder) and write the
    Jupyter configuration of their role in course ``course`` into ``config_dir`` (with
    ``system_users``, for a hub where each user is a system user of their own)."""
    home, config_dir = Path(home), Path(config_dir)
    home.mkdir(parents=True, exist_ok=True)
    link = home / COURSE_LINK
    if instructor:  # renewed at each start, in case the hub now serves another course
        if link.is_symlink():
            link.unlink()
        elif link.exists():
            raise RuntimeError(f"{link} should be the hub's link to the course: move it away")
        link.symlink_to(Path(course_root).resolve(), target_is_directory=True)
    config_dir.mkdir(parents=True, exist_ok=True)
    (config_dir / "nbgrader_config.py").write_text(_nbgrader_config(
        user, instructor, course, exchange, course_root, home, system_users))
    hidden = not instructor
    _write_json(config_dir / "jupyter_server_config.json", {"ServerApp": {"jpserver_extensions": {
        name: not hidden for name in INSTRUCTOR_SERVER_EXTENSIONS}}})
    _write_json(config_dir / "labconfig" / "page_config.json", {"disabledExtensions": {
        NEWS: True, **{name: hidden for name in INSTRUCTOR_LAB_EXTENSIONS}}})


def serve(c, *, data, proxy, bin_dir=Path(sys.executable).parent, private=None):
    """The settings both hubs share: on this machine only, on HUB_PORT (8000) with the hub's
    API and the proxy's API on HUB_API_PORT and HUB_PROXY_API_PORT (the next two ports);
    the users' Jupyter configuration in ``data``, the hub's database and cookie secret in
    ``private`` (``data`` by default); each user's server a JupyterLab from the Python
    environment ``bin_dir`` (the hub's own by default); stopping the hub stops every server
    and the proxy."""
    private = Path(private or data)
    if not proxy.exists():
        raise SystemExit(f"{proxy} is missing: `make hub-proxy` installs it (needs node, npm).")
    port = int(os.environ.get("HUB_PORT", "8000"))
    c.JupyterHub.bind_url = f"http://127.0.0.1:{port}"
    c.JupyterHub.hub_bind_url = f"http://127.0.0.1:{os.environ.get('HUB_API_PORT', port + 1)}"
    c.ConfigurableHTTPProxy.api_url = (
        f"http://127.0.0.1:{os.environ.get('HUB_PROXY_API_PORT', port + 2)}")
    c.ConfigurableHTTPProxy.command = [str(proxy)]
    c.ConfigurableHTTPProxy.pid_file = str(private / "jupyterhub-proxy.pid")
    c.JupyterHub.db_url = f"sqlite:///{private / 'jupyterhub.sqlite'}"
    c.JupyterHub.cookie_secret_file = str(private / "jupyterhub_cookie_secret")
    c.JupyterHub.cleanup_servers = True
    c.JupyterHub.cleanup_proxy = True
    c.Spawner.cmd = [str(Path(bin_dir) / "jupyterhub-singleuser")]
    c.Spawner.default_url = "/lab"
    c.Spawner.start_timeout = 120  # a JupyterLab start on a busy two-core machine
    c.Spawner.http_timeout = 120
    # Each server reads its role's Jupyter configuration (nbgrader's exchange, course id and
    # extensions) from a folder of its own; the course's commands are on its PATH.
    c.Spawner.environment = {
        "JUPYTER_CONFIG_DIR": lambda spawner: str(user_config_dir(data, spawner.user.name)),
        "PATH": os.pathsep.join([str(bin_dir), os.environ.get("PATH", "")]),
    }


def user_config_dir(data, user):
    """The folder of ``user``'s Jupyter configuration on the hub with data folder ``data``."""
    return Path(data) / "jupyter-config" / user
