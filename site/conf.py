"""Sphinx configuration of the course's reading site: `make site` builds it into
site/_build/html from the executed answer keys (solutions/) and the explorers (notebooks/),
executed into site/explorers/ (generated, ignored by git; re-executed only when an explorer,
a source notebook or a module they import changed). Sphinx executes nothing itself and
nothing is loaded from the web: MathJax 2.7 comes from jupyter-server-mathjax and is copied
into the site's _static folder."""

from pathlib import Path

from autograder.grading.feedback import (
    MATHJAX_COMBINED_CONFIG,
    MATHJAX_FOLDER,
    MATHJAX_OFFLINE_CONFIG,
    copy_mathjax,
)
from autograder.editions.explorers import reading_explorer

SITE = Path(__file__).resolve().parent
EXPLORERS = SITE / "explorers"


def _execute_explorers():
    """notebooks/*.ipynb executed headless into site/explorers/, where they changed."""
    EXPLORERS.mkdir(exist_ok=True)
    for path in sorted((SITE.parent / "notebooks").glob("*.ipynb")):
        target = EXPLORERS / path.name
        previous = target.read_bytes() if target.exists() else None
        made = reading_explorer(SITE.parent, path, previous)
        if made != previous:
            target.write_bytes(made)


_execute_explorers()

project = "Loss functions, activations and weight initialization"
author = "Lecture 7"
copyright = "the course authors"

extensions = ["myst_nb"]
# solutions/ here is a link to the repository's folder; explorers/ is generated (above).
exclude_patterns = ["_build", "**/.ipynb_checkpoints", "Thumbs.db", ".DS_Store"]
source_suffix = {".md": "myst-nb", ".ipynb": "myst-nb"}

# Read the stored outputs; never start a kernel.
nb_execution_mode = "off"
# Explorers keep no widget state; never load the widget manager from a CDN.
nb_ipywidgets_js = {}
nb_merge_streams = True
myst_enable_extensions = ["dollarmath", "amsmath"]
# MyST writes MathJax 3/4 settings; MathJax 2's are below (MyST marks each page's section
# tex2jax_ignore, so only its math elements are processed).
myst_update_mathjax = False
myst_heading_anchors = 3
suppress_warnings = ["myst.header"]

html_theme = "alabaster"
html_title = project
html_theme_options = {"description": "Lecture 7: Loss Functions and Activations, as notebooks",
                      "fixed_sidebar": True, "font_family": "sans-serif",
                      "head_font_family": "sans-serif", "page_width": "1100px"}
html_static_path = []
html_show_sourcelink = False
html_show_sphinx = False

# Local MathJax 2.7 (copied below, after the build); Sphinx writes \( \) and \[ \].
mathjax_path = f"{MATHJAX_FOLDER}/MathJax.js"
mathjax2_config = {
    **MATHJAX_OFFLINE_CONFIG,
    "config": [f"{MATHJAX_COMBINED_CONFIG}.js", "Safe.js"],
    "tex2jax": {"inlineMath": [["\\(", "\\)"]], "displayMath": [["\\[", "\\]"]],
                "processEscapes": True, "processEnvironments": True,
                "ignoreClass": "tex2jax_ignore|mathjax_ignore",
                "processClass": "tex2jax_process|mathjax_process|math|output_area"},
}


def _copy_mathjax(app, exception):
    if exception is None and app.builder.format == "html":
        if copy_mathjax(app.outdir / "_static" / MATHJAX_FOLDER) is None:
            raise RuntimeError("MathJax is missing: pip install jupyter-server-mathjax")


def setup(app):
    app.connect("build-finished", _copy_mathjax)
