"""The reading site (`make site`) and the students' feedback pages render offline in a real
browser: every request to the web is blocked and recorded, and none may be needed; math is
typeset by the local MathJax copy and every figure loads."""

import functools
import http.server
import subprocess
import sys
import threading
from pathlib import Path
from urllib.parse import urlsplit

import nbformat
import pytest

from tests.browser import chromium, scaled, screenshot_saver
from tests.course_copy import ROOT

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("site")]
REVIEW = Path("/tmp/site-screenshots")
MATH_PAGE = "solutions/02_classification_losses/02_classification_losses.html"
LOCAL_HOSTS = {"localhost", "127.0.0.1"}
# Harmless misses of MathJax 2.7 itself: the MathML output's @font-face names TeX .otf fonts
# that jupyter-server-mathjax does not ship (the HTML-CSS output uses its STIX-Web fonts),
# and its zoom/menu helpers use about:blank.
HARMLESS = ("/mathjax/fonts/HTML-CSS/TeX/otf/", "about:blank")


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """The site built with the venv's sphinx-build (warnings are errors) into a tmp folder."""
    out = tmp_path_factory.mktemp("site") / "html"
    sphinx = ROOT / ".venv" / "bin" / "sphinx-build"
    command = [str(sphinx)] if sphinx.exists() else [sys.executable, "-m", "sphinx"]
    done = subprocess.run([*command, "-W", "-q", "-b", "html", str(ROOT / "site"), str(out)],
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stdout + done.stderr
    return out


@pytest.fixture(scope="module")
def serve():
    """Serve folders over HTTP on 127.0.0.1; yields a function folder -> base URL."""
    servers = []

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass

    def start(folder):
        server = http.server.ThreadingHTTPServer(
            ("127.0.0.1", 0), functools.partial(Quiet, directory=str(folder)))
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        return f"http://127.0.0.1:{server.server_address[1]}"

    yield start
    for server in servers:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="module")
def browser():
    """Debian's Chromium through Playwright (never a downloaded browser)."""
    with chromium() as launched:
        yield launched


@pytest.fixture
def screenshots(tmp_path):
    return screenshot_saver(tmp_path / "screenshots", REVIEW)


def open_offline(browser, url):
    """Open ``url`` with every request off this machine blocked; return the page and what
    went wrong: blocked web requests, and local requests that failed or answered >= 400."""
    page = browser.new_page(viewport={"width": 1300, "height": 900})
    page.set_default_timeout(scaled(30_000))  # every wait on this page, stretched by load
    problems = {"blocked": [], "failed": []}

    def route(route):
        parts = urlsplit(route.request.url)
        if parts.scheme in ("file", "data", "blob") or parts.hostname in LOCAL_HOSTS:
            route.continue_()
        else:
            problems["blocked"].append(route.request.url)
            route.abort()

    page.route("**/*", route)

    def failed(url, why):
        if url not in problems["blocked"] and not any(part in url for part in HARMLESS):
            problems["failed"].append(f"{url}: {why}")

    page.on("requestfailed", lambda request: failed(request.url, request.failure))
    page.on("response", lambda response: response.status >= 400
            and failed(response.url, response.status))
    page.goto(url, wait_until="load")
    return page, problems


def wait_for_math(page):
    """Wait until MathJax 2 has typeset every formula (its fast preview replaced by the
    HTML-CSS output, which sits just before each formula's <script type="math/tex">)."""
    page.wait_for_function("""() => {
        if (!(window.MathJax && MathJax.isReady && MathJax.Hub.queue.pending === 0
              && MathJax.Hub.queue.running === 0)) return false;
        const formulas = [...document.querySelectorAll('script[type^="math/tex"]')];
        return formulas.length > 0 && formulas.every(script => {
            const output = script.previousElementSibling;
            return output && (output.classList.contains('MathJax')
                              || output.classList.contains('MathJax_Display'));
        });
    }""", timeout=scaled(60_000))


def figures(page):
    """(src, naturalWidth) of every <img> once loaded."""
    page.wait_for_function("() => [...document.images].every(img => img.complete)")
    return page.evaluate("() => [...document.images].map(img => [img.src.slice(0, 80),"
                         " img.naturalWidth])")


def assert_math_rendered(page, containers=None, prose=None):
    """MathJax output present, no TeX errors, no raw $$; every math container (Sphinx's)
    typeset, or no $ left in the text of the prose (notebook markdown cells)."""
    assert page.locator(".MathJax, .MathJax_Display").count() > 0, "no MathJax output"
    if containers:
        untypeset = page.evaluate(
            f"() => [...document.querySelectorAll({containers!r})]"
            ".filter(e => !e.querySelector('.MathJax, .MathJax_Display'))"
            ".map(e => e.textContent.slice(0, 80))")
        assert not untypeset, f"math left as source: {untypeset}"
    if prose:
        raw = [t for t in page.locator(prose).all_inner_texts() if "$" in t]
        assert not raw, f"math left as source: {raw}"
    assert page.locator(".MathJax .merror, .MathJax .noError").count() == 0, "TeX errors"
    assert "$$" not in page.inner_text("body")
    # The web fonts came from the local copy: MathJax did not fall back to a warning.
    assert page.locator("#MathJax_Font_Warning").count() == 0


@pytest.mark.parametrize("scheme", ["http", "file"])
def test_the_site_renders_offline(site, serve, browser, screenshots, scheme):
    base = serve(site) if scheme == "http" else site.as_uri()

    page, problems = open_offline(browser, f"{base}/index.html")
    text = page.inner_text("body")
    for assignment in ("01_regression_losses", "02_classification_losses", "03_activations",
                       "04_initialization"):
        assert page.locator(f"a[href*='{assignment}/{assignment}.html']").count() >= 1
        assert page.locator(f"a[href*='{assignment}_explorer.html']").count() >= 1
    for topic in ("cross-entropy vs multiclass hinge", "Xavier, Kaiming", "dead units",
                  "the 4x4 worked example"):
        assert topic in text
    assert all(width > 0 for _, width in figures(page))
    screenshots(page, f"site-index-{scheme}")
    assert problems == {"blocked": [], "failed": []}
    page.close()

    page, problems = open_offline(browser, f"{base}/{MATH_PAGE}")
    wait_for_math(page)
    assert_math_rendered(page, containers=".math.notranslate")  # MathJax makes .math too
    images = figures(page)
    assert len(images) >= 8, images
    assert [src for src, width in images if width == 0] == []
    screenshots(page, f"site-02_classification_losses-{scheme}")
    assert problems == {"blocked": [], "failed": []}
    page.close()


def test_every_page_of_the_site_is_built_with_local_assets_only(site):
    pages = sorted(p.relative_to(site).as_posix() for p in site.rglob("*.html"))
    for stage, name in [("solutions", f"{a}/{a}") for a in (
            "01_regression_losses", "02_classification_losses", "03_activations",
            "04_initialization")] + [("explorers", f"{a}_explorer") for a in (
            "01_regression_losses", "02_classification_losses", "03_activations",
            "04_initialization")]:
        assert f"{stage}/{name}.html" in pages
        if stage == "explorers":  # executed for the site: their figures are there
            assert "<img" in (site / stage / f"{name}.html").read_text(), name
    assert (site / "_static" / "mathjax" / "MathJax.js").is_file()
    for page in pages:
        html = (site / page).read_text()
        for tag in ("<script", "<link", "<img"):
            for chunk in html.split(tag)[1:]:
                head = chunk.split(">", 1)[0]
                assert "://" not in head, f"{page} loads from the web: {tag}{head}>"


def feedback_html():
    """nbgrader's feedback template (as GenerateFeedback configures it) on the executed
    02 notebook, with every graded cell given full points as GetGrades would."""
    from nbgrader.converters import GenerateFeedback
    from nbgrader.coursedir import CourseDirectory

    converter = GenerateFeedback(coursedir=CourseDirectory(root=str(ROOT)))
    exporter = converter.exporter_class(parent=converter, config=converter.config)
    nb = nbformat.read(ROOT / "solutions" / "02_classification_losses" /
                       "02_classification_losses.ipynb", as_version=4)
    for cell in nb.cells:
        meta = cell.metadata.get("nbgrader")
        if meta:
            meta.setdefault("comment", "")
            meta["score"] = meta.get("points", 0)
    resources = {"nbgrader": {"notebook": "02_classification_losses", "score": 10,
                              "max_score": 10, "late_penalty": 0}}
    html, _ = exporter.from_notebook_node(nb, resources=resources)
    return html


@pytest.mark.parametrize("scheme", ["file", "http"])
def test_feedback_renders_math_offline(tmp_path, serve, browser, screenshots, scheme):
    """MathJax typesets the page under the page's policy, which lets no other script run."""
    from autograder.grading import csp
    from autograder.grading.feedback import PAGE_SCRIPTS, offline_math

    folder = tmp_path / "feedback" / "ada" / "02_classification_losses"
    folder.mkdir(parents=True)
    html = feedback_html()
    assert "cdnjs.cloudflare.com/ajax/libs/mathjax" in html  # what nbgrader writes
    local = offline_math(html, folder)
    assert "://" not in "".join(chunk.split(">", 1)[0] for chunk in local.split("<script")[1:])
    assert (folder / "mathjax" / "MathJax.js").is_file()
    assert offline_math(local, folder) == local  # idempotent
    page_file = folder / "02_classification_losses.html"
    page_file.write_text(csp.protect(local, PAGE_SCRIPTS), encoding="utf-8")

    base = serve(folder) if scheme == "http" else folder.as_uri()
    page, problems = open_offline(browser, f"{base}/{page_file.name}")
    wait_for_math(page)
    assert_math_rendered(page, prose=".text_cell_render")
    images = figures(page)
    assert len(images) >= 8 and all(width > 0 for _, width in images)
    screenshots(page, f"feedback-02_classification_losses-{scheme}")
    assert problems == {"blocked": [], "failed": []}
    page.close()


def test_offline_math_leaves_pages_without_cdn_mathjax_alone(tmp_path):
    from autograder.grading.feedback import offline_math

    html = "<html><body><p>$x$</p></body></html>"
    assert offline_math(html, tmp_path) == html
    assert not (tmp_path / "mathjax").exists()
