"""What each user's Jupyter server on the course hub is configured with.

hub/jupyterhub_config.py calls :func:`prepare_user` before it starts a user's server. The
server then runs with ``JUPYTER_CONFIG_DIR`` set to that user's folder, which holds:

- ``nbgrader_config.py``: the course id and the exchange for everyone; a student's own id
  (every user is the same OS user here, so nbgrader cannot tell students apart by uid);
  for an instructor, the course's own nbgrader_config.py and its folder as the course root;
- ``jupyter_server_config.json`` and ``labconfig/page_config.json``: which parts of
  nbgrader's extension the role gets, as nbgrader's installation guide disables them (and
  no JupyterLab news from the internet for anyone).
"""

import json
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


def _nbgrader_config(user, instructor, course, exchange, course_root, home):
    lines = ['"""Written by hub/course_hub.py when the hub starts this server: do not edit."""',
             "c = get_config()"]
    if instructor:
        lines += ["# The course's own settings, then where its folder is in this home.",
                  f"load_subconfig({str(Path(course_root) / COURSE_CONFIG)!r})",
                  f"c.CourseDirectory.root = {str(Path(home) / COURSE_LINK)!r}"]
    else:
        lines += ["# Submissions are filed under this id (all users share one OS user here).",
                  f"c.CourseDirectory.student_id = {user!r}"]
    lines += [f"c.CourseDirectory.course_id = {course!r}",
              f"c.Exchange.root = {str(exchange)!r}"]
    return "\n".join(lines) + "\n"


def _write_json(path, data):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, indent=2) + "\n")


def prepare_user(*, user, instructor, home, config_dir, exchange, course_root, course):
    """Make ``user``'s home (an instructor's with a link to the course folder) and write the
    Jupyter configuration of their role in course ``course`` into ``config_dir``."""
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
        user, instructor, course, exchange, course_root, home))
    hidden = not instructor
    _write_json(config_dir / "jupyter_server_config.json", {"ServerApp": {"jpserver_extensions": {
        name: not hidden for name in INSTRUCTOR_SERVER_EXTENSIONS}}})
    _write_json(config_dir / "labconfig" / "page_config.json", {"disabledExtensions": {
        NEWS: True, **{name: hidden for name in INSTRUCTOR_LAB_EXTENSIONS}}})
