"""The drawn stepper: per-step SVG files, and the HTML slideshow driven in a real headless Chromium.

These tests need Graphviz's ``dot`` and (for the browser) Debian's ``chromium`` and
``chromedriver``.  Under CI (the CI variable set) a missing program is a failure, so that the
browser test cannot silently stop running; elsewhere the tests skip with the reason.
"""

import re
import xml.etree.ElementTree as ET

import pytest
from examples import lecture as lectures_nodes
from helpers import chromium, need

from micrograd_like import Value
from micrograd_like.drawing import render
from micrograd_like.drawing.graphs import COLOURS
from micrograd_like.teach.stepper import backward_steps

RED = COLOURS["emphasis"]
SVG = "{http://www.w3.org/2000/svg}"


def lecture():
    """The lecture's L = (a*b + c) * f, every node labelled."""
    return lectures_nodes()["L"]


def emphasised_labels(svg_root) -> set[str]:
    """The labels of the value records drawn with the red outline of the current step."""
    labels = set()
    for group in svg_root.iter(f"{SVG}g"):
        if group.get("class") != "node":
            continue
        shapes = [el for el in group if el.tag in (f"{SVG}polygon", f"{SVG}ellipse")]
        texts = [el.text for el in group.iter(f"{SVG}text")]
        if any(el.get("stroke") == RED for el in shapes) and any(t and t.startswith("data") for t in texts):
            labels.add(texts[0])
    return labels


def records(svg_root) -> dict[str, list[str]]:
    """Each drawn value record's texts (label, 'data ...', 'grad ...'), by label."""
    found = {}
    for group in svg_root.iter(f"{SVG}g"):
        texts = [el.text for el in group.iter(f"{SVG}text")]
        if group.get("class") == "node" and len(texts) == 3:
            found[texts[0]] = texts
    return found


def test_each_step_is_drawn_to_its_own_svg_with_the_step_highlighted(tmp_path):
    need("dot")
    L = lecture()
    steps = backward_steps(L)
    steps.goto(3)
    paths = steps.save_svgs(tmp_path / "frames")
    assert [p.name for p in paths] == [f"step-0{k}.svg" for k in range(7)]
    assert steps.position == 3  # drawing every step leaves the stepper where it was
    pictures = [ET.parse(p).getroot() for p in paths]
    expected = [{"L"}, {"L", "d"}, {"L", "f"}, {"d", "e"}, {"d", "c"}, {"e", "a"}, {"e", "b"}]
    assert [emphasised_labels(svg) for svg in pictures] == expected
    # each picture shows the grads of its moment: a's is 0 until step 5 and 6 after
    a_grads = [records(svg)["a"][2] for svg in pictures]
    assert a_grads == ["grad 0.0000"] * 5 + ["grad 6.0000"] * 2
    edge_words = [t.text for t in pictures[1].iter(f"{SVG}text") if t.get("fill") == RED]
    assert "d(d*f)/dd = f = -2.0" in edge_words and "1.0 × (-2.0) = -2.0" in edge_words
    assert "step 1/6: L = d*f sends dL/dL = 1.0 back to d" in [t.text for t in pictures[1].iter(f"{SVG}text")]


def test_the_slideshow_is_one_offline_file(tmp_path):
    need("dot")
    path = backward_steps(lecture()).save_html(tmp_path / "pass.html")
    page = path.read_text(encoding="utf-8")
    assert page.count('<section class="slide"') == 7 and page.count("<svg") == 7
    assert not re.search(r"""(src|href|url)\s*[=(]\s*["']?(https?:)?//""", page)  # nothing to fetch
    assert "<?xml" not in page and "<!DOCTYPE svg" not in page
    # titled with the whole expression, through the labelled e and d, not only L = d*f
    assert "<title>Backpropagation through L = (a*b + c)*f</title>" in page


def test_the_title_is_the_whole_expression_down_to_the_inputs():
    from micrograd_like.pages.slideshow import slideshow_title

    assert slideshow_title(backward_steps(lecture())) == "L = (a*b + c)*f"
    x = Value(0.5, label="x")
    assert slideshow_title(backward_steps((x * 2).tanh() - x)) == "L = tanh(x*2.0) - x"
    assert slideshow_title(backward_steps(x)) == "x"  # a leaf: nothing to write out
    y = x
    for _ in range(30):  # doubling at every level: too long to write out, so the last operation only
        y = y * y
    steps = backward_steps(y)
    title = slideshow_title(steps)
    assert steps.steps[0].headline.startswith(f"step 1/{len(steps)}: {title} sends ")  # as the steps write it
    assert len(title) < 64


@pytest.fixture
def browser():
    yield from chromium()


SHOWN = """
var colour = arguments[0];
var slide = document.querySelector('.slide:not([hidden])');
var red = Array.prototype.filter.call(slide.querySelectorAll('g.node'), function (g) {
  var outlined = Array.prototype.some.call(g.querySelectorAll('polygon, ellipse'),
    function (shape) { return shape.getAttribute('stroke') === colour; });
  return outlined && g.textContent.indexOf('data') >= 0;
}).map(function (g) { return g.querySelector('text').textContent; }).sort();
return [document.querySelectorAll('.slide:not([hidden])').length, slide.dataset.position,
        slide.querySelector('pre.words').textContent, red, document.getElementById('counter').textContent];
"""


def test_the_slideshow_steps_in_a_real_browser(tmp_path, browser):
    need("dot")
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    path = backward_steps(lecture()).save_html(tmp_path / "pass.html")
    browser.get(path.as_uri())

    def shown():
        visible, position, words, red, counter = browser.execute_script(SHOWN, RED)
        assert visible == 1  # exactly one slide at a time
        return int(position), words, red, counter

    position, words, red, counter = shown()
    assert (position, red, counter) == (0, ["L"], "start")
    assert words.startswith("backward pass of L: at the start")
    assert not browser.find_element(By.ID, "previous").is_enabled()

    browser.find_element(By.ID, "next").click()
    position, words, red, counter = shown()
    assert (position, red, counter) == (1, ["L", "d"], "step 1 of 6")
    assert words.startswith("step 1/6: L = d*f sends dL/dL = 1.0 back to d")
    assert "d.grad = 0.0 + (-2.0) = -2.0" in words

    browser.find_element(By.ID, "next").click()
    position, words, red, _ = shown()
    assert (position, red) == (2, ["L", "f"]) and "back to f" in words

    body = browser.find_element(By.TAG_NAME, "body")
    body.send_keys(Keys.ARROW_RIGHT)
    position, words, red, _ = shown()
    assert (position, red) == (3, ["d", "e"]) and words.startswith("step 3/6: d = e + c")
    body.send_keys(Keys.ARROW_LEFT)
    assert shown()[0] == 2
    body.send_keys(Keys.END)
    position, words, red, counter = shown()
    assert (position, red, counter) == (6, ["b", "e"], "step 6 of 6")
    assert "b.grad = 0.0 + (-4.0) = -4.0" in words
    assert not browser.find_element(By.ID, "next").is_enabled()
    body.send_keys(Keys.ARROW_RIGHT)  # past the end: stays
    assert shown()[0] == 6
    browser.find_element(By.ID, "previous").click()
    assert shown()[0] == 5
    body.send_keys(Keys.HOME)
    assert shown()[0] == 0

    # nothing was fetched: the page and its pictures are all in the one file
    assert browser.execute_script("return performance.getEntriesByType('resource').length") == 0


def test_jupyter_shows_the_current_step_above_its_drawing():
    need("dot")
    steps = backward_steps(lecture())
    steps.goto(1)
    page = steps._repr_html_()
    assert page.startswith("<pre>backward pass of L: 1 of 6 steps done")
    assert "step 1/6: L = d*f sends dL/dL = 1.0 back to d" in page
    svg = ET.fromstring(page[page.index("<svg"):])
    assert emphasised_labels(svg) == {"L", "d"}


def test_labels_that_look_like_markup_stay_text(tmp_path):
    need("dot")
    x = Value(2.0, label="<x&y>")
    y = x * x
    path = backward_steps(y).save_html(tmp_path / "odd.html", title="<b>odd</b>")
    page = path.read_text(encoding="utf-8")
    assert "<x&y>" not in page and "<b>odd</b>" not in page
    assert "(&lt;x&amp;y&gt;).grad = 0.0 + 2.0 = 2.0" in page


def test_svgs_of_a_shorter_pass_replace_only_the_frames_written_before(tmp_path):
    need("dot")
    frames, elsewhere = tmp_path / "frames", tmp_path / "kept.svg"
    frames.mkdir()
    elsewhere.write_text("the user's")
    users = ("step-99.svg", "step-007.svg", "step-100.svg", "step-final.svg", "notes.svg")
    for name in users:
        (frames / name).write_text("the user's")
    (frames / "step-42.svg").symlink_to(elsewhere)
    assert len(backward_steps(lecture()).save_svgs(frames)) == 7  # step-00 .. step-06
    x = Value(3.0, label="x")
    paths = backward_steps(x * 2).save_svgs(frames)
    assert [p.name for p in paths] == ["step-00.svg", "step-01.svg"]
    left = sorted(p.name for p in frames.iterdir() if not p.name.startswith("."))
    assert left == sorted([*users, "step-42.svg", "step-00.svg", "step-01.svg"])  # the longer pass's 02-06 went
    assert all((frames / name).read_text() == "the user's" for name in users)
    assert (frames / "step-42.svg").is_symlink() and elsewhere.read_text() == "the user's"
    assert ET.parse(frames / "step-00.svg").getroot().tag.endswith("svg")


@pytest.mark.parametrize("kind", ["file", "symlink"])
def test_a_users_file_with_a_frames_name_is_refused_and_left_alone(tmp_path, kind, monkeypatch):
    frames, elsewhere = tmp_path / "frames", tmp_path / "kept.svg"
    frames.mkdir()
    elsewhere.write_text("the user's")
    if kind == "file":
        (frames / "step-01.svg").write_text("the user's")
    else:
        (frames / "step-01.svg").symlink_to(elsewhere)
    monkeypatch.setattr(render, "render", lambda *args, **kwargs: pytest.fail("rendered before refusing"))
    with pytest.raises(FileExistsError, match="step-01.svg is not a frame micrograd-like wrote"):
        backward_steps(Value(3.0, label="x") * 2).save_svgs(frames)
    assert (frames / "step-01.svg").read_text() == "the user's" and elsewhere.read_text() == "the user's"
    assert sorted(p.name for p in frames.iterdir()) == ["step-01.svg"]


def test_a_drawing_too_large_is_refused_at_once_leaving_no_folders(tmp_path, monkeypatch):
    from micrograd_like.teach.stepper import Stepper

    L = lecture()
    steps = backward_steps(L)
    # Refused before the pass is put into words for the page or anything is rendered.
    monkeypatch.setattr(Stepper, "table", lambda *args, **kwargs: pytest.fail("the words were written first"))
    monkeypatch.setattr(render, "render", lambda *args, **kwargs: pytest.fail("rendered before refusing"))
    for save, where in ((steps.save_html, tmp_path / "a" / "b" / "pass.html"), (steps.save_svgs, tmp_path / "c" / "d")):
        with pytest.raises(ValueError, match="the limit is 5"):
            save(where, max_nodes=5)
    assert list(tmp_path.iterdir()) == []


def test_the_drawn_records_name_unlabelled_nodes_as_the_steps_do(tmp_path):
    need("dot")
    a, b = Value(2.0, label="a"), Value(-3.0, label="b")
    L = (a * b + 10) * Value(-2.0, label="f")
    (path,) = backward_steps(L).goto(3).save_svgs(tmp_path, around=False)[3:4]
    picture = ET.parse(path).getroot()
    assert {"a*b", "a*b + 10.0", "L"} <= set(records(picture))
    assert emphasised_labels(picture) == {"a*b + 10.0", "a*b"}


def test_writing_the_svgs_and_the_slideshow_renders_each_drawing_once(tmp_path, monkeypatch):
    need("dot")
    rendered = []
    real_render = render.render
    monkeypatch.setattr(render, "render", lambda source, *args, **kwargs: rendered.append(source)
                        or real_render(source, *args, **kwargs))
    L = lecture()
    steps = backward_steps(L)
    paths = steps.save_svgs(tmp_path / "frames")
    page = steps.save_html(tmp_path / "pass.html").read_text(encoding="utf-8")
    assert len(rendered) == 7 == len(set(rendered))  # one rendering per position, shared by both files
    # The file and the slide hold the same drawing; the file has the step's caption above it.
    for k, path in enumerate(paths):
        svg = path.read_text(encoding="utf-8")
        slide = page.split(f'data-position="{k}"')[1].split('<div class="graph">')[1].split("</div>")[0]
        drawn = re.search(r'<g id="graph0".*?</svg>', slide, re.S).group(0)
        assert drawn in svg
        caption = backward_steps(lecture()).goto(k).highlight().caption
        assert [t.text for t in ET.fromstring(svg.split("?>", 1)[1]).findall(f"{SVG}text")] == caption.splitlines()
    # What is drawn decides what is rendered again: a new label is a new drawing.
    L.label = "out"
    steps.save_svgs(tmp_path / "frames")
    assert len(rendered) == 14 and "out" in records(ET.parse(paths[0]).getroot())


def test_a_caption_wider_than_its_drawing_widens_the_picture(tmp_path):
    need("dot")
    x = Value(3.0, label="x")
    (path, _) = backward_steps(-x).save_svgs(tmp_path)
    root = ET.parse(path).getroot()
    drawing = root.find(f"{SVG}svg")
    (caption,) = root.findall(f"{SVG}text")
    assert caption.text.startswith("backward pass of L: at the start")
    width = float(root.get("width").removesuffix("pt"))
    assert width >= 8.0 * len(caption.text) > float(drawing.get("width"))
    assert float(root.get("height").removesuffix("pt")) > float(drawing.get("height")) + 14
    assert float(drawing.get("y")) > float(caption.get("y"))  # below the words


# -- fitting a projector ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def projector():
    """A browser window of a 1024×768 projector (a page of 1024×625 pixels inside it)."""
    yield from chromium("1024,768")


FIT = """
var slide = document.querySelector('.slide:not([hidden])'), svg = slide.querySelector('svg');
var box = svg.getBoundingClientRect(), view = svg.viewBox.baseVal;
var scale = Math.min(box.width / view.width, box.height / view.height);  // pixels per unit, as drawn
var sizes = Array.prototype.map.call(svg.querySelectorAll('text'),
  function (t) { return parseFloat(t.getAttribute('font-size')) * scale; });
var found = Array.prototype.filter.call(svg.querySelectorAll('g.node'), function (g) {
  var first = g.querySelector('text'); return first && first.textContent === 'L'; });
var rect = function (r) { return [r.left, r.top, r.right, r.bottom]; };
var root = document.documentElement;
return {page: [root.scrollWidth, root.clientWidth, root.scrollHeight, root.clientHeight, innerWidth, innerHeight],
        smallest: Math.min.apply(null, sizes), drawing: rect(svg.querySelector('g.graph').getBoundingClientRect()),
        output: found.map(function (g) { return rect(g.getBoundingClientRect()); }),
        measured: Math.min.apply(null, Array.prototype.map.call(svg.querySelectorAll('g.node text'),
          function (t) { return t.getBoundingClientRect().height; }))};
"""


def inside(rectangle: list[float], width: float, height: float) -> bool:
    """Whether a rectangle (left, top, right, bottom) lies within the page's width and height."""
    left, top, right, bottom = rectangle
    return min(left, top) >= 0 and right <= width and bottom <= height


def test_the_slideshow_fits_a_1024_by_768_projector_legibly(tmp_path, projector):
    need("dot")
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    path = backward_steps(lecture()).save_html(tmp_path / "pass.html")
    projector.get(path.as_uri())
    body = projector.find_element(By.TAG_NAME, "body")
    for position in range(7):
        fit = projector.execute_script(FIT)
        scroll_width, client_width, scroll_height, client_height, width, height = fit["page"]
        assert (width, height) == (1024, 625)  # the window's page
        assert scroll_width <= client_width and scroll_height <= client_height  # no scrollbar, either way
        assert inside(fit["drawing"], width, height), (position, fit)  # the whole graph in view ...
        (output,) = fit["output"]
        assert inside(output, width, height)  # ... the output node too
        # every text of the drawing (names, numbers, operations, edge labels) at 14 px or more
        assert fit["smallest"] >= 14 and fit["measured"] >= 14, (position, fit)
        body.send_keys(Keys.ARROW_RIGHT)


def test_a_pass_too_big_to_read_whole_is_legible_step_by_step(tmp_path, projector):
    """A neuron of four inputs (18 values) would draw its text at 10 px whole: its slides show
    each step's node and operands instead, every text at 14 px or more."""
    need("dot")
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys
    from test_legibility import neuron

    steps = backward_steps(neuron(4))
    projector.get(steps.save_html(tmp_path / "pass.html").as_uri())
    body = projector.find_element(By.TAG_NAME, "body")
    for position in range(len(steps) + 1):
        fit = projector.execute_script(FIT)
        scroll_width, client_width, scroll_height, client_height, width, height = fit["page"]
        assert scroll_width <= client_width and scroll_height <= client_height  # no scrollbar, either way
        assert inside(fit["drawing"], width, height), (position, fit)
        assert fit["smallest"] >= 14 and fit["measured"] >= 14, (position, fit)
        body.send_keys(Keys.ARROW_RIGHT)


def test_the_slide_drawing_takes_the_width_it_is_given_anywhere(projector):
    need("dot")
    from micrograd_like.pages.slideshow import slide_svg

    steps = backward_steps(lecture()).goto(3)
    svg = slide_svg(steps)
    assert "<?xml" not in svg and 'width="' not in svg.split(">")[0]  # its size is its style's
    # In a notebook's output (a block of any width, no height set) it is as wide as the block,
    # as high as its shape makes it, up to twice its own size.
    for width in (400, 900):
        projector.get("data:text/html,<!DOCTYPE html><title>notebook</title>")
        drawn = projector.execute_script(
            "document.body.innerHTML = arguments[0]; var svg = document.querySelector('svg');"
            "var r = svg.getBoundingClientRect(), v = svg.viewBox.baseVal;"
            "return [r.width, r.height, v.width, v.height];",
            f'<div style="width: {width}px">{svg}</div>')
        assert drawn[0] == pytest.approx(width, abs=1)
        assert drawn[1] == pytest.approx(width * drawn[3] / drawn[2], abs=2)


def test_every_slide_is_drawn_at_one_scale(tmp_path, projector):
    need("dot")
    path = backward_steps(lecture()).save_html(tmp_path / "pass.html")
    projector.get(path.as_uri())
    scales = projector.execute_script(
        "return Array.prototype.map.call(document.querySelectorAll('.slide'), function (slide) {"
        "  slide.hidden = false; var svg = slide.querySelector('svg'), r = svg.getBoundingClientRect();"
        "  var v = svg.viewBox.baseVal, s = Math.min(r.width / v.width, r.height / v.height);"
        "  slide.hidden = true; return s; });")
    assert len(scales) == 7 and max(scales) - min(scales) < 0.01 * max(scales)  # no zooming between steps


# -- the legend and the direction -------------------------------------------------------------------

# How the drawing shows each state the legend names (the DOT attributes the legend's swatch stands for).
DRAWN_AS = {
    "step": {"color": RED},
    "waiting": {"color": COLOURS["dimmed"]},
    "ready passing": {},  # plain: black outline, white
    "done": {"fillcolor": COLOURS["done"]},
    "constant": {"style": "dashed"},
}


def attributes(line: str) -> dict[str, str]:
    """The attributes on one node's line of DOT, e.g. {'color': '#d62728', 'style': 'filled'}."""
    return {key: value.strip('"') for key, value in re.findall(r'(\w+)=("[^"]*"|\S+?)(?=[ \]])', line)}


def test_the_legend_names_every_state_a_node_is_drawn_in():
    from micrograd_like.pages.slideshow import LEGEND, legend

    assert [states for states, _, _ in LEGEND] == list(DRAWN_AS)
    a, b, f = Value(2.0, label="a"), Value(-3.0, label="b"), Value(-2.0, label="f")
    with_a_constant = (a * b + 10) * f  # 10.0 is a constant: it takes no gradient
    for root in (lecture(), with_a_constant):
        steps = backward_steps(root)
        for position in range(len(steps) + 1):
            steps.goto(position)
            drawing = steps.draw()
            lines = {line.split(" [")[0].strip(): line for line in drawing.source.splitlines() if " [" in line}
            step = steps.current
            current = {steps.root} if step is None else {step.node, step.parent}
            for node, name in drawing.names.items():
                state = "step" if node in current else steps.status(node)
                (entry,) = [states for states in DRAWN_AS if state in states.split()]  # the legend names it
                drawn = attributes(lines[name])
                assert all(drawn.get(key) == value for key, value in DRAWN_AS[entry].items()), (position, state)
                if entry == "ready passing":  # drawn white, as its swatch: no colour, no fill
                    assert not {"color", "fillcolor"} & set(drawn) and "dashed" not in drawn.get("style", "")
    # The page's legend has the states its pass draws: the lecture has no constant.
    entries = legend({"step", "waiting", "ready", "done"})
    assert "white: gradient complete, still to pass back" in entries and "dashed" not in entries
    assert "dashed: a constant" in legend({"constant"})


def test_the_slideshow_legend_names_the_ready_state(tmp_path):
    need("dot")
    page = backward_steps(lecture()).save_html(tmp_path / "pass.html").read_text(encoding="utf-8")
    states = re.findall(r'data-states="([^"]+)"', page)
    assert states == ["step", "waiting", "ready passing", "done"]


def test_the_direction_is_the_one_that_fits_a_projector():
    from micrograd_like.drawing.projector import rankdir_for
    from micrograd_like.nn import Neuron

    assert rankdir_for(lecture()) == "LR"  # as in the lecture
    x = Value(0.3, label="x")
    chain = x
    for _ in range(8):
        chain = chain.tanh()
    assert rankdir_for(chain) == "LR"  # long and thin: across the screen
    neuron = Neuron(8)([Value(float(i), label=f"x{i}") for i in range(8)])
    assert rankdir_for(neuron) == "TB"  # a weighted sum of 17 operands: down the screen, the inputs in a row


def test_a_zoomed_slideshow_explains_the_cut_corners_of_an_operand_drawn_without_its_inputs(tmp_path):
    """Zoomed to each step, an operand made by an operation is drawn with its corners cut
    (style=diagonals): the page's legend says what that means; a whole-graph page does not."""
    need("dot")
    steps = backward_steps(lecture())
    zoomed = steps.save_html(tmp_path / "zoomed.html", around=True).read_text(encoding="utf-8")
    whole = steps.save_html(tmp_path / "whole.html", around=False).read_text(encoding="utf-8")
    assert "cut corners: made by an operation not drawn here" in zoomed
    assert "cut corners" not in whole


# -- without Graphviz: the page draws itself ---------------------------------------------------------


@pytest.fixture
def no_layout(monkeypatch):
    """Python can lay nothing out: neither dot nor graphviz-pure (render's finder fails)."""
    def nothing() -> str:
        raise render.GraphvizNotFoundError()

    monkeypatch.setattr(render, "layout_program", nothing)


def drawn_in_page(browser, timeout: float = 60.0) -> None:
    """Wait until the page has drawn the slide it shows (viz.js, loaded from the page itself)."""
    from selenium.webdriver.support.ui import WebDriverWait

    WebDriverWait(browser, timeout).until(
        lambda driver: driver.execute_script("return !!document.querySelector('.slide:not([hidden]) .graph svg')"))


SLIDE_LABELS = """
return Array.prototype.map.call(document.querySelectorAll('.slide'), function (slide) {
  return Array.prototype.map.call(slide.querySelectorAll('g.node'), function (g) {
    return Array.prototype.map.call(g.querySelectorAll('text'), function (t) { return t.textContent; }).join('|');
  }).sort(); });
"""


def test_without_graphviz_the_slideshow_draws_its_slides_in_the_page(tmp_path, browser, no_layout):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    from micrograd_like.drawing.in_browser import dot_available

    assert not dot_available()
    path = backward_steps(lecture()).save_html(tmp_path / "pass.html")
    page = path.read_text(encoding="utf-8")
    assert page.count(" data-dot=") == 7 and "<svg" not in page.split("<main>")[1].split("</main>")[0]
    assert 'id="micrograd-like-viz"' in page and "http://" not in page.split("<body")[1].split("<script")[0]
    browser.get(path.as_uri())
    drawn_in_page(browser)

    def shown():
        visible, position, words, red, counter = browser.execute_script(SHOWN, RED)
        assert visible == 1
        return int(position), words, red, counter

    assert shown()[::2] == (0, ["L"])
    browser.find_element(By.ID, "next").click()
    position, words, red, counter = shown()
    assert (position, red, counter) == (1, ["L", "d"], "step 1 of 6")
    assert words.startswith("step 1/6: L = d*f sends dL/dL = 1.0 back to d")
    body = browser.find_element(By.TAG_NAME, "body")
    body.send_keys(Keys.ARROW_RIGHT)
    body.send_keys(Keys.ARROW_RIGHT)
    assert shown()[::2] == (3, ["d", "e"])
    body.send_keys(Keys.END)
    assert shown()[::2] == (6, ["b", "e"])
    # every slide drawn, each with every value's words, all at one scale
    labels = browser.execute_script(SLIDE_LABELS)
    assert len(labels) == 7 and all(len(slide) == 10 for slide in labels)  # 7 values, 3 operations
    assert {"a|data 2.0000|grad 0.0000", "L|data -8.0000|grad 1.0000"} <= set(labels[0])
    assert {"a|data 2.0000|grad 6.0000", "b|data -3.0000|grad -4.0000"} <= set(labels[-1])
    # nothing fetched: Graphviz came with the page
    assert browser.execute_script("return performance.getEntriesByType('resource')"
                                  ".filter(e => !e.name.startsWith('blob:')).length") == 0


def test_a_page_drawn_without_graphviz_shows_what_dots_page_shows(tmp_path, projector, monkeypatch):
    """The same words on each slide's drawing, the same arrangement, the same scale on every slide,
    as legible on a projector: only who laid the drawings out differs."""
    need("dot")
    steps = backward_steps(lecture())
    by_dot = steps.save_html(tmp_path / "dot.html")
    monkeypatch.setattr(render, "layout_program", lambda: (_ for _ in ()).throw(render.GraphvizNotFoundError()))
    in_page = steps.save_html(tmp_path / "in-page.html")
    looks = []
    for path in (by_dot, in_page):
        projector.get(path.as_uri())
        drawn_in_page(projector)
        sizes = projector.execute_script(FIT)
        scales = projector.execute_script(  # each slide shown alone, as the page shows it
            "var slides = Array.prototype.slice.call(document.querySelectorAll('.slide'));"
            "return slides.map(function (slide) {"
            "  slides.forEach(function (other) { other.hidden = other !== slide; });"
            "  var svg = slide.querySelector('svg'), r = svg.getBoundingClientRect(), v = svg.viewBox.baseVal;"
            "  return Math.min(r.width / v.width, r.height / v.height); });")
        arranged = projector.execute_script("return document.body.className")
        looks.append((projector.execute_script(SLIDE_LABELS), arranged, sizes, scales))
    (dot_labels, dot_arrangement, dot_sizes, dot_scales), (labels, arrangement, sizes, scales) = looks
    assert labels == dot_labels and arrangement == dot_arrangement
    # No zooming between steps (a drawing that fills the height is a little larger on a slide of
    # fewer words: viz.js, measuring text its own way, draws this one taller than dot does).
    assert max(scales) - min(scales) < 0.02 * max(scales)
    assert sizes["smallest"] >= 14 and sizes["smallest"] == pytest.approx(dot_sizes["smallest"], rel=0.15)
    width, height = sizes["page"][4], sizes["page"][5]
    assert sizes["page"][0] <= sizes["page"][1] and inside(sizes["drawing"], width, height)


def test_without_graphviz_a_big_pass_draws_each_step_when_it_is_shown(tmp_path, browser, no_layout):
    from selenium.webdriver.common.keys import Keys

    from micrograd_like.nn import Neuron

    root = Neuron(4, seed=1)([Value(float(i), label=f"x{i}") for i in range(1, 5)])
    steps = backward_steps(root)
    path = steps.save_html(tmp_path / "pass.html")
    assert "cut corners" in path.read_text(encoding="utf-8")  # zoomed to each step, as with dot
    browser.get(path.as_uri())
    drawn_in_page(browser)
    assert browser.execute_script("return document.querySelectorAll('.graph svg').length") == 1  # the one shown
    browser.find_element("tag name", "body").send_keys(Keys.ARROW_RIGHT)
    drawn_in_page(browser)
    assert browser.execute_script("return document.querySelectorAll('.graph svg').length") == 2
    step = steps.steps[0]
    words = browser.execute_script("return document.querySelector('.slide:not([hidden]) .graph').textContent")
    assert steps.names[step.node] in words and steps.names[step.parent] in words


def test_the_page_scales_its_own_drawings_as_responsive_svg_scales_dots(tmp_path, browser, no_layout):
    """The page's script fits each drawing to its slide with the same style that
    responsive_svg gives dot's SVG: asked for the same SVG (viz.js's), both say the same."""
    from micrograd_like.drawing.svg import responsive_svg

    for around in (False, True):
        steps = backward_steps(lecture())
        path = steps.save_html(tmp_path / f"pass-{around}.html", around=around)
        browser.get(path.as_uri())
        drawn_in_page(browser)
        browser.set_script_timeout(60)
        svgs = browser.execute_async_script(
            "var done = arguments[arguments.length - 1];"
            "Promise.resolve(globalThis.__micrograd_like_viz).then(function (viz) {"
            "  done(Array.prototype.map.call(document.querySelectorAll('div.graph'), function (graph) {"
            "    return viz.renderString(graph.dataset.dot, {format: 'svg'}); })); },"
            "  function (error) { done('failed: ' + error); }).catch(function (error) { done('failed: ' + error); });")
        assert isinstance(svgs, list), svgs
        browser.execute_script("document.querySelectorAll('.slide').forEach(function (s) { s.hidden = false; })")
        styles = browser.execute_script(
            "return Array.prototype.map.call(document.querySelectorAll('div.graph > svg'),"
            " function (svg) { return svg.getAttribute('style'); })")
        assert len(svgs) == len(styles) == 7
        for svg, style in zip(svgs, styles):
            expected = re.search(r'style="([^"]*)"', responsive_svg(svg, among=None if around else svgs)).group(1)
            assert style == expected
