"""Formulas and names in words: how the stepper writes numbers, formulas, node names and notes.

Every piece of a formula knows how tightly it binds, so brackets go exactly where a reader
needs them (``(a + b)*c``, ``4.0*(-2.0)``) and nowhere else:

>>> from micrograd_like import Value
>>> a, b, c = Value(2.0, label="a"), Value(-3.0, label="b"), Value(10.0, label="c")
>>> d = (a + b) * c
>>> terms = node_names([a, b, a + b, c, d], d)
>>> formula_of(d, {**terms, d.parents[0]: formula_of(d.parents[0], terms)}).text
'(a + b)*c'
>>> product_text(4.0, -2.0)
'4.0 * (-2.0)'

The notes about particular primitives (why ``-`` sends back -1, why ``exp`` uses its output,
a dead relu) are in one function, :func:`primitive_note`.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from . import autodiff, ops
from .engine import Value

__all__ = [
    "Term", "num", "plural", "binding", "number_term", "label_term", "write", "formula_of", "whole_formula",
    "grad_of", "d_of",
    "product_text", "sum_text", "node_names", "leaf_kind", "step_notes", "primitive_note",
    "SUM", "NEGATION", "PRODUCT", "POWER", "NUMBER", "ATOM", "LONE_OPERAND",
]

_LONG_NAME = 24  # an unlabelled node's formula longer than this has its deepest parts elided (…)


def num(x: float) -> str:
    """A number as a student reads it: -2.0, 0.70711, 1e-08 (5 significant digits at most)."""
    text = repr(x)
    if len(text) <= 8:
        return text
    short = f"{x:.5g}"
    return short if any(ch in short for ch in ".enai") else short + ".0"


def plural(n: int, noun: str) -> str:
    """'1 step', '6 steps'."""
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


# How tightly a piece of a formula holds together, loosest first.  A piece goes into a formula
# bare when it binds at least as tightly as its place there needs, else in brackets: a*b goes
# bare into a*b + c, but a + b goes into (a + b)*c, and -2.0 into 4.0*(-2.0).
SUM, NEGATION, PRODUCT, POWER, NUMBER, ATOM = range(6)

_CALL = re.compile(r"[^\W\d]\w*\(\{0\}\)")  # a function's notation: tanh({0}), σ({0})


def binding(primitive: ops.Primitive) -> tuple[int, tuple[int, ...]]:
    """How tightly ``primitive``'s formula binds, and how tightly each operand must bind to go
    into it without brackets: decided by the operation, never by re-reading text."""
    arity = primitive.arity
    if primitive is ops.ADD or primitive is ops.SUB:
        return SUM, (SUM, PRODUCT)  # -x + y, a*b + c, a - (b + c), a + (-2.0)
    if primitive is ops.MUL:
        return PRODUCT, (PRODUCT, PRODUCT)  # a*b*c, (a + b)*c, (-x)*y
    if primitive is ops.DIV:
        return PRODUCT, (POWER, NUMBER)  # x**2/y, (a*b)/c, a/(b*c)
    if primitive is ops.NEG:
        return NEGATION, (ATOM,)  # -x, -tanh(x), -(a*b), -(2.0)
    if primitive.symbol.startswith("**"):  # a**b, and x**2 (ops.power)
        return POWER, (NUMBER,) * arity
    if arity >= 3 and arity % 2 and primitive is ops.weighted_sum(arity // 2):
        return SUM, (PRODUCT,) * arity  # w1*(x1 + x2) + w2*x2 + b
    if _CALL.fullmatch(primitive.notation):
        return ATOM, (SUM,)  # tanh(a*b + c): the call brackets its operand itself
    return SUM, (ATOM,) * arity  # an operation not known here: bracket all but plain names


@dataclass(frozen=True)
class Term:
    """A name or a number as it goes into formulas: its text and how tightly it binds."""

    text: str
    binds: int

    def bracketed(self, needs: int) -> str:
        return self.text if self.binds >= needs else f"({self.text})"


_ELIDED = Term("…", ATOM)
_ONE_WORD = re.compile(r"\w+(\[\w+\])*'*\Z")  # x, x1, w[0], x': a label that reads as one thing


def number_term(x: float) -> Term:
    return Term(num(x), NEGATION if math.copysign(1.0, x) < 0 else NUMBER)


def label_term(label: str) -> Term:
    """A label as the user gave it: bracketed in formulas unless it is one word ('a-b' is not)."""
    return Term(label, ATOM if _ONE_WORD.match(label) else SUM)


def write(template: str, primitive: ops.Primitive, operands: list[Term], out: str = "") -> str:
    """A template of ``primitive`` (its notation or one of its grad_words) with operands put in,
    each bracketed as its place in the operation needs."""
    needs = binding(primitive)[1]
    return template.format(*(term.bracketed(need) for term, need in zip(operands, needs)), out=out)


def formula_of(node: Value, terms: dict[Value, Term]) -> Term:
    """How a node was made, in its operands' names: a*b, tanh(n)."""
    operands = [terms[p] for p in node.parents]
    return Term(write(node.primitive.notation, node.primitive, operands), binding(node.primitive)[0])


WHOLE_FORMULA_LIMIT = 60  # characters: a whole formula longer than this is not written out


def whole_formula(order: list[Value], limit: int = WHOLE_FORMULA_LIMIT) -> Term | None:
    """The last node of ``order`` (a topological order) written out down to its leaves, through
    every intermediate node, labelled or not: ``(a*b + c)*f`` where :func:`formula_of` says
    ``d*f``.  Leaves are their labels (or numbers).  None when it is longer than ``limit``
    characters: a formula that long is no longer read at a glance (and with reused nodes it
    can double at every level, so longer parts are not written at all).

    >>> a, b, c = Value(2.0, label="a"), Value(-3.0, label="b"), Value(10.0, label="c")
    >>> e = a * b; e.label = "e"
    >>> d = e + c; d.label = "d"
    >>> whole_formula(autodiff.topological_order(d * Value(-2.0, label="f"))).text
    '(a*b + c)*f'
    """
    terms: dict[Value, Term | None] = {}
    for node in order:  # parents first: each formula is made of its parents' (no recursion)
        if node.primitive is None:
            terms[node] = label_term(node.label) if node.label else number_term(node.data)
            continue
        operands = [terms[p] for p in node.parents]
        term = None if None in operands else formula_of(node, {p: t for p, t in zip(node.parents, operands)})
        terms[node] = term if term is not None and len(term.text) <= limit else None
    return terms[order[-1]] if order else None


def grad_of(term: Term) -> str:
    """'a.grad', '(a*b).grad', '(3.0).grad': a node's grad, by name."""
    return f"{term.bracketed(ATOM)}.grad"


def d_of(name: str) -> str:
    """'d' before a name, as in dL/dd: bare for one letter, else d(w1), d(a*b)."""
    return f"d{name}" if len(name) == 1 else f"d({name})"


def product_text(a: float, b: float, times: str = "*") -> str:
    """'-2.0 * 3.0' in the stepper's arithmetic: '(-2.0) * 3.0', as a product is written anywhere."""
    return write(f"{{0}} {times} {{1}}", ops.MUL, [number_term(a), number_term(b)])


def sum_text(a: float, b: float) -> str:
    """'0.0 + (-2.0)': a running total, as a sum is written anywhere."""
    return write("{0} + {1}", ops.ADD, [number_term(a), number_term(b)])


def node_names(order: list[Value], root: Value) -> dict[Value, Term]:
    """A name for every node: its label; else its formula in its operands' names (a*b), with
    the deepest parts elided when it grows long (exp(…) + tanh(x)); a plain number for an
    unlabelled leaf; the unlabelled output is called L (out if a node is labelled L)."""
    labels = {node.label for node in order if node.label}
    terms: dict[Value, Term] = {}
    for node in order:
        if node.label:
            terms[node] = label_term(node.label)
        elif node is root:
            terms[node] = Term("L" if "L" not in labels else "out", ATOM)
        elif node.primitive is None:
            terms[node] = number_term(node.data)
        else:
            terms[node] = _short_formula(node, terms)
    return terms


def _short_formula(node: Value, terms: dict[Value, Term]) -> Term:
    """The node's formula, its longest operands cut to their outline (exp(…), … + …) and then
    to … until it fits in _LONG_NAME characters (or nothing more can be cut)."""
    primitive = node.primitive
    operands = [terms[p] for p in node.parents]
    formula = write(primitive.notation, primitive, operands)
    while len(formula) > _LONG_NAME:
        i = max(range(len(operands)), key=lambda j: len(operands[j].text))
        parent = node.parents[i]
        if parent.label or parent.primitive is None or operands[i] is _ELIDED:
            break  # the longest part is a name the user gave, or already cut
        outline = Term(write(parent.primitive.notation, parent.primitive, [_ELIDED] * len(parent.parents)),
                        binding(parent.primitive)[0])
        operands[i] = outline if len(outline.text) < len(operands[i].text) else _ELIDED
        formula = write(primitive.notation, primitive, operands)
    return Term(formula, binding(primitive)[0])


def leaf_kind(node: Value) -> str:
    """'input' or 'constant' for a leaf: whether backward passes it a gradient, whatever its label."""
    return "input" if node.requires_grad else "constant"


LONE_OPERAND = re.compile(r"\{\d+\}")  # a local derivative that is one operand: d(a*b)/da = b


def step_notes(record: autodiff.ChainRuleStep, share: int, shares: int, p: str, formula: str) -> tuple[str, ...]:
    """Short explanations of the questions students ask most about one chain-rule step
    (``p`` is the parent's name, ``formula`` the node's formula): a parent used more than
    once, then what the primitive itself teaches (:func:`primitive_note`)."""
    node, parent, operand = record.node, record.parent, record.operand
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
    note = primitive_note(node.primitive, operand, record.local, node.data, p, formula)
    return (*notes, note) if note else tuple(notes)


def primitive_note(primitive: ops.Primitive, operand: int, local: float, output: float, p: str,
                   formula: str) -> str | None:
    """What one primitive's step teaches, if anything: the per-primitive knowledge of the words.

    ``operand`` is which operand the gradient goes to, ``local`` its local derivative,
    ``output`` the node's value, ``p`` the operand's name and ``formula`` the node's.
    """
    if primitive is ops.SUB and operand == 1 or primitive is ops.NEG:
        return (f"making {p} bigger makes {formula} smaller, so the local derivative is -1: "
                "the gradient comes back with its sign flipped")
    if primitive is ops.EXP:
        return ("exp is its own derivative: the local derivative is the node's own output, "
                "already computed in the forward pass")
    if primitive in (ops.TANH, ops.SIGMOID):
        return (f"the local derivative is computed from the node's output ({num(output)}), "
                "which the forward pass already has")
    if primitive is ops.RELU and local == 0:
        return f"relu's input is not positive here, so its slope is 0: no gradient reaches {p}"
    return None
