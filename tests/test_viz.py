"""Drawing graphs: the DOT source (pure Python) and the SVG that Graphviz makes of it.

SVG is checked parsed as XML (texts, node and edge counts, colours), never byte for byte:
layouts differ between Graphviz versions.
"""

import os
import re
import shutil
import xml.etree.ElementTree as ET
from types import SimpleNamespace

import graphviz
import pytest
from examples import lecture
from helpers import need_dot, slow_layout

from micrograd_like import Value
from micrograd_like.drawing import dot, graphs, render
from micrograd_like.drawing.graphs import (
    COLOURS,
    Drawing,
    GraphTooLargeError,
    GraphvizNotFoundError,
    Highlight,
    draw_around,
    draw_dot,
    draw_network,
    draw_path,
)
from micrograd_like.nn.activations import TABLE
from micrograd_like.teach.expression import parse

SVG = "{http://www.w3.org/2000/svg}"
NEURON = "tanh(x1*w1 + x2*w2 + b)"
NEURON_VALUES = {"x1": 2.0, "x2": 0.0, "w1": -3.0, "w2": 1.0, "b": 6.8813735870195432}


def parse_svg(text):
    tree = ET.fromstring(text)
    groups = {}
    for g in tree.iter(f"{SVG}g"):
        groups.setdefault(g.get("class"), []).append(g)
    return tree, groups


def texts(element):
    return [t.text for t in element.iter(f"{SVG}text") if t.text]


def title(group):
    return group.find(f"{SVG}title").text


def lecture_neuron():
    o = parse(NEURON, NEURON_VALUES)
    o.backward()
    return o


# -- the DOT source ----------------------------------------------------------------------------------


def test_every_value_is_a_record_and_every_operation_a_node():
    o = lecture_neuron()
    source = draw_dot(o).source
    assert source.count("shape=record") == 10  # 5 inputs, 2 products, 2 sums, tanh
    assert source.count("shape=ellipse") == 5
    assert source.count(" -> ") == 9 + 5  # one edge per operand, one from each operation
    assert '"{ x1 | data 2.0000 | grad -1.5000 }"' in source
    assert '"{ data 0.7071 | grad 1.0000 }"' in source


def test_the_same_graph_gives_the_same_source():
    assert draw_dot(lecture_neuron()).source == draw_dot(lecture_neuron()).source


def test_a_reused_operand_gives_one_edge_per_use():
    a = Value(3.0, label="a")
    source = draw_dot(a + a).source
    assert source.count("n0 -> n1_op") == 2


def test_nodes_with_many_parents_get_one_edge_each():
    # Any number of operands: a Σ node from a merged chain of ten additions.
    xs = [Value(float(i), label=f"x{i}") for i in range(10)]
    total = xs[0]
    for x in xs[1:]:
        total = total + x
    source = draw_dot(total, merge_sums=True).source
    assert source.count("Σ") == 1
    assert source.count("shape=ellipse") == 1
    assert source.count(" -> ") == 10 + 1


def test_merging_keeps_labelled_and_shared_sums():
    a, b, c = Value(1.0, label="a"), Value(2.0, label="b"), Value(3.0, label="c")
    shared = a + b
    y = (shared + c) * shared  # shared is used twice: it must stay visible
    assert draw_dot(y, merge_sums=True).source.count("Σ") == 0
    named = a + b
    named.label = "s"
    assert draw_dot(named + c, merge_sums=True).source.count("Σ") == 0
    assert draw_dot(a + b + c, merge_sums=True).source.count("Σ") == 1


def test_top_to_bottom_keeps_the_fields_side_by_side():
    source = draw_dot(Value(1.0, label="a") * 2, rankdir="TB").source
    assert "rankdir=TB" in source
    assert '"a | data 1.0000 | grad 0.0000"' in source


def test_local_derivatives_on_the_edges():
    a, b = Value(2.0, label="a"), Value(-3.0, label="b")
    source = draw_dot(a * b, show_local_grads=True).source
    assert 'n0 -> n2_op [label="local -3.0000"]' in source
    assert 'n1 -> n2_op [label="local 2.0000"]' in source


def test_numbers_too_small_or_large_for_four_decimals_switch_to_e_notation():
    assert "data 1.235e-05" in draw_dot(Value(1.2346e-5)).source
    assert "data 1.235e+07" in draw_dot(Value(1.2346e7)).source


def test_micrograd_and_lecture_calls_keep_working():
    o = lecture_neuron()
    drawing = draw_dot(o, format="png", rankdir="TB")
    assert isinstance(drawing, graphviz.Digraph)
    assert drawing.format == "png"
    assert isinstance(draw_dot(o), Drawing)


def test_bad_arguments_are_refused():
    with pytest.raises(TypeError, match="needs a Value"):
        draw_dot(3.0)
    with pytest.raises(ValueError, match="rankdir"):
        draw_dot(Value(1.0), rankdir="sideways")
    with pytest.raises(ValueError, match="format"):
        draw_dot(Value(1.0), format="gif")


def test_a_large_graph_is_refused_with_advice_unless_forced():
    x = Value(0.5, label="x")
    y = x
    for _ in range(1100):  # 1 + 2 * 1,100 values (each constant is one) + 1,100 operations
        y = y * 1.0001
    with pytest.raises(GraphTooLargeError, match="3,301 Graphviz nodes") as caught:
        draw_dot(y)
    for advice in ("merge_sums=True", "draw_path", "draw_network", "force=True"):
        assert advice in str(caught.value)
    forced = draw_dot(y, force=True).source
    for limit in ("nslimit=", "nslimit1=", "mclimit="):
        assert limit in forced
    assert "nslimit" not in draw_dot(x * 2).source


# -- highlighting: the contract the stepper builds on -----------------------------------------------


def test_highlight_marks_nodes_edges_and_caption_in_the_source():
    a, b = Value(2.0, label="a"), Value(-3.0, label="b")
    c = a * b
    h = Highlight(nodes={c}, edges={(c, 1)}, done={a}, dimmed={b}, edge_labels={(c, 0): "local -3.0"}, caption="step")
    source = draw_dot(c, highlight=h).source
    lines = {line.split(" [")[0].strip(): line for line in source.splitlines() if " [" in line}
    assert COLOURS["done"] in lines["n0"]
    assert COLOURS["dimmed"] in lines["n1"]
    assert COLOURS["emphasis"] in lines["n2"]
    assert 'n0 -> n2_op [label="local -3.0"]' in source
    assert f'n1 -> n2_op [color="{COLOURS["emphasis"]}"' in source
    assert "label=step labelloc=t" in source


def test_highlight_colours_are_all_different():
    names = ("emphasis", "emphasis_fill", "done", "dimmed", "op_fill")
    assert len({COLOURS[name] for name in names}) == len(names)


def test_labels_with_record_syntax_are_escaped():
    label = 'a|b {c} <d> "e" f\\g'
    source = draw_dot(Value(1.0, label=label) * 2).source
    assert r'"{ a\|b \{c\} \<d\> \"e\" f\\g | data 1.0000' in source


# -- the SVG, from Graphviz ---------------------------------------------------------------------------


def test_svg_of_the_lecture_neuron():
    need_dot()
    svg = draw_dot(lecture_neuron()).svg()
    tree, groups = parse_svg(svg)
    assert len(groups["node"]) == 15
    assert len(groups["edge"]) == 14
    words = texts(tree)
    for expected in ("x1", "data 2.0000", "grad -1.5000", "tanh", "data 0.7071", "grad 1.0000"):
        assert expected in words


def test_svg_shows_the_highlight_colour():
    need_dot()
    a, b = Value(2.0, label="a"), Value(-3.0, label="b")
    c = a * b
    svg = draw_dot(c, highlight=Highlight(nodes={c}, edges={(c, 0)}, done={a}, caption="step 1")).svg()
    tree, groups = parse_svg(svg)
    nodes = {title(g): g for g in groups["node"]}
    outline = nodes["n2"].find(f"{SVG}polygon")
    assert outline.get("stroke") == COLOURS["emphasis"]
    assert outline.get("fill") == COLOURS["emphasis_fill"]
    assert nodes["n0"].find(f"{SVG}polygon").get("fill") == COLOURS["done"]
    assert nodes["n1"].find(f"{SVG}polygon").get("stroke") == "black"
    edges = {title(g): g for g in groups["edge"]}
    assert edges["n0->n2_op"].find(f"{SVG}path").get("stroke") == COLOURS["emphasis"]
    assert edges["n1->n2_op"].find(f"{SVG}path").get("stroke") == "black"
    assert "step 1" in texts(tree)


def test_escaped_labels_come_out_whole():
    need_dot()
    label = 'a|b {c} <d> "e" f\\g'
    tree, _ = parse_svg(draw_dot(Value(1.0, label=label) * 2).svg())
    assert label in texts(tree)


def test_save_writes_svg_png_and_dot_and_returns_the_path(tmp_path):
    need_dot()
    drawing = draw_dot(lecture_neuron())
    svg = drawing.save(tmp_path / "g.svg")
    assert svg == (tmp_path / "g.svg").resolve()
    parse_svg(svg.read_text())
    assert drawing.save(tmp_path / "g.png").read_bytes().startswith(b"\x89PNG")
    assert drawing.save(tmp_path / "g.dot").read_text() == drawing.source
    with pytest.raises(ValueError, match="unknown format 'gif'"):
        drawing.save(tmp_path / "g.gif")


def test_jupyter_shows_svg():
    need_dot()
    bundle = draw_dot(Value(1.0) * 2)._repr_mimebundle_()
    parse_svg(bundle["image/svg+xml"])


def test_jupyter_shrinks_a_wide_drawing_to_the_page_and_leaves_the_svg_as_it_is():
    need_dot()
    x = Value(0.5, label="x")
    y = x
    for _ in range(12):
        y = (y * 1.5).tanh()
    drawing = draw_dot(y)
    svg = drawing.svg()
    width = float(re.search(r'<svg width="([\d.]+)pt"', svg).group(1))
    assert width * 4 / 3 > 1024  # wider than a projector's page
    bundle = drawing._repr_mimebundle_()
    assert bundle["image/svg+xml"] == svg  # the picture itself, and what .svg() and saved files are, unchanged
    page = bundle["text/html"]
    assert page == drawing._repr_html_()
    opening = re.search(r"<svg[^>]*>", page).group(0)
    assert 'width="' not in opening and "width:100.00%" in opening  # as wide as the page ...
    assert f"max-width:{width * 4 / 3:.0f}px" in opening  # ... never wider than its own size
    assert re.search(r"aspect-ratio:[\d.]+/[\d.]+", opening)  # its height follows
    parse_svg(page[page.index("<svg"):page.rindex("</svg>") + 6])


# -- without Graphviz ---------------------------------------------------------------------------------


@pytest.fixture
def no_graphviz(monkeypatch):
    """Neither dot nor graphviz-pure can be found."""
    monkeypatch.setattr(render.shutil, "which", lambda *args, **kwargs: None)


def test_missing_dot_gives_the_install_hint(no_graphviz):
    drawing = draw_dot(Value(1.0) * 2)
    with pytest.raises(GraphvizNotFoundError) as caught:
        drawing.svg()
    assert isinstance(caught.value, RuntimeError)
    for how in ("apt-get install graphviz", "brew install graphviz", "pip install graphviz-pure"):
        assert how in str(caught.value)
    assert "digraph" in drawing.source  # the DOT source still works


def test_missing_dot_in_jupyter_is_the_hint_as_text(no_graphviz):
    drawing = draw_dot(Value(1.0) * 2)
    bundle = drawing._repr_mimebundle_()
    assert list(bundle) == ["text/plain"]
    assert "apt-get install graphviz" in bundle["text/plain"]
    assert drawing._repr_svg_() is None


def test_graphviz_pure_renders_when_dot_is_missing(monkeypatch):
    real_which = shutil.which
    if (
        real_which("graphviz-pure") is None
        and real_which("graphviz-pure", path=render.sysconfig.get_path("scripts")) is None
    ):
        if os.environ.get("CI"):
            pytest.fail("graphviz-pure is not installed (the test extra installs it)")
        pytest.skip("graphviz-pure is not installed (pip install graphviz-pure)")
    monkeypatch.setattr(render.shutil, "which", lambda name, **kw: None if name == "dot" else real_which(name, **kw))
    assert render.layout_program().endswith("graphviz-pure")
    tree, groups = parse_svg(draw_dot(lecture_neuron()).svg())
    assert len(groups["node"]) == 15
    assert "grad -1.5000" in texts(tree)


def test_a_layout_that_runs_too_long_is_stopped(monkeypatch, tmp_path):
    slow_layout(monkeypatch, tmp_path)
    with pytest.raises(graphs.LayoutTimeoutError, match="0.2 s"):
        graphs.render("digraph { a }", timeout=0.2)


# -- the views for big graphs -------------------------------------------------------------------------


def tiny_mlp(sizes=(2, 3, 1)):
    """A stand-in with micrograd's shape: layers of neurons with weights w and bias b."""
    layers = []
    for layer_index, (nin, nout) in enumerate(zip(sizes, sizes[1:])):
        neurons = []
        for j in range(nout):
            w = [Value((-1) ** (i + j) * 0.1 * (i + j + 1), label=f"w{layer_index}{j}{i}") for i in range(nin)]
            b = Value(0.05 * j, label=f"b{layer_index}{j}")
            last = layer_index == len(sizes) - 2

            def call(x, w=w, b=b, last=last):
                act = sum((wi * xi for wi, xi in zip(w, x)), b)
                return act if last else act.relu()

            neurons.append(SimpleNamespace(w=w, b=b, nonlin=not last, __call__=call))
        layers.append(SimpleNamespace(neurons=neurons))

    class Neuron(SimpleNamespace):
        def __call__(self, x):
            return self.call(x)

    for layer in layers:
        layer.neurons = [Neuron(w=n.w, b=n.b, nonlin=n.nonlin, call=n.__call__) for n in layer.neurons]
    return SimpleNamespace(layers=layers)


def test_network_view_has_one_node_per_neuron():
    model = tiny_mlp((2, 16, 16, 1))
    source = draw_network(model).source
    assert len(re.findall(r"^\s*(?:in\d+|L\d+N\d+) \[", source, re.MULTILINE)) == 2 + 16 + 16 + 1
    assert source.count(" -> ") == 2 * 16 + 16 * 16 + 16
    # Numbered from 0, as the parameters' labels are: L0·N0 is layers[0].neurons[0].
    assert "L0·N0 ReLU" in source and "L2·N0 linear" in source and "L0·N15 ReLU" in source
    assert "L1·N16" not in source and "L3·N1" not in source
    assert 'label=x0' in source and 'label=x1' in source and 'label=x2' not in source
    assert COLOURS["positive"] in source and COLOURS["negative"] in source


def test_network_view_with_an_input_shows_each_neurons_output():
    model = tiny_mlp()
    x = [1.0, -2.0]
    hidden = [n(x) for n in model.layers[0].neurons]
    expected = model.layers[1].neurons[0](hidden).data
    source = draw_network(model, x).source
    assert f"out {expected:.3f}" in source
    assert all(w.grad == 0.0 for layer in model.layers for n in layer.neurons for w in n.w)
    with pytest.raises(ValueError, match="takes 2 inputs, got 3"):
        draw_network(model, [1.0, 2.0, 3.0])
    with pytest.raises(TypeError, match="layers"):
        draw_network(object())


@pytest.mark.parametrize("name", sorted(TABLE))
def test_network_view_names_each_activation_as_its_row_says(name):
    from micrograd_like.nn import MLP

    source = draw_network(MLP(2, [2, 1], activation=name, output=name, seed=0)).source
    assert f"L0·N0 {TABLE[name].drawn}" in source and f"L1·N0 {TABLE[name].drawn}" in source


def test_network_view_reads_a_duck_typed_activation():
    from micrograd_like.engine import ops

    model = tiny_mlp((2, 1))
    neuron = model.layers[0].neurons[0]
    del neuron.nonlin
    neuron.act = ops.sigmoid  # a function: named by its __name__, then by the table
    assert "L0·N0 σ" in draw_network(model).source
    neuron.act = "swish"  # a name the table does not know: drawn as it is
    assert "L0·N0 swish" in draw_network(model).source


def test_network_view_svg():
    need_dot()
    tree, groups = parse_svg(draw_network(tiny_mlp((2, 16, 16, 1))).svg())
    assert len(groups["node"]) == 35
    assert len(groups["edge"]) == 2 * 16 + 16 * 16 + 16


def test_path_view_keeps_only_what_lies_between_parameter_and_output():
    model = tiny_mlp((2, 3, 1))
    x = [Value(1.0, label="x1"), Value(-2.0, label="x2")]
    hidden = [n(x) for n in model.layers[0].neurons]
    out = model.layers[1].neurons[0](hidden)
    out.backward()
    w = model.layers[0].neurons[1].w[0]
    drawing = draw_path(w, out)
    drawn = set(drawing.names)
    assert w in drawn and out in drawn
    assert model.layers[0].neurons[0].w[0] not in drawn  # another neuron's weight: not on the path
    assert x[0] in drawn  # the other operand of w*x1: its local derivative
    assert model.layers[1].neurons[0].w[1] in drawn  # the weight the hidden neuron's output meets
    assert f"grad {w.grad:.4f}" in drawing.source
    with pytest.raises(ValueError, match="not in the graph"):
        draw_path(Value(1.0, label="stray"), out)


@pytest.mark.parametrize("fused", [True, False])
def test_path_through_a_real_neuron_keeps_the_input_each_weight_meets(fused):
    from micrograd_like.nn import Neuron

    n = Neuron(2, activation="tanh", seed=0, fused=fused)
    x = [Value(0.5, label="x0"), Value(-1.5, label="x1")]
    out = n(x)
    out.backward()
    drawing = draw_path(n.w[0], out)
    drawn = set(drawing.names)
    assert x[0] in drawn  # d(w0*x0 + w1*x1 + b)/dw0 = x0: the number the gradient needs
    assert x[1] not in drawn and n.w[1] not in drawn and n.b not in drawn  # other terms of the sum
    assert f"grad {n.w[0].grad:.4f}" in drawing.source
    assert f"local {x[0].data:.4f}" in drawing.source  # the edge from w0 carries x0
    # The other way round: the path from an input passes its weight.
    assert n.w[1] in set(draw_path(x[1], out).names)


@pytest.mark.parametrize("fused", [True, False])
def test_path_through_a_real_mlp(fused):
    from micrograd_like.nn import MLP

    model = MLP(2, [3, 1], activation="tanh", seed=1, fused=fused)
    x = [Value(1.0, label="x0"), Value(-2.0, label="x1")]
    out = model(x)
    out.backward()
    first = model.layers[0].neurons[1]
    drawn = set(draw_path(first.w[0], out).names)
    assert x[0] in drawn and x[1] not in drawn
    assert model.layers[1].neurons[0].w[1] in drawn  # the weight the hidden neuron's output meets
    assert model.layers[1].neurons[0].w[0] not in drawn
    assert model.layers[0].neurons[0].w[0] not in drawn


def test_gradients_that_are_values_are_drawn_as_their_numbers():
    x = Value(2.0, label="x")
    y = x * x * x
    y.backward(create_graph=True)
    assert isinstance(x.grad, Value)
    source = draw_dot(y).source
    assert "{ x | data 2.0000 | grad 12.0000 (a Value) }" in source  # d(x³)/dx = 3x² = 12
    assert draw_path(x, y).source.count("(a Value)") >= 1


def test_a_timeout_that_is_not_a_sensible_number_of_seconds_is_refused():
    for bad in (0, -1, float("nan"), float("inf"), 1e300, "60", True):
        with pytest.raises(ValueError, match="timeout must be a number of seconds"):
            draw_dot(Value(1.0), timeout=bad)
        with pytest.raises(ValueError, match="timeout must be a number of seconds"):
            graphs.render("digraph { a }", timeout=bad)


def test_the_size_and_time_errors_carry_their_numbers():
    y = Value(1.0)
    for _ in range(10):
        y = y + 1.0
    with pytest.raises(GraphTooLargeError) as caught:
        draw_dot(y, max_nodes=5)
    assert (caught.value.count, caught.value.limit) == (31, 5)
    assert caught.value.summary == "this drawing would have 31 Graphviz nodes (the limit is 5)"
    error = graphs.LayoutTimeoutError(2.5)
    assert error.timeout == 2.5 and error.summary.endswith("in 2.5 s") and "longer timeout" in str(error)


def test_the_lines_are_graphvizs_own_and_a_passs_drawings_share_them():
    from micrograd_like.teach.stepper import backward_steps

    L = parse("(a*b + c) * f", {"a": 2, "b": -3, "c": 10, "f": -2})
    steps = backward_steps(L).goto(3)
    source = steps.draw(show_local_grads=True).source
    # The same lines as graphviz's Digraph.node()/edge() write (what the source was built with before).
    expected = graphviz.Digraph()
    expected.node("n0", graphviz.nohtml("{ a | data 2.0000 | grad 0.0000 }"), shape="record",
                  color=COLOURS["dimmed"], fontcolor=COLOURS["dimmed"])
    expected.edge("n0", "n2_op", graphviz.nohtml("local -3.0000"), color=COLOURS["dimmed"],
                  fontcolor=COLOURS["dimmed"])
    assert all(line in source.splitlines(keepends=True) for line in expected.body), (expected.body, source)
    # Drawing every step again quotes almost nothing anew: the lines are remembered.
    dot._line.cache_clear()
    for position in range(len(steps) + 1):
        steps.goto(position).draw()
    info = dot._line.cache_info()
    assert info.hits > info.misses  # 7 drawings of 19 lines: 133 lines, 56 of them different


def test_draw_around_draws_a_node_its_operation_and_its_operands_only():
    nodes = lecture()
    d = nodes["d"]
    source = draw_around(d, highlight=Highlight(edges={(d, 0)}, edge_labels={(d, 0): "local 1.0"})).source
    records = re.findall(r'label="(?:\{ )?([^|"]+) \|', source)
    assert [r.strip() for r in records] == ["e", "c", "d"]  # not a, b, f or L
    operations = re.findall(r"^\s*n\d+_op \[", source, flags=re.M)
    assert len(operations) == 1  # only the + that made d: e is drawn without its inputs
    assert re.search(r"n0 \[[^\]]*style=diagonals", source)  # ... with cut corners to say so (dashed: a constant)
    assert 'label="local 1.0"' in source
    x = Value(3.0, label="x")
    square = x * x
    assert draw_around(square).source.count("data 3.0000") == 1  # x once, with both its edges
    assert draw_around(square).source.count("n0 -> n1_op") == 2
    with pytest.raises(TypeError, match="needs a Value"):
        draw_around(3.0)
