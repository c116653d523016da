"""The lecture's single neuron, o = tanh(x1*w1 + x2*w2 + b), and its backward pass in words.

The numbers are the ones of Karpathy's lecture: x1 = 2, x2 = 0, w1 = -3, w2 = 1 and a bias
chosen so that n = 0.8813735870195432 and o = tanh(n) = 0.7071...; then 1 - o² = 0.5 exactly
(to the last digits), which makes every step easy to follow by hand.
"""

from __future__ import annotations

from pathlib import Path

from ..engine.value import Value
from ._common import output_dir

__all__ = ["run", "SUMMARY", "build"]

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


def run(out: str | Path = "demo-output") -> dict:
    """Print the forward pass, every backward step in words, the gradients; draw the graph.

    The words are the stepper's (:mod:`micrograd_like.teach.stepper`): the same as
    ``o.backward_steps()`` shows in a REPL and ``micrograd-like step`` on the command line.
    """
    out = output_dir(out)  # made first: a bad --out fails before the work, not after
    o, nodes = build()
    steps = o.backward_steps()
    print("One neuron, o = tanh(x1*w1 + x2*w2 + b), with the lecture's numbers.")
    print(steps.forward_walk())

    print("\nBackward pass: start with do/do = 1, then one chain-rule step per edge, from o back to the inputs.")
    print("Each step: parent.grad += (the gradient arriving at the node) * (the node's local derivative")
    print("with respect to that parent).")
    print(steps.where())
    for step in steps:
        print(step)

    print("\nThe gradients, d(o)/d(input):")
    for label in ("x1", "w1", "x2", "w2", "b"):
        print(f"  {label}.grad = {nodes[label].grad:.4g}")
    print("  (x2 = 0, so w2's gradient x2 * 0.5 is 0: nudging w2 cannot change o.)")

    files = _draw(o, out)
    return {"output": o, "nodes": nodes, "steps": steps, "files": files}


def _draw(o: Value, out: Path) -> list[Path]:
    from ..drawing.graphs import draw_dot

    path = out / "neuron-graph.svg"  # as --out gave it, like every demo's "wrote" line
    try:
        draw_dot(o, show_local_grads=True).save(path)
    except RuntimeError as error:  # no Graphviz program: the error says how to install one
        print(f"graph picture skipped: {error}")
        return []
    print(f"wrote {path}")
    return [path]
