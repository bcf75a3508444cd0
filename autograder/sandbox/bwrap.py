"""The bubblewrap command line of a sandbox: what it sees read-only (the system, the Python
environment, this package, its input files), its private folders, and the only environment
variables it gets; and the same variables for a plain process when the sandbox is off."""

import os
import shutil
import sys
import sysconfig
from pathlib import Path


def _environment_paths():
    """Folders the sandbox needs read-only: the interpreter, the venv and this package."""
    package = Path(__file__).resolve().parents[1]
    paths = {Path(sys.prefix), Path(sys.base_prefix), Path(sys.executable).resolve().parent.parent,
             Path(sysconfig.get_paths()["purelib"]), package}
    return sorted(p.resolve() for p in paths if p.exists())


_SYSTEM = ["/usr", "/bin", "/lib", "/lib64", "/lib32", "/etc/ld.so.cache", "/etc/alternatives",
           "/etc/fonts", "/etc/localtime", "/etc/mime.types", "/var/cache/fontconfig"]


def _bind_args(paths):
    """bwrap arguments binding ``paths`` read-only, with world-readable parent folders."""
    args, made = [], set()
    for path in paths:
        for parent in reversed(path.parents):
            if str(parent) != "/" and parent not in made and not any(
                    parent == p or p in parent.parents for p in paths if p != path):
                args += ["--perms", "0755", "--dir", str(parent)]
                made.add(parent)
        args += ["--ro-bind", str(path), str(path)]
    return args


def bwrap_command(argv, input_dir, limits, uid=None):
    """The bwrap command line that runs ``argv`` in the sandbox; ``uid`` given when we are
    root (bwrap then drops to it), None otherwise (an unprivileged user namespace)."""
    size = str(limits.disk_mb * 1024 * 1024)
    system = [p for p in _SYSTEM if os.path.exists(p)]
    args = ["bwrap"]
    for path in system:
        args += ["--ro-bind", path, path]
    # /tmp first: the environment may live below it (a checkout in /tmp) and binds on top.
    args += ["--perms", "1777", "--size", size, "--tmpfs", "/tmp"]
    args += _bind_args(_environment_paths())
    args += ["--perms", "0755", "--dir", "/work",
             "--ro-bind", str(input_dir), "/work/in",
             "--perms", "0777", "--size", size, "--tmpfs", "/work/sub",
             "--proc", "/proc", "--dev", "/dev", "--chdir", "/work/sub",
             "--unshare-ipc", "--unshare-pid", "--unshare-net", "--unshare-uts",
             "--unshare-cgroup-try", "--die-with-parent", "--new-session", "--clearenv"]
    for name, value in _sandbox_environment().items():
        args += ["--setenv", name, value]
    if uid is None:
        args += ["--unshare-user", "--uid", "65534", "--gid", "65534", "--"]
        return args + list(argv)
    args += ["--cap-drop", "ALL", "--cap-add", "CAP_SETUID", "--cap-add", "CAP_SETGID", "--",
             shutil.which("setpriv") or "/usr/bin/setpriv", f"--reuid={uid}", f"--regid={uid}",
             "--clear-groups", "--no-new-privs", "--"]
    return args + list(argv)


def _sandbox_environment():
    """The only environment variables a sandboxed process gets."""
    return {
        "PATH": f"{Path(sys.executable).parent}:/usr/bin:/bin",
        "HOME": "/work/sub",
        "TMPDIR": "/tmp",
        "LANG": "C.UTF-8",
        "MPLCONFIGDIR": "/tmp/matplotlib",
        "IPYTHONDIR": "/tmp/ipython",
        "JUPYTER_CONFIG_DIR": "/tmp/jupyter/config",
        "JUPYTER_DATA_DIR": "/tmp/jupyter/data",
        "JUPYTER_RUNTIME_DIR": "/tmp/jupyter/runtime",
        "JUPYTER_PLATFORM_DIRS": "1",
        "PYTHONDONTWRITEBYTECODE": "1",
        "OPENBLAS_NUM_THREADS": "1",
        "OMP_NUM_THREADS": "1",
        "MKL_NUM_THREADS": "1",
        "NBGRADER_EXECUTION": "autograde",
        "MPLBACKEND": "module://matplotlib_inline.backend_inline",
    }



def plain_environment(folder):
    """Without a sandbox: the same variables, pointing at a private temporary folder."""
    env = _sandbox_environment()
    env.pop("PATH")
    env["HOME"] = str(folder)
    for name in ("MPLCONFIGDIR", "IPYTHONDIR", "JUPYTER_CONFIG_DIR", "JUPYTER_DATA_DIR",
                 "JUPYTER_RUNTIME_DIR"):
        env[name] = str(folder / "private" / name.lower())
    env["AUTOGRADER_INPUT"] = env["TMPDIR"] = str(folder)  # removed with the folder
    return env
