"""A static scan of a submitted notebook for code that honest work never needs.

Nothing is executed. Every code cell a student can change (not locked, not a grade cell:
nbgrader restores those before grading) is converted from IPython syntax to Python and
walked with ``ast``; each suspicious construct becomes a :class:`Flag` for an instructor to
look at. A cell that does not parse is an honest syntax error and is not flagged.
"""

import ast
from dataclasses import dataclass

from autograder.student.cells import nbgrader_meta

from .bindings import MUTATORS, Bindings
from .classes import Classes
from .files import PATH_METHODS, Files
from .imports import Imports
from .ipython import IPythonShell
from .names import Names
from .parse import DEFAULT_ALIASES, _bindings, _parse_text, _text
from .reasons import COMPUTED
from .references import References


@dataclass(frozen=True)
class Flag:
    """One suspicious construct: where it is and why it is suspicious."""

    cell: str    # the cell's grade_id, else "cell <index>" (1-based)
    line: int    # 1-based line in the cell's source, 0 when not applicable
    reason: str

    def __str__(self):
        return f"{self.reason} ({self.cell} line {self.line})" if self.line else \
            f"{self.reason} ({self.cell})"


# Code beyond this (characters, the whole notebook) is not scanned: IPython's tokenizer costs
# about 50 us a token, and no honest notebook comes near it.
MAX_CODE = 256 * 1024


class _Notebook:
    """What the whole notebook binds: import aliases, module-level names, shell variables."""

    def __init__(self, sources):
        self.aliases, self.bound, self.shells = dict(DEFAULT_ALIASES), set(), set()
        for source in sources:
            aliases, bound, shells = _bindings(source)
            self.aliases.update(aliases)
            self.bound |= bound
            self.shells |= shells

    def scan(self, tree, offset):
        """(line, reason) pairs for one parsed cell whose line 1 is line ``offset + 1``."""
        scanner = _Scanner(self, tree, offset)
        scanner.visit(tree)
        return scanner.found

    def scan_source(self, source, offset):
        """(line, reason) pairs for IPython source whose line 1 is ``offset + 1``; None if
        invalid."""
        tree, blank = _parse_text(source)
        return None if tree is None else self.scan(tree, offset + blank)


class _Scanner(References, Imports, Bindings, Classes, Files, IPythonShell, Names):
    """Walks one cell with every kind of check; a call is looked at by each kind in turn."""

    def visit_Call(self, node):
        dotted = self.dotted(node.func) or ""
        self.path_arguments(node, dotted)
        if dotted in ("builtins.getattr", "builtins.setattr", "builtins.delattr") and node.args:
            self.attribute_call(node, dotted.removeprefix("builtins."))
        elif dotted == "importlib.import_module" and node.args:
            self.import_by_name(node)
        elif dotted == "builtins.type" and len(node.args) == 3:
            self.flag(node, "creates a class with type()")
        elif self.is_shell(node) and not isinstance(self.parent.get(node), (
                ast.Attribute, ast.Assign)):
            self.flag(node, "passes the IPython shell around")
        if isinstance(node.func, ast.Attribute):
            if node.func.attr in ("run_line_magic", "run_cell_magic"):
                self.magic(node)
            elif node.func.attr in PATH_METHODS and not self.built_path(node.func.value):
                self.flag(node, COMPUTED)
            elif node.func.attr in MUTATORS:
                reason = self.container(node.func.value)
                if reason:
                    self.flag(node, reason)
        self.generic_visit(node)


def scan(nb):
    """Flags for every code cell of ``nb`` a student can change (never executes anything);
    a notebook with more than MAX_CODE characters of code gets one flag saying so instead."""
    cells = [(index, cell, _text(cell.source))
             for index, cell in enumerate(nb.cells, start=1) if cell.cell_type == "code"]
    code = sum(len(source) for _, _, source in cells)
    if code > MAX_CODE:
        return [Flag("notebook", 0, f"has {code // 1024} KiB of code, more than honest work "
                     f"needs ({MAX_CODE // 1024} KiB): not scanned for tampering")]
    notebook = _Notebook(source for _, _, source in cells)
    flags = []
    for index, cell, source in cells:
        meta = nbgrader_meta(cell)
        tree, offset = _parse_text(source)
        if tree is None or meta.get("locked") or meta.get("grade"):
            continue
        name = meta.get("grade_id") or f"cell {index}"
        found = dict.fromkeys(notebook.scan(tree, offset))
        flags += [Flag(name, line, reason) for line, reason in sorted(found, key=lambda f: f[0])]
    return flags


def summary(flags, limit=300):
    """One line naming every flag and where it is, about ``limit`` characters at most."""
    items = [str(f) for f in flags]
    if not items:
        return ""
    text = f"flagged: {items[0]}"
    for shown, item in enumerate(items[1:], start=1):
        if len(text) + len(item) + len(f"; ; and {len(items)} more") > limit:
            return f"{text}; and {len(items) - shown} more"
        text += f"; {item}"
    return text if len(text) <= limit else text[:limit - 3] + "..."
