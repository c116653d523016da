"""Plain numbers coming into the engine: which ones it takes, and the words for those it refuses.

>>> _as_number(3, "an operand"), _as_number("3", "an operand")
(3.0, None)
"""

from __future__ import annotations

import math
import numbers


def _as_number(x: object, where: str) -> float | None:
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


def _as_float(x: object, where: str) -> float:
    number = _as_number(x, where)
    if number is None:
        raise TypeError(f"{where} needs a real number, got {type(x).__name__}: {x!r}")
    if not math.isfinite(number):
        raise ValueError(f"{where} needs a finite number, got {number!r}")
    return number
