"""The lecture's single neuron, o = tanh(x1*w1 + x2*w2 + b), and its backward pass in words.

The numbers are the ones of Karpathy's lecture: x1 = 2, x2 = 0, w1 = -3, w2 = 1 and a bias
chosen so that n = 0.8813735870195432 and o = tanh(n) = 0.7071...; then 1 - o² = 0.5 exactly
(to the last digits), which makes every step easy to follow by hand.
"""

from __future__ import annotations

from pathlib import Path

from ..autodiff import ChainRuleStep, backward
from ..engine import Value
from ._common import output_dir

__all__ = ["run", "SUMMARY", "build", "explain"]

SUMMARY = "the lecture's tanh neuron: every chain-rule step of its backward pass, in words; its graph drawn"


def build() -> tuple[Value, dict[str, Value]]:
    """The neuron's graph, every node labelled as in the lecture; returns (o, nodes by label)."""
    x1, x2 = Value(2.0, label="x1"), Value(0.0, label="x2")
    w1, w2 = Value(-3.0, label="w1"), Value(1.0, label="w2")
    b = Value(6.8813735870195432, label="b")
    x1w1 = x1 * w1
    x1w1.label = "x1w1"
    x2w2 = x2 * w2
    x2w2.label = "x2w2"
    x1w1x2w2 = x1w1 + x2w2
    x1w1x2w2.label = "x1w1x2w2"
    n = x1w1x2w2 + b
    n.label = "n"
    o = n.tanh()
    o.label = "o"
    nodes = {v.label: v for v in (x1, x2, w1, w2, b, x1w1, x2w2, x1w1x2w2, n, o)}
    return o, nodes


def explain(step: ChainRuleStep) -> str:
    """One chain-rule step in words: the local derivative, then how the gradient grows.

    >>> o, _ = build()
    >>> steps = []
    >>> _ = backward(o, record=steps)
    >>> print(explain(steps[0]))
    d(o)/d(n) = 1 - tanh(n)² = 0.5;  n.grad = 0 + 1 * 0.5 = 0.5
    """
    node, parent = step.node, step.parent
    names = [p.label or _num(p.data) for p in node.parents]
    formula = node.primitive.grad_words[step.operand].format(*names, out=node.label)
    local = _num(step.local)
    derivative = f"d({node.label})/d({parent.label}) = {formula}"
    if formula != local:
        derivative += f" = {local}"
    factor = f"({local})" if local.startswith("-") else local
    update = f"{parent.label}.grad = {_num(step.before)} + {_num(step.upstream)} * {factor} = {_num(step.after)}"
    return f"{derivative};  {update}"


def _num(x: float) -> str:
    """A number as a student would write it: 0.5, -3, 0.7071."""
    return f"{x:.4g}" if abs(x) >= 1e-12 else "0"


def run(out: str | Path = "demo-output") -> dict:
    """Print the forward pass, every backward step in words, the gradients; draw the graph."""
    out = output_dir(out)  # made first: a bad --out fails before the work, not after
    o, nodes = build()
    print("Forward pass of one neuron, o = tanh(x1*w1 + x2*w2 + b):")
    for label in ("x1", "w1", "x2", "w2", "b", "x1w1", "x2w2", "x1w1x2w2", "n", "o"):
        node = nodes[label]
        how = node.primitive.notation.format(*(p.label for p in node.parents)) if node.parents else "input"
        print(f"  {label:>9} = {how:<20} = {node.data:.10g}")

    print("\nBackward pass: start with do/do = 1, then one chain-rule step per edge, from o back to the inputs.")
    print("  Each step: parent.grad += (gradient arriving at the node) * (local derivative of node w.r.t. parent)")
    steps: list[ChainRuleStep] = []
    backward(o, record=steps)
    for i, step in enumerate(steps, 1):
        print(f"  {i}. {explain(step)}")

    print("\nThe gradients, d(o)/d(input):")
    for label in ("x1", "w1", "x2", "w2", "b"):
        print(f"  {label}.grad = {_num(nodes[label].grad)}")
    print("  (x2 = 0, so w2's gradient x2 * 0.5 is 0: nudging w2 cannot change o.)")

    files = _draw(o, out)
    return {"output": o, "nodes": nodes, "steps": steps, "files": files}


def _draw(o: Value, out: Path) -> list[Path]:
    from ..viz import draw_dot

    try:
        path = draw_dot(o, show_local_grads=True).save(out / "neuron-graph.svg")
    except RuntimeError as error:  # no Graphviz program: the error says how to install one
        print(f"graph picture skipped: {error}")
        return []
    print(f"wrote {path}")
    return [path]
