"""The catalogued mistakes a failed test matched, recorded as data while the tests run.

When a check names a likely mistake, :func:`publish` records it: while grading, the trusted
test runner collects it (:func:`recording`) and adds it to the grade cell as a
``display_data`` output of the MIME type :data:`MIME`; in a student's kernel it is published
as such an output directly. JupyterLab and nbconvert have no renderer for that type, so
students never see it, and grading reads it back with :func:`by_grade_cell` instead of
parsing message text. It describes a failure for the class report and never changes a score.

A grade cell yields at most :data:`MAX_PER_GRADE_CELL` distinct mistakes, whatever its outputs
hold: the catalogue names one or two per failure, so more can only be noise or forgery, and a
student's records never crowd the class report.
"""

from contextlib import contextmanager

from .cells import nbgrader_meta

MIME = "application/vnd.autograder.mistakes+json"
_MAX_TEXT = 300
_MAX_MISTAKES = 8  # per output
MAX_PER_GRADE_CELL = 5


_SINKS = []


@contextmanager
def recording(sink):
    """Within the block, :func:`publish` appends its payloads to the list ``sink``."""
    _SINKS.append(sink)
    try:
        yield sink
    finally:
        _SINKS.pop()


def publish(call, descriptions):
    """Record that ``call`` returned what the ``descriptions``' mistakes return (into the
    innermost :func:`recording`, else as an output in an IPython kernel, else nowhere)."""
    payload = {"call": str(call), "mistakes": [str(d) for d in descriptions]}
    if _SINKS:
        _SINKS[-1].append(payload)
        return
    try:
        from IPython import get_ipython
        from IPython.display import publish_display_data
    except ImportError:
        return
    if get_ipython() is not None:
        publish_display_data({MIME: payload})


def _texts(payload):
    """The mistake descriptions of one untrusted payload, bounded; [] if malformed."""
    if not isinstance(payload, dict) or not isinstance(payload.get("mistakes"), list):
        return []
    return [m[:_MAX_TEXT] for m in payload["mistakes"][:_MAX_MISTAKES] if isinstance(m, str)]


def recorded(outputs):
    """The distinct mistake descriptions recorded in a cell's ``outputs``, in order, at most
    :data:`MAX_PER_GRADE_CELL`."""
    found = []
    for output in outputs or ():
        if output.get("output_type") == "display_data":
            for text in _texts(output.get("data", {}).get(MIME)):
                if text not in found:
                    found.append(text)
                if len(found) == MAX_PER_GRADE_CELL:
                    return found
    return found


def by_grade_cell(nb):
    """``{grade_id: [mistake, ...]}`` for every grade cell of an executed notebook."""
    found = {}
    for cell in nb.cells:
        meta = nbgrader_meta(cell)
        if meta.get("grade") and meta.get("grade_id") and cell.cell_type == "code":
            found[meta["grade_id"]] = recorded(cell.get("outputs"))
    return found
