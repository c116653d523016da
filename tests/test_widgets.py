"""The stepper widget, driven without a browser: its position set as the page sets it, its buttons
pressed as messages, and its ES modules checked as text (tests/test_jupyterlab.py and
tests/test_marimo.py click them in a real page)."""

import re
import shutil
import subprocess
import sys

import pytest
from examples import lecture

from micrograd_like import Value
from micrograd_like.pages.slideshow import LEGEND, slide_svg

anywidget = pytest.importorskip("anywidget", reason="the widgets need anywidget (pip install -e '.[test]')")

from micrograd_like.notebook.anywidgets import StepperWidget  # noqa: E402 (needs anywidget)
from micrograd_like.notebook.stepper_widget import StaticStepper  # noqa: E402
from micrograd_like.web import modules  # noqa: E402


def drawn(**options):
    """The lecture's nodes and a widget over L's pass."""
    nodes = lecture()
    return nodes, nodes["L"].backward_steps().widget(**options)


def words(widget) -> str:
    return re.sub(r"<[^>]+>", "", widget.words).replace("&gt;", ">")


def click(widget, button: str) -> None:
    """What the page's buttons do: set ``position`` from the position the page was last sent."""
    widget.position = {"next": widget.position + 1, "previous": widget.position - 1, "reset": 0}[button]


def test_steps_widget_is_an_anywidget_whose_position_moves_the_values_in_the_kernel():
    nodes, widget = drawn()
    assert isinstance(widget, anywidget.AnyWidget) and isinstance(widget, StepperWidget)
    assert (widget.position, widget.steps) == (0, 6)
    for _ in range(5):
        click(widget, "next")
    assert widget.stepper.position == 5
    assert nodes["a"].grad == 6.0 and nodes["b"].grad == 0.0  # what step 5 left: a has its gradient, b not yet
    assert "step 5/6: e = a*b sends dL/de = -2.0 back to a" in words(widget)
    click(widget, "previous")
    assert (widget.stepper.position, nodes["a"].grad) == (4, 0.0)
    widget.position = 6  # the slider, or Python
    assert nodes["b"].grad == -4.0 and widget.stepper.finished
    click(widget, "reset")
    assert widget.stepper.position == 0
    assert [nodes[k].grad for k in "abcfedL"] == [0.0] * 6 + [1.0]
    assert words(widget).startswith("backward pass of L: at the start")


def test_the_pages_messages_press_the_buttons_from_where_the_stepper_is():
    nodes, widget = drawn()
    widget.panel.message({"press": "next"})
    assert widget.position == 1 and "step 1/6" in words(widget)
    widget.stepper.goto(4)  # code moves the stepper, and no cell has finished yet
    widget.panel.message({"press": "next"})
    assert (widget.position, nodes["c"].grad) == (5, -2.0) and "step 5/6" in words(widget)
    widget.panel.message({"press": "previous"})
    assert widget.position == 4
    widget.panel.message({"press": "reset"})
    assert widget.position == 0 and nodes["d"].grad == 0.0
    with pytest.raises(ValueError, match="the stepper's buttons are next, previous and reset, got 'fly'"):
        widget.panel.message({"press": "fly"})


def test_the_pace_is_a_synced_trait_within_its_bounds():
    _, widget = drawn()
    widget.pace = 0.5
    assert widget.panel.pace == 0.5 == widget.panel.state()["pace"]
    with pytest.raises(ValueError, match=r"pace is a number of seconds per step from 0.2 to 3.0, got 10") as refused:
        widget.pace = 10
    assert "\n" not in str(refused.value) and widget.pace == 0.5  # refused: the trait keeps its value


@pytest.mark.parametrize("trait, value, error, words", [
    ("position", "x", TypeError, "position is a whole number, the steps done \\(0 to 6\\), got 'x'"),
    ("position", 2.5, TypeError, "position is a whole number"),
    ("position", 7, ValueError, "position goes from 0 \\(the start\\) to 6 \\(every step done\\), got 7"),
    ("position", -1, ValueError, "position goes from 0"),
    ("zoom", "yes", TypeError, "zoom is True .* or False .*, got 'yes'"),
    ("pace", "fast", ValueError, "pace is a number of seconds per step"),
])
def test_a_bad_value_for_a_trait_is_refused_in_one_line_not_by_traitlets(trait, value, error, words):
    nodes, widget = drawn()
    widget.position = 3
    with pytest.raises(error, match=words) as refused:
        setattr(widget, trait, value)
    assert "\n" not in str(refused.value) and type(refused.value).__name__ != "TraitError"
    assert widget.position == widget.stepper.position == 3 and nodes["e"].grad == -2.0  # nothing moved


def test_the_drawing_follows_the_step_and_each_is_rendered_once():
    if shutil.which("dot") is None:
        pytest.skip("Graphviz's dot is not installed")
    _, widget = drawn()
    start = widget.svg
    assert start.startswith("<svg") and "grad 1.0000" in start and "grad 6.0000" not in start
    assert "digraph" in widget.dot and widget._viz == ""  # the kernel draws: no viz.js sent
    for _ in range(6):
        click(widget, "next")
    assert "grad 6.0000" in widget.svg  # a's gradient, drawn
    click(widget, "reset")
    assert widget.svg == start
    assert len(widget.panel.drawings) == 7  # one rendering per position, kept


def test_the_drawing_is_the_slides_scaled_to_its_place():
    if shutil.which("dot") is None:
        pytest.skip("Graphviz's dot is not installed")
    _, widget = drawn()
    widget.position = 3
    slide = slide_svg(widget.stepper, max_height="70vh")  # the projector's look, its direction
    assert widget.svg == slide
    assert "width:100.00%" in slide and "max-height:min(" in slide and 'width="' not in slide.split(">")[0]
    x = Value(3.0, label="x")
    tall = (x * x).backward_steps().widget(rankdir="TB", projector=False)
    assert 'class="node"' in tall.svg
    assert tall.panel._views[False] == {"rankdir": "TB", "projector": False, "around": False}


def test_without_dot_the_page_lays_the_drawing_out_from_the_dot_source(monkeypatch):
    from micrograd_like.drawing import in_browser

    monkeypatch.setattr(in_browser, "dot_available", lambda: False)
    nodes, widget = drawn()
    assert widget.svg == "" and widget.dot.startswith("digraph")
    assert widget._viz == in_browser.viz_source() and len(widget._viz) > 100_000  # viz.js, for the page
    click(widget, "next")
    assert "grad 1.0000" in widget.dot and widget.svg == "" and nodes["d"].grad == -2.0


def test_the_widget_catches_up_with_a_stepper_moved_in_code():
    nodes, widget = drawn()
    widget.stepper.goto(5)
    widget.refresh()
    assert widget.position == 5 and "step 5/6" in words(widget)
    click(widget, "next")
    assert widget.stepper.finished and nodes["b"].grad == -4.0


def test_shown_again_the_widget_shows_where_the_stepper_is_and_carries_static_html():
    nodes, widget = drawn()
    widget.stepper.goto(4)
    data = widget._repr_mimebundle_()
    assert "application/vnd.jupyter.widget-view+json" in data
    assert widget.position == 4 and "step 4/6" in words(widget)
    static = data["text/html"]  # for an exported notebook, where no widget runs
    assert "step 4/6" in static and "mgl-legend" in static
    assert shutil.which("dot") is None or "<svg" in static


def test_after_a_cell_moves_the_stepper_the_widget_shows_where_it_is(monkeypatch):
    import IPython
    from IPython.core.events import EventManager, available_events

    events = EventManager(None, available_events)  # IPython's own, as a notebook's kernel has it
    monkeypatch.setattr(IPython, "get_ipython", lambda: type("Shell", (), {"events": events})())
    steps = lecture()["L"].backward_steps()
    widget = steps.widget()
    steps.next()
    steps.next()  # a cell moves the stepper in code ...
    events.trigger("post_run_cell", None)  # ... and has run
    assert widget.position == 2 and "step 2/6" in words(widget)
    click(widget, "next")  # the page's Next goes on from there
    assert steps.position == 3
    steps.widget()
    assert len(events.callbacks["post_run_cell"]) == 1  # one hook, however many widgets


def test_the_legend_is_the_slideshows_and_names_every_state_a_node_can_be_drawn_in():
    _, widget = drawn()
    for _, _, state in LEGEND[:-1]:  # the lecture has no constant ...
        assert state in widget.legend
    assert "constant" not in widget.legend
    x = Value(3.0, label="x")
    with_a_constant = (x * 2).backward_steps().widget()
    assert LEGEND[-1][2] in with_a_constant.legend  # ... x * 2 has one, drawn dashed
    assert "dashed" in LEGEND[-1][1]


def test_without_anywidget_the_static_display_says_how_to_get_the_widget(monkeypatch):
    monkeypatch.setitem(sys.modules, "anywidget", None)  # import anywidget now fails
    monkeypatch.setitem(sys.modules, "micrograd_like.notebook.anywidgets", None)  # (even if loaded before)
    steps = lecture()["L"].backward_steps()
    static = steps.widget()
    assert isinstance(static, StaticStepper)
    assert "pip install 'micrograd_like[notebook]'" in static._repr_html_()
    assert "backward pass of L: at the start" in static._repr_html_()
    assert "pip install 'micrograd_like[notebook]'" in repr(static)


def test_a_graph_too_big_to_draw_keeps_its_words():
    x = Value(0.5, label="x")
    y = x
    for _ in range(30):
        y = y * 1.01
    widget = y.backward_steps().widget(max_nodes=10, around=False)
    assert "(no drawing: this drawing would have" in widget.note and widget.svg == "" and not widget.zoom
    click(widget, "next")
    assert "step 1/" in words(widget)
    widget.zoom = True  # each step's node and operands: small whatever the graph
    assert widget.note == "" and widget.dot.startswith("digraph") and "step 1/" in words(widget)


@pytest.mark.parametrize("options, error, words", [
    ({"around": "yes"}, TypeError, "around"),
    ({"around": 1}, TypeError, "around"),
    ({"digits": 10**6}, ValueError, "digits"),
    ({"digits": 0}, ValueError, "digits"),
    ({"digits": 2.5}, TypeError, "digits"),
    ({"digits": True}, TypeError, "digits"),
])
def test_a_bad_option_is_refused_in_one_line_naming_it_when_the_widget_is_made(options, error, words, monkeypatch):
    steps = lecture()["L"].backward_steps()
    with pytest.raises(error, match=words) as refused:
        steps.widget(**options)
    assert "\n" not in str(refused.value) and repr(next(iter(options.values()))) in str(refused.value)
    monkeypatch.setitem(sys.modules, "anywidget", None)  # without anywidget too: the same words
    monkeypatch.setitem(sys.modules, "micrograd_like.notebook.anywidgets", None)
    with pytest.raises(error, match=words):
        steps.widget(**options)


def test_zoomed_an_operand_drawn_without_its_inputs_looks_unlike_a_constant_and_the_legend_says_so():
    nodes = lecture()
    widget = nodes["L"].backward_steps().widget(around=True)
    source = widget.stepper.draw(caption=False, around=True).source  # L = d*f: d is made by a +, not drawn
    (d_line,) = [line for line in source.splitlines() if 'label="{ d |' in line or 'label="d |' in line]
    assert "dashed" not in d_line and "diagonals" in d_line, d_line  # dashed means a constant
    assert "cut corners: made by an operation not drawn here" in widget.legend
    assert "dashed: a constant" not in widget.legend
    widget.zoom = False  # the whole graph: no cut corners to explain
    assert "cut corners" not in widget.legend
    x = Value(3.0, label="x")
    with_a_constant = (x * 2).backward_steps().widget(around=True)
    assert "dashed: a constant" in with_a_constant.legend
    assert "style=dashed" in with_a_constant.stepper.draw(caption=False, around=True).source


# -- the ES modules ---------------------------------------------------------------------------------

MODEL_METHODS = {"get", "set", "save_changes", "on", "off", "send"}  # what a page's own model must offer


def test_each_widget_module_is_one_es_module_with_a_render_and_nothing_fetched():
    node = shutil.which("node")
    for name in modules.MODULES:
        text = modules.module_source(name)
        assert text.count("export default { render:") == 1, name
        assert not re.search(r"^import ", text, re.MULTILINE), f"{name}.js still imports"  # everything put in
        assert not re.search(r"https?://(?!www\.w3\.org/2000/svg)", text), f"{name}.js names an address"
        used = set(re.findall(r"\bmodel\.(\w+)\(", text))
        assert used <= MODEL_METHODS, f"{name}.js calls model.{used - MODEL_METHODS}"
        if node:  # the module parses, as a browser would (node checks the syntax)
            checked = subprocess.run([node, "--input-type=module", "--check"], input=text, text=True,
                                     capture_output=True, timeout=60)
            assert checked.returncode == 0, f"{name}.js: {checked.stderr}"
    assert StepperWidget._esm == modules.module_source("stepper")
    training = modules.module_source("training")  # imports drawing.js, and stepper.js which imports it too
    assert training.count("function mglShowDrawing(") == 1 and training.count("function renderStepper(") == 1


def test_no_two_front_end_files_declare_one_name():
    """Each module put into another's text shares its top level: no name may be declared twice."""
    files = sorted(p.stem for p in modules.FRONTEND.glob("*.js"))
    assert set(modules.MODULES) <= set(files)
    seen = {}
    for name in files:
        for declared in modules.top_level_names(name):
            assert declared not in seen, f"{declared} is declared in {seen.get(declared)}.js and {name}.js"
            seen[declared] = name
    assert "renderStepper" in seen and "mglShowDrawing" in seen  # the reader finds the declarations


# -- the quiz widget --------------------------------------------------------------------------------

def plain(html_text: str) -> str:
    import html

    return html.unescape(re.sub(r"<[^>]+>", "", html_text))


def test_the_quiz_widget_is_an_anywidget_that_passes_answers_to_the_quiz_and_shows_its_feedback():
    from micrograd_like.notebook.anywidgets import QuizWidget
    from micrograd_like.teach.quiz import Quiz

    nodes = lecture()
    quiz = Quiz(nodes["L"].backward_steps(), ask=("local", "grad"))
    widget = quiz.widget()
    assert isinstance(widget, anywidget.AnyWidget) and isinstance(widget, QuizWidget) and quiz.widget() is widget
    assert plain(widget.question) == str(quiz.question) and plain(widget.score) == "score: 0/0"
    assert (widget.feedback, widget.verdict, widget.rung) == ("", "", 0)
    widget.answer("3")  # d(d*f)/dd is f, -2: wrong, a hint
    assert widget.verdict == "hint" and widget.rung == 1 and widget.ladder[widget.rung] == "a hint"
    assert plain(widget.feedback) == widget.panel.feedback.text  # the quiz's own words
    assert "Hint: the rule is d(d*f)/dd = f" in plain(widget.feedback)
    widget.answer("-2")
    assert widget.verdict == "right" and widget.rung == 0 and plain(widget.score) == "score: 1/1"
    widget.answer("   ")  # an empty answer is not counted
    assert plain(widget.score) == "score: 1/1"
    with pytest.raises(ValueError, match="the quiz takes messages"):
        widget.panel.message({"guess": "1"})


def test_the_quiz_widget_names_the_misconception_a_wrong_answer_shows():
    from micrograd_like.teach.quiz import Quiz

    quiz = Quiz(lecture()["L"].backward_steps(), ask=("local", "grad"))
    widget = quiz.widget()
    for answer in ["-2", "-2", "4", "4"]:  # steps 1 and 2, right
        widget.answer(answer)
    assert "local derivative d(e + c)/de = ?" in plain(widget.question)
    widget.answer("-2")  # the contribution (upstream × local), not the local derivative
    misconception = widget.panel.feedback.misconception
    assert misconception is not None and widget.misconception == misconception.name == "local_with_upstream"
    assert "misconception: ${name.replaceAll(" in modules.module_source("quiz")  # the page says its name
    widget.answer("1")
    assert widget.misconception == "" and widget.verdict == "right"


def test_the_quiz_widget_finishes_and_shows_the_summary_and_the_graph():
    from micrograd_like.teach.quiz import Quiz

    quiz = Quiz(lecture()["L"].backward_steps(), ask=("local",))
    widget = quiz.widget()
    if shutil.which("dot"):
        assert widget.svg.startswith("<svg") and "#d62728" in widget.svg.lower()  # the edge asked about, in red
    for answer in ["-2", "4", "1", "1", "-3", "2"]:  # the lecture's local derivatives
        widget.answer(answer)
    assert widget.finished and "Finished." in plain(widget.question) and quiz.finished
    assert plain(widget.score).endswith("score: 6/6")
    widget.answer("1")  # after the end: ignored
    assert plain(widget.score).endswith("score: 6/6")
    data = widget._repr_mimebundle_()
    assert "Finished." in data["text/html"] and "application/vnd.jupyter.widget-view+json" in data


def test_where_the_display_has_metadata_as_in_colab_a_quiz_still_shows_as_its_widget(monkeypatch):
    from anywidget import _util

    from micrograd_like.teach.quiz import Quiz

    colab = {"application/vnd.jupyter.widget-view+json": {"colab": {"custom_widget_manager": {"url": "u"}}}}
    monkeypatch.setattr(_util, "get_repr_metadata", lambda: colab)
    _, stepper = drawn()
    data, metadata = stepper._repr_mimebundle_()  # a widget shown alone keeps Colab's metadata
    assert metadata == colab and "text/html" in data
    quiz = Quiz(lecture()["L"].backward_steps())
    shown = quiz._repr_mimebundle_()
    assert "application/vnd.jupyter.widget-view+json" in shown and shown["text/plain"].startswith("<Quiz on")
