"""Every CSV file the course writes goes through :func:`writer`: a text cell that a
spreadsheet would run as a formula (it starts with =, +, -, @, a tab or a carriage return)
gets a leading apostrophe, as OWASP's "CSV injection" page advises. Numbers, and text that
is a plain number such as "-1.5", stay as they are, so scores remain numeric. The course's
own files are read back through :func:`value`, which takes that apostrophe off again."""

import csv

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _is_number(text):
    """Whether ``text`` is a plain number ("-2", "+0.5", "1e-3"): what a spreadsheet reads
    as a number, never as a formula."""
    if not text or text != text.strip() or "_" in text:
        return False
    try:
        float(text)
    except ValueError:
        return False
    return True


def cell(value):
    """``value`` as a CSV cell no spreadsheet runs."""
    if isinstance(value, str) and value.startswith(FORMULA_START) and not _is_number(value):
        return "'" + value
    return value


def value(text):
    """The text a cell written by :func:`cell` held (its escaping apostrophe removed)."""
    if text.startswith("'") and cell(text[1:]) == text:
        return text[1:]
    return text


class _SafeWriter:
    """csv.writer's writerow and writerows, every cell passed through :func:`cell`."""

    def __init__(self, handle):
        self._writer = csv.writer(handle)

    def writerow(self, row):
        return self._writer.writerow([cell(v) for v in row])

    def writerows(self, rows):
        for row in rows:
            self.writerow(row)


def writer(handle):
    """A CSV writer on the open text file ``handle`` whose cells never run as formulas."""
    return _SafeWriter(handle)
