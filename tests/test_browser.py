"""The playgrounds in a real browser: JupyterLab on a free local port, driven by Playwright
and the system's Chromium. For each notebook with a playground: Run All, then act as a
student (move a slider, click Train, draw a stroke) and check the output changed the way
it should. A screenshot of each playground after the interaction goes to build/browser/.

Skipped, with one line saying how to enable them, when Chromium or Playwright is missing;
``.ci/run`` installs both.
"""

from __future__ import annotations

import time
import urllib.request

import pytest

from browser import CHROMIUM, CHROMIUM_ARGS, ROOT, JupyterLab, errors, open_notebook, run_all

try:
    import playwright.sync_api as playwright
except ImportError:
    playwright = None

pytestmark = pytest.mark.skipif(
    CHROMIUM is None or playwright is None,
    reason="browser tests need Chromium and Playwright: `apt-get install chromium` and "
           "`pip install playwright` (.ci/run installs both)")

SCREENSHOTS = ROOT / "build" / "browser"


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    server = JupyterLab(tmp_path_factory.mktemp("lab"))
    yield server
    server.stop()


@pytest.fixture(scope="module")
def browser():
    with playwright.sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def run_notebook(lab, browser):
    """``run_notebook(name, timeout)`` opens a notebook, runs all its cells, checks that no
    cell failed and returns the page; its kernel is shut down after the test."""
    page = browser.new_page(viewport={"width": 1400, "height": 1000})

    def run(name: str, timeout: float = 120):
        open_notebook(page, lab, name)
        run_all(page, timeout)
        assert errors(page) == []
        return page

    yield run
    page.close()
    request = urllib.request.Request(lab.url(f"api/sessions?token={lab.token}"))
    with urllib.request.urlopen(request) as answer:
        sessions = __import__("json").load(answer)
    for session in sessions:
        urllib.request.urlopen(urllib.request.Request(
            lab.url(f"api/sessions/{session['id']}?token={lab.token}"), method="DELETE"))


def picture(locator) -> bytes:
    """What the element shows now, as PNG bytes."""
    locator.scroll_into_view_if_needed()
    return locator.screenshot(animations="disabled")


def wait_until_changed(locator, before: bytes, timeout: float = 15) -> bytes:
    """Poll the element's picture until it differs from ``before`` and then holds still
    for half a second (a redraw may take several frames); return the final picture."""
    deadline = time.monotonic() + timeout
    last, still_since = before, None
    while time.monotonic() < deadline:
        now = picture(locator)
        if now != last:
            last, still_since = now, time.monotonic()
        elif last != before and time.monotonic() - still_since >= 0.5:
            return last
        time.sleep(0.2)
    raise AssertionError(f"the output {'did not settle' if last != before else 'did not change'} "
                         f"within {timeout} s")


def nudge_slider(page, scope, presses: int = 5, key: str = "ArrowRight") -> None:
    """Move an ipywidgets slider as a keyboard user would: focus its handle, press keys."""
    handle = scope.locator(".noUi-handle").first
    handle.scroll_into_view_if_needed()
    handle.focus()
    for _ in range(presses):
        page.keyboard.press(key)


def save(locator, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    locator.screenshot(path=str(SCREENSHOTS / f"{name}.png"))


def test_01_neuron_sliders_redraw_the_decision_line(run_notebook):
    page = run_notebook("01_perceptron.ipynb")
    cell = page.locator(".jp-CodeCell", has=page.locator(".widget-slider")).first
    image = cell.locator(".jp-OutputArea-output img").last
    before = picture(image)
    nudge_slider(page, cell.locator(".widget-slider").nth(2), presses=10)  # the bias b
    wait_until_changed(image, before)
    save(cell, "01_neuron_sliders")
