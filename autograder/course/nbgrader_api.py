"""An nbgrader API object configured from the course's own nbgrader_config.py."""

import os
import sys
from pathlib import Path

from traitlets.config.loader import PyFileConfigLoader

from .paths import CONFIG_FILE, CourseError

# nbgrader's gradebook code (0.9.6, api.py) triggers SQLAlchemy session warnings that say
# nothing about the submissions: filter warnings with this message around its calls.
GRADEBOOK_NOISE = "Object of type <Submitted"


def _venv_on_path():
    """nbgrader runs the `alembic` executable to create a gradebook: it lives beside python."""
    scripts = str(Path(sys.executable).parent)
    if scripts not in os.environ.get("PATH", "").split(os.pathsep):
        os.environ["PATH"] = scripts + os.pathsep + os.environ.get("PATH", "")


def _alembic_head():
    """The gradebook schema's newest revision, read in this process: nbgrader (0.9.6,
    api.get_alembic_version) starts an `alembic heads` process for it whenever it creates a
    gradebook, 2.6 s of a run's 10 for one student."""
    from alembic.config import Config
    from alembic.script import ScriptDirectory
    from nbgrader.dbutil import ALEMBIC_DIR

    config = Config()
    config.set_main_option("script_location", ALEMBIC_DIR)
    return ScriptDirectory.from_config(config).get_current_head()


def open_api(root):
    """NbGraderAPI for the course at ``root``, with its nbgrader_config.py applied."""
    import nbgrader.api
    from nbgrader.apps import NbGraderAPI
    from nbgrader.coursedir import CourseDirectory

    _venv_on_path()
    nbgrader.api.get_alembic_version = _alembic_head
    root = Path(root).resolve()
    config = PyFileConfigLoader(CONFIG_FILE, path=str(root)).load_config()
    config.CourseDirectory.root = str(root)
    coursedir = CourseDirectory(config=config)
    return NbGraderAPI(coursedir=coursedir, config=config)


def build_release(api, assignment):
    """Regenerate release/<assignment>/ through nbgrader generate_assignment."""
    result = api.generate_assignment(assignment, force=True)
    if not result["success"]:
        raise CourseError(f"nbgrader could not generate {assignment}:\n"
                          f"{result.get('error') or result.get('log')}")
