"""A cell's source as Python, and what it binds for the whole notebook."""

import ast
from functools import lru_cache

from IPython.core.inputtransformer2 import TransformerManager

from .names import FUNCTIONS

DEFAULT_ALIASES = {"np": "numpy", "plt": "matplotlib.pyplot", "Path": "pathlib.Path"}


def _module_level(tree):
    """The nodes of ``tree`` outside function and class bodies."""
    todo = list(ast.iter_child_nodes(tree))
    while todo:
        node = todo.pop()
        yield node
        if not isinstance(node, (*FUNCTIONS, ast.ClassDef)):
            todo.extend(ast.iter_child_nodes(node))


_TRANSFORMER = TransformerManager()


def _text(source):
    return source if isinstance(source, str) else "".join(source)


@lru_cache(maxsize=1024)
def _parse_text(source):
    """(tree, line offset) of a cell's source as Python, or (None, 0) if it does not parse."""
    lines = source.splitlines()
    # IPython drops leading blank lines; count them to keep line numbers right.
    offset = next((i for i, line in enumerate(lines) if line.strip()), 0)
    try:
        python = _TRANSFORMER.transform_cell(source)
    except Exception:  # IPython could not convert it: try it as plain Python
        python, offset = source, 0
    try:
        return ast.parse(python), offset
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return None, 0


@lru_cache(maxsize=1024)
def _bindings(source):
    """(import aliases, module-level names, shell variables) a cell's source binds."""
    tree, _ = _parse_text(source)
    aliases, bound, shells = {}, set(), set()
    for node in ast.walk(tree) if tree else ():
        if isinstance(node, ast.Import):
            for alias in node.names:
                root = alias.name.split(".")[0]
                aliases[alias.asname or root] = alias.name if alias.asname else root
        elif isinstance(node, ast.ImportFrom) and node.level == 0:
            aliases.update((alias.asname or alias.name, f"{node.module}.{alias.name}")
                           for alias in node.names if alias.name != "*")
        elif isinstance(node, ast.Assign) and "get_ipython" in (
                getattr(getattr(node.value, "func", None), "id", None),
                getattr(getattr(node.value, "func", None), "attr", None)):
            shells.update(t.id for t in node.targets if isinstance(t, ast.Name))
    for node in _module_level(tree) if tree else ():
        if isinstance(node, ast.Name) and not isinstance(node.ctx, ast.Load):
            bound.add(node.id)
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            bound.add(node.name)
    return aliases, frozenset(bound), frozenset(shells)
