"""The widgets in a real JupyterLab, driven by headless Chromium.

A JupyterLab server is started on a free localhost port with a token and a temporary root
directory holding copies of the course's notebooks 2 and 4, a small notebook with a quiz on the
lecture's example and one with the stepper over a neuron too big to read whole (the package
importable through PYTHONPATH, so nothing is written into the checkout).  Chromium opens each,
runs all its cells, clicks the stepper widget's Next in notebook 2 and the zoom toggle in the
neuron's, the training view's Play, Pause and chain-rule panel in notebook 4, types answers into the
quiz, and sees the words, the drawings, the loss and the score change, and the Values in the kernel
follow the clicks.  The widgets are anywidget widgets (their ES modules shipped in the package).

The neuron's, the quiz's and the training view's notebooks run in a kernel without Graphviz
(:data:`NO_DOT_KERNEL`): its PATH has no ``dot`` and the package finds no ``graphviz-pure``
either, so the page lays each drawing out itself
with the viz.js the widget sends (Graphviz in WebAssembly, nothing fetched).

These tests need JupyterLab, anywidget, Graphviz's ``dot``, ``chromium`` and ``chromedriver``.  Under CI (the CI
variable set) a missing one is a failure, so the test cannot silently stop running; elsewhere it
skips with the reason.  Set MICROGRAD_LIKE_SCREENSHOTS to a directory to keep screenshots at 1024x768.
"""

import importlib.util
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
NOTEBOOK_RUN = 300  # seconds for all of a notebook's cells to run on a loaded machine

NOTEBOOKS = Path(__file__).resolve().parents[1] / "notebooks"
STEPPING = "02-stepping-through-backprop.ipynb"  # its cell `steps.widget()` shows the stepper
TRAINING = "04-training-an-mlp.ipynb"  # its cell ending `playground` shows the training view
QUIZ = "quiz.ipynb"  # written by the lab fixture: the lecture's example, then steps.quiz()
QUIZ_CELLS = [
    "from micrograd_like import Value\n"
    "a, b = Value(2.0, label='a'), Value(-3.0, label='b')\n"
    "c, f = Value(10.0, label='c'), Value(-2.0, label='f')\n"
    "e = a * b; e.label = 'e'\n"
    "d = e + c; d.label = 'd'\n"
    "L = d * f; L.label = 'L'\n"
    "steps = L.backward_steps()",
    "steps.quiz(ask=('local', 'grad'))",
]

ZOOM = "neuron.ipynb"  # written by the lab fixture: a neuron of four inputs, too big to read whole
ZOOM_CELLS = [
    "from micrograd_like import Value\n"
    "n = Value(6.88, label='b')\n"
    "for i in range(1, 5):\n"
    "    n = Value(float(i), label=f'x{i}') * Value(0.5 - i, label=f'w{i}') + n\n"
    "n.label = 'n'\n"
    "o = n.tanh(); o.label = 'o'\n"
    "steps = o.backward_steps()",
    "from micrograd_like.drawing.in_browser import dot_available\n"
    "print('dot available:', dot_available())",
    "steps.widget()",
    "print(steps.where(), '| n.grad is 1 - o**2:', n.grad == 1 - o.data**2)",
]

NO_DOT_KERNEL = "python3-no-graphviz"  # the kernel the neuron's notebook runs in (written by the lab fixture)
NO_DOT_LAUNCHER = """\
# A kernel with no Graphviz: started with a PATH without dot, and the package's finder, which
# would find graphviz-pure beside this Python, told there is none.
from micrograd_like.drawing import render


def no_layout_program():
    raise render.GraphvizNotFoundError()


render.layout_program = no_layout_program

from ipykernel import kernelapp  # noqa: E402

kernelapp.launch_new_instance()
"""


def require_jupyterlab() -> None:
    if importlib.util.find_spec("jupyterlab") is None or importlib.util.find_spec("anywidget") is None:
        message = "JupyterLab and anywidget are not installed (pip install -e '.[test]')"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def browser():
    yield from chromium()


@pytest.fixture(scope="module")
def lab():
    """A JupyterLab server on localhost serving a temporary directory; yields (url, token)."""
    require_jupyterlab()
    need("dot")
    root = Path(tempfile.mkdtemp(prefix="micrograd-lab-"))
    for name in (STEPPING, TRAINING):  # copies: running them writes nothing into the checkout
        shutil.copy(NOTEBOOKS / name, root / name)
    use_kernel(root / TRAINING, NO_DOT_KERNEL)  # the training view's chain-rule panel drawn in the page
    write_notebook(root / QUIZ, QUIZ_CELLS, kernel=NO_DOT_KERNEL)  # its drawings made in the page
    write_notebook(root / ZOOM, ZOOM_CELLS, kernel=NO_DOT_KERNEL)
    write_no_dot_kernel(root / ".jupyter-path")
    settings = root / ".settings" / "@jupyterlab" / "apputils-extension"
    settings.mkdir(parents=True)  # no "would you like news?" toast over the widgets
    (settings / "notification.jupyterlab-settings").write_text('{"fetchNews": "false"}', encoding="utf-8")
    port, token = free_port(), secrets.token_hex(16)
    env = dict(os.environ, JUPYTER_CONFIG_DIR=str(root / ".config"), JUPYTER_RUNTIME_DIR=str(root / ".runtime"),
               JUPYTER_PATH=str(root / ".jupyter-path"),
               PYTHONPATH=os.pathsep.join([str(Path(__file__).resolve().parents[1]), os.environ.get("PYTHONPATH", "")]))
    try:
        with open(root / ".server.log", "wb") as log:
            yield from serve(root, port, token, env, log)
    finally:
        shutil.rmtree(root, ignore_errors=True)


def write_notebook(path: Path, cells: list[str], kernel: str = "python3") -> None:
    import nbformat

    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(cell) for cell in cells])
    notebook.metadata["kernelspec"] = {"name": kernel, "display_name": kernel, "language": "python"}
    nbformat.write(notebook, str(path))


def use_kernel(path: Path, kernel: str) -> None:
    """Make the notebook at ``path`` run in ``kernel``."""
    import nbformat

    notebook = nbformat.read(str(path), as_version=4)
    notebook.metadata["kernelspec"] = {"name": kernel, "display_name": kernel, "language": "python"}
    nbformat.write(notebook, str(path))


def write_no_dot_kernel(jupyter_path: Path) -> None:
    """The kernel spec of :data:`NO_DOT_KERNEL`: this Python, a PATH of its own folder only (no
    ``dot`` there), and :data:`NO_DOT_LAUNCHER`."""
    import json

    folder = jupyter_path / "kernels" / NO_DOT_KERNEL
    folder.mkdir(parents=True)
    (folder / "launch.py").write_text(NO_DOT_LAUNCHER, encoding="utf-8")
    python = Path(sys.executable)
    assert not (python.parent / "dot").exists()
    spec = {"argv": [str(python), str(folder / "launch.py"), "-f", "{connection_file}"],
            "display_name": "Python 3 without Graphviz", "language": "python", "env": {"PATH": str(python.parent)}}
    (folder / "kernel.json").write_text(json.dumps(spec), encoding="utf-8")


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


def run_notebook(driver, url: str, token: str, name: str) -> None:
    """Open the notebook ``name`` in a 1024x768 page, the file browser folded away as a teacher
    projecting it would, run all its cells from the Run menu and wait until every cell has run."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as seen
    from selenium.webdriver.support.ui import WebDriverWait

    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                            {"width": 1024, "height": 768, "deviceScaleFactor": 1, "mobile": False})
    driver.get(f"{url}/lab/tree/{name}?token={token}&reset")
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
    ran = WebDriverWait(driver, NOTEBOOK_RUN).until(lambda b: b.execute_script(ALL_CELLS_RAN))
    assert ran == "ran", f"{name} failed in JupyterLab:\n{ran}"


ALL_CELLS_RAN = """
var errors = Array.prototype.filter.call(
    document.querySelectorAll('.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"]'),
    function (output) { return /Traceback|\\w+Error\\b/.test(output.textContent); });
if (errors.length) return errors[0].textContent;
var prompts = Array.prototype.map.call(document.querySelectorAll('.jp-Notebook .jp-CodeCell .jp-InputPrompt'),
    function (prompt) { return prompt.textContent; });
return prompts.length > 0 && prompts.every(function (p) { return /\\[\\d+\\]/.test(p); }) ? 'ran' : '';
"""

WIDGET_IN_CELL = """
var cells = document.querySelectorAll('.jp-Notebook .jp-CodeCell');
for (var i = 0; i < cells.length; i++) {
    var lines = cells[i].querySelectorAll('.jp-InputArea .cm-line');
    if (lines.length && lines[lines.length - 1].textContent.trim() === arguments[0]) {
        return cells[i].querySelector(arguments[1]);
    }
}
return null;
"""


def widget_in_cell(driver, last_line: str, css: str):
    """The element ``css`` in the output of the code cell whose last line is ``last_line``: the
    widget that cell shows, even when the notebook shows several."""
    from selenium.webdriver.support.ui import WebDriverWait

    return WebDriverWait(driver, WAIT).until(lambda b: b.execute_script(WIDGET_IN_CELL, last_line, css))


def text_in(element, selector: str) -> str:
    return element.parent.execute_script(
        "var el = arguments[0].querySelector(arguments[1]); return el ? el.textContent : '';", element, selector)


def drawing_of(element) -> str:
    return element.parent.execute_script(
        "var d = arguments[0].querySelector('.mgl-drawing'); return d ? d.innerHTML : '';", element)


def screenshot(driver, name: str) -> None:
    directory = os.environ.get("MICROGRAD_LIKE_SCREENSHOTS")
    if directory:
        Path(directory).mkdir(parents=True, exist_ok=True)
        driver.save_screenshot(str(Path(directory) / name))


def button(scope, words: str):
    """The button labelled ``words`` inside the element ``scope``."""
    from selenium.webdriver.common.by import By

    return scope.find_element(By.XPATH, f".//button[normalize-space()='{words}']")


def printed(driver, first_line: str) -> str:
    """What the code cell whose first line is ``first_line`` printed (its output's text)."""
    return driver.execute_script(PRINTED, first_line) or ""


PRINTED = """
var cells = document.querySelectorAll('.jp-Notebook .jp-CodeCell');
for (var i = 0; i < cells.length; i++) {
    var line = cells[i].querySelector('.jp-InputArea .cm-line');
    if (line && line.textContent.trim() === arguments[0]) {
        var out = cells[i].querySelector('.jp-OutputArea');
        return out ? out.textContent : '';
    }
}
return null;
"""


def run_cell(driver, first_line: str) -> None:
    """Run the code cell whose first line is ``first_line`` again (select it, Shift+Enter)."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    for cell in driver.find_elements(By.CSS_SELECTOR, ".jp-Notebook .jp-CodeCell"):
        lines = cell.find_elements(By.CSS_SELECTOR, ".jp-InputArea .cm-line")
        if lines and lines[0].text.strip() == first_line:
            prompt = cell.find_element(By.CSS_SELECTOR, ".jp-InputPrompt")
            driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", cell)
            prompt.click()  # selects the cell, in command mode
            cell.send_keys(Keys.SHIFT, Keys.ENTER)
            return
    raise AssertionError(f"no cell starts with {first_line!r}")


FONT_SIZES = """
var svg = arguments[0].querySelector('.mgl-drawing svg');
var scale = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;  // CSS pixels per SVG unit
var sizes = Array.prototype.map.call(svg.querySelectorAll('g.node polygon ~ text'),
    function (t) { return parseFloat(t.getAttribute('font-size')) * scale; });
return [Math.min.apply(null, sizes), svg.getBoundingClientRect().right,
        document.querySelector('.jp-Notebook').getBoundingClientRect().right];
"""


SMALL_WORDS = """
var small = [];
arguments[0].querySelectorAll('*').forEach(function (el) {  // every element with words of its own, but drawings
    if (el.closest('svg') || el.tagName === 'STYLE' || el.tagName === 'SCRIPT') return;  // not shown as words
    var words = el.tagName === 'INPUT' ? el.placeholder + el.value : Array.prototype.filter.call(el.childNodes,
        function (n) { return n.nodeType === 3; }).map(function (n) { return n.textContent.trim(); }).join('');
    var size = parseFloat(getComputedStyle(el).fontSize);
    if (words && size < 14) small.push(size + 'px: ' + words.slice(0, 40));
});
return small;
"""


NO_SIDEWAYS_SCROLLING = """
var areas = arguments[0] ? [arguments[0].closest('.jp-OutputArea')]  // the output of the widget's cell
                         : Array.from(document.querySelectorAll('.jp-Notebook .jp-OutputArea'));  // every output
var all = [];
areas.forEach(function (area) { all.push(area); all.push.apply(all, area.querySelectorAll('*')); });
return all.filter(function (el) {
    var style = getComputedStyle(el).overflowX;
    return (style === 'auto' || style === 'scroll') && el.scrollWidth > el.clientWidth + 1;
}).map(function (el) { return el.className + ' ' + el.scrollWidth + '>' + el.clientWidth; });
"""


CONTROLS = """
var pace = arguments[0].querySelector('.mgl-pace input[type=range]');
var play = Array.prototype.filter.call(arguments[0].querySelectorAll('button.mgl-play, button.mgl-stop'),
    function (b) { return getComputedStyle(b).display !== 'none'; });
return [pace ? pace.getBoundingClientRect().width : 0, play.map(function (b) {  // each button's words, their size
    return [b.textContent.trim() || b.title, parseFloat(getComputedStyle(b).fontSize)];
})];
"""


def test_notebook_2s_stepper_steps_in_jupyterlab(lab, browser):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    url, token = lab
    run_notebook(browser, url, token, STEPPING)
    drawing = widget_in_cell(browser, "draw_dot(L, projector=True)", ".mgl-drawing")  # a plain drawing, shrunk to fit
    browser.execute_script("arguments[0].scrollIntoView({block: 'center'})", drawing)
    screenshot(browser, "drawing.png")
    stepper = widget_in_cell(browser, "steps.widget()", ".mgl-stepper")
    wait = WebDriverWait(browser, WAIT)
    browser.execute_script("arguments[0].scrollIntoView({block: 'start'})", stepper)
    # Later cells of the notebook move `steps` in code (reset, next, a loop to the end): start over.
    button(stepper, "Reset").click()
    wait.until(lambda b: "at the start" in text_in(stepper, ".mgl-words") and "<svg" in drawing_of(stepper))
    before = drawing_of(stepper)
    legible = browser.execute_script(FONT_SIZES, stepper)
    screenshot(browser, "stepper-start.png")
    pace_width, play_buttons = browser.execute_script(CONTROLS, stepper)
    assert pace_width >= 120, f"the pace slider is {pace_width:.0f} px wide: too narrow to set"
    assert [words.split()[0] for words, _ in play_buttons] == ["Play", "Stop"], play_buttons  # words, not icons only
    assert all(size >= 14 for _, size in play_buttons), play_buttons

    button(stepper, "Next").click()
    wait.until(lambda b: "step 1/6: L = d*f sends dL/dL = 1.0 back to d" in text_in(stepper, ".mgl-words"))
    wait.until(lambda b: drawing_of(stepper) != before)
    assert "grad -2.0000" in text_in(stepper, ".mgl-drawing")
    button(stepper, "Next").click()
    wait.until(lambda b: "step 2/6" in text_in(stepper, ".mgl-words"))
    screenshot(browser, "stepper-step-2.png")
    # The Values in the kernel follow the clicks: the cell below the widget, run again, says so.
    for _ in range(3):
        button(stepper, "Next").click()
    wait.until(lambda b: "step 5/6" in text_in(stepper, ".mgl-words"))
    run_cell(browser, "print(steps.where())")
    wait.until(lambda b: "5 of 6 steps done" in printed(browser, "print(steps.where())"))
    assert "a.grad = 6.0, e.grad = -2.0, d.grad = -2.0" in printed(browser, "print(steps.where())")
    browser.execute_script("arguments[0].scrollIntoView({block: 'start'})", stepper)
    # Play applies the steps left at the pace set, then stops; Stop goes back to the start.
    button(stepper, "Play").click()
    wait.until(lambda b: "step 6/6" in text_in(stepper, ".mgl-words"))
    wait.until(lambda b: stepper.find_elements(By.XPATH, ".//button[normalize-space()='Play']"))  # stopped at the end
    button(stepper, "Stop (to step 0)").click()
    wait.until(lambda b: "at the start" in text_in(stepper, ".mgl-words"))
    assert browser.execute_script(NO_SIDEWAYS_SCROLLING, None) == []  # in any output: drawings, widgets
    smallest, drawing_right, notebook_right = legible
    assert smallest >= 14  # the Values' text (label, data, grad) at 14 px or more
    assert drawing_right <= notebook_right + 1  # the drawing fits: no sideways scrolling


def test_notebook_4s_training_view_plays_in_jupyterlab(lab, browser):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    url, token = lab
    run_notebook(browser, url, token, TRAINING)
    view = widget_in_cell(browser, "playground", ".mgl-playground")
    wait = WebDriverWait(browser, WAIT)
    wait.until(lambda b: text_in(view, ".mgl-loss") != "")
    start = text_in(view, ".mgl-loss")
    browser.execute_script("arguments[0].scrollIntoView({block: 'start'})", view)
    button(view, "Play").click()
    wait.until(lambda b: text_in(view, ".mgl-loss") not in ("", start))
    wait.until(lambda b: float(text_in(view, ".mgl-loss")) < float(start))
    button(view, "Pause").click()
    play_again = (By.XPATH, ".//button[normalize-space()='Play']")
    wait.until(lambda b: view.find_elements(*play_again))
    screenshot(browser, "playground.png")

    # The chain rule behind the picture: one point's backward pass, each step drawn legibly.
    button(view, "show the chain rule for one point").click()
    panel = wait.until(lambda b: view.find_elements(By.CSS_SELECTOR, ".mgl-stepper"))[0]
    wait.until(lambda b: "at the start" in text_in(panel, ".mgl-words") and "<svg" in drawing_of(panel))
    before = drawing_of(panel)
    button(panel, "Next").click()
    wait.until(lambda b: "step 1/" in text_in(panel, ".mgl-words") and drawing_of(panel) != before)
    browser.execute_script("arguments[0].scrollIntoView({block: 'start'})", panel)
    screenshot(browser, "playground-chain-rule.png")
    smallest, drawing_right, notebook_right = browser.execute_script(FONT_SIZES, panel)
    assert smallest >= 14 and drawing_right <= notebook_right + 1
    assert browser.execute_script(NO_SIDEWAYS_SCROLLING, view) == []  # in the widget's output


def test_the_quiz_takes_typed_answers_in_jupyterlab(lab, browser):
    """A student's session: a wrong answer gets the hint, the right one is taken and the quiz
    moves on, Enter or Submit; at the end, the score and what went wrong."""
    from selenium.common.exceptions import TimeoutException
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys
    from selenium.webdriver.support.ui import WebDriverWait

    url, token = lab
    run_notebook(browser, url, token, QUIZ)
    quiz = widget_in_cell(browser, QUIZ_CELLS[-1], ".mgl-quiz")
    browser.execute_script("arguments[0].scrollIntoView({block: 'start'})", quiz)
    wait = WebDriverWait(browser, WAIT)
    box = quiz.find_element(By.CSS_SELECTOR, ".mgl-answer input")

    def says(selector: str, words: str) -> None:
        try:
            wait.until(lambda b: words in text_in(quiz, selector))
        except TimeoutException:
            shown = {part: text_in(quiz, f".mgl-{part}") for part in ("question", "feedback", "score")}
            pytest.fail(f"no {words!r} in the quiz's {selector} after {WAIT} s; it shows {shown}")

    says(".mgl-question", "step 1/6: L = d*f sends dL/dL = 1.0 back to d")
    says(".mgl-question", "local derivative d(d*f)/dd = ?")
    assert "<svg" in drawing_of(quiz) and "score: 0/0" in text_in(quiz, ".mgl-score")
    box.send_keys("3", Keys.ENTER)  # d(d*f)/dd is f, -2: 3 is wrong
    says(".mgl-feedback", "not quite. Hint: the rule is d(d*f)/dd = f, with the numbers of the forward pass.")
    wait.until(lambda b: box.get_attribute("value") == "")  # the box is emptied for the next try
    assert "local derivative d(d*f)/dd = ?" in text_in(quiz, ".mgl-question")  # asked again
    screenshot(browser, "quiz-hint.png")
    box.send_keys("-2", Keys.ENTER)
    says(".mgl-feedback", "right: d(d*f)/dd = f = -2.0")
    says(".mgl-question", "d.grad after this step (it is 0.0 now) = ?")
    assert "score: 1/1" in text_in(quiz, ".mgl-score")
    before = drawing_of(quiz)
    box.send_keys("-2")
    button(quiz, "Submit").click()  # the button, this time
    says(".mgl-question", "step 2/6: L = d*f sends dL/dL = 1.0 back to f")  # the step is taken: the next one
    says(".mgl-feedback", "right")
    wait.until(lambda b: drawing_of(quiz) != before)  # the graph moves on with the step
    assert "score: 2/2" in text_in(quiz, ".mgl-score")

    for answer in ["4", "4", "-2"]:  # step 2's numbers, then step 3's contribution for its local derivative
        box.send_keys(answer, Keys.ENTER)
        wait.until(lambda b: box.get_attribute("value") == "")
    says(".mgl-misconception", "misconception: local with upstream")  # the quiz names the mistake
    assert "the node's own slope, without the upstream gradient" in text_in(quiz, ".mgl-feedback")
    for answer in ["1", "-2", "1", "-2", "-3", "6", "2", "-4"]:  # the lecture's numbers
        box.send_keys(answer, Keys.ENTER)
        wait.until(lambda b: box.get_attribute("value") == "")
    says(".mgl-question", "Finished.")
    says(".mgl-score", "score: 12/12")
    assert "step 1/6, the local derivative (d(d*f)/dd = f = -2.0): right after the hint" in text_in(quiz, ".mgl-score")
    assert not box.is_enabled() and not button(quiz, "Submit").is_enabled()
    screenshot(browser, "quiz-finished.png")
    assert browser.execute_script(NO_SIDEWAYS_SCROLLING, quiz) == []
    assert browser.execute_script(SMALL_WORDS, quiz) == []  # words at 14 px or more, for a projector
    smallest, drawing_right, notebook_right = browser.execute_script(FONT_SIZES, quiz)
    assert smallest >= 14 and drawing_right <= notebook_right + 1  # the graph's too, and it fits


def test_a_pass_too_big_to_read_whole_is_zoomed_to_the_step_in_jupyterlab(lab, browser):
    """A neuron of four inputs would draw its text at 8 px whole: the widget starts zoomed to
    the step, legible, and its toggle shows the whole graph and back."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    url, token = lab
    run_notebook(browser, url, token, ZOOM)
    assert "dot available: False" in printed(browser, ZOOM_CELLS[1].splitlines()[0])  # the kernel has no Graphviz
    stepper = widget_in_cell(browser, ZOOM_CELLS[2], ".mgl-stepper")
    browser.execute_script("arguments[0].scrollIntoView({block: 'start'})", stepper)
    wait = WebDriverWait(browser, WAIT)
    wait.until(lambda b: "<svg" in drawing_of(stepper))  # laid out in the page, by viz.js
    kept = "var v = globalThis.__micrograd_like_viz; return v ? typeof v.renderSVGElement : 'none';"
    assert browser.execute_script(kept) == "function"  # one instance, kept for every widget of the page
    assert "at the start" in printed(browser, ZOOM_CELLS[-1]) and "False" in printed(browser, ZOOM_CELLS[-1])
    zoom = stepper.find_element(By.XPATH, ".//button[normalize-space()='Zoom to the step']")
    assert "mod-active" in zoom.get_attribute("class")  # on: the graph is too big to read whole
    button(stepper, "Next").click()
    wait.until(lambda b: "step 1/" in text_in(stepper, ".mgl-words"))
    wait.until(lambda b: "tanh" in text_in(stepper, ".mgl-drawing") and "x4" not in text_in(stepper, ".mgl-drawing"))
    screenshot(browser, "zoomed-step-1.png")
    run_cell(browser, ZOOM_CELLS[-1])  # the kernel's Values followed the click
    wait.until(lambda b: "1 of 17 steps done | n.grad is 1 - o**2: True" in printed(browser, ZOOM_CELLS[-1]))
    browser.execute_script("arguments[0].scrollIntoView({block: 'start'})", stepper)
    smallest, drawing_right, notebook_right = browser.execute_script(FONT_SIZES, stepper)
    assert smallest >= 14 and drawing_right <= notebook_right + 1  # legible, and it fits
    zoom.click()  # off: the whole graph, every value, smaller
    wait.until(lambda b: "x4" in text_in(stepper, ".mgl-drawing"))
    assert "mod-active" not in zoom.get_attribute("class") and "step 1/" in text_in(stepper, ".mgl-words")
    assert browser.execute_script(FONT_SIZES, stepper)[0] < 14  # why the widget starts zoomed
    zoom.click()
    wait.until(lambda b: "x4" not in text_in(stepper, ".mgl-drawing"))
    assert browser.execute_script(NO_SIDEWAYS_SCROLLING, stepper) == []
    assert browser.execute_script(SMALL_WORDS, stepper) == []  # the buttons' and sliders' words too
