"""``micrograd-like worksheet``: a worksheet per student, and the answer key, for a whole class."""

from __future__ import annotations

import argparse
from functools import partial

from ..pages.worksheets import PAPERS, write_worksheets
from ..teach.words import plural
from ..teach.worksheet import TEMPLATES, WorksheetError, make_sheets
from .arguments import add_force_argument, folder_name, positive_int
from .errors import UserError
from .terminal import class_progress

__all__ = ["add_parser", "run"]

MAX_STUDENTS = 1000  # sheets one command writes at most


def _seed(text: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a whole number, got {text!r}") from None


def add_parser(subcommands) -> argparse.ArgumentParser:
    """Add ``worksheet`` to the command's subcommands."""
    parser = subcommands.add_parser(
        "worksheet",
        help="write worksheets for a class: every student their own values, and the answer key",
        description="Write a worksheet per student (their own values of the variables; the graph, the forward "
        "table and the backward table to fill in) and the answer key, into DIR: worksheets.html and "
        "answers.html (each student on a new printed page, a long sheet on two; A4 or Letter), worksheets.md "
        "and answers.md, "
        "graphs/, answers.json for graders, answers-template.csv (a row per student, a column per blank: fill it in "
        "for micrograd-like grade), and with --pdf worksheets.pdf and answers.pdf. DIR is created "
        "if missing. Files it did not write are never overwritten: if DIR holds other files with these "
        "names, it refuses, unless --force.",
        allow_abbrev=False,
    )
    parser.usage = "%(prog)s (EXPRESSION | --template NAME) --students N [--seed S] -o DIR [options]"
    # default "": no expression is fine here (--template instead); one starting with '-' goes in brackets
    parser.add_argument("expression", nargs="?", default="", metavar="EXPRESSION",
                        help='e.g. "(a*b + c)*f": numbers, variables, + - * / **, relu, abs (other functions '
                        "with --calculator)")
    parser.add_argument("--template", choices=TEMPLATES,
                        help="instead of an expression, one from the course note: lecture ((a*b + c)*f), neuron "
                        "(two inputs; relu, or tanh with --calculator), two-layer (δ of each layer, ∂L/∂W, ∂L/∂b)")
    parser.add_argument("--students", type=partial(positive_int, maximum=MAX_STUDENTS), required=True, metavar="N",
                        help=f"how many sheets (at most {MAX_STUDENTS})")
    parser.add_argument("--seed", type=_seed, default=0, metavar="S",
                        help="random seed: the same seed gives the same values (default 0)")
    parser.add_argument("-o", "--output", required=True, type=folder_name,
                        metavar="DIR", help="the directory to write into")
    parser.add_argument("--calculator", action="store_true",
                        help="allow functions beyond + - * / **, relu and abs (tanh, exp, ...): numbers need a "
                        "calculator then")
    parser.add_argument("--pdf", action="store_true", help="also print worksheets.pdf and answers.pdf "
                        "(headless Chromium)")
    parser.add_argument("--paper", choices=list(PAPERS), default="a4", help="page size to print on (default a4)")
    add_force_argument(parser, "overwrite files in DIR that it did not write")
    parser.set_defaults(run=run)
    return parser



def run(args: argparse.Namespace) -> int:
    """Make the sheets and write them; every mistake is a one-line UserError."""
    if bool(args.expression) == bool(args.template):
        raise UserError("give an EXPRESSION or --template NAME (one of them)")
    try:
        sheets = make_sheets(args.expression or None, template=args.template, students=args.students, seed=args.seed,
                             calculator=args.calculator, progress=partial(class_progress, "working out values"))
        paths = write_worksheets(sheets, args.output, pdf=args.pdf, force=args.force, paper=args.paper,
                                 progress=partial(class_progress, "drawing the sheets"), notify=print)
    except WorksheetError as error:
        raise UserError(str(error)) from None
    except OSError as error:
        raise UserError(f"cannot write {args.output}: {error.strerror or error}") from None
    except RuntimeError as error:  # Graphviz missing or failing: its first line says what to do
        raise UserError(str(error).splitlines()[0]) from None
    print(f"wrote {plural(len(sheets), 'worksheet')} and the answer key ({len(paths)} files) in {args.output}")
    return 0
