"""Rebinding what the grade cells rely on (the test helpers, numpy) and changing protected
state: attributes of modules, dunders of existing objects, os.environ, sys.path, globals()."""

import ast
import re

from autograder.student import checks

from .names import _lookup
from .reasons import ENV

# Names the grade cells call; a student cell must not rebind them.
HELPERS = frozenset(checks.__all__)
# Objects whose contents must not be changed, and the methods that change a container.
CONTAINERS = (("os.environ", ENV), ("os.environb", ENV), ("sys.path", "changes the import path"))
MUTATORS = frozenset({"append", "insert", "extend", "remove", "pop", "clear", "update",
                      "setdefault", "popitem", "__setitem__", "__delitem__", "__iadd__"})
# Assigning these attributes changes what an existing object is or does.
DUNDER_STORE = {
    "__code__": "replaces a function's __code__", "__globals__": "reaches a function's globals",
    "__class__": "changes an object's __class__", "__defaults__": "changes default arguments",
    "__kwdefaults__": "changes default arguments", "__dict__": "replaces an object's __dict__",
    "__bases__": "changes a class's bases", "__builtins__": "touches __builtins__",
}
HARMLESS_DUNDERS = frozenset({"__doc__", "__name__", "__qualname__"})
NAMESPACE_CALLS = {f"builtins.{name}": f"writes to {name}()"
                   for name in ("globals", "locals", "vars")}


class Bindings:
    """Checks of what a statement binds, deletes or writes into."""

    def bind(self, node, name):
        if not self.at_module_level(name):
            return
        if name in HELPERS:
            self.flag(node, f"rebinds the test helper {name}")
        elif name in ("np", "numpy"):
            self.flag(node, f"rebinds {name}")

    def container(self, node):
        """Why writing into ``node`` is flagged (os.environ, globals(), a __dict__), or None."""
        if isinstance(node, ast.Call):
            return NAMESPACE_CALLS.get(self.dotted(node.func))
        if isinstance(node, ast.Attribute) and node.attr == "__dict__":
            return "writes into a __dict__"
        dotted = self.dotted(node)
        return dotted and _lookup(CONTAINERS, dotted)

    def store(self, target, deleting=False):
        """Flag an assignment to (or deletion of) ``target``."""
        if isinstance(target, (ast.Tuple, ast.List)):
            for element in target.elts:
                self.store(element, deleting)
        elif isinstance(target, ast.Starred):
            self.store(target.value, deleting)
        elif isinstance(target, ast.Name):
            self.bind(target, target.id)
        elif isinstance(target, ast.Attribute):
            module = self.module(target.value)
            if target.attr in DUNDER_STORE:
                self.flag(target, DUNDER_STORE[target.attr])
            elif re.fullmatch(r"__\w+__", target.attr) and target.attr not in HARMLESS_DUNDERS:
                self.flag(target, f"sets {target.attr} on an existing object")
            elif module:
                self.flag(target, f"{'deletes' if deleting else 'rebinds'} {module}.{target.attr}")
        elif isinstance(target, ast.Subscript):
            reason = self.container(target.value)
            if reason:
                self.flag(target, reason)

    def visit_Assign(self, node):
        for target in node.targets:
            self.store(target)
        self.generic_visit(node)

    def visit_AugAssign(self, node):
        self.store(node.target)
        self.generic_visit(node)

    visit_AnnAssign = visit_AugAssign
    visit_NamedExpr = visit_AugAssign
    visit_For = visit_AugAssign
    visit_AsyncFor = visit_AugAssign

    def visit_Delete(self, node):
        for target in node.targets:
            self.store(target, deleting=True)
        self.generic_visit(node)

    def visit_withitem(self, node):
        if node.optional_vars is not None:
            self.store(node.optional_vars)
        self.generic_visit(node)

    def visit_ExceptHandler(self, node):
        if node.name:
            self.bind(node, node.name)
        self.generic_visit(node)
