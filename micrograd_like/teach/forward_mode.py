"""Forward mode: the chain rule carried from one input towards the output, one tangent per node.

``backward()`` starts at the output with dL/dL = 1 and sends gradients back along every edge:
one pass gives dL/dx for *every* input.  Forward mode goes the other way.  It seeds one
input with dx/dx = 1 (every other leaf has 0: it does not move when x does) and, in the order
the values were computed, works out each node's **tangent** dnode/dx from its operands'
tangents and the same local derivatives backward uses:

    de/dx = ∂e/∂a·da/dx + ∂e/∂b·db/dx

(∂e/∂a is the local derivative, the other operands held still; da/dx is a tangent, how far a
moves when x does).  At the end the output's tangent is dL/dx: one pass, one input.  That is
why training uses reverse mode (see :mod:`micrograd_like.teach.passes`).

>>> from micrograd_like import Value
>>> a, b = Value(2.0, label="a"), Value(-3.0, label="b")
>>> c, f = Value(10.0, label="c"), Value(-2.0, label="f")
>>> e = a * b; e.label = "e"
>>> d = e + c; d.label = "d"
>>> L = d * f; L.label = "L"
>>> steps = forward_steps(L, wrt=a)
>>> steps.next()
step 1/3: e = a*b: de/da from the tangents of its operands
  locals ∂e/∂a = b = -3.0, ∂e/∂b = a = 2.0; tangents da/da = 1.0, db/da = 0.0
  de/da = ∂e/∂a·da/da + ∂e/∂b·db/da = (-3.0)(1.0) + (2.0)(0.0) = -3.0
>>> steps.finish().derivative, a.grad  # dL/da, and no grad was touched
(6.0, 0.0)

A :class:`ForwardStepper` moves like the backward one (:class:`~micrograd_like.teach.stepper.Stepper`):
``next()``, ``back()``, ``goto()``, ``finish()``, ``reset()``, ``position``, ``transcript()``,
``table()``, ``draw()``, and it names the nodes the same way.  It never writes a ``grad``:
the tangents are its own (``tangent(node)``).  The local derivatives are those each node
recorded when it was made, from its row of the primitive table; a node made micrograd's way
(a closure) has its local derivatives measured, as the backward stepper does.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from typing import TYPE_CHECKING

from ..engine.backward import topological_order
from ..engine.value import Value
from .tangent_steps import TangentStep, TangentTerm, Undone, partial_of, tangent_name
from .words import constant_term, d_of, formula_of, leaf_kind, node_names, num, plural, product_text, write

if TYPE_CHECKING:  # drawing needs the graphviz package, imported only when something is drawn
    from ..drawing.graphs import Drawing, Highlight

__all__ = ["forward_steps", "ForwardStepper", "TangentStep", "TangentTerm", "Undone", "tangents", "tangent_name",
           "local_edges", "downstream_of", "partial_of", "check_leaf"]

_TABLE_ROWS = 30  # the repr's table shows at most this many nodes
_LABELLED_EDGE_LIMIT = 60  # above this many values the step's words go in the caption, not on edges


def local_edges(node: Value) -> list[tuple[int, Value, float]]:
    """The edges into ``node`` that carry a derivative: ``(operand index, parent, local)`` for
    each parent that is not a constant, ``local`` being d(node)/d(parent).

    These are the numbers the node recorded from its row of the primitive table when it was
    made (``node.local_grads``), the very ones ``backward()`` multiplies.  A node made by a
    closure has them measured (what its closure sends back per unit); it sends a parent it
    uses twice all of its share at once, so that parent has one edge here, not two.

    >>> x = Value(3.0)
    >>> [(i, local) for i, _, local in local_edges(x * x + 1)]
    [(0, 1.0)]
    >>> [(i, local) for i, _, local in local_edges(x * x)]
    [(0, 3.0), (1, 3.0)]
    """
    parents = node.parents
    if not parents:
        return []
    locals_ = node.local_grads  # (a closure's are measured: that runs it once)
    closure = node.primitive is None
    edges, seen = [], set()
    for i, (parent, local) in enumerate(zip(parents, locals_)):
        if not parent.requires_grad or (closure and parent in seen):
            continue
        seen.add(parent)
        edges.append((i, parent, float(local)))
    return edges


def downstream_of(x: Value, order: list[Value]) -> set[Value]:
    """The nodes of ``order`` (a topological order) that ``x`` reaches: x, and every node made
    from one of them.  Only these can move when x does; every other node's tangent is 0."""
    reached = {x}
    for node in order:
        if any(p in reached for p in node.parents):
            reached.add(node)
    return reached


def check_leaf(wrt: object, order: list[Value], what: str = "forward mode") -> Value:
    """``wrt`` if it is a leaf of the graph whose nodes are ``order`` that takes a gradient,
    else a TypeError or ValueError saying what is wrong."""
    if not isinstance(wrt, Value):
        raise TypeError(f"{what} differentiates with respect to a Value (an input or a parameter), "
                        f"got {type(wrt).__name__}: {wrt!r}")
    name = repr(wrt.label) if wrt.label else f"the Value with data {num(wrt.data)}"
    if wrt not in set(order):
        raise ValueError(f"{name} is not part of this graph: the output was not computed from it")
    if wrt.parents:
        raise ValueError(f"{name} is not a leaf: it was made by {wrt.op or 'an operation'} from other Values; "
                         "differentiate with respect to an input or a parameter")
    if not wrt.requires_grad:
        raise ValueError(f"{name} is a constant: it takes no derivative (make it with Value(x), not "
                         "requires_grad=False, to differentiate with respect to it)")
    return wrt


# -- the stepper ----------------------------------------------------------------------------------------


class ForwardStepper:
    """Forward mode of ``root`` with respect to the leaf ``wrt``, one node's tangent at a time.

    ``steps`` holds a :class:`TangentStep` for every node that ``wrt`` reaches, in the order the
    values were computed (each after its operands); every other node's tangent is 0.  Move with
    :meth:`next` (also ``for step in stepper``), :meth:`back`, :meth:`goto` (a step number, a node
    or its label), :meth:`finish` and :meth:`reset`; ``position`` is the number of steps done.
    :meth:`tangent` reads a node's tangent at the current position; :attr:`derivative` is the
    output's, d(root)/d(wrt), once finished.  No Value's ``grad`` is read or written.
    """

    def __init__(self, root: Value, wrt: Value) -> None:
        if not isinstance(root, Value):
            raise TypeError(f"forward mode differentiates a Value, got {type(root).__name__}: {root!r}")
        if not root.requires_grad:
            raise ValueError(f"{root!r} is a constant: it has no derivative to work out")
        self.root = root
        self.order: list[Value] = topological_order(root)
        self.wrt = check_leaf(wrt, self.order)
        self._terms = node_names(self.order, root)
        self.names: dict[Value, str] = {node: term.text for node, term in self._terms.items()}
        self.reached = downstream_of(self.wrt, self.order)
        self._tangents: dict[Value, float] = {self.wrt: 1.0}
        self._known: dict[Value, int] = {}  # the position from which a node's tangent is known
        steps = []
        made = [node for node in self.order if node in self.reached and node.parents]
        for number, node in enumerate(made, start=1):
            steps.append(self._step(node, number, len(made)))
            self._known[node] = number
        self.steps: tuple[TangentStep, ...] = tuple(steps)
        self._position = 0

    def _step(self, node: Value, number: int, total: int) -> TangentStep:
        """Work out ``node``'s tangent from its operands' (all known by now: they came before it)."""
        terms = self._terms
        out = terms[node]
        rule_terms = [terms[p] for p in node.parents]
        parts, tangent = [], 0.0
        for i, parent, local in local_edges(node):
            reached = parent in self.reached
            words, is_number = None, False
            if node.primitive is not None:
                template = node.primitive.grad_words[i]
                words = write(template, rule_terms, out=out)
                is_number = "{" not in template or words in (num(local), constant_term(local).text)
            t = self._tangents[parent] if reached else 0.0
            parts.append(TangentTerm(i, parent, terms[parent], local, words, is_number, t, reached))
            if reached:  # (as _tangent_of adds them)
                tangent += local * t
        self._tangents[node] = _finite(tangent, self.names[node])
        return TangentStep(number, total, node, tangent, tuple(parts), out, terms[self.wrt],
                           formula_of(node, terms))

    # -- where we are ------------------------------------------------------------------------------------

    def __len__(self) -> int:
        return len(self.steps)

    @property
    def position(self) -> int:
        """How many tangents have been worked out: 0 at the start, ``len(self)`` at the end."""
        return self._position

    @property
    def finished(self) -> bool:
        return self._position == len(self.steps)

    @property
    def current(self) -> TangentStep | None:
        """The step done last (None at the start)."""
        return self.steps[self._position - 1] if self._position else None

    @property
    def upcoming(self) -> TangentStep | None:
        """The step :meth:`next` will do (None at the end)."""
        return None if self.finished else self.steps[self._position]

    def tangent(self, node: Value | str) -> float | None:
        """``node``'s tangent d(node)/d(wrt) at the current position: None while it is still to be
        worked out, 0.0 for a node ``wrt`` does not reach."""
        node = self._node(node)
        if node not in self.reached:
            return 0.0
        known = self._known.get(node, 0)
        return self._tangents[node] if known <= self._position else None

    @property
    def derivative(self) -> float:
        """d(root)/d(wrt), the output's tangent: what ``backward()`` leaves in ``wrt.grad``
        (to rounding: the sums are added in another order).  Known once finished."""
        if not self.finished:
            raise ValueError(f"forward mode is at step {self._position} of {len(self.steps)}: the output's tangent "
                             "is known at the end (call finish() first)")
        return self._tangents.get(self.root, 0.0)

    def status(self, node: Value) -> str:
        """'seed' (wrt itself), 'known', 'waiting' (still to be worked out), 'zero' (wrt does not
        reach it), or 'constant'."""
        if node is self.wrt:
            return "seed"
        if not node.requires_grad:
            return "constant"
        if node not in self.reached:
            return "zero"
        return "known" if self._known[node] <= self._position else "waiting"

    # -- moving -------------------------------------------------------------------------------------------

    def next(self) -> TangentStep:
        """Work out the next node's tangent and return the step."""
        if self.finished:
            raise IndexError(f"forward mode is finished (all {len(self.steps)} steps done): "
                             "use back(), goto(k) or reset() to go again")
        self._position += 1
        return self.steps[self._position - 1]

    def __next__(self) -> TangentStep:
        if self.finished:
            raise StopIteration
        return self.next()

    def __iter__(self) -> Iterator[TangentStep]:
        return self

    def back(self) -> Undone:
        """Undo the last step."""
        if self._position == 0:
            raise IndexError("nothing to undo: forward mode is at its start (no step done yet)")
        self._position -= 1
        return Undone(self.steps[self._position])

    def goto(self, target: int | Value | str) -> ForwardStepper:
        """Jump to just after step ``target`` (0 = the start), or, for a node (a Value or its label),
        to the first point at which its tangent is known."""
        if isinstance(target, (Value, str)):
            self._position = self._known.get(self._node(target), 0)
            return self
        if not isinstance(target, int) or isinstance(target, bool):
            raise TypeError(f"goto() takes a step number, a Value or a label, got {type(target).__name__}")
        if not 0 <= target <= len(self.steps):
            raise IndexError(f"no step {target}: forward mode here has steps 1 to {len(self.steps)} (0 is the start)"
                             if self.steps else f"no step {target}: forward mode here has no steps (0 is the start)")
        self._position = target
        return self

    def finish(self) -> ForwardStepper:
        """Do every remaining step: the output's tangent is then :attr:`derivative`."""
        return self.goto(len(self.steps))

    def reset(self) -> ForwardStepper:
        """Back to the start: only the seed d(wrt)/d(wrt) = 1 is known."""
        return self.goto(0)

    def _node(self, target: Value | str) -> Value:
        if isinstance(target, Value):
            if target not in self.names:
                raise ValueError(f"{target!r} is not part of this graph")
            return target
        if not isinstance(target, str):
            raise TypeError(f"a node is a Value or its label, got {type(target).__name__}")
        matches = [node for node in self.order if node.label == target]
        if len(matches) == 1:
            return matches[0]
        if matches:
            raise ValueError(f"{len(matches)} nodes are labelled {target!r}: pass the Value itself")
        labels = sorted({node.label for node in self.order if node.label})
        raise ValueError(f"no node labelled {target!r} in this graph (labels: {', '.join(labels) or 'none'})")

    # -- showing it ---------------------------------------------------------------------------------------

    def _seed(self) -> str:
        x = self.names[self.wrt]
        return f"{tangent_name(x, x)} = 1.0"

    def _zero_nodes(self) -> str:
        """The nodes wrt does not reach, said once: they keep tangent 0."""
        zero = [node for node in self.order if node not in self.reached and node.requires_grad]
        if not zero:
            return ""
        x = self.names[self.wrt]
        named = ", ".join(self.names[n] for n in zero[:6]) + (", ..." if len(zero) > 6 else "")
        if len(zero) == 1:
            return f"; the node {x} does not reach ({named}) keeps tangent 0.0: it does not move when {x} does"
        return (f"; the {plural(len(zero), 'node')} {x} does not reach ({named}) keep tangent 0.0: "
                f"they do not move when {x} does")

    def _start(self) -> str:
        """What the start says: the seed, and the nodes that keep tangent 0."""
        head = f"forward mode of {self.names[self.root]} with respect to {self.names[self.wrt]}"
        if not self.steps:
            why = "it is the output itself" if self.root is self.wrt else "nothing is made from it"
            return f"{head}: no steps ({why}): {self._seed()}"
        return f"{head}: at the start, {self._seed()} (the seed){self._zero_nodes()}; " \
               f"{plural(len(self.steps), 'step')} to go"

    def where(self) -> str:
        """One line: how far forward mode has got."""
        head = f"forward mode of {self.names[self.root]} with respect to {self.names[self.wrt]}"
        if self._position == 0:
            return self._start()
        if self.finished:
            root, x = self.names[self.root], self.names[self.wrt]
            return f"{head}: finished, {tangent_name(root, x)} = {num(self.derivative)}"
        return f"{head}: {self._position} of {len(self.steps)} steps done"

    def transcript(self) -> str:
        """Every step in words, one after another, without moving: ``print(steps.transcript())``."""
        return "\n".join([self._start(), *(s.text for s in self.steps)])

    def table(self, limit: int = _TABLE_ROWS) -> str:
        """Every node (in the order computed, up to ``limit``): name, how it was made, data, tangent, status."""
        x = self.names[self.wrt]
        rows = [("node", "made as", "data", f"d·/{d_of(x)}", "")]
        shown = self.order[:limit]
        for node in shown:
            made = self.formula(node) if node.parents else leaf_kind(node)
            tangent = self.tangent(node) if node.requires_grad else None
            rows.append((self.names[node], made, num(node.data), "?" if tangent is None and node.requires_grad
                         else "" if tangent is None else num(tangent), self.status(node)))
        widths = [max(len(row[i]) for row in rows) for i in range(5)]
        lines = ["  " + "  ".join([row[0].ljust(widths[0]), row[1].ljust(widths[1]), row[2].rjust(widths[2]),
                                   row[3].rjust(widths[3]), row[4]]).rstrip() for row in rows]
        if limit < len(self.order):
            lines.append(f"  ... and {len(self.order) - limit} more nodes")
        return "\n".join(lines)

    def formula(self, node: Value) -> str:
        """How ``node`` was made, in the names the steps use."""
        return formula_of(node, self._terms).text

    def __repr__(self) -> str:
        parts = [self.where()]
        if self.current is not None:
            parts.append("last " + self.current.headline)
        if self.upcoming is not None:
            parts.append("next " + self.upcoming.headline)
        return "\n".join([*parts, self.table()])

    # -- drawing it -----------------------------------------------------------------------------------------

    def highlight(self) -> Highlight:
        """The drawing's emphasis at the current position: the node whose tangent was just worked
        out and its operands (red), the edges of its sum labelled with local × tangent; the nodes
        whose tangent is known (green, the seed among them), those still waiting (grey) and the
        constants (dashed).  Every node that takes a derivative carries its tangent, ``d·/da``."""
        from ..drawing.dot import number_text
        from ..drawing.graphs import Highlight

        x = self.names[self.wrt]
        fields = {}
        for node in self.order:
            if node.requires_grad:
                tangent = self.tangent(node)
                fields[node] = f"d·/{d_of(x)} " + ("?" if tangent is None else number_text(tangent))
        done = {n for n in self.order if self.status(n) in ("seed", "known")}
        waiting = {n for n in self.order if self.status(n) == "waiting"}
        constants = {n for n in self.order if not n.requires_grad}
        step = self.current
        if step is None:
            return Highlight(nodes={self.wrt}, done=done, dimmed=waiting, constants=constants,
                             caption=self.where(), node_fields=fields)
        shown, _ = step.shown()
        edges = {(step.node, t.operand) for t in shown}
        labels = {(step.node, t.operand): f"local {num(t.local)}\n{product_text(t.local, t.tangent, '×')} = "
                                          f"{num(t.product)}" for t in shown}
        caption = step.headline + "\n" + step.sum_line
        if len(self.order) > _LABELLED_EDGE_LIMIT:
            labels = {}
        return Highlight(nodes={step.node, *(t.parent for t in shown)}, edges=edges, done=done, dimmed=waiting,
                         constants=constants, edge_labels=labels, caption=caption, node_fields=fields)

    def draw(self, *, caption: bool = True, around: bool = False, **options) -> Drawing:
        """The graph at the current position, as :func:`~micrograd_like.drawing.graphs.draw_dot` draws it,
        each node with its tangent in place of its grad (``options`` go to ``draw_dot``).
        ``around=True`` draws only the current node and its operands (``draw_around``)."""
        from ..drawing.graphs import draw_around, draw_dot

        highlight = self.highlight()
        if not caption:
            highlight.caption = ""
        labels = {node: name for node, name in self.names.items()
                  if not node.label and (node.parents or node is self.root)}
        labels.update(options.pop("labels", None) or {})
        options.setdefault("show_grads", False)
        if around:
            step = self.current or self.upcoming
            for name in ("max_nodes", "force", "merge_sums"):
                options.pop(name, None)
            return draw_around(step.node if step else self.root, highlight=highlight, labels=labels, **options)
        if options.get("merge_sums"):
            raise ValueError("ForwardStepper.draw() cannot merge sums: each step's terms are edges of the whole "
                             "graph; draw without merge_sums")
        options.pop("merge_sums", None)
        return draw_dot(self.root, highlight=highlight, labels=labels, **options)


def forward_steps(root: Value, wrt: Value) -> ForwardStepper:
    """A :class:`ForwardStepper` over forward mode of ``root`` with respect to the leaf ``wrt``, at its
    start (see the module docs)."""
    return ForwardStepper(root, wrt)


def tangents(root: Value, wrt: Value) -> dict[Value, float]:
    """Every node's tangent d(node)/d(wrt) in one sweep, no words (0.0 for the nodes wrt does not reach).

    >>> x = Value(3.0, label="x")
    >>> y = x * x + 1
    >>> tangents(y, x)[y]  # dy/dx = 2x
    6.0
    """
    if not isinstance(root, Value):
        raise TypeError(f"forward mode differentiates a Value, got {type(root).__name__}: {root!r}")
    order = topological_order(root)
    check_leaf(wrt, order)
    reached = downstream_of(wrt, order)
    result = {node: 0.0 for node in order}
    result[wrt] = 1.0
    for node in order:
        if node in reached and node.parents:
            result[node] = _tangent_of(node, result, reached)
    return result


def _tangent_of(node: Value, known: dict[Value, float], reached: set[Value]) -> float:
    """The chain rule forwards for one node: the sum over its edges of local × the operand's tangent
    (operands wrt does not reach add nothing: their tangent is 0).  A tangent that is not a finite
    number is an error that names the node, never a number passed on."""
    tangent = 0.0
    for _, parent, local in local_edges(node):
        if parent in reached:
            tangent += local * known[parent]
    return _finite(tangent, (repr(node.label) if node.label else f"the node with data {num(node.data)}"))


def _finite(tangent: float, who: str) -> float:
    if not math.isfinite(tangent):
        what = "nan, not a number" if tangent != tangent else f"{tangent!r}, too large for a float"
        raise OverflowError(f"forward mode: the tangent of {who} is {what}")
    return tangent
