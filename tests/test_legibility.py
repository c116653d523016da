"""A pass too big to read whole on a projector is shown one step at a time.

The whole graph, scaled to the width of a slide or a notebook, draws its values' text smaller
the more values it has: at 1024×768 a neuron of two inputs is already under 14 px in JupyterLab.
The slides, the stepper widget and the quiz widget then draw each step's node and operands
(``around=True``), large; the whole graph stays one option (or click) away.
"""

import re

import pytest
from examples import lecture, micrograd_readme
from helpers import need

from micrograd_like import Value
from micrograd_like.drawing.projector import BELOW, BESIDE, LEGIBLE, NOTEBOOK, fit, text_size
from micrograd_like.drawing.svg import svg_size as _size
from micrograd_like.pages.slideshow import slide_options
from micrograd_like.teach.stepper import backward_steps


def neuron(inputs: int) -> Value:
    """The lecture's neuron o = tanh(x1*w1 + ... + b), every leaf labelled."""
    n = Value(6.88, label="b")
    for i in range(1, inputs + 1):
        n = Value(float(i), label=f"x{i}") * Value(0.5 - i, label=f"w{i}") + n
    n.label = "n"
    o = n.tanh()
    o.label = "o"
    return o


def tanh_from_exp() -> Value:
    """The lecture's second neuron, its tanh written as (e - 1)/(e + 1) with e = exp(2n)."""
    x1, x2 = Value(2.0, label="x1"), Value(0.0, label="x2")
    w1, w2, b = Value(-3.0, label="w1"), Value(1.0, label="w2"), Value(6.88, label="b")
    n = x1 * w1 + x2 * w2 + b
    n.label = "n"
    e = (2 * n).exp()
    o = (e - 1) / (e + 1)
    o.label = "o"
    return o


def fused_neuron(inputs: int) -> Value:
    """``nn.Neuron(inputs)`` on labelled inputs: its sum is one weighted-sum node (Σ)."""
    from micrograd_like.nn import Neuron

    return Neuron(inputs, seed=1)([Value(float(i), label=f"x{i}") for i in range(1, inputs + 1)])


GRAPHS = {
    "lecture": lambda: lecture()["L"],
    "nn.Neuron(3)": lambda: fused_neuron(3),
    "neuron of 2": lambda: neuron(2),
    "neuron of 4": lambda: neuron(4),
    "tanh from exp": tanh_from_exp,
    "micrograd's README": lambda: micrograd_readme()[2],
}


@pytest.mark.parametrize("name", GRAPHS)
def test_the_text_size_estimate_agrees_with_graphviz(name):
    """The estimate (made without Graphviz) against the widest drawing Graphviz lays out over the
    pass (its edge labels included): close for a graph of plain operations, on the safe side
    (smaller) for a weighted sum, never much larger."""
    need("dot")
    steps = backward_steps(GRAPHS[name]())
    options = slide_options(steps, {"around": False})
    widest = max((_size(steps.goto(p).draw(caption=False, **options).svg()) for p in range(len(steps) + 1)),
                 key=lambda size: size[0])
    for spaces in ((BELOW, BESIDE), (NOTEBOOK,)):
        laid_out = 16 * min(2.0, max(fit(widest, space) for space in spaces))
        estimated = text_size(steps.root, spaces, steps.names, rankdir=options["rankdir"],
                              edge_label=steps._widest_edge_label())
        low = 0.7 if "Neuron(" in name else 0.95
        assert low * laid_out <= estimated <= 1.2 * laid_out, (spaces, widest, estimated, laid_out)


def test_a_pass_too_big_to_read_whole_is_drawn_one_step_at_a_time():
    def zoomed(root, spaces=(BELOW, BESIDE), **options):
        return slide_options(backward_steps(root), options, spaces)["around"]

    assert not zoomed(lecture()["L"])  # 7 values on a slide: whole, 16 px
    assert zoomed(lecture()["L"], (NOTEBOOK,))  # a notebook is narrower: 13 px with a step's edge label
    for big in (neuron(2), neuron(4), tanh_from_exp(), micrograd_readme()[2], fused_neuron(4)):
        assert zoomed(big) and zoomed(big, (NOTEBOOK,))
        assert not zoomed(big, around=False)  # asked for: the whole graph, however small
    assert zoomed(lecture()["L"], around=True)
    # The estimate follows a direction given, the reverse ones included.
    root = neuron(3)
    by_direction = {rankdir: text_size(root, rankdir=rankdir) for rankdir in ("LR", "RL", "TB", "BT")}
    assert by_direction["LR"] == by_direction["RL"] != by_direction["TB"] == by_direction["BT"]
    # A bad one is the drawing's to refuse, with its own words, once the view is decided.
    steps = backward_steps(neuron(4))
    for around in (None, False):
        options = slide_options(steps, {"rankdir": "XY", "around": around})
        with pytest.raises(ValueError, match="rankdir"):
            steps.draw(**options)
    assert text_size(neuron(4), (NOTEBOOK,)) < LEGIBLE <= text_size(lecture()["L"], (NOTEBOOK,))


def drawn_labels(svg: str) -> set[str]:
    """The first line (the name) of every value drawn in an SVG of Graphviz's."""
    names = set()
    for group in re.findall(r'<g id="node\d+" class="node">(.*?)</g>', svg, flags=re.S):
        texts = re.findall(r"<text[^>]*>([^<]*)</text>", group)
        if any(t.startswith("data") for t in texts):
            names.add(texts[0])
    return names


def test_the_slides_of_a_big_pass_show_each_steps_node_and_operands(tmp_path):
    need("dot")
    steps = backward_steps(neuron(4))
    frames = [path.read_text(encoding="utf-8") for path in steps.save_svgs(tmp_path / "frames")]
    assert len(frames) == len(steps) + 1
    assert drawn_labels(frames[0]) == {"o", "n"}  # the start: the output and its operand
    for step, frame in zip(steps.steps, frames[1:]):
        shown = drawn_labels(frame)
        assert steps.names[step.node] in shown and steps.names[step.parent] in shown
        assert len(shown) <= 3  # a node and its (at most two) operands, not the 18 values
    page = steps.save_html(tmp_path / "pass.html").read_text(encoding="utf-8")
    assert page.count('class="slide"') == len(steps) + 1 and ">x1<" in page  # x1 appears, at its step
    whole = steps.save_svgs(tmp_path / "whole", around=False)[0].read_text(encoding="utf-8")
    assert {"x1", "w4", "b", "o"} <= drawn_labels(whole)
    small = backward_steps(lecture()["L"])  # a pass asked to zoom, although it is small
    assert small.save_html(tmp_path / "lecture.html", around=True).exists()


def test_the_stepper_widget_starts_zoomed_on_a_big_pass_and_the_toggle_shows_it_whole():
    pytest.importorskip("anywidget")
    need("dot")
    widget = backward_steps(neuron(3)).widget()
    assert widget.zoom and drawn_labels(widget.svg) == {"o", "n"}
    widget.position += 1  # Next
    assert drawn_labels(widget.svg) == {"o", "n"}
    widget.zoom = False
    assert {"x1", "x3", "w3", "b", "o"} <= drawn_labels(widget.svg)
    widget.position += 1  # the view stays as chosen
    assert {"x1", "x3"} <= drawn_labels(widget.svg) and "step 2/" in widget.words
    widget.zoom = True
    assert len(drawn_labels(widget.svg)) <= 3
    assert not backward_steps(lecture()["L"]).widget(around=False).zoom
    assert not backward_steps(neuron(3)).widget(around=False).zoom


def test_the_quiz_widget_on_a_big_pass_shows_the_questions_node_and_operands():
    pytest.importorskip("anywidget")
    need("dot")
    from micrograd_like.teach.quiz import Quiz

    quiz = Quiz(backward_steps(neuron(4)), ask="local")
    drawing = quiz.widget().svg
    step = quiz.question.step
    assert drawn_labels(drawing) == {quiz.stepper.names[step.node], quiz.stepper.names[step.parent]}
    assert "1 - tanh" not in drawing  # the answer is not drawn
