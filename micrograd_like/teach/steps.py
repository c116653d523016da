"""One chain-rule step of a backward pass as a record: :class:`Step`, and :class:`Undone`.

The engine records each step it applies (:class:`micrograd_like.engine.backward.ChainRuleStep`: the
numbers).  Here each record gets the names the stepper gives its nodes and its rule, kept as
fields: the node and the operand it sends its gradient to, the local derivative's rule in
words (apart from its number), the numbers, the running total.  Every sentence a step says
(``print(step)``, the quiz, the exports, the slides) is written from those fields, and
nothing ever reads a sentence back to take it apart, so a node labelled ``p = q`` is named
right everywhere.  A step through a node made by a row of the primitive table says its
local derivative as the row writes it (``d(a*b)/da = b = -3.0``); a step through a node made
micrograd's way, by a closure, says what the closure added (it has no rule in words).
The stepper (:mod:`micrograd_like.teach.stepper`) walks these steps.

>>> from micrograd_like import Value
>>> a, b = Value(2.0, label="p = q"), Value(-3.0, label="b")
>>> e = a * b; e.label = "e"
>>> step = e.backward_steps().steps[1]
>>> step.node_name, step.parent_name, step.rule_words, step.local
('e', 'b', '(p = q)', 2.0)
>>> print(step)
step 2/2: e = (p = q)*b sends de/de = 1.0 back to b
  local d((p = q)*b)/db = (p = q) = 2.0; contribution 1.0 * 2.0 = 2.0; b.grad = 0.0 + 2.0 = 2.0
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..engine.backward import ChainRuleStep
from ..engine.value import Value
from .words import (
    PRODUCT,
    SUM,
    Term,
    constant_term,
    d_of,
    formula_of,
    grad_of,
    num,
    number_term,
    product_text,
    step_notes,
    sum_text,
    write,
)

__all__ = ["Step", "Undone", "make_step"]

MEASURED = "measured (what the closure adds per unit of upstream)"  # a closure's rule, in words


@dataclass(frozen=True, eq=False)
class Step:
    """One application of the chain rule along the edge ``node -> parent``, as a record.

    The numbers are those ``backward()`` used: ``contribution = upstream * local`` is added
    to the parent's running total, ``before`` -> ``after`` (this pass only; ``held`` is what
    the parent's grad held before the pass).  ``share`` counts the contributions the parent
    has had so far, this one included, out of ``shares``: a parent used twice gets two.
    ``operand`` says which of the node's operands the parent is.

    The names are the stepper's: ``node_term``, ``parent_term`` and ``root_term`` (the
    output's), and ``formula``, how the node was made in its operands' names (``d*f``); each
    a :class:`~micrograd_like.teach.words.Term`, which knows where it needs brackets.  The
    local derivative's rule is ``rule_words`` (``f`` in ``d(d*f)/dd = f = -2.0``), kept apart
    from its number ``local``; ``rule_is_number`` says whether those words are the number
    itself (``d(e + c)/de = 1``, or a constant operand's ``3.0``), when saying the rule gives
    the answer away.  ``notes`` explain common confusions the step touches (often none).

    The words are made from these fields: ``headline`` (who sends what to whom),
    ``derivative`` (``d(a*b)/da = b = -3.0``), ``update`` (the parent's running total),
    ``working`` and ``lines``; ``print(step)`` puts them together.

    ``closure`` is True for a step through a node made micrograd's way: ``contribution`` is
    what its ``_backward`` added to the parent's grad, ``local`` what it adds per unit of
    upstream gradient (measured); it has no rule in words (``rule_words`` is None).
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
    node_term: Term = field(repr=False)
    parent_term: Term = field(repr=False)
    root_term: Term = field(repr=False)
    formula: Term = field(repr=False)
    rule_words: str | None = field(repr=False)
    rule_is_number: bool = field(repr=False)
    notes: tuple[str, ...] = field(default=(), repr=False)
    closure: bool = False

    # -- names --------------------------------------------------------------------------------------

    @property
    def node_name(self) -> str:
        """The node's name, as the stepper writes it: ``d``, ``a*b``."""
        return self.node_term.text

    @property
    def parent_name(self) -> str:
        """The name of the operand that gets the gradient."""
        return self.parent_term.text

    @property
    def parent_grad(self) -> str:
        """The parent's grad, by name: ``d.grad``, ``(a*b).grad``."""
        return grad_of(self.parent_term)

    @property
    def local_name(self) -> str:
        """The local derivative's name: ``d(d*f)/dd``."""
        return f"{d_of(self.formula.text)}/{d_of(self.parent_name)}"

    # -- words, made from the fields ---------------------------------------------------------------

    @property
    def headline(self) -> str:
        """Who sends what to whom: ``step 1/6: L = d*f sends dL/dL = 1.0 back to d``."""
        made = self.node_term.bracketed(SUM)
        if self.formula.text != self.node_name:
            made += f" = {self.formula.text}"
        upstream = f"{d_of(self.root_term.text)}/{d_of(self.node_name)} = {num(self.upstream)}"
        return f"step {self.number}/{self.total}: {made} sends {upstream} back to {self.parent_name}"

    @property
    def rule(self) -> str:
        """The step's local derivative in words, without its number: ``d(d*f)/dd = f``.

        A rule that is a number (``d(e + c)/de = 1``) is that number.  A step through a closure
        has no rule in words: its local derivative is measured (``d(tanh(n))/dn, measured``).
        """
        if self.rule_words is None:
            return f"{self.local_name}, {MEASURED}"
        return f"{self.local_name} = {self.rule_words}"

    @property
    def derivative(self) -> str:
        """The local derivative, its rule and its number: ``d(d*f)/dd = f = -2.0`` (a rule that
        is its number says it once, ``d(e + c)/de = 1``; a closure's is its number alone)."""
        if self.rule_words is None:
            return f"{self.local_name} = {num(self.local)}"
        return self.rule if self.rule_is_number else f"{self.rule} = {num(self.local)}"

    def arithmetic(self, times: str = "*") -> str:
        """How the contribution came about: ``1.0 * (-2.0) = -2.0``, or for a closure
        ``the closure added 0.5``."""
        if self.closure:
            return f"the closure added {num(self.contribution)}"
        return f"{product_text(self.upstream, self.local, times)} = {num(self.contribution)}"

    @property
    def update(self) -> str:
        """The parent's running total: ``d.grad = 0.0 + (-2.0) = -2.0``, and what it held before
        the pass, if anything."""
        text = f"{self.parent_grad} = {sum_text(self.before, self.contribution)} = {num(self.after)}"
        if self.held:
            text += f" (+ {number_term(self.held).bracketed(PRODUCT)} held before = {num(self.held + self.after)})"
        return text

    @property
    def working(self) -> tuple[str, ...]:
        """The step's working, one part each: the local derivative, the contribution, the
        running total (for a closure: what it added, then the running total)."""
        if self.closure:
            return (f"the closure _backward added {num(self.contribution)} to {self.parent_grad} "
                    f"({num(self.local)} per unit of upstream)", self.update)
        return f"local {self.derivative}", f"contribution {self.arithmetic()}", self.update

    @property
    def lines(self) -> tuple[str, ...]:
        """The step in words: the headline, the working, then a line per note."""
        return (self.headline, "  " + "; ".join(self.working), *(f"  note: {note}" for note in self.notes))

    @property
    def text(self) -> str:
        """The step in words (what ``print(step)`` shows)."""
        return "\n".join(self.lines)

    def __str__(self) -> str:
        return self.text

    __repr__ = __str__


def make_step(record: ChainRuleStep, number: int, total: int, held: float, share: int, shares: int,
              terms: dict[Value, Term], root: Value) -> Step:
    """The Step for one recorded chain-rule step, with the graph's names and the node's rule."""
    node, parent, operand = record.node, record.parent, record.operand
    formula = formula_of(node, terms)
    words, is_number = None, False
    if not record.closure:  # a closure has no rule in words: the number it gives per unit of upstream
        template = node.primitive.grad_words[operand]
        words = write(template, [terms[p] for p in node.parents], out=terms[node])
        # A rule with no operand in it is a number (d(e + c)/de = 1); so are words that come
        # out as the number itself (d(3.0*a)/da = 3.0, a constant operand).
        is_number = "{" not in template or words in (num(record.local), constant_term(record.local).text)
    notes = step_notes(record, share, shares, terms[parent].text, formula.text)
    return Step(number, total, node, parent, operand, record.local, record.upstream, record.contribution,
                record.before, record.after, held=held, share=share, shares=shares, node_term=terms[node],
                parent_term=terms[parent], root_term=terms[root], formula=formula, rule_words=words,
                rule_is_number=is_number, notes=notes, closure=record.closure)


class Undone:
    """What ``Stepper.back()`` returns: the step that was undone (``.step``), shown in words."""

    def __init__(self, step: Step) -> None:
        self.step = step

    def __repr__(self) -> str:
        step = self.step
        return f"undid step {step.number}/{step.total}: {step.parent_grad} is {num(step.held + step.before)} again"
