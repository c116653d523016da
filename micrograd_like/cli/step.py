"""``micrograd-like step EXPRESSION``: a backward pass, one chain-rule step at a time.

Interactive in a terminal; every step at once when input or output is not a terminal (or
with ``--all``); ``--html`` and ``--svg-dir`` write the pass as a slideshow or as drawings.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..pages.export import FORMATS, describe_formats
from ..pages.files import folders_made
from ..pages.slideshow import MAX_STEPS
from ..teach.misconceptions import BLANKS
from .arguments import (
    add_expression_arguments,
    add_force_argument,
    check_output_path,
    expression_from_args,
    lecture_output,
    positive_int,
    prepare_output_path,
)
from .errors import UserError, writing
from .terminal import is_terminal, progress_line

STEP_KEYS = "Enter = next step, b = back, a number = go to that step, e = to the end, r = restart, " \
    "t = table of nodes, f = forward pass, q = quit"


def add_parser(subcommands) -> argparse.ArgumentParser:
    """The ``step`` subcommand: the expression, and the files to write instead of stepping."""
    parser = subcommands.add_parser(
        "step",
        help="step through the backward pass of an expression",
        description="Step through the backward pass of an expression, one chain-rule step at a time. "
        "Interactive in a terminal (" + STEP_KEYS + "); every step at once when input or output "
        "is not a terminal, or with --all.",
        allow_abbrev=False,  # "--a" is an expression, -(-a), not short for --all
    )
    add_expression_arguments(parser)
    parser.add_argument("--all", action="store_true", help="print every step at once instead of stepping")
    parser.add_argument("--html", metavar="FILE", help="write the whole pass as an offline HTML slideshow")
    parser.add_argument("--svg-dir", metavar="DIR", help="write one SVG drawing per step into DIR")
    parser.add_argument("--whole-graph", action="store_true",
                        help="with --html or --svg-dir: draw the whole graph at every step, however small its text "
                        "(by default a graph too big to read on a projector is drawn one step's node and operands "
                        "at a time)")
    add_force_argument(parser, "with --html: replace FILE if it exists (--svg-dir replaces only the frames it wrote)")
    parser.add_argument("--max-steps", type=positive_int, default=MAX_STEPS, metavar="N",
                        help=f"with --html or --svg-dir: draw a pass of at most N steps (default {MAX_STEPS:,}; "
                        "each step is a drawing, about 20 ms and 7 kB)")
    parser.add_argument("--format", choices=FORMATS,
                        help=f"print the whole pass as a table for slides: {describe_formats()}")
    parser.add_argument("--predict", action="store_true",
                        help="predict, then see: asks each step's contribution (a number: -2, 0.5 or 1/2) before "
                        "showing the step; a wrong answer is told the misconception it comes from. Answers are read "
                        "one per line, so they can be piped in; q, Ctrl-C or the end of the input stop it")
    parser.add_argument("--ask", choices=BLANKS, metavar="BLANK",
                        help=f"with --predict: the number to predict at each step, one of {', '.join(BLANKS)} "
                        "(default: contribution)")
    parser.set_defaults(run=run)
    return parser


def run(args: argparse.Namespace, stdin=None, stdout=None) -> int:
    """Run ``micrograd-like step``; ``stdin``/``stdout`` default to the process's own."""
    stdin = stdin or sys.stdin
    stdout = stdout or sys.stdout
    from ..teach.stepper import backward_steps

    if args.whole_graph and not (args.html or args.svg_dir):
        raise UserError("--whole-graph is for the drawings of --html and --svg-dir: add one of them, or leave it out")
    if args.ask and not args.predict:
        raise UserError("--ask is for --predict: add --predict, or leave --ask out")
    if args.predict:
        clash = [flag for flag, given in (("--all", args.all), ("--html", args.html), ("--svg-dir", args.svg_dir),
                                          ("--format", args.format)) if given]
        if clash:
            raise UserError(f"--predict asks at each step, and {clash[0]} shows every step at once: use one of them")
    root = expression_from_args(args)  # refuses an expression without variables: nothing to step through
    root = lecture_output(root, args)
    steps = backward_steps(root)
    if args.predict:
        return _predict(steps, args.ask or "contribution", stdin, stdout)
    wrote = False
    if args.svg_dir or args.html:  # every path checked before anything is drawn or written
        if args.svg_dir:
            check_output_path(args.svg_dir, directory=True)
        if args.html:
            check_output_path(args.html, force=args.force)
        _announce(steps, args)
    if args.svg_dir:
        with folders_made(args.svg_dir), writing(args.svg_dir):
            prepare_output_path(args.svg_dir, directory=True)
            paths = steps.save_svgs(args.svg_dir, progress=_progress, max_steps=args.max_steps, **_view(args))
        print(f"wrote {len(paths)} SVG files ({paths[0].name} to {paths[-1].name}) in {args.svg_dir}", file=stdout)
        wrote = True
    if args.html:
        with folders_made(Path(args.html).parent), writing(args.html):
            prepare_output_path(args.html, force=args.force)
            steps.save_html(args.html, progress=_progress, replace=args.force, max_steps=args.max_steps,
                            **_view(args))
        print(f"wrote {args.html} ({len(steps)} steps): open it in a browser", file=stdout)
        wrote = True
    if args.format:
        from ..pages.export import render

        stdout.write(render(steps, args.format))
    elif args.all or not len(steps) or (not wrote and not (is_terminal(stdin) and is_terminal(stdout))):
        _print_all(steps, stdout)
    elif not wrote:
        return _interactive(steps, stdin, stdout)
    return 0


def _predict(steps, ask: str, stdin, stdout) -> int:
    """Predict, then see: each step's number asked, marked, then the step shown (as the quiz
    reads and ends: see :mod:`.quiz`)."""
    from ..teach.predict import Prediction
    from .quiz import EXIT_CODES, reader

    prediction = Prediction(steps, ask)

    def write(text: str) -> None:
        print(text, file=stdout, flush=True)

    try:
        ending = prediction.run(reader(stdin, stdout), write)
    except KeyboardInterrupt:  # Ctrl-C between two questions
        write(f"\n{prediction.summary()}")
        ending = "interrupted"
    return EXIT_CODES[ending]


def _view(args: argparse.Namespace) -> dict:
    """The drawings' options: the whole graph if asked for, else as the slideshow decides."""
    return {"around": False} if args.whole_graph else {}


def _announce(steps, args: argparse.Namespace) -> None:
    """Before drawing a long pass (over 20 drawings), say on stderr how big the files will be,
    and that Ctrl-C stops it; a pass over --max-steps is refused here, before any drawing."""
    from ..pages.slideshow import estimate

    frames, size = estimate(steps, max_steps=args.max_steps, **_view(args))
    if frames > 2 * PROGRESS_EVERY:
        files = " and ".join(what for what, given in (("--svg-dir", args.svg_dir), ("--html", args.html)) if given)
        print(f"drawing {frames:,} pictures for {files}, about {_megabytes(size)} each: "
              "Ctrl-C stops it, leaving no file half-written", file=sys.stderr, flush=True)


def _megabytes(size: int) -> str:
    return f"{size / 1e6:.1f} MB" if size >= 100_000 else f"{max(1, round(size / 1e3))} kB"


PROGRESS_EVERY = 10  # without a terminal, a progress line every this many drawings (when there are over 20)


def _progress(done: int, total: int) -> None:
    """'drawing 3 of 40' on stderr, for the files that take a while (about 0.1 s a drawing): one
    line updated in place in a terminal; else, for over 20 drawings, a line every PROGRESS_EVERY."""
    progress_line("drawing", done, total, every=PROGRESS_EVERY if total > 2 * PROGRESS_EVERY else 0)


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
        line = stdin.readline()  # Ctrl-C here is answered as everywhere: "interrupted", status 130 (cli.main)
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
        names = list(dict.fromkeys(step.parent_name for step in skipped))
        more = f" and {len(names) - SKIPPED_NAMES} more" if len(names) > SKIPPED_NAMES else ""
        return f"({numbers} applied on the way, passing gradients to {', '.join(names[:SKIPPED_NAMES])}{more})"
    if here < before:
        return f"(step {before} undone)" if before == here + 1 else f"(steps {here + 1} to {before} undone)"
    return ""
