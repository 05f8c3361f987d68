"""The student edition in the real JupyterLab a learner uses: every notebook, Run All through the UI in Chromium.

For each notebook of the student edition (solutions removed, as a class gets it): open it in JupyterLab (token,
localhost, a free port, serving a temporary folder, so that autosave never touches the committed files), click
Run > Run All Cells, wait until every code cell has run, then assert that no cell raised, that every check says
"not solved yet" (and nothing more), that every figure of the lesson was rendered as an image in the page and the
explorers are live widgets; save a screenshot to build/screenshots/. `make test-browser` runs only this test.

It needs Debian's Chromium (/usr/bin/chromium) and the `playwright` package driving it; no browser is ever
downloaded. Without Chromium the test is skipped with a message, unless COURSE_REQUIRE_BROWSER=1 (set by
`make test-browser` and `.ci/run`), which turns the skip into a failure; tests/test_notebooks.py then runs the
student edition with nbclient instead.
"""

import json
import os
import re
import secrets
import subprocess
import sys
import time
import urllib.request

import nbformat
import pytest

from conftest import CHROMIUM, NOT_SOLVED, NOTEBOOKS, ROOT, check_cells, free_port, running, skip_without_browser
from tools.execute import KERNEL_ENVIRONMENT
from tools.solutions import BEGIN_SOLUTION
from tools.student import write_student_edition

CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync"]
SCREENSHOTS = ROOT / "build" / "screenshots"
RUN_ALL_TIMEOUT = 180  # seconds for one notebook, kernel start included


skip_without_browser(module=True)

from playwright.sync_api import TimeoutError as PlaywrightTimeout
from playwright.sync_api import sync_playwright


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    """JupyterLab serving the student edition: (base URL, token, served folder)."""
    served = tmp_path_factory.mktemp("workbook")
    write_student_edition(NOTEBOOKS, served)
    settings = tmp_path_factory.mktemp("lab-settings")
    # Render every cell (no virtual scrolling), so that all outputs are in the page to be checked.
    tracker = settings / "@jupyterlab" / "notebook-extension" / "tracker.jupyterlab-settings"
    tracker.parent.mkdir(parents=True)
    tracker.write_text(json.dumps({"windowingMode": "none"}))
    notification = settings / "@jupyterlab" / "apputils-extension" / "notification.jupyterlab-settings"
    notification.parent.mkdir(parents=True)
    notification.write_text(json.dumps({"fetchNews": "false"}))  # no "Jupyter news?" pop-up over the screenshots
    port, token = free_port(), secrets.token_hex(16)
    env = {**os.environ, **KERNEL_ENVIRONMENT, "JUPYTER_TOKEN": token,
           "JUPYTER_RUNTIME_DIR": str(tmp_path_factory.mktemp("runtime")),
           "JUPYTERLAB_SETTINGS_DIR": str(settings),
           "JUPYTERLAB_WORKSPACES_DIR": str(tmp_path_factory.mktemp("workspaces")),
           "JUPYTER_CONFIG_PATH": str(ROOT / ".jupyter-config")}  # as make lab: without nbgrader's instructor tools
    command = [sys.executable, "-m", "jupyter", "lab", "--no-browser", "--ServerApp.ip=127.0.0.1",
               f"--ServerApp.port={port}", "--ServerApp.port_retries=0", f"--ServerApp.root_dir={served}",
               "--LabApp.news_url=None", "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate"]
    if os.geteuid() == 0:
        command.append("--allow-root")
    process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                               start_new_session=True)
    with running(process, port, token) as base:
        yield base, token, served


@pytest.fixture(scope="module")
def browser():
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS, headless=True)
        yield chromium
        chromium.close()


def sessions(base, token, method="GET", session_id=""):
    request = urllib.request.Request(f"{base}/api/sessions/{session_id}".rstrip("/"), method=method,
                                     headers={"Authorization": f"token {token}"})
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.loads(response.read() or "null")


def kernel_idle(base, token, name):
    """True once the server's session for notebook `name` has a connected, idle kernel."""
    return any(s["path"].endswith(name) and s["kernel"]["execution_state"] == "idle" for s in sessions(base, token))


def shut_down_kernels(base, token):
    for session in sessions(base, token):
        sessions(base, token, "DELETE", session["id"])


PROMPTS = """() => Array.from(document.querySelectorAll(
    '.jp-NotebookPanel:not(.lm-mod-hidden) .jp-CodeCell .jp-InputArea-prompt')).map(e => e.textContent.trim())"""

IMAGES = """() => Array.from(document.querySelectorAll(
    '.jp-NotebookPanel:not(.lm-mod-hidden) .jp-OutputArea-output img')).map(
    img => [img.complete, img.naturalWidth, img.naturalHeight])"""

OUTPUT_TEXTS = """() => Array.from(document.querySelectorAll('.jp-NotebookPanel:not(.lm-mod-hidden) .jp-CodeCell')).map(
    cell => Array.from(cell.querySelectorAll('.jp-OutputArea-output')).map(o => o.innerText).join(''))"""

ERRORS = """() => Array.from(document.querySelectorAll(
    '.jp-NotebookPanel:not(.lm-mod-hidden) .jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"]'
    )).map(e => e.textContent).filter(t => /Traceback|Error:/.test(t))"""


def run_all(page):
    page.locator(".lm-MenuBar-item", has_text=re.compile(r"^Run$")).click()
    page.locator('.lm-Menu-item[data-command="runmenu:run-all"]').click()


@pytest.mark.slow
@pytest.mark.browser
@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_student_edition_runs_all_in_jupyterlab_with_every_figure_and_not_solved_checks(lab, browser, path):
    base, token, served = lab
    student = nbformat.read(served / path.name, as_version=4)  # before the page opens (autosave)
    student_code = [cell for cell in student.cells if cell.cell_type == "code"]
    checks = [student_code.index(cell) for cell in check_cells(student)]
    code_cells = len(student_code)
    # The lesson's figures and widgets: those of the stored instructor edition before its first solution.
    stored = [cell for cell in nbformat.read(path, as_version=4).cells if cell.cell_type == "code"]
    lesson = stored[:next(i for i, cell in enumerate(stored) if BEGIN_SOLUTION in cell.source)]
    widgets = any("application/vnd.jupyter.widget-view+json" in output.get("data", {})
                  for cell in lesson for output in cell.outputs)
    stored_images = sum("image/png" in output.get("data", {}) for cell in lesson for output in cell.outputs)

    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    try:
        page.goto(f"{base}/lab/tree/{path.name}?reset&token={token}")  # reset: only this notebook open
        page.wait_for_selector(".jp-NotebookPanel:not(.lm-mod-hidden) .jp-CodeCell", timeout=60_000)
        deadline = time.monotonic() + RUN_ALL_TIMEOUT
        while not kernel_idle(base, token, path.name):
            assert time.monotonic() < deadline, "the notebook's kernel never became idle"
            if page.locator(".jp-Dialog", has_text="Select Kernel").count():
                page.locator(".jp-Dialog .jp-mod-accept").click()
            time.sleep(0.5)
        page.wait_for_function("() => document.querySelectorAll('.jp-NotebookPanel:not(.lm-mod-hidden) "
                               f".jp-CodeCell').length === {code_cells}", timeout=30_000)

        started = False
        for _attempt in range(3):  # on a cold start the first click can do nothing: retry
            run_all(page)
            try:
                page.wait_for_function(f"() => ({PROMPTS})().some(p => p !== '[ ]:')", timeout=15_000)
                started = True
                break
            except PlaywrightTimeout:  # on a cold start the click can do nothing: click again
                continue
        assert started, "Run All Cells did not start the notebook"

        finished = re.compile(r"^\[\d+\]:$")
        while True:
            prompts = page.evaluate(PROMPTS)
            if len(prompts) == code_cells and all(finished.match(p) for p in prompts):
                break
            assert time.monotonic() < deadline, f"not finished after {RUN_ALL_TIMEOUT} s: prompts {prompts}"
            time.sleep(0.5)
        page.wait_for_function(f"() => ({IMAGES})().filter(i => i[0] && i[1] > 0).length >= {stored_images}",
                               timeout=30_000)

        assert page.evaluate(ERRORS) == [], "a cell raised an error"
        assert page.locator(".jp-Dialog").count() == 0, page.locator(".jp-Dialog").all_inner_texts()
        texts = page.evaluate(OUTPUT_TEXTS)
        for index in checks:
            assert NOT_SOLVED.fullmatch(texts[index]), f"check cell {index} says {texts[index]!r}"
        images = page.evaluate(IMAGES)
        assert all(complete and width > 100 and height > 100 for complete, width, height in images), images
        if widgets:  # the interactive explorers are live widgets in the page, not "Loading widget..."
            page.wait_for_selector(".jp-NotebookPanel:not(.lm-mod-hidden) .jp-OutputArea-output .widget-slider",
                                   timeout=30_000)
        numbers = [int(p[1:-2]) for p in page.evaluate(PROMPTS)]
        assert numbers == list(range(1, code_cells + 1)), f"cells ran out of order: {numbers}"

        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        first_figure = page.locator(".jp-NotebookPanel:not(.lm-mod-hidden) .jp-OutputArea-output img").first
        if stored_images:
            first_figure.scroll_into_view_if_needed()
        page.screenshot(path=str(SCREENSHOTS / f"{path.stem}.png"))
    finally:
        page.close()
        shut_down_kernels(base, token)
