"""JupyterHub for a real class on one machine: every student and instructor a system user.

    sudo .venv/bin/python hub/class_admin.py setup --course /srv/dl-course --instructor alice
    sudo CLASS_HUB_DATA=/srv/course-hub .venv/bin/jupyterhub -f hub/class_config.py

(`make class-hub` runs the second line.) hub/class_admin.py creates the accounts and writes
CLASS_HUB_DATA/class_hub.json, which this file reads: the course folder, nbgrader's
exchange, the instructors' group and the roster's students. Other settings from the
environment: HUB_PORT (8000), HUB_API_PORT, HUB_PROXY_API_PORT; CLASS_HUB_MEMORY (2G) and
CLASS_HUB_CPUS (1.0), each user's server's limits; CLASS_HUB_ENV, the Python environment
the users' servers run from (see below).

What the operating system enforces here (README, "A real class on one machine"):
- Login through PAM, the machine's own accounts and passwords: students of the roster and
  members of the instructors' group only; the instructors are the hub's admins (its admin
  page, /hub/admin, starts and stops anyone's server).
- Each server runs as its user's uid, in their home (mode 0700), within a control group
  of its own with a memory, CPU and process limit (hub/limited_spawner.py).
- The course folder (source/, gradebook.db, submitted/, autograded/, feedback/) belongs
  to root and the instructors' group, nothing for others; an instructor's home links to
  it as ``course``, and only instructors load the formgrader.
- nbgrader's exchange has nbgrader's permissions: outbound readable by all, inbound
  writable but not listable by students, feedback found by its hash. A submission filed
  under another student's name is not collected (autograder/lms/owned_collect.py).

HTTPS: serve the hub behind a reverse proxy that holds the certificate (nginx, Caddy,
Traefik) and keep it on 127.0.0.1, or give it one directly:
    c.JupyterHub.ssl_cert = "/etc/letsencrypt/live/hub.example.edu/fullchain.pem"
    c.JupyterHub.ssl_key = "/etc/letsencrypt/live/hub.example.edu/privkey.pem"
    c.JupyterHub.bind_url = "https://0.0.0.0:443"

A university's single sign-on in place of PAM (the system users must still exist, with the
same names: run class_admin.py setup, whose passwords then go unused, or let the hub make
them with ``c.LocalAuthenticator.create_system_users = True``):
- OAuth2/OpenID Connect (`pip install oauthenticator`):
      c.JupyterHub.authenticator_class = "oauthenticator.generic.LocalGenericOAuthenticator"
      c.GenericOAuthenticator.oauth_callback_url = "https://hub.example.edu/hub/oauth_callback"
      c.GenericOAuthenticator.client_id = "<the client id the identity provider issued>"
      c.GenericOAuthenticator.client_secret = "<its secret, from a file or the environment>"
      c.GenericOAuthenticator.authorize_url = "https://login.example.edu/oauth2/authorize"
      c.GenericOAuthenticator.token_url = "https://login.example.edu/oauth2/token"
      c.GenericOAuthenticator.userdata_url = "https://login.example.edu/oauth2/userinfo"
      c.GenericOAuthenticator.username_claim = "preferred_username"
      c.GenericOAuthenticator.scope = ["openid", "profile"]
- LTI 1.3 from the LMS (`pip install jupyterhub-ltiauthenticator`): the settings in
  hub/jupyterhub_config.py's docstring; ``username_key`` must give roster.csv's student_id.
"""

import grp
import json
import os
import pwd
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from course_hub import prepare_user, serve, user_config_dir  # noqa: E402 - beside this file
from limited_spawner import LimitedSpawner  # noqa: E402

c = get_config()  # noqa: F821 - provided by JupyterHub when it loads this file

if os.geteuid() != 0:
    raise SystemExit("hub/class_config.py must run as root: it starts each user's server as "
                     "that user, and PAM checks the machine's passwords.")
DATA = Path(os.environ.get("CLASS_HUB_DATA", "/srv/course-hub")).resolve()
try:
    SETTINGS = json.loads((DATA / "class_hub.json").read_text())
except FileNotFoundError:
    raise SystemExit(f"{DATA / 'class_hub.json'} is missing: run hub/class_admin.py setup "
                     "first (with --data if not the default).") from None
GROUP = SETTINGS["group"]


def is_instructor(name):
    """Whether user ``name`` is in the instructors' group now (primary or supplementary)."""
    account = pwd.getpwnam(name)
    return grp.getgrnam(GROUP).gr_gid in os.getgrouplist(name, account.pw_gid)


# The users' servers run from CLASS_HUB_ENV (a Python environment every user can execute;
# `make class-hub-env` makes one from the system's Python), else from the hub's own.
USERS_ENV = Path(os.environ.get("CLASS_HUB_ENV", Path(sys.executable).parent.parent))
PRIVATE = DATA / "hub"  # the hub's database, cookie secret and proxy pid: root's alone
PRIVATE.mkdir(mode=0o700, exist_ok=True)
serve(c, data=DATA, private=PRIVATE, proxy=HERE.parent / ".hub" / "node_modules" / ".bin"
      / "configurable-http-proxy", bin_dir=USERS_ENV / "bin")

c.JupyterHub.authenticator_class = "pam"
c.PAMAuthenticator.admin_groups = {GROUP}
c.Authenticator.allowed_users = (set(SETTINGS["students"]) | set(SETTINGS["instructors"])
                                 | set(grp.getgrnam(GROUP).gr_mem))

c.JupyterHub.spawner_class = LimitedSpawner
c.Spawner.mem_limit = os.environ.get("CLASS_HUB_MEMORY", "2G")
c.Spawner.cpu_limit = float(os.environ.get("CLASS_HUB_CPUS", "1.0"))


def _prepare(spawner):
    name = spawner.user.name
    account, config_dir = pwd.getpwnam(name), user_config_dir(DATA, name)
    prepare_user(user=name, instructor=is_instructor(name), home=account.pw_dir,
                 config_dir=config_dir, exchange=SETTINGS["exchange"],
                 course_root=SETTINGS["course"], course=SETTINGS["course_id"],
                 system_users=True)
    for path in [config_dir, *config_dir.rglob("*")]:  # the user's own, as JupyterLab expects
        os.chown(path, account.pw_uid, account.pw_gid)
    config_dir.chmod(0o700)


c.Spawner.pre_spawn_hook = _prepare
