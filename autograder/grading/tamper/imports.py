"""Imports honest work never needs: shells, threads, the network, ctypes, IPython
internals, the grading machinery, loaders."""

from .bindings import HELPERS
from .names import _literal, _lookup
from .reasons import GRADING, LOADER, NETWORK, SHELL, THREADS
from .references import REFERENCES

# Modules (and their submodules) whose import alone is flagged, unless listed in IMPORT_OK.
IMPORTS = [
    ("subprocess", SHELL), ("pty", SHELL), ("pexpect", SHELL),
    ("multiprocessing", THREADS), ("threading", THREADS), ("_thread", THREADS),
    ("concurrent", THREADS),
    *((name, NETWORK) for name in (
        "socket", "ssl", "urllib", "urllib3", "http", "requests", "httpx", "aiohttp", "ftplib",
        "smtplib", "telnetlib", "poplib", "imaplib", "xmlrpc", "websocket", "websockets",
        "paramiko", "webbrowser")),
    ("ctypes", "uses ctypes or cffi"), ("_ctypes", "uses ctypes or cffi"),
    ("cffi", "uses ctypes or cffi"),
    ("builtins", "imports builtins"), ("__builtin__", "imports builtins"),
    ("IPython", "imports IPython internals"), ("ipykernel", "imports IPython internals"),
    ("jupyter_client", "imports IPython internals"),
    ("nbgrader", GRADING), ("nbformat", GRADING), ("nbclient", GRADING), ("nbconvert", GRADING),
    ("autograder", GRADING), ("sqlite3", "opens a database"),
    ("runpy", LOADER), ("marshal", LOADER), ("code", LOADER), ("codeop", LOADER), ("imp", LOADER),
    ("unittest.mock", "imports a mocking library"), ("mock", "imports a mocking library"),
]
IMPORT_OK = ("IPython.display", "IPython.core.display", "IPython.get_ipython",
             "autograder.student.callables", "autograder.student.checks",
             "autograder.student.interactive")
STAR_OK = frozenset({"numpy", "math", "cmath"})


def _import_reason(name):
    if name in ("IPython", "autograder") or any(
            name == ok or name.startswith(ok + ".") for ok in IMPORT_OK):
        return None
    return next((reason for module, reason in IMPORTS
                 if name == module or name.startswith(module + ".")), None)


class Imports:
    """Checks of import statements and of importlib.import_module."""

    def visit_Import(self, node):
        for alias in node.names:
            self.imported(node, alias.name, alias.asname or alias.name.split(".")[0])

    def visit_ImportFrom(self, node):
        module = "." * node.level + (node.module or "")
        for alias in node.names:
            if alias.name == "*":
                if module not in STAR_OK:
                    self.flag(node, f"imports * from {module}")
            else:
                self.imported(node, f"{module}.{alias.name}", alias.asname or alias.name)

    def imported(self, node, name, bound):
        for reason in (_import_reason(name), _lookup(REFERENCES, name)):
            if reason:
                self.flag(node, reason)
        if self.at_module_level(bound):
            if bound in HELPERS and name != f"autograder.student.checks.{bound}":
                self.flag(node, f"rebinds the test helper {bound}")
            elif bound == "np" and name != "numpy":
                self.flag(node, f"imports {name} as np")

    def import_by_name(self, node):
        """importlib.import_module(name, ...)."""
        name = _literal(node.args[0])
        reason = _import_reason(name) if name else "imports a module by a computed name"
        if reason:
            self.flag(node, reason)
