"""Similar submissions: pairs of students whose solution code shares more than the class does.

Each student's solution cells are tokenized and fingerprinted once with copydetect: names
of variables, functions and attributes become one letter, comments and whitespace vanish
and a docstring becomes one letter, so renaming and reformatting change nothing; every
k-gram of that text is a fingerprint. Fingerprints of the release's starter code
(boilerplate) and those more than ``common`` of the class share (the one-liners every
honest student writes; MOSS likewise ignores passages found in too many programs) are set
aside. An inverted index from fingerprint to students counts the shared fingerprints of
exactly the pairs that share some, so a class of hundreds takes seconds; only the pairs at
or above the threshold are compared again, with copydetect, for the spans to highlight.
A pair is a hint for a person to read two submissions side by side, nothing more.
"""

import io
from collections import Counter, defaultdict
from copy import copy
from dataclasses import dataclass
from itertools import combinations

from copydetect import CodeFingerprint, compare_files

from .cells import nbgrader_meta

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
    _, _, (a_slices, b_slices) = compare_files(first, second)
    return Pair(a=a, b=b, score=round(score, 3), a_code=first.raw_code, b_code=second.raw_code,
                a_spans=_spans(a_slices), b_spans=_spans(b_slices))


def _without(fingerprint, excluded):
    """A copy of a ``CodeFingerprint`` that matches on none of the ``excluded`` hashes."""
    reduced = copy(fingerprint)
    reduced.hashes = fingerprint.hashes - excluded
    return reduced


def _spans(slices):
    """copydetect's 2 x N array of slice starts and ends as (start, end) pairs."""
    return tuple((int(start), int(end)) for start, end in zip(*slices, strict=True))
