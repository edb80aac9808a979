"""JupyterLab driven by a real browser (Playwright + the system's Chromium), for the tests
of ``test_browser.py``: a server on a free local port, a page per notebook, Run All, and
helpers to act as a student would.

See /work/shared/NOTEBOOK_CI.md's notes on JupyterLab 4.6: the flags Chromium needs here,
the news pop-up, virtualised cells (switched off below), ``textContent`` for prompts.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = os.environ.get("MLPFS_CHROMIUM") or shutil.which("chromium") or shutil.which(
    "chromium-browser")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]
#: User settings for the test server: no news pop-up, and every cell kept rendered
#: (JupyterLab otherwise skips rendering cells that are off screen).
SETTINGS = {
    "@jupyterlab/apputils-extension/notification.jupyterlab-settings":
        {"fetchNews": "false", "checkForUpdates": False},
    "@jupyterlab/notebook-extension/tracker.jupyterlab-settings": {"windowingMode": "none"},
}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class JupyterLab:
    """A JupyterLab server on a copy of ``notebooks/`` (or of the folder ``notebooks``, e.g.
    a student release) in ``home/notebooks`` (so autosave never touches the originals),
    stopped by its own process id."""

    def __init__(self, home: Path, notebooks: Path = ROOT / "notebooks") -> None:
        self.home = home
        shutil.copytree(notebooks, home / "notebooks")
        for name, value in SETTINGS.items():
            path = home / "settings" / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(json.dumps(value))
        self.port, self.token = free_port(), secrets.token_hex(16)
        env = os.environ | {"JUPYTERLAB_SETTINGS_DIR": str(home / "settings"),
                            "JUPYTERLAB_WORKSPACES_DIR": str(home / "workspaces"),
                            "JUPYTER_RUNTIME_DIR": str(home / "runtime")}
        command = [sys.executable, "-m", "jupyterlab", "--no-browser", "--ip=127.0.0.1",
                   f"--port={self.port}", f"--IdentityProvider.token={self.token}",
                   f"--ServerApp.root_dir={home}", "--LabApp.expose_app_in_browser=True"]
        if os.geteuid() == 0:  # Jupyter refuses to run as root (CI, containers) unless told
            command.append("--allow-root")
        self.log = open(home / "jupyterlab.log", "w")
        # Started directly (no shell), so self.process.pid is the server itself.
        self.process = subprocess.Popen(command, env=env, stdout=self.log,
                                        stderr=subprocess.STDOUT, cwd=home)
        self._wait_until_up()

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}/{path.lstrip('/')}"

    def _wait_until_up(self, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"JupyterLab exited; see {self.log.name}")
            try:
                with urllib.request.urlopen(self.url(f"api/status?token={self.token}"), timeout=2):
                    return
            except OSError:
                time.sleep(0.5)
        self.stop()
        raise RuntimeError(f"JupyterLab did not answer within {timeout} s; see {self.log.name}")

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(5)
        self.log.close()


def open_notebook(page, lab: JupyterLab, notebook: str) -> None:
    """Open ``notebooks/<notebook>`` in a clean workspace and wait for an idle kernel."""
    page.goto(lab.url(f"lab/tree/notebooks/{notebook}?token={lab.token}&reset"))
    page.wait_for_function("() => window.jupyterapp !== undefined", timeout=60_000)
    page.wait_for_selector(".jp-Notebook .jp-Cell", timeout=60_000)
    wait_idle(page, timeout=60)


def wait_idle(page, timeout: float) -> None:
    """Wait until the kernel status shows Idle on three polls in a row, with no cell queued
    or running."""
    deadline, calm = time.monotonic() + timeout, 0
    while time.monotonic() < deadline:
        busy = page.evaluate("""() => {
            const status = document.querySelector('.jp-StatusBar-Widget')?.parentElement?.textContent ?? '';
            const prompts = [...document.querySelectorAll('.jp-InputPrompt')].map(p => p.textContent);
            return !status.includes('Idle') || prompts.some(p => p.includes('*'));
        }""")
        calm = 0 if busy else calm + 1
        if calm == 3:
            return
        time.sleep(0.5)
    raise TimeoutError(f"the kernel was still busy after {timeout} s")


def run_all(page, timeout: float) -> None:
    """Run → Run All Cells; the command's promise settles when every cell has run."""
    page.set_default_timeout(timeout * 1000)
    page.evaluate("() => window.jupyterapp.commands.execute('notebook:run-all-cells')")
    wait_idle(page, timeout)


def errors(page) -> list[str]:
    """The text of every error (traceback) shown in the open notebook."""
    return page.eval_on_selector_all(
        ".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr']",
        "nodes => nodes.map(n => n.textContent).filter(t => t.includes('Traceback') || t.includes('Error'))")


def notebook_json(page) -> dict:
    """The open notebook as nbformat JSON, outputs and execution counts included, as the
    browser holds it now (saved or not)."""
    return page.evaluate("() => window.jupyterapp.shell.currentWidget.context.model.toJSON()")


def cell_source(page, index: int) -> str:
    """The text in the editor of the open notebook's cell ``index``."""
    return page.evaluate("""i => window.jupyterapp.shell.currentWidget.content.widgets[i]
                                 .model.sharedModel.getSource()""", index)


def run_cells_one_by_one(page, indices, timeout: float) -> None:
    """Run the cells ``indices`` one at a time, each after the one before has finished,
    and carry on after a cell that fails (Run All stops at the first error)."""
    for index in indices:
        page.evaluate("""async i => {
            const notebook = window.jupyterapp.shell.currentWidget.content;
            notebook.activeCellIndex = i;
            await window.jupyterapp.commands.execute('notebook:run-cell');
        }""", index)
    wait_idle(page, timeout)


STUB = ("# YOUR CODE HERE", "raise NotImplementedError()")


def type_over_stub(page, index: int, code: str) -> None:
    """Replace the first nbgrader stub (``# YOUR CODE HERE`` + ``raise NotImplementedError()``)
    in cell ``index`` by ``code``, with the keyboard as a student would: click into the
    editor, go down to the stub, select its two lines, type ``code`` line by line.

    ``code`` carries its own indentation: after each Enter the editor's automatic indent is
    selected (Shift+Home) and typed over. Blank lines may keep the automatic indent.
    """
    lines = cell_source(page, index).split("\n")
    first = next((n for n, line in enumerate(lines[:-1])
                  if (line.strip(), lines[n + 1].strip()) == STUB), None)
    if first is None:
        raise AssertionError(f"cell {index} has no stub {STUB} to replace:\n" + "\n".join(lines))
    cell = page.locator(".jp-Notebook .jp-Cell").nth(index)
    cell.scroll_into_view_if_needed()
    cell.locator(".cm-content").click()
    keyboard = page.keyboard
    keyboard.press("Control+Home")
    for _ in range(first):
        keyboard.press("ArrowDown")
    keyboard.press("Shift+ArrowDown")
    keyboard.press("Shift+End")
    for n, line in enumerate(code.split("\n")):
        if n:
            keyboard.press("Enter")
            keyboard.press("Shift+Home")
        if line:
            keyboard.type(line)
    keyboard.press("Escape")
