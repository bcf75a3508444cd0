"""The IPython shell: its attributes, event hooks, and magics (those that run Python have
that Python scanned too)."""

import ast
import re

from .names import _literal
from .reasons import CHDIR, DISPLAY, ENV, EVENT_HOOK, RUNS_CODE

# Attributes of the IPython shell object (get_ipython()); any other one is flagged too.
SHELL_ATTRS = {
    **dict.fromkeys(("system", "system_raw", "system_piped", "getoutput"), "runs a shell command"),
    "events": EVENT_HOOK,
    **dict.fromkeys(("run_cell", "run_cell_async", "run_code", "run_ast_nodes", "ex", "ev",
                     "safe_execfile", "safe_execfile_ipy", "safe_run_module"), RUNS_CODE),
    **dict.fromkeys(("push", "del_var", "drop_by_id", "reset", "reset_selective"),
                    "changes the IPython namespace directly"),
    **dict.fromkeys(("displayhook", "display_pub", "excepthook", "hooks", "set_hook"), DISPLAY),
}
SHELL_GETTERS = frozenset({"builtins.get_ipython", "IPython.get_ipython",
                           "IPython.core.getipython.get_ipython"})
IPYTHON_EVENTS = frozenset({"pre_execute", "pre_run_cell", "post_execute", "post_run_cell",
                            "shell_initialized"})

# Magics: harmless ones (those in PYTHON_MAGICS run Python, which is scanned too) and reasons.
HARMLESS_MAGICS = frozenset({
    "matplotlib", "time", "timeit", "precision", "prun", "capture", "pinfo", "pinfo2",
    "psearch", "pdef", "pdoc", "who", "whos", "who_ls", "lsmagic", "xmode", "pprint", "html",
    "latex", "markdown", "svg",
})
PYTHON_MAGICS = frozenset({"time", "timeit", "prun", "capture"})
MAGIC_OPTIONS = {"timeit": "n:r:tcp:qo", "prun": "D:l:rs:T:q"}  # IPython's getopt strings
MAGICS = {
    **dict.fromkeys(("system", "sx", "sc", "bash", "sh", "script", "perl", "ruby", "python",
                     "python2", "python3", "pypy", "powershell", "cmd"), "runs a shell command"),
    "run": "runs another file with %run",
    "load": "loads code from a file with %load", "loadpy": "loads code from a file with %load",
    "env": ENV, "set_env": ENV,
    "cd": CHDIR, "pushd": CHDIR, "popd": CHDIR, "bookmark": CHDIR,
    "writefile": "writes a file with %%writefile", "file": "writes a file with %%writefile",
    "store": "stores variables outside the notebook with %store",
    "reset": "resets the namespace", "reset_selective": "resets the namespace",
    "xdel": "resets the namespace",
}


class IPythonShell:
    """Checks of the shell object, event names and magics."""

    def is_shell(self, node):
        if isinstance(node, ast.Name):
            return node.id in self.nb.shells
        if isinstance(node, ast.Call):
            dotted = self.dotted(node.func) or ""
            return dotted in SHELL_GETTERS or dotted.endswith("InteractiveShell.instance")
        return False

    def shell_attribute(self, node):
        """An attribute of the shell object, other than its magic runners when called."""
        parent = self.parent.get(node)
        is_called = isinstance(parent, ast.Call) and parent.func is node
        if self.is_shell(node.value) and not (
                is_called and node.attr in ("run_line_magic", "run_cell_magic")):
            self.flag(node, SHELL_ATTRS.get(node.attr, "uses the IPython shell object"))

    def visit_Constant(self, node):
        if node.value in IPYTHON_EVENTS:
            self.flag(node, EVENT_HOOK)

    def magic(self, node):
        """get_ipython().run_line_magic(name, line) / .run_cell_magic(name, line, body)."""
        name = _literal(node.args[0]) if node.args else None
        line = (_literal(node.args[1]) if len(node.args) > 1 else None) or ""
        if name is None:
            self.flag(node, "runs an IPython magic chosen at run time")
        elif name == "config" and line.strip().startswith("InlineBackend."):
            pass
        elif name not in HARMLESS_MAGICS:
            self.flag(node, MAGICS.get(name, f"runs the %{name} magic"))
        elif name in PYTHON_MAGICS:
            body = _literal(node.args[2]) if len(node.args) > 2 else None
            if body is not None:
                self.found += self.nb.scan_source(body, node.lineno + self.offset) or []
            else:  # %timeit -n 10 f(x): scan the statement after the options
                for statement in dict.fromkeys([line, _after_options(name, line)]):
                    found = self.nb.scan_source(statement, node.lineno - 1 + self.offset)
                    if found is not None:
                        self.found += found
                        break


def _after_options(magic, line):
    """What follows the options of a line magic, read as IPython's getopt reads them (one
    pass over the line: a line of a million options costs no more than its length)."""
    takes_value = set(re.findall(r"(\w):", MAGIC_OPTIONS.get(magic, "")))
    value_next = False
    for word in re.finditer(r"\S+", line):
        if value_next:
            value_next = False
        elif word[0] == "--":
            return line[word.end():]
        elif not word[0].startswith("-") or word[0] == "-":
            return line[word.start():]
        else:
            cluster = word[0][1:]
            for index, letter in enumerate(cluster):
                if letter in takes_value:
                    value_next = index == len(cluster) - 1
                    break
    return ""
