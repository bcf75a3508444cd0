"""JupyterHub for this course on one machine: `make hub`, then open http://127.0.0.1:8000.

An instructor and three demo students log in, each with a home folder of their own under
the hub's data folder (.hub/ in the checkout, ignored by git); nbgrader's exchange lives in
a folder of its own there. Students fetch, validate and submit from nbgrader's Assignment
List and fetch their feedback there; the instructor releases from the formgrader (or
`nbgrader release_assignment`), collects with `nbgrader collect`, grades with
`autograder grade` and hands feedback back with `nbgrader release_feedback` (README, "For
instructors", "A class on JupyterHub").

Settings from the environment (all optional):
  HUB_PORT=8000                 the hub's address is http://127.0.0.1:HUB_PORT
  HUB_API_PORT, HUB_PROXY_API_PORT
                                internal ports of the hub and of its proxy (HUB_PORT+1, +2)
  HUB_DATA=.hub                 homes, exchange, per-user Jupyter configuration, hub database
  HUB_COURSE=<this checkout>    the course folder (holding nbgrader_config.py)
  HUB_STUDENT_PASSWORD          the students' shared password (default: student-password)
  HUB_INSTRUCTOR_PASSWORD       the instructor's password, 32 characters or more
                                (default: instructor-password-for-this-demo-hub)

What this one-machine hub can and cannot enforce
------------------------------------------------
JupyterHub's SimpleLocalProcessSpawner starts every user's server as the hub's own OS user
(root here), in that user's home folder. The hub's login keeps users out of each other's
servers and the browser shows a student only their home, but nothing is separated on the
file system: code a student runs (a notebook cell, a terminal) can read and write every
home, the course folder with source/, the gradebook and submitted/, and the exchange,
including submitting under another student's name. Students see only the student side of
nbgrader (the formgrader's server extension is not even loaded for them), which is a
convenience, not a wall. Use this hub to try the course's workflow, never with real
students.

The separation is hub/class_config.py's: every user a system user with a server of their
own uid and limits, the course folder for the instructors' group only, nbgrader's exchange
with nbgrader's permissions, PAM (README, "A real class on one machine").

Where a university plugs in its own login
------------------------------------------
Replace the shared-password authenticator below. For single sign-on from the LMS through
LTI 1.3 (Canvas, Moodle, Blackboard), `pip install jupyterhub-ltiauthenticator` and:

    c.JupyterHub.authenticator_class = "ltiauthenticator.lti13.auth.LTI13Authenticator"
    c.LTI13Authenticator.issuer = "https://canvas.instructure.com"   # Canvas's values
    c.LTI13Authenticator.client_id = ["<the client id of the LMS's LTI registration>"]
    c.LTI13Authenticator.authorize_url = (
        "https://canvas.instructure.com/api/lti/authorize_redirect")
    c.LTI13Authenticator.jwks_endpoint = "https://canvas.instructure.com/api/lti/security/jwks"
    c.LTI13Authenticator.username_key = "email"   # the launch claim that names the user
    c.Authenticator.allow_all = True              # everyone the LMS sends is in the course

Then the LMS decides who is a student; keep INSTRUCTORS below (or map the LTI roles claim
to them in an `Authenticator.post_auth_hook`), and make the user names what `roster.csv`
calls `student_id`. OAuthenticator (GitHub, Google, a generic OIDC provider) plugs in the
same way.

The same course on Kubernetes (Zero to JupyterHub)
---------------------------------------------------
hub/z2jh-values.yaml (README, "The same course on Kubernetes").
"""

import os
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(HERE))
from course_hub import (course_id, prepare_user, serve,  # noqa: E402 - beside this file
                        user_config_dir)

c = get_config()  # noqa: F821 - provided by JupyterHub when it loads this file

DATA = Path(os.environ.get("HUB_DATA", REPO / ".hub")).resolve()
COURSE_ROOT = Path(os.environ.get("HUB_COURSE", REPO)).resolve()
COURSE_ID = course_id(COURSE_ROOT)
EXCHANGE = DATA / "exchange"
# `make hub` installs the proxy with npm here (its own folder, not the hub's data folder).
PROXY = REPO / ".hub" / "node_modules" / ".bin" / "configurable-http-proxy"

# Accounts: one instructor and demo students. With a real authenticator, the students come
# from it; the instructors stay listed here.
INSTRUCTORS = {"instructor"}
STUDENTS = {"student1", "student2", "student3"}

serve(c, data=DATA, proxy=PROXY)

# Login: JupyterHub's shared-password authenticator (the place for a real one, see above).
# Students share one password; the instructor is the hub's admin and has a password of
# their own, so that no student can log in as the instructor.
c.JupyterHub.authenticator_class = "shared-password"
c.SharedPasswordAuthenticator.user_password = os.environ.get(
    "HUB_STUDENT_PASSWORD", "student-password")
c.SharedPasswordAuthenticator.admin_password = os.environ.get(
    "HUB_INSTRUCTOR_PASSWORD", "instructor-password-for-this-demo-hub")
c.Authenticator.allowed_users = STUDENTS
c.Authenticator.admin_users = INSTRUCTORS

# Servers: one JupyterLab per user, a process of this machine, in DATA/home/<user>.
c.JupyterHub.spawner_class = "jupyterhub.spawner.SimpleLocalProcessSpawner"
c.SimpleLocalProcessSpawner.home_dir_template = str(DATA / "home" / "{username}")
c.Spawner.args = ["--allow-root"] if os.getuid() == 0 else []



def _prepare(spawner):
    prepare_user(user=spawner.user.name, instructor=spawner.user.name in INSTRUCTORS,
                 home=spawner.home_dir, config_dir=user_config_dir(DATA, spawner.user.name),
                 exchange=EXCHANGE, course_root=COURSE_ROOT, course=COURSE_ID)


c.Spawner.pre_spawn_hook = _prepare

# nbgrader's exchange: a folder every user can write to (nbgrader sets the modes below it).
EXCHANGE.mkdir(parents=True, exist_ok=True)
EXCHANGE.chmod(0o777)
