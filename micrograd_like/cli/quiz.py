"""``micrograd-like quiz``: the quiz on an expression's backward pass, in a terminal.

Each answer is read from standard input, one per line, so a session can be scripted
(``printf '%s\\n' -2 4 ... | micrograd-like quiz ...``).  The last line is always
``score: K/N``.  ``q``, Ctrl-C or the end of the input stop the quiz with the score so far.
"""

from __future__ import annotations

import argparse
import random
import sys
from collections import deque
from collections.abc import Callable

from ..teach.expression import ExpressionError, parse, variables_in
from ..teach.quiz import QUESTIONS, Quiz, check_ask, run
from ..teach.stepper import backward_steps
from .arguments import add_expression_arguments, expression_from_args, lecture_output
from .errors import UserError
from .terminal import is_terminal

__all__ = ["add_parser", "run_quiz", "draw_values", "reader", "RANDOM_VALUES", "EXIT_CODES"]

RANDOM_VALUES = tuple(k / 2 for k in range(-6, 7) if k)  # -3.0, -2.5, ..., 3.0, not 0: worked by hand
BOM = "\ufeff"  # a byte order mark, as Notepad begins a file with
DRAWS = 200  # tries at values the expression can be computed (and differentiated) with

EXIT_CODES = {"finished": 0, "quit": 0, "end of input": 1, "interrupted": 130}


def _questions(text: str) -> tuple[str, ...]:
    """argparse ``type=`` for ``--ask local,grad``."""
    try:
        return check_ask(name.strip() for name in text.split(","))
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def add_parser(subcommands) -> argparse.ArgumentParser:
    """Add ``quiz`` to the ``micrograd-like`` subcommands."""
    parser = subcommands.add_parser(
        "quiz",
        help="a quiz on each chain-rule step of an expression's backward pass",
        description="Asks, at each step of the backward pass, for the local derivative, the contribution "
        "(upstream × local) and the parent's new gradient. An answer is a number: -2, 0.5 or 1/2 "
        "(right within 0.1%, or 1e-6 of zero). A first wrong answer gets a hint, a second one the answer; a wrong "
        "answer that a usual misconception gives is told which. "
        "Answers are read one per line from standard input, so a session can be piped in. "
        "Example: micrograd-like quiz \"(a*b + c) * f\" --var a=2 --var b=-3 --var c=10 --var f=-2",
        epilog="It ends with the line 'score: K/N'. q, Ctrl-C or the end of the input stop it with the score so "
        "far. Exit status: 0 when finished or quit with q, 1 when the input ends first, 130 on Ctrl-C, "
        "2 for a mistake on the command line.",
        allow_abbrev=False,  # "--a" is an expression, -(-a), not short for --ask
    )
    add_expression_arguments(parser)
    parser.add_argument("--ask", type=_questions, default=QUESTIONS, metavar="LIST",
                        help=f"what to ask at each step, comma-separated (default: {','.join(QUESTIONS)})")
    parser.add_argument("--random-values", action="store_true",
                        help="draw the values of the variables not given with --var: -3 to 3 in halves, not 0")
    parser.add_argument("--seed", type=int, help="with --random-values: the same seed draws the same values")
    parser.set_defaults(run=run_quiz)
    return parser


def draw_values(expression: str, given: dict[str, float], rng: random.Random) -> dict[str, float]:
    """Values for the variables of ``expression`` that ``given`` lacks, from RANDOM_VALUES,
    drawn again until the expression and its backward pass can be computed with them (no log
    of a negative number, no division by zero)."""
    missing = [name for name in variables_in(expression) if name not in given]
    for _ in range(DRAWS):
        drawn = {name: rng.choice(RANDOM_VALUES) for name in missing}
        try:
            parse(expression, {**given, **drawn}).backward()
        except (ExpressionError, ArithmeticError, ValueError):
            continue
        return drawn
    raise UserError(f"no values from -3 to 3 (in halves) let {expression!r} be computed, in {DRAWS} draws: "
                    "give them with --var")


def run_quiz(args: argparse.Namespace, stdin=None, stdout=None) -> int:
    """Run ``micrograd-like quiz``; ``stdin``/``stdout`` default to the process's own."""
    stdin = stdin or sys.stdin
    stdout = stdout or sys.stdout
    if args.seed is not None and not args.random_values:
        raise UserError("--seed is for --random-values: add --random-values (or leave --seed out)")
    if args.random_values:
        _add_random_values(args, stdout)
    root = lecture_output(expression_from_args(args), args)
    quiz = Quiz(backward_steps(root), args.ask)

    def write(text: str) -> None:
        print(text, file=stdout, flush=True)

    try:
        ending = run(quiz, reader(stdin, stdout), write)
    except KeyboardInterrupt:  # Ctrl-C between two questions
        write(f"\n{quiz.summary()}")
        ending = "interrupted"
    return EXIT_CODES[ending]


def _add_random_values(args: argparse.Namespace, stdout) -> None:
    """Draw the values --var did not give, say which (and the seed, to draw them again)."""
    try:
        variables_in(args.expression or "")
        given = dict(args.var)
    except ExpressionError:
        return  # expression_from_args says what is wrong with the expression
    seed = args.seed if args.seed is not None else random.SystemRandom().randrange(10**6)
    drawn = draw_values(args.expression, given, random.Random(seed))
    if not drawn:
        print("micrograd-like quiz: note: every variable has its value from --var: nothing to draw",
              file=sys.stderr)
        return
    args.var = [*args.var, *drawn.items()]
    values = ", ".join(f"{name} = {value:g}" for name, value in drawn.items())
    print(f"values: {values} (drawn with --seed {seed})", file=stdout)


def reader(stdin, stdout) -> Callable[[str], str]:
    """``read(prompt)`` for the quiz: ``input()`` in a terminal; otherwise a line of ``stdin``,
    echoed after the prompt so that the output reads as the session did.

    A file of answers is read as whatever wrote it wrote it: any line end (``\\n``, ``\\r\\n``,
    a lone ``\\r``), and a byte order mark at the start of a line (Notepad writes one) is not
    part of the answer, so the answers stay in step with the questions."""
    if stdin is sys.stdin and is_terminal(stdin) and is_terminal(stdout):
        return input
    lines: deque[str] = deque()  # read but not yet answered: a lone \r does not end a readline()

    def read(prompt: str) -> str:
        print(prompt, end="", file=stdout, flush=True)
        if not lines:
            text = stdin.readline()
            if not text:
                raise EOFError
            lines.extend(text.splitlines() or [""])
        line = lines.popleft().lstrip(BOM)
        print(line.strip(), file=stdout)  # the answer, without the padding around it
        return line

    return read
