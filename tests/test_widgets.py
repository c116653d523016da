"""The stepper widget, driven without a browser: its buttons clicked, its slider moved."""

import re
import shutil
import sys

import pytest
from examples import lecture

from micrograd_like import Value
from micrograd_like.notebook.stepper_widget import StaticStepper, StepperWidget
from micrograd_like.pages.slideshow import LEGEND, slide_svg

pytest.importorskip("ipywidgets", reason="the widgets need ipywidgets (pip install -e '.[test]')")


def drawn():
    """The lecture's nodes and a widget over L's pass."""
    nodes = lecture()
    return nodes, nodes["L"].backward_steps().widget()


def words(widget) -> str:
    return re.sub(r"<[^>]+>", "", widget.words.value).replace("&gt;", ">")


def test_next_previous_and_reset_move_the_values_in_the_kernel():
    nodes, widget = drawn()
    assert isinstance(widget, StepperWidget) and widget.previous.disabled
    for _ in range(5):
        widget.next.click()
    assert widget.stepper.position == 5 and widget.slider.value == 5
    assert nodes["a"].grad == 6.0 and nodes["b"].grad == 0.0  # what step 5 left: a has its gradient, b not yet
    assert "step 5/6: e = a*b sends dL/de = -2.0 back to a" in words(widget)
    widget.previous.click()
    assert (widget.stepper.position, nodes["a"].grad) == (4, 0.0)
    widget.next.click()
    widget.next.click()
    assert widget.next.disabled and nodes["b"].grad == -4.0
    widget.reset.click()
    assert widget.stepper.position == 0 and widget.slider.value == 0
    assert [nodes[k].grad for k in "abcfedL"] == [0.0] * 6 + [1.0]
    assert words(widget).startswith("backward pass of L: at the start")


def test_the_slider_and_play_move_the_stepper_and_the_pace_sets_plays_interval():
    nodes, widget = drawn()
    widget.slider.value = 3
    assert widget.stepper.position == 3 and nodes["e"].grad == -2.0 and widget.play.value == 3
    widget.play.value = 4  # what the browser's Play does once per interval
    assert widget.stepper.position == 4 and nodes["c"].grad == -2.0
    widget.pace.value = 0.5
    assert widget.play.interval == 500


def test_the_drawing_follows_the_step_and_each_is_rendered_once():
    if shutil.which("dot") is None:
        pytest.skip("Graphviz's dot is not installed")
    _, widget = drawn()
    start = widget.drawing.value
    assert "<svg" in start and "grad 1.0000" in start and "grad 6.0000" not in start
    for _ in range(6):
        widget.next.click()
    assert "grad 6.0000" in widget.drawing.value  # a's gradient, drawn
    widget.reset.click()
    assert widget.drawing.value == start
    assert len(widget._rendered) == 7  # one rendering per position, kept


def test_the_drawing_is_the_slides_scaled_to_its_place():
    if shutil.which("dot") is None:
        pytest.skip("Graphviz's dot is not installed")
    _, widget = drawn()
    widget.goto(3)
    slide = slide_svg(widget.stepper, max_height="70vh")  # the projector's look, its direction
    assert slide in widget.drawing.value
    assert "width:100.00%" in slide and "max-height:min(" in slide and 'width="' not in slide.split(">")[0]
    x = Value(3.0, label="x")
    tall = (x * x).backward_steps().widget(rankdir="TB", projector=False)
    assert 'class="node"' in tall.drawing.value
    assert tall._views[False] == {"rankdir": "TB", "projector": False, "around": False}


def test_the_widget_catches_up_with_a_stepper_moved_in_code():
    nodes, widget = drawn()
    widget.stepper.goto(5)
    widget.refresh()
    assert widget.slider.value == 5 and "step 5/6" in words(widget)
    widget.next.click()
    assert widget.stepper.finished and nodes["b"].grad == -4.0


def test_a_click_acts_from_where_code_moved_the_stepper():
    nodes, widget = drawn()
    widget.next.click()  # the widget at step 1 ...
    widget.stepper.next()
    widget.stepper.next()  # ... and code moves the stepper on to step 3
    widget.next.click()
    assert (widget.stepper.position, widget.slider.value, nodes["c"].grad) == (4, 4, -2.0)
    assert "step 4/6" in words(widget)
    widget.stepper.goto(3)  # back to where the slider was, in code: the slider does not change
    widget.previous.click()
    assert (widget.stepper.position, widget.slider.value) == (2, 2) and "step 2/6" in words(widget)
    widget.stepper.goto(6)
    widget.next.click()  # at the end already: Next shows the end, never a step beyond it
    assert widget.stepper.finished and widget.next.disabled and "step 6/6" in words(widget)
    widget.stepper.goto(1)
    widget.play.playing = True  # what the browser's Play button sets: play on from step 1
    assert (widget.play.value, widget.slider.value) == (1, 1) and "step 1/6" in words(widget)


def test_shown_again_the_widget_shows_where_the_stepper_is():
    nodes, widget = drawn()
    widget.stepper.goto(4)
    bundle = widget._repr_mimebundle_()
    assert "application/vnd.jupyter.widget-view+json" in bundle
    assert widget.slider.value == 4 and "step 4/6" in words(widget) and not widget.previous.disabled


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
    assert widget.slider.value == 2 and "step 2/6" in words(widget)
    steps.widget()
    assert len(events.callbacks["post_run_cell"]) == 1  # one hook, however many widgets


def test_the_legend_is_the_slideshows_and_names_every_state_a_node_can_be_drawn_in():
    _, widget = drawn()
    legend = widget.box.children[3].value
    for _, _, state in LEGEND[:-1]:  # the lecture has no constant ...
        assert state in legend
    assert "constant" not in legend
    x = Value(3.0, label="x")
    with_a_constant = (x * 2).backward_steps().widget()
    assert LEGEND[-1][2] in with_a_constant.box.children[3].value  # ... x * 2 has one, drawn dashed
    assert "dashed" in LEGEND[-1][1]


def test_without_ipywidgets_the_static_display_says_how_to_get_the_widget(monkeypatch):
    monkeypatch.setitem(sys.modules, "ipywidgets", None)  # import ipywidgets now fails
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
    assert "(no drawing: this drawing would have" in widget.drawing.value and not widget.zoom.value
    widget.next.click()
    assert "step 1/" in words(widget)
    widget.zoom.value = True  # each step's node and operands: small whatever the graph
    assert "<svg" in widget.drawing.value and "step 1/" in words(widget)


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
    monkeypatch.setitem(sys.modules, "ipywidgets", None)  # without ipywidgets too: the same words
    with pytest.raises(error, match=words):
        steps.widget(**options)


def test_zoomed_an_operand_drawn_without_its_inputs_looks_unlike_a_constant_and_the_legend_says_so():
    nodes = lecture()
    widget = nodes["L"].backward_steps().widget(around=True)
    source = widget.stepper.draw(caption=False, around=True).source  # L = d*f: d is made by a +, not drawn
    (d_line,) = [line for line in source.splitlines() if 'label="{ d |' in line or 'label="d |' in line]
    assert "dashed" not in d_line and "diagonals" in d_line, d_line  # dashed means a constant
    legend = widget.box.children[3].value
    assert "cut corners: made by an operation not drawn here" in legend and "dashed: a constant" not in legend
    x = Value(3.0, label="x")
    with_a_constant = (x * 2).backward_steps().widget(around=True)
    assert "dashed: a constant" in with_a_constant.box.children[3].value
    assert "style=dashed" in with_a_constant.stepper.draw(caption=False, around=True).source
