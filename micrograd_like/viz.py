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
what lies between one parameter and the output) and :func:`draw_network` (one node per
neuron).  Drawings above :data:`MAX_NODES` Graphviz nodes are refused unless forced.
"""

from __future__ import annotations

import functools
import shutil
import subprocess
import sysconfig
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import graphviz

from .autodiff import topological_order
from .engine import Value

__all__ = [
    "draw_dot",
    "draw_path",
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

MAX_NODES = 2000
"""Above this many Graphviz nodes a drawing is refused unless ``force=True``: dot's layout
time grows much faster than the graph (1,600 nodes take about a second, 13,000 over 20 minutes),
and a few hundred nodes are already more than a person can follow."""

DEFAULT_TIMEOUT = 60.0
"""Seconds one run of the layout program may take before it is stopped."""

MAX_TIMEOUT = 86400.0
"""The longest timeout accepted, in seconds (a day): beyond it the clock cannot be trusted to stop it."""

INSTALL_SUMMARY = (
    "Graphviz's 'dot' program is needed to render the graph and was not found. Install it with "
    "'apt-get install graphviz' (Debian, Ubuntu), 'brew install graphviz' (macOS) or "
    "'pip install graphviz-pure' (any system, no compiler needed)"
)
INSTALL_HINT = INSTALL_SUMMARY + "; the DOT source (drawing.source) works without it."

COLOURS = {
    "emphasis": "#d62728",  # the node or edge being looked at: red outline, thick
    "emphasis_fill": "#fff1b8",  # ... on a pale yellow ground
    "done": "#c7e9c0",  # finished (e.g. its gradient is complete): pale green fill
    "dimmed": "#b0b0b0",  # not reached yet: grey lines and text
    "positive": "#2166ac",  # a positive weight in the neuron view: blue
    "negative": "#d6604d",  # a negative weight: orange-red
    "op_fill": "#f2f2f2",
}
"""The colours of the drawings; chosen to stay distinct for the common colour-blindnesses."""


class GraphvizNotFoundError(RuntimeError):
    """Neither Graphviz's ``dot`` nor ``graphviz-pure`` is installed; the message says how to fix it.

    :attr:`summary` is the install hint without the Python advice (the command line gives its own).
    """

    summary = INSTALL_SUMMARY

    def __init__(self, message: str = INSTALL_HINT) -> None:
        super().__init__(message)


class GraphTooLargeError(ValueError):
    """The drawing would have ``count`` Graphviz nodes, above ``limit``; the message names smaller views.

    :attr:`summary` is the fact without the advice, for callers that give their own advice
    (the command line names its options instead of Python's).
    """

    def __init__(self, count: int, limit: int) -> None:
        self.count, self.limit = count, limit
        super().__init__(
            f"{self.summary}; a person cannot follow that many. Draw a smaller view: "
            "draw_dot(root, merge_sums=True) folds sum chains into one Σ node, draw_path(parameter, root) "
            "shows only the path from one parameter, draw_network(model) shows one node per neuron; "
            "or pass force=True to draw it anyway"
        )

    @property
    def summary(self) -> str:
        return f"this drawing would have {self.count:,} Graphviz nodes (the limit is {self.limit:,})"


class LayoutTimeoutError(RuntimeError):
    """The layout program ran out of time (``timeout`` seconds); :attr:`summary` is the fact alone."""

    def __init__(self, timeout: float) -> None:
        self.timeout = timeout
        super().__init__(
            f"{self.summary}; draw a smaller view (merge_sums=True, draw_path, draw_network) "
            "or pass a longer timeout"
        )

    @property
    def summary(self) -> str:
        return f"Graphviz did not finish laying out the graph in {self.timeout:g} s"


@dataclass
class Highlight:
    """What to emphasise in a drawing (the stepper marks each step of backprop with it).

    An edge is named ``(child, i)``: the edge from ``child.parents[i]`` into ``child``.

    ``nodes``        emphasised: red outline on pale yellow (e.g. the current node and parent)
    ``edges``        emphasised edges: red and thick
    ``done``         finished nodes: pale green
    ``dimmed``       greyed out (e.g. still waiting for their gradient)
    ``edge_labels``  extra text on an edge, e.g. ``"local -2.0 · upstream 1.0 = -2.0"``
    ``caption``      a title shown above the graph
    """

    nodes: set[Value] = field(default_factory=set)
    edges: set[tuple[Value, int]] = field(default_factory=set)
    done: set[Value] = field(default_factory=set)
    dimmed: set[Value] = field(default_factory=set)
    edge_labels: dict[tuple[Value, int], str] = field(default_factory=dict)
    caption: str = ""


# -- running the layout program: the only place a program is run ---------------------------------

FORMATS = ("svg", "png")


def layout_program() -> str:
    """The path of the program that lays graphs out: ``dot``, else ``graphviz-pure``.

    Raises :class:`GraphvizNotFoundError`, whose message says how to install one, when
    neither is on the PATH (nor beside this Python, where pip puts ``graphviz-pure``).
    """
    scripts = sysconfig.get_path("scripts")
    for name in ("dot", "graphviz-pure"):
        found = shutil.which(name) or shutil.which(name, path=scripts)
        if found:
            return found
    raise GraphvizNotFoundError()


def render(source: str, format: str = "svg", *, timeout: float = DEFAULT_TIMEOUT) -> bytes:
    """Lay out DOT ``source`` and return the picture (``format`` is 'svg' or 'png').

    The program is stopped after ``timeout`` seconds (:class:`LayoutTimeoutError`).
    """
    if format not in FORMATS:
        raise ValueError(f"unknown format {format!r} (must be one of {', '.join(FORMATS)})")
    _check_timeout(timeout)
    program = layout_program()
    try:
        result = subprocess.run(
            [program, f"-T{format}"], input=source.encode("utf-8"), capture_output=True, timeout=timeout
        )
    except subprocess.TimeoutExpired:
        raise LayoutTimeoutError(timeout) from None
    if result.returncode != 0:
        message = result.stderr.decode("utf-8", "replace").strip().splitlines() or ["no message"]
        raise RuntimeError(f"{Path(program).name} failed (exit status {result.returncode}): {message[0]}")
    return result.stdout


def _check_timeout(timeout: float) -> None:
    if isinstance(timeout, bool) or not isinstance(timeout, (int, float)) or not 0 < timeout <= MAX_TIMEOUT:
        raise ValueError(f"timeout must be a number of seconds above 0 and at most {MAX_TIMEOUT:g}, got {timeout!r}")


class Drawing(graphviz.Digraph):
    """A ``graphviz.Digraph`` that knows which Value each node shows, and renders under a timeout.

    ``.source`` is the DOT text; :meth:`svg` and :meth:`png` render it; :meth:`save` writes a
    file and returns its path; in Jupyter the drawing shows itself as SVG (or, without
    Graphviz, the install hint).  ``names`` maps each drawn Value to its Graphviz node name.
    Graphviz's own ``render()`` and ``view()`` work as in the lecture's notebooks.
    """

    names: dict[Value, str]
    timeout: float = DEFAULT_TIMEOUT

    def svg(self) -> str:
        """The drawing as SVG text."""
        return render(self.source, "svg", timeout=self.timeout).decode("utf-8")

    def png(self) -> bytes:
        """The drawing as PNG bytes."""
        return render(self.source, "png", timeout=self.timeout)

    def save(self, path: str | Path, format: str | None = None) -> Path:
        """Write the drawing to ``path`` (SVG, PNG or DOT, from the suffix) and return its full path.

        ``format`` ('svg', 'png' or 'dot') overrides the suffix.
        """
        path = Path(path)
        format = format or path.suffix.lstrip(".").lower() or "svg"
        if format in ("dot", "gv"):
            path.write_text(self.source, encoding="utf-8")
        elif format in FORMATS:
            path.write_bytes(render(self.source, format, timeout=self.timeout))
        else:
            raise ValueError(f"unknown format {format!r} (must be one of svg, png, dot)")
        return path.resolve()

    def _repr_mimebundle_(self, include=None, exclude=None, **_) -> dict[str, str]:
        # Jupyter: the SVG inline, or (without Graphviz) the hint as text rather than a traceback.
        try:
            return {"image/svg+xml": self.svg()}
        except (GraphvizNotFoundError, LayoutTimeoutError) as error:
            return {"text/plain": str(error)}

    def _repr_svg_(self) -> str | None:
        try:
            return self.svg()
        except (GraphvizNotFoundError, LayoutTimeoutError):
            return None

    def __repr__(self) -> str:
        return f"<Drawing of {len(self.names)} values, {len(self.body)} DOT lines: .source, .svg(), .save(path)>"


# -- numbers and labels -----------------------------------------------------------------------------


def _number(x: float, digits: int = 4) -> str:
    """Fixed-point like the lecture (2.0000), switching to e-notation for tiny or huge numbers."""
    if x == 0 or 10.0 ** -(digits - 1) <= abs(x) < 1e6:
        return f"{x:.{digits}f}"
    return f"{x:.{digits - 1}e}"


def _grad(v: Value) -> float:
    """``v.grad`` as a number: after ``backward(create_graph=True)`` it is a Value of its own."""
    return v.grad.data if isinstance(v.grad, Value) else v.grad


def _grad_field(v: Value, digits: int) -> str:
    """'grad 2.0000', or 'grad 2.0000 (a Value)' when the gradient can be differentiated again."""
    differentiable = " (a Value)" if isinstance(v.grad, Value) else ""
    return f"grad {_number(_grad(v), digits)}{differentiable}"


def _describe(v: Value) -> str:
    """A Value in words, for messages: its label, else its number."""
    return v.label or f"the Value with data {_number(v.data)}"


def _escape_record(text: str) -> str:
    """Text as one field of a Graphviz record label: ``{ } | < >``, quotes, backslashes and
    spaces that Graphviz would otherwise read as syntax are escaped."""
    out = []
    for char in text:
        if char in '\\{}|<>"':
            out.append("\\" + char)
        elif char == "\n":
            out.append("\\n")
        else:
            out.append(char)
    return "".join(out)


def _escape_text(text: str) -> str:
    """Text as a plain quoted DOT label (no record syntax, never read as an HTML label)."""
    return graphviz.nohtml(text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n"))


def _record(fields: Sequence[str], rankdir: str) -> str:
    """A record label whose fields read left to right whatever the direction of the graph."""
    body = " | ".join(_escape_record(f) for f in fields)
    return graphviz.nohtml(f"{{ {body} }}" if rankdir in ("LR", "RL") else body)


# -- the graph as drawn: nodes, and the inputs of each -------------------------------------------------

_SUMS = ("add",)  # primitives whose chains merge_sums folds into one Σ node


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
        if n.primitive is not None and n.primitive.name in _SUMS:
            for p in n.parents:
                if p.primitive is not None and p.primitive.name in _SUMS and uses[p] == 1 and not p.label:
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


def _check_size(count: int, limit: int, force: bool) -> None:
    if count > limit and not force:
        raise GraphTooLargeError(count, limit)


def _new_drawing(rankdir: str, caption: str, count: int, limit: int, format: str, timeout: float) -> Drawing:
    if rankdir not in ("LR", "TB", "RL", "BT"):
        raise ValueError(f"unknown rankdir {rankdir!r} (must be one of LR, TB, RL, BT)")
    if format not in ("svg", "png"):
        raise ValueError(f"unknown format {format!r} (must be one of svg, png)")
    _check_timeout(timeout)
    drawing = Drawing(format=format)
    drawing.attr("graph", rankdir=rankdir, fontname="Helvetica", ordering="in")  # operands in order
    drawing.attr("node", fontname="Helvetica", fontsize="12")
    drawing.attr("edge", fontname="Helvetica", fontsize="10", arrowsize="0.7")
    if caption:
        drawing.attr("graph", label=_escape_text(caption), labelloc="t", fontsize="14")
    if count > limit:  # a forced large drawing: cap dot's iterations so that it finishes
        drawing.attr("graph", nslimit="2", nslimit1="2", mclimit="0.2", searchsize="20")
    drawing.timeout = timeout
    drawing.names = {}
    return drawing


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
) -> Drawing:
    h = highlight or Highlight()
    count = len(view.order) + sum(1 for n in view.order if view.inputs[n] and n not in view.cut)
    _check_size(count, max_nodes, force)
    drawing = _new_drawing(rankdir, h.caption, count, max_nodes, format, timeout)
    names = drawing.names
    for index, node in enumerate(view.order):
        names[node] = f"n{index}"

    red, dim = COLOURS["emphasis"], COLOURS["dimmed"]
    for node in view.order:
        label = labels.get(node, node.label) if labels else node.label
        fields = [label] if label else []
        fields.append(f"data {_number(node.data, digits)}")
        if show_grads:
            fields.append(_grad_field(node, digits))
        style = _node_style(node, h)
        if node in view.cut:
            style["style"] = ",".join(filter(None, [style.get("style"), "dashed"]))
        drawing.body.append(_node_line(names[node], _record(fields, rankdir), shape="record", **style))

        if not view.inputs[node] or node in view.cut:
            continue
        op = names[node] + "_op"
        dimmed = node in h.dimmed and node not in h.nodes
        op_style = {"color": dim, "fontcolor": dim} if dimmed else {}
        if node in h.nodes:
            op_style = {"color": red, "penwidth": "2"}
        drawing.body.append(_node_line(
            op,
            _escape_text(view.symbol[node]),
            shape="ellipse",
            style="filled",
            fillcolor=COLOURS["op_fill"],
            fontsize="11",
            height="0.3",
            margin="0.04,0.02",
            **op_style,
        ))
        into_op = False
        for parent, local, key in view.inputs[node]:
            words = []
            if show_local_grads:
                words.append(f"local {_number(local, digits)}")
            if key in h.edge_labels:
                words.append(h.edge_labels[key])
            label = _escape_text("\n".join(words)) if words else None
            attrs = {}
            if key in h.edges:
                attrs.update(color=red, fontcolor=red, penwidth="2.5")
                into_op = True
            elif dimmed or parent in h.dimmed:
                attrs.update(color=dim, fontcolor=dim)
            drawing.body.append(_edge_line(names[parent], op, label, **attrs))
        out = {"color": red, "penwidth": "2.5"} if into_op or node in h.nodes else {}
        if dimmed and not out:
            out = {"color": dim}
        drawing.body.append(_edge_line(op, names[node], None, **out))
    return drawing


def _node_line(name: str, label: str, **attrs: str) -> str:
    """A node's line of DOT source, as ``Digraph.node`` writes it (quoted as Graphviz needs)."""
    return _line("node", name, "", label, tuple(sorted(attrs.items())))


def _edge_line(tail: str, head: str, label: str | None, **attrs: str) -> str:
    """An edge's line of DOT source, as ``Digraph.edge`` writes it."""
    return _line("edge", tail, head, label, tuple(sorted(attrs.items())))


@functools.lru_cache(maxsize=1 << 16, typed=True)  # typed: a nohtml label is quoted unlike a str
def _line(kind: str, first: str, second: str, label: str | None, attrs: tuple[tuple[str, str], ...]) -> str:
    """One line of DOT source written by the graphviz package, remembered: the drawings of a
    backward pass, one per step, share most of their lines, and quoting them is most of the
    time it takes to build a drawing."""
    graph = graphviz.Digraph()
    if kind == "node":
        graph.node(first, label, **dict(attrs))
    else:
        graph.edge(first, second, label, **dict(attrs))
    return graph.body[0]


def _node_style(node: Value, h: Highlight) -> dict[str, str]:
    if node in h.nodes:
        fill = COLOURS["done"] if node in h.done else COLOURS["emphasis_fill"]
        return {"color": COLOURS["emphasis"], "penwidth": "2.5", "style": "filled", "fillcolor": fill}
    if node in h.done:
        return {"style": "filled", "fillcolor": COLOURS["done"]}
    if node in h.dimmed:
        return {"color": COLOURS["dimmed"], "fontcolor": COLOURS["dimmed"]}
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
) -> Drawing:
    """Draw ``root``'s whole graph: a record per Value (label | data | grad), a node per operation.

    Called as in micrograd and the lecture (``draw_dot(root)``, ``draw_dot(root, format="png",
    rankdir="TB")``).  ``show_local_grads`` writes each edge's local derivative on it;
    ``highlight`` emphasises, finishes or greys out nodes and edges (see :class:`Highlight`);
    ``merge_sums`` folds chains of ``+`` into one Σ node (its edges are then named
    ``(Σ node, term index)``).  ``labels`` shows other names than the Values' own labels
    (``{node: "a*b"}``), e.g. for unlabelled intermediate nodes; the Values are not changed.
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
    derivative needs) is drawn greyed and dashed, without its own inputs; the other terms of
    a sum are left out (a sum's local derivatives are all 1).  In a neuron's fused weighted
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
        side.update(_partners(node, view, on_path))
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


def _partners(node: Value, view: _View, on_path: set[Value]) -> list[Value]:
    """The operands off the path whose values ``node``'s local derivatives on the path need.

    Decided by the primitive, not the symbol: a fused weighted sum is drawn as Σ too.
    """
    off_path = [p for p, _, _ in view.inputs[node] if p not in on_path]
    name = node.primitive.name if node.primitive else ""
    if node in view.merged or name in ("add", "sub", "neg"):
        return []  # every local derivative is +1 or -1: it needs no other operand
    if name.startswith("weighted_sum"):  # operands w1..wn, x1..xn, b: d/dwᵢ = xᵢ, d/dxᵢ = wᵢ
        parents, n = node.parents, (len(node.parents) - 1) // 2
        partners = [parents[(i + n) % (2 * n)] for i, p in enumerate(parents[: 2 * n]) if p in on_path]
        return [p for p in partners if p not in on_path]
    return off_path


def draw_network(
    model,
    x: Sequence[float] | None = None,
    *,
    rankdir: str = "LR",
    weight_labels: bool = False,
    digits: int = 3,
    timeout: float = DEFAULT_TIMEOUT,
) -> Drawing:
    """Draw a multi-layer perceptron one node per neuron: MLP(2, [16, 16, 1]) in 35 nodes.

    Works with any model shaped like micrograd's: ``model.layers``, each with ``.neurons``,
    each with weights ``.w`` (a list of Values) and bias ``.b``.  Each neuron shows its
    name (``L0·N1`` is ``model.layers[0].neurons[1]``, numbered from 0 as the parameters'
    labels are; the inputs are ``x0``, ``x1``, ...), its activation and its bias with the bias's gradient (which is
    the gradient at the neuron's weighted sum); each edge is a weight, blue when positive
    and red when negative, as thick as its size, its value and gradient in the tooltip
    (and on the edge with ``weight_labels``).  Given one input ``x``, the inputs and each
    neuron's output for it are shown too (a forward pass, no backward: gradients are not
    touched).
    """
    layers = list(getattr(model, "layers", None) or [])
    if not layers or not all(getattr(layer, "neurons", None) for layer in layers):
        raise TypeError("draw_network() needs a model with .layers, each with .neurons (like micrograd's MLP)")
    nin = len(layers[0].neurons[0].w)
    if x is not None and len(x) != nin:
        raise ValueError(f"the model takes {nin} inputs, got {len(x)}")
    count = nin + sum(len(layer.neurons) for layer in layers)
    drawing = _new_drawing(rankdir, "", count, MAX_NODES, "svg", timeout)
    drawing.attr("graph", ranksep="2.2", nodesep="0.12", splines="line")
    drawing.attr("node", shape="box", style="rounded,filled", fillcolor="white", margin="0.08,0.03")

    outputs: list[Value] | None = [Value(float(v)) for v in x] if x is not None else None
    previous = []
    for i in range(nin):
        name = f"x{i}"
        fields = [name] + ([f"{_number(outputs[i].data, digits)}"] if outputs else [])
        drawing.node(f"in{i}", _escape_text("\n".join(fields)), fillcolor="#e8eef7")
        previous.append(f"in{i}")
    weights = [abs(w.data) for layer in layers for n in layer.neurons for w in n.w] or [1.0]
    biggest = max(weights) or 1.0
    for li, layer in enumerate(layers):
        current = []
        next_outputs = []
        for ni, neuron in enumerate(layer.neurons):
            name = f"L{li}N{ni}"
            fields = [f"L{li}·N{ni} {_activation(neuron)}".strip()]
            if outputs is not None:
                out = neuron(outputs)
                if isinstance(out, (list, tuple)):
                    out = out[0]
                next_outputs.append(out)
                fields.append(f"out {_number(out.data, digits)}")
            fields.append(f"b {_number(neuron.b.data, digits)}, grad {_number(_grad(neuron.b), digits)}")
            drawing.node(name, _escape_text("\n".join(fields)))
            if len(neuron.w) != len(previous):
                raise ValueError(f"layers[{li}].neurons[{ni}] has {len(neuron.w)} weights for {len(previous)} inputs")
            for source, w in zip(previous, neuron.w):
                tip = f"w = {w.data:.6g}, grad = {_grad(w):.6g}"
                drawing.edge(
                    source,
                    name,
                    color=COLOURS["positive"] if w.data >= 0 else COLOURS["negative"],
                    penwidth=f"{0.3 + 3.2 * abs(w.data) / biggest:.2f}",
                    arrowsize="0.4",
                    tailport="e" if rankdir == "LR" else "s",
                    headport="w" if rankdir == "LR" else "n",
                    tooltip=tip,
                    **({"label": f"{w.data:.{digits}g}"} if weight_labels else {}),
                )
            current.append(name)
        previous = current
        outputs = next_outputs if outputs is not None else None
    drawing.names = {}
    return drawing


def _activation(neuron) -> str:
    """The activation's name, duck-typed: ``activation``/``act``/``nonlin`` (micrograd: True = ReLU)."""
    for attribute in ("activation", "act", "nonlin"):
        value = getattr(neuron, attribute, None)
        if value is None:
            continue
        if isinstance(value, bool):
            return "ReLU" if value else "linear"
        if isinstance(value, str):
            return value
        return getattr(value, "__name__", "")
    return ""
