"""Checks on the arguments of nn, optim and datasets: each error names what was wrong.

Also the two ways a ``seed`` becomes a random generator, side by side because they differ on
purpose in what ``None`` means (see :func:`generator`).
"""

from __future__ import annotations

import math
import random

__all__ = ["whole_number", "finite_number", "generator"]

_LARGEST_INT = int(2.0**1023 * (2 - 2.0**-52))  # the largest float, as an int


def whole_number(n: object, name: str, minimum: int = 1) -> int:
    """``n`` if it is an int (not a bool) of at least ``minimum``, else a ValueError naming it."""
    if not isinstance(n, int) or isinstance(n, bool) or n < minimum:
        wanted = "a positive whole number" if minimum == 1 else f"a whole number of at least {minimum}"
        raise ValueError(f"{name} must be {wanted}, got {n!r}")
    return n


def finite_number(x: object, name: str, *, positive: bool = False, upper: float | None = None) -> float:
    """``x`` as a float if it is a finite number >= 0 (> 0 if ``positive``, < ``upper`` if
    given), else a ValueError that names it.

    >>> finite_number(10**400, "lr")
    Traceback (most recent call last):
        ...
    ValueError: lr must be a finite number, got an integer of about 401 digits (too large for a float)
    """
    if isinstance(x, int) and not isinstance(x, bool) and abs(x) > _LARGEST_INT:  # math.isfinite would overflow
        raise ValueError(f"{name} must be a finite number, got an integer of about "
                         f"{int(x.bit_length() * math.log10(2)) + 1} digits (too large for a float)")
    if isinstance(x, bool) or not isinstance(x, (int, float)) or not math.isfinite(x):
        raise ValueError(f"{name} must be a finite number, got {x!r}")
    if positive and x <= 0:
        raise ValueError(f"{name} must be positive, got {x!r}")
    if x < 0:
        raise ValueError(f"{name} must not be negative, got {x!r}")
    if upper is not None and x >= upper:
        raise ValueError(f"{name} must be less than {upper:g}, got {x!r}")
    return float(x)


def generator(seed: int | random.Random | None, *, none_means_global: bool):
    """A random generator from ``seed``: an int seeds a new one; a Random is used (and advanced).

    ``None`` means one of two things, chosen by the caller:

    - ``none_means_global=True`` (the network's weights): Python's global ``random`` module, as
      micrograd draws its weights, so ``random.seed(1337); MLP(...)`` repeats micrograd's models;
    - ``none_means_global=False`` (the data sets): a new generator seeded by the system, so the
      data differ from run to run and drawing them leaves the global generator alone.
    """
    if isinstance(seed, random.Random):
        return seed
    if seed is None:
        return random if none_means_global else random.Random()
    if seed is random and none_means_global:  # what a Layer hands its neurons when seed is None
        return random
    if isinstance(seed, int) and not isinstance(seed, bool):
        return random.Random(seed)
    raise TypeError(f"seed must be an int, a random.Random or None, got {type(seed).__name__}: {seed!r}")
