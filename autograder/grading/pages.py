"""Jinja2 environments for the pages the course writes: templates from a package folder,
every value autoescaped, an undefined name an error."""

from pathlib import Path

import jinja2


def environment(folder, **filters):
    """An environment loading the templates in ``folder``, with ``filters`` added."""
    pages = jinja2.Environment(loader=jinja2.FileSystemLoader(folder), autoescape=True,
                               undefined=jinja2.StrictUndefined, trim_blocks=True,
                               lstrip_blocks=True)
    pages.filters.update(filters)
    return pages


# The templates of grading's own pages and tags (the plain feedback page, the policy, MathJax).
TEMPLATES = environment(Path(__file__).parent / "templates")
