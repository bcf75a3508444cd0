"""What a name in a cell refers to (a module path or a builtin), in which scope, and the
base of the scanner: where a flag is recorded."""

import ast
import builtins
from fnmatch import fnmatchcase
from functools import lru_cache

KNOWN_MODULES = frozenset({
    "os", "sys", "io", "gc", "builtins", "signal", "socket", "shutil", "inspect", "importlib",
    "ctypes", "threading", "multiprocessing", "subprocess", "pathlib", "glob", "resource",
    "atexit", "asyncio", "types", "numpy", "math",
})
BUILTIN_NAMES = frozenset(dir(builtins)) | {"get_ipython", "exit", "quit"}
FUNCTIONS = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)


@lru_cache(maxsize=4096)
def _lookup(table, dotted):
    """The value of the first (pattern, value) row of ``table`` matching ``dotted``, or None."""
    return next((value for pattern, value in table if fnmatchcase(dotted, pattern)), None)


def _literal(node):
    return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else None


def _function_scope(node):
    """(locals, declared globals) of a function or lambda, over-approximated."""
    arguments = node.args
    names = {a.arg for a in arguments.posonlyargs + arguments.args + arguments.kwonlyargs}
    names.update(a.arg for a in (arguments.vararg, arguments.kwarg) if a)
    declared = set()
    for child in ast.walk(node.body) if isinstance(node, ast.Lambda) else (
            n for statement in node.body for n in ast.walk(statement)):
        if isinstance(child, ast.Name) and not isinstance(child.ctx, ast.Load):
            names.add(child.id)
        elif isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.add(child.name)
        elif isinstance(child, ast.Global):
            declared.update(child.names)
    return names - declared, declared


class Names(ast.NodeVisitor):
    """Walks one cell, resolving names through the notebook's bindings and the function
    scopes it is in, and collects (line, reason) pairs."""

    def __init__(self, notebook, tree, offset):
        self.nb, self.offset, self.found, self.scopes = notebook, offset, [], []
        self.parent = {child: node for node in ast.walk(tree)
                       for child in ast.iter_child_nodes(node)}

    def flag(self, node, reason):
        self.found.append((getattr(node, "lineno", 1) + self.offset, reason))

    def resolve(self, name):
        """The dotted name ``name`` refers to (a module path or builtins.X), else None."""
        if any(name in scope[0] for scope in self.scopes if scope):
            return None
        if name in self.nb.aliases:
            return self.nb.aliases[name]
        if name in self.nb.bound:
            return None
        if name in KNOWN_MODULES:
            return name
        return f"builtins.{name}" if name in BUILTIN_NAMES else None

    def dotted(self, node):
        """The dotted name of a Name / Attribute chain / getattr(x, "literal"), else None."""
        if isinstance(node, ast.Name):
            return self.resolve(node.id)
        if isinstance(node, ast.Attribute):
            base = self.dotted(node.value)
            return f"{base}.{node.attr}" if base else None
        if (isinstance(node, ast.Call) and len(node.args) == 2 and _literal(node.args[1])
                and self.dotted(node.func) == "builtins.getattr"):
            base = self.dotted(node.args[0])
            return f"{base}.{_literal(node.args[1])}" if base else None
        return None

    def module(self, node):
        """The dotted name of an expression that names a module (or an imported object)."""
        dotted = self.dotted(node)
        if isinstance(node, ast.Name) and dotted == f"builtins.{node.id}":
            return None  # a builtin such as float, not a module
        return dotted

    def at_module_level(self, name):
        """Whether binding ``name`` here binds it in the notebook's namespace."""
        return not self.scopes or (self.scopes[-1] is not None and name in self.scopes[-1][1])

    def visit_FunctionDef(self, node):
        self.bind(node, node.name)
        for child in [*node.decorator_list, *node.args.defaults, *node.args.kw_defaults]:
            if child is not None:
                self.visit(child)
        self.scopes.append(_function_scope(node))
        for statement in node.body:
            self.visit(statement)
        self.scopes.pop()

    visit_AsyncFunctionDef = visit_FunctionDef

    def visit_Lambda(self, node):
        for child in [*node.args.defaults, *node.args.kw_defaults]:
            if child is not None:
                self.visit(child)
        self.scopes.append(_function_scope(node))
        self.visit(node.body)
        self.scopes.pop()
