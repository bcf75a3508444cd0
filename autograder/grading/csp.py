"""Content-Security-Policy for the pages the course writes and an instructor or student
opens: no script runs but the course's own (its MathJax files, and inline scripts by their
hash), so nothing a student's output smuggled past sanitizing can run. Given as a <meta>
tag, as the pages are opened as files and served as they are."""

import base64
import hashlib

from markupsafe import Markup

from . import pages


def script_hash(script):
    """The CSP source that allows exactly the inline script whose text is ``script``."""
    digest = hashlib.sha256(script.encode("utf-8")).digest()
    return f"'sha256-{base64.b64encode(digest).decode('ascii')}'"


def policy(scripts=()):
    """The policy: scripts only from the CSP sources ``scripts`` (none if empty); styles,
    images and fonts from the page's own folder or inline; nothing else at all."""
    sources = " ".join(scripts) or "'none'"
    return (f"default-src 'none'; script-src {sources}; "
            "style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; "
            "base-uri 'none'; form-action 'none'")


def meta(scripts=()):
    """The policy as a <meta> tag, for the top of a page's <head>."""
    return pages.TEMPLATES.get_template("csp_meta.html.j2").render(
        policy=Markup(policy(scripts)))


def protect(page, scripts=()):
    """``page`` with the policy's <meta> right after its <head> tag (the page's own, which
    comes before any student content); unchanged if it has no <head>."""
    at = page.find("<head>")
    if at < 0:
        return page
    at += len("<head>")
    return page[:at] + "\n" + meta(scripts) + page[at:]
