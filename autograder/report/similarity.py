"""Similar submissions: pairs of students whose solution code shares more than the class does.

Each student's solution cells are tokenized and fingerprinted once with copydetect: names
of variables, functions and attributes become one letter, comments and whitespace vanish
and a docstring becomes one letter, so renaming and reformatting change nothing; every
k-gram of that text is a fingerprint. Fingerprints of the release's starter code
(boilerplate) and those more than ``common`` of the class share (the one-liners every
honest student writes; MOSS likewise ignores passages found in too many programs) are set
aside. An inverted index from fingerprint to students counts the shared fingerprints of
exactly the pairs that share some, so a class of hundreds takes seconds; only the pairs at
or above the threshold are compared again for the spans to highlight: the matching
stretches of tokenized code, mapped back to the characters of each submission through the
token each tokenized character came from (copydetect's own mapping drifts by a few characters
after names and whitespace). A pair is a hint for a person to read two submissions side by
side, nothing more.
"""

import io
from collections import Counter, defaultdict
from copy import copy
from dataclasses import dataclass
from itertools import combinations

from copydetect import CodeFingerprint
from copydetect.utils import find_fingerprint_overlap, get_copied_slices
from pygments import lexers, token

from ..student.cells import nbgrader_meta

NOISE = 15       # k: the shortest match that counts, in characters of tokenized code
# Winnowing window 1 keeps every k-gram (copydetect's default, guarantee = noise threshold).
# A wider window would select fingerprints by the value of Python's hash(), which changes
# from process to process, and with it the scores of a report generated twice.
WINDOW = 1
THRESHOLD = 0.5  # a pair is reported at or above this score
COMMON = 0.4     # fingerprints in more than this share of the class are common code


@dataclass(frozen=True)
class Pair:
    """Two students' solution code, how similar it is (0..1), and where it matches:
    ``a_spans``/``b_spans`` are (start, end) character offsets into ``a_code``/``b_code`` of
    the code that made the score (neither starter code nor code most of the class wrote)."""

    a: str
    b: str
    score: float
    a_code: str
    b_code: str
    a_spans: tuple
    b_spans: tuple

    def to_dict(self):
        """The pair as the report stores it (JSON-able)."""
        return {"a": self.a, "b": self.b, "score": self.score,
                "a_code": self.a_code, "b_code": self.b_code,
                "a_spans": [list(span) for span in self.a_spans],
                "b_spans": [list(span) for span in self.b_spans]}


def solution_code(nb):
    """The source of ``nb``'s solution code cells, in order, one blank line between cells."""
    return "\n\n".join(cell.source.rstrip("\n") for cell in nb.cells
                       if cell.cell_type == "code" and nbgrader_meta(cell).get("solution"))


def _fingerprint(code):
    """copydetect's fingerprint of Python ``code`` (any text: it is tokenized, not parsed)."""
    return CodeFingerprint("solution.py", NOISE, WINDOW, fp=io.StringIO(code), language="python")


def similar_pairs(codes, boilerplate, *, threshold=THRESHOLD, common=COMMON):
    """The pairs of students whose solution code scores at least ``threshold``, most similar
    first.

    ``codes`` maps student id to solution code; ``boilerplate`` is the release's solution
    code, which everyone starts from. A student's *own* fingerprints are those neither in
    the boilerplate nor shared by more than ``common`` of the class (but what two students
    share is never common). A pair's score is the smaller of the two shares of own
    fingerprints found in the other's code: both must be mostly alike, so a short
    submission (a student who did two functions the usual way) inside a long one is no
    match, while a copy with a function added or left out still scores high on both sides.
    """
    if not (0 < threshold <= 1 and 0 < common <= 1):
        raise ValueError(f"threshold ({threshold}) and common ({common}) must be in (0, 1]")
    ids = sorted(codes)
    fingerprints = {student: _fingerprint(codes[student]) for student in ids}
    starter = _fingerprint(boilerplate).hashes
    students_of = defaultdict(list)
    for index, student in enumerate(ids):
        for fingerprint in fingerprints[student].hashes - starter:
            students_of[fingerprint].append(index)
    limit = max(2, int(common * len(ids)))
    own, shared = Counter(), Counter()
    for holders in students_of.values():
        if len(holders) <= limit:
            own.update(holders)
            shared.update(combinations(holders, 2))
    excluded = starter | {f for f, holders in students_of.items() if len(holders) > limit}
    pairs = [_pair(ids[i], ids[j], score, fingerprints, excluded)
             for (i, j), count in shared.items()
             if (score := min(count / own[i], count / own[j])) >= threshold]
    return sorted(pairs, key=lambda pair: (-pair.score, pair.a, pair.b))


def _pair(a, b, score, fingerprints, excluded):
    """A ``Pair`` with the spans of the two codes that share own fingerprints."""
    first, second = (_without(fingerprints[student], excluded) for student in (a, b))
    a_index, b_index = find_fingerprint_overlap(first.hashes, second.hashes, first.hash_idx,
                                                second.hash_idx)
    return Pair(a=a, b=b, score=round(score, 3), a_code=first.raw_code, b_code=second.raw_code,
                a_spans=_spans(first, a_index), b_spans=_spans(second, b_index))


def _without(fingerprint, excluded):
    """A copy of a ``CodeFingerprint`` that matches on none of the ``excluded`` hashes."""
    reduced = copy(fingerprint)
    reduced.hashes = fingerprint.hashes - excluded
    return reduced


_NAMES = {token.Name, token.Name.Variable, token.Name.Attribute}


def tokenized(code):
    """(copydetect's tokenized text of Python ``code``, and for each of its characters the
    (start, end) characters of ``code`` it stands for), as copydetect's filter_code builds
    that text: names, functions and classes become one letter, strings S, comments and
    whitespace vanish."""
    at = len(code) - len(code.lstrip("\n"))  # pygments strips leading newlines first
    text, spans = [], []
    for kind, value in lexers.get_lexer_by_name("python").get_tokens(code):
        start, at = at, at + len(value)
        letter = _letter(kind, value)
        if letter is None:
            text.append(value)
            spans += [(start + i, start + i + 1) for i in range(len(value))]
        elif letter:
            text.append(letter)
            spans.append((start, at))
    return "".join(text), spans


def _letter(kind, value):
    """The letter copydetect writes for a token, "" for one it drops, None for one it keeps
    as it is."""
    if kind in _NAMES:
        return "V"
    for kinds, letter in ((token.Name.Function, "F"), (token.Name.Class, "O")):
        if kind in kinds:
            return letter
    if kind in (token.Comment.Preproc, token.Comment.Hashbang):
        return "P"
    if kind in token.Text or kind in token.Comment:
        return ""
    if kind in token.Literal.String:
        return '"' if value in ("'", '"') else "S"
    return None


def _spans(fingerprint, index):
    """The (start, end) characters of the fingerprint's code that the matched k-grams at
    ``index`` cover; none if its tokenized text is not the one copydetect hashed."""
    text, characters = tokenized(fingerprint.raw_code)
    if text != fingerprint.filtered_code or not len(index):
        return ()
    starts, ends = get_copied_slices(index, fingerprint.k)
    return tuple((characters[int(s)][0], characters[int(e) - 1][1])
                 for s, e in zip(starts, ends, strict=True))
