"""Reverse-mode differentiation: order the graph, then apply the chain rule once per edge.

The chain rule for one edge (node -> parent) reads

    parent.grad += node.grad * d(node)/d(parent)

where ``d(node)/d(parent)`` is the local derivative the node recorded when it was made.
Visiting nodes so that each comes after every node that uses it (reverse topological
order) guarantees that ``node.grad`` is complete before it is passed on.

Read :func:`topological_order`, then :func:`_chain_rule`, the one loop that applies the
chain rule in every pass (plain, recorded step by step for the stepper, or building graphs
for ``create_graph``), then :func:`backward`, which makes a pass all or nothing.  A node made
micrograd's way, with a ``_backward`` closure of its own, is a :class:`ClosureNode` (at the
end): the same loop runs its closure.  Everything here is iterative, so a graph a million
nodes deep needs no recursion.
"""

from __future__ import annotations

import contextlib
import gc
import math
from collections.abc import Iterable, Iterator, Sequence
from itertools import filterfalse, repeat
from typing import NamedTuple

from .errors import as_number
from .modes import AnomalyError, anomaly_detection_enabled
from .value import BinaryNode, Constant, Node, UnaryNode, Value

__all__ = ["topological_order", "backward", "gradients", "ChainRuleStep", "ClosureNode"]


def topological_order(root: Value) -> list[Value]:
    """Every node of ``root``'s graph, each one after all of its parents; ``root`` is last.

    An iterative depth-first search.  When a node is first reached, it goes back on the
    stack beneath a marker, with its parents on top: by the time the marker comes off the
    stack again, every parent has been placed, so the node can follow them.
    """
    order: list[Value] = []
    visited: set[Value] = set()
    seen = visited.__contains__
    stack: list = [root]
    # (``while True`` rather than ``while stack``: CPython 3.11 speeds a loop up as it runs
    # only when it jumps back unconditionally; ``while stack`` would wait for the 9th call.)
    while True:
        try:
            node = stack.pop()
        except IndexError:  # the stack is empty: every node is placed
            return order
        if node is _PLACE_NEXT:
            order.append(stack.pop())
        elif node not in visited:
            visited.add(node)
            stack.append(node)
            stack.append(_PLACE_NEXT)
            # Parents not yet visited, last first so that the first operand is explored first.
            kind = type(node)
            if kind is BinaryNode:  # the commonest node: its fields read directly (see _chain_rule)
                if node._right not in visited:
                    stack.append(node._right)
                if node._left not in visited:
                    stack.append(node._left)
            elif kind is UnaryNode:
                if node._parent not in visited:
                    stack.append(node._parent)
            else:  # (filterfalse skips the visited ones at C speed: most of a neuron's are, in a batch)
                stack += filterfalse(seen, reversed(node._parents))


_PLACE_NEXT = object()  # the marker: "the node beneath me has all its parents placed"


def _chain_rule(root: Value, order: list[Value], record: list | None = None, create_graph: bool = False) -> None:
    """The chain rule, once per edge, from the root back to the leaves:

        parent.grad += upstream * local

    where ``upstream`` is the node's gradient d(root)/d(node), complete by the node's turn
    (every node that uses it came before it in the reverse order), and ``local`` is
    d(node)/d(parent), recorded when the node was made.

    This one loop serves every pass.  When ``record`` is a list, each step is noted in it
    as it is made (see :func:`_pass_on`): the stepper shows this very pass.  With
    ``create_graph`` the numbers are Values (see :func:`_edges`), so that the gradients have
    graphs of their own.

    The loop runs once per node of every graph, so a plain pass (numbers, nothing noted)
    takes a shortcut through the kinds of node the table makes: their fields are read
    directly, the two commonest kinds with no tuple, iterator or call at all (the tuple
    views ``_parents`` and ``_local_grads`` of those two are properties, ten times dearer to
    read).  The shortcut makes the very steps of the general way, :func:`_pass_on`, to the
    last bit (tests/test_properties.py checks it).
    """
    root.grad = 1.0
    # The kinds of node that take the shortcut: none, in a pass that notes its steps or builds graphs.
    plain = record is None and not create_graph
    binary, unary, tuples = (BinaryNode, UnaryNode, Node) if plain else (None, None, None)
    for node in reversed(order):
        upstream = node.grad  # complete now: every node that uses this one has passed its share
        if not create_graph and upstream - upstream != 0.0:  # inf, or nan (a Value checks itself)
            raise _not_finite(node, upstream)
        kind = type(node)
        if kind is binary:  # the shortcut: a BinaryNode, its two edges read off its fields
            parent = node._left
            if type(parent) is not Constant:  # constants collect no gradient
                parent.grad += upstream * node._left_local
            parent = node._right
            if type(parent) is not Constant:
                parent.grad += upstream * node._right_local
        elif kind is unary:  # a UnaryNode, its one edge
            parent = node._parent
            if type(parent) is not Constant:
                parent.grad += upstream * node._local
        elif kind is tuples:  # a Node, its edges in two tuples
            for parent, local in zip(node._parents, node._local_grads):
                if type(parent) is not Constant:
                    parent.grad += upstream * local
        else:  # the general way: any node, any pass
            _pass_on(node, upstream, record, create_graph)


def _pass_on(node: Value, upstream, record: list | None = None, create_graph: bool = False) -> None:
    """The chain rule for one node: pass ``upstream``, its gradient, on along each of its edges.

    With ``record`` a list, each step is appended to it as (node, parent, local, upstream,
    contribution, before, after).  This is also what ``node._backward()`` does, micrograd's
    per-node step, with the node's own ``grad``.
    """
    for parent, local, contribution in _edges(node, upstream, record is not None, create_graph):
        before = parent.grad  # the chain rule: parent.grad += upstream * local (with Values: _sum)
        parent.grad = after = _sum(before, contribution) if create_graph else before + contribution
        if record is not None:
            record.append((node, parent, local, upstream, contribution, before, after))


def _edges(node: Value, upstream, recording: bool = False, create_graph: bool = False) -> list[tuple]:
    """The edges node -> parent along which the chain rule passes a gradient, in operand
    order: (parent, local, contribution) for each parent that is not a constant, where
    contribution = upstream * local is what the parent gets.

    - A node made by the table: its recorded parents and local derivatives (a leaf has none).
    - A :class:`ClosureNode`: each distinct parent with what the node's closure gives it.
      Its local is what the closure gives per unit of upstream, measured only when the steps
      are recorded (that runs the closure once more).
    - With ``create_graph``: the local derivatives worked out again from the table, with the
      parents themselves as inputs (d(a*b)/da is the Value b, not its number), so that the
      gradient's graph reaches back into the original one and can be differentiated again.
    """
    parents = node._parents
    if not parents:
        return []
    if create_graph:
        return [(parent, local, _product(upstream, local))
                for parent, local in zip(parents, _differentiable_locals(node)) if type(parent) is not Constant]
    if node._local_grads is None:  # a ClosureNode: its closure says what each parent gets
        parents = node.distinct_parents
        per_unit = node.closure_shares(1.0) if recording else repeat(None)
        return [(parent, local, share) for parent, local, share in zip(parents, per_unit, node.closure_shares(upstream))
                if type(parent) is not Constant]
    return [(parent, local, upstream * local)
            for parent, local in zip(parents, node._local_grads) if type(parent) is not Constant]


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
    # True when node is a ClosureNode: its closure made the step.  contribution is what the
    # closure added (measured), local what it adds per unit of upstream (measured with 1.0).
    closure: bool = False


def backward(root: Value, create_graph: bool = False, record: list[ChainRuleStep] | None = None) -> list[Value]:
    """Add d(root)/d(node) to ``node.grad`` for every node of the graph; return the order used.

    The gradients of this pass are built up from zero in ``grad`` itself and only then added
    to what each node held before, so calling backward twice gives exactly twice the
    gradients.  A pass is all or nothing: if anything goes wrong on the way (an overflow, an
    anomaly, Ctrl-C), every ``grad`` is put back as it was before the error goes on.  With
    ``create_graph`` the gradients are Values that can be differentiated again.  When
    ``record`` is a list, every chain-rule step of the pass is appended to it as it is made
    (that is how the stepper shows this very pass).
    """
    if not root.requires_grad:
        raise ValueError("this Value is a constant (a number, detached, or made under no_grad()): it has no graph")
    if create_graph and record is not None:
        raise ValueError("backward() records its steps on numbers only: use create_graph=False with record")
    order = topological_order(root)
    held = [node.grad for node in order]
    steps: list = []
    try:
        _pass(root, order, steps if record is not None else None, create_graph)
        if any(held):
            _add_held(order, held, create_graph)
    except BaseException as error:
        _put_back(order, held)
        if isinstance(error, (OverflowError, FloatingPointError)) and not create_graph \
                and anomaly_detection_enabled():
            anomaly = _first_anomaly(root, order)  # names the very step that overflowed
            if anomaly:
                raise anomaly from None
        raise
    if record is not None:
        record.extend(_numbered(steps))
    return order


def gradients(root: Value, inputs: Sequence[Value], create_graph: bool = False) -> list:
    """d(root)/d(x) for each x in ``inputs``, leaving every ``grad`` field as it was.

    This is what the functional API (``grad(f)``) is built on: it must not disturb the
    gradients of an outer computation that is differentiating this one.  An input that
    ``root`` does not depend on gets 0.
    """
    if not isinstance(root, Value):
        raise TypeError(f"can only differentiate a Value, got {type(root).__name__}: {root!r}")
    if not root.requires_grad:
        return [Constant(0.0) if create_graph else 0.0 for _ in inputs]
    order = topological_order(root)
    held = [node.grad for node in order]
    try:
        _pass(root, order, None, create_graph)
        placed = set(order)
        result = [x.grad if x in placed else 0.0 for x in inputs]
    finally:
        _put_back(order, held)
    if create_graph:
        result = [g if isinstance(g, Value) else Constant(g) for g in result]
    return result


def _pass(root: Value, order: list[Value], record: list | None = None, create_graph: bool = False) -> None:
    """One backward pass, its gradients built up from zero in the ``grad`` fields (the caller
    has kept what they held before, to add it back or put it back)."""
    for node in order:
        node.grad = 0.0  # (even a held -0.0: the pass starts from 0.0, as its record does)
    if not create_graph:
        _chain_rule(root, order, record)
        return
    _refuse_closures(order)
    with _collector_paused():
        _chain_rule(root, order, create_graph=True)  # its operations check their own results
    for node in order:  # every gradient a Value, even one that stayed a plain number
        if type(node) is not Constant and not isinstance(node.grad, Value):
            node.grad = Constant(node.grad)


def _differentiable_locals(node: Value) -> tuple:
    """The node's local derivatives as Values, from the primitive table (for create_graph)."""
    try:
        return node._primitive.local_grads(*node._parents, node)
    except (ArithmeticError, ValueError) as error:  # e.g. x**1.5 at 0: its second derivative is infinite
        raise type(error)(f"create_graph: the derivative of {_name(node)} cannot be differentiated again "
                          f"here: {error}") from None


def _add_held(order: list[Value], held: list, create_graph: bool) -> None:
    """Add to this pass's gradients what each node held before: every sum is worked out and
    checked first, then all are stored, so an overflow leaves the pass undone as a whole."""
    if create_graph:
        totals = [_sum(before, node.grad) for node, before in zip(order, held)]  # Values check themselves
    else:
        totals = [before + node.grad for node, before in zip(order, held)]
        for node, before, total in zip(order, held, totals):
            if type(total) is float and total - total != 0.0:  # (a Value from create_graph checks itself)
                raise OverflowError(
                    f"backward: the gradient of {_name(node)} would become {total!r}: this pass's {node.grad!r} "
                    f"added to the {before!r} it held is too large for a float (call zero_grad() between "
                    "passes); every gradient is left as it was")
    for node, total in zip(order, totals):
        node.grad = total


def _put_back(order: list[Value], held: list) -> None:
    for node, before in zip(order, held):
        node.grad = before


def _refuse_closures(order: list[Value]) -> None:
    """create_graph differentiates every local derivative again: a closure has none to offer."""
    for node in order:
        if node._local_grads is None:
            raise ValueError(
                f"create_graph: {_name(node)} (op {node.op!r}) was made by a closure, micrograd's _backward, "
                "which passes numbers back but has no derivative of its own to differentiate again; "
                "build it from Value's methods or apply() instead")


@contextlib.contextmanager
def _collector_paused() -> Iterator[None]:
    """Pause Python's cycle collector while a pass builds gradient graphs.

    The new nodes would trigger the collector again and again, each time scanning the whole
    graph, and it would find nothing: a pass makes no reference cycles (the few that
    closures may make are found on the collector's next run).  A pass on numbers needs no
    pause: the only containers it makes are freed as it goes, so they never trigger it.
    """
    was_enabled = gc.isenabled()
    try:
        gc.disable()
        yield
    finally:
        if was_enabled:
            gc.enable()


def _product(a, b):
    """a * b, skipping the multiplications by a plain 1.0 that would only clutter the graph."""
    if type(a) is float and a == 1.0:
        return b
    if type(b) is float and b == 1.0:
        return a
    return a * b


def _sum(a, b):
    """a + b, skipping the additions of a plain 0.0."""
    if type(a) is float and a == 0.0:
        return b
    if type(b) is float and b == 0.0:
        return a
    return a + b


def _not_finite(node: Value, gradient: float) -> ArithmeticError:
    if gradient != gradient:
        return FloatingPointError(
            f"backward: the gradient of {_name(node)} is nan, not a number (made on the way here by an "
            "infinity times 0, inf - inf, or a closure); no gradient was changed")
    return OverflowError(f"backward: the gradient of {_name(node)} is {gradient!r}, too large for a float; "
                         "no gradient was changed")


def _first_anomaly(root: Value, order: list[Value]) -> AnomalyError | None:
    """Under detect_anomaly(): the error naming the first chain-rule step of a failed pass that
    made a gradient NaN or infinite (None if there is none).  The pass is made once more,
    watched step by step and stopped at that step; every ``grad`` is put back afterwards."""
    held = [node.grad for node in order]
    try:
        _pass(root, order, _Watch())
    except _Anomalous as found:
        node, parent, local, upstream, _, before, after = found.step
        return AnomalyError(
            f"backward: the gradient of {_name(parent)} became {after!r} at the step through "
            f"{node.primitive.name if node.primitive else node.op} ({_name(node)}): "
            f"upstream {upstream!r} * local {local!r} added to {before!r}"
        )
    except Exception:  # (a closure failing in another way this time: the first pass's error says more)
        pass
    finally:
        _put_back(order, held)
    return None


class _Anomalous(Exception):
    def __init__(self, step: tuple) -> None:
        self.step = step


class _Watch:
    """A record of a pass that keeps no step: it stops the pass at the first one that makes a
    gradient inf or nan (a graph of a million nodes is watched without noting two million steps)."""

    def append(self, step: tuple) -> None:
        if not math.isfinite(step[-1]):  # after
            raise _Anomalous(step)


def _name(node: Value) -> str:
    return repr(node.label) if node.label else f"the node with data {node.data!r}"


def _numbered(edges: Iterable[tuple]) -> list[ChainRuleStep]:
    """Name each recorded edge by its operand index (a node's edges come together, in operand order)."""
    steps: list[ChainRuleStep] = []
    for node, parent, local, upstream, contribution, before, after in edges:
        first_candidate = steps[-1].operand + 1 if steps and steps[-1].node is node else 0
        operand = node._parents.index(parent, first_candidate)  # constants' edges were skipped
        closure = node._local_grads is None
        steps.append(ChainRuleStep(node, parent, operand, local, upstream, contribution, before, after, closure))
    return steps


# -- nodes made micrograd's way: Value(data, (parents...), 'op') and a closure out._backward ---------
# The lecture that most users come from adds an operation by writing its backward step as a
# closure.  Value(data, (parents...), op) makes a ClosureNode; the chain rule runs its closure.


class ClosureNode(Value):
    """A node made micrograd's way, by a method that writes its own backward step:

    >>> def cube(self):
    ...     out = Value(self.data ** 3, (self,), "cube")
    ...     def _backward():
    ...         self.grad += 3 * self.data ** 2 * out.grad
    ...     out._backward = _backward
    ...     return out
    >>> Value.cube = cube
    >>> x = Value(2.0)
    >>> y = x.cube() + x
    >>> y.backward()
    >>> x.grad, y.parents[0].op, y.parents[0].local_grads
    (13.0, 'cube', (12.0,))

    It records its parents and its symbol, not its local derivatives: the closure
    (``_backward``) knows them.  The chain rule (:func:`_edges`) runs the closure when this
    node's gradient is complete, with the parents' grads set to 0.0, reads what it added to
    each parent, and adds that to the parents' gradients itself, so accumulation stays exact
    and a pass stays all-or-nothing.  A closure must only add (``+=``) to its parents' grads.

    ``local_grads`` is measured the same way with this node's gradient set to 1.0.  A parent
    used twice (``x * x``) gets the closure's whole share at its first place, 0.0 at the next.
    A closure passes numbers, so it has no derivative of its own: backward(create_graph=True)
    refuses a graph that holds one.
    """

    __slots__ = ("_parents", "_symbol")  # the closure, out._backward, goes in the __dict__ every Value has
    _local_grads = None  # the closure knows them (_edges reads None as "run the closure")

    @property
    def op(self) -> str:
        return self._symbol

    @property
    def local_grads(self) -> tuple[float, ...]:
        """What the closure sends back to each operand per unit of this node's gradient."""
        shares = dict(zip(self.distinct_parents, self.closure_shares(1.0)))
        return tuple(shares.pop(p) if p in shares else 0.0 for p in self._parents)

    @property
    def distinct_parents(self) -> tuple[Value, ...]:
        """The parents, each once, in the order they first appear."""
        return tuple(dict.fromkeys(self._parents))

    def _backward(self) -> None:
        """micrograd's default: pass nothing (the method that makes the node assigns its own)."""

    def closure_shares(self, upstream: float) -> list[float]:
        """What the closure adds to each of :attr:`distinct_parents` when this node's gradient
        is ``upstream``.  Every grad it touches is put back afterwards."""
        parents = self.distinct_parents
        held = [p.grad for p in parents]
        own = self.grad
        try:
            for p in parents:
                p.grad = 0.0
            self.grad = upstream
            self._backward()
            shares = [p.grad for p in parents]
        finally:
            self.grad = own
            for p, grad in zip(parents, held):
                p.grad = grad
        return [share if type(share) is float else self._as_share(share) for share in shares]

    def _as_share(self, share: object) -> float:
        number = None if isinstance(share, Value) else as_number(share, "a closure's share")
        if number is None:
            kind = "Value" if isinstance(share, Value) else type(share).__name__
            raise TypeError(f"the _backward of the {self._symbol or 'closure'} node made a parent's grad "
                            f"{kind}: {share!r} (a closure must add numbers to .grad)")
        return number
