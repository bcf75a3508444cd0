"""The nbgrader metadata of a notebook cell."""


def nbgrader_meta(cell):
    """The cell's ``metadata.nbgrader`` dict (empty for a cell nbgrader does not know)."""
    return cell.get("metadata", {}).get("nbgrader", {})
