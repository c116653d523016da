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

Nothing here knows a particular primitive: where brackets go is read from each row's
templates (its notation and its derivatives in words) as Python would parse them, and the
notes about one primitive (why ``-`` sends back -1, why ``exp`` uses its output, a dead
relu) are the row's own :class:`~micrograd_like.engine.ops.Note` s.  So a row registered at run
time is written as well as the built-in ones.
"""

from __future__ import annotations

import ast
import contextlib
import contextvars
import functools
import math
import re
import string
from collections.abc import Iterator, Mapping
from dataclasses import dataclass

from ..engine import ops
from ..engine.backward import ChainRuleStep
from ..engine.value import Value

__all__ = [
    "Term", "num", "DIGITS", "digits_for", "plural", "binding", "number_term", "constant_term", "label_term",
    "write", "notation_of",
    "formula_of", "whole_formula", "grad_of", "d_of",
    "product_text", "sum_text", "node_names", "leaf_kind", "step_notes", "primitive_notes", "closure_notes",
    "EQUATION", "SUM", "NEGATION", "PRODUCT", "POWER", "NUMBER", "ATOM",
]

_LONG_NAME = 24  # an unlabelled node's formula longer than this has its deepest parts elided (…)


DIGITS = 5  # significant digits a number is written with, unless it needs more (see digits_for)
EXACT = 17  # digits enough for any float: the number is written exactly (its repr)

# The digits some numbers need, where a text is being written that needs them (digits_for).
_NEEDED: contextvars.ContextVar[Mapping[float, int] | None] = contextvars.ContextVar("needed_digits", default=None)


def num(x: float, digits: int | None = None) -> str:
    """A number as a student reads it: -2.0, 0.70711, 1e-08 (5 significant digits at most,
    or ``digits``; a number that needs more where it is read is given them by
    :func:`digits_for`); -0.0 is 0.0.  Every number a student reads becomes text here.

    >>> num(0.7071067811865476), num(0.7071067811865476, 8), num(2.5, 8)
    ('0.70711', '0.70710678', '2.5')
    """
    if x == 0:
        x = abs(x)  # -0.0 (0.0 * (-2.0) in floats) is 0.0 to a student
    if digits is None:
        digits = (_NEEDED.get() or {}).get(x, DIGITS)
    text = repr(x)
    if len(text) <= 8 or digits >= EXACT:
        return text
    short = f"{x:.{digits}g}"
    return short if any(ch in short for ch in ".enai") else short + ".0"


@contextlib.contextmanager
def digits_for(needed: Mapping[float, int]) -> Iterator[None]:
    """Inside ``with digits_for({x: 8})``, every text made writes the number x with 8
    significant digits (``EXACT``: exactly) instead of 5: where a student computes
    with a number, it must be shown as precisely as the answer needs (1 - 0.99933² is not
    1 - tanh(4.0)² to 0.1%).  Per thread (and task), as the engine's modes are.

    >>> with digits_for({0.7071067811865476: 8}):
    ...     num(0.7071067811865476)
    '0.70710678'
    """
    token = _NEEDED.set(needed)
    try:
        yield
    finally:
        _NEEDED.reset(token)


def plural(n: int, noun: str) -> str:
    """'1 step', '6 steps'."""
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


# How tightly a piece of a formula holds together, loosest first.  A piece goes into a formula
# bare when it binds at least as tightly as its place there needs, else in brackets: a*b goes
# bare into a*b + c, but a + b goes into (a + b)*c, and -2.0 into 4.0*(-2.0).
SUM, NEGATION, PRODUCT, POWER, NUMBER, ATOM = range(6)
EQUATION = SUM - 1  # a label with "=" in it binds looser than anything: it is always bracketed


@dataclass(frozen=True)
class _Layout:
    """A template read once: how the whole binds, and its pieces: the literal text before each
    placeholder, the placeholder ("0", "1", "out"; None after the last one) and how tightly
    what goes there must bind to go in bare."""

    binds: int
    pieces: tuple[tuple[str, str | None, int], ...]


_SUPERSCRIPT_DIGITS = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹", "0123456789")
_SUPERSCRIPT = re.compile("[⁰¹²³⁴⁵⁶⁷⁸⁹]+")
_AS_PYTHON = str.maketrans({"×": "*", "·": "*", "−": "-"})


def _as_python(literal: str) -> str:
    """A template's literal text as Python reads it: x² is x**2, a × b is a * b."""
    literal = _SUPERSCRIPT.sub(lambda power: "**" + power.group().translate(_SUPERSCRIPT_DIGITS), literal)
    return literal.translate(_AS_PYTHON)


def _places(node: ast.expr) -> list[tuple[ast.expr, int]]:
    """Each piece directly inside ``node``, with how tightly it must bind to stand there bare:
    a + (b + c), a*b + c, x**2/y, a/(b*c), (-2.0)**2, -(a*b), tanh(a*b + c)."""
    if isinstance(node, ast.BinOp):
        needs = {ast.Add: (SUM, PRODUCT), ast.Sub: (SUM, PRODUCT), ast.Mult: (PRODUCT, PRODUCT),
                 ast.Div: (POWER, NUMBER), ast.Pow: (NUMBER, NUMBER)}.get(type(node.op), (ATOM, ATOM))
        return [(node.left, needs[0]), (node.right, needs[1])]
    if isinstance(node, ast.UnaryOp):
        return [(node.operand, ATOM)]
    if isinstance(node, ast.Call):  # the call's own brackets hold its arguments
        return [(argument, SUM) for argument in node.args]
    return [(child, SUM) for child in ast.iter_child_nodes(node) if isinstance(child, ast.expr)]


def _own_binding(node: ast.expr) -> int:
    """How tightly a formula whose outermost operation is ``node`` holds together."""
    if isinstance(node, ast.BinOp):
        return {ast.Add: SUM, ast.Sub: SUM, ast.Pow: POWER}.get(type(node.op), PRODUCT)
    if isinstance(node, ast.UnaryOp):
        return NEGATION
    if isinstance(node, ast.Constant):
        return NUMBER
    if isinstance(node, (ast.Call, ast.Name, ast.Subscript, ast.Attribute)):
        return ATOM
    return SUM  # a comparison, a conditional: the loosest we know


@functools.lru_cache(maxsize=1024)
def _layout(template: str) -> _Layout:
    """Read a row's template (its notation, or a derivative in words) with Python's own parser,
    each placeholder standing in as a name: the tree says where brackets are needed.  A
    template Python cannot read (a ⊕ b) brackets every operand but plain names."""
    parsed = [(literal, field) for literal, field, _, _ in string.Formatter().parse(template)]
    source = "".join(_as_python(literal) + (f"_operand{k}_" if field is not None else "")
                     for k, (literal, field) in enumerate(parsed))
    try:
        tree = ast.parse(source.strip(), mode="eval").body
    except SyntaxError:
        return _Layout(SUM, tuple((literal, field, ATOM) for literal, field in parsed))
    needs = {}
    if isinstance(tree, ast.Name):
        needs[tree.id] = SUM  # the whole template is one operand: d(a*b)/da = b
    for node in ast.walk(tree):
        for child, need in _places(node):
            if isinstance(child, ast.Name):
                needs[child.id] = need
    return _Layout(_own_binding(tree), tuple((literal, field, needs.get(f"_operand{k}_", ATOM))
                                             for k, (literal, field) in enumerate(parsed)))


def binding(primitive: ops.Primitive) -> tuple[int, tuple[int, ...]]:
    """How tightly ``primitive``'s formula binds, and how tightly each operand must bind to go
    into it without brackets: read from the row's notation, as Python would parse it.

    >>> binding(ops.MUL), binding(ops.DIV), binding(ops.TANH)
    ((2, (2, 2)), (2, (3, 4)), (5, (0,)))
    """
    layout = _layout(primitive.notation)
    needs = [SUM] * primitive.arity
    for _, field, need in layout.pieces:
        if field is not None and field != "out":
            needs[int(field)] = max(needs[int(field)], need)
    return layout.binds, tuple(needs)


@dataclass(frozen=True)
class Term:
    """A name or a number as it goes into formulas: its text and how tightly it binds."""

    text: str
    binds: int

    def bracketed(self, needs: int) -> str:
        return self.text if self.binds >= needs else f"({self.text})"


_ELIDED = Term("…", ATOM)
_ONE_WORD = re.compile(r"\w+(\[\w+\]|\.[^\W\d]\w*)*'*\Z")  # x, x1, w[0], x', layers[0].neurons[3].w[0]


def number_term(x: float) -> Term:
    """A number in a formula: bracketed where a minus sign needs it, ``4.0*(-2.0)``."""
    text = num(x)
    return Term(text, NEGATION if text.startswith("-") else NUMBER)


_LONG_CONSTANT = 12  # characters: a constant written longer than this was computed (0.1*3 is 0.30000000000000004)


def constant_term(x: float) -> Term:
    """An unlabelled constant's name: the number as it was written (``1.0000123``: a student
    computes with it, so it is not cut to 5 digits), unless it is so long it was computed.

    >>> constant_term(1.0000123).text, constant_term(0.1 * 3).text, constant_term(-0.5).bracketed(PRODUCT)
    ('1.0000123', '0.3', '(-0.5)')
    """
    text = repr(x)
    if x == 0 or not math.isfinite(x) or len(text) > _LONG_CONSTANT:
        return number_term(x)
    return Term(text, NEGATION if text.startswith("-") else NUMBER)


def label_term(label: str) -> Term:
    """A label as the user gave it: bracketed in formulas unless it is one word ('a-b' is not).
    A label with ``=`` in it (``p = q``) is bracketed even standing alone, after an ``=`` of
    the stepper's own: ``d(p*b)/db = (p = q)`` cannot be read as two equations.

    >>> label_term("x1").bracketed(PRODUCT), label_term("a-b").bracketed(PRODUCT), label_term("p = q").bracketed(SUM)
    ('x1', '(a-b)', '(p = q)')
    """
    if _ONE_WORD.match(label):
        return Term(label, ATOM)
    return Term(label, EQUATION if "=" in label else SUM)


def write(template: str, operands: list[Term], out: Term | None = None) -> str:
    """A row's template (its notation or one of its grad_words) with the operands (and the
    node's output) put in, each bracketed where its place in the template needs it:
    ``1/{0}`` with a*b is ``1/(a*b)``, ``log({0})`` is ``log(a*b)``.

    >>> write("1/{0}", [Term("a*b", PRODUCT)]), write("3*{0}²", [Term("x", ATOM)])
    ('1/(a*b)', '3*x²')
    """
    text = []
    for literal, field, need in _layout(template).pieces:
        text.append(literal)
        if field is not None:
            term = out if field == "out" else operands[int(field)]
            text.append(term.bracketed(need) if term is not None else "")
    return "".join(text)


def notation_of(node: Value) -> str:
    """How the operation that made ``node`` is written, as a template (``{0}*{1}``, ``tanh({0})``):
    its row's notation, or for a node made micrograd's way (a closure) one made from its symbol
    and how many parents it has.  A word is a call, ``tanh({0})``; an operator goes between the
    operands, ``{0} + {1} + {2}``, or beside one, ``{0}**2``, ``-{0}``, where Python would read it.

    >>> notation_of(Value(1.0, (Value(0.5),), "tanh")), notation_of(Value(1.0, (Value(0.5),), "**2"))
    ('tanh({0})', '{0}**2')
    """
    if node.primitive is not None:
        return node.primitive.notation
    symbol, arity = node.op, len(node.parents)
    escaped = symbol.replace("{", "{{").replace("}", "}}")
    if symbol and not symbol.isidentifier():
        between = f" {escaped} ".join(f"{{{k}}}" for k in range(arity))
        for shape in [f"{{0}}{escaped}", f"{escaped}{{0}}"] if arity == 1 else [between]:
            if _readable(shape):
                return shape
    arguments = ", ".join(f"{{{k}}}" for k in range(arity))
    return f"{escaped or 'closure'}({arguments})"


def _readable(template: str) -> bool:
    """Whether Python reads ``template`` (its placeholders as names) as one expression."""
    source = _as_python(template.format(*["x"] * template.count("{")))
    try:
        ast.parse(source, mode="eval")
    except SyntaxError:
        return False
    return True


def formula_of(node: Value, terms: dict[Value, Term]) -> Term:
    """How a node was made, in its operands' names: a*b, tanh(n)."""
    operands = [terms[p] for p in node.parents]
    template = notation_of(node)
    return Term(write(template, operands), _layout(template).binds)


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
    >>> from micrograd_like.engine.backward import topological_order
    >>> whole_formula(topological_order(d * Value(-2.0, label="f"))).text
    '(a*b + c)*f'
    """
    terms: dict[Value, Term | None] = {}
    for node in order:  # parents first: each formula is made of its parents' (no recursion)
        if not node.parents:
            terms[node] = label_term(node.label) if node.label else constant_term(node.data)
            continue
        operands = [terms[p] for p in node.parents]
        term = None if None in operands else formula_of(node, {p: t for p, t in zip(node.parents, operands)})
        terms[node] = term if term is not None and len(term.text) <= limit else None
    return terms[order[-1]] if order else None


def grad_of(term: Term) -> str:
    """'a.grad', '(a*b).grad', '(3.0).grad': a node's grad, by name."""
    return f"{term.bracketed(ATOM)}.grad"


def d_of(name: str) -> str:
    """'d' before a name, as in dL/dd: bare for one letter, else d(w1), d(a*b), d(=)."""
    return f"d{name}" if len(name) == 1 and name.isalpha() else f"d({name})"


def product_text(a: float, b: float, times: str = "*") -> str:
    """'-2.0 * 3.0' in the stepper's arithmetic: '(-2.0) * 3.0', as a product is written anywhere."""
    return write(f"{{0}} {times} {{1}}", [number_term(a), number_term(b)])


def sum_text(a: float, b: float) -> str:
    """'0.0 + (-2.0)': a running total, as a sum is written anywhere."""
    return write("{0} + {1}", [number_term(a), number_term(b)])


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
        elif not node.parents:
            terms[node] = constant_term(node.data)
        else:
            terms[node] = _short_formula(node, terms)
    return terms


def _short_formula(node: Value, terms: dict[Value, Term]) -> Term:
    """The node's formula, its longest operands cut to their outline (exp(…), … + …) and then
    to … until it fits in _LONG_NAME characters (or nothing more can be cut)."""
    template = notation_of(node)
    operands = [terms[p] for p in node.parents]
    formula = write(template, operands)
    while len(formula) > _LONG_NAME:
        i = max(range(len(operands)), key=lambda j: len(operands[j].text))
        parent = node.parents[i]
        if parent.label or not parent.parents or operands[i] is _ELIDED:
            break  # the longest part is a name the user gave, or already cut
        outline = Term(write(notation_of(parent), [_ELIDED] * len(parent.parents)), operands[i].binds)
        operands[i] = outline if len(outline.text) < len(operands[i].text) else _ELIDED
        formula = write(template, operands)
    return Term(formula, _layout(template).binds)


def leaf_kind(node: Value) -> str:
    """'input' or 'constant' for a leaf: whether backward passes it a gradient, whatever its label."""
    return "input" if node.requires_grad else "constant"


def step_notes(record: ChainRuleStep, share: int, shares: int, p: str, formula: str) -> tuple[str, ...]:
    """Short explanations of the questions students ask most about one chain-rule step
    (``p`` is the parent's name, ``formula`` the node's formula): a parent used more than
    once, then what the primitive itself teaches (:func:`primitive_notes`), or what a closure
    is (:func:`closure_notes`)."""
    node, parent, operand = record.node, record.parent, record.operand
    notes = []
    same = [i for i, q in enumerate(node.parents) if q is parent]
    if record.closure:  # one step per parent, however often the node uses it
        notes.extend(closure_notes(record, p, formula))
        same = same[:1]
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
    if node.primitive is not None:
        notes.extend(primitive_notes(node.primitive, operand, record.local, node.data, p, formula))
    return tuple(notes)


def primitive_notes(primitive: ops.Primitive, operand: int, local: float, output: float, p: str,
                    formula: str) -> tuple[str, ...]:
    """What one primitive's step teaches: the row's own notes (:class:`micrograd_like.engine.ops.Note`)
    for this operand and local derivative, filled in.

    ``operand`` is which operand the gradient goes to, ``local`` its local derivative,
    ``output`` the node's value, ``p`` the operand's name and ``formula`` the node's.

    >>> print(*primitive_notes(ops.SUB, 1, -1.0, 1.0, "b", "a - b"))
    making b bigger makes a - b smaller, so the local derivative is -1: the gradient comes back with its sign flipped
    >>> primitive_notes(ops.SUB, 0, 1.0, 1.0, "a", "a - b")
    ()
    """
    return tuple(text.format(p=p, formula=formula, out=num(output)) for text in primitive.notes_at(operand, local))


def closure_notes(record: ChainRuleStep, p: str, formula: str) -> tuple[str, ...]:
    """What a step through a node made micrograd's way (a closure) teaches: said at the node's
    first step, what its numbers are; for a parent it uses more than once, that the closure
    sends all of that parent's shares in one step."""
    node, parent = record.node, record.parent
    notes = []
    first = next(q for q in dict.fromkeys(node.parents) if q.requires_grad)
    if parent is first:
        notes.append(f"{node.op or 'this operation'} is your own operation, written micrograd's way: its "
                     "_backward closure says what each operand gets, so its local derivative is measured "
                     "(what the closure adds for an upstream gradient of 1.0), not written as a rule")
    uses = sum(q is parent for q in node.parents)
    if uses > 1:
        notes.append(f"{p} is used {uses} times in {formula}: the closure adds all of its shares to "
                     f"{p}.grad at once, in this one step")
    return tuple(notes)
