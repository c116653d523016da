"""``micrograd-like grade KEY_DIR ANSWERS.csv -o OUT``: a class's worksheets marked, and the report.

KEY_DIR is the folder ``micrograd-like worksheet`` wrote (its ``answers.json``); ANSWERS.csv is
its ``answers-template.csv`` with each student's numbers typed in.  OUT gets ``gradebook.csv``
(a row per student: the score and each blank's verdict) and ``report.html`` (the class's
results for a projector).  A bad answers file is one line naming every line at fault, exit
status 2, and nothing written.
"""

from __future__ import annotations

import argparse
from functools import partial
from pathlib import Path

from ..pages.gradebook import GRADEBOOK, REPORT, GradingError, read_answers, read_key, write_gradebook
from ..teach.grading import grade, misconception_counts
from ..teach.words import plural
from ..teach.worksheet import WorksheetError
from .arguments import add_force_argument, folder_name
from .errors import UserError
from .terminal import class_progress

__all__ = ["add_parser", "run"]


def add_parser(subcommands) -> argparse.ArgumentParser:
    """Add ``grade`` to the command's subcommands."""
    parser = subcommands.add_parser(
        "grade",
        help="mark a class's worksheets from a CSV of their answers: a gradebook and a report",
        description="Mark every student's worksheet: KEY_DIR is the folder micrograd-like worksheet wrote, "
        "ANSWERS.csv its answers-template.csv with the students' numbers filled in (a row per student, a column "
        "per blank; an empty cell is a blank left empty). A blank is right if it is the key's number, or what "
        "the student's own earlier numbers give (credit carried forward); each wrong one is named with the "
        f"misconception it shows, if any. Writes {GRADEBOOK} and {REPORT} into OUT (created if missing). "
        "Files it did not write are never overwritten: if OUT holds other files with these names, it refuses, "
        "unless --force.",
        epilog="Exit status: 0 when graded, 2 when the key or the answers cannot be graded (every line at fault "
        "is named, and nothing is written).",
        allow_abbrev=False,
    )
    parser.add_argument("key", metavar="KEY_DIR", help="the folder micrograd-like worksheet wrote")
    parser.add_argument("answers", metavar="ANSWERS.csv", help="the students' answers, as in answers-template.csv")
    parser.add_argument("-o", "--output", required=True, type=folder_name,
                        metavar="OUT", help="the folder to write into")
    add_force_argument(parser, f"overwrite {GRADEBOOK} and {REPORT} in OUT if it did not write them")
    parser.set_defaults(run=run)
    return parser


def run(args: argparse.Namespace) -> int:
    """Read the key and the answers, mark every sheet, write the files; every mistake is a one-line UserError."""
    outputs = {(Path(args.output) / name).resolve() for name in (GRADEBOOK, REPORT)}
    if Path(args.answers).resolve() in outputs:  # --force or not: the students' answers are not ours to replace
        raise UserError(f"{args.answers} is where the gradebook goes: write it elsewhere (-o) or move the answers")
    try:
        sheets = read_key(args.key, progress=partial(class_progress, "reading the key"))
        answers = read_answers(args.answers, sheets)
        graded = []
        for done, sheet in enumerate(sheets, start=1):
            graded.append(grade(sheet, answers[sheet.student]))
            class_progress("marking", done, len(sheets))
        write_gradebook(graded, sheets, args.output, force=args.force)
    except (GradingError, WorksheetError) as error:
        raise UserError(str(error)) from None
    except OSError as error:
        raise UserError(f"cannot write {args.output}: {error.strerror or error}") from None
    mean = sum(student.score for student in graded) / len(graded)
    found = misconception_counts(graded)
    common = f"; most common misconception: {found[0][0]} ({plural(found[0][1], 'student')})" if found else ""
    print(f"graded {plural(len(graded), 'student')}: mean score {mean:.1f} of {graded[0].out_of}{common}")
    print(f"wrote {GRADEBOOK} and {REPORT} in {args.output}")
    return 0
