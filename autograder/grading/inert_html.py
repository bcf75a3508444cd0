"""Student HTML made inert: what a student's output or markdown cell holds is rendered
through nh3 (the Rust sanitizer ammonia), which keeps formatting tags and drops scripts,
event handlers, iframes, forms, styles and javascript: links. It runs in time linear in
the input."""

import nh3

TAGS = nh3.ALLOWED_TAGS | {"input"}  # markdown task lists render checkboxes
ATTRIBUTES = {**{tag: set(names) for tag, names in nh3.ALLOWED_ATTRIBUTES.items()},
              "*": {"class", "id", "title", "lang", "dir"},
              "input": {"type", "checked", "disabled"}}
URL_SCHEMES = {"http", "https", "mailto", "data"}  # data: for embedded images


def clean(html):
    """``html`` (a string or bytes fragment) without anything that can run."""
    text = html.decode("utf-8", "replace") if isinstance(html, bytes) else str(html)
    return nh3.clean(text, tags=TAGS, attributes=ATTRIBUTES, url_schemes=URL_SCHEMES)
