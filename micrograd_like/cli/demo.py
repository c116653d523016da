"""``micrograd-like demo NAME``: run a classroom demo (micrograd_like.demos)."""

from __future__ import annotations

import argparse
import inspect
import sys

from .. import demos
from .arguments import positive_float, positive_int
from .errors import RunFailed

OPTIONS = ("steps", "lr", "seed", "out")


def _demo_list() -> str:
    return "demos:\n" + "\n".join(f"  {name:<10} {module.SUMMARY}" for name, module in demos.DEMOS.items())


def add_parser(subcommands) -> argparse.ArgumentParser:
    """The ``demo`` subcommand: a demo's name and the options every demo takes."""
    parser = subcommands.add_parser(
        "demo",
        help="run a classroom demo (moons is the main one)",
        description="Run a classroom demo. Each prints as it goes and writes its pictures into --out.\n"
        "Every demo takes every option; one it has no use for is ignored, with a note.",
        epilog=_demo_list() + f"\n\nPictures need matplotlib: {demos.PLOT_HINT}.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("name", choices=list(demos.DEMOS), metavar="NAME", help="which demo (listed below)")
    parser.add_argument("--steps", type=positive_int, help="training steps (default: the demo's own)")
    parser.add_argument("--lr", type=positive_float, help="learning rate (default: the demo's own)")
    parser.add_argument("--seed", type=int, help="random seed for data and weights (default: the demo's own)")
    parser.add_argument("--out", metavar="DIR", help="directory for the pictures (default: demo-output)")
    parser.set_defaults(run=run)
    return parser


def run(args: argparse.Namespace) -> int:
    """Run the named demo with the options given; one the demo has no use for is noted and ignored."""
    demo = demos.DEMOS[args.name].run
    given = {option: getattr(args, option) for option in OPTIONS if getattr(args, option) is not None}
    for option in [option for option in given if option not in inspect.signature(demo).parameters]:
        print(f"micrograd-like demo: note: the {args.name} demo has no use for --{option}; ignored", file=sys.stderr)
        del given[option]
    try:
        demo(**given)
    except OSError as error:  # e.g. --out names a file, or a directory we may not write to
        raise RunFailed(f"cannot write the pictures: {error}") from None
    return 0
