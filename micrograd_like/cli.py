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
from .expression import ExpressionError, parse, parse_assignment, variables_in

__all__ = ["main", "add_expression_arguments", "expression_from_args", "UserError"]


class UserError(Exception):
    """A mistake on the command line: main() prints it as one line and exits with status 2."""


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


# -- shared by the subcommands that take an expression (draw, step) --------------------------------


def _assignment(text: str) -> tuple[str, float]:
    """argparse ``type=`` for ``--var NAME=VALUE``: a bad one is argparse's one-line error."""
    try:
        return parse_assignment(text)
    except ExpressionError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def add_expression_arguments(parser: argparse.ArgumentParser) -> None:
    """Add the positional EXPRESSION and the repeatable ``--var NAME=VALUE`` to a subcommand."""
    parser.add_argument(
        "expression",
        metavar="EXPRESSION",
        help='e.g. "tanh(a*b + c)": numbers, variables, '
        "+ - * / **, parentheses, exp log tanh sigmoid relu sqrt sin cos abs",
    )
    parser.add_argument(
        "--var",
        action="append",
        default=[],
        type=_assignment,
        metavar="NAME=VALUE",
        help="the value of a variable (repeat for each one): --var a=2 --var b=-3",
    )


def expression_from_args(args: argparse.Namespace) -> Value:
    """The graph of ``args.expression`` with the ``--var`` values; a mistake is a UserError."""
    values: dict[str, float] = {}
    for name, value in args.var:
        if name in values:
            raise UserError(f"--var {name} is given twice ({values[name]:g} and {value:g})")
        values[name] = value
    try:
        needed = variables_in(args.expression)
        missing = [name for name in needed if name not in values]
        if missing:
            example = " ".join(f"--var {name}=VALUE" for name in missing)
            raise UserError(f"no value for {', '.join(missing)} in {args.expression!r}: add {example}")
        unused = [name for name in values if name not in needed]
        if unused:
            print(f"warning: --var {', '.join(unused)} not used by {args.expression!r}", file=sys.stderr)
        return parse(args.expression, values)
    except ExpressionError as error:
        raise UserError(f"in {args.expression!r}: {error}") from None


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
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        if args.command == "demo":
            DEMOS[args.name]()
    except UserError as error:
        print(f"{parser.prog} {args.command}: error: {error}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
