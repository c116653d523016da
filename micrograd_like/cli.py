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


# -- draw: an expression's graph as SVG, PNG or DOT ------------------------------------------------

DRAW_FORMATS = ("svg", "png", "dot")


def add_draw_command(commands) -> None:
    draw = commands.add_parser(
        "draw",
        help="draw an expression's computation graph (SVG, PNG or DOT)",
        description="Draw the computation graph of an expression, with each node's value and, after "
        'backward(), its gradient. Example: micrograd-like draw "tanh(a*b + c)" --var a=2 --var b=-3 '
        "--var c=10 -o graph.svg",
    )
    add_expression_arguments(draw)
    draw.add_argument("-o", "--output", metavar="FILE", help="where to write it (default: standard output)")
    draw.add_argument("--format", choices=DRAW_FORMATS, help="svg, png or dot (default: from FILE's suffix, else svg)")
    draw.add_argument("--rankdir", choices=("LR", "TB"), default="LR", help="left to right (default) or top to bottom")
    draw.add_argument("--local-grads", action="store_true", help="write each edge's local derivative on it")
    draw.add_argument("--no-backward", action="store_true", help="draw values only: do not run backward()")
    draw.add_argument("--merge-sums", action="store_true", help="fold chains of + into one Σ node")
    draw.add_argument("--force", action="store_true", help="draw even above the size limit (2,000 nodes)")
    draw.add_argument("--timeout", type=float, default=60.0, metavar="SECONDS", help="layout time limit (default 60)")


def draw_command(args: argparse.Namespace) -> None:
    from . import viz  # the drawing module (and the graphviz package) only when drawing

    format = args.format
    if format is None and args.output:
        suffix = args.output.rpartition(".")[2].lower() if "." in args.output else ""
        if suffix not in DRAW_FORMATS:
            raise UserError(
                f"cannot tell the format from {args.output!r}: name it .svg, .png or .dot, or give --format"
            )
        format = suffix
    format = format or "svg"
    root = expression_from_args(args)
    if not args.no_backward:
        root.backward()
    try:
        drawing = viz.draw_dot(
            root,
            rankdir=args.rankdir,
            show_local_grads=args.local_grads,
            show_grads=not args.no_backward,
            merge_sums=args.merge_sums,
            force=args.force,
            timeout=args.timeout,
        )
        if args.output:
            print(drawing.save(args.output, format=format))
        elif format == "dot":
            sys.stdout.write(drawing.source)
        elif format == "svg":
            sys.stdout.write(drawing.svg())
        elif sys.stdout.isatty():
            raise UserError("PNG is binary: give -o FILE.png (or redirect standard output)")
        else:
            sys.stdout.buffer.write(drawing.png())
    except (viz.GraphTooLargeError, viz.GraphvizNotFoundError, viz.LayoutTimeoutError, RuntimeError) as error:
        raise UserError(str(error)) from None
    except OSError as error:
        raise UserError(f"cannot write {args.output}: {error.strerror or error}") from None


class _ArgumentParser(argparse.ArgumentParser):
    """argparse, with its errors on one line (the usage is one --help away)."""

    def error(self, message: str):
        self.exit(2, f"{self.prog}: error: {message} (see {self.prog} --help)\n")


# -- step: a backward pass, one chain-rule step at a time ------------------------------------------

STEP_KEYS = "Enter = next step, b = back, a number = go to that step, e = to the end, r = restart, " \
    "t = table of nodes, f = forward pass, q = quit"


def add_step_command(commands) -> None:
    step = commands.add_parser(
        "step",
        help="step through the backward pass of an expression",
        description="Step through the backward pass of an expression, one chain-rule step at a time. "
        "Interactive in a terminal (" + STEP_KEYS + "); every step at once when input or output "
        "is not a terminal, or with --all.",
    )
    add_expression_arguments(step)
    step.add_argument("--all", action="store_true", help="print every step at once instead of stepping")
    step.add_argument("--html", metavar="FILE", help="write the whole pass as an offline HTML slideshow")
    step.add_argument("--svg-dir", metavar="DIR", help="write one SVG drawing per step into DIR")


def step_command(args: argparse.Namespace, stdin=None, stdout=None) -> int:
    """Run ``micrograd-like step``; ``stdin``/``stdout`` default to the process's own."""
    stdin = stdin or sys.stdin
    stdout = stdout or sys.stdout
    from .stepper import backward_steps

    root = expression_from_args(args)
    if not variables_in(args.expression):
        raise UserError(f"{args.expression!r} has no variables, so there is nothing to differentiate: "
                        'write one as a name and give its value, e.g. "x*3" --var x=2')
    if not root.label and "L" not in {name for name, _ in args.var}:
        root.label = "L"  # the lecture's name for the output
    steps = backward_steps(root)
    wrote = False
    if args.svg_dir:
        paths = _writing(lambda: steps.save_svgs(args.svg_dir, progress=_progress), args.svg_dir)
        print(f"wrote {len(paths)} SVG files ({paths[0].name} to {paths[-1].name}) in {args.svg_dir}", file=stdout)
        wrote = True
    if args.html:
        path = _writing(lambda: steps.save_html(args.html, progress=_progress), args.html)
        print(f"wrote {path} ({len(steps)} steps): open it in a browser", file=stdout)
        wrote = True
    if args.all or not len(steps) or (not wrote and not (_is_terminal(stdin) and _is_terminal(stdout))):
        _print_all(steps, stdout)
    elif not wrote:
        return _interactive(steps, stdin, stdout)
    return 0


def _is_terminal(stream) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


PROGRESS_EVERY = 10  # without a terminal, a progress line every this many drawings (when there are over 20)


def _progress(done: int, total: int) -> None:
    """'drawing 3 of 40' on stderr, for the files that take a while (about 0.1 s a drawing): one
    line updated in place in a terminal; else, for over 20 drawings, a line every PROGRESS_EVERY."""
    if _is_terminal(sys.stderr):
        print(f"\rdrawing {done} of {total}", end="" if done < total else "\n", file=sys.stderr, flush=True)
    elif total > 2 * PROGRESS_EVERY and (done % PROGRESS_EVERY == 0 or done == total):
        print(f"drawing {done} of {total}", file=sys.stderr, flush=True)


def _writing(write, where: str):
    """Run ``write()``, turning a file or Graphviz problem into a one-line UserError."""
    try:
        return write()
    except OSError as error:
        raise UserError(f"cannot write {where}: {error.strerror or error}") from None
    except RuntimeError as error:  # Graphviz missing or failing: its message says what to do
        raise UserError(str(error).splitlines()[0]) from None


def _print_all(steps, out) -> None:
    print(steps.forward_walk(), file=out)
    print(file=out)
    print(steps.where(), file=out)  # with no steps, this line says why, and that is all
    if not len(steps):
        return
    for step in steps:
        print(step, file=out)
    print(file=out)
    _print_end(steps, out)


def _print_end(steps, out, hint: str = "") -> None:
    print(steps.where(), file=out)
    print(steps.table(), file=out)
    if hint:
        print(hint, file=out)


END_HINT = "(Enter or q to quit, b to go back)"


def _interactive(steps, stdin, out) -> int:
    """The terminal loop: read a key per line, move, print what happened."""
    print(steps.forward_walk(), file=out)
    print(file=out)
    print(steps.where(), file=out)
    print(f"keys: {STEP_KEYS}", file=out)
    while True:
        print(f"[step {steps.position}/{len(steps)}] > ", end="", file=out, flush=True)
        try:
            line = stdin.readline()
        except KeyboardInterrupt:
            print(file=out)
            return 130
        if not line:  # end of input
            print(file=out)
            return 0
        key = line.strip().lower()
        if key in ("q", "quit", "exit"):
            return 0
        if key in ("", "n", "next"):
            if steps.finished:
                return 0
            print(steps.next(), file=out)
            if steps.finished:
                _print_end(steps, out, END_HINT)
        elif key in ("b", "back"):
            print(steps.back() if steps.position else "nothing to undo: this is the start", file=out)
        elif key.isdigit():
            try:
                steps.goto(int(key))
            except IndexError as error:  # no such step: the message says which there are
                print(error, file=out)
                continue
            print(steps.current or steps.where(), file=out)
            if steps.finished:
                _print_end(steps, out, END_HINT)
        elif key in ("e", "end"):
            for step in steps:
                print(step, file=out)
            _print_end(steps, out, END_HINT)
        elif key in ("r", "restart", "reset"):
            print(steps.reset().where(), file=out)
        elif key in ("t", "table"):
            print(steps.where(), file=out)
            print(steps.table(), file=out)
        elif key in ("f", "forward"):
            print(steps.forward_walk(), file=out)
        else:
            print(f"not understood: {line.strip()!r}; keys: {STEP_KEYS}", file=out)


def build_parser() -> argparse.ArgumentParser:
    parser = _ArgumentParser(
        prog="micrograd-like",
        description="A scalar autodiff engine for teaching backpropagation.",
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    _add_demo_parser(commands)
    add_draw_command(commands)
    add_step_command(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        if args.command == "demo":
            return run_demo(args)
        elif args.command == "draw":
            draw_command(args)
        elif args.command == "step":
            return step_command(args)
    except UserError as error:
        print(f"{parser.prog} {args.command}: error: {error}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
