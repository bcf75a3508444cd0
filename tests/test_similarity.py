"""Similar submissions in a synthetic class of 02_classification_losses: honest students
combine the reference solutions with the catalogue's valid alternatives, and one copier
disguises a classmate's notebook (renamed names, new spacing and line breaks, comments,
extra parentheses, two functions swapped)."""

import builtins
import functools
import io
import json
import keyword
import random
import re
import tokenize

import nbformat
import pytest

from autograder.student.cells import nbgrader_meta
from autograder.course.reference import answered
from autograder.report.similarity import THRESHOLD, similar_pairs, solution_code, tokenized
from tests.course_copy import read
from tests.mutants import classification_losses
from tests.mutants.catalogue import REGISTRY

ASSIGNMENT = classification_losses.ASSIGNMENT
RELEASE, SOURCE = read("release", ASSIGNMENT), read("source", ASSIGNMENT)
FUNCTIONS = [nbgrader_meta(c)["grade_id"] for c in SOURCE.cells
             if c.cell_type == "code" and nbgrader_meta(c).get("solution")]
# Per function: the reference (None) and the catalogue's valid alternatives.
OPTIONS = {f: [None] + [v.source for v in REGISTRY
                        if v.assignment == ASSIGNMENT and v.valid and v.target == f]
           for f in FUNCTIONS}
VARYING = [f for f in FUNCTIONS if len(OPTIONS[f]) > 1]
HONEST = 10
ORIGINAL = "honest3"        # the classmate the copier takes the notebook of
MOST_SHARED = 1 / 3         # independent students write at most this share of their code alike


@functools.cache
def _size(function, option):
    """Characters of an implementation's code, normalised (see ``_normalised``)."""
    source = OPTIONS[function][option] or next(
        c.source for c in SOURCE.cells if nbgrader_meta(c).get("grade_id") == function)
    return len(_normalised(source))


def _alike(choice, other):
    """The larger of the two students' shares of code (in functions that have alternatives)
    written with the same implementation."""
    same = sum(_size(f, choice[f]) for f in VARYING if choice[f] == other[f])
    return max(same / sum(_size(f, c[f]) for f in VARYING) for c in (choice, other))


def honest_choices(count, seed=7):
    """Per student, the index into OPTIONS of each function, drawn at random; a draw that
    writes more than MOST_SHARED of its code like an earlier student is redrawn
    (independent students do not agree on almost everything)."""
    rng = random.Random(seed)
    chosen = []
    for _ in range(10_000):
        choice = {f: rng.randrange(len(OPTIONS[f])) for f in FUNCTIONS}
        if all(_alike(choice, other) <= MOST_SHARED for other in chosen):
            chosen.append(choice)
        if len(chosen) == count:
            return chosen
    raise AssertionError(f"no {count} students who write at most {MOST_SHARED:.0%} alike")


def notebook_of(choice, keep=None):
    """The release with ``choice``'s implementations (the functions in ``keep``, or all)."""
    replace = {f: OPTIONS[f][i] for f, i in choice.items() if OPTIONS[f][i] is not None}
    return answered(RELEASE, SOURCE, replace=replace, keep=keep)


_KEEP = set(keyword.kwlist) | set(dir(builtins)) | {"np", "math"} | set(FUNCTIONS)


def disguise(code):
    """A copier's edit of one cell: local names renamed, spacing changed, a line break after
    each comma inside brackets, a comment on every line, every other return's value put in
    parentheses. Attributes, keyword arguments and the contract's names stay."""
    tokens = list(tokenize.generate_tokens(io.StringIO(code).readline))
    out, depth, returns, closing = [], 0, 0, False
    for index, (kind, text, *_) in enumerate(tokens):
        before = tokens[index - 1].string if index else ""
        after = tokens[index + 1].string if index + 1 < len(tokens) else ""
        if kind == tokenize.NAME and text not in _KEEP and before != "." \
                and not (after == "=" and depth):
            text = f"my_{text.lower()}"
        depth += (text in "([{") - (text in ")]}") if kind == tokenize.OP else 0
        if kind == tokenize.NEWLINE:
            out += [(tokenize.OP, ")")] if closing else []
            out.append((tokenize.COMMENT, "  # my own"))
            closing = False
        out.append((kind, text))
        if kind == tokenize.NAME and text == "return":
            returns += 1
            closing = returns % 2 == 0
            out += [(tokenize.OP, "(")] if closing else []
        if kind == tokenize.OP and text == "," and depth:
            out.append((tokenize.NL, "\n"))
    return tokenize.untokenize(out)


def copied(nb):
    """The copier's notebook: ``nb`` with every solution cell disguised and the cells of
    cross_entropy_loss and hinge_loss swapped."""
    nb = nbformat.from_dict(nb)
    for cell in nb.cells:
        if nbgrader_meta(cell).get("solution"):
            cell.source = disguise(cell.source)
    ids = [nbgrader_meta(c).get("grade_id") for c in nb.cells]
    i, j = ids.index("cross_entropy_loss"), ids.index("hinge_loss")
    nb.cells[i], nb.cells[j] = nb.cells[j], nb.cells[i]
    return nb


@pytest.fixture(scope="module")
def synthetic_class():
    """Solution code of the honest students and the copier, and the honest choices."""
    choices = honest_choices(HONEST)
    notebooks = {f"honest{i}": notebook_of(c) for i, c in enumerate(choices)}
    notebooks["copier"] = copied(notebooks[ORIGINAL])
    codes = {student: solution_code(nb) for student, nb in notebooks.items()}
    return codes, {f"honest{i}": choice for i, choice in enumerate(choices)}


@pytest.fixture(scope="module")
def scored(synthetic_class):
    """Every pair that shares any code, with its score (threshold just above 0)."""
    codes, _ = synthetic_class
    return similar_pairs(codes, solution_code(RELEASE), threshold=1e-9)


def test_the_copier_is_a_real_disguise(synthetic_class):
    codes, _ = synthetic_class
    compile(codes["copier"], "copier", "exec")
    assert codes["copier"] != codes[ORIGINAL]
    assert "my_" in codes["copier"] and "# my own" in codes["copier"]
    assert codes["copier"].index("def hinge_loss") < codes["copier"].index("def cross_entropy_loss")


def test_the_copied_pair_ranks_first_above_the_threshold(scored):
    top = scored[0]
    assert {top.a, top.b} == {"copier", ORIGINAL}
    assert top.score >= THRESHOLD


def test_independent_honest_students_stay_below_the_threshold(scored):
    honest = [p for p in scored if "copier" not in (p.a, p.b)]
    assert honest, "honest students who share alternatives share some code"
    assert max(p.score for p in honest) < THRESHOLD


def test_at_the_default_threshold_only_the_copy_is_reported(synthetic_class):
    codes, _ = synthetic_class
    reported = similar_pairs(codes, solution_code(RELEASE))
    assert [{p.a, p.b} for p in reported] == [{"copier", ORIGINAL}]


def test_code_most_of_the_class_writes_is_set_aside(synthetic_class):
    codes, _ = synthetic_class
    honest = {student: code for student, code in codes.items() if student != "copier"}
    assert similar_pairs(honest, solution_code(RELEASE)) == []
    assert similar_pairs(honest, solution_code(RELEASE), common=1.0), \
        "with nothing set aside as common, honest students who share alternatives match"


def _normalised(text):
    """Code about as copydetect compares it: no docstrings, comments or whitespace, every
    word one letter (a name cut at a span's edge is still a name)."""
    text = re.sub(r"#[^\n]*", "", re.sub(r'"""[\s\S]*?"""', '"S"', text))
    return re.sub(r"\s+", "", re.sub(r"[A-Za-z_]\w*", "V", text))


def _found_in(code, spans, other, width=10):
    """The share of the spans' normalised text, in pieces of ``width`` characters, that
    occurs in the normalised ``other`` code."""
    target = _normalised(other)
    pieces = [text[i:i + width] for start, end in spans
              for text in [_normalised(code[start:end])] for i in range(len(text) - width + 1)]
    return sum(piece in target for piece in pieces) / len(pieces)


def test_spans_of_the_copy_are_ordered_and_match(scored):
    top = scored[0]
    for code, spans, other in ((top.a_code, top.a_spans, top.b_code),
                               (top.b_code, top.b_spans, top.a_code)):
        assert spans
        assert all(0 <= start < end <= len(code) for start, end in spans)
        assert all(end <= start for (_, end), (start, _) in zip(spans, spans[1:], strict=False))
        assert _found_in(code, spans, other) > 0.95


def _region(code, function):
    """Where ``function``'s cell is in solution code: from its def to the next def."""
    starts = sorted(re.search(rf"def\s+{f}\s*\(", code).start() for f in FUNCTIONS)
    start = re.search(rf"def\s+{function}\s*\(", code).start()
    return start, next((s for s in starts if s > start), len(code))


def test_spans_mark_the_one_function_two_students_wrote_alike(synthetic_class):
    """Ann and Bob implement each function differently but one, the catalogue's longest
    alternative, which Bob copied (disguised); the rest of the class wrote it otherwise."""
    codes, choices = synthetic_class
    function, option = max(((f, i) for f in VARYING for i in range(len(OPTIONS[f]))),
                           key=lambda pick: _size(*pick))
    ann = notebook_of({f: 0 for f in VARYING} | {function: option}, keep=set(VARYING))
    bob = copied(notebook_of({f: 1 for f in VARYING} | {function: option}, keep=set(VARYING)))
    others = {student: codes[student] for student, c in choices.items() if c[function] != option}
    pairs = similar_pairs({"ann": solution_code(ann), "bob": solution_code(bob), **others},
                          solution_code(RELEASE), threshold=1e-9)
    pair, = (p for p in pairs if (p.a, p.b) == ("ann", "bob"))
    for code, spans in ((pair.a_code, pair.a_spans), (pair.b_code, pair.b_spans)):
        start, end = _region(code, function)
        inside = sum(max(0, min(e, end) - max(s, start)) for s, e in spans)
        assert inside >= 0.9 * (end - start), "the copied function is highlighted"
        assert inside > 0.5 * sum(e - s for s, e in spans), "mostly the copied function is"


def test_release_unchanged_matches_nothing():
    boilerplate = solution_code(RELEASE)
    assert similar_pairs({"ann": boilerplate, "bob": boilerplate, "cid": boilerplate},
                         boilerplate, threshold=1e-9) == []


def test_empty_and_broken_code_are_handled(synthetic_class):
    codes, _ = synthetic_class
    odd = {"empty": "", "broken": "def sigmoid(s:\n    return )) 1 +\n  ]", **codes}
    pairs = similar_pairs(odd, solution_code(RELEASE), threshold=1e-9)
    assert not {"empty", "broken"} & {student for p in pairs for student in (p.a, p.b)}
    assert {pairs[0].a, pairs[0].b} == {"copier", ORIGINAL}


@pytest.mark.parametrize("students", [0, 1])
def test_a_class_of_one_or_none_has_no_pairs(students, synthetic_class):
    codes, _ = synthetic_class
    one = {student: codes[student] for student in list(codes)[:students]}
    assert similar_pairs(one, solution_code(RELEASE), threshold=1e-9) == []


def test_two_copies_make_a_pair_however_small_the_class(synthetic_class):
    codes, _ = synthetic_class
    pairs = similar_pairs({"ann": codes[ORIGINAL], "bob": codes[ORIGINAL]},
                          solution_code(RELEASE))
    assert [(p.a, p.b, p.score) for p in pairs] == [("ann", "bob", 1.0)]


def test_pair_as_stored_in_the_report(scored):
    stored = json.loads(json.dumps(scored[0].to_dict()))
    assert set(stored) == {"a", "b", "score", "a_code", "b_code", "a_spans", "b_spans"}
    assert stored["a_spans"] == [list(span) for span in scored[0].a_spans]


def test_bad_threshold_is_refused():
    with pytest.raises(ValueError, match="threshold"):
        similar_pairs({}, "", threshold=0)


def test_solution_code_is_the_solution_cells_in_order():
    code = solution_code(SOURCE)
    cells = [c.source for c in SOURCE.cells
             if c.cell_type == "code" and nbgrader_meta(c).get("solution")]
    assert code == "\n\n".join(cells)
    assert "import numpy as np" not in code  # a locked cell
    assert code.index("def sigmoid(") < code.index("def softmax(") < code.index("def hinge_naive(")


SHARED = ("def hinge(scores, y, margin=1.0):\n"
          "    s = np.asarray(scores, dtype=float)  # one row per sample\n"
          "    right = s[np.arange(len(y)), y][:, None]\n"
          "    m = np.maximum(0, s - right + margin)\n"
          "    m[np.arange(len(y)), y] = 0\n"
          "    return m.sum(axis=1).mean()")
DISGUISED = ("def  multiclass_hinge( z ,labels, delta = 1.0 ) :\n"
             "    # copied, renamed\n"
             "    arr = np.asarray(z, dtype=float)\n\n"
             "    true_score = arr[np.arange(len(labels)), labels][:, None]\n"
             "    margins = np.maximum(0, arr - true_score + delta)   # hinge\n"
             "    margins[np.arange(len(labels)), labels] = 0\n"
             "    return margins.sum(axis=1).mean()")


def test_highlights_are_exactly_the_matched_fragments():
    """The highlighted characters are the copied function, to the character, in both
    submissions, and their tokenized text is the same."""
    ann = "\n\ntotal = {'a': 1, 'b': 2}\nprint(total)\n\n\n" + SHARED + "\n\n# done\n"
    bob = "for i in range(3):\n    pass\n\n" + DISGUISED + "\n\nwhile False:\n    break\n"
    pair, = similar_pairs({"ann": ann, "bob": bob}, "", threshold=1e-9)
    assert [pair.a_code[s:e] for s, e in pair.a_spans] == [SHARED]
    assert [pair.b_code[s:e] for s, e in pair.b_spans] == [DISGUISED]
    assert tokenized(SHARED)[0] == tokenized(DISGUISED)[0]
