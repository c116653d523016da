"""The ``micrograd-like`` command (also ``python -m micrograd_like``).

Thin over the package: each subcommand parses its arguments and calls the library.
Errors a user can make (a bad option, a bad expression) end in one line on stderr and a
non-zero exit status, never a traceback.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from .engine import Value

__all__ = ["main"]


def engine_demo() -> None:
    """micrograd's README example, narrated: a forward pass, then backward."""
    print("A forward pass through micrograd's README expression:")
    a = Value(-4.0, label="a")
    b = Value(2.0, label="b")
    c = a + b
    d = a * b + b**3
    c += c + 1
    c += 1 + c + (-a)
    d += d * 2 + (b + a).relu()
    d += 3 * d + (b - a).relu()
    e = c - d
    f = e**2
    g = f / 2.0
    g += 10.0 / f
    print(f"  g = {g.data:.4f}")
    print("backward() applies the chain rule from g back to every node:")
    g.backward()
    print(f"  dg/da = {a.grad:.4f}")
    print(f"  dg/db = {b.grad:.4f}")


DEMOS = {"engine": engine_demo}


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="micrograd-like",
        description="A scalar autodiff engine for teaching backpropagation.",
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    demo = commands.add_parser("demo", help="run a classroom demo", description="Run a classroom demo.")
    demo.add_argument("name", choices=sorted(DEMOS), help="which demo: %(choices)s")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.command == "demo":
        DEMOS[args.name]()
    return 0


if __name__ == "__main__":
    sys.exit(main())
