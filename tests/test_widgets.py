"""The stepper widget, driven without a browser: its buttons clicked, its slider moved."""

import re
import shutil
import sys

import pytest
from examples import lecture

from micrograd_like import Value, backward_steps
from micrograd_like.widgets import LEGIBLE_WIDTH, StaticStepper, StepperWidget

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
    assert "<svg" in start and "max-width:100%" in start
    assert "grad 1.0000" in start and "grad 6.0000" not in start
    for _ in range(6):
        widget.next.click()
    assert "grad 6.0000" in widget.drawing.value  # a's gradient, drawn
    widget.reset.click()
    assert widget.drawing.value == start
    assert len(widget._rendered) == 7  # one rendering per position, kept


def test_a_wide_graph_is_laid_out_top_to_bottom_a_small_one_left_to_right():
    if shutil.which("dot") is None:
        pytest.skip("Graphviz's dot is not installed")
    _, lecture_widget = drawn()
    assert lecture_widget._draw_options["rankdir"] == "TB"
    width = float(re.search(r'<svg width="(\d+)px"', lecture_widget.drawing.value).group(1))
    assert width * 3 / 4 <= LEGIBLE_WIDTH  # 12-point text stays at 14 px or more in 880 px
    x = Value(3.0, label="x")
    small = (x * x).backward_steps().widget()
    assert small._draw_options["rankdir"] == "LR"
    assert backward_steps(x * x).widget(rankdir="LR")._draw_options["rankdir"] == "LR"


def test_the_widget_catches_up_with_a_stepper_moved_in_code():
    nodes, widget = drawn()
    widget.stepper.goto(5)
    widget.refresh()
    assert widget.slider.value == 5 and "step 5/6" in words(widget)
    widget.next.click()
    assert widget.stepper.finished and nodes["b"].grad == -4.0


def test_the_legend_names_every_state_a_node_can_be_drawn_in():
    _, widget = drawn()
    legend = widget.box.children[2].value
    for state in ("this step", "done", "ready", "waiting", "constant"):
        assert state in legend


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
    widget = y.backward_steps().widget(max_nodes=10)
    assert "(no drawing: this drawing would have" in widget.drawing.value
    widget.next.click()
    assert "step 1/" in words(widget)
