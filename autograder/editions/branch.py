"""Writing an edition as one commit on a branch of the course repository with git plumbing
only: a temporary index, never the work tree or the current branch."""

import os
import subprocess
import tempfile
from pathlib import Path

from ..course.paths import CourseError


def git(root, *args, input=None, env=None):
    """Run git in ``root``; its stdout as bytes. A failure becomes a CourseError."""
    result = subprocess.run(["git", "-C", str(root), *args], input=input, capture_output=True,
                            env=env)
    if result.returncode:
        raise CourseError(f"git {' '.join(args)} failed: {result.stderr.decode().strip()}")
    return result.stdout


def branch_tip(root, branch):
    """The commit at refs/heads/``branch``, or None."""
    result = subprocess.run(["git", "-C", str(root), "rev-parse", "-q", "--verify",
                             f"refs/heads/{branch}^{{commit}}"], capture_output=True, text=True)
    return result.stdout.strip() if result.returncode == 0 else None


def branch_file(root, commit, path):
    """Bytes of ``path`` in ``commit``, or None."""
    result = subprocess.run(["git", "-C", str(root), "cat-file", "blob", f"{commit}:{path}"],
                            capture_output=True)
    return result.stdout if result.returncode == 0 else None


def _identity_env(root):
    env = dict(os.environ)
    for key, var in (("user.name", "NAME"), ("user.email", "EMAIL")):
        configured = subprocess.run(["git", "-C", str(root), "config", key],
                                    capture_output=True, text=True).stdout.strip()
        value = configured or ("autograder publish" if var == "NAME" else "autograder@localhost")
        env.setdefault(f"GIT_AUTHOR_{var}", value)
        env.setdefault(f"GIT_COMMITTER_{var}", value)
    return env


def write_branch(root, files, branch, edition):
    """Commit ``files`` as the whole tree of ``branch``; return the new commit, or None when
    the tree equals the branch tip's (nothing to publish)."""
    git(root, "check-ref-format", "--branch", branch)
    current = subprocess.run(["git", "-C", str(root), "symbolic-ref", "-q", "HEAD"],
                             capture_output=True, text=True).stdout.strip()
    if current == f"refs/heads/{branch}":
        raise CourseError(f"{branch} is the checked-out branch; publish to another one.")
    head = git(root, "rev-parse", "HEAD").decode().strip()
    dirty = bool(git(root, "status", "--porcelain", "--untracked-files=no").strip())
    tip = branch_tip(root, branch)
    with tempfile.TemporaryDirectory() as scratch:
        env = dict(os.environ, GIT_INDEX_FILE=str(Path(scratch) / "index"))
        entries = []
        for relative, data in sorted(files.items()):
            blob = git(root, "hash-object", "-w", "--stdin", input=data).decode().strip()
            entries.append(f"100644 {blob}\t{relative}\n")
        git(root, "update-index", "--add", "--index-info", input="".join(entries).encode(),
            env=env)
        tree = git(root, "write-tree", env=env).decode().strip()
    if tip and git(root, "rev-parse", f"{tip}^{{tree}}").decode().strip() == tree:
        return None
    message = (f"Publish the {edition} edition from {head}\n\n"
               f"Made by `autograder publish {edition} --branch {branch}` from main commit "
               f"{head}{' (with uncommitted changes)' if dirty else ''}.\n")
    parents = ["-p", tip] if tip else []
    commit = git(root, "commit-tree", tree, *parents, input=message.encode(),
                 env=_identity_env(root)).decode().strip()
    git(root, "update-ref", f"refs/heads/{branch}", commit, tip or "0" * 40)
    return commit
