"""A static scan of a submitted notebook for code that honest work never needs.

Nothing is executed. Every code cell a student can change (not locked, not a grade cell:
nbgrader restores those before grading) is converted from IPython syntax to Python and
walked with ``ast``; each suspicious construct becomes a :class:`Flag` for an instructor to
look at. A cell that does not parse is an honest syntax error and is not flagged.
"""

import ast
import builtins
import re
from dataclasses import dataclass
from fnmatch import fnmatchcase
from functools import lru_cache

from IPython.core.inputtransformer2 import TransformerManager

from autograder.student import checks
from autograder.student.cells import nbgrader_meta


@dataclass(frozen=True)
class Flag:
    """One suspicious construct: where it is and why it is suspicious."""

    cell: str    # the cell's grade_id, else "cell <index>" (1-based)
    line: int    # 1-based line in the cell's source, 0 when not applicable
    reason: str

    def __str__(self):
        return f"{self.reason} ({self.cell} line {self.line})" if self.line else \
            f"{self.reason} ({self.cell})"


# Reasons used by several rules --------------------------------------------------------------
EXITS = "exits the kernel"
SHELL = "runs a shell command or subprocess"
THREADS = "starts threads or processes"
NETWORK = "uses the network"
OUTSIDE = "reads or writes a file outside the submission folder"
COMPUTED = "reads or writes a file whose path is computed"
CHDIR = "changes the working directory"
ENV = "changes environment variables"
FRAMES = "inspects interpreter frames"
TRACE = "installs a trace or profile hook"
IMPORTS_SYS = "touches the import system (sys.modules, sys.meta_path)"
LOADER = "loads or compiles code by hand"
DYNAMIC = "runs dynamically built code (exec, eval, compile)"
GC = "searches live objects with gc"
INPUT_HOOK = "registers an IPython input transformer"
AST_HOOK = "registers an IPython AST transformer"
EVENT_HOOK = "registers an IPython event hook"
DISPLAY = "changes IPython's display or error handling"
NAMESPACE = "reaches into the IPython namespace"
RUNS_CODE = "runs code through the IPython shell"
MAGIC_DEF = "registers an IPython magic"
GRADING = "imports the grading machinery"

# Names the grade cells call; a student cell must not rebind them.
HELPERS = frozenset(checks.__all__)

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

# Objects whose contents must not be changed, and the methods that change a container.
CONTAINERS = (("os.environ", ENV), ("os.environb", ENV), ("sys.path", "changes the import path"))
MUTATORS = frozenset({"append", "insert", "extend", "remove", "pop", "clear", "update",
                      "setdefault", "popitem", "__setitem__", "__delitem__", "__iadd__"})

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

# Assigning these attributes changes what an existing object is or does.
DUNDER_STORE = {
    "__code__": "replaces a function's __code__", "__globals__": "reaches a function's globals",
    "__class__": "changes an object's __class__", "__defaults__": "changes default arguments",
    "__kwdefaults__": "changes default arguments", "__dict__": "replaces an object's __dict__",
    "__bases__": "changes a class's bases", "__builtins__": "touches __builtins__",
}
HARMLESS_DUNDERS = frozenset({"__doc__", "__name__", "__qualname__"})
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

NAMESPACE_CALLS = {f"builtins.{name}": f"writes to {name}()"
                   for name in ("globals", "locals", "vars")}
DEFAULT_ALIASES = {"np": "numpy", "plt": "matplotlib.pyplot", "Path": "pathlib.Path"}
KNOWN_MODULES = frozenset({
    "os", "sys", "io", "gc", "builtins", "signal", "socket", "shutil", "inspect", "importlib",
    "ctypes", "threading", "multiprocessing", "subprocess", "pathlib", "glob", "resource",
    "atexit", "asyncio", "types", "numpy", "math",
})
BUILTIN_NAMES = frozenset(dir(builtins)) | {"get_ipython", "exit", "quit"}
FUNCTIONS = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)
# Code beyond this (characters, the whole notebook) is not scanned: IPython's tokenizer costs
# about 50 us a token, and no honest notebook comes near it.
MAX_CODE = 256 * 1024


@lru_cache(maxsize=4096)
def _lookup(table, dotted):
    """The value of the first (pattern, value) row of ``table`` matching ``dotted``, or None."""
    return next((value for pattern, value in table if fnmatchcase(dotted, pattern)), None)


def _literal(node):
    return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else None


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


def _import_reason(name):
    if name in ("IPython", "autograder") or any(
            name == ok or name.startswith(ok + ".") for ok in IMPORT_OK):
        return None
    return next((reason for module, reason in IMPORTS
                 if name == module or name.startswith(module + ".")), None)


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


def _member_names(statement):
    """The names a statement in a class body defines."""
    if isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef)):
        return {statement.name}
    targets = getattr(statement, "targets", None) or [getattr(statement, "target", None)]
    return {target.id for target in targets if isinstance(target, ast.Name)}


class _Scanner(ast.NodeVisitor):
    """Walks one cell and collects (line, reason) pairs."""

    def __init__(self, notebook, tree, offset):
        self.nb, self.offset, self.found, self.scopes = notebook, offset, [], []
        self.parent = {child: node for node in ast.walk(tree)
                       for child in ast.iter_child_nodes(node)}

    def flag(self, node, reason):
        self.found.append((getattr(node, "lineno", 1) + self.offset, reason))

    # Names ---------------------------------------------------------------------------------
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

    def is_shell(self, node):
        if isinstance(node, ast.Name):
            return node.id in self.nb.shells
        if isinstance(node, ast.Call):
            dotted = self.dotted(node.func) or ""
            return dotted in SHELL_GETTERS or dotted.endswith("InteractiveShell.instance")
        return False

    def at_module_level(self, name):
        """Whether binding ``name`` here binds it in the notebook's namespace."""
        return not self.scopes or (self.scopes[-1] is not None and name in self.scopes[-1][1])

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

    # Statements ----------------------------------------------------------------------------
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

    # Expressions ---------------------------------------------------------------------------
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
        parent = self.parent.get(node)
        is_called = isinstance(parent, ast.Call) and parent.func is node
        if node.attr in ATTRIBUTES:
            self.flag(node, ATTRIBUTES[node.attr])
        elif self.is_shell(node.value) and not (
                is_called and node.attr in ("run_line_magic", "run_cell_magic")):
            self.flag(node, SHELL_ATTRS.get(node.attr, "uses the IPython shell object"))
        if isinstance(node.ctx, ast.Load):
            dotted = self.dotted(node)
            if dotted:
                self.reference(node, dotted)
        self.generic_visit(node)

    def visit_Constant(self, node):
        if node.value in IPYTHON_EVENTS:
            self.flag(node, EVENT_HOOK)

    def visit_Call(self, node):
        dotted = self.dotted(node.func) or ""
        paths = _lookup(PATH_CALLS, dotted)
        if paths:
            arguments = node.args[:paths] + [k.value for k in node.keywords
                                             if k.arg in PATH_KEYWORDS]
            for reason in {_path_problem(argument) for argument in arguments} - {None}:
                self.flag(node, reason)
        if dotted in ("builtins.getattr", "builtins.setattr", "builtins.delattr") and node.args:
            self.attribute_call(node, dotted.removeprefix("builtins."))
        elif dotted == "importlib.import_module" and node.args:
            name = _literal(node.args[0])
            reason = _import_reason(name) if name else "imports a module by a computed name"
            if reason:
                self.flag(node, reason)
        elif dotted == "builtins.type" and len(node.args) == 3:
            self.flag(node, "creates a class with type()")
        elif self.is_shell(node) and not isinstance(self.parent.get(node), (
                ast.Attribute, ast.Assign)):
            self.flag(node, "passes the IPython shell around")
        if isinstance(node.func, ast.Attribute):
            if node.func.attr in ("run_line_magic", "run_cell_magic"):
                self.magic(node)
            elif node.func.attr in PATH_METHODS and not (
                    isinstance(node.func.value, ast.Call)
                    and _lookup(PATH_CALLS, self.dotted(node.func.value.func) or "")):
                self.flag(node, COMPUTED)
            elif node.func.attr in MUTATORS:
                reason = self.container(node.func.value)
                if reason:
                    self.flag(node, reason)
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
                self.found += _scan_source(self.nb, body, node.lineno + self.offset) or []
            else:  # %timeit -n 10 f(x): scan the statement after the options
                for statement in dict.fromkeys([line, _after_options(name, line)]):
                    found = _scan_source(self.nb, statement, node.lineno - 1 + self.offset)
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


def _scan_source(notebook, source, offset):
    """(line, reason) pairs for IPython source whose line 1 is ``offset + 1``; None if invalid."""
    tree, blank = _parse_text(source)
    return None if tree is None else notebook.scan(tree, offset + blank)


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
