"""One step of forward mode as a record: :class:`TangentStep`, its terms, and its words.

A step works out one node's tangent d(node)/dx from its operands' tangents: one
:class:`TangentTerm` per edge into the node (the local derivative, its rule in words, the
operand's tangent), and their sum.  Every sentence a step says is written from those fields,
in the names the stepper gives the nodes (:mod:`micrograd_like.teach.words`), the local
derivatives with ∂ (the other operands held still) and the tangents with d:

    de/da = ∂e/∂a·da/da + ∂e/∂b·db/da = (-3.0)(1.0) + (2.0)(0.0) = -3.0

The stepper that walks these steps is :mod:`micrograd_like.teach.forward_mode`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..engine.value import Value
from .words import Term, d_of, num, plural

__all__ = ["TangentTerm", "TangentStep", "Undone", "tangent_name", "partial_of"]

_ZERO_TERMS_SHOWN = 3  # a step writes at most this many terms whose tangent is 0 (the rest are counted)


def partial_of(name: str) -> str:
    """'∂' before a name, as :func:`~micrograd_like.teach.words.d_of` writes 'd': ∂e, ∂(a*b), ∂(w1)."""
    return "∂" + d_of(name)[1:]


@dataclass(frozen=True)
class TangentTerm:
    """One term of a tangent's sum: the local derivative along one edge times the operand's tangent."""

    operand: int  # which operand of the node (0, 1, ...)
    parent: Value = field(repr=False)
    parent_term: Term = field(repr=False)
    local: float
    rule_words: str | None  # the local derivative's rule in words (None: a closure's, measured)
    rule_is_number: bool  # whether those words are the number itself (∂d/∂e = 1): said once
    tangent: float  # the operand's tangent, d(parent)/dx
    reached: bool  # whether x reaches the operand (else its tangent is 0 because it cannot move)

    @property
    def product(self) -> float:
        return self.local * self.tangent


@dataclass(frozen=True, eq=False)
class TangentStep:
    """One step of forward mode: ``node``'s tangent d(node)/dx from its operands' tangents.

    ``terms`` holds one :class:`TangentTerm` per edge into the node that carries a derivative;
    ``tangent`` is their sum.  The words are made from the fields: ``headline``, ``locals_line``,
    ``tangents_line``, ``sum_line`` (``de/dx = ∂e/∂a·da/dx + ... = (-3.0)(1.0) + ... = -3.0``);
    ``print(step)`` shows them.
    """

    number: int
    total: int
    node: Value
    tangent: float
    terms: tuple[TangentTerm, ...]
    node_term: Term = field(repr=False)
    wrt_term: Term = field(repr=False)
    formula: Term = field(repr=False)

    @property
    def node_name(self) -> str:
        return self.node_term.text

    @property
    def tangent_name(self) -> str:
        """``de/da``: this node's tangent, by name."""
        return tangent_name(self.node_name, self.wrt_term.text)

    def shown(self) -> tuple[list[TangentTerm], int]:
        """The terms written out (and drawn), and how many terms of tangent 0 (operands x cannot
        reach) are not: those are counted once there are more than a few of them."""
        zeros = [t for t in self.terms if not t.reached]
        shown = zeros[:_ZERO_TERMS_SHOWN] if len(zeros) <= _ZERO_TERMS_SHOWN else []
        return [t for t in self.terms if t.reached or t in shown], len(zeros) - len(shown)

    def _local_name(self, term: TangentTerm) -> str:
        return f"{partial_of(self.node_name)}/{partial_of(term.parent_term.text)}"

    @property
    def headline(self) -> str:
        """``step 1/3: e = a*b: de/da from the tangents of its operands``."""
        made = self.node_name if self.formula.text == self.node_name else f"{self.node_name} = {self.formula.text}"
        return f"step {self.number}/{self.total}: {made}: {self.tangent_name} from the tangents of its operands"

    @property
    def locals_line(self) -> str:
        """Each local derivative, its rule and its number: ``∂e/∂a = b = -3.0``."""
        shown, _ = self.shown()
        parts = []
        for term in shown:
            name, words = self._local_name(term), term.rule_words
            if words is None:
                parts.append(f"{name} = {num(term.local)} (measured from the closure)")
            elif term.rule_is_number:
                parts.append(f"{name} = {words}")
            else:
                parts.append(f"{name} = {words} = {num(term.local)}")
        return "locals " + ", ".join(parts)

    @property
    def tangents_line(self) -> str:
        """The operands' tangents: ``da/da = 1.0, db/da = 0.0``."""
        shown, hidden = self.shown()
        x = self.wrt_term.text
        # (an operand used twice is said once)
        parts = list(dict.fromkeys(f"{tangent_name(t.parent_term.text, x)} = {num(t.tangent)}" for t in shown))
        text = "tangents " + ", ".join(parts)
        if hidden:
            text += f" (and 0.0 for the {plural(hidden, 'other operand')} {x} does not reach)"
        return text

    @property
    def sum_line(self) -> str:
        """``de/da = ∂e/∂a·da/da + ∂e/∂b·db/da = (-3.0)(1.0) + (2.0)(0.0) = -3.0``."""
        shown, hidden = self.shown()
        x = self.wrt_term.text
        symbols = [f"{self._local_name(t)}·{tangent_name(t.parent_term.text, x)}" for t in shown]
        numbers = [f"({num(t.local)})({num(t.tangent)})" for t in shown]
        if hidden:
            symbols.append(f"(0 for the {plural(hidden, 'other operand')})")
            numbers.append("0.0")
        return f"{self.tangent_name} = {' + '.join(symbols)} = {' + '.join(numbers)} = {num(self.tangent)}"

    @property
    def notes(self) -> tuple[str, ...]:
        """Said where it helps: an operand used more than once brings one term per use."""
        uses: dict[str, int] = {}
        for term in self.terms:
            uses[term.parent_term.text] = uses.get(term.parent_term.text, 0) + 1
        return tuple(f"{name} is used {n} times in {self.formula.text}: each use is its own edge, "
                     "and each brings its own term to the sum" for name, n in uses.items() if n > 1)

    @property
    def lines(self) -> tuple[str, ...]:
        return (self.headline, f"  {self.locals_line}; {self.tangents_line}", f"  {self.sum_line}",
                *(f"  note: {note}" for note in self.notes))

    @property
    def text(self) -> str:
        return "\n".join(self.lines)

    def __str__(self) -> str:
        return self.text

    __repr__ = __str__


def tangent_name(node: str, x: str) -> str:
    """``de/da``, ``d(a*b)/d(w1)``: a node's tangent with respect to x, by name."""
    return f"{d_of(node)}/{d_of(x)}"


class Undone:
    """What ``ForwardStepper.back()`` returns: the step undone (``.step``), shown in words."""

    def __init__(self, step: TangentStep) -> None:
        self.step = step

    def __repr__(self) -> str:
        step = self.step
        return f"undid step {step.number}/{step.total}: {step.tangent_name} is not worked out yet again"
