"""Names and attributes honest work never refers to: exits, processes, frames, the import
system, dynamic code, hooks; and getattr / setattr / delattr by name."""

import ast
import re

from .bindings import DUNDER_STORE, HARMLESS_DUNDERS
from .files import PATH_CALLS
from .names import _literal, _lookup
from .reasons import (AST_HOOK, CHDIR, DISPLAY, DYNAMIC, ENV, EXITS, FRAMES, GC, IMPORTS_SYS,
                      INPUT_HOOK, LOADER, MAGIC_DEF, NAMESPACE, NETWORK, SHELL, TRACE)

# Dotted names (glob patterns, first match wins) that honest work never refers to.
REFERENCES = (
    ("os._exit", EXITS), ("os.abort", EXITS), ("sys.exit", EXITS),
    ("builtins.exit", EXITS), ("builtins.quit", EXITS),
    ("os.kill", "kills a process"), ("os.killpg", "kills a process"),
    ("signal.*", "installs a signal handler or timer"),
    ("os.fork", "forks the process"), ("os.forkpty", "forks the process"),
    ("os.system", SHELL), ("os.popen", SHELL), ("os.exec*", SHELL), ("os.spawn*", SHELL),
    ("os.posix_spawn*", SHELL), ("asyncio.create_subprocess_*", SHELL),
    ("os.chdir", CHDIR), ("os.fchdir", CHDIR), ("os.putenv", ENV), ("os.unsetenv", ENV),
    ("os.path.expanduser", "looks up the home directory"),
    ("pathlib.Path.home", "looks up the home directory"),
    ("resource.setrlimit", "changes resource limits"),
    ("resource.prlimit", "changes resource limits"),
    ("gc.get_objects", GC), ("gc.get_referrers", GC), ("gc.get_referents", GC),
    ("inspect.stack", FRAMES), ("inspect.currentframe", FRAMES), ("inspect.trace", FRAMES),
    ("inspect.getouterframes", FRAMES), ("sys._getframe", FRAMES), ("sys._current_frames", FRAMES),
    ("sys.settrace", TRACE), ("sys.setprofile", TRACE), ("threading.settrace", TRACE),
    ("threading.setprofile", TRACE), ("sys.monitoring*", TRACE),
    ("sys.modules", IMPORTS_SYS), ("sys.meta_path", IMPORTS_SYS), ("sys.path_hooks", IMPORTS_SYS),
    ("sys.path_importer_cache", IMPORTS_SYS), ("sys.addaudithook", "installs an audit hook"),
    ("importlib.reload", "reloads a module"), ("importlib.util.*", LOADER),
    ("importlib.machinery.*", LOADER), ("types.CodeType", LOADER), ("types.FunctionType", LOADER),
    ("builtins.exec", DYNAMIC), ("builtins.eval", DYNAMIC), ("builtins.compile", DYNAMIC),
    ("builtins.__import__", "imports a module through __import__"),
    ("atexit.*", "registers an exit hook"),
    ("asyncio.open_connection", NETWORK), ("asyncio.start_server", NETWORK),
    ("asyncio.open_unix_connection", NETWORK), ("asyncio.start_unix_server", NETWORK),
)

# Attributes flagged on any object, in any context.
ATTRIBUTES = {
    **dict.fromkeys(("input_transformers_cleanup", "input_transformers_post",
                     "input_transformer_manager", "input_splitter"), INPUT_HOOK),
    "ast_transformers": AST_HOOK,
    **dict.fromkeys(("user_ns", "user_global_ns", "user_ns_hidden"), NAMESPACE),
    **dict.fromkeys(("set_custom_exc", "showtraceback", "_showtraceback", "showsyntaxerror",
                     "display_formatter", "CustomTB", "custom_exceptions"), DISPLAY),
    **dict.fromkeys(("register_magic_function", "register_magics", "magics_manager"), MAGIC_DEF),
    "InteractiveShell": "uses IPython's InteractiveShell",
    **dict.fromkeys(("f_back", "f_globals", "f_locals", "f_builtins", "f_trace", "tb_frame",
                     "gi_frame", "cr_frame", "ag_frame"), FRAMES),
    "__globals__": "reaches a function's globals",
    "__builtins__": "touches __builtins__",
    "__subclasses__": "walks the class hierarchy",
    "__closure__": "reaches into a closure", "cell_contents": "reaches into a closure",
    "__setattr__": "sets attributes through __setattr__",
    "__delattr__": "deletes attributes through __delattr__",
}


class References:
    """Checks of the names and attributes an expression refers to."""

    def reference(self, node, dotted):
        reason = _lookup(REFERENCES, dotted)
        parent = self.parent.get(node)
        if reason:
            self.flag(node, reason)
        elif (_lookup(PATH_CALLS, dotted) and not isinstance(parent, ast.Attribute)
              and not (isinstance(parent, ast.Call) and parent.func is node)):
            self.flag(node, f"refers to {dotted} without calling it")

    def visit_Name(self, node):
        if node.id == "__builtins__":
            self.flag(node, ATTRIBUTES["__builtins__"])
        elif isinstance(node.ctx, ast.Load):
            dotted = self.resolve(node.id)
            if dotted:
                self.reference(node, dotted)

    def visit_Attribute(self, node):
        if node.attr in ATTRIBUTES:
            self.flag(node, ATTRIBUTES[node.attr])
        else:
            self.shell_attribute(node)
        if isinstance(node.ctx, ast.Load):
            dotted = self.dotted(node)
            if dotted:
                self.reference(node, dotted)
        self.generic_visit(node)

    def attribute_call(self, node, function):
        """getattr / setattr / delattr(target, name, ...)."""
        name = _literal(node.args[1]) if len(node.args) > 1 else None
        module = self.module(node.args[0])
        if function == "getattr":
            if module and name is None:
                self.flag(node, f"looks up an attribute of {module} by a computed name")
            elif module:
                self.reference(node, f"{module}.{name}")
        elif name and re.fullmatch(r"__\w+__", name) and name not in HARMLESS_DUNDERS:
            self.flag(node, DUNDER_STORE.get(name, f"sets {name} on an existing object"))
        elif module:
            verb = "rebinds" if function == "setattr" else "deletes"
            self.flag(node, f"{verb} {module}.{name or '<computed name>'}")
