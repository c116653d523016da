"""Drawing computation graphs: DOT source built in pure Python, SVG and PNG from Graphviz.

>>> from micrograd_like import Value, draw_dot
>>> a, b = Value(2.0, label="a"), Value(-3.0, label="b")
>>> c = a * b
>>> c.label = "c"
>>> print(draw_dot(c).source)
digraph {
    graph [fontname=Helvetica ordering=in rankdir=LR]
    ...
    n0 [label="{ a | data 2.0000 | grad 0.0000 }" shape=record]
    n1 [label="{ b | data -3.0000 | grad 0.0000 }" shape=record]
    n2 [label="{ c | data -6.0000 | grad 0.0000 }" shape=record]
    n2_op [label="*" ...]
    n0 -> n2_op
    n1 -> n2_op
    n2_op -> n2
}
<BLANKLINE>

As in the lecture, every Value is a record (label | data | grad) and every operation its own
small node.  Nodes are named by a counter in topological order (``n0``, ``n1``, ...), and
the parents of a node are visited in operand order, so the same graph always gives the same
source and ``a + a`` shows two edges.

Building the source needs no Graphviz program.  Rendering does: :func:`render` is the one
function that runs it (Graphviz's ``dot``, else the ``graphviz-pure`` program from PyPI),
always under a timeout.  Three views keep big graphs readable: :func:`draw_dot` with
``merge_sums=True`` (a chain of ``+`` nodes becomes one Σ node), :func:`draw_path` (only
what lies between one parameter and the output), :func:`draw_around` (one node and its
operands: one step of the chain rule) and :func:`draw_network` (one node per neuron).
Drawings above :data:`MAX_NODES` Graphviz nodes are refused unless forced.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import graphviz

from ..engine.backward import topological_order
from ..engine.ops import ADD
from ..engine.value import Value
from .dot import (
    COLOURS,
    FONT_SIZES,
    MAX_NODES,
    PROJECTOR_FONT_SIZES,
    GraphTooLargeError,
    check_label,
    check_size,
    edge_line,
    escape_record,
    escape_text,
    grad_number,
    new_drawing,
    node_line,
    number_text,
    record_label,
)
from .network import draw_network
from .render import (
    DEFAULT_TIMEOUT,
    MAX_TIMEOUT,
    Drawing,
    GraphvizNotFoundError,
    LayoutTimeoutError,
    layout_program,
    render,
)

__all__ = [
    "draw_dot",
    "draw_path",
    "draw_around",
    "draw_network",
    "Highlight",
    "Drawing",
    "render",
    "layout_program",
    "GraphvizNotFoundError",
    "GraphTooLargeError",
    "LayoutTimeoutError",
    "MAX_NODES",
    "MAX_TIMEOUT",
    "COLOURS",
]

@dataclass
class Highlight:
    """What to emphasise in a drawing (the stepper marks each step of backprop with it).

    An edge is named ``(child, i)``: the edge from ``child.parents[i]`` into ``child``.

    ``nodes``        emphasised: red outline on pale yellow (e.g. the current node and parent)
    ``edges``        emphasised edges: red and thick, with the operation they go into (the one
                     acting) and its edge out; no other operation is red
    ``done``         finished nodes: pale green
    ``dimmed``       greyed out (e.g. still waiting for their gradient)
    ``constants``    dashed outline (e.g. constants, which take no gradient)
    ``edge_labels``  extra text on an edge, e.g. ``"local -2.0 · upstream 1.0 = -2.0"``
    ``caption``      a title shown above the graph
    ``node_fields``  an extra field in a node's record, after its numbers (forward mode's
                     tangent, ``d·/da -3.0000``)
    """

    nodes: set[Value] = field(default_factory=set)
    edges: set[tuple[Value, int]] = field(default_factory=set)
    done: set[Value] = field(default_factory=set)
    dimmed: set[Value] = field(default_factory=set)
    constants: set[Value] = field(default_factory=set)
    edge_labels: dict[tuple[Value, int], str] = field(default_factory=dict)
    caption: str = ""
    node_fields: dict[Value, str] = field(default_factory=dict)


def _grad_field(v: Value, digits: int) -> str:
    """'grad 2.0000', or 'grad 2.0000 (a Value)' when the gradient can be differentiated again."""
    differentiable = " (a Value)" if isinstance(v.grad, Value) else ""
    return f"grad {number_text(grad_number(v), digits)}{differentiable}"


def _describe(v: Value) -> str:
    """A Value in words, for messages: its label, else its number."""
    return v.label or f"the Value with data {number_text(v.data)}"


# -- the graph as drawn: nodes, and the inputs of each -------------------------------------------------



@dataclass
class _View:
    order: list[Value]  # nodes to draw, parents before children
    inputs: dict[Value, list[tuple[Value, float, tuple[Value, int]]]]  # (parent, local, edge key)
    symbol: dict[Value, str]
    cut: set[Value] = field(default_factory=set)  # drawn without their inputs (path view)
    merged: set[Value] = field(default_factory=set)  # Σ nodes that stand for a chain of +


def _graph_view(root: Value, merge_sums: bool) -> _View:
    order = topological_order(root)
    inputs = {n: [(p, g, (n, i)) for i, (p, g) in enumerate(zip(n.parents, n.local_grads))] for n in order}
    symbol = {n: n.op for n in order}
    if not merge_sums:
        return _View(order, inputs, symbol)
    uses: dict[Value, int] = {}
    for n in order:
        for p in n.parents:
            uses[p] = uses.get(p, 0) + 1
    # A '+' node used once, by another '+', and not named by the user, is folded into it.
    folded, merged = set(), set()
    for n in order:
        if n.primitive is ADD:  # merge_sums folds chains of + into one Σ node
            for p in n.parents:
                if p.primitive is ADD and uses[p] == 1 and not p.label:
                    folded.add(p)
    kept = [n for n in order if n not in folded]
    for n in kept:
        if not any(p in folded for p in n.parents):
            continue
        terms: list[tuple[Value, float]] = []
        stack = list(reversed(list(zip(n.parents, n.local_grads))))
        while stack:  # flatten the chain, keeping operand order
            p, g = stack.pop()
            if p in folded:
                stack.extend(reversed([(q, g * h) for q, h in zip(p.parents, p.local_grads)]))
            else:
                terms.append((p, g))
        inputs[n] = [(p, g, (n, k)) for k, (p, g) in enumerate(terms)]
        symbol[n] = "Σ"
        merged.add(n)
    return _View(kept, {n: inputs[n] for n in kept}, symbol, merged=merged)


def _draw_view(
    view: _View,
    *,
    format: str,
    rankdir: str,
    show_local_grads: bool,
    show_grads: bool,
    highlight: Highlight | None,
    max_nodes: int,
    force: bool,
    digits: int,
    timeout: float,
    labels: dict[Value, str] | None = None,
    projector: bool = False,
    label_above: bool = False,
) -> Drawing:
    h = highlight or Highlight()
    count = len(view.order) + sum(1 for n in view.order if view.inputs[n] and n not in view.cut)
    check_size(count, max_nodes, force)
    drawing = new_drawing(rankdir, h.caption, count, max_nodes, format, timeout, projector=projector)
    op_size = (PROJECTOR_FONT_SIZES if projector else FONT_SIZES)["op"]
    names = drawing.names
    for index, node in enumerate(view.order):
        names[node] = f"n{index}"

    red, dim = COLOURS["emphasis"], COLOURS["dimmed"]
    for node in view.order:
        label = check_label(labels.get(node, node.label) if labels else node.label)
        fields = [label] if label else []
        fields.append(f"data {number_text(node.data, digits)}")
        if show_grads:
            fields.append(_grad_field(node, digits))
        if node in h.node_fields:
            fields.append(check_label(h.node_fields[node]))
        style = _node_style(node, h)
        if node in view.cut:  # drawn without its inputs: cut corners (a dashed outline is a constant)
            style["style"] = ",".join(filter(None, [style.get("style"), "diagonals"]))
        if label_above and label:
            record = _label_above(fields, rankdir)
        else:
            record = record_label(fields, rankdir, stacked=projector)
        drawing.body.append(node_line(names[node], record, shape="record", **style))

        if not view.inputs[node] or node in view.cut:
            continue
        op = names[node] + "_op"
        dimmed = node in h.dimmed and node not in h.nodes
        # The operation acting in this step is the one an emphasised edge goes into: only it is red.
        acting = any(key in h.edges for _, _, key in view.inputs[node])
        op_style = {"color": dim, "fontcolor": dim} if dimmed else {}
        if acting:
            op_style = {"color": red, "penwidth": "2"}
        drawing.body.append(node_line(
            op,
            escape_text(view.symbol[node]),
            shape="ellipse",
            style="filled",
            fillcolor=COLOURS["op_fill"],
            fontsize=op_size,
            height="0.3",
            margin="0.04,0.02",
            **op_style,
        ))
        for parent, local, key in view.inputs[node]:
            words = []
            if show_local_grads:
                words.append(f"local {number_text(local, digits)}")
            if key in h.edge_labels:
                words.append(h.edge_labels[key])
            label = escape_text("\n".join(words)) if words else None
            attrs = {}
            if key in h.edges:
                attrs.update(color=red, fontcolor=red, penwidth="2.5")
            elif dimmed or parent in h.dimmed:
                attrs.update(color=dim, fontcolor=dim)
            drawing.body.append(edge_line(names[parent], op, label, **attrs))
        out = {"color": red, "penwidth": "2.5"} if acting else {}
        if dimmed and not out:
            out = {"color": dim}
        drawing.body.append(edge_line(op, names[node], None, **out))
    return drawing


def _label_above(fields: list[str], rankdir: str) -> str:
    """A record with the label on a row of its own, above the numbers: half as wide."""
    numbers = " | ".join(escape_record(f) for f in fields[1:])
    body = f"{escape_record(fields[0])} | {{ {numbers} }}"
    return graphviz.nohtml(body if rankdir in ("LR", "RL") else f"{{ {body} }}")


def _node_style(node: Value, h: Highlight) -> dict[str, str]:
    if node in h.nodes:
        fill = COLOURS["done"] if node in h.done else COLOURS["emphasis_fill"]
        return {"color": COLOURS["emphasis"], "penwidth": "2.5", "style": "filled", "fillcolor": fill}
    if node in h.done:
        return {"style": "filled", "fillcolor": COLOURS["done"]}
    if node in h.dimmed:
        return {"color": COLOURS["dimmed"], "fontcolor": COLOURS["dimmed"]}
    if node in h.constants:
        return {"style": "dashed"}
    return {}


# -- the public drawing functions --------------------------------------------------------------------


def draw_dot(
    root: Value,
    format: str = "svg",
    rankdir: str = "LR",
    *,
    show_local_grads: bool = False,
    show_grads: bool = True,
    highlight: Highlight | None = None,
    merge_sums: bool = False,
    max_nodes: int = MAX_NODES,
    force: bool = False,
    digits: int = 4,
    timeout: float = DEFAULT_TIMEOUT,
    labels: dict[Value, str] | None = None,
    projector: bool = False,
) -> Drawing:
    """Draw ``root``'s whole graph: a record per Value (label | data | grad), a node per operation.

    Called as in micrograd and the lecture (``draw_dot(root)``, ``draw_dot(root, format="png",
    rankdir="TB")``).  ``show_local_grads`` writes each edge's local derivative on it;
    ``highlight`` emphasises, finishes or greys out nodes and edges (see :class:`Highlight`);
    ``merge_sums`` folds chains of ``+`` into one Σ node (its edges are then named
    ``(Σ node, term index)``).  ``labels`` shows other names than the Values' own labels
    (``{node: "a*b"}``), e.g. for unlabelled intermediate nodes; the Values are not changed.
    ``projector=True`` draws for slides: each value a card (name, data and grad one above the
    other), every text the same size, nodes packed closer, so that scaled to a projector's
    width the drawing stays legible (the slideshow draws this way).
    A drawing above ``max_nodes`` Graphviz nodes raises :class:`GraphTooLargeError` unless
    ``force`` is true.
    """
    if not isinstance(root, Value):
        raise TypeError(f"draw_dot() needs a Value, got {type(root).__name__}")
    view = _graph_view(root, merge_sums)
    return _draw_view(
        view,
        format=format,
        rankdir=rankdir,
        show_local_grads=show_local_grads,
        show_grads=show_grads,
        highlight=highlight,
        max_nodes=max_nodes,
        force=force,
        digits=digits,
        timeout=timeout,
        labels=labels,
        projector=projector,
    )


def draw_path(
    parameter: Value,
    root: Value,
    *,
    merge_sums: bool = True,
    rankdir: str = "LR",
    show_local_grads: bool = True,
    highlight: Highlight | None = None,
    max_nodes: int = MAX_NODES,
    force: bool = False,
    digits: int = 4,
    timeout: float = DEFAULT_TIMEOUT,
) -> Drawing:
    """Draw only the nodes through which ``parameter`` reaches ``root``: its gradient's path.

    Every node that depends on ``parameter`` and that ``root`` depends on is drawn, with its
    local derivatives on the edges (the gradient is their products, summed over the paths).
    The other operand of a product or function on the path (whose value the local
    derivative needs) is drawn greyed, with cut corners, without its own inputs; the other
    terms of a sum are left out (a sum's local derivatives are all 1).  In a neuron's fused weighted
    sum ``Σ wᵢxᵢ + b`` the partner of each operand on the path is drawn (d/dwᵢ = xᵢ,
    d/dxᵢ = wᵢ), and the other terms left out.  Sum chains are merged into Σ nodes by default.
    """
    for name, v in (("parameter", parameter), ("root", root)):
        if not isinstance(v, Value):
            raise TypeError(f"draw_path() needs a Value as {name}, got {type(v).__name__}")
    view = _graph_view(root, merge_sums)
    if parameter not in view.inputs:
        raise ValueError(f"{_describe(parameter)} is not in the graph of {_describe(root)}: no path to draw")
    on_path = {parameter}
    for node in view.order:
        if any(p in on_path for p, _, _ in view.inputs[node]):
            on_path.add(node)
    if root not in on_path:
        raise ValueError(f"{_describe(root)} does not depend on {_describe(parameter)}")
    side = set()
    for node in on_path:
        side.update(partners_off_path(node, view, on_path))
    drawn = on_path | side
    order = [n for n in view.order if n in drawn]
    inputs = {n: ([i for i in view.inputs[n] if i[0] in drawn] if n in on_path else []) for n in order}
    inputs[parameter] = []  # the path starts here
    h = highlight or Highlight(caption=f"how {_describe(parameter)} reaches {_describe(root)}")
    h.dimmed = set(h.dimmed) | side
    path_view = _View(order, inputs, view.symbol, cut={n for n in side if view.inputs[n]})
    return _draw_view(
        path_view,
        format="svg",
        rankdir=rankdir,
        show_local_grads=show_local_grads,
        show_grads=True,
        highlight=h,
        max_nodes=max_nodes,
        force=force,
        digits=digits,
        timeout=timeout,
    )


def draw_around(
    node: Value,
    format: str = "svg",
    *,
    rankdir: str = "LR",
    show_local_grads: bool = False,
    show_grads: bool = True,
    highlight: Highlight | None = None,
    digits: int = 4,
    timeout: float = DEFAULT_TIMEOUT,
    labels: dict[Value, str] | None = None,
    projector: bool = False,
) -> Drawing:
    """Draw only ``node``, the operation that made it and its operands: its neighbourhood.

    A step of backprop is one edge into ``node`` (``node`` sends its gradient back to one
    operand), so this is all a step needs, at a size that stays legible however big the
    graph around it: a neuron of eight inputs draws 18 Values, whatever the network.  An
    operand made by an operation of its own is drawn with cut corners, without its inputs
    (dashed is a constant's outline); each Value's label is written above its numbers, so long
    labels keep the drawing narrow.
    ``format``, ``show_grads``, ``highlight``, ``labels`` and ``projector`` (every text one size)
    work as in :func:`draw_dot`.
    """
    if not isinstance(node, Value):
        raise TypeError(f"draw_around() needs a Value, got {type(node).__name__}")
    operands = list(dict.fromkeys(node.parents))  # once each, in operand order (x*x has one operand)
    inputs = {p: [] for p in operands}
    inputs[node] = [(p, g, (node, i)) for i, (p, g) in enumerate(zip(node.parents, node.local_grads))]
    view = _View([*operands, node], inputs, {node: node.op}, cut={p for p in operands if p.parents})
    return _draw_view(
        view,
        format=format,
        rankdir=rankdir,
        show_local_grads=show_local_grads,
        show_grads=show_grads,
        highlight=highlight,
        max_nodes=MAX_NODES,
        force=False,
        digits=digits,
        timeout=timeout,
        labels=labels,
        projector=projector,
        label_above=True,
    )


def partners_off_path(node: Value, view: _View, on_path: set[Value]) -> list[Value]:
    """The operands off the path whose values ``node``'s local derivatives on the path need.

    Each operand on the path brings the partners its row names (:meth:`Primitive.partners
    <micrograd_like.engine.ops.Primitive.partners>`, read from its derivative in words): d(a*b)/da = b
    brings b, a sum's derivatives (all 1) bring nothing, and in a neuron's fused weighted sum
    d/dwᵢ = xᵢ brings xᵢ.  A node made by a closure has no derivatives in words: all of its
    operands off the path are drawn.
    """
    parents, primitive = node.parents, node.primitive
    if primitive is None:
        return [p for p, _, _ in view.inputs[node] if p not in on_path]
    needed = sorted({j for i, p in enumerate(parents) if p in on_path for j in primitive.partners(i)})
    return [parents[j] for j in needed if parents[j] not in on_path]
