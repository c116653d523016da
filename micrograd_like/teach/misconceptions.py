"""Naming the mistake: a catalogue of the usual misconceptions about backprop, as data.

The quiz can tell a student that a number is wrong; a teacher tells them *why*.  Most wrong
answers are not random: they are what a wrong rule gives.  Each :class:`Misconception` is one
such rule, kept beside the words that explain it: ``forgot_upstream`` gives the local
derivative where the contribution (upstream × local) is asked, ``one_path`` forgets that a
node used twice adds up its gradients, ``own_value`` takes ``d(a*b)/da`` to be ``a``.
:func:`diagnose` tries each rule on the step a student answered and returns the one whose
wrong number the answer is (or None):

>>> from micrograd_like import Value
>>> a, b = Value(2.0, label="a"), Value(-3.0, label="b")
>>> c, f = Value(10.0, label="c"), Value(-2.0, label="f")
>>> e = a * b; e.label = "e"
>>> d = e + c; d.label = "d"
>>> L = d * f; L.label = "L"
>>> step = L.backward_steps().steps[4]  # e = a*b sends dL/de = -2.0 back to a
>>> step.contribution
6.0
>>> mistake = diagnose(step, -3.0, ask="contribution")  # the local derivative alone
>>> mistake.name
'forgot_upstream'
>>> print(mistake.explain(step, "contribution"))  # doctest: +NORMALIZE_WHITESPACE
you gave the local derivative d(a*b)/da = b = -3.0 alone: the contribution is upstream × local,
and the upstream gradient dL/de = -2.0 is missing
>>> diagnose(step, 6.0, ask="contribution") is None, diagnose(step, 6.37, ask="contribution") is None
(True, True)

A rule knows which primitive a step goes through by the row itself (``step.node.primitive is
ops.MUL``), never by reading words.  A rule whose wrong number is the right one at a step
(``forgot_upstream`` where the upstream gradient is 1) cannot be told from a right answer
there, and is not diagnosed there; :func:`possible` lists the entries a pass can show at all.

The catalogue is open, as the primitive table is: a teacher adds an entry with
:func:`register` (each entry is checked when it is made, saying what to fix), and takes it out
again with :func:`unregister`:

>>> halved = register(Misconception(
...     "halved", "the contribution halved, as if the gradient were shared out between the operands",
...     ("contribution",), lambda step, ask: step.contribution / 2,
...     "the gradient is not shared out: each operand gets upstream × local in full, {contribution}"))
>>> diagnose(step, 3.0, ask="contribution").name
'halved'
>>> unregister("halved")
"""

from __future__ import annotations

import functools
import inspect
import math
import numbers
import string
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from ..engine import ops
from ..engine.rules import _constant_power
from ..engine.value import Value
from .steps import Step
from .words import constant_term, d_of, label_term, num

__all__ = ["Misconception", "BLANKS", "BLANK_NAMES", "REL_TOL", "ABS_TOL", "check_blank", "right_answer",
           "diagnose", "possible", "register", "unregister", "catalogue", "find"]

BLANKS = ("local", "contribution", "grad")  # the numbers a step asks for, with the quiz's names
BLANK_NAMES = {"local": "the local derivative", "contribution": "the contribution", "grad": "the new gradient"}

# A wrong answer is a misconception's when it is within 0.1% of the wrong rule's number (or 1e-6
# of it, near zero): the quiz's own tolerance for a right answer.  A rule whose number is within
# twice that of the right answer cannot be told from it, and is not diagnosed at that step.
REL_TOL = 1e-3
ABS_TOL = 1e-6

# What an entry's words may name: each is filled in from the step (see _fields).
FIELDS = {
    "node": "the node's name (e)",
    "parent": "the name of the operand that gets the gradient (a)",
    "formula": "how the node was made (a*b)",
    "parent_grad": "the operand's grad by name (a.grad)",
    "local_name": "the local derivative's name (d(a*b)/da)",
    "rule": "the local derivative's rule (d(a*b)/da = b)",
    "rule_words": "the rule's right-hand side (b)",
    "derivative": "the rule with its number (d(a*b)/da = b = -3.0)",
    "upstream_name": "the upstream gradient's name (dL/de)",
    "upstream": "the upstream gradient's number",
    "arithmetic": "how the contribution comes about ((-2.0) × (-3.0) = 6.0)",
    "local": "the local derivative's number",
    "contribution": "the contribution's number (upstream × local)",
    "before": "what the operand's grad holds before the step",
    "held": "what the operand's grad held before the backward pass",
    "right": "the right answer to the blank asked",
    "wrong": "the number the wrong rule gives",
    "blank": "the blank asked, in words (the contribution)",
    "shares": "how many contributions the operand gets in the pass",
    "operand_value": "the operand's own value (a's 2.0)",
    "out": "the node's output",
    "constant": "the node's first constant operand, by name",
}


def check_blank(ask: str) -> str:
    """``ask`` checked: one of BLANKS."""
    if ask not in BLANKS:
        raise ValueError(f"unknown blank {ask!r}: ask is one of {', '.join(BLANKS)}")
    return ask


def right_answer(step: Step, ask: str) -> float:
    """The right answer to blank ``ask`` at ``step``, as the quiz expects it."""
    return {"local": step.local, "contribution": step.contribution, "grad": step.held + step.after}[check_blank(ask)]


def _constant_operand(step: Step) -> int | None:
    """The first of the node's operands that takes no gradient (None if every one does)."""
    return next((i for i, p in enumerate(step.node.parents) if not p.requires_grad), None)


def _name(node: Value) -> str:
    return label_term(node.label).text if node.label else constant_term(node.data).text


def _fields(step: Step, ask: str, wrong: float) -> dict[str, str]:
    """Every field an entry's words may use, as text, for ``step`` and blank ``ask``."""
    constant = _constant_operand(step)
    return {
        "node": step.node_name, "parent": step.parent_name, "formula": step.formula.text,
        "parent_grad": step.parent_grad, "local_name": step.local_name, "rule": step.rule,
        "rule_words": step.rule_words or num(step.local), "derivative": step.derivative,
        "upstream_name": f"{d_of(step.root_term.text)}/{d_of(step.node_name)}", "arithmetic": step.arithmetic("×"),
        "upstream": num(step.upstream), "local": num(step.local), "contribution": num(step.contribution),
        "before": num(step.held + step.before), "held": num(step.held), "right": num(right_answer(step, ask)),
        "wrong": num(wrong), "blank": BLANK_NAMES[ask], "shares": str(step.shares),
        "operand_value": num(step.parent.data), "out": num(step.node.data),
        "constant": "" if constant is None else _name(step.node.parents[constant]),
    }


@dataclass(frozen=True)
class Misconception:
    """One misconception: the wrong rule that makes it, and the words that explain it.

    ``name`` is a short identifier (``forgot_upstream``); ``description`` says the wrong rule
    in a sentence, for a teacher's list.  ``blanks`` are the blanks it can be made at (some of
    BLANKS).  ``rule(step, ask)`` returns the number the wrong rule gives for blank ``ask`` at
    ``step`` (a :class:`~micrograd_like.teach.steps.Step`), or None where it cannot be made
    (``own_value`` at a step through anything but a product).  ``words`` is what the student
    reads, a template filled in from the step's fields (``{upstream_name} = {upstream}``; the
    names it may use are FIELDS).  Everything is checked when the entry is made.
    """

    name: str
    description: str
    blanks: tuple[str, ...]
    rule: Callable[[Step, str], float | None] = field(repr=False, compare=False)
    words: str = field(repr=False)

    def __post_init__(self) -> None:
        if not isinstance(self.name, str) or not self.name.isidentifier():
            raise ValueError(f"a misconception's name is an identifier (forgot_upstream), got {self.name!r}")
        if not isinstance(self.description, str) or not self.description.strip():
            raise ValueError(f"{self.name}: the description says the wrong rule in a sentence, got "
                             f"{self.description!r}")
        blanks = (self.blanks,) if isinstance(self.blanks, str) else tuple(self.blanks)
        if not blanks or any(blank not in BLANKS for blank in blanks) or len(set(blanks)) != len(blanks):
            raise ValueError(f"{self.name}: blanks are some of {', '.join(BLANKS)}, each once, got {self.blanks!r}")
        object.__setattr__(self, "blanks", blanks)
        if not callable(self.rule):
            raise ValueError(f"{self.name}: the rule must be a function of (step, ask), got {self.rule!r}")
        try:
            inspect.signature(self.rule).bind(None, "local")
        except TypeError:
            raise ValueError(f"{self.name}: the rule must take two arguments, (step, ask)") from None
        except ValueError:  # a callable without a signature to read (some built-ins): trusted
            pass
        _check_words(self.name, self.words)

    def wrong(self, step: Step, ask: str) -> float | None:
        """The number the wrong rule gives for blank ``ask`` at ``step`` (None where it cannot
        be made, or where the rule falls outside its domain there)."""
        if check_blank(ask) not in self.blanks:
            return None
        try:
            number = self.rule(step, ask)
            number = None if number is None else float(number)
        except (ArithmeticError, ValueError):  # 0 ** -1, a log of a negative number: no such wrong number
            return None
        return number if number is not None and math.isfinite(number) else None

    def telling(self, step: Step, ask: str, *, rel_tol: float = REL_TOL, abs_tol: float = ABS_TOL) -> float | None:
        """The wrong number, if an answer can be told apart from the right one by it: it is more
        than twice the tolerance away from the right answer (None otherwise)."""
        number = self.wrong(step, ask)
        if number is None or math.isclose(number, right_answer(step, ask), rel_tol=2 * rel_tol, abs_tol=2 * abs_tol):
            return None
        return number

    def explain(self, step: Step, ask: str) -> str:
        """The entry's words for ``step`` and blank ``ask``, filled in from the step."""
        number = self.wrong(step, ask)
        if number is None:
            raise ValueError(f"{self.name} cannot be made at step {step.number} ({BLANK_NAMES[ask]})")
        return self.words.format(**_fields(step, ask, number))


def _check_words(name: str, words: object) -> None:
    """An entry's words: a template naming only FIELDS, that renders."""
    if not isinstance(words, str) or not words.strip():
        raise ValueError(f"{name}: the words are a template of text, got {words!r}")
    try:
        used = {field_name for _, field_name, _, _ in string.Formatter().parse(words) if field_name is not None}
        unknown = sorted(used - set(FIELDS))
        if unknown:
            raise ValueError(f"{name}: the words name {', '.join(map(repr, unknown))}, which a step does not have: "
                             f"use some of {', '.join(FIELDS)} (write {{{{ and }}}} for a brace)")
        words.format(**{field_name: "x" for field_name in FIELDS})
    except (ValueError, IndexError, KeyError, AttributeError) as error:
        if str(error).startswith(f"{name}:"):
            raise
        raise ValueError(f"{name}: the words do not render ({error}): name fields as {{parent}}, "
                         "write {{ and }} for a brace") from None


# -- the wrong rules ------------------------------------------------------------------------------------
# Most entries get one number wrong, the local derivative: the contribution and the new gradient
# then follow from it by the right arithmetic (upstream × local, added to what the grad holds).


def _from_local(wrong_local: Callable[[Step], float | None]) -> Callable[[Step, str], float | None]:
    """A rule from a wrong local derivative: the contribution and the new gradient computed from it."""

    def rule(step: Step, ask: str) -> float | None:
        local = wrong_local(step)
        if local is None:
            return None
        if ask == "local":
            return local
        contribution = step.upstream * local
        return contribution if ask == "contribution" else step.held + step.before + contribution

    return rule


def _row(step: Step):
    """The row of the primitive table the step goes through (None for a closure's step)."""
    return None if step.closure else step.node.primitive


def _forgot_upstream(step: Step, ask: str) -> float:
    return step.local if ask == "contribution" else step.held + step.before + step.local


def _one_path(step: Step, ask: str) -> float | None:
    return step.held + step.contribution if step.share > 1 else None


def _overwrote_total(step: Step, ask: str) -> float | None:
    return step.contribution if step.held else None


def _flipped_sign(step: Step) -> float | None:
    row = _row(step)
    if row is ops.NEG or (row in (ops.SUB, ops.DIV) and step.operand == 1):
        return -step.local
    return None


def _own_value(step: Step) -> float | None:
    return step.parent.data if _row(step) is ops.MUL else None


_FROM_OUTPUT = (ops.TANH, ops.SIGMOID, ops.EXP, ops.TAN)  # rows whose derivative is read from the output


def _derivative_of_input(step: Step) -> float | None:
    row = _row(step)
    if row not in _FROM_OUTPUT:
        return None
    x = step.parent.data
    return row.local_grads(x, x)[0]  # the row's own rule, given the input where it reads the output


def _relu_side(step: Step) -> float | None:
    return 1.0 - step.local if _row(step) is ops.RELU else None


def _exponent(step: Step) -> float | None:
    """The exponent n of a step to the base of ``x**n`` (a constant exponent, or a Value's)."""
    row = _row(step)
    if row is None or step.operand != 0:
        return None
    if row is ops.POW:
        return step.node.parents[1].data
    forward = row.forward
    if isinstance(forward, functools.partial) and forward.func is _constant_power:  # a row power(n) made
        return forward.keywords["n"]
    return None


def _power_rule(step: Step) -> float | None:
    n = _exponent(step)
    if n is None:
        return None
    wrong = n * step.parent.data ** n
    return None if isinstance(wrong, complex) else wrong  # (-2.0) ** 0.5 is complex: no such wrong number


def _constant_grad(step: Step) -> float | None:
    row, k = _row(step), _constant_operand(step)
    if row is None or k is None:
        return None
    return row.local_grads(*(p.data for p in step.node.parents), step.node.data)[k]


def _sign_slip(step: Step, ask: str) -> float:
    return -right_answer(step, ask)


_BUILT_IN = (
    Misconception(
        "forgot_upstream", "the contribution given as the local derivative alone, without the upstream gradient",
        ("contribution", "grad"), _forgot_upstream,
        "you gave the local derivative {derivative} alone: the contribution is upstream × local, "
        "and the upstream gradient {upstream_name} = {upstream} is missing"),
    Misconception(
        "local_with_upstream", "the local derivative given as the contribution, multiplied by the upstream gradient",
        ("local",), lambda step, ask: step.contribution,
        "that is the contribution, upstream × local: the local derivative {local_name} is the node's own "
        "slope, without the upstream gradient {upstream_name} = {upstream}"),
    Misconception(
        "one_path", "a node used several times given the gradient sent back by this use alone, not the sum over "
        "its uses", ("grad",), _one_path,
        "{parent} is used {shares} times ({shares} edges leave it), and its gradient adds what each use sends "
        "back: {parent_grad} holds {before} already, from the uses before this one"),
    Misconception(
        "overwrote_total", "the running total overwritten by the contribution instead of added to",
        ("grad",), _overwrote_total,
        "you wrote this step's contribution over {parent_grad}: gradients add up, and {parent_grad} held {before} "
        "already ({held} of it from before this backward pass: zero_grad() clears it)"),
    Misconception(
        "wrong_sign", "the minus sign of a subtraction, a negation or a divisor's derivative dropped",
        BLANKS, _from_local(_flipped_sign),
        "check the sign: {parent} is subtracted, negated or divided by in {formula}, so the local derivative "
        "{local_name} has a minus sign in it"),
    Misconception(
        "constant_grad", "the derivative taken with respect to a constant operand, as if it took a gradient",
        BLANKS, _from_local(_constant_grad),
        "that is the slope with respect to the constant {constant}, which takes no gradient: this step sends "
        "the gradient to {parent}, and asks for {local_name}"),
    Misconception(
        "own_value", "in a product, the operand's own value taken instead of the other factor's",
        BLANKS, _from_local(_own_value),
        "you used {parent}'s own value, {operand_value}: the slope of a product along one factor is the other "
        "factor: {rule}"),
    Misconception(
        "derivative_of_input", "tanh, sigmoid, exp or tan's derivative computed from the input instead of the output",
        BLANKS, _from_local(_derivative_of_input),
        "you put the input {parent} = {operand_value} where the rule {rule} uses the output {node} = {out}"),
    Misconception(
        "relu_side", "relu's derivative taken from the wrong side of 0 (1 where the input is not positive, or 0 "
        "where it is)", BLANKS, _from_local(_relu_side),
        "relu lets the gradient through only where its input is positive, and {parent} = {operand_value}: "
        "{rule}"),
    Misconception(
        "power_rule", "the power rule without lowering the exponent: n*x**n instead of n*x**(n-1)",
        BLANKS, _from_local(_power_rule),
        "the exponent comes down and goes down by one: {rule}"),
    Misconception(
        "sign_slip", "the right size with the wrong sign", BLANKS, _sign_slip,
        "the size is right, the sign is not"),
)


# -- the catalogue ---------------------------------------------------------------------------------------
# Replaced whole under a lock, never changed in place: a reader in another thread sees the
# catalogue before or after a register(), never half of one.

_catalogue: tuple[Misconception, ...] = _BUILT_IN
_built_in_names = frozenset(entry.name for entry in _BUILT_IN)
_lock = threading.Lock()


def catalogue() -> tuple[Misconception, ...]:
    """Every entry, in the order :func:`diagnose` tries them (the built-in ones first)."""
    return _catalogue


def find(name: str) -> Misconception:
    """The entry called ``name``."""
    for entry in _catalogue:
        if entry.name == name:
            return entry
    raise KeyError(f"no misconception named {name!r} (the catalogue has {', '.join(e.name for e in _catalogue)})")


def register(misconception: Misconception) -> Misconception:
    """Add an entry to the catalogue (tried after those already in it); return it.  A name
    already taken is refused."""
    global _catalogue
    if not isinstance(misconception, Misconception):
        raise TypeError(f"register() needs a Misconception, got {type(misconception).__name__}")
    with _lock:
        if any(entry.name == misconception.name for entry in _catalogue):
            built_in = misconception.name in _built_in_names
            raise ValueError(f"a misconception named {misconception.name!r} is in the catalogue already: choose "
                             "another name" + ("" if built_in else f" or unregister({misconception.name!r}) first"))
        _catalogue = (*_catalogue, misconception)
    return misconception


def unregister(name: str) -> None:
    """Take out an entry :func:`register` added (the built-in ones stay)."""
    global _catalogue
    with _lock:
        if name in _built_in_names:
            raise ValueError(f"{name!r} is a built-in misconception: it cannot be unregistered")
        if all(entry.name != name for entry in _catalogue):
            raise KeyError(f"no misconception named {name!r} was registered")
        _catalogue = tuple(entry for entry in _catalogue if entry.name != name)


# -- diagnosis ---------------------------------------------------------------------------------------------


def diagnose(step: Step, answer: float, ask: str, *, rel_tol: float = REL_TOL, abs_tol: float = ABS_TOL,
             among: Iterable[Misconception] | None = None) -> Misconception | None:
    """The misconception whose wrong rule gives ``answer`` for blank ``ask`` at ``step`` (the
    first in the catalogue, or in ``among``), or None: for a right answer, for a wrong answer
    no entry gives, and for an entry whose wrong number cannot be told from the right one there."""
    check_blank(ask)
    if not isinstance(step, Step):
        raise TypeError(f"diagnose() needs a Step (a stepper's steps[k]), got {type(step).__name__}")
    if isinstance(answer, bool) or not isinstance(answer, numbers.Real):
        raise TypeError(f"diagnose() needs the answer as a number, got {type(answer).__name__}: {answer!r}")
    answer = float(answer)
    if not math.isfinite(answer) or math.isclose(answer, right_answer(step, ask), rel_tol=rel_tol, abs_tol=abs_tol):
        return None
    for entry in catalogue() if among is None else among:
        number = entry.telling(step, ask, rel_tol=rel_tol, abs_tol=abs_tol)
        if number is not None and math.isclose(answer, number, rel_tol=rel_tol, abs_tol=abs_tol):
            return entry
    return None


def possible(steps, ask: str | Iterable[str] = BLANKS, *, rel_tol: float = REL_TOL,
             abs_tol: float = ABS_TOL) -> tuple[Misconception, ...]:
    """The entries a pass can show: those whose wrong number differs from the right one at
    some step, for some blank of ``ask``.  ``steps`` is a Stepper or its steps.  A pass with no
    node used twice cannot show ``one_path``; one without ``-``, ``/`` or a negation cannot
    show ``wrong_sign``."""
    blanks = (ask,) if isinstance(ask, str) else tuple(ask)
    for blank in blanks:
        check_blank(blank)
    steps = tuple(getattr(steps, "steps", steps))
    return tuple(entry for entry in catalogue()
                 if any(entry.telling(step, blank, rel_tol=rel_tol, abs_tol=abs_tol) is not None
                        for step in steps for blank in blanks))
