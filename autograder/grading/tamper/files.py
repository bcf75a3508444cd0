"""Files: a path that leaves the submission folder or is computed, in the calls and the
Path methods that take one."""

import ast
import re

from .names import _lookup
from .reasons import COMPUTED, OUTSIDE

# Calls that take file paths: how many leading positional arguments are paths.
PATH_CALLS = (
    ("builtins.open", 1), ("io.open", 1), ("codecs.open", 1), ("os.open", 1),
    ("numpy.load", 1), ("numpy.save", 1), ("numpy.savez", 1), ("numpy.savez_compressed", 1),
    ("numpy.loadtxt", 1), ("numpy.savetxt", 1), ("numpy.genfromtxt", 1), ("numpy.fromfile", 1),
    ("numpy.memmap", 1), ("pathlib.Path", 99), ("pathlib.PurePath", 99),
    ("pathlib.PosixPath", 99), ("os.listdir", 1), ("os.scandir", 1), ("os.walk", 1),
    ("os.remove", 1), ("os.unlink", 1), ("os.rmdir", 1), ("os.removedirs", 1), ("os.mkdir", 1),
    ("os.makedirs", 1), ("os.rename", 2), ("os.replace", 2), ("os.renames", 2), ("os.chmod", 1),
    ("os.symlink", 2), ("os.link", 2), ("os.truncate", 1), ("glob.glob", 1), ("glob.iglob", 1),
    ("shutil.*", 2), ("tarfile.open", 1), ("zipfile.ZipFile", 1), ("sqlite3.connect", 1),
)
# Path methods: their receiver must be a Path(...) built right there from a checked literal.
PATH_METHODS = frozenset({"read_text", "read_bytes", "write_text", "write_bytes", "iterdir",
                          "rglob", "unlink", "rmdir", "touch", "mkdir", "symlink_to",
                          "hardlink_to"})
PATH_KEYWORDS = frozenset({"file", "fname", "filename", "path", "src", "dst", "top", "pathname"})


def _outside(text, start=True):
    """Whether a literal path (or, with start=False, a later part of one) leaves the folder."""
    parts = re.split(r"[\\/]", text)
    return ".." in parts or "~" in text or (start and bool(re.match(r"[\\/]|[A-Za-z]:", text)))


def _path_problem(node):
    """Why a path argument is suspicious (OUTSIDE or COMPUTED), or None for a plain name."""
    if isinstance(node, ast.Constant) and isinstance(node.value, (str, bytes)):
        value = node.value if isinstance(node.value, str) else node.value.decode("latin-1")
        return OUTSIDE if _outside(value) else None
    if isinstance(node, ast.JoinedStr):
        if any(isinstance(part, ast.Constant) and _outside(part.value, start=index == 0)
               for index, part in enumerate(node.values)):
            return OUTSIDE
    return COMPUTED


class Files:
    """Checks of the paths a call reads or writes."""

    def path_arguments(self, node, dotted):
        """A call of a PATH_CALLS function: each path argument must be a plain literal."""
        paths = _lookup(PATH_CALLS, dotted)
        if paths:
            arguments = node.args[:paths] + [k.value for k in node.keywords
                                             if k.arg in PATH_KEYWORDS]
            for reason in {_path_problem(argument) for argument in arguments} - {None}:
                self.flag(node, reason)

    def built_path(self, node):
        """Whether ``node`` is a Path(...) built right there, its literal checked."""
        return isinstance(node, ast.Call) and bool(
            _lookup(PATH_CALLS, self.dotted(node.func) or ""))
