"""Reverse-mode differentiation: order the graph, then apply the chain rule once per edge.

The chain rule for one edge (node -> parent) reads

    parent.grad += node.grad * d(node)/d(parent)

where ``d(node)/d(parent)`` is the local derivative the node recorded when it was made.
Visiting nodes so that each comes after every node that uses it (reverse topological
order) guarantees that ``node.grad`` is complete before it is passed on.

Both functions here are iterative, so a graph a million nodes deep needs no recursion.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, NamedTuple

if TYPE_CHECKING:
    from .engine import Value

__all__ = ["topological_order", "backward", "ChainRuleStep"]


def topological_order(root: Value) -> list[Value]:
    """Every node of ``root``'s graph, each one after all of its parents; ``root`` is last.

    An iterative depth-first search: the stack holds each node under visit together with
    an iterator over the parents it still has to look at.
    """
    visited = {root}
    order: list[Value] = []
    stack = [(root, iter(root._parents))]
    while stack:
        node, parents = stack[-1]
        for parent in parents:
            if parent not in visited:
                visited.add(parent)
                stack.append((parent, iter(parent._parents)))
                break
        else:  # every parent is placed: the node can follow them
            stack.pop()
            order.append(node)
    return order


class ChainRuleStep(NamedTuple):
    """One application of the chain rule, along the edge ``node -> parent``."""

    node: Value  # whose gradient is being passed back
    parent: Value  # the operand receiving it
    operand: int  # which operand of node the parent is (0, 1, ...)
    local: float  # d(node)/d(parent), recorded when node was made
    upstream: float  # d(root)/d(node), complete by now
    contribution: float  # upstream * local
    before: float  # parent's gradient (from this pass) before the step
    after: float  # ... and after it


def backward(root: Value, record: list[ChainRuleStep] | None = None) -> list[Value]:
    """Add d(root)/d(node) to ``node.grad`` for every node of the graph; return the order used.

    The gradients of this pass are built up from zero in ``grad`` itself and only then added
    to what each node held before, so calling backward twice gives exactly twice the
    gradients.  When ``record`` is a list, every chain-rule step is appended to it (that is
    how the stepper replays this very pass).
    """
    order = topological_order(root)
    held_before = [node.grad for node in order]
    for node in order:
        node.grad = 0.0
    root.grad = 1.0
    for node in reversed(order):
        upstream = node.grad
        for operand, (parent, local) in enumerate(zip(node._parents, node._local_grads)):
            before = parent.grad
            parent.grad = before + upstream * local  # the chain rule
            if record is not None:
                contribution = upstream * local
                record.append(ChainRuleStep(node, parent, operand, local, upstream, contribution, before, parent.grad))

    for node, held in zip(order, held_before):
        node.grad = held + node.grad
    return order
