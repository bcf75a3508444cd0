"""Classes that could fool comparisons and NumPy: subclasses of numbers, containers or
NumPy types, metaclasses, and the methods comparisons call."""

import ast
from fnmatch import fnmatchcase

# Methods that let an object fool comparisons and numpy; defining them is flagged.
FOOLING = frozenset({
    "__eq__", "__ne__", "__lt__", "__le__", "__gt__", "__ge__", "__array__",
    "__array_function__", "__array_ufunc__", "__array_interface__", "__array_struct__",
    "__array_priority__", "__array_wrap__", "__array_finalize__", "__float__", "__int__",
    "__index__", "__complex__", "__bool__", "__len__", "__getattr__", "__getattribute__",
    "__instancecheck__", "__subclasscheck__",
})
SUBCLASSED = ["numpy.*", *(f"builtins.{t.__name__}" for t in (
    float, int, complex, bool, str, bytes, bytearray, list, tuple, dict, set, frozenset, type))]


def _member_names(statement):
    """The names a statement in a class body defines."""
    if isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef)):
        return {statement.name}
    targets = getattr(statement, "targets", None) or [getattr(statement, "target", None)]
    return {target.id for target in targets if isinstance(target, ast.Name)}


class Classes:
    """Checks of class definitions."""

    def visit_ClassDef(self, node):
        self.bind(node, node.name)
        for base in node.bases:
            dotted = self.dotted(base)
            if dotted and any(fnmatchcase(dotted, pattern) for pattern in SUBCLASSED):
                self.flag(base, f"subclasses {dotted.removeprefix('builtins.')}")
        if any(keyword.arg == "metaclass" for keyword in node.keywords):
            self.flag(node, "defines a metaclass")
        for statement in node.body:
            for name in FOOLING.intersection(_member_names(statement)):
                self.flag(statement, f"defines {name} (could fool comparisons)")
        self.scopes.append(None)  # class bodies bind neither globals nor function locals
        self.generic_visit(node)
        self.scopes.pop()
