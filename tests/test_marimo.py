"""The stepper widget in a real marimo app, driven by headless Chromium.

marimo runs no ipywidgets, but it runs anywidget widgets: ``mo.ui.anywidget(steps.widget())``.
A marimo server (``marimo run``, on a free localhost port) serves a small app written here: the
lecture's example, the stepper over its backward pass, and a cell that reads the widget and
shows ``a.grad`` from Python.  Chromium clicks Next five times; marimo runs the reading cell again
after each click, and it says step 5 and ``a.grad = 6.0``: the Values in Python followed the page.
The app also shows a quiz, answered by typing, and the training view, stepped and played.

These tests need marimo, anywidget, ``chromium`` and ``chromedriver`` (a failure under CI when one
is missing, else a skip).  The server runs without Graphviz (no ``dot`` on its PATH, and the
package told there is no layout program), so every drawing is made in the page, by viz.js.
Set MICROGRAD_LIKE_SCREENSHOTS to a directory to keep a screenshot at 1024x768.
"""

import importlib.util
import os
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
from helpers import ROOT, chromium

STARTUP = 180  # seconds: a loaded two-core machine is slow to start a server
WAIT = 120  # seconds for the page and Python to answer

APP = '''\
import marimo

app = marimo.App()


@app.cell
def _():
    import marimo as mo

    from micrograd_like import Value
    from micrograd_like.drawing import in_browser, render

    def no_layout_program():  # nor graphviz-pure: the server's PATH has no dot either
        raise render.GraphvizNotFoundError()

    render.layout_program = no_layout_program
    assert not in_browser.dot_available()

    a, b = Value(2.0, label="a"), Value(-3.0, label="b")
    c, f = Value(10.0, label="c"), Value(-2.0, label="f")
    e = a * b
    e.label = "e"
    d = e + c
    d.label = "d"
    L = d * f
    L.label = "L"
    steps = L.backward_steps()
    return Value, a, mo, steps


@app.cell
def _(mo, steps):
    stepper = mo.ui.anywidget(steps.widget())
    stepper
    return (stepper,)


@app.cell
def _(Value, mo):
    from micrograd_like.notebook.playground import Playground
    from micrograd_like.teach.quiz import Quiz

    x = Value(3.0, label="x")
    y = x * x
    y.label = "y"
    asking = mo.ui.anywidget(Quiz(y.backward_steps(), ask=("local",)).widget())
    training = mo.ui.anywidget(Playground(dataset="xor", hidden=(3,), n_samples=30, seed=0).widget())
    mo.vstack([asking, training])
    return


@app.cell
def _(a, mo, steps, stepper):
    stepper.value  # read: marimo runs this cell again whenever the widget changes
    mo.Html(f'<p class="kernel-side">Python: {steps.position} of {len(steps)} steps, a.grad = {a.grad}</p>')
    return


if __name__ == "__main__":
    app.run()
'''

DEEP = """
function deep(root, selector, found) {  // marimo draws its outputs inside shadow roots
    root.querySelectorAll(selector).forEach(function (el) { found.push(el); });
    root.querySelectorAll('*').forEach(function (el) { if (el.shadowRoot) deep(el.shadowRoot, selector, found); });
    return found;
}
return deep(document, arguments[0], []);
"""


def require_marimo() -> None:
    if importlib.util.find_spec("marimo") is None or importlib.util.find_spec("anywidget") is None:
        message = "marimo and anywidget are not installed (pip install -e '.[test]')"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def browser():
    yield from chromium("1024,768")


@pytest.fixture(scope="module")
def app():
    """A marimo server running the app on localhost; yields its address."""
    require_marimo()
    folder = Path(tempfile.mkdtemp(prefix="micrograd-marimo-"))
    (folder / "app.py").write_text(APP, encoding="utf-8")
    home = {name: str(folder / name.lower()) for name in ("XDG_CONFIG_HOME", "XDG_STATE_HOME", "XDG_CACHE_HOME")}
    env = dict(os.environ, **home, PYTHONPATH=os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
               PATH=str(Path(sys.executable).parent))  # no Graphviz: the page draws with viz.js
    assert not (Path(sys.executable).parent / "dot").exists()
    try:
        with open(folder / "server.log", "wb") as log:
            yield from serve(folder, env, log)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def serve(folder: Path, env: dict, log):
    """Run ``marimo run app.py`` until the tests are done, then stop it."""
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "marimo", "run", "app.py", "--headless", "--host", "127.0.0.1", "--port", str(port),
         "--no-token", "--no-check", "--no-skew-protection"],
        cwd=folder, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    url = f"http://127.0.0.1:{port}/"
    try:
        deadline = time.monotonic() + STARTUP
        while True:
            try:
                urllib.request.urlopen(url, timeout=5).read()
                break
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                if server.poll() is not None or time.monotonic() > deadline:
                    log.flush()
                    pytest.fail(f"marimo did not start:\n{(folder / 'server.log').read_text(errors='replace')[-3000:]}")
                time.sleep(0.5)
        yield url
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait(timeout=20)


def found(driver, selector: str) -> list:
    return driver.execute_script(DEEP, selector)


def text_of(driver, selector: str) -> str:
    """The words of every element ``selector`` finds, read in the page at once (it redraws them)."""
    return driver.execute_script(DEEP.replace("return deep(document, arguments[0], []);", (
        "return deep(document, arguments[0], []).map(function (el) { return el.textContent; }).join(' ');")), selector)


def test_clicking_next_in_marimo_moves_the_values_in_python(app, browser):
    from selenium.common.exceptions import TimeoutException
    from selenium.webdriver.support.ui import WebDriverWait

    browser.get(app)
    wait = WebDriverWait(browser, WAIT)

    def shows(selector: str, words: str) -> None:
        try:
            wait.until(lambda b: words in text_of(b, selector))
        except TimeoutException:
            pytest.fail(f"no {words!r} in {selector} after {WAIT} s: it says {text_of(browser, selector)!r}")

    shows(".mgl-stepper .mgl-words", "backward pass of L: at the start")
    shows(".kernel-side", "Python: 0 of 6 steps, a.grad = 0.0")
    wait.until(lambda b: found(b, ".mgl-stepper .mgl-drawing svg"))  # the graph, drawn
    (stepper,) = found(browser, ".mgl-stepper")
    (next_button,) = [b for b in found(browser, ".mgl-stepper button") if b.text == "Next"]
    for step in range(1, 6):
        next_button.click()
        shows(".mgl-stepper .mgl-words", f"step {step}/6")
        shows(".kernel-side", f"Python: {step} of 6 steps")
    shows(".mgl-stepper .mgl-words", "step 5/6: e = a*b sends dL/de = -2.0 back to a")
    shows(".kernel-side", "Python: 5 of 6 steps, a.grad = 6.0")  # what step 5 left, read in Python
    assert "grad 6.0000" in text_of(browser, ".mgl-stepper .mgl-drawing")
    directory = os.environ.get("MICROGRAD_LIKE_SCREENSHOTS")
    if directory:
        Path(directory).mkdir(parents=True, exist_ok=True)
        browser.execute_script("arguments[0].scrollIntoView({block: 'start'})", stepper)
        browser.save_screenshot(str(Path(directory) / "marimo-stepper.png"))
    (reset,) = [b for b in found(browser, ".mgl-stepper button") if b.text == "Reset"]
    reset.click()
    shows(".kernel-side", "Python: 0 of 6 steps, a.grad = 0.0")


def test_the_quiz_and_the_training_view_work_in_marimo(app, browser):
    from selenium.webdriver.common.keys import Keys
    from selenium.webdriver.support.ui import WebDriverWait

    browser.get(app)
    wait = WebDriverWait(browser, WAIT)
    (box,) = wait.until(lambda b: found(b, ".mgl-quiz input"))
    wait.until(lambda b: "local derivative d(x*x)/dx = ?" in text_of(b, ".mgl-quiz .mgl-question"))
    box.send_keys("5", Keys.ENTER)  # d(x*x)/dx is x, 3
    wait.until(lambda b: "not quite. Hint: the rule is d(x*x)/dx = x" in text_of(b, ".mgl-quiz .mgl-feedback"))
    box.send_keys("3", Keys.ENTER)
    wait.until(lambda b: "right: d(x*x)/dx = x = 3.0" in text_of(b, ".mgl-quiz .mgl-feedback"))
    assert "score: 1/1" in text_of(browser, ".mgl-quiz .mgl-score")

    wait.until(lambda b: "step 0 ·" in text_of(b, ".mgl-playground .mgl-status"))
    (step,) = [b for b in found(browser, ".mgl-playground button") if b.text == "Step"]
    browser.execute_script("arguments[0].scrollIntoView({block: 'center'})", step)
    step.click()
    wait.until(lambda b: "step 1 ·" in text_of(b, ".mgl-playground .mgl-status"))
    (play,) = [b for b in found(browser, ".mgl-playground button") if b.text == "Play"]
    play.click()  # trains in the kernel's event loop, one step per frame
    wait.until(lambda b: play.text == "Pause")
    wait.until(lambda b: int(text_of(b, ".mgl-playground .mgl-status").split()[1]) >= 5)
    play.click()
    wait.until(lambda b: play.text == "Play")
    assert found(browser, ".mgl-playground canvas.mgl-boundary") and found(browser, ".mgl-playground svg.mgl-curve")
