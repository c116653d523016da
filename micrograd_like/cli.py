"""The ``micrograd-like`` command (also ``python -m micrograd_like``).

Thin over the package: each subcommand parses its arguments and calls the library.
Errors a user can make (a bad option, a bad expression) end in one line on stderr and a
non-zero exit status, never a traceback.
"""

from __future__ import annotations

import argparse
import inspect
import sys
from collections.abc import Sequence

from . import demos
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


# -- demo: the classroom demos (micrograd_like.demos) plus the engine demo above ----------------

DEMO_OPTIONS = ("steps", "lr", "seed", "out")


def _demo_list() -> str:
    lines = [f"  {name:<10} {module.SUMMARY}" for name, module in demos.DEMOS.items()]
    lines.append(f"  {'engine':<10} micrograd's README expression: a forward pass, then backward")
    return "demos:\n" + "\n".join(lines)


def _positive_int(text: str) -> int:
    try:
        number = int(text)
    except ValueError:
        number = 0
    if number < 1:
        raise argparse.ArgumentTypeError(f"must be a positive whole number, got {text!r}")
    return number


def _positive_float(text: str) -> float:
    try:
        number = float(text)
    except ValueError:
        number = float("nan")
    if not 0 < number < float("inf"):
        raise argparse.ArgumentTypeError(f"must be a positive number, got {text!r}")
    return number


def _add_demo_parser(commands) -> None:
    demo = commands.add_parser(
        "demo",
        help="run a classroom demo (moons is the main one)",
        description="Run a classroom demo. Each prints as it goes and writes its pictures into --out.",
        epilog=_demo_list() + "\n\nPictures need matplotlib: pip install 'micrograd_like[plot]'.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    names = [*demos.DEMOS, "engine"]
    demo.add_argument("name", choices=names, metavar="NAME", help="which demo (listed below)")
    demo.add_argument("--steps", type=_positive_int, help="training steps (default: the demo's own)")
    demo.add_argument("--lr", type=_positive_float, help="learning rate (default: the demo's own)")
    demo.add_argument("--seed", type=int, help="random seed for data and weights (default: the demo's own)")
    demo.add_argument("--out", metavar="DIR", help="directory for the pictures (default: demo-output)")


def run_demo(args: argparse.Namespace) -> int:
    """Run the named demo with the options given; an option the demo has no use for is an error."""
    given = {option: getattr(args, option) for option in DEMO_OPTIONS if getattr(args, option) is not None}
    if args.name == "engine":
        accepted: Sequence[str] = ()
    else:
        run = demos.DEMOS[args.name].run
        accepted = [option for option in DEMO_OPTIONS if option in inspect.signature(run).parameters]
    for option in given:
        if option not in accepted:
            takes = ", ".join(f"--{a}" for a in accepted) or "no options"
            print(f"micrograd-like demo: the {args.name} demo has no --{option} (it takes {takes})", file=sys.stderr)
            return 2
    try:
        if args.name == "engine":
            engine_demo()
        else:
            run(**given)
    except KeyboardInterrupt:
        print("\ninterrupted", file=sys.stderr)
        return 130
    except OSError as error:  # e.g. --out names a file, or a directory we may not write to
        print(f"micrograd-like demo: cannot write the pictures: {error}", file=sys.stderr)
        return 1
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="micrograd-like",
        description="A scalar autodiff engine for teaching backpropagation.",
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    _add_demo_parser(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.command == "demo":
        return run_demo(args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
