"""Debian's Chromium through Playwright for the browser tests (never a downloaded browser),
and screenshots kept for a person to look at."""

import os
import shutil
from contextlib import contextmanager
from importlib.util import find_spec
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
# Without the networking flags Chromium keeps trying the closed network.
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]


MAX_SCALE = 8  # the longest wait is this many times the quiet machine's


def scaled(milliseconds):
    """A browser wait of ``milliseconds`` on a quiet machine, stretched by the machine's load
    now (runnable processes per core, at least 1, at most MAX_SCALE times): the tests wait
    on conditions, and a loaded machine only makes them wait longer."""
    per_core = os.getloadavg()[0] / (os.cpu_count() or 1)
    return int(milliseconds * min(MAX_SCALE, max(1.0, per_core)))


@contextmanager
def chromium():
    """A launched Chromium; the test is skipped, saying why, where it or Playwright is missing."""
    if not CHROMIUM.exists():
        pytest.skip("needs Debian's chromium (.ci/run installs it)")
    if find_spec("playwright") is None:
        pytest.skip("needs Playwright for Python (the test extra installs it)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


def screenshot_saver(folder, review, *, numbered=False, full_page=True):
    """``save(page, name)``: a PNG in ``folder`` (numbered in order if asked), copied to
    ``review`` where a person looks at them after the run."""
    folder.mkdir(parents=True, exist_ok=True)
    review.mkdir(parents=True, exist_ok=True)
    print(f"screenshots: {folder} (copied to {review})")
    count = iter(range(1, 1000))

    def save(page, name):
        target = folder / (f"{next(count):02d}-{name}.png" if numbered else f"{name}.png")
        page.screenshot(path=str(target), full_page=full_page)
        shutil.copy(target, review / target.name)
        return target

    return save
