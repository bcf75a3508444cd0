"""Files the grader writes get the course folder's permissions for its group and others
(read, and write where the folder grants it), so a teaching assistant's account in the
course's group reads what the instructor's account wrote, whatever umask or temporary file
made it private."""

import os
import stat
from pathlib import Path


def share(course, *paths):
    """Give each of ``paths`` (files or folders) the group and other bits of the folder
    ``course``; the owner keeps read and write (and search, for folders)."""
    bits = stat.S_IMODE(os.stat(course).st_mode)
    for path in map(Path, paths):
        if path.is_symlink() or not path.exists():
            continue
        if path.is_dir():
            path.chmod(0o700 | (bits & 0o077))
        else:
            path.chmod(0o600 | (bits & 0o066))
