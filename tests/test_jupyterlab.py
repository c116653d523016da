"""The widgets in a real JupyterLab, driven by headless Chromium.

A JupyterLab server is started on a free localhost port with a token and a temporary root
directory holding a small notebook; Chromium opens it, runs every cell, clicks the stepper
widget's Next and the training view's Play, and sees the words, the drawing and the loss change.

These tests need JupyterLab, Graphviz's ``dot``, ``chromium`` and ``chromedriver``.  Under CI (the CI
variable set) a missing one is a failure, so the test cannot silently stop running; elsewhere it
skips with the reason.  Set MICROGRAD_LIKE_SCREENSHOTS to a directory to keep screenshots at 1024x768.
"""

import importlib.util
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from helpers import chromium, need

STARTUP = 180  # seconds: a loaded two-core machine may take a minute to start JupyterLab
WAIT = 120  # seconds for the kernel and the widgets to answer in the page

NOTEBOOK_CELLS = [
    "from micrograd_like import Value, name_nodes\n"
    "a, b, c, f = Value(2.0), Value(-3.0), Value(10.0), Value(-2.0)\n"
    "e = a * b\n"
    "d = e + c\n"
    "L = d * f\n"
    "name_nodes(locals())\n"
    "steps = L.backward_steps()\n"
    "steps.widget()",
    "from micrograd_like.playground import Playground\n"
    "Playground(dataset='xor', hidden=(4,), learning_rate=0.3, n_samples=40, seed=0)",
]


def require_jupyterlab() -> None:
    if importlib.util.find_spec("jupyterlab") is None or importlib.util.find_spec("ipywidgets") is None:
        message = "JupyterLab and ipywidgets are not installed (pip install -e '.[test]')"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def write_notebook(path: Path) -> None:
    cells = [{"cell_type": "code", "execution_count": None, "id": f"cell{i}", "metadata": {}, "outputs": [],
              "source": source} for i, source in enumerate(NOTEBOOK_CELLS)]
    notebook = {"cells": cells, "nbformat": 4, "nbformat_minor": 5,
                "metadata": {"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}}}
    path.write_text(json.dumps(notebook), encoding="utf-8")


@pytest.fixture
def browser():
    yield from chromium()


@pytest.fixture(scope="module")
def lab():
    """A JupyterLab server on localhost serving a temporary directory; yields (url, token)."""
    require_jupyterlab()
    need("dot")
    root = Path(tempfile.mkdtemp(prefix="micrograd-lab-"))
    write_notebook(root / "widgets.ipynb")
    settings = root / ".settings" / "@jupyterlab" / "apputils-extension"
    settings.mkdir(parents=True)  # no "would you like news?" toast over the widgets
    (settings / "notification.jupyterlab-settings").write_text('{"fetchNews": "false"}', encoding="utf-8")
    port, token = free_port(), secrets.token_hex(16)
    env = dict(os.environ, JUPYTER_CONFIG_DIR=str(root / ".config"), JUPYTER_RUNTIME_DIR=str(root / ".runtime"),
               PYTHONPATH=os.pathsep.join([str(Path(__file__).resolve().parents[1]), os.environ.get("PYTHONPATH", "")]))
    try:
        with open(root / ".server.log", "wb") as log:
            yield from serve(root, port, token, env, log)
    finally:
        shutil.rmtree(root, ignore_errors=True)


def serve(root: Path, port: int, token: str, env: dict, log):
    """Run the server until the tests are done, then stop it."""
    server = subprocess.Popen(
        [sys.executable, "-m", "jupyterlab", "--no-browser", "--ip=127.0.0.1", f"--port={port}",
         "--ServerApp.port_retries=0", f"--IdentityProvider.token={token}", f"--ServerApp.root_dir={root}",
         f"--LabApp.workspaces_dir={root / '.workspaces'}", f"--LabApp.user_settings_dir={root / '.settings'}",
         "--LabApp.news_url=",
         "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate", "--LabApp.extension_manager=readonly",
         *(["--allow-root"] if os.geteuid() == 0 else [])],  # CI containers run as root
        cwd=root, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + STARTUP
        while True:
            try:
                urllib.request.urlopen(f"{url}/api/status?token={token}", timeout=5).read()
                break
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                if server.poll() is not None or time.monotonic() > deadline:
                    log.flush()
                    started = (root / ".server.log").read_text(errors="replace")[-3000:]
                    pytest.fail(f"JupyterLab did not start:\n{started}")
                time.sleep(0.5)
        yield url, token
    finally:
        stop(server, url, token)


def stop(server: subprocess.Popen, url: str, token: str) -> None:
    """Shut the server down (it stops its kernels), then make sure it is gone."""
    try:
        request = urllib.request.Request(f"{url}/api/shutdown?token={token}", method="POST")
        urllib.request.urlopen(request, timeout=10).read()
        server.wait(timeout=30)
    except (urllib.error.URLError, ConnectionError, TimeoutError, subprocess.TimeoutExpired):
        pass
    if server.poll() is None:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait(timeout=15)


def run_notebook(driver, url: str, token: str) -> None:
    """Open the notebook in a 1024x768 page, the file browser folded away as a teacher projecting
    it would, and run all its cells from the Run menu."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as seen
    from selenium.webdriver.support.ui import WebDriverWait

    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                            {"width": 1024, "height": 768, "deviceScaleFactor": 1, "mobile": False})
    driver.get(f"{url}/lab/tree/widgets.ipynb?token={token}&reset")
    wait = WebDriverWait(driver, WAIT)
    wait.until(seen.presence_of_element_located((By.CSS_SELECTOR, ".jp-Notebook .jp-Cell")))
    folder = (By.CSS_SELECTOR, ".jp-SideBar.jp-mod-left .lm-TabBar-tab.lm-mod-current")
    wait.until(seen.element_to_be_clickable(folder)).click()
    wait.until(lambda b: not b.find_elements(*folder))
    wait.until(lambda b: b.execute_script(  # the kernel is up: the status says Idle
        "return document.body.innerText.indexOf('Idle') >= 0"))
    run_menu = (By.XPATH, "//li[contains(@class,'lm-MenuBar-item')][normalize-space()='Run']")
    wait.until(seen.element_to_be_clickable(run_menu)).click()
    item = (By.XPATH, "//li[contains(@class,'lm-Menu-item')][.//div[normalize-space()='Run All Cells']]")
    wait.until(seen.element_to_be_clickable(item)).click()


def text_of(driver, selector: str) -> str:
    return driver.execute_script(
        "var el = document.querySelector(arguments[0]); return el ? el.textContent : '';", selector)


def screenshot(driver, name: str) -> None:
    directory = os.environ.get("MICROGRAD_LIKE_SCREENSHOTS")
    if directory:
        Path(directory).mkdir(parents=True, exist_ok=True)
        driver.save_screenshot(str(Path(directory) / name))


def button(driver, words: str, scope: str = ""):
    from selenium.webdriver.common.by import By

    path = f"{scope}//button[contains(@class,'widget-button')][normalize-space()='{words}']"
    return driver.find_element(By.XPATH, path)


FONT_SIZES = """
var svg = document.querySelector('.mgl-drawing svg');
var scale = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;  // CSS pixels per SVG unit
var sizes = Array.prototype.map.call(svg.querySelectorAll('g.node polygon ~ text'),
    function (t) { return parseFloat(t.getAttribute('font-size')) * scale; });
return [Math.min.apply(null, sizes), svg.getBoundingClientRect().right,
        document.querySelector('.jp-Notebook').getBoundingClientRect().right];
"""


NO_SIDEWAYS_SCROLLING = """
return Array.prototype.filter.call(document.querySelectorAll('.jp-OutputArea *'), function (el) {
    var style = getComputedStyle(el).overflowX;
    return (style === 'auto' || style === 'scroll') && el.scrollWidth > el.clientWidth + 1;
}).map(function (el) { return el.className + ' ' + el.scrollWidth + '>' + el.clientWidth; });
"""


def test_the_stepper_widget_steps_in_jupyterlab(lab, browser):  # noqa: F811
    from selenium.webdriver.support.ui import WebDriverWait

    url, token = lab
    run_notebook(browser, url, token)
    wait = WebDriverWait(browser, WAIT)
    wait.until(lambda b: "at the start" in text_of(b, ".mgl-words") and "<svg" in b.execute_script(
        "var d = document.querySelector('.mgl-drawing'); return d ? d.innerHTML : '';"))
    before = browser.execute_script("return document.querySelector('.mgl-drawing').innerHTML")
    legible = browser.execute_script(FONT_SIZES)
    screenshot(browser, "stepper-start.png")

    button(browser, "Next").click()
    wait.until(lambda b: "step 1/6: L = d*f sends dL/dL = 1.0 back to d" in text_of(b, ".mgl-words"))
    wait.until(lambda b: b.execute_script("return document.querySelector('.mgl-drawing').innerHTML") != before)
    assert "grad -2.0000" in browser.execute_script("return document.querySelector('.mgl-drawing').textContent")
    button(browser, "Next").click()
    wait.until(lambda b: "step 2/6" in text_of(b, ".mgl-words"))
    browser.execute_script("document.querySelector('.mgl-words').scrollIntoView({block: 'start'})")
    screenshot(browser, "stepper-step-2.png")
    assert browser.execute_script(NO_SIDEWAYS_SCROLLING) == []
    smallest, drawing_right, notebook_right = legible
    assert smallest >= 14  # the Values' text (label, data, grad) at 14 px or more
    assert drawing_right <= notebook_right + 1  # the drawing fits: no sideways scrolling


def test_the_training_view_plays_in_jupyterlab(lab, browser):  # noqa: F811
    from selenium.webdriver.support.ui import WebDriverWait

    url, token = lab
    run_notebook(browser, url, token)
    wait = WebDriverWait(browser, WAIT)
    wait.until(lambda b: text_of(b, ".mgl-loss") != "")
    start = text_of(browser, ".mgl-loss")
    browser.execute_script("document.querySelector('.mgl-loss').scrollIntoView({block: 'start'})")
    button(browser, "Play").click()
    wait.until(lambda b: text_of(b, ".mgl-loss") not in ("", start))
    wait.until(lambda b: float(text_of(b, ".mgl-loss")) < float(start))
    button(browser, "Pause").click()
    wait.until(lambda b: b.execute_script(
        "return Array.prototype.some.call(document.querySelectorAll('button.widget-button'),"
        " function (x) { return x.textContent.trim() === 'Play'; })"))
    screenshot(browser, "playground.png")
    assert browser.execute_script(NO_SIDEWAYS_SCROLLING) == []
