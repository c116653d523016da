"""``python -m bench.parsing``: how parse time grows with the expression's length.

Parsing must take time in proportion to the text, whatever its characters.  This times
``parse`` on texts of 10³, 10⁴ and 10⁵ characters of several shapes (the ones that once took
seconds, or forever: a run of spaces at the end; and the ordinary ones: long sums, products,
signs, calls, bad characters) and prints, for each shape, the time per character at each
length and how much it grew from 10³ to 10⁵: about 1x is linear, 100x would be quadratic.
A measurement to read, not a test: no time is asserted anywhere.
"""

from __future__ import annotations

import argparse
import contextlib
import sys
import time
from collections.abc import Callable

from micrograd_like.teach.expression import ExpressionError, parse

VARIABLES = {"a": 0.5, "b": -1.5, "c": 2.0}


def _repeat(unit: str, n: int, end: str = "") -> str:
    """``unit`` repeated to n characters in all (with ``end`` after)."""
    return unit * ((n - len(end)) // len(unit)) + end


SHAPES: dict[str, Callable[[int], str]] = {
    "spaces at the end": lambda n: "a" + " " * (n - 1),
    "spaces between": lambda n: _repeat("a +   ", n, "a"),
    "sum of products": lambda n: _repeat("a*b + ", n, "c"),
    "signs and powers": lambda n: _repeat("-a**2 - ", n, "b"),
    "calls": lambda n: _repeat("tanh(a) + ", n, "maximum(a, b)"),
    "brackets": lambda n: _repeat("(a - (b)) + ", n, "c"),
    "long name": lambda n: "a" * n,
    "long number": lambda n: "1" * (n - 2) + ".5",
    "bad character at the end": lambda n: _repeat("a + ", n - 1) + "%",
    "bad characters": lambda n: "%" * n,
}


def time_parse(text: str, repeat: int) -> float:
    """The fastest of ``repeat`` parses of ``text``, in seconds (an ExpressionError counts as done)."""
    best = float("inf")
    for _ in range(repeat):
        started = time.perf_counter()
        with contextlib.suppress(ExpressionError):
            parse(text, VARIABLES)
        best = min(best, time.perf_counter() - started)
    return best


def main(argv: list[str] | None = None) -> int:
    options = argparse.ArgumentParser(prog="python -m bench.parsing", description=__doc__.splitlines()[0])
    options.add_argument("--repeat", type=int, default=3, help="parses per size; the fastest counts (default 3)")
    options.add_argument("--quick", action="store_true", help="10² to 10³ characters only: a smoke run")
    args = options.parse_args(argv)
    sizes = (100, 1_000) if args.quick else (1_000, 10_000, 100_000)
    header = "".join(f"{f'{n:,} chars':>22}" for n in sizes)
    print(f"{'shape':<26}{header}{'growth':>10}")
    for shape, make in SHAPES.items():
        per_char = []
        cells = ""
        for n in sizes:
            seconds = time_parse(make(n), args.repeat)
            per_char.append(seconds / n)
            cells += f"{seconds * 1e3:>10.2f} ms {per_char[-1] * 1e6:>5.2f} µs/ch"
            print(f"\r{shape:<26}{cells}", end="", file=sys.stderr, flush=True)
        print(f"\r{' ' * 120}\r", end="", file=sys.stderr)
        print(f"{shape:<26}{cells}{per_char[-1] / per_char[0]:>9.1f}x", flush=True)
    print(f"\ngrowth: time per character at {sizes[-1]:,} characters over that at {sizes[0]:,} "
          f"(1x is linear; {sizes[-1] // sizes[0]}x would be quadratic)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
