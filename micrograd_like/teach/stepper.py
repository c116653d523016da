"""Step through backprop: the backward pass replayed one chain-rule step at a time.

``backward()`` applies the chain rule once per edge of the graph, from the output back to the
inputs.  A :class:`Stepper` records that very pass (the engine reports each step as it applies
it) and lets you walk it forwards and backwards, with every Value's ``grad`` showing the state
at the current step:

>>> from micrograd_like import Value
>>> a, b = Value(2.0, label="a"), Value(-3.0, label="b")
>>> c, f = Value(10.0, label="c"), Value(-2.0, label="f")
>>> e = a * b; e.label = "e"
>>> d = e + c; d.label = "d"
>>> L = d * f; L.label = "L"
>>> steps = backward_steps(L)
>>> steps.next()
step 1/6: L = d*f sends dL/dL = 1.0 back to d
  local d(d*f)/dd = f = -2.0; contribution 1.0 * (-2.0) = -2.0; d.grad = 0.0 + (-2.0) = -2.0
>>> d.grad, a.grad
(-2.0, 0.0)
>>> steps.finish().position, a.grad
(6, 6.0)

What happens to gradients held before the stepper was made: they are the base the pass adds
to, exactly as in ``backward()``.  At every step each node's ``grad`` is what it held before
plus this pass's running total for it, so at the end the grads equal what ``backward()``
would have left, bit for bit.  (Start from zero with ``L.zero_grad()`` first, as before any
backward pass.)  Making a stepper puts every grad in the start state: the output's ``grad``
is 1 (dL/dL, the seed of the pass) and nothing has been passed back yet.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from ..engine.backward import ChainRuleStep, backward, topological_order
from ..engine.value import Value
from ..offers import offer
from .forward import ForwardWalk, forward_walk
from .steps import Step, Undone, make_step
from .words import d_of, formula_of, grad_of, leaf_kind, node_names, num, plural

if TYPE_CHECKING:  # drawing needs the graphviz package, imported only when something is drawn
    from ..drawing.graphs import Drawing, Highlight

__all__ = ["Stepper", "Step", "Undone", "ForwardWalk", "backward_steps", "forward_walk"]

_TABLE_ROWS = 30  # the repr's table shows at most this many nodes
_LABELLED_EDGE_LIMIT = 60  # above this many values the current edge's words go in the caption instead
_WHOLE_GRAPH_ONLY = ("max_nodes", "force")  # draw_dot's limits on the whole graph's size


def _edge_label(step: Step) -> tuple[str, str]:
    """The lines written on a step's edge in the whole graph: its derivative, its arithmetic."""
    return step.derivative, step.arithmetic("×")


# -- the stepper ------------------------------------------------------------------------------------


class Stepper:
    """A replayable backward pass of ``root``: the same steps, in the same order, as ``backward()``.

    Move with :meth:`next` (also ``next(stepper)`` and ``for step in stepper``), :meth:`back`,
    :meth:`goto` (a step number, a node, or a node's label), :meth:`finish` and :meth:`reset`.
    After every move each node's ``grad`` shows the state at that point; ``position`` is the
    number of steps applied (0 = the start, ``len(stepper)`` = the end).  ``steps`` holds
    every :class:`Step`; ``print(stepper.transcript())`` shows them all in words without moving.
    """

    def __init__(self, root: Value) -> None:
        if not isinstance(root, Value):
            raise TypeError(f"a backward pass starts from a Value, got {type(root).__name__}: {root!r}")
        if not root.requires_grad:
            raise ValueError(f"{root!r} is a constant: there is no backward pass to step through")
        self.root = root
        held = {}
        for node in topological_order(root):
            if isinstance(node.grad, Value):
                raise ValueError("this graph holds gradients from backward(create_graph=True), which are Values: "
                                 "call zero_grad() first to step through its backward pass")
            held[node] = node.grad
        records: list[ChainRuleStep] = []
        self.order: list[Value] = backward(root, record=records)  # the pass itself
        self._held = held
        self._rendered: dict[str, str] = {}  # the last pass's frames: DOT source -> SVG (see _frames)
        try:
            self._explain(records)
        except BaseException:  # leave the grads as they were before the stepper was made
            for node, grad in held.items():
                node.grad = grad
            raise

    def _explain(self, records: list[ChainRuleStep]) -> None:
        """Name the nodes and put every recorded step into words."""
        root = self.root
        self._terms = node_names(self.order, root)
        self.names: dict[Value, str] = {node: term.text for node, term in self._terms.items()}

        total = len(records)
        shares: dict[Value, int] = {}
        for record in records:
            shares[record.parent] = shares.get(record.parent, 0) + 1
        seen: dict[Value, int] = {}
        steps = []
        for number, record in enumerate(records, start=1):
            seen[record.parent] = share = seen.get(record.parent, 0) + 1
            steps.append(make_step(record, number, total, self._held[record.parent], share, shares[record.parent],
                                   self._terms, root))
        self.steps: tuple[Step, ...] = tuple(steps)

        # When each node's gradient is complete (its last incoming step) and when it has
        # passed its gradient on (its last outgoing step): 0 means "from the start".
        self._complete = {node: 0 for node in self.order}
        self._passed = {node: 0 for node in self.order}
        self._starts: dict[Value, int] = {}  # the first step that passes a node's gradient on
        for step in reversed(self.steps):
            self._starts[step.node] = step.number
        for step in self.steps:
            self._complete[step.parent] = step.number
            self._passed[step.node] = step.number
        self._position = 0
        self._write_state()

    # -- where we are -------------------------------------------------------------------------------

    def __len__(self) -> int:
        return len(self.steps)

    @property
    def position(self) -> int:
        """How many steps have been applied: 0 at the start, ``len(self)`` at the end."""
        return self._position

    @property
    def finished(self) -> bool:
        """True when every step has been applied (the grads equal ``backward()``'s)."""
        return self._position == len(self.steps)

    @property
    def current(self) -> Step | None:
        """The step applied last (None at the start)."""
        return self.steps[self._position - 1] if self._position else None

    @property
    def upcoming(self) -> Step | None:
        """The step :meth:`next` will apply (None at the end)."""
        return None if self.finished else self.steps[self._position]

    def status(self, node: Value) -> str:
        """Where ``node`` is in the pass: 'waiting' (its gradient is still being summed),
        'ready' (complete, not yet passed on), 'passing' (partly passed on), 'done', or
        'constant' (it takes no gradient)."""
        if not node.requires_grad:
            return "constant"
        p = self._position
        if self._complete[node] > p:
            return "waiting"
        if not node.parents or self._passed[node] <= p:
            return "done"
        return "ready" if self._starts[node] > p else "passing"

    # -- moving ---------------------------------------------------------------------------------------

    def next(self) -> Step:
        """Apply the next chain-rule step and return it."""
        if self.finished:
            raise IndexError(f"the backward pass is finished ({self._all_done()}): "
                             "use back(), goto(k) or reset() to go again")
        step = self.steps[self._position]
        step.parent.grad = step.held + step.after
        self._position += 1
        return step

    def __next__(self) -> Step:
        if self.finished:
            raise StopIteration
        return self.next()

    def __iter__(self) -> Iterator[Step]:
        """Iterating applies the remaining steps one by one: ``for step in stepper: print(step)``."""
        return self

    def back(self) -> Undone:
        """Undo the last step: its parent's grad goes back to what it was before it."""
        if self._position == 0:
            raise IndexError("nothing to undo: the backward pass is at its start (no step applied yet)")
        step = self.steps[self._position - 1]
        step.parent.grad = step.held + step.before
        self._position -= 1
        return Undone(step)

    def goto(self, target: int | Value | str) -> Stepper:
        """Jump to just after step ``target`` (0 = the start), or, for a node (a Value or its
        label), to the first point at which that node's gradient is complete."""
        if isinstance(target, (Value, str)):
            position = self._complete[self._node(target)]
        elif isinstance(target, int) and not isinstance(target, bool):
            if not 0 <= target <= len(self.steps):
                n = len(self.steps)
                has = "no steps" if n == 0 else "only step 1" if n == 1 else f"steps 1 to {n}"
                raise IndexError(f"no step {target}: this pass has {has} (0 is the start)")
            position = target
        else:
            raise TypeError(f"goto() takes a step number, a Value or a label, got {type(target).__name__}")
        self._position = position
        self._write_state()
        return self

    def finish(self) -> Stepper:
        """Apply every remaining step: the grads are now exactly what ``backward()`` gives."""
        return self.goto(len(self.steps))

    def reset(self) -> Stepper:
        """Go back to the start: the output's grad is the seed dL/dL = 1, nothing passed back."""
        return self.goto(0)

    def _node(self, target: Value | str) -> Value:
        if isinstance(target, Value):
            if target not in self._complete:
                raise ValueError(f"{target!r} is not part of this graph")
            return target
        matches = [node for node in self.order if node.label == target]
        if len(matches) == 1:
            return matches[0]
        if matches:
            raise ValueError(f"{len(matches)} nodes are labelled {target!r}: pass the Value itself")
        labels = sorted({node.label for node in self.order if node.label})
        raise ValueError(f"no node labelled {target!r} in this graph (labels: {', '.join(labels) or 'none'})")

    def _write_state(self) -> None:
        """Set every node's grad to its state after ``position`` steps (held + pass so far)."""
        passed = {node: 0.0 for node in self.order}
        passed[self.root] = 1.0
        for step in self.steps[: self._position]:
            passed[step.parent] = step.after
        for node, value in passed.items():
            node.grad = self._held[node] + value

    # -- showing it ------------------------------------------------------------------------------------

    def forward_walk(self) -> ForwardWalk:
        """The forward pass in words, with the same node names as the steps."""
        return ForwardWalk(self.root, self.order, self._terms)

    def formula(self, node: Value) -> str:
        """How ``node`` was made, in the names the steps use: ``a*b``, ``e + c``, ``tanh(n)``."""
        return formula_of(node, self._terms).text

    def table(self, limit: int = _TABLE_ROWS) -> str:
        """Every node (output first, up to ``limit``): name, how it was made, data, grad, status."""
        rows = [("node", "made as", "data", "grad", "")]
        for node in reversed(self.order[-limit:] if limit < len(self.order) else self.order):
            made = self.formula(node) if node.parents else leaf_kind(node)
            status = "" if made == "constant" else self.status(node)
            rows.append((self.names[node], made, num(node.data), num(node.grad), status))
        widths = [max(len(row[i]) for row in rows) for i in range(5)]
        lines = []
        for row in rows:
            cells = [row[0].ljust(widths[0]), row[1].ljust(widths[1]),
                     row[2].rjust(widths[2]), row[3].rjust(widths[3]), row[4]]
            lines.append("  " + "  ".join(cells).rstrip())
        if limit < len(self.order):
            lines.append(f"  ... and {len(self.order) - limit} more nodes")
        return "\n".join(lines)

    def where(self) -> str:
        """One line: how far the pass has got."""
        root = self.names[self.root]
        seed = f"{d_of(root)}/{d_of(root)} = 1.0"
        if not self.steps:
            why = (f"{root} is a leaf, so its gradient is {seed}" if not self.root.parents else
                   f"{root} = {formula_of(self.root, self._terms).text} is made of constants only, "
                   "so no gradient goes anywhere")
            return f"backward pass of {root}: no steps: {why}"
        if self._position == 0:
            return (f"backward pass of {root}: at the start, {grad_of(self._terms[self.root])} = {seed} (the seed), "
                    f"{plural(len(self.steps), 'step')} to go")
        if self.finished:
            return f"backward pass of {root}: finished, {self._all_done()} (grads as backward() gives)"
        return f"backward pass of {root}: {self._position} of {len(self.steps)} steps done"

    def _all_done(self) -> str:
        return "its one step done" if len(self.steps) == 1 else f"all {len(self.steps)} steps done"

    quiz = offer("Stepper.quiz", """Practise this pass: answer each step's numbers
        (see :func:`micrograd_like.teach.quiz.quiz`); returns a :class:`~micrograd_like.teach.quiz.Quiz`.""")
    predict = offer("Stepper.predict", """Predict, then see: each step's contribution (or ``ask``, another blank)
        asked before the step is shown (see :func:`micrograd_like.teach.predict.predict`).""")
    to_markdown = offer("Stepper.to_markdown", """The whole pass as Markdown tables, for slides
        (see :func:`micrograd_like.pages.export.to_markdown`).""")
    to_csv = offer("Stepper.to_csv", """The whole pass as CSV, one row per step
        (see :func:`micrograd_like.pages.export.to_csv`).""")

    def transcript(self) -> str:
        """Every step of the pass in words, one after another, without moving the stepper:
        ``print(steps.transcript())``."""
        return "\n".join(step.text for step in self.steps)

    def _summary(self) -> list[str]:
        """Where we are, the last step and the next one, by their headlines."""
        parts = [self.where()]
        if self.current is not None:
            parts.append("last " + self.current.headline)
        if self.upcoming is not None:
            parts.append("next " + self.upcoming.headline)
        return parts

    def __repr__(self) -> str:
        return "\n".join([*self._summary(), self.table()])

    # -- drawing it -----------------------------------------------------------------------------------

    def highlight(self) -> Highlight:
        """What the drawing of the current position emphasises: the current node and parent and
        the edge between them (labelled with the local derivative and the contribution), the
        nodes already done (green), the nodes still waiting for their gradient (grey) and the
        constants (dashed); the other nodes, drawn plain, have their gradient and have not passed
        it all back yet (``status`` 'ready' or 'passing')."""
        from ..drawing.graphs import Highlight

        step = self.current
        done = {node for node in self.order if self.status(node) == "done"}  # not constants: no gradient
        waiting = {node for node in self.order if self.status(node) == "waiting"}
        constants = {node for node in self.order if not node.requires_grad}
        if step is None:
            return Highlight(nodes={self.root}, done=done, dimmed=waiting, constants=constants, caption=self.where())
        edge = (step.node, step.operand)
        label = "\n".join(_edge_label(step))
        if len(self.order) > _LABELLED_EDGE_LIMIT:  # dot lays a labelled edge out far more slowly
            return Highlight(nodes={step.node, step.parent}, edges={edge}, done=done, dimmed=waiting,
                             constants=constants, caption=f"{step.headline}\n{label}")
        return Highlight(nodes={step.node, step.parent}, edges={edge}, done=done, dimmed=waiting,
                         constants=constants, edge_labels={edge: label}, caption=step.headline)

    def draw(self, *, caption: bool = True, around: bool = False, **options) -> Drawing:
        """The graph at the current step, as :func:`micrograd_like.drawing.graphs.draw_dot` draws it, highlighted.

        In Jupyter it shows inline; from a REPL, ``stepper.draw().save("step.svg")`` writes a
        file and returns its path.  ``options`` go to ``draw_dot`` (``rankdir="TB"``, ...).
        Unlabelled intermediate nodes are shown by the names the steps use (``a*b + c``).
        Every node is drawn: a step is one edge of the whole graph, so ``merge_sums`` (which
        folds sum nodes away) cannot show it and is refused.

        ``around=True`` draws only the step's node and its operands
        (:func:`micrograd_like.drawing.graphs.draw_around`; at the start, the output's): legible and quick
        however big the graph, as for one point of a network.  ``options`` go to
        ``draw_around`` then, but for ``max_nodes`` and ``force``, the whole graph's limits.
        """
        if options.get("merge_sums"):
            raise ValueError("Stepper.draw() cannot merge sums: each step is one edge of the whole graph, and "
                             "merge_sums folds sum nodes (and their edges) away; draw without merge_sums")
        options.pop("merge_sums", None)
        if around:
            return self._draw_around(caption, **options)
        highlight = self.highlight()
        if not caption:
            highlight.caption = ""
        return self._draw(highlight, **options)

    def _widest_edge_label(self) -> int:
        """The characters of the longest line written on an edge of the whole graph's drawings,
        at any step (0 when the edges carry none, as in a graph too big for them)."""
        if len(self.order) > _LABELLED_EDGE_LIMIT:
            return 0
        return max((len(line) for step in self.steps for line in _edge_label(step)), default=0)

    def _draw_around(self, caption: bool, **options) -> Drawing:
        highlight = self.highlight()
        step = self.current
        if step is not None:  # the step's arithmetic on its edge, short: the words say the rest
            highlight.edge_labels = {(step.node, step.operand): f"local {num(step.local)}\n{step.arithmetic('×')}"}
        highlight.caption = (step.headline if step else self.where()) if caption else ""
        step = step or self.upcoming
        return self._draw_node_around(step.node if step else self.root, highlight, **options)

    def _draw_node_around(self, node: Value, highlight: Highlight, **options) -> Drawing:
        """``draw_around(node)`` with the steps' names; the limits on the whole graph's size are
        left out: a neighbourhood is small."""
        from ..drawing.graphs import draw_around

        options = {name: value for name, value in options.items() if name not in _WHOLE_GRAPH_ONLY}
        return draw_around(node, highlight=highlight, labels=self._labels(options), **options)

    def _draw(self, highlight: Highlight, **options) -> Drawing:
        from ..drawing.graphs import draw_dot

        return draw_dot(self.root, highlight=highlight, labels=self._labels(options), **options)

    def _labels(self, options: dict) -> dict[Value, str]:
        """The names drawn for unlabelled intermediate nodes (those the steps use), then those
        given in ``options["labels"]`` (taken out of ``options``)."""
        labels = {node: name for node, name in self.names.items()
                  if not node.label and (node.parents or node is self.root)}
        labels.update(options.pop("labels", None) or {})
        return labels

    def _each_position(self) -> Iterator[int]:
        """Visit every position from the start to the end, then come back to where we were."""
        here = self._position
        try:
            for position in range(len(self.steps) + 1):
                self.goto(position)
                yield position
        finally:
            self.goto(here)


    # -- files and notebooks: provided by the parts above this one (micrograd_like.offers) --------

    save_svgs = offer("Stepper.save_svgs", """``save_svgs(directory, *, progress=None, **options)``:
        write one SVG per position into ``directory`` (see :func:`micrograd_like.pages.slideshow.save_svgs`).""")
    save_html = offer("Stepper.save_html", """``save_html(path, *, title=None, progress=None, **options)``:
        write the whole pass as one HTML slideshow (see :func:`micrograd_like.pages.slideshow.save_html`).""")
    widget = offer("Stepper.widget", """``widget(**draw_options)``: an interactive stepper for notebooks
        (see :mod:`micrograd_like.notebook.stepper_widget`).""")
    _repr_html_ = offer("Stepper._repr_html_", """Jupyter: the words of the current step above its
        drawing (text only without Graphviz).""")


def backward_steps(root: Value) -> Stepper:
    """A :class:`Stepper` over ``root``'s backward pass, at its start (see the module docs)."""
    return Stepper(root)


