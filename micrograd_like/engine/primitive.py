"""What a row of the primitive table is: a :class:`Primitive` (and the :class:`Note` s it tells
students), and every rule a row must keep, checked when the row is made.

A row that breaks a rule is refused at once, with what to fix, rather than failing later in
the compiler or the stepper:

>>> Primitive("twice", "twice", lambda x: 2 * x, lambda x, out: (2.0,), "twice({0})", ("2",),
...           forward_code="double({0})", grads_code=("2.0",))
Traceback (most recent call last):
    ...
ValueError: twice: ...

The rows themselves are in :mod:`.ops`; the registry that holds them in :mod:`.registry`.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from .rules import (
    _check_code,
    _check_code_agrees,
    _check_words,
    _constant_power,
    _divide,
    _exp,
    _expm1,
    _log,
    _log1p,
    _placeholders,
    _power_of_values,
    _relu,
    _sigmoid,
    _softplus,
    _sqrt,
    _tan,
    _written_form,
)

__all__ = ["Primitive", "Note", "CODE_GLOBALS"]

CODE_GLOBALS: dict[str, Any] = {
    "math": math, "abs": abs, "max": max, "sum": sum,
    "_divide": _divide, "_power_of_values": _power_of_values, "_constant_power": _constant_power,
    "_exp": _exp, "_log": _log, "_sigmoid": _sigmoid, "_relu": _relu, "_sqrt": _sqrt, "_tan": _tan,
    "_log1p": _log1p, "_expm1": _expm1, "_softplus": _softplus,
}
"""The names the rows' ``forward_code`` and ``grads_code`` use: what compiled code runs with."""


@dataclass(frozen=True)
class Note:
    """A sentence the stepper adds at a chain-rule step through one primitive: the answer to
    a question students ask about it (why ``-`` sends back -1, why ``exp`` uses its output).

    ``text`` may use ``{p}`` (the operand's name), ``{formula}`` (the node written out, as
    ``a - b``) and ``{out}`` (the node's output, as a number).  ``operand`` keeps the note
    to the step to that operand (None: every operand); ``when`` to the steps whose local
    derivative passes a test (relu's dead side: ``when=lambda local: local == 0``).
    """

    text: str
    operand: int | None = None
    when: Callable[[float], bool] | None = None

    def __post_init__(self) -> None:
        unknown = _placeholders(self.text) - {"p", "formula", "out"}
        if unknown:
            raise ValueError(f"a note may use {{p}}, {{formula}} and {{out}}, not {sorted(unknown)}: {self.text!r}")


@dataclass(frozen=True)
class Primitive:
    """One differentiable operation of the engine: a row of the table.

    ``forward(*inputs)`` computes the output from the input numbers, raising a specific
    error (ValueError, ZeroDivisionError, OverflowError) for inputs outside its domain.
    ``local_grads(*inputs, out)`` returns one local derivative d(out)/d(input) per input.
    ``notation`` writes the operation with ``{0}``, ``{1}`` for its operands, and
    ``grad_words`` gives each local derivative as a formula in the same placeholders
    (``{out}`` is the output): ``d(a*b)/da = b`` is ``notation="{0}*{1}"``,
    ``grad_words[0]="{1}"``.  Both must read as Python once the operands are filled in
    (``²`` is read as ``**2``): a test evaluates the words against ``local_grads``.
    ``symbol`` is what a drawing shows on the node.

    The rest is optional:

    - ``written``: how an expression writes it, a function name (``"tanh"``) or an operator
      (``"+"``).  By default it is read from the notation: ``tanh({0})`` is the function
      ``tanh``, ``{0} + {1}`` the operator ``+``, ``-{0}`` the prefix ``-``.
    - ``forward_code``, ``grads_code``: the forward rule and each local derivative as a Python
      expression, with ``{0}``, ``{1}``... for the operands (each replaced by a name or a
      bracketed expression) and ``{out}`` for the output, computing exactly the same bits as
      ``forward`` and ``local_grads`` on floats, errors included (they are tried against them
      when the row is made).  They may name only what compiled code runs with,
      :data:`CODE_GLOBALS` (and ``math``'s functions).  Without them (both empty) compiled
      code calls the row's own ``forward`` and ``local_grads``: exact, if not as fast.
    - ``notes``: :class:`Note` s for the stepper.
    - ``by_hand``: whether a student can work the operation out with pencil and paper (its
      numbers and slopes stay whole eighths for inputs in eighths: ``relu``, ``abs``, but not
      ``tanh``); a worksheet allows the others only with a calculator.
    - ``doc``: a sentence about the function, the first line of its Value method's docstring
      (``help(Value.tanh)``); the method's local derivative is written from the row.

    Every built-in function row is also a method of Value, of the name it is written with
    (``x.tanh()``), made from the row when the engine loads: adding a row to the table adds the
    method.  A row registered at run time, or by a plugin, is called with ``apply(row, x)`` or
    by name in an expression (``parse("row(x)")``), not as a method.

    A row that breaks one of these rules is refused when it is made, saying what to fix:

    >>> Primitive("cube", "x³", lambda x: x**3, lambda x, out: (3 * x * x,), "cube({0})", ("3*{0}²",),
    ...           forward_code="{0} ** 3", grads_code=("3 * square({0})",))
    Traceback (most recent call last):
    ValueError: cube: the code '3 * square({0})' uses 'square', which compiled code does not have: ...
    """

    name: str
    symbol: str
    forward: Callable[..., float]
    local_grads: Callable[..., tuple[Any, ...]]
    notation: str
    grad_words: tuple[str, ...]
    written: str = ""
    forward_code: str = ""
    grads_code: tuple[str, ...] = ()
    notes: tuple[Note, ...] = field(default=(), compare=False)
    by_hand: bool = False
    doc: str = field(default="", compare=False)

    def __post_init__(self) -> None:
        # Every mistake in a row is refused here, when the row is made, with what to fix.
        if not isinstance(self.name, str) or not self.name:
            raise ValueError(f"a primitive needs a name, got {self.name!r}")
        if not isinstance(self.symbol, str) or not self.symbol:
            raise ValueError(f"{self.name}: the symbol a drawing shows on the node must be a non-empty str, "
                             f"got {self.symbol!r}")
        for attribute in ("forward", "local_grads"):
            if not callable(getattr(self, attribute)):
                raise ValueError(f"{self.name}: {attribute} must be a function, got {getattr(self, attribute)!r}")
        for attribute in ("notation", "written", "forward_code", "doc"):
            if not isinstance(getattr(self, attribute), str):
                raise ValueError(f"{self.name}: {attribute} must be a str, got {getattr(self, attribute)!r}")
        if not isinstance(self.by_hand, bool):
            raise ValueError(f"{self.name}: by_hand must be True or False, got {self.by_hand!r}")
        if isinstance(self.grad_words, str) or isinstance(self.grads_code, str):
            raise ValueError(f"{self.name}: grad_words and grads_code are tuples, one str per operand: "
                             "write (\"{1}\",), not \"{1}\"")
        for attribute in ("grad_words", "grads_code", "notes"):
            object.__setattr__(self, attribute, tuple(getattr(self, attribute)))
        operands = _placeholders(self.notation)
        arity = len(operands)
        if arity == 0 or operands != {str(i) for i in range(arity)}:
            raise ValueError(f"{self.name}: bad notation {self.notation!r}: write its operands "
                             "{0}, {1}, ... each at least once (tanh({0}), {0} + {1})")
        object.__setattr__(self, "arity", arity)
        allowed = operands | {"out"}
        if len(self.grad_words) != arity:
            raise ValueError(f"{self.name} has {arity} operand(s) but {len(self.grad_words)} grad_words: "
                             "give one derivative in words per operand")
        for words in self.grad_words:
            if not isinstance(words, str) or not _placeholders(words) <= allowed:
                raise ValueError(f"{self.name}: grad_words {words!r} may use only {sorted(allowed)}")
            _check_words(self.name, "the derivative in words", words)
        _check_words(self.name, "the notation", self.notation)
        written = self.written or _written_form(self.notation, arity)
        if written and not (written.isidentifier() or (written, arity) in _GRAMMAR_OPERATORS):
            raise ValueError(f"{self.name}: written={written!r} must be a function name (letters, digits, _) "
                             "or one of the operators + - * / ** (the grammar has no others)")
        object.__setattr__(self, "written", written)
        if not self.forward_code and self.grads_code:
            raise ValueError(f"{self.name}: grads_code without forward_code: give both, or neither")
        if self.forward_code and len(self.grads_code) != arity:
            raise ValueError(f"{self.name} has {arity} operand(s) but {len(self.grads_code)} grads_code")
        if self.forward_code:
            _check_code(self.name, self.forward_code, operands, CODE_GLOBALS)
        for code in self.grads_code:
            if not isinstance(code, str):
                raise ValueError(f"{self.name}: grads_code must be strs, got {code!r}")
            _check_code(self.name, code, allowed, CODE_GLOBALS)
        if self.forward_code:
            _check_code_agrees(self.name, self.forward, self.local_grads, self.forward_code, self.grads_code,
                               arity, CODE_GLOBALS)
        for note in self.notes:
            if not isinstance(note, Note) or (note.operand is not None and not 0 <= note.operand < arity):
                raise ValueError(f"{self.name}: notes must be Notes about operands 0..{arity - 1}, got {note!r}")

    arity: int = field(init=False, repr=False, compare=False)
    """How many operands the operation takes (the placeholders of its notation)."""

    def partners(self, operand: int) -> tuple[int, ...]:
        """The other operands that d(out)/d(operand) needs, read from its words: d(a*b)/da = b,
        so ``MUL.partners(0) == (1,)``; a sum's derivatives need none.  A drawing pairs them up.

        >>> from micrograd_like.engine.ops import ADD, DIV, MUL, weighted_sum
        >>> MUL.partners(0), DIV.partners(1), ADD.partners(0), weighted_sum(2).partners(1)
        ((1,), (0,), (), (3,))
        """
        used = _placeholders(self.grad_words[operand]) - {"out", str(operand)}
        return tuple(sorted(int(i) for i in used))

    def notes_at(self, operand: int, local: float) -> tuple[str, ...]:
        """The note templates for the step to ``operand`` whose local derivative is ``local``
        (to be filled in with ``p``, ``formula`` and ``out``)."""
        return tuple(note.text for note in self.notes
                     if note.operand in (None, operand) and (note.when is None or note.when(local)))

    def __repr__(self) -> str:
        return f"<primitive {self.name}: {self.notation.format(*(f'x{i}' for i in range(self.arity)))}>"


# The operators the expression grammar reads, (symbol, number of operands): a new operation is
# written as a function, since a new operator would need a new rule of precedence.
_GRAMMAR_OPERATORS = {("+", 2), ("-", 2), ("*", 2), ("/", 2), ("**", 2), ("-", 1)}
