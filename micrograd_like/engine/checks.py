"""Gradient checking: backpropagation against central differences, for inputs and for every node.

Central differences estimate a derivative from the function alone,

    df/dx ≈ (f(x + h) - f(x - h)) / 2h,

so they are independent of the chain rule and of every recorded local derivative: when the
two disagree, one of the local derivatives is wrong.  :func:`check_nodes` says which.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from .backward import gradients, topological_order
from .value import Value

__all__ = ["gradcheck", "check_nodes", "GradCheck", "NodeCheck"]

MAX_NODES = 5_000  # check_nodes replays the graph twice per node: quadratic work


@dataclass(frozen=True)
class Row:
    """One compared derivative: what backprop says, what central differences say."""

    name: str
    backprop: float
    numerical: float
    ok: bool
    note: str = ""

    @property
    def error(self) -> float:
        return abs(self.backprop - self.numerical)


class _Report:
    """A table of Rows, truthy when every row agrees."""

    title = ""
    subject = "node"

    def __init__(self, rows: list[Row]) -> None:
        self.rows = rows

    @property
    def ok(self) -> bool:
        return all(row.ok for row in self.rows)

    def __bool__(self) -> bool:
        return self.ok

    @property
    def failures(self) -> list[Row]:
        return [row for row in self.rows if not row.ok]

    def __str__(self) -> str:
        width = max([len(row.name) for row in self.rows] + [4])
        lines = [f"{self.title}: {'all agree' if self.ok else f'{len(self.failures)} disagree'}",
                 f"  {self.subject:<{width}}  {'backprop':>14}  {'numerical':>14}  {'|difference|':>12}"]
        for row in self.rows:
            mark = "  " if row.ok else "✗ "
            note = f"  {row.note}" if row.note else ""
            lines.append(f"{mark}{row.name:<{width}}  {row.backprop:>14.8g}  {row.numerical:>14.8g}"
                         f"  {row.error:>12.3g}{note}")
        return "\n".join(lines)

    __repr__ = __str__


class GradCheck(_Report):
    title = "gradcheck"
    subject = "input"


class NodeCheck(_Report):
    title = "check_nodes"


def _agree(a: float, b: float, rtol: float, atol: float) -> bool:
    return math.isclose(a, b, rel_tol=rtol, abs_tol=atol)


def _step(x: float, eps: float) -> float:
    return eps * max(1.0, abs(x))


def gradcheck(
    f: Callable[..., Value], inputs: Sequence[float], eps: float = 1e-6, rtol: float = 1e-5, atol: float = 1e-7
) -> GradCheck:
    """Compare backprop's df/dx_i with central differences for every input x_i.

    >>> report = gradcheck(lambda x, y: (x * y).tanh(), [0.5, -1.5])
    >>> bool(report)
    True
    """
    values = [Value(x, label=f"x{i}") for i, x in enumerate(inputs)]
    backprop = gradients(f(*values), values)
    rows = []
    for i, x in enumerate(inputs):

        def f_of_xi(v: float, i: int = i) -> float:
            return f(*(Value(v if j == i else u) for j, u in enumerate(inputs))).data

        numerical, agrees, kink = _compare(backprop[i], f_of_xi, x, eps, rtol, atol)
        rows.append(Row(f"x{i}", backprop[i], numerical, agrees, kink))
    return GradCheck(rows)


def _replay(order: list[Value], override: Value, value: float) -> float:
    """The root's value when ``override`` holds ``value``: every node downstream is recomputed."""
    data = {override: value}
    for node in order:
        if node in data or not node._parents:
            continue
        if node._primitive is None:  # a ClosureNode: only its method could recompute it
            if any(p in data for p in node._parents):
                raise ValueError(f"the {node.op!r} node was made by a closure (micrograd's way), which has no "
                                 "forward rule to recompute it; gradcheck(f, inputs) checks through it")
            continue
        data[node] = node._primitive.forward(*(data.get(p, p.data) for p in node._parents))
    return data.get(order[-1], order[-1].data)


def check_nodes(root: Value, eps: float = 1e-6, rtol: float = 1e-5, atol: float = 1e-7) -> NodeCheck:
    """For every node: backprop's d(root)/d(node) beside a central-difference estimate.

    A node whose own gradient agrees but one of whose local derivatives does not is the
    culprit (its local derivative is compared with differences of its forward rule too),
    and its row says so.  Gradients below the culprit are wrong only because they inherit
    its error.
    """
    order = topological_order(root)
    if len(order) > MAX_NODES:
        raise ValueError(f"check_nodes replays the graph twice per node: {len(order)} nodes is too many "
                         f"(limit {MAX_NODES}); check a smaller graph, or use gradcheck on the inputs")
    nodes = [node for node in order if node.requires_grad]
    backprop = gradients(root, nodes)
    rows = []
    for node, derivative in zip(nodes, backprop):

        def root_when_node_is(v: float, node: Value = node) -> float:
            return _replay(order, node, v)

        try:
            numerical, agrees, kink = _compare(derivative, root_when_node_is, node.data, eps, rtol, atol)
        except (ArithmeticError, ValueError) as error:  # the step left some primitive's domain
            rows.append(Row(_name(node), derivative, math.nan, True, f"(no estimate: {error})"))
            continue
        culprit = _wrong_local_grads(node, eps, rtol, atol)
        rows.append(Row(_name(node), derivative, numerical, agrees and not culprit, culprit or kink))
    return NodeCheck(rows)


def _compare(derivative: float, f, x: float, eps: float, rtol: float, atol: float) -> tuple[float, bool, str]:
    """(estimate of f'(x), whether ``derivative`` agrees, a note if f has a kink at x).

    The estimate is the central difference, the mean of the slopes just left and just right
    of x.  Where those two differ outright, and still do for a step ten times smaller (relu
    or abs at 0), f is not differentiable at x: any number between them is a fair choice (a
    subgradient), and the note says so.  (For a smooth f the two slopes differ too, by about
    h·f''(x), but that gap shrinks with the step.)
    """
    h = _step(x, eps)
    middle = f(x)
    left, right = _one_sided_slopes(f, x, middle, h)
    central = (left + right) / 2
    gap = abs(left - right)
    if gap > 1e-3 * max(1.0, abs(left), abs(right)):
        small_left, small_right = _one_sided_slopes(f, x, middle, h / 10)
        if abs(small_left - small_right) > gap / 2:  # the gap does not shrink with the step: a kink
            low, high = min(left, right), max(left, right)
            fair = low - atol <= derivative <= high + atol
            return central, fair, f"(not differentiable here: slope {left:.4g} on the left, {right:.4g} on the right)"
    return central, _agree(derivative, central, rtol, atol), ""


def _one_sided_slopes(f, x: float, middle: float, h: float) -> tuple[float, float]:
    return (middle - f(x - h)) / h, (f(x + h) - middle) / h


def _wrong_local_grads(node: Value, eps: float, rtol: float, atol: float) -> str:
    """'' if the node's recorded local derivatives match its forward rule, else what differs."""
    if not node._parents or node._primitive is None:  # a leaf, or a closure: no forward rule to differ
        return ""
    inputs = [p.data for p in node._parents]
    wrong = []
    for i, recorded in enumerate(node._local_grads):

        def forward_in(v: float, i: int = i) -> float:
            return node._primitive.forward(*inputs[:i], v, *inputs[i + 1 :])

        try:
            numerical, agrees, _ = _compare(recorded, forward_in, inputs[i], eps, rtol, atol)
        except (ArithmeticError, ValueError):
            continue
        if not agrees:
            wrong.append(f"d/d(operand {i}) recorded {recorded:.8g}, forward rule says {numerical:.8g}")
    return ("← wrong local derivative of " + node._primitive.name + ": " + "; ".join(wrong)) if wrong else ""


def _name(node: Value) -> str:
    if node.label:
        return node.label
    if node._primitive is None:
        return f"{node.op} → {node.data:.4g}" if node.parents else f"leaf {node.data:g}"
    return f"{node._primitive.name} → {node.data:.4g}"
