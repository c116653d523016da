"""What the engine refuses, and how it says so: the plain numbers it takes, and an operation's
error written out with its operands' names, as the student wrote it.

>>> as_number(3, "an operand"), as_number("3", "an operand")
(3.0, None)
>>> from micrograd_like import Value
>>> a = Value(1e200, label="a")
>>> a * a
Traceback (most recent call last):
    ...
OverflowError: a*a: the result is too large for a float (in a*a with a = 1e+200)

The engine's fast path raises nothing of its own: when a forward rule or a local derivative
fails (a domain error, an overflow), the node is made again the general way, which catches
the error and raises it once more, in context, through :func:`in_context`.
"""

from __future__ import annotations

import math
import numbers
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .ops import Primitive
    from .value import Value

def as_number(x: object, where: str) -> float | None:
    """x as a float if it is a real number (int, float, numpy scalar, Fraction...), else None.

    A number too large for a float is an OverflowError that says so (Python's own words are
    "int too large to convert to float"); an infinity stays infinite for the caller to refuse.
    """
    if type(x) is float:
        return x
    if type(x) is not int and not isinstance(x, numbers.Real):
        return None
    try:
        number = float(x)
        if math.isinf(number) and x != number:  # a finite number (numpy's longdouble) that became inf
            raise OverflowError
    except OverflowError:
        raise OverflowError(f"{where} needs a number a float can hold: {_describe_large(x)} is too large "
                            "(the largest float is about 1.8e308)") from None
    return number


def _describe_large(x: object) -> str:
    if isinstance(x, int):  # its digits may be too many even to print
        return f"an integer of about {int(x.bit_length() * math.log10(2)) + 1} digits"
    text = repr(x)
    return text if len(text) <= 40 else f"{text[:30]}... ({len(text)} characters)"


def as_float(x: object, where: str) -> float:
    number = as_number(x, where)
    if number is None:
        raise TypeError(f"{where} needs a real number, got {type(x).__name__}: {x!r}")
    if not math.isfinite(number):
        raise ValueError(f"{where} needs a finite number, got {number!r}")
    return number


# -- an operation's error, in context ---------------------------------------------------------

TOO_LARGE = "too large"
"""The message of the engine's own OverflowError for a result that is inf or nan."""


def in_context(error: Exception, primitive: Primitive, parents: tuple[Value, ...], local: bool = False) -> Exception:
    """The same kind of error, naming the operation and its labelled operands.

    ``local`` says the error came from the local derivatives, not from the forward rule.
    """
    names = [p.label or repr(p.data) for p in parents]
    written = primitive.notation.format(*names)
    message = str(error)
    if message == TOO_LARGE or (isinstance(error, OverflowError) and "float" not in message):
        # our own inf check, or Python's bare "(34, 'Numerical result out of range')"
        what = "a local derivative" if local else "the result"
        message = f"{written}: {what} is too large for a float"
    labelled = [f"{p.label} = {p.data!r}" for p in dict.fromkeys(parents) if p.label]  # each operand once
    if labelled:
        message += f" (in {written} with {', '.join(labelled)})"
    return type(error)(message)


def describe(nodes: tuple[Value, ...]) -> str:
    """Operands for a message: ``a = 2.0, -3.0`` (a labelled one by its label and number)."""
    return ", ".join(f"{n.label} = {n.data!r}" if n.label else repr(n.data) for n in nodes)
