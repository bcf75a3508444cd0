"""`autograder leaks`: does an edition hold an answer, a hidden test or a verification case?

The secrets are every line of source/ between ``### BEGIN SOLUTION`` and ``### END
SOLUTION`` or between ``### BEGIN HIDDEN TESTS`` and ``### END HIDDEN TESTS``, and every
line of verification/*.py that is not an import. Lines are compared normalised (whitespace
collapsed and stripped). An edition leaks when a normalised line of one of its text files
contains a secret (not inside a longer name); a notebook is read as JSON text, and every
string in it (sources, outputs, metadata) is decoded and split into lines, so an answer in
an output or in metadata is found too. Lines are named by the file's own line number.

A line is not a secret (the trivial rule) when, normalised, it

- is shorter than MIN_LENGTH (12) characters: ``pass``, ``else:``, ``return x``, ``)``;
- is a comment, a ``return NAME`` or ``NAME`` line, a bare bracket, a block delimiter, or
  an assignment of an empty or constant start value (``total = 0``, ``outputs = []``);
- also appears verbatim anywhere in release/ (a whole line or part of one): the student
  edition shows it legitimately (signatures, docstrings, visible tests);
- (verification/ only) is an import.
"""

import json
import re
import subprocess
from dataclasses import dataclass
from pathlib import Path

import nbformat

from ..course.paths import CourseError, assignments, notebook

MIN_LENGTH = 12
BLOCKS = (("### BEGIN SOLUTION", "### END SOLUTION"),
          ("### BEGIN HIDDEN TESTS", "### END HIDDEN TESTS"))
_TRIVIAL = re.compile(r"^(#.*|return \w+|\w+|[()\[\]{},:;]+|\"\"\"|'''"
                      r"|\w+ = (\[\]|\{\}|\(\)|0|0\.0|1|1\.0|None|True|False))$")
_IMPORT = re.compile(r"^(import \S|from \S+ import )")
_STRING = re.compile(r'"(?:[^"\\]|\\.)*"')
_BASE64 = re.compile(r"^[A-Za-z0-9+/=]{64,}$")


def normalise(line):
    """``line`` with whitespace collapsed and stripped."""
    return " ".join(line.split())


def trivial(line):
    """True for a normalised line that is too common to be a secret (see the module doc)."""
    return len(line) < MIN_LENGTH or bool(_TRIVIAL.match(line))


@dataclass(frozen=True)
class Leak:
    """A secret line found in an edition: where, and where the secret comes from."""

    path: str
    line: int
    text: str
    origin: str

    def __str__(self):
        return f"{self.path}:{self.line}: {self.text!r} (from {self.origin})"


def _text_lines(text):
    """(line number, normalised line) of a text file."""
    for number, line in enumerate(text.splitlines(), 1):
        yield number, normalise(line)


def _json_lines(text):
    """(line number, normalised line) of every string in a JSON file, decoded."""
    for number, raw in enumerate(text.splitlines(), 1):
        for literal in _STRING.findall(raw):
            try:
                value = json.loads(literal)
            except ValueError:
                continue
            for line in value.splitlines():
                yield number, normalise(line)


def lines_of(path, data):
    """(line number, normalised line) of a file's bytes; nothing for a binary file."""
    if b"\0" in data:
        return
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return
    yield from (_json_lines(text) if path.endswith(".ipynb") else _text_lines(text))


class _Release:
    """The normalised text of release/: ``text in release`` when it appears anywhere there."""

    def __init__(self, root):
        lines = set()
        for path in sorted((Path(root) / "release").rglob("*")):
            if path.is_file():
                lines.update(line for _, line in lines_of(path.name, path.read_bytes()))
        self.lines = lines
        self.text = "\n".join(sorted(lines))

    def __contains__(self, text):
        return text in self.lines or text in self.text


def secrets(root):
    """{normalised secret line: where it comes from} of the course at ``root``."""
    root = Path(root)
    allowed = _Release(root)
    found = {}
    for name in assignments(root):
        path = notebook(root, "source", name)
        for cell in nbformat.read(path, as_version=4).cells:
            inside = False
            for line in cell.source.splitlines():
                text = normalise(line)
                if any(text == begin for begin, _ in BLOCKS):
                    inside = True
                elif any(text == end for _, end in BLOCKS):
                    inside = False
                elif inside and not trivial(text) and text not in allowed:
                    found.setdefault(text, f"source/{name} cell {cell.get('id', '?')}")
    for path in sorted((root / "verification").glob("*.py")):
        for number, text in _text_lines(path.read_text()):
            if not trivial(text) and not _IMPORT.match(text) and text not in allowed:
                found.setdefault(text, f"verification/{path.name}:{number}")
    return found


def _bounded(secret):
    """A pattern for ``secret`` that does not match inside a longer name or number."""
    start = r"(?<!\w)" if re.match(r"\w", secret) else ""
    end = r"(?!\w)" if re.search(r"\w$", secret) else ""
    return start + re.escape(secret) + end


def scan_files(files, secret_lines):
    """Every Leak in ``files`` ({path: bytes}), in path and line order."""
    if not secret_lines:
        return []
    ordered = sorted(secret_lines, key=len, reverse=True)
    quick = re.compile("|".join(re.escape(s) for s in ordered))  # fast: no look-arounds
    pattern = re.compile("|".join(_bounded(s) for s in ordered))
    # Figures are long base64 strings: skip them when no secret could hide in one.
    base64_safe = all(re.search(r"[^A-Za-z0-9+/=]", s) for s in ordered)
    leaks = []
    for path in sorted(files):
        for number, line in lines_of(path, files[path]):
            if len(line) < MIN_LENGTH or (base64_safe and _BASE64.match(line)):
                continue
            match = quick.search(line) and pattern.search(line)
            if match:
                leaks.append(Leak(path, number, match.group(0), secret_lines[match.group(0)]))
    return leaks


def folder_files(folder):
    """{relative path: bytes} of every file below ``folder`` (.git left out)."""
    folder = Path(folder)
    if not folder.is_dir():
        raise CourseError(f"{folder} is not a folder.")
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.is_file() and ".git" not in p.relative_to(folder).parts}


def branch_files(root, branch):
    """{path: bytes} of every file of ``branch`` in the repository at ``root``, read with
    git ls-tree and git cat-file (nothing is checked out)."""
    def git(*args, input=None):
        result = subprocess.run(["git", "-C", str(root), *args], input=input,
                                capture_output=True)
        if result.returncode:
            raise CourseError(f"git {' '.join(args)} failed: {result.stderr.decode().strip()}")
        return result.stdout

    listing = git("ls-tree", "-r", "-z", f"refs/heads/{branch}").split(b"\0")
    entries = []
    for row in filter(None, listing):
        meta, path = row.split(b"\t", 1)
        _, kind, blob = meta.decode().split()
        if kind == "blob":
            entries.append((path.decode(), blob))
    if not entries:
        return {}
    batch = git("cat-file", "--batch", input="".join(f"{b}\n" for _, b in entries).encode())
    files, offset = {}, 0
    for path, _ in entries:
        end = batch.index(b"\n", offset)
        size = int(batch[offset:end].split()[2])
        files[path] = batch[end + 1:end + 1 + size]
        offset = end + 1 + size + 1
    return files


def leaks(*, root, path=None, branch=None):
    """Every Leak of the edition in the folder ``path`` or on ``branch`` of ``root``."""
    if (path is None) == (branch is None):
        raise CourseError("Give either a folder or --branch NAME.")
    files = folder_files(path) if path is not None else branch_files(root, branch)
    return scan_files(files, secrets(root))
