"""One chain-rule step of a backward pass, in words: :class:`Step`, and :class:`Undone`.

The engine records each step it applies (:class:`micrograd_like.ChainRuleStep`: the
numbers); here each record gets its words, written from the graph with the names the
stepper gives its nodes.  A step through a node made by a row of the primitive table says its
local derivative as the row writes it (``d(a*b)/da = b = -3.0``); a step through a node made
micrograd's way, by a closure, says what the closure added (it has no rule in words).
The stepper (:mod:`micrograd_like.teach.stepper`) walks these steps.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..engine.backward import ChainRuleStep
from ..engine.value import Value
from .words import PRODUCT, Term, d_of, formula_of, grad_of, num, number_term, product_text, step_notes, sum_text, write

__all__ = ["Step", "Undone", "make_step"]


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

    ``closure`` is True for a step through a node made micrograd's way: ``contribution`` is
    what its ``_backward`` added to the parent's grad, ``local`` what it adds per unit of
    upstream gradient (measured), and ``derivative`` gives only that number.
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
    closure: bool = False

    def arithmetic(self, times: str = "*") -> str:
        """How the contribution came about: ``1.0 * (-2.0) = -2.0``, or for a closure
        ``the closure added 0.5``."""
        if self.closure:
            return f"the closure added {num(self.contribution)}"
        return f"{product_text(self.upstream, self.local, times)} = {num(self.contribution)}"

    @property
    def lines(self) -> tuple[str, ...]:
        """The step in words: the headline, the arithmetic, then a line per note."""
        if self.closure:
            grad = self.update.split(" = ")[0]
            working = (f"the closure _backward added {num(self.contribution)} to {grad} "
                       f"({num(self.local)} per unit of upstream)")
        else:
            working = f"local {self.derivative}; contribution {self.arithmetic()}"
        return (self.headline, f"  {working}; {self.update}", *(f"  note: {note}" for note in self.notes))

    @property
    def rule(self) -> str:
        """The step's local derivative in words, without its number: ``d(d*f)/dd = f``.

        A rule that is a number (``d(e + c)/de = 1``) is that number.  A step through a closure
        has no rule in words: its local derivative is measured (``d(tanh(n))/dn, measured``).
        """
        parts = self.derivative.split(" = ")
        if self.closure:
            return f"{parts[0]}, measured (what the closure adds per unit of upstream)"
        if len(parts) > 2 and parts[-1] == num(self.local):
            parts = parts[:-1]
        return " = ".join(parts)

    @property
    def text(self) -> str:
        """The step in words (what ``print(step)`` shows)."""
        return "\n".join(self.lines)

    def __str__(self) -> str:
        return self.text

    __repr__ = __str__


def make_step(record: ChainRuleStep, number: int, total: int, held: float, share: int, shares: int,
              terms: dict[Value, Term], root: Value) -> Step:
    """The Step for one recorded chain-rule step, its words put together from the graph."""
    node, parent, operand = record.node, record.parent, record.operand
    name, parent_name = terms[node], terms[parent].text
    formula = formula_of(node, terms).text
    made = name.text if formula == name.text else f"{name.text} = {formula}"
    upstream = f"{d_of(terms[root].text)}/{d_of(name.text)} = {num(record.upstream)}"
    headline = f"step {number}/{total}: {made} sends {upstream} back to {parent_name}"

    derivative = f"{d_of(formula)}/{d_of(parent_name)} = "
    if record.closure:  # no rule in words: the number the closure gives per unit of upstream
        derivative += num(record.local)
    else:
        template = node.primitive.grad_words[operand]
        words = write(template, [terms[p] for p in node.parents], out=name)
        derivative += words
        if "{" in template and words != num(record.local):  # d(e + c)/de = 1 needs no '= 1.0'
            derivative += f" = {num(record.local)}"

    update = f"{grad_of(terms[parent])} = {sum_text(record.before, record.contribution)} = {num(record.after)}"
    if held:
        update += f" (+ {number_term(held).bracketed(PRODUCT)} held before = {num(held + record.after)})"
    return Step(number, total, node, parent, operand, record.local, record.upstream, record.contribution,
                record.before, record.after, held=held, share=share, shares=shares, headline=headline,
                derivative=derivative, update=update, notes=step_notes(record, share, shares, parent_name, formula),
                closure=record.closure)


class Undone:
    """What ``Stepper.back()`` returns: the step that was undone (``.step``), shown in words."""

    def __init__(self, step: Step, grad: str) -> None:
        self.step = step
        self._grad = f"{grad} is {num(step.held + step.before)} again"

    def __repr__(self) -> str:
        return f"undid step {self.step.number}/{self.step.total}: {self._grad}"
