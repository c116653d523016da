"""``micrograd-like draw EXPRESSION``: an expression's graph as SVG, PNG or DOT."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..drawing.graphs import draw_dot
from ..drawing.render import DEFAULT_TIMEOUT, FILE_FORMATS
from .arguments import add_expression_arguments, add_force_argument, expression_from_args, prepare_output_path, seconds
from .errors import UserError, writing
from .terminal import is_terminal


def add_parser(subcommands) -> argparse.ArgumentParser:
    """The ``draw`` subcommand: the expression, where to write it and how to draw it."""
    parser = subcommands.add_parser(
        "draw",
        help="draw an expression's computation graph (SVG, PNG or DOT)",
        description="Draw the computation graph of an expression, with each node's value and, after "
        'backward(), its gradient. Example: micrograd-like draw "tanh(a*b + c)" --var a=2 --var b=-3 '
        "--var c=7 -o graph.svg (directories missing on the way to FILE are created)",
        allow_abbrev=False,  # "--a" is an expression, -(-a), not short for an option
    )
    add_expression_arguments(parser)
    add = parser.add_argument
    add("-o", "--output", metavar="FILE", help="where to write it (default: standard output, when it is piped or "
        "redirected; an existing FILE is replaced only with --force)")
    add("--format", choices=FILE_FORMATS, help="svg, png or dot (default: from FILE's suffix, else svg)")
    add("--rankdir", choices=("LR", "TB"), default="LR", help="left to right (default) or top to bottom")
    add("--local-grads", action="store_true", help="write each edge's local derivative on it")
    add("--no-backward", action="store_true", help="draw values only: do not run backward()")
    add("--merge-sums", action="store_true", help="fold chains of + into one Σ node")
    add_force_argument(parser, "draw even above the size limit (2,000 nodes), and replace FILE if it exists")
    add(
        "--timeout", type=seconds, default=DEFAULT_TIMEOUT, metavar="SECONDS", help="layout time limit (default 60)"
    )
    parser.set_defaults(run=run)
    return parser


def _format(args: argparse.Namespace) -> str:
    """The format to write: --format, else the suffix of -o FILE, else svg; the two must agree."""
    format = args.format
    if args.output:
        suffix = Path(args.output).suffix.lstrip(".").lower()
        if format is None and suffix not in FILE_FORMATS:
            raise UserError(
                f"cannot tell the format from {args.output!r}: name it .svg, .png or .dot, or give --format"
            )
        if format is not None and suffix in FILE_FORMATS and suffix != format:
            raise UserError(f"-o {args.output} is named .{suffix} but --format is {format}: make them agree")
        format = format or suffix
    return format or "svg"


def run(args: argparse.Namespace) -> int:
    """Draw the expression and write it to -o FILE or standard output."""
    format = _format(args)
    if not args.output and is_terminal(sys.stdout):
        raise UserError(f"not writing {format.upper()} into the terminal: give -o graph.{format} to write a file, "
                        f"or redirect it (> graph.{format}) or pipe it to another program")
    root = expression_from_args(args, needs_gradients=not args.no_backward)
    if not args.no_backward:
        root.backward()
    drawing = draw_dot(
        root,
        rankdir=args.rankdir,
        show_local_grads=args.local_grads,
        show_grads=not args.no_backward,
        merge_sums=args.merge_sums,
        force=args.force,
        timeout=args.timeout,
    )
    with writing(args.output or "standard output"):
        if args.output:
            drawing.save(prepare_output_path(args.output, force=args.force), format=format, replace=args.force)
            print(args.output)  # as the user gave it, as every command prints the paths it wrote
        elif format in ("dot", "svg"):
            text = drawing.source if format == "dot" else drawing.svg()
            binary = getattr(sys.stdout, "buffer", None)  # none when output is captured as text (a notebook)
            if binary is None:
                sys.stdout.write(text)
            else:  # UTF-8, as the SVG says and Graphviz reads, whatever the terminal's encoding
                sys.stdout.flush()
                binary.write(text.encode("utf-8"))
        elif getattr(sys.stdout, "buffer", None) is None:
            raise UserError("PNG is binary: give -o FILE.png (or redirect standard output)")
        else:
            sys.stdout.buffer.write(drawing.png())
    return 0
