"""The ``micrograd-like`` command (also ``python -m micrograd_like``).

Thin over the package: each subcommand parses its arguments and calls the library.
Errors a user can make (a bad option, a bad expression, a graph too big to draw) end in
one line on stderr and a non-zero exit status, never a traceback.  Every option that
writes a file creates the missing directories on the way to it
(:func:`prepare_output_path`).
"""

from __future__ import annotations

import argparse
import inspect
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from . import demos, viz
from .engine import Value
from .expression import ExpressionError, parse, parse_assignment, parse_assignments, variables_in
from .viz import MAX_TIMEOUT, GraphTooLargeError, GraphvizNotFoundError, LayoutTimeoutError

__path__ = [str(Path(__file__).with_suffix(""))]  # until cli/ is a package: its subcommand modules load

__all__ = ["main", "add_expression_arguments", "expression_from_args", "prepare_output_path", "UserError"]


class UserError(Exception):
    """A mistake on the command line: main() prints it as one line and exits with status 2."""


# -- demo: the classroom demos (micrograd_like.demos) ---------------------------------------------

DEMO_OPTIONS = ("steps", "lr", "seed", "out")


def _demo_list() -> str:
    return "demos:\n" + "\n".join(f"  {name:<10} {module.SUMMARY}" for name, module in demos.DEMOS.items())


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
        description="Run a classroom demo. Each prints as it goes and writes its pictures into --out.\n"
        "Every demo takes every option; one it has no use for is ignored, with a note.",
        epilog=_demo_list() + f"\n\nPictures need matplotlib: {demos.PLOT_HINT}.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    demo.add_argument("name", choices=list(demos.DEMOS), metavar="NAME", help="which demo (listed below)")
    demo.add_argument("--steps", type=_positive_int, help="training steps (default: the demo's own)")
    demo.add_argument("--lr", type=_positive_float, help="learning rate (default: the demo's own)")
    demo.add_argument("--seed", type=int, help="random seed for data and weights (default: the demo's own)")
    demo.add_argument("--out", metavar="DIR", help="directory for the pictures (default: demo-output)")


def run_demo(args: argparse.Namespace) -> int:
    """Run the named demo with the options given; one the demo has no use for is noted and ignored."""
    run = demos.DEMOS[args.name].run
    given = {option: getattr(args, option) for option in DEMO_OPTIONS if getattr(args, option) is not None}
    for option in [option for option in given if option not in inspect.signature(run).parameters]:
        print(f"micrograd-like demo: note: the {args.name} demo has no use for --{option}; ignored", file=sys.stderr)
        del given[option]
    try:
        run(**given)
    except KeyboardInterrupt:
        print("\ninterrupted", file=sys.stderr)
        return 130
    except demos.Diverged as error:  # no pictures were written: they would only mislead
        print(f"micrograd-like demo: {error}", file=sys.stderr)
        return 1
    except OSError as error:  # e.g. --out names a file, or a directory we may not write to
        print(f"micrograd-like demo: cannot write the pictures: {error}", file=sys.stderr)
        return 1
    return 0


# -- shared by the subcommands that take an expression (draw, step), and by every file written ----


def _assignment(text: str) -> tuple[str, float]:
    """argparse ``type=`` for ``--var NAME=VALUE``: a bad one is argparse's one-line error."""
    try:
        return parse_assignment(text)
    except ExpressionError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


EXPRESSION_HELP = (
    'e.g. "tanh(a*b + c)": numbers, variables, + - * / **, parentheses, '
    "exp log tanh sigmoid relu sqrt sin cos abs. It may start with a minus sign (\"-a*b\"); "
    "if it reads like an option (-o..., -h...), write it in brackets, \"(-o)\", or last, after --"
)


def add_expression_arguments(parser: argparse.ArgumentParser) -> None:
    """Add the positional EXPRESSION and the repeatable ``--var NAME=VALUE`` to a subcommand.

    EXPRESSION is optional to argparse only so that one starting with '-' can be found among
    the arguments it did not know (see ``_ArgumentParser.parse_args``); it is still required.
    """
    parser.usage = "%(prog)s EXPRESSION [--var NAME=VALUE ...] [options]"
    parser.add_argument("expression", nargs="?", metavar="EXPRESSION", help=EXPRESSION_HELP)
    parser.add_argument(
        "--var",
        action="append",
        default=[],
        type=_assignment,
        metavar="NAME=VALUE",
        help="the value of a variable (repeat for each one): --var a=2 --var b=-3",
    )


def expression_from_args(args: argparse.Namespace, needs_gradients: bool = True) -> Value:
    """The graph of ``args.expression`` with the ``--var`` values; a mistake is a UserError.

    With ``needs_gradients`` (a command that runs backward()), an expression without
    variables, a constant, is a mistake too: it has no gradients to find.
    """
    try:
        values = parse_assignments(args.var)
    except ExpressionError as error:
        raise UserError(f"--var: {error}") from None
    try:
        root = parse(args.expression, values)
    except ExpressionError as error:
        if error.missing:
            example = " ".join(f"--var {name}=VALUE" for name in error.missing)
            quoted = _quoted(args.expression, error.column)
            raise UserError(f"no value for {', '.join(error.missing)} in {quoted}: add {example}") from None
        raise UserError(f"in {_quoted(args.expression, error.column)}: {error}") from None
    needed = variables_in(args.expression)
    unused = [name for name in values if name not in needed]
    if unused:
        print(f"warning: --var {', '.join(unused)} not used by {_quoted(args.expression)}", file=sys.stderr)
    if needs_gradients and not root.requires_grad:
        instead = " (or draw its value alone with --no-backward)" if hasattr(args, "no_backward") else ""
        raise UserError(
            f"{_quoted(args.expression)} has no variables: it is the constant {root.data:g}, "
            f"with no gradients to find; write it with a variable and give its value with --var{instead}"
        )
    return root


QUOTE_LIMIT = 60  # an expression longer than this is quoted in messages by an excerpt


def _quoted(text: str, column: int | None = None) -> str:
    """The expression quoted for a one-line message: whole when short; else the QUOTE_LIMIT
    characters around ``column`` (the place the message is about), … marking what is left
    out, and which columns these are, so that "at column 5003" can still be found."""
    if len(text) <= QUOTE_LIMIT:
        return repr(text)
    start = 0 if column is None else max(0, min(column - 1 - QUOTE_LIMIT // 2, len(text) - QUOTE_LIMIT))
    end = start + QUOTE_LIMIT
    excerpt = ("…" if start else "") + text[start:end] + ("…" if end < len(text) else "")
    return f"{excerpt!r} (columns {start + 1}-{end} of {len(text):,})"


def prepare_output_path(path: str | Path, directory: bool = False) -> Path:
    """Make ready to write ``path``, a file (or, with ``directory``, a folder for files).

    The rule for every option that writes: directories missing on the way are created,
    as most tools that write output do.  A path that cannot be written (a file in the
    way, no permission) is a UserError naming it.
    """
    path = Path(path).expanduser()
    if not directory and path.is_dir():
        raise UserError(f"cannot write {path}: it is a directory")
    folder = path if directory else path.parent
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        in_the_way = next((p for p in (folder, *folder.parents) if p.exists()), folder)
        if not in_the_way.is_dir():
            raise UserError(f"cannot write {path}: {in_the_way} is a file, not a directory") from None
        raise UserError(f"cannot create the directory {folder}: {error.strerror or error}") from None
    return path


def _seconds(text: str) -> float:
    """argparse ``type=`` for a time limit: a number of seconds above 0, at most a day."""
    try:
        seconds = float(text)
    except ValueError:
        seconds = float("nan")
    if not 0 < seconds <= MAX_TIMEOUT:  # also false for nan
        raise argparse.ArgumentTypeError(f"must be a number of seconds above 0, at most {MAX_TIMEOUT:g}; got {text!r}")
    return seconds


def _drawing_error(error: Exception, args: argparse.Namespace) -> str:
    """A drawing error as one line, with advice in the command's own options (not Python's)."""
    if isinstance(error, GraphTooLargeError):
        advice = [
            ("merge_sums", "--merge-sums folds sum chains into one Σ node"),
            ("force", "--force draws it anyway"),
            ("all", "--all steps through it in words"),
        ]
    elif isinstance(error, LayoutTimeoutError):
        advice = [("merge_sums", "--merge-sums draws fewer nodes"), ("timeout", "--timeout SECONDS gives it longer")]
    elif isinstance(error, GraphvizNotFoundError):
        advice = [
            ("format", "--format dot writes the DOT source without it"),
            ("html", "without --html and --svg-dir the steps are printed in words, which need no Graphviz"),
        ]
    else:
        return str(error)
    options = [words for option, words in advice if hasattr(args, option)] or ["try a smaller expression"]
    return f"{error.summary}: {'; '.join(options)}"


# -- draw: an expression's graph as SVG, PNG or DOT ------------------------------------------------

DRAW_FORMATS = ("svg", "png", "dot")


def add_draw_command(commands) -> None:
    draw = commands.add_parser(
        "draw",
        help="draw an expression's computation graph (SVG, PNG or DOT)",
        description="Draw the computation graph of an expression, with each node's value and, after "
        'backward(), its gradient. Example: micrograd-like draw "tanh(a*b + c)" --var a=2 --var b=-3 '
        "--var c=7 -o graph.svg (directories missing on the way to FILE are created)",
        allow_abbrev=False,  # "--a" is an expression, -(-a), not short for an option
    )
    add_expression_arguments(draw)
    draw.add_argument("-o", "--output", metavar="FILE", help="where to write it (default: standard output)")
    draw.add_argument("--format", choices=DRAW_FORMATS, help="svg, png or dot (default: from FILE's suffix, else svg)")
    draw.add_argument("--rankdir", choices=("LR", "TB"), default="LR", help="left to right (default) or top to bottom")
    draw.add_argument("--local-grads", action="store_true", help="write each edge's local derivative on it")
    draw.add_argument("--no-backward", action="store_true", help="draw values only: do not run backward()")
    draw.add_argument("--merge-sums", action="store_true", help="fold chains of + into one Σ node")
    draw.add_argument("--force", action="store_true", help="draw even above the size limit (2,000 nodes)")
    draw.add_argument(
        "--timeout", type=_seconds, default=60.0, metavar="SECONDS", help="layout time limit (default 60)"
    )


def draw_command(args: argparse.Namespace) -> None:
    format = args.format
    if args.output:
        suffix = Path(args.output).suffix.lstrip(".").lower()
        if format is None and suffix not in DRAW_FORMATS:
            raise UserError(
                f"cannot tell the format from {args.output!r}: name it .svg, .png or .dot, or give --format"
            )
        if format is not None and suffix in DRAW_FORMATS and suffix != format:
            raise UserError(f"-o {args.output} is named .{suffix} but --format is {format}: make them agree")
        format = format or suffix
    format = format or "svg"
    root = expression_from_args(args, needs_gradients=not args.no_backward)
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
            drawing.save(prepare_output_path(args.output), format=format)
            print(args.output)  # as the user gave it, as every command prints the paths it wrote
        elif format == "dot":
            sys.stdout.write(drawing.source)
        elif format == "svg":
            sys.stdout.write(drawing.svg())
        elif sys.stdout.isatty():
            raise UserError("PNG is binary: give -o FILE.png (or redirect standard output)")
        else:
            sys.stdout.buffer.write(drawing.png())
    except (GraphTooLargeError, GraphvizNotFoundError, LayoutTimeoutError):
        raise  # main() words these for every command
    except RuntimeError as error:  # Graphviz failed: its first line says why
        raise UserError(str(error)) from None
    except BrokenPipeError:
        raise  # the reader of standard output left: main() stops quietly
    except OSError as error:
        raise UserError(f"cannot write {args.output}: {error.strerror or error}") from None


class _ArgumentParser(argparse.ArgumentParser):
    """argparse, with its errors on one line (the usage is one --help away), each pointing at
    the help of the subcommand it is about, and an expression allowed to start with '-'."""

    commands: dict[str, argparse.ArgumentParser] = {}  # the subcommands' parsers, by name

    def error(self, message: str):
        self.exit(2, f"{self.prog}: error: {message} (see {self.prog} --help)\n")

    def parse_args(self, args=None, namespace=None):
        parsed, unknown = self.parse_known_args(args, namespace)
        command = self.commands.get(getattr(parsed, "command", None), self)
        if getattr(parsed, "expression", "") is None:
            # argparse takes "-a*b" for an unknown option: the first such argument is the expression.
            first = next((arg for arg in unknown if _reads_as_expression(arg, parsed)), None)
            if first is None:
                dashed = next((arg for arg in unknown if arg.startswith("-")), "-a")
                command.error(
                    "the following arguments are required: EXPRESSION (one that starts with '-' can read as "
                    f'an option: write it in brackets, "({dashed})", or last, after --)'
                )
            parsed.expression = first
            unknown.remove(first)
        if unknown:
            command.error(f"unrecognized arguments: {' '.join(unknown)}")
        return parsed


def _reads_as_expression(arg: str, parsed: argparse.Namespace) -> bool:
    """Whether an argument argparse did not know is the expression: any "-a*b", and "--a" (that
    is, -(-a)) when it parses and uses only variables given with --var, not an unknown option."""
    if not arg.startswith("-"):
        return False
    if not arg.startswith("--"):
        return True
    try:
        needed = variables_in(arg)
    except ExpressionError:
        return False
    given = {name for name, _ in getattr(parsed, "var", [])}
    return all(name in given for name in needed)


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
        allow_abbrev=False,  # "--a" is an expression, -(-a), not short for --all
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

    root = expression_from_args(args)  # refuses an expression without variables: nothing to step through
    if not root.label and "L" not in {name for name, _ in args.var}:
        root.label = "L"  # the lecture's name for the output
    steps = backward_steps(root)
    wrote = False
    if args.svg_dir:
        prepare_output_path(args.svg_dir, directory=True)
        paths = _writing(lambda: steps.save_svgs(args.svg_dir, progress=_progress), args.svg_dir)
        print(f"wrote {len(paths)} SVG files ({paths[0].name} to {paths[-1].name}) in {args.svg_dir}", file=stdout)
        wrote = True
    if args.html:
        prepare_output_path(args.html)
        _writing(lambda: steps.save_html(args.html, progress=_progress), args.html)
        print(f"wrote {args.html} ({len(steps)} steps): open it in a browser", file=stdout)
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
    except (GraphTooLargeError, GraphvizNotFoundError, LayoutTimeoutError):
        raise  # main() words these for every command
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
        elif key.isdecimal():
            before = steps.position
            try:
                steps.goto(int(key))
            except IndexError as error:  # no such step: the message says which there are
                print(error, file=out)
                continue
            skipped = _skipped(steps, before)
            if skipped:
                print(skipped, file=out)
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


SKIPPED_NAMES = 6  # a jump over more steps names this many of the nodes they passed gradients to


def _skipped(steps, before: int) -> str:
    """One line on the steps a jump from ``before`` applied or undid without printing them
    ('' when it skipped none): the step shown after a jump is the one it lands on."""
    here = steps.position
    if here > before + 1:
        skipped = steps.steps[before:here - 1]
        numbers = f"step {before + 1}" if len(skipped) == 1 else f"steps {before + 1} to {here - 1}"
        names = list(dict.fromkeys(steps.names[step.parent] for step in skipped))
        more = f" and {len(names) - SKIPPED_NAMES} more" if len(names) > SKIPPED_NAMES else ""
        return f"({numbers} applied on the way, passing gradients to {', '.join(names[:SKIPPED_NAMES])}{more})"
    if here < before:
        return f"(step {before} undone)" if before == here + 1 else f"(steps {here + 1} to {before} undone)"
    return ""


def build_parser() -> argparse.ArgumentParser:
    parser = _ArgumentParser(
        prog="micrograd-like",
        description="A scalar autodiff engine for teaching backpropagation.",
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    _add_demo_parser(commands)
    add_draw_command(commands)
    add_step_command(commands)
    __import__("micrograd_like.cli.compile").cli.compile.add_parser(commands)
    parser.commands = commands.choices
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    status = 0
    try:
        if args.command == "demo":
            status = run_demo(args)
        elif args.command == "draw":
            draw_command(args)
        elif args.command == "step":
            status = step_command(args)
        else:
            status = args.run(args)
        sys.stdout.flush()  # so that a closed pipe shows here, not as Python exits
    except UserError as error:
        print(f"{parser.prog} {args.command}: error: {error}", file=sys.stderr)
        return 2
    except (GraphTooLargeError, LayoutTimeoutError, GraphvizNotFoundError) as error:
        print(f"{parser.prog} {args.command}: error: {_drawing_error(error, args)}", file=sys.stderr)
        return 2
    except BrokenPipeError:
        # The reader left (as in "| head"): stop quietly.  Python's docs' recipe: point stdout at
        # devnull, or Python reports the broken pipe again when it flushes stdout at exit.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1
    return status


if __name__ == "__main__":
    sys.exit(main())
