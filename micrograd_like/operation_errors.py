"""How the engine says what went wrong in an operation: the operation written out with its
operands' names, as the student wrote it.

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

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .engine import Value
    from .ops import Primitive

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
