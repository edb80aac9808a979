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
    cell = page.locator(".jp-CodeCell", has=page.locator(".widget-interact")).first
    image = cell.locator(".widget-interact .widget-output").first  # replaced images sit inside
    before = picture(image)
    nudge_slider(page, cell.locator(".widget-slider").nth(2), presses=10)  # the bias b
    wait_until_changed(image, before)
    save(cell, "01_neuron_sliders")


def click(scope, selector: str) -> None:
    button = scope.locator(selector).first
    button.scroll_into_view_if_needed()
    button.click()


def test_01_perceptron_stepper_moves_the_line_one_update_per_click(run_notebook):
    page = run_notebook("01_perceptron.ipynb")
    playground = page.locator(".mlpfs-perceptron-playground")
    figure = playground.locator(".mlpfs-figure")
    before = picture(figure)
    status = playground.locator(".mlpfs-status").text_content()
    for _ in range(3):
        click(playground, ".mlpfs-next-button")
    wait_until_changed(figure, before)
    assert playground.locator(".mlpfs-status").text_content() != status
    save(playground, "01_perceptron_stepper")


def test_02_network_playground_redraws_while_it_trains(run_notebook):
    page = run_notebook("02_xor.ipynb")
    playground = page.locator(".mlpfs-network-playground")
    figure, status = playground.locator(".mlpfs-figure"), playground.locator(".mlpfs-status")
    before = picture(figure)
    click(playground, ".mlpfs-train-button")
    # Live, not only at the end: the status line (epoch and loss, rewritten with every
    # redraw) takes at least three values while the run goes on.
    seen, deadline = [status.text_content()], time.monotonic() + 30
    while len(set(seen)) < 3 and time.monotonic() < deadline:
        seen.append(status.text_content())
        time.sleep(0.05)
    assert len(set(seen)) >= 3, f"the status changed only to {sorted(set(seen))}"
    wait_until_changed(figure, before)
    save(playground, "02_network_playground")


def test_05_deep_net_histograms_follow_the_weight_scale(run_notebook):
    page = run_notebook("05_initialization.ipynb")
    figure = page.locator(".mlpfs-figure").first
    before = picture(figure)
    click(page, ".mlpfs-he-button")
    after = wait_until_changed(figure, before)
    nudge_slider(page, page.locator(".mlpfs-depth-slider").first, presses=5, key="ArrowLeft")
    wait_until_changed(figure, after)
    save(page.locator(".jp-CodeCell", has=page.locator(".mlpfs-he-button")).first,
         "05_deep_net_playground")


def test_06_optimizer_paths_follow_the_condition_number(run_notebook):
    page = run_notebook("06_optimizers.ipynb")
    figure = page.locator(".mlpfs-figure").first
    before = picture(figure)
    nudge_slider(page, page.locator(".mlpfs-angle-slider").first, presses=9)  # rotate 45°
    after = wait_until_changed(figure, before)
    nudge_slider(page, page.locator(".mlpfs-adam-lr-slider").first, presses=20)
    wait_until_changed(figure, after)
    save(page.locator(".jp-CodeCell", has=page.locator(".mlpfs-angle-slider")).first,
         "06_optimizer_playground")


def test_09_a_drawn_digit_gets_new_probabilities(run_notebook):
    page = run_notebook("09_mnist.ipynb", timeout=600)
    playground = page.locator(".mlpfs-digits-playground")
    figure = playground.locator(".mlpfs-figure")
    canvas = playground.locator("canvas.mlpfs-digit-canvas, .mlpfs-digit-canvas canvas").last
    canvas.scroll_into_view_if_needed()
    before = picture(figure)
    box = canvas.bounding_box()
    # A "1": one thick vertical stroke down the middle, drawn with the mouse.
    x = box["x"] + box["width"] / 2
    page.mouse.move(x, box["y"] + 0.2 * box["height"])
    page.mouse.down()
    for k in range(1, 21):
        page.mouse.move(x, box["y"] + (0.2 + 0.03 * k) * box["height"])
    page.mouse.up()
    drawn = wait_until_changed(figure, before)
    save(playground, "09_draw_a_digit")
    click(playground, ".mlpfs-clear-button")
    wait_until_changed(figure, drawn)
