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

import html
import math
import os
import re
import string
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from . import autodiff, ops
from .engine import Value

if TYPE_CHECKING:  # drawing needs the graphviz package, imported only when something is drawn
    from .viz import Drawing, Highlight

T, R = TypeVar("T"), TypeVar("R")

__all__ = ["Stepper", "Step", "Undone", "ForwardWalk", "backward_steps", "forward_walk"]

_LONG_NAME = 24  # an unlabelled node's formula longer than this has its deepest parts elided (…)
_TABLE_ROWS = 30  # the repr's table shows at most this many nodes
_LABELLED_EDGE_LIMIT = 60  # above this many values the current edge's words go in the caption instead
_FRAME = re.compile(r"step-\d+\.svg")  # the names save_svgs gives its files


# -- words and numbers ------------------------------------------------------------------------------


def _num(x: float) -> str:
    """A number as a student reads it: -2.0, 0.70711, 1e-08 (5 significant digits at most)."""
    text = repr(x)
    if len(text) <= 8:
        return text
    short = f"{x:.5g}"
    return short if any(ch in short for ch in ".enai") else short + ".0"


def _count(n: int, noun: str) -> str:
    """'1 step', '6 steps'."""
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


# How tightly a piece of a formula holds together, loosest first.  A piece goes into a formula
# bare when it binds at least as tightly as its place there needs, else in brackets: a*b goes
# bare into a*b + c, but a + b goes into (a + b)*c, and -2.0 into 4.0*(-2.0).
_SUM, _NEGATION, _PRODUCT, _POWER, _NUMBER, _ATOM = range(6)

_CALL = re.compile(r"[^\W\d]\w*\(\{0\}\)")  # a function's notation: tanh({0}), σ({0})


def _reading(primitive: ops.Primitive) -> tuple[int, tuple[int, ...]]:
    """How tightly ``primitive``'s formula binds, and how tightly each operand must bind to go
    into it without brackets: decided by the operation, never by re-reading text."""
    arity = primitive.arity
    if primitive is ops.ADD or primitive is ops.SUB:
        return _SUM, (_SUM, _PRODUCT)  # -x + y, a*b + c, a - (b + c), a + (-2.0)
    if primitive is ops.MUL:
        return _PRODUCT, (_PRODUCT, _PRODUCT)  # a*b*c, (a + b)*c, (-x)*y
    if primitive is ops.DIV:
        return _PRODUCT, (_POWER, _NUMBER)  # x**2/y, (a*b)/c, a/(b*c)
    if primitive is ops.NEG:
        return _NEGATION, (_ATOM,)  # -x, -tanh(x), -(a*b), -(2.0)
    if primitive.symbol.startswith("**"):  # a**b, and x**2 (ops.power)
        return _POWER, (_NUMBER,) * arity
    if arity >= 3 and arity % 2 and primitive is ops.weighted_sum(arity // 2):
        return _SUM, (_PRODUCT,) * arity  # w1*(x1 + x2) + w2*x2 + b
    if _CALL.fullmatch(primitive.notation):
        return _ATOM, (_SUM,)  # tanh(a*b + c): the call brackets its operand itself
    return _SUM, (_ATOM,) * arity  # an operation not known here: bracket all but plain names


@dataclass(frozen=True)
class _Term:
    """A name or a number as it goes into formulas: its text and how tightly it binds."""

    text: str
    binds: int

    def bracketed(self, needs: int) -> str:
        return self.text if self.binds >= needs else f"({self.text})"


_ELIDED = _Term("…", _ATOM)
_ONE_WORD = re.compile(r"\w+(\[\w+\])*'*\Z")  # x, x1, w[0], x': a label that reads as one thing


def _number(x: float) -> _Term:
    return _Term(_num(x), _NEGATION if math.copysign(1.0, x) < 0 else _NUMBER)


def _label(label: str) -> _Term:
    """A label as the user gave it: bracketed in formulas unless it is one word ('a-b' is not)."""
    return _Term(label, _ATOM if _ONE_WORD.match(label) else _SUM)


def _write(template: str, primitive: ops.Primitive, operands: list[_Term], out: str = "") -> str:
    """A template of ``primitive`` (its notation or one of its grad_words) with operands put in,
    each bracketed as its place in the operation needs."""
    needs = _reading(primitive)[1]
    return template.format(*(term.bracketed(need) for term, need in zip(operands, needs)), out=out)


def _formula(node: Value, terms: dict[Value, _Term]) -> _Term:
    """How a node was made, in its operands' names: a*b, tanh(n)."""
    operands = [terms[p] for p in node.parents]
    return _Term(_write(node.primitive.notation, node.primitive, operands), _reading(node.primitive)[0])


def _grad(term: _Term) -> str:
    """'a.grad', '(a*b).grad', '(3.0).grad': a node's grad, by name."""
    return f"{term.bracketed(_ATOM)}.grad"


def _d(name: str) -> str:
    """'d' before a name, as in dL/dd: bare for one letter, else d(w1), d(a*b)."""
    return f"d{name}" if len(name) == 1 else f"d({name})"


def _product(a: float, b: float, times: str = "*") -> str:
    """'-2.0 * 3.0' in the stepper's arithmetic: '(-2.0) * 3.0', as a product is written anywhere."""
    return _write(f"{{0}} {times} {{1}}", ops.MUL, [_number(a), _number(b)])


def _sum(a: float, b: float) -> str:
    """'0.0 + (-2.0)': a running total, as a sum is written anywhere."""
    return _write("{0} + {1}", ops.ADD, [_number(a), _number(b)])


def _names(order: list[Value], root: Value) -> dict[Value, _Term]:
    """A name for every node: its label; else its formula in its operands' names (a*b), with
    the deepest parts elided when it grows long (exp(…) + tanh(x)); a plain number for an
    unlabelled leaf; the unlabelled output is called L (out if a node is labelled L)."""
    labels = {node.label for node in order if node.label}
    terms: dict[Value, _Term] = {}
    for node in order:
        if node.label:
            terms[node] = _label(node.label)
        elif node is root:
            terms[node] = _Term("L" if "L" not in labels else "out", _ATOM)
        elif node.primitive is None:
            terms[node] = _number(node.data)
        else:
            terms[node] = _short_formula(node, terms)
    return terms


def _short_formula(node: Value, terms: dict[Value, _Term]) -> _Term:
    """The node's formula, its longest operands cut to their outline (exp(…), … + …) and then
    to … until it fits in _LONG_NAME characters (or nothing more can be cut)."""
    primitive = node.primitive
    operands = [terms[p] for p in node.parents]
    formula = _write(primitive.notation, primitive, operands)
    while len(formula) > _LONG_NAME:
        i = max(range(len(operands)), key=lambda j: len(operands[j].text))
        parent = node.parents[i]
        if parent.label or parent.primitive is None or operands[i] is _ELIDED:
            break  # the longest part is a name the user gave, or already cut
        outline = _Term(_write(parent.primitive.notation, parent.primitive, [_ELIDED] * len(parent.parents)),
                        _reading(parent.primitive)[0])
        operands[i] = outline if len(outline.text) < len(operands[i].text) else _ELIDED
        formula = _write(primitive.notation, primitive, operands)
    return _Term(formula, _reading(primitive)[0])


def _kind(node: Value) -> str:
    """'input' or 'constant' for a leaf: whether backward passes it a gradient, whatever its label."""
    return "input" if node.requires_grad else "constant"


# -- one step ---------------------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class Step:
    """One application of the chain rule along the edge ``node -> parent``, with its words.

    The numbers are those ``backward()`` used: ``contribution = upstream * local`` is added
    to the parent's running total, ``before`` -> ``after`` (this pass only; ``held`` is what
    the parent's grad held before the pass).  ``share`` counts the contributions the parent
    has had so far, this one included, out of ``shares``: a parent used twice gets two.

    The words come in pieces: ``headline`` (who sends what to whom), ``derivative`` (the
    local derivative, ``d(a*b)/da = b = -3.0``), ``update`` (the parent's running total) and
    ``notes`` (explanations of common confusions the step touches, often none).  ``lines``
    and ``print(step)`` put them together.
    """

    number: int  # 1-based place in the pass
    total: int  # how many steps the pass has
    node: Value
    parent: Value
    operand: int
    local: float
    upstream: float
    contribution: float
    before: float
    after: float
    held: float
    share: int
    shares: int
    headline: str = field(repr=False)
    derivative: str = field(repr=False)
    update: str = field(repr=False)
    notes: tuple[str, ...] = field(default=(), repr=False)

    @property
    def lines(self) -> tuple[str, ...]:
        """The step in words: the headline, the arithmetic, then a line per note."""
        arithmetic = f"contribution {_product(self.upstream, self.local)} = {_num(self.contribution)}"
        return (self.headline, f"  local {self.derivative}; {arithmetic}; {self.update}",
                *(f"  note: {note}" for note in self.notes))

    @property
    def text(self) -> str:
        """The step in words (what ``print(step)`` shows)."""
        return "\n".join(self.lines)

    def __str__(self) -> str:
        return self.text

    __repr__ = __str__


_LONE_OPERAND = re.compile(r"\{\d+\}")  # a local derivative that is one operand: d(a*b)/da = b


def _step(record: autodiff.ChainRuleStep, number: int, total: int, held: float, share: int, shares: int,
          terms: dict[Value, _Term], root: Value) -> Step:
    """The Step for one recorded chain-rule step, its words put together from the graph."""
    node, parent, operand = record.node, record.parent, record.operand
    primitive = node.primitive
    name, parent_name = terms[node], terms[parent].text
    formula = _formula(node, terms).text
    operands = [terms[p] for p in node.parents]
    made = name.text if formula == name.text else f"{name.text} = {formula}"
    upstream = f"{_d(terms[root].text)}/{_d(name.text)} = {_num(record.upstream)}"
    headline = f"step {number}/{total}: {made} sends {upstream} back to {parent_name}"

    template = primitive.grad_words[operand]
    if _LONE_OPERAND.fullmatch(template):  # the whole right-hand side: never bracketed
        words = operands[int(template[1:-1])].text
    else:
        words = _write(template, primitive, operands, out=name.bracketed(_ATOM))
    derivative = f"{_d(formula)}/{_d(parent_name)} = {words}"
    if "{" in template and words != _num(record.local):  # d(e + c)/de = 1 needs no '= 1.0'
        derivative += f" = {_num(record.local)}"

    update = f"{_grad(terms[parent])} = {_sum(record.before, record.contribution)} = {_num(record.after)}"
    if held:
        update += f" (+ {_number(held).bracketed(_PRODUCT)} held before = {_num(held + record.after)})"
    return Step(number, total, node, parent, operand, record.local, record.upstream, record.contribution,
                record.before, record.after, held=held, share=share, shares=shares, headline=headline,
                derivative=derivative, update=update, notes=_notes(record, share, shares, parent_name, formula))


def _notes(record: autodiff.ChainRuleStep, share: int, shares: int, p: str, formula: str) -> tuple[str, ...]:
    """Short explanations of the questions students ask most about one chain-rule step
    (``p`` is the parent's name, ``formula`` the node's formula)."""
    node, parent, operand = record.node, record.parent, record.operand
    primitive = node.primitive
    notes = []
    same = [i for i, q in enumerate(node.parents) if q is parent]
    if len(same) > 1:
        which = same.index(operand)
        if which == 0:
            notes.append(f"{p} is used {len(same)} times in {formula}: each use is its own edge, and each "
                         "sends back its own share; the shares add up")
        else:
            notes.append(f"another edge from {formula} to {p}: its share adds to the one before "
                         "(that is why backward uses +=, not =)")
    elif share == 2:  # said once, at the first sum
        notes.append(f"{p} is used in {shares} places and gets a share from each: its gradient is their "
                     "sum, which is why backward adds (+=) instead of overwriting")
    if primitive is ops.SUB and operand == 1 or primitive is ops.NEG:
        notes.append(f"making {p} bigger makes {formula} smaller, so the local derivative is -1: "
                     "the gradient comes back with its sign flipped")
    elif primitive is ops.EXP:
        notes.append("exp is its own derivative: the local derivative is the node's own output, "
                     "already computed in the forward pass")
    elif primitive in (ops.TANH, ops.SIGMOID):
        notes.append(f"the local derivative is computed from the node's output ({_num(node.data)}), "
                     "which the forward pass already has")
    elif primitive is ops.RELU and record.local == 0:
        notes.append(f"relu's input is not positive here, so its slope is 0: no gradient reaches {p}")
    return tuple(notes)


class Undone:
    """What ``Stepper.back()`` returns: the step that was undone (``.step``), shown in words."""

    def __init__(self, step: Step, grad: str) -> None:
        self.step = step
        self._grad = f"{grad} is {_num(step.held + step.before)} again"

    def __repr__(self) -> str:
        return f"undid step {self.step.number}/{self.step.total}: {self._grad}"


# -- the forward walk -------------------------------------------------------------------------------


class ForwardWalk:
    """The forward pass in words: every node in an order it can be computed, with its numbers.

    ``lines`` holds one line per node; ``print()`` or the REPL shows them all.
    """

    def __init__(self, root: Value, _order: list[Value] | None = None,
                 _terms: dict[Value, _Term] | None = None) -> None:
        order = _order if _order is not None else autodiff.topological_order(root)
        terms = _terms if _terms is not None else _names(order, root)
        lines = []
        for k, node in enumerate(order, start=1):
            name = terms[node].text
            if node.primitive is None:
                kind = "an input" if node.requires_grad else "a constant"
                lines.append(f"{k:>3}. {name} = {_num(node.data)}  ({kind})" if node.label
                             else f"{k:>3}. {name}  ({kind})")
                continue
            formula = _formula(node, terms).text
            worked = _write(node.primitive.notation, node.primitive, [_number(p.data) for p in node.parents])
            parts = [name, formula, worked, _num(node.data)]
            said = [part for i, part in enumerate(parts) if i == 0 or part != parts[i - 1]]  # no x*x = x*x
            lines.append(f"{k:>3}. " + " = ".join(said))
        self.lines: tuple[str, ...] = tuple(lines)

    def __len__(self) -> int:
        return len(self.lines)

    def __iter__(self) -> Iterator[str]:
        return iter(self.lines)

    def __repr__(self) -> str:
        return "forward pass, one value at a time:\n" + "\n".join(self.lines)


def forward_walk(root: Value) -> ForwardWalk:
    """The order in which ``root``'s values are computed, each with its formula and numbers.

    >>> x = Value(3.0, label="x")
    >>> y = x * x + 1; y.label = "y"
    >>> forward_walk(y)
    forward pass, one value at a time:
      1. x = 3.0  (an input)
      2. x*x = 3.0*3.0 = 9.0
      3. 1.0  (a constant)
      4. y = x*x + 1.0 = 9.0 + 1.0 = 10.0
    """
    return ForwardWalk(root)


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
        for node in autodiff.topological_order(root):
            if isinstance(node.grad, Value):
                raise ValueError("this graph holds gradients from backward(create_graph=True), which are Values: "
                                 "call zero_grad() first to step through its backward pass")
            held[node] = node.grad
        records: list[autodiff.ChainRuleStep] = []
        self.order: list[Value] = autodiff.backward(root, record=records)  # the pass itself
        self._held = held
        self._rendered: dict[str, str] = {}  # the last pass's frames: DOT source -> SVG (see _frames)
        try:
            self._explain(records)
        except BaseException:  # leave the grads as they were before the stepper was made
            for node, grad in held.items():
                node.grad = grad
            raise

    def _explain(self, records: list[autodiff.ChainRuleStep]) -> None:
        """Name the nodes and put every recorded step into words."""
        root = self.root
        self._terms = _names(self.order, root)
        self.names: dict[Value, str] = {node: term.text for node, term in self._terms.items()}

        total = len(records)
        shares: dict[Value, int] = {}
        for record in records:
            shares[record.parent] = shares.get(record.parent, 0) + 1
        seen: dict[Value, int] = {}
        steps = []
        for number, record in enumerate(records, start=1):
            seen[record.parent] = share = seen.get(record.parent, 0) + 1
            steps.append(_step(record, number, total, self._held[record.parent], share, shares[record.parent],
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
        return Undone(step, _grad(self._terms[step.parent]))

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

    def table(self, limit: int = _TABLE_ROWS) -> str:
        """Every node (output first, up to ``limit``): name, how it was made, data, grad, status."""
        rows = [("node", "made as", "data", "grad", "")]
        for node in reversed(self.order[-limit:] if limit < len(self.order) else self.order):
            made = _formula(node, self._terms).text if node.parents else _kind(node)
            status = "" if made == "constant" else self.status(node)
            rows.append((self.names[node], made, _num(node.data), _num(node.grad), status))
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
        seed = f"{_d(root)}/{_d(root)} = 1.0"
        if not self.steps:
            why = (f"{root} is a leaf, so its gradient is {seed}" if not self.root.parents else
                   f"{root} = {_formula(self.root, self._terms).text} is made of constants only, "
                   "so no gradient goes anywhere")
            return f"backward pass of {root}: no steps: {why}"
        if self._position == 0:
            return (f"backward pass of {root}: at the start, {_grad(self._terms[self.root])} = {seed} (the seed), "
                    f"{_count(len(self.steps), 'step')} to go")
        if self.finished:
            return f"backward pass of {root}: finished, {self._all_done()} (grads as backward() gives)"
        return f"backward pass of {root}: {self._position} of {len(self.steps)} steps done"

    def _all_done(self) -> str:
        return "its one step done" if len(self.steps) == 1 else f"all {len(self.steps)} steps done"

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
        nodes already done (green) and the nodes still waiting for their gradient (grey)."""
        from .viz import Highlight

        step = self.current
        done = {node for node in self.order if self.status(node) == "done"}  # not constants: no gradient
        waiting = {node for node in self.order if self.status(node) == "waiting"}
        if step is None:
            return Highlight(nodes={self.root}, done=done, dimmed=waiting, caption=self.where())
        edge = (step.node, step.operand)
        label = f"{step.derivative}\n{_product(step.upstream, step.local, '×')} = {_num(step.contribution)}"
        if len(self.order) > _LABELLED_EDGE_LIMIT:  # dot lays a labelled edge out far more slowly
            return Highlight(nodes={step.node, step.parent}, edges={edge}, done=done, dimmed=waiting,
                             caption=f"{step.headline}\n{label}")
        return Highlight(nodes={step.node, step.parent}, edges={edge}, done=done, dimmed=waiting,
                         edge_labels={edge: label}, caption=step.headline)

    def draw(self, *, caption: bool = True, **options) -> Drawing:
        """The graph at the current step, as :func:`micrograd_like.viz.draw_dot` draws it, highlighted.

        In Jupyter it shows inline; from a REPL, ``stepper.draw().save("step.svg")`` writes a
        file and returns its path.  ``options`` go to ``draw_dot`` (``rankdir="TB"``, ...).
        Unlabelled intermediate nodes are shown by the names the steps use (``a*b + c``).
        Every node is drawn: a step is one edge of the whole graph, so ``merge_sums`` (which
        folds sum nodes away) cannot show it and is refused.
        """
        highlight = self.highlight()
        if not caption:
            highlight.caption = ""
        return self._draw(highlight, **options)

    def _draw(self, highlight: Highlight, **options) -> Drawing:
        from .viz import draw_dot

        if options.get("merge_sums"):
            raise ValueError("Stepper.draw() cannot merge sums: each step is one edge of the whole graph, and "
                             "merge_sums folds sum nodes (and their edges) away; draw without merge_sums")
        labels = {node: name for node, name in self.names.items()
                  if not node.label and (node.parents or node is self.root)}
        labels.update(options.pop("labels", None) or {})
        return draw_dot(self.root, highlight=highlight, labels=labels, **options)

    def _each_position(self) -> Iterator[int]:
        """Visit every position from the start to the end, then come back to where we were."""
        here = self._position
        try:
            for position in range(len(self.steps) + 1):
                self.goto(position)
                yield position
        finally:
            self.goto(here)

    def save_svgs(self, directory: str | Path, *, progress: Callable[[int, int], None] | None = None,
                  **options) -> list[Path]:
        """Write one SVG per position, ``step-00.svg`` (the start) to ``step-NN.svg`` (the end),
        into ``directory`` (made if needed); return their paths.  ``progress(done, total)`` is
        called as each drawing is rendered; ``options`` go to ``draw_dot``.  Drawings the last
        ``save_svgs`` or ``save_html`` rendered are not rendered again: writing both costs one.

        Frames an earlier, longer pass left there (``step-<number>.svg``, and only those) are
        removed, so the directory holds exactly this pass's frames.
        """
        directory = Path(directory)
        directory.mkdir(parents=True, exist_ok=True)
        width = max(2, len(str(len(self.steps))))
        paths = []
        for position, (caption, svg) in enumerate(self._frames(progress, options)):
            path = directory / f"step-{position:0{width}d}.svg"
            path.write_text(_with_caption(svg, caption), encoding="utf-8")
            paths.append(path.resolve())
        for old in directory.glob("step-*.svg"):
            if _FRAME.fullmatch(old.name) and old.resolve() not in paths:
                old.unlink()
        return paths

    def save_html(self, path: str | Path, *, title: str | None = None,
                  progress: Callable[[int, int], None] | None = None, **options) -> Path:
        """Write the whole pass as one self-contained HTML slideshow and return its path.

        Every position's drawing (inline SVG) and words are in the file; Previous/Next buttons
        and the arrow keys move through them.  Nothing is fetched from the network, so the file
        opens offline in any browser.  ``options`` go to ``draw_dot``.
        """
        from .viz import COLOURS

        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)  # a path that cannot be written fails before drawing
        root = self.names[self.root]
        formula = _formula(self.root, self._terms).text if self.root.parents else root
        title = title or f"Backpropagation through {root} = {formula}"
        slides = []
        for position in self._each_position():
            step = self.current
            words = [self.where()] if step is None else list(step.lines)
            focus = self.names[self.root] if step is None else self.names[step.parent]
            text = "\n".join(html.escape(line) for line in words)
            slides.append(  # {svg} is filled in once the drawings are rendered
                f'<section class="slide" data-position="{position}" data-focus="{html.escape(focus)}" hidden>\n'
                f'<pre class="words">{text}</pre>\n'
                '<div class="graph">{svg}</div>\n<details><summary>every node now</summary>'
                f'<pre class="table">{html.escape(self.table())}</pre></details>\n</section>'
            )
        svgs = [_readable(_inline_svg(svg)) for _, svg in self._frames(progress, options)]  # the words say the caption
        slides = [slide.replace("{svg}", svg, 1) for slide, svg in zip(slides, svgs)]
        page = _PAGE.substitute(
            title=html.escape(title),
            forward=html.escape("\n".join(self.forward_walk().lines)),
            slides="\n".join(slides),
            steps=len(self.steps),
            red=COLOURS["emphasis"],
        )
        path.write_text(page, encoding="utf-8")
        return path.resolve()

    def _frames(self, progress: Callable[[int, int], None] | None, options: dict) -> list[tuple[str, str]]:
        """Every position's caption and drawing (SVG, without the caption), each rendered once.

        The slideshow shows the caption as words and the SVG files write it above the drawing,
        so one rendering serves both: writing both renders each drawing once.  The renderings
        are kept by DOT source (what is drawn, exactly), so a drawing that changed is rendered
        again; only the last call's are kept.
        """
        captions, sources = [], []
        for _ in self._each_position():
            highlight = self.highlight()
            captions.append(highlight.caption)
            highlight.caption = ""
            sources.append(self._draw(highlight, **options))
        kept = {drawing.source: self._rendered[drawing.source] for drawing in sources
                if drawing.source in self._rendered}
        new = {drawing.source: drawing for drawing in sources if drawing.source not in kept}
        kept.update(zip(new, _render_all(lambda drawing: drawing.svg(), list(new.values()), progress)))
        self._rendered = kept
        return [(caption, kept[drawing.source]) for caption, drawing in zip(captions, sources)]

    def widget(self, **draw_options):
        """An interactive stepper for notebooks (ipywidgets): see :mod:`micrograd_like.widgets`."""
        from .widgets import stepper_widget

        return stepper_widget(self, **draw_options)

    def _repr_html_(self) -> str | None:
        """Jupyter: the words of the current step above its drawing (text only without Graphviz)."""
        from .viz import GraphvizNotFoundError, LayoutTimeoutError

        words = html.escape("\n".join(self._summary()))
        try:
            svg = _inline_svg(self.draw(caption=False).svg())
        except (GraphvizNotFoundError, LayoutTimeoutError, ValueError):
            svg = ""
        return f"<pre>{words}</pre>{svg}"


def backward_steps(root: Value) -> Stepper:
    """A :class:`Stepper` over ``root``'s backward pass, at its start (see the module docs)."""
    return Stepper(root)


def _render_all(render: Callable[[T], R], items: list[T], progress: Callable[[int, int], None] | None) -> list[R]:
    """``[render(item) for item in items]``, several at a time: each drawing runs Graphviz in a
    process of its own, so a pass's drawings render about as many times faster as there are
    processors.  ``progress(done, total)`` is called as each one finishes."""
    results: list = [None] * len(items)
    if not items:
        return results
    pool = ThreadPoolExecutor(max_workers=min(len(items), os.cpu_count() or 1))
    try:
        futures = {pool.submit(render, item): i for i, item in enumerate(items)}
        for done, future in enumerate(as_completed(futures), start=1):
            results[futures[future]] = future.result()
            if progress is not None:
                progress(done, len(items))
    finally:
        pool.shutdown(cancel_futures=True)  # after an error: start no more drawings
    return results


def _readable(svg: str, smallest: float = 0.62) -> str:
    """Let a wide drawing shrink to fit the page, but not below ``smallest`` of its size (the
    page scrolls sideways instead, and keeps the current step in view)."""
    match = re.search(r'<svg width="([\d.]+)pt"', svg)
    if not match:
        return svg
    pixels = float(match.group(1)) * 4 / 3  # Graphviz sizes are in points
    return svg.replace("<svg ", f'<svg style="min-width: {pixels * smallest:.0f}px" ', 1)


_CAPTION_SIZE = 14.0  # points, as draw_dot writes a caption
_CAPTION_CHARACTER = 8.0  # points: wider than Helvetica's average character at 14 points, so nothing is cut


def _with_caption(svg: str, caption: str) -> str:
    """Graphviz's SVG with ``caption`` written above the drawing, centred, one line per line:
    the drawing is laid out once without it (see ``Stepper._frames``) and put below the words."""
    match = re.search(r'<svg width="([\d.]+)pt" height="([\d.]+)pt"', svg)
    if not caption or not match:
        return svg
    width, height = float(match.group(1)), float(match.group(2))
    lines = caption.splitlines()
    line_height = _CAPTION_SIZE * 1.3
    top = line_height * len(lines) + 8
    full = max(width, _CAPTION_CHARACTER * max(len(line) for line in lines) + 16)
    words = "\n".join(
        f'<text text-anchor="middle" x="{full / 2:.2f}" y="{line_height * (i + 1):.2f}" '
        f'font-family="Helvetica,sans-Serif" font-size="{_CAPTION_SIZE:.2f}">{html.escape(line)}</text>'
        for i, line in enumerate(lines)
    )
    # The drawing as a nested <svg>, placed below the words (its size in user units: points here).
    drawing = _inline_svg(svg).replace(
        match.group(0), f'<svg x="{(full - width) / 2:.2f}" y="{top:.2f}" width="{width}" height="{height}"', 1
    )
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="no"?>\n'
        f'<svg width="{full:.0f}pt" height="{height + top:.0f}pt" viewBox="0 0 {full:.2f} {height + top:.2f}" '
        'xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink">\n'
        f'<rect width="100%" height="100%" fill="white"/>\n{words}\n{drawing}\n</svg>\n'
    )


def _inline_svg(svg: str) -> str:
    """Graphviz's SVG without its XML prolog, doctype and comments, ready to sit inside HTML."""
    start = svg.find("<svg")
    return re.sub(r"<!--.*?-->\n?", "", svg[start:], flags=re.S).strip()


_PAGE = string.Template("""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>$title</title>
<style>
  :root { --ink: #1f2328; --muted: #656d76; --line: #d0d7de; --accent: #d62728; --done: #c7e9c0;
          --wait: #b0b0b0; --soft: #f6f8fa; }
  * { box-sizing: border-box; }
  body { margin: 0; font: 16px/1.5 system-ui, -apple-system, "Segoe UI", Helvetica, Arial, sans-serif;
         color: var(--ink); background: #fff; }
  header { padding: 14px 24px 10px; border-bottom: 1px solid var(--line); background: var(--soft); }
  h1 { font-size: 19px; margin: 0 0 8px; font-weight: 600; }
  .bar { display: flex; align-items: center; gap: 10px; flex-wrap: wrap; }
  button { font: inherit; font-size: 15px; padding: 5px 16px; border-radius: 6px; border: 1px solid var(--line);
           background: #fff; cursor: pointer; }
  button:hover:not(:disabled) { border-color: var(--muted); }
  button:disabled { color: var(--wait); cursor: default; }
  #counter { min-width: 7.5em; font-variant-numeric: tabular-nums; color: var(--muted); }
  progress { flex: 1; min-width: 120px; height: 8px; accent-color: var(--accent); }
  .legend { display: flex; gap: 16px; font-size: 13px; color: var(--muted); margin-top: 8px; flex-wrap: wrap; }
  .swatch { display: inline-block; width: 13px; height: 13px; border-radius: 3px; vertical-align: -2px;
            margin-right: 5px; border: 1px solid var(--line); }
  main { padding: 8px 24px 24px; }
  pre { font: 14.5px/1.55 ui-monospace, "DejaVu Sans Mono", Menlo, Consolas, monospace; margin: 0; }
  pre.words { margin-top: 12px; background: #fffbe6; border-left: 4px solid var(--accent); padding: 8px 12px;
              white-space: pre-wrap; }
  .graph { margin: 12px 0; overflow-x: auto; }
  .graph svg { max-width: 100%; height: auto; }
  details { margin-top: 6px; color: var(--muted); }
  details pre { color: var(--ink); background: var(--soft); padding: 8px 12px; overflow-x: auto; }
  summary { cursor: pointer; font-size: 14px; }
  kbd { font: 12px ui-monospace, monospace; border: 1px solid var(--line); border-bottom-width: 2px;
        border-radius: 4px; padding: 0 4px; background: #fff; }
</style>
</head>
<body>
<header>
  <h1>$title</h1>
  <div class="bar">
    <button id="previous" type="button" title="previous step (left arrow)">&larr; Previous</button>
    <button id="next" type="button" title="next step (right arrow)">Next &rarr;</button>
    <span id="counter"></span>
    <progress id="progress" max="$steps" value="0"></progress>
  </div>
  <div class="legend">
    <span><span class="swatch" style="background:#fff1b8;border-color:var(--accent)"></span>this step</span>
    <span><span class="swatch" style="background:var(--done)"></span>gradient passed on: done</span>
    <span><span class="swatch" style="border-color:var(--wait)"></span>grey: gradient not complete yet</span>
    <span><kbd>&larr;</kbd> <kbd>&rarr;</kbd> to move, <kbd>Home</kbd> <kbd>End</kbd></span>
  </div>
</header>
<main>
<details><summary>the forward pass, one value at a time</summary><pre>$forward</pre></details>
$slides
</main>
<script>
(function () {
  var slides = Array.prototype.slice.call(document.querySelectorAll(".slide"));
  var previous = document.getElementById("previous"), next = document.getElementById("next");
  var counter = document.getElementById("counter"), progress = document.getElementById("progress");
  var at = 0;
  function show(k) {
    at = Math.max(0, Math.min(slides.length - 1, k));
    slides.forEach(function (slide, i) { slide.hidden = i !== at; });
    counter.textContent = at === 0 ? "start" : "step " + at + " of " + (slides.length - 1);
    progress.value = at;
    previous.disabled = at === 0;
    next.disabled = at === slides.length - 1;
    if (history.replaceState) { history.replaceState(null, "", "#" + at); }
    var current = slides[at].querySelector('[stroke="$red"]');  // keep this step in view
    if (current && current.scrollIntoView) { current.scrollIntoView({ block: "nearest", inline: "center" }); }
  }
  previous.addEventListener("click", function () { show(at - 1); });
  next.addEventListener("click", function () { show(at + 1); });
  document.addEventListener("keydown", function (event) {
    if (event.altKey || event.ctrlKey || event.metaKey) { return; }
    var moves = { ArrowRight: at + 1, ArrowDown: at + 1, PageDown: at + 1, " ": at + 1,
                  ArrowLeft: at - 1, ArrowUp: at - 1, PageUp: at - 1, Home: 0, End: slides.length - 1 };
    if (event.key in moves) { event.preventDefault(); show(moves[event.key]); }
  });
  var start = parseInt(location.hash.slice(1), 10);
  show(isNaN(start) ? 0 : start);
})();
</script>
</body>
</html>
""")
