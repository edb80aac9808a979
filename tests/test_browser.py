"""The playgrounds in a real browser: JupyterLab on a free local port, driven by Playwright
and the system's Chromium. For each notebook with a playground (issue 24): Run All in a
1280×720 window with the file browser open; the playground's cell shows nothing but the
playground; then, at 1280×720 and 1920×1080, with and without the left sidebar, at device
scale 1 and 2 (one page, resized), every control lies inside the window and the output area
with a usable size (a slider track of at least 200 px), every label is whole and the figure
fits; then each control is acted on once (a slider's arrow key, a click, the next option)
and the figure must show exactly one new picture. 02 trains (the 2-D and 3-D figures follow
the run) and then diverges, and says so; 01's stepper says XOR can never converge; 09 draws
a 7, a 0 and a 1 with mouse strokes and must read each. Screenshots go to build/browser/.
One more test works through notebook 01's student release (tools/course.py, nbgrader) as
a student: Run All, skip a task, type the answers with the keyboard, run it all again.

Skipped, with one line saying how to enable them, when Chromium or Playwright is missing;
``.ci/run`` installs both.
"""

from __future__ import annotations

import json
import math
import os
import shutil
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from browser import (CHROMIUM, CHROMIUM_ARGS, ROOT, JupyterLab, cell_source, errors,
                     notebook_json, open_notebook, run_all, run_cells_one_by_one, type_over_stub)

try:
    import playwright.sync_api as playwright
except ImportError:
    playwright = None

pytestmark = pytest.mark.skipif(
    CHROMIUM is None or playwright is None,
    reason="browser tests need Chromium and Playwright: `apt-get install chromium` and "
           "`pip install playwright` (.ci/run installs both)")

SCREENSHOTS = ROOT / "build" / "browser"
T0 = time.monotonic()


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    # MLPFS_BROWSER_NOTEBOOKS: another copy of notebooks/ to try (e.g. with a cell changed)
    notebooks = Path(os.environ.get("MLPFS_BROWSER_NOTEBOOKS") or ROOT / "notebooks")
    server = JupyterLab(tmp_path_factory.mktemp("lab"), notebooks)
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
    """``run_notebook(name, timeout)`` opens a notebook in a 1280×720 window with the file
    browser open, runs all its cells, checks that no cell failed and returns the page; its
    kernel is shut down after the test."""
    page = browser.new_page(viewport={"width": 1280, "height": 720})

    def run(name: str, timeout: float = 120):
        open_notebook(page, lab, name)
        run_all(page, timeout)
        assert errors(page) == []
        return page

    yield run
    page.close()
    shut_down_kernels(lab)


def shut_down_kernels(lab) -> None:
    request = urllib.request.Request(lab.url(f"api/sessions?token={lab.token}"))
    with urllib.request.urlopen(request) as answer:
        sessions = json.load(answer)
    for session in sessions:
        urllib.request.urlopen(urllib.request.Request(
            lab.url(f"api/sessions/{session['id']}?token={lab.token}"), method="DELETE"))


def save(locator, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    locator.scroll_into_view_if_needed()
    locator.screenshot(path=str(SCREENSHOTS / f"{name}.png"))


# --- issue 24: every control visible and usable in every window --------------------------

#: The windows of issue 24: (width, height, file browser open, device scale factor).
WINDOWS = [(1280, 720, True, 1), (1280, 720, False, 1), (1920, 1080, False, 1),
           (1920, 1080, True, 1), (1920, 1080, True, 2), (1280, 720, True, 2)]
MIN_TRACK = 200   # px: a slider track a student can drag

LAYOUT_JS = """root => {
    const problems = [], vw = window.innerWidth, vh = window.innerHeight;
    const area = root.closest('.jp-OutputArea-output') || root;
    const visible = el => { const r = el.getBoundingClientRect(); return r.width > 0 && r.height > 0; };
    const kinds = {slider: '.widget-slider', button: 'button', dropdown: '.widget-dropdown select',
                   checkbox: '.widget-checkbox input', canvas: '.mlpfs-digit-canvas'};
    let controls = 0;
    for (const [kind, selector] of Object.entries(kinds)) {
        for (const el of root.querySelectorAll(selector)) {
            if (!visible(el)) continue;
            controls++;
            el.scrollIntoView({block: 'center', inline: 'nearest'});
            const r = el.getBoundingClientRect(), o = area.getBoundingClientRect();
            const name = `${kind} ${(el.className.match?.(/mlpfs-[\\w-]+/) ?? [''])[0] || el.textContent.trim()}`
                + ` ${[...(el.closest('[class*=mlpfs-]')?.classList ?? [])].join('.')}`;
            if (r.left < 0 || r.top < 0 || r.right > vw + 0.5 || r.bottom > vh + 0.5)
                problems.push(`${name}: outside the ${vw}×${vh} window (${r.left}, ${r.top}, ${r.right}, ${r.bottom})`);
            if (r.left < o.left - 0.5 || r.right > o.right + 0.5)
                problems.push(`${name}: outside the output area (${r.left}-${r.right} in ${o.left}-${o.right})`);
            if (r.width < 12 || r.height < 12) problems.push(`${name}: ${r.width}×${r.height} px`);
            if (kind === 'slider') {
                const track = el.querySelector('.slider-container') || el.querySelector('.noUi-target');
                const width = track ? track.getBoundingClientRect().width : 0;
                if (width < %d) problems.push(`${name}: track ${width} px`);
            }
        }
    }
    for (const el of root.querySelectorAll('.widget-label, .widget-readout, button, .widget-checkbox label, .widget-checkbox span')) {
        if (visible(el) && el.scrollWidth > el.clientWidth + 1)
            problems.push(`label cut: "${el.textContent.trim()}" (${el.scrollWidth} px in ${el.clientWidth})`);
    }
    for (const el of root.querySelectorAll('.mlpfs-figure, .mlpfs-surface-figure')) {
        if (!visible(el)) continue;
        const r = el.getBoundingClientRect(), o = area.getBoundingClientRect();
        if (r.left < o.left - 0.5 || r.right > o.right + 0.5 || r.right > vw)
            problems.push(`figure outside the output area (${r.left}-${r.right} in ${o.left}-${o.right})`);
        if (r.width < 250) problems.push(`figure only ${r.width} px wide`);
    }
    return {controls, problems};
}""" % MIN_TRACK


def set_window(page, width: int, height: int, sidebar: bool, scale: int) -> None:
    """Resize the page's window, open or close the left sidebar, set the device scale."""
    page.set_viewport_size({"width": width, "height": height})
    if not hasattr(page, "_mlpfs_cdp"):     # kept open: closing it would undo the override
        page._mlpfs_cdp = page.context.new_cdp_session(page)
    page._mlpfs_cdp.send("Emulation.setDeviceMetricsOverride", {
        "width": width, "height": height, "deviceScaleFactor": scale, "mobile": False})
    page.evaluate("""open => {
        const app = window.jupyterapp;
        if (app.shell.leftCollapsed === open) app.commands.execute('application:toggle-left-area');
    }""", sidebar)
    page.wait_for_function("open => window.jupyterapp.shell.leftCollapsed !== open", arg=sidebar)
    page.wait_for_function("([w, h, s]) => window.innerWidth === w && window.innerHeight === h"
                           " && window.devicePixelRatio === s", arg=[width, height, scale])
    page.wait_for_timeout(400)                      # the notebook's relayout


def check_layout(page, playground, name: str) -> None:
    """At every window of ``WINDOWS``: every control of ``playground`` inside the window and
    the output area, usable (slider tracks ≥ 200 px), every label whole, the figure within
    the output area. Screenshots of the playground at each window go to build/browser/."""
    problems = []
    for width, height, sidebar, scale in WINDOWS:
        set_window(page, width, height, sidebar, scale)
        result = playground.evaluate(LAYOUT_JS)
        assert result["controls"] > 0
        window = f"{width}x{height}{'-sidebar' if sidebar else ''}-scale{scale}"
        problems += [f"{window}: {p}" for p in result["problems"]]
        if (width, sidebar, scale) in ((1280, True, 1), (1920, False, 1), (1280, True, 2)):
            save(playground, f"{name}-{window}")
        print(f"{name}: {window} checked at {time.monotonic() - T0:.1f} s")
    set_window(page, 1280, 720, True, 1)
    assert problems == [], "\n".join(problems)


# --- issue 24: one action, one new figure --------------------------------------------------

def count_frames(figure) -> None:
    """Count, from now on, every new picture the figure shows (``src`` changes)."""
    figure.evaluate("""img => {
        img.__frames = 0;
        img.__observer?.disconnect();
        img.__observer = new MutationObserver(ms => { img.__frames += ms.length; });
        img.__observer.observe(img, {attributes: true, attributeFilter: ['src']});
    }""")


def frames(figure) -> int:
    return figure.evaluate("img => img.__frames")


def settled_frames(figure, status=None, timeout: float = 30, quiet: float = 1.0) -> int:
    """Wait for the first new frame, then until the status line no longer says "working…"
    and no frame came for ``quiet`` seconds; return the number of frames."""
    deadline = time.monotonic() + timeout
    while frames(figure) == 0:
        if time.monotonic() > deadline:
            raise AssertionError("the figure did not change")
        time.sleep(0.05)
    last, since = frames(figure), time.monotonic()
    while time.monotonic() - since < quiet and time.monotonic() < deadline:
        time.sleep(0.1)
        now = frames(figure)
        if now != last or (status is not None and "working" in status.text_content()):
            last, since = now, time.monotonic()
    return last


def act(page, control, kind: str) -> None:
    """One user action on ``control``: a slider's right arrow key, a click, the next option."""
    control.scroll_into_view_if_needed()
    if kind == "slider":
        control.locator(".noUi-handle").first.focus()
        page.keyboard.press("ArrowRight")
    elif kind == "dropdown":
        select = control.locator("select")
        options = select.locator("option").all_text_contents()
        current = select.evaluate("s => s.value")
        select.select_option(options[(options.index(current) + 1) % len(options)])
    elif kind == "checkbox":
        control.locator("input").click()
    else:
        control.click()


def one_frame_per_action(page, playground, actions, figure_class=".mlpfs-figure") -> list[str]:
    """Do each ``(dom class, kind)`` action in turn; return those that did not give exactly
    one new picture of the figure (with how many they gave)."""
    figure = playground.locator(figure_class).first
    status = playground.locator(".mlpfs-status").first
    wrong = []
    for dom_class, kind in actions:
        count_frames(figure)
        act(page, playground.locator(f".{dom_class}").first, kind)
        try:
            n = settled_frames(figure, status)
        except AssertionError as error:
            n = str(error)
        if n != 1:
            wrong.append(f"{dom_class}: {n}")
    return wrong


def only_the_playground_is_printed(page, playground_class: str) -> None:
    """The playground's cell shows one output, the playground, and no text beside it."""
    cell = page.locator(".jp-CodeCell", has=page.locator(f".{playground_class}")).first
    outputs = cell.locator(".jp-OutputArea-child")
    assert outputs.count() == 1, cell.locator(".jp-OutputArea").text_content()


def test_01_perceptron_stepper_fits_acts_once_and_says_xor_never_converges(run_notebook):
    page = run_notebook("01_perceptron.ipynb")
    playground = page.locator(".mlpfs-perceptron-playground")
    only_the_playground_is_printed(page, "mlpfs-perceptron-playground")
    check_layout(page, playground, "01_perceptron_stepper")
    wrong = one_frame_per_action(page, playground, [
        ("mlpfs-next-button", "button"), ("mlpfs-lr-slider", "slider"),   # lr starts again
        ("mlpfs-next-button", "button"), ("mlpfs-reset-button", "button"),
        ("mlpfs-gate-dropdown", "dropdown")])
    assert wrong == []
    status = playground.locator(".mlpfs-status")
    playground.locator(".mlpfs-gate-dropdown select").select_option("xor")
    page.wait_for_function("el => el.textContent.includes('can never converge')",
                           arg=status.element_handle())
    for _ in range(5):
        playground.locator(".mlpfs-next-button").click()
    page.wait_for_function("el => el.textContent.includes('never converges: update')",
                           arg=status.element_handle(), timeout=20_000)
    save(playground, "01_perceptron_stepper_xor")


def test_01_neuron_playground_fits_and_acts_once(run_notebook):
    """Needs notebook 01's neuron cell to call ``neuron_playground`` (issue 24)."""
    page = run_notebook("01_perceptron.ipynb")
    playground = page.locator(".mlpfs-neuron-playground")
    assert playground.count() == 1, "notebook 01 does not show neuron_playground yet"
    only_the_playground_is_printed(page, "mlpfs-neuron-playground")
    assert "AND" in playground.locator(".mlpfs-status").text_content()
    check_layout(page, playground, "01_neuron_playground")
    figure = playground.locator(".mlpfs-figure")
    height = figure.bounding_box()["height"]
    wrong = one_frame_per_action(page, playground, [
        ("mlpfs-w1-slider", "slider"), ("mlpfs-w2-slider", "slider"), ("mlpfs-b-slider", "slider")])
    assert wrong == []
    assert figure.bounding_box()["height"] == height          # the page does not jump


def test_02_network_playground_fits_acts_once_trains_live_and_says_diverged(run_notebook):
    page = run_notebook("02_xor.ipynb")
    playground = page.locator(".mlpfs-network-playground")
    only_the_playground_is_printed(page, "mlpfs-network-playground")
    status = playground.locator(".mlpfs-status")
    wrong = one_frame_per_action(page, playground, [
        ("mlpfs-width-slider", "slider"), ("mlpfs-depth-slider", "slider"),
        ("mlpfs-seed-slider", "slider"), ("mlpfs-activation-dropdown", "dropdown"),
        ("mlpfs-dataset-dropdown", "dropdown")])
    wrong += one_frame_per_action(page, playground, [("mlpfs-surface-button", "button")],
                                  ".mlpfs-surface-figure")
    assert wrong == []
    check_layout(page, playground, "02_network_playground")   # the surface shown too
    # Train: the figure and the 3-D surface follow the run; "training…" at once
    figure, surface = playground.locator(".mlpfs-figure"), playground.locator(".mlpfs-surface-figure")
    count_frames(figure)
    count_frames(surface)
    playground.locator(".mlpfs-train-button").click()
    page.wait_for_function("el => el.textContent.startsWith('training')",
                           arg=status.element_handle(), timeout=2_000)
    page.wait_for_function("el => el.textContent === 'Train'",
                           arg=playground.locator(".mlpfs-train-button").element_handle(),
                           timeout=90_000)
    time.sleep(1)
    assert frames(figure) >= 3 and frames(surface) >= 2, (frames(figure), frames(surface))
    assert status.text_content().startswith("epoch ")
    save(playground, "02_network_playground_trained")
    assert one_frame_per_action(page, playground, [("mlpfs-reset-button", "button")]) == []
    # lr 10 on a 3×20 ReLU net: the status says it diverged
    slider = playground.locator(".mlpfs-lr-slider .noUi-handle").first
    slider.focus()
    page.keyboard.press("End")
    playground.locator(".mlpfs-dataset-dropdown select").select_option("xor")
    playground.locator(".mlpfs-activation-dropdown select").select_option("relu")
    for dom_class, key in (("width", "End"), ("depth", "ArrowRight"), ("depth", "ArrowRight")):
        playground.locator(f".mlpfs-{dom_class}-slider .noUi-handle").first.focus()
        page.keyboard.press(key)
    page.wait_for_timeout(500)
    playground.locator(".mlpfs-train-button").click()
    page.wait_for_function("el => el.textContent.startsWith('diverged')",
                           arg=status.element_handle(), timeout=60_000)
    save(playground, "02_network_playground_diverged")


@pytest.mark.parametrize("notebook", ["05_initialization", "08_batch_normalization"])
def test_deep_net_fits_and_acts_once(run_notebook, notebook):
    # 08 builds the same playground as 05, with batch norm switched on, after its own experiments
    page = run_notebook(f"{notebook}.ipynb", timeout=300)
    playground = page.locator(".mlpfs-deep-net-playground")
    only_the_playground_is_printed(page, "mlpfs-deep-net-playground")
    check_layout(page, playground, f"{notebook[:2]}_deep_net_playground")
    wrong = one_frame_per_action(page, playground, [
        ("mlpfs-he-button", "button"), ("mlpfs-xavier-button", "button"),
        ("mlpfs-depth-slider", "slider"), ("mlpfs-width-slider", "slider"),
        ("mlpfs-gain-slider", "slider"), ("mlpfs-activation-dropdown", "dropdown"),
        ("mlpfs-batchnorm-checkbox", "checkbox")])
    assert wrong == []


def test_06_optimizer_playground_fits_and_acts_once(run_notebook):
    page = run_notebook("06_optimizers.ipynb")
    playground = page.locator(".mlpfs-optimizer-playground")
    only_the_playground_is_printed(page, "mlpfs-optimizer-playground")
    check_layout(page, playground, "06_optimizer_playground")
    sliders = ["kappa", "angle", "steps", "sgd-lr", "momentum-lr", "momentum-momentum",
               "rmsprop-lr", "rmsprop-rho", "adam-lr", "adam-beta1", "adam-beta2"]
    wrong = one_frame_per_action(page, playground, [
        *((f"mlpfs-{name}-slider", "slider") for name in sliders), ("mlpfs-predict-button", "button"),
        *((f"mlpfs-show-{name}-checkbox", "checkbox") for name in ("sgd", "momentum", "rmsprop", "adam")),
        ("mlpfs-reset-button", "button")])
    assert wrong == []
    kappa = playground.locator(".mlpfs-kappa-slider .widget-readout").text_content()
    assert kappa == "50"                                       # after Reset, not 50.1


#: Mouse strokes for three digits, in fractions of the canvas: a list of strokes, each a
#: list of points.
DIGIT_STROKES = {
    7: [[(0.25, 0.2), (0.75, 0.2), (0.45, 0.85)]],
    0: [[(0.5 + 0.22 * math.sin(t / 24 * 2 * math.pi), 0.5 - 0.32 * math.cos(t / 24 * 2 * math.pi))
         for t in range(25)]],
    1: [[(0.5, 0.15), (0.5, 0.85)]],
}


def draw_strokes(page, canvas, strokes) -> None:
    """Draw ``strokes`` on the canvas with the mouse: press, move in small steps, release."""
    box = canvas.bounding_box()
    at = lambda fx, fy: (box["x"] + fx * box["width"], box["y"] + fy * box["height"])
    for stroke in strokes:
        page.mouse.move(*at(*stroke[0]))
        page.mouse.down()
        for (x0, y0), (x1, y1) in zip(stroke[:-1], stroke[1:]):
            for k in range(1, 6):
                page.mouse.move(*at(x0 + (x1 - x0) * k / 5, y0 + (y1 - y0) * k / 5))
        page.mouse.up()


def test_09_draws_a_7_a_0_and_a_1_with_the_mouse_and_reads_them(run_notebook):
    page = run_notebook("09_mnist.ipynb", timeout=600)
    playground = page.locator(".mlpfs-digits-playground")
    only_the_playground_is_printed(page, "mlpfs-digits-playground")
    check_layout(page, playground, "09_draw_a_digit")
    figure, status = playground.locator(".mlpfs-figure"), playground.locator(".mlpfs-status")
    canvas = playground.locator("canvas.mlpfs-digit-canvas, .mlpfs-digit-canvas canvas").last
    read = {}
    for digit, strokes in DIGIT_STROKES.items():
        canvas.scroll_into_view_if_needed()
        count_frames(figure)
        draw_strokes(page, canvas, strokes)
        assert settled_frames(figure, status) == 1, f"drawing {digit}"
        read[digit] = status.text_content()
        save(playground, f"09_draw_a_digit_{digit}")
        count_frames(figure)
        playground.locator(".mlpfs-clear-button").click()
        assert settled_frames(figure, status) == 1, "Clear"
    assert {d: text.split()[3] for d, text in read.items()} == {d: str(d) for d in read}, read


# The student release (issue 15): what `make assignments` hands out must work in JupyterLab.
RELEASED = ROOT / "notebooks" / "01_perceptron.ipynb"
#: Tasks issue 15 requires of notebook 01; the release must keep them as tasks.
REQUIRED_TASKS = {"nb01_perceptron_epoch", "nb01_neuron_gradient"}


def reference_solutions(notebook: Path) -> dict[str, list[str]]:
    """grade_id -> the code between ``### BEGIN SOLUTION`` and ``### END SOLUTION`` of each
    solution cell of the instructor's notebook, one string per region."""
    solutions = {}
    for cell in json.loads(notebook.read_text())["cells"]:
        meta = cell["metadata"].get("nbgrader", {})
        if not meta.get("solution") or cell["cell_type"] != "code":
            continue
        regions, region = [], None
        for line in "".join(cell["source"]).split("\n"):
            if line.strip() == "### BEGIN SOLUTION":
                region = []
            elif line.strip() == "### END SOLUTION":
                regions.append("\n".join(region))
                region = None
            elif region is not None:
                region.append(line)
        solutions[meta["grade_id"]] = regions
    return solutions


def code_lines(code: str) -> list[str]:
    return [line.strip() for line in code.split("\n") if line.strip()]


def error_outputs(nb: dict) -> list[tuple[int, str, str]]:
    return [(index, out["ename"], out["evalue"]) for index, cell in enumerate(nb["cells"])
            for out in cell.get("outputs", []) if out["output_type"] == "error"]


def test_release_01_a_student_works_through_it(lab, browser, tmp_path):
    """Generate notebook 01's student release with tools/course.py (nbgrader), open it in
    JupyterLab and work through it as a student: Run All stops at the first task with
    NotImplementedError; the cells after an unanswered task still run (what fails, fails with
    NotImplementedError or a check's own message, never a NameError); the reference answers,
    typed into the solution cells with the keyboard, make every cell run and every check pass
    in a fresh kernel."""
    course = tmp_path / "course"
    subprocess.run([sys.executable, str(ROOT / "tools" / "course.py"), "--root", str(course),
                    str(RELEASED)], check=True, capture_output=True, text=True)
    name = RELEASED.stem
    shutil.copytree(course / "release" / name, lab.home / "notebooks" / "release" / name)
    path = f"release/{name}/{name}.ipynb"

    release = json.loads((course / "release" / name / f"{name}.ipynb").read_text())
    kinds = []
    for cell in release["cells"]:
        meta = cell["metadata"].get("nbgrader", {})
        kinds.append("md" if cell["cell_type"] != "code" else "solution" if meta.get("solution")
                     else "check" if meta.get("grade") else "code")
    solution_cells = {release["cells"][i]["metadata"]["nbgrader"]["grade_id"]: i
                      for i, kind in enumerate(kinds) if kind == "solution"}
    solutions = reference_solutions(RELEASED)
    assert set(solution_cells) == set(solutions), "the release lost or gained solution cells"
    missing = REQUIRED_TASKS - set(solution_cells)
    assert not missing, f"tasks missing from the release: {missing}"
    checks = [i for i, kind in enumerate(kinds) if kind == "check"]
    assert checks and all(kinds[i - 1] in ("solution", "check") for i in checks)

    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    try:
        # 1. Run All on the untouched release: it stops at the first task's check.
        open_notebook(page, lab, path)
        run_all(page, 120)
        nb = notebook_json(page)
        failures = error_outputs(nb)
        assert [(i, ename) for i, ename, _ in failures] == [
            (checks[0], "NotImplementedError")], failures
        ran = [i for i, cell in enumerate(nb["cells"]) if cell.get("execution_count")]
        assert ran == [i for i in range(checks[0] + 1) if kinds[i] != "md"], "Run All skipped a cell"

        # 2. A student who skips that task runs on. What may fail: an unanswered stub
        # (NotImplementedError, also in a later cell that uses the student's function), a
        # check's own message, and an assertion on results that depend on the unfinished
        # task; never a NameError, a missing file or any other error.
        rest = [i for i in range(checks[0] + 1, len(kinds)) if kinds[i] != "md"]
        run_cells_one_by_one(page, rest, 120)
        for index, ename, evalue in error_outputs(notebook_json(page)):
            assert ename in ("NotImplementedError", "AssertionError") or (
                kinds[index] == "check" and ename == "CheckFailed"), (index, ename, evalue)

        # 3. Type the reference answers over the stubs, save, and run it all in a fresh kernel.
        for grade_id, index in solution_cells.items():
            for region in solutions[grade_id]:
                type_over_stub(page, index, region)
            # What the editor holds: the stub's other lines and the answer (indentation and
            # blank lines aside, which the editor's auto-indent may change).
            expected = "".join(release["cells"][index]["source"])
            for region in solutions[grade_id]:
                expected = expected.replace("# YOUR CODE HERE", "\x00", 1)
                head, tail = expected.split("\x00", 1)
                expected = head + region + tail.split("raise NotImplementedError()", 1)[1]
            assert code_lines(cell_source(page, index)) == code_lines(expected), grade_id
        page.evaluate("() => window.jupyterapp.commands.execute('docmanager:save')")
        page.close()
        shut_down_kernels(lab)
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        open_notebook(page, lab, path)
        run_all(page, 180)
        nb = notebook_json(page)
        assert error_outputs(nb) == [] and errors(page) == []
        unrun = [i for i, cell in enumerate(nb["cells"])
                 if cell["cell_type"] == "code" and not cell.get("execution_count")]
        assert unrun == [], f"cells not run: {unrun}"
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        cell = page.locator(".jp-Notebook .jp-Cell").nth(checks[-1])
        cell.scroll_into_view_if_needed()
        cell.locator(".jp-OutputArea").screenshot(path=str(SCREENSHOTS / "release_01_solved.png"))
    finally:
        page.close()
        shut_down_kernels(lab)
