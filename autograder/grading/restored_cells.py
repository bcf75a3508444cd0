"""Changes a student made to the cells nbgrader restores before grading.

nbgrader puts back edited, re-typed and deleted test cells, their points and the kernel;
honest work never needs to touch them, so each change is named for the instructor (a
flag, not a penalty). Cells whose grade id is unknown or repeated are made plain cells
first: nbgrader 0.9.6 stops on them instead of restoring the originals.
"""

from collections import Counter

from ..student.cells import nbgrader_meta


def _ids(nb):
    return [nbgrader_meta(c).get("grade_id") for c in nb.cells if nbgrader_meta(c)]


def changes(submitted, release):
    """What the student changed in the cells nbgrader restores, one phrase each."""
    original = {nbgrader_meta(c)["grade_id"]: c for c in release.cells if nbgrader_meta(c)}
    found = []
    for grade_id, count in Counter(_ids(submitted)).items():
        if grade_id not in original:
            found.append(f"added a cell with the unknown grade id {grade_id!r}")
        elif count > 1:
            found.append(f"duplicated {grade_id}")
    for cell in submitted.cells:
        meta = nbgrader_meta(cell)
        before = original.get(meta.get("grade_id"))
        if before is None:
            continue
        grade_id = meta["grade_id"]
        if cell.cell_type != before.cell_type:
            found.append(f"changed the type of {grade_id}")
        elif nbgrader_meta(before).get("locked") and cell.source.strip() != before.source.strip():
            found.append(f"edited the locked cell {grade_id}")
        if meta.get("points") != nbgrader_meta(before).get("points"):
            found.append(f"changed the points of {grade_id}")
    present = set(_ids(submitted))
    found += [f"deleted {g}" for g, c in original.items()
              if g not in present and nbgrader_meta(c).get("grade")]
    kernel = submitted.metadata.get("kernelspec", {}).get("name")
    if kernel != release.metadata.get("kernelspec", {}).get("name"):
        found.append(f"changed the kernel to {kernel!r}")
    return list(dict.fromkeys(found))


def unknown_ids_made_plain(nb, known):
    """``nb`` with nbgrader metadata removed from cells whose grade id is not in ``known``
    or repeats an earlier cell's."""
    seen = set()
    for cell in nb.cells:
        grade_id = nbgrader_meta(cell).get("grade_id")
        if nbgrader_meta(cell) and (grade_id not in known or grade_id in seen):
            del cell.metadata["nbgrader"]
        seen.add(grade_id)
    return nb
