"""`autograder validate`: every source notebook passes its grade cells and every release
notebook fails each of them with NotImplementedError (nbgrader's `validate --invert`)."""

from ..course.paths import assignments, check_assignment, notebook
from ..course.execute import execute_file, grade_cells


def source_problems(root, assignment, executed=None):
    """Grade cells of the source notebook that fail: each one a message. ``executed``: the
    source already executed, not to run it twice."""
    path = notebook(root, "source", assignment)
    outcomes = grade_cells(executed if executed is not None else execute_file(path))
    if not outcomes:
        return [f"{path}: no grade cells"]
    return [f"{path}: {o.grade_id} fails: {o.error_name or 'stderr'}: "
            f"{(o.error_value or o.stderr).strip()[:300]}"
            for o in outcomes.values() if not o.passed]


def release_problems(root, assignment):
    """Grade cells of the release that pass, or fail with anything but NotImplementedError."""
    path = notebook(root, "release", assignment)
    if not path.exists():
        return [f"{path} is missing: run `autograder build`"]
    outcomes = grade_cells(execute_file(path))
    problems = []
    for o in outcomes.values():
        if o.passed:
            problems.append(f"{path}: {o.grade_id} passes without an answer: it cannot fail")
        elif o.error_name != "NotImplementedError":
            problems.append(f"{path}: {o.grade_id} fails with {o.error_name}: "
                            f"{(o.error_value or o.stderr).strip()[:300]} "
                            "(a student would expect NotImplementedError)")
    return problems


def validate(*, root, assignment=None, log=print):
    """All problems found across the assignments; an empty list means the course is sound."""
    if assignment:
        check_assignment(root, assignment)
    problems = []
    for name in [assignment] if assignment else assignments(root):
        found = source_problems(root, name) + release_problems(root, name)
        log(f"{name}: {'ok' if not found else f'{len(found)} problem(s)'}")
        problems += found
    return problems
