"""Graphviz compiled to WebAssembly (viz.js), shipped for the pages that draw without ``dot``.

The vendored module is the one its record names (checksums, licence); the fetch script checks
what it downloads before writing anything; and viz.js, run in a real headless Chromium with the
network cut off, draws the project's DOT as ``dot`` does: the same nodes, words, colours, edges
and direction, and text as legible on a projector.
"""

import base64
import functools
import hashlib
import http.server
import io
import json
import re
import shutil
import statistics
import subprocess
import sys
import tarfile
import tempfile
import threading
import time
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from examples import lecture
from helpers import ROOT, chromium, need

from micrograd_like import Value, draw_dot
from micrograd_like.drawing import in_browser, render
from micrograd_like.drawing.projector import BELOW, BESIDE, LEGIBLE, NOTEBOOK, fit
from micrograd_like.drawing.svg import svg_size
from micrograd_like.pages.slideshow import slide_options
from micrograd_like.teach.stepper import backward_steps

VIZ = ROOT / "micrograd_like" / "drawing" / "viz"
SCRIPT = ROOT / "scripts" / "fetch_viz.py"
SVG = "{http://www.w3.org/2000/svg}"


# -- what is shipped ---------------------------------------------------------------------------------


def test_the_shipped_module_is_the_one_its_record_names():
    record = json.loads((VIZ / "viz.json").read_text(encoding="utf-8"))
    module = (VIZ / record["file"]).read_bytes()
    assert record["file"] == in_browser.VIZ_FILE
    assert hashlib.sha256(module).hexdigest() == record["sha256"]
    assert len(module) == record["bytes"]
    assert record["package"] == "@viz-js/viz" and record["license"] == "MIT"
    assert record["integrity"].startswith("sha512-") and len(base64.b64decode(record["integrity"][7:])) == 64
    assert record["tarball"].endswith(f"/viz-{record['version']}.tgz")
    text = module.decode("utf-8")
    assert f"Viz.js {record['version']}" in text[:100]  # its own header says the same version
    assert f'graphvizVersion = "{record["graphviz"]}"' in text
    assert "\x00asm" in text  # the wasm inside: one file is the whole of Graphviz
    assert in_browser.viz_source() == text and in_browser.viz_version() == record["version"]


def test_the_licence_is_shipped_beside_it():
    licence = (VIZ / "LICENSE").read_text(encoding="utf-8")
    assert licence.startswith("MIT License") and "Permission is hereby granted" in licence
    assert "Copyright (c) Michael Daines" in licence
    assert "Graphviz" in licence and "Eclipse Public License" in licence  # what the file holds besides


def test_the_package_data_ships_the_folder():
    assert '"micrograd_like.drawing" = ["viz/*"]' in (ROOT / "pyproject.toml").read_text(encoding="utf-8")


def test_dot_available_follows_the_order_of_preference(monkeypatch):
    real_which = shutil.which
    monkeypatch.setattr(render.shutil, "which", lambda name, **kw: None if name == "dot" else real_which(name, **kw))
    assert in_browser.dot_available() == any(
        real_which("graphviz-pure", path=path) for path in (None, render.sysconfig.get_path("scripts")))
    monkeypatch.setattr(render.shutil, "which", lambda *args, **kwargs: None)
    assert not in_browser.dot_available()
    monkeypatch.setattr(render.shutil, "which", real_which)
    if real_which("dot"):
        assert in_browser.dot_available()


def test_a_label_in_the_page_stays_data():
    attribute = in_browser.dot_attribute('digraph { a [label="\\"><script>x</script>&amp;"] }')
    assert "<" not in attribute and attribute.count('"') == 2
    assert "&amp;amp;" in attribute and "&quot;" in attribute


def test_the_page_script_carries_the_module_and_needs_no_network():
    script = in_browser.page_script(shared_scale=True, arrange=True)
    data = re.search(r'<script type="application/octet-stream" id="micrograd-like-viz">([^<]*)</script>', script)
    assert base64.b64decode(data.group(1)) == (VIZ / in_browser.VIZ_FILE).read_bytes()
    code = script[data.end():]
    assert "</script" not in code[:-len("</script>")]  # one script, closed once
    assert "http" not in code and in_browser.VIZ_GLOBAL in code
    assert "SHARED = true, ARRANGE = true" in code and f"BELOW = {json.dumps(list(BELOW))}" in code


# -- the fetch script, against a registry on this machine --------------------------------------------


def fake_package(version: str, module: bytes) -> bytes:
    """A tarball laid out as npm's: the module at package/dist/viz.js, a package.json."""
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as tar:
        for name, data in (("package/dist/viz.js", module),
                           ("package/package.json", json.dumps({"version": version}).encode())):
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return buffer.getvalue()


@pytest.fixture
def registry(tmp_path):
    """An npm registry on 127.0.0.1 serving one version, 9.9.9, of @viz-js/viz (its files in ``.files``)."""
    module = (b'/*!\nViz.js 9.9.9\nCopyright (c) Michael Daines\n\nThis distribution contains other software:\n'
              b'Graphviz https://www.graphviz.org\n*/\nconst wasm = "\x00asm";\nconst graphvizVersion = "1.2.3";\n'
              b'function instance() {}\nexport { graphvizVersion, instance };\n')
    files = {"/tarball.tgz": fake_package("9.9.9", module)}

    class Registry(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            if self.path in files:
                body = files[self.path]
            elif self.path in ("/@viz-js%2Fviz/9.9.9", "/@viz-js%2Fviz/latest"):
                integrity = "sha512-" + base64.b64encode(hashlib.sha512(files["/tarball.tgz"]).digest()).decode()
                body = json.dumps({"version": "9.9.9", "license": "MIT", "dist": {
                    "tarball": f"http://127.0.0.1:{self.server.server_port}/tarball.tgz",
                    "integrity": files.get("integrity", integrity)}}).encode()
            else:
                self.send_error(404)
                return
            self.send_response(200)
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Registry)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    server.files, server.module = files, module
    yield server
    server.shutdown()
    server.server_close()


def fetch_viz(*argv: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(SCRIPT), *argv], capture_output=True, text=True, timeout=120)


def test_the_fetch_script_checks_and_writes_the_module_its_licence_and_its_record(registry, tmp_path):
    into = tmp_path / "viz"
    result = fetch_viz("--registry", f"http://127.0.0.1:{registry.server_port}", "--into", str(into))
    assert result.returncode == 0, result.stderr
    assert "9.9.9" in result.stdout and "Graphviz 1.2.3" in result.stdout
    assert (into / "viz-standalone.mjs").read_bytes() == registry.module
    record = json.loads((into / "viz.json").read_text(encoding="utf-8"))
    assert record["sha256"] == hashlib.sha256(registry.module).hexdigest()
    assert record["integrity"] == "sha512-" + base64.b64encode(
        hashlib.sha512(registry.files["/tarball.tgz"]).digest()).decode()
    assert (record["version"], record["graphviz"], record["from"]) == ("9.9.9", "1.2.3", "package/dist/viz.js")
    licence = (into / "LICENSE").read_text(encoding="utf-8")
    assert licence.startswith("MIT License\n\nCopyright (c) Michael Daines\n") and "Graphviz" in licence


def test_the_fetch_script_refuses_a_tarball_that_fails_its_integrity(registry, tmp_path):
    into = tmp_path / "viz"
    into.mkdir()
    (into / "viz-standalone.mjs").write_text("the version before")
    registry.files["integrity"] = "sha512-" + base64.b64encode(hashlib.sha512(b"another").digest()).decode()
    result = fetch_viz("--registry", f"http://127.0.0.1:{registry.server_port}", "--into", str(into),
                       "--version", "9.9.9")
    assert result.returncode == 1
    assert "sha512" in result.stderr and "nothing written" in result.stderr and "Traceback" not in result.stderr
    assert [path.name for path in into.iterdir()] == ["viz-standalone.mjs"]
    assert (into / "viz-standalone.mjs").read_text() == "the version before"


def test_the_fetch_script_says_in_one_line_when_the_registry_cannot_be_reached(registry, tmp_path):
    port = registry.server_port
    for argv, words in ((("--registry", "http://127.0.0.1:1"), "could not reach"),
                        (("--registry", f"http://127.0.0.1:{port}", "--version", "0.0.1"), "404")):
        result = fetch_viz(*argv, "--into", str(tmp_path / "viz"))
        assert result.returncode == 1 and words in result.stderr
        assert result.stderr.count("\n") == 1 and result.stderr.startswith("fetch_viz: ")
    assert not (tmp_path / "viz").exists()


# -- the same look as dot's, in a real browser --------------------------------------------------------


@pytest.fixture(scope="module")
def page():
    """Headless Chromium at a page on 127.0.0.1 that has loaded the vendored viz.js by its URL
    (the contract's LOADER_JS), every other host unreachable; the paths the server was asked for
    are in ``.asked``."""
    binary, chromedriver = need("chromium"), need("chromedriver")
    webdriver = pytest.importorskip("selenium.webdriver", reason="selenium is not installed (pip install -e '.[test]')")
    from selenium.webdriver.chrome.service import Service

    folder = Path(tempfile.mkdtemp(prefix="viz-page-"))
    shutil.copy(VIZ / in_browser.VIZ_FILE, folder / in_browser.VIZ_FILE)
    (folder / "index.html").write_text(
        "<!DOCTYPE html><title>viz</title><script type=\"module\">\n" + in_browser.LOADER_JS
        + f"window.loaded = micrograd_like_viz(new URL({json.dumps(in_browser.VIZ_FILE)}, document.baseURI))"
        ".then(viz => { window.viz = viz; return 'loaded'; }, error => 'failed: ' + error.message);\n</script>\n",
        encoding="utf-8")
    asked = []

    class Files(http.server.SimpleHTTPRequestHandler):
        extensions_map = {**http.server.SimpleHTTPRequestHandler.extensions_map, ".mjs": "text/javascript"}

        def log_message(self, format, *args):
            asked.append(self.path)

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Files, directory=str(folder)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    options = webdriver.ChromeOptions()
    options.binary_location = binary
    profile = tempfile.mkdtemp(prefix="chromium-profile-")
    for argument in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                     "--disable-component-update", "--disable-sync", "--no-first-run", f"--user-data-dir={profile}",
                     '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1',  # no network but this machine
                     "--proxy-server=127.0.0.1:9"):  # (which loopback addresses bypass)
        options.add_argument(argument)
    driver = webdriver.Chrome(service=Service(chromedriver), options=options)
    try:
        driver.set_script_timeout(120)
        driver.get(f"http://127.0.0.1:{server.server_port}/index.html")
        started = time.perf_counter()
        state = driver.execute_async_script("window.loaded.then(arguments[arguments.length - 1])")
        driver.load_seconds = time.perf_counter() - started
        assert state == "loaded", state
        driver.asked = asked
        yield driver
    finally:
        driver.quit()
        server.shutdown()
        server.server_close()
        shutil.rmtree(profile, ignore_errors=True)
        shutil.rmtree(folder, ignore_errors=True)


def by_viz(page, source: str) -> str:
    return page.execute_script("return viz.renderString(arguments[0], {format: 'svg'})", source)


def neuron() -> Value:
    """The lecture's neuron, o = tanh(x1*w1 + x2*w2 + b), after backward()."""
    x1, x2 = Value(2.0, label="x1"), Value(0.0, label="x2")
    w1, w2, b = Value(-3.0, label="w1"), Value(1.0, label="w2"), Value(6.8813735870195432, label="b")
    n = x1 * w1 + x2 * w2 + b
    n.label = "n"
    o = n.tanh()
    o.label = "o"
    o.backward()
    return o


def drawings() -> dict[str, str]:
    """The DOT of the drawings compared: plain and projector looks, whole graphs and steps."""
    root = lecture()["L"]
    root.backward()
    steps, neuron_steps = backward_steps(lecture()["L"]), backward_steps(neuron())
    options, neuron_options = slide_options(steps, {}), slide_options(neuron_steps, {})
    return {
        "lecture, draw_dot": draw_dot(root).source,
        "lecture, slide at the start": steps.draw(caption=False, **options).source,
        "lecture, slide of step 3": steps.goto(3).draw(caption=False, **options).source,
        "neuron, draw_dot": draw_dot(neuron()).source,
        "neuron, projector, top to bottom": draw_dot(neuron(), projector=True, rankdir="TB").source,
        "neuron, slide of step 4 (zoomed)": neuron_steps.goto(4).draw(caption=False, **neuron_options).source,
    }


def shape_of(svg: str) -> dict:
    """What a drawing is made of, whatever the coordinates: each node's words and colours, each
    edge's ends, words and colours, the text sizes and each node's centre."""
    root = ET.fromstring(svg)
    nodes, edges, centres, sizes = {}, {}, {}, []
    for group in root.iter(f"{SVG}g"):
        kind, title = group.get("class"), group.findtext(f"{SVG}title")
        if kind not in ("node", "edge"):
            continue
        texts = tuple(t.text or "" for t in group.iter(f"{SVG}text"))
        sizes += [float(t.get("font-size")) for t in group.iter(f"{SVG}text")]
        paint = frozenset((shape.tag, shape.get("fill"), shape.get("stroke"), shape.get("stroke-dasharray"))
                          for shape in group if shape.tag != f"{SVG}title" and shape.tag != f"{SVG}text")
        colours = frozenset(t.get("fill") for t in group.iter(f"{SVG}text"))
        (nodes if kind == "node" else edges)[title] = (texts, paint, colours)
        if kind == "node":
            xs, ys = points(group)
            centres[title] = ((min(xs) + max(xs)) / 2, (min(ys) + max(ys)) / 2)
    return {"nodes": nodes, "edges": edges, "centres": centres, "sizes": sizes, "size": svg_size(svg)}


def points(group) -> tuple[list[float], list[float]]:
    """The x and y coordinates of a node's outline (a polygon's points, an ellipse's extent, a path's)."""
    xs, ys = [], []
    for shape in group:
        if shape.tag == f"{SVG}ellipse":
            cx, cy, rx, ry = (float(shape.get(k)) for k in ("cx", "cy", "rx", "ry"))
            xs += [cx - rx, cx + rx]
            ys += [cy - ry, cy + ry]
        elif shape.tag in (f"{SVG}polygon", f"{SVG}path", f"{SVG}polyline"):
            numbers = [float(n) for n in re.findall(r"-?\d+(?:\.\d+)?", shape.get("points") or shape.get("d"))]
            xs += numbers[0::2]
            ys += numbers[1::2]
    return xs, ys


def ranks(centres: dict[str, tuple[float, float]], axis: int) -> list[set[str]]:
    """The nodes in ranks along ``axis`` (0: left to right, 1: top to bottom), first rank first:
    nodes whose centres are within a few points of each other share a rank."""
    ordered = sorted(centres, key=lambda name: centres[name][axis])
    found: list[list[str]] = []
    for name in ordered:
        if found and abs(centres[name][axis] - centres[found[-1][-1]][axis]) < 4:
            found[-1].append(name)
        else:
            found.append([name])
    return [set(rank) for rank in found]


def projector_text(shape: dict, spaces) -> float:
    """The smallest text of the values, in pixels, once the drawing is scaled to fit the roomiest
    of ``spaces``, as tests/test_legibility.py and the slideshow reckon it."""
    return min(shape["sizes"]) * 4 / 3 * min(2.0, max(fit(shape["size"], space) for space in spaces))


@pytest.mark.parametrize("name", list(drawings()))
def test_viz_draws_the_projects_dot_as_dot_does(page, name):
    need("dot")
    source = drawings()[name]
    by_dot, by_wasm = shape_of(render.render(source).decode("utf-8")), shape_of(by_viz(page, source))
    assert by_wasm["nodes"] and by_wasm["edges"]
    assert by_wasm["nodes"] == by_dot["nodes"]  # every node: its words, its outline and fill, its text colours
    assert by_wasm["edges"] == by_dot["edges"]  # every edge: its ends, its words (local derivatives), colours
    assert sorted(by_wasm["sizes"]) == sorted(by_dot["sizes"])
    axis = 1 if re.search(r"rankdir=(TB|BT)", source) else 0
    assert ranks(by_wasm["centres"], axis) == ranks(by_dot["centres"], axis)  # the same ranks, in the same order
    # The same size, near enough (the two measure text each their own way), so equally legible.
    for got, expected in zip(by_wasm["size"], by_dot["size"]):
        assert got == pytest.approx(expected, rel=0.15)
    for spaces in ((BELOW, BESIDE), (NOTEBOOK,)):
        assert projector_text(by_wasm, spaces) == pytest.approx(projector_text(by_dot, spaces), rel=0.15)
    if "slide" in name:  # what a slide shows is legible on the projector, drawn either way
        assert min(projector_text(by_wasm, (BELOW, BESIDE)), projector_text(by_dot, (BELOW, BESIDE))) >= LEGIBLE


def test_viz_refuses_bad_dot_with_graphvizs_message(page):
    message = page.execute_script(
        "try { viz.renderString('digraph { a -> '); return 'drawn'; } catch (error) { return error.message; }")
    assert "syntax error" in message


def test_the_page_fetched_nothing_but_its_own_files(page):
    urls = page.execute_script("return performance.getEntriesByType('resource').map(e => e.name)")
    assert urls and all(url.startswith("http://127.0.0.1:") for url in urls)
    assert set(page.asked) <= {"/index.html", f"/{in_browser.VIZ_FILE}", "/favicon.ico"}
    found = page.execute_script(
        "return fetch('http://example.com/').then(() => 'reached', () => 'unreachable')")
    assert found == "unreachable"


def test_measure_viz_in_the_browser(page, capsys):
    """Not a test of speed (nothing is asserted about time): the numbers for the record."""
    source = drawings()["lecture, slide of step 3"]
    timings, drawn = page.execute_script(
        "const times = [], drawn = new Set(); for (let i = 0; i < 15; i++) { const t = performance.now();"
        " drawn.add(viz.renderString(arguments[0], {format: 'svg'})); times.push(performance.now() - t); }"
        " return [times, drawn.size];", source)
    assert drawn == 1  # laid out the same way every time
    size = (VIZ / in_browser.VIZ_FILE).stat().st_size
    with capsys.disabled():
        print(f"\nviz.js {in_browser.viz_version()}: module {size / 1e6:.2f} MB, loaded in {page.load_seconds:.2f} s; "
              f"the lecture's slide laid out in {statistics.median(timings):.1f} ms (median of 15)")


@pytest.fixture
def browser():
    yield from chromium()


def test_a_page_draws_each_dot_it_holds_when_it_is_shown_and_says_when_it_cannot(tmp_path, browser):
    """page_script on any static page (opened from a file: the module comes with it): a shown
    element is drawn at once, a hidden one when it is shown, and DOT that Graphviz refuses says so."""
    from selenium.webdriver.support.ui import WebDriverWait

    graph = in_browser.dot_attribute(draw_dot(lecture()["L"]).source)
    page = tmp_path / "page.html"
    page.write_text(
        "<!DOCTYPE html><title>drawings</title><body>"
        f'<div id="shown" style="width:600px;height:300px;display:flex"{graph}>waiting</div>'
        f'<div id="later" hidden{in_browser.dot_attribute("digraph { x -> y }")}>waiting</div>'
        f'<div id="bad"{in_browser.dot_attribute("digraph { x -> }")}>waiting</div>'
        f"{in_browser.page_script()}</body>", encoding="utf-8")
    browser.get(page.as_uri())
    state = "return ['shown', 'later', 'bad'].map(function (id) { return document.getElementById(id).textContent; })"
    WebDriverWait(browser, 60).until(lambda driver: driver.execute_script(state)[0] != "waiting")
    shown, later, bad = browser.execute_script(state)
    for words in ("data 2.0000", "data -3.0000", "data -8.0000"):
        assert words in shown
    assert later == "waiting"  # hidden: not drawn yet
    assert bad.startswith("This graph could not be drawn: ") and "syntax error" in bad
    browser.execute_script("document.getElementById('later').hidden = false")
    WebDriverWait(browser, 60).until(lambda driver: driver.execute_script(state)[1] != "waiting")
    nodes = "return document.querySelector('#later > svg').querySelectorAll('g.node').length"
    assert browser.execute_script(nodes) == 2
