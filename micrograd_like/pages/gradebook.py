"""A class's results as files: the key and the answers read, the gradebook and the report written.

``micrograd-like worksheet`` leaves, in its folder, ``answers.json`` (each student's values,
every blank's number, what the sheets were made from) and ``answers-template.csv`` (a row per
student, a column per blank).  The teacher types each student's numbers into the template;
then::

    sheets = read_key("class")                    # each student's sheet, made again
    answers = read_answers("filled-in.csv", sheets)  # numbers by student and blank
    graded = [grade(sheet, answers[sheet.student]) for sheet in sheets]
    write_gradebook(graded, sheets, "results")    # gradebook.csv and report.html

The marking itself is :mod:`micrograd_like.teach.grading`; here are only the files.

Reading is strict, since a wrong number in a gradebook is worse than none: every problem of
the answers file is reported with its line (a student missing, unknown or twice, a cell that
is not a number, a column missing, unknown or twice, a row of the wrong length, an empty
file), all of them in one :class:`GradingError`.  Excel's ways are accepted: a UTF-8 byte
order mark, CR LF line ends, a column order of its own, spaces around a cell, fractions
(``3/8``) and the minus sign ``−``.  An empty cell is a blank the student left: marked, not
an error.

Writing keeps the promise of :mod:`.files`: the output folder is created if missing, a file
there that ``micrograd-like grade`` did not write (or wrote, and someone changed since) is
refused unless ``force``, nothing goes through a symbolic link, and nothing at all is written
when the input is bad.
"""

from __future__ import annotations

import csv
import difflib
import io
import json
import math
import statistics
from collections.abc import Callable
from fractions import Fraction
from pathlib import Path

import jinja2

from ..teach import misconceptions
from ..teach.grading import BLANK, CARRIED, RIGHT, WRONG, Graded, misconception_counts, summarise
from ..teach.worksheet import Sheet, WorksheetError, remake_sheet
from .files import folders_made, write_over
from .worksheets import TEMPLATE, check_directory, digest, manifest_text

__all__ = ["read_key", "read_answers", "write_gradebook", "gradebook_csv", "report_html", "bar_chart",
           "GradingError", "KEY", "GRADEBOOK", "REPORT", "MANIFEST"]

KEY = "answers.json"
GRADEBOOK = "gradebook.csv"
REPORT = "report.html"
MANIFEST = ".micrograd-like-grade"  # what grade wrote, as the worksheets' manifest (name, tab, SHA-256)
SHOWN_PROBLEMS = 8  # problems of an answers file named in the error, at most (then "and N more")
CHART_BARS = 12  # bars a chart of the report shows at most (the tables hold every row)
CHART_LABEL = 26  # characters of a bar's label shown at most (the tables hold the whole name)
MINUS = "\u2212"  # the minus sign, as a word processor writes it


class GradingError(ValueError):
    """The key or the answers cannot be graded (the message says why, in one line, and where)."""


# -- the key --------------------------------------------------------------------------------------------


def read_key(directory: str | Path, progress: Callable[[int, int], None] | None = None) -> list[Sheet]:
    """Each student's sheet, made again from ``directory``'s ``answers.json`` (what
    ``micrograd-like worksheet`` wrote), and checked against it: the blanks made again must be
    the key's, name for name and number for number.  ``progress(done, total)`` as each is made."""
    path = Path(directory) / KEY
    if not Path(directory).is_dir():
        raise GradingError(f"{directory} is not a folder: give the folder micrograd-like worksheet wrote")
    if not path.is_file():
        raise GradingError(f"{directory} has no {KEY}: give the folder micrograd-like worksheet wrote")
    try:
        key = json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise GradingError(f"{path} is not the JSON micrograd-like worksheet writes: {error}") from None
    except OSError as error:
        raise GradingError(f"cannot read {path}: {error.strerror or error}") from None
    if not isinstance(key, list) or not key or not all(isinstance(entry, dict) for entry in key):
        raise GradingError(f"{path} must hold a list of one object per student, as micrograd-like worksheet writes")
    sheets: list = []
    made_from = None  # how student 1's sheet was made: every other must be made the same way
    for done, entry in enumerate(key, start=1):
        if not {"student", "values", "blanks", "made_from"} <= set(entry):
            raise GradingError(f"{path} was written by an older micrograd-like worksheet, without the blanks "
                               "grading needs: write the worksheets again (the same --seed gives the same values)")
        student = entry["student"]
        try:
            sheet = remake_sheet(entry["made_from"], entry["values"], student)
        except WorksheetError as error:
            raise GradingError(f"{path}, student {student}: {error}") from None
        if sheet.blanks() != entry["blanks"]:
            raise GradingError(f"{path}, student {student}: the blanks do not match the sheet made from the values "
                               "(was the file edited?): write the worksheets again")
        if sheets and (entry["made_from"] != made_from or list(sheet.blanks()) != list(sheets[0].blanks())):
            raise GradingError(f"{path}, student {student}: made from another worksheet than student 1's "
                               f"({entry['made_from']} against {made_from}): a key holds one worksheet's class")
        made_from = entry["made_from"]
        sheets.append(sheet)
        if progress is not None:
            progress(done, len(key))
    numbers = [sheet.student for sheet in sheets]
    if numbers != list(range(1, len(sheets) + 1)):
        raise GradingError(f"{path} must number its students 1 to {len(sheets)}, in order")
    return sheets


# -- the answers ----------------------------------------------------------------------------------------


def _number(text: str) -> float | None:
    """A cell as a number: None for an empty cell; 0.5, -3, 3/8, −2 (a minus sign); a ValueError otherwise."""
    text = text.strip().replace(MINUS, "-")
    if not text:
        return None
    try:
        number = float(text)
    except ValueError:
        number = float(Fraction(text))  # 3/8 (a ValueError, or ZeroDivisionError for 1/0, if not a number)
    if not math.isfinite(number):
        raise ValueError(text)
    return number


def _decoded(path: Path) -> str:
    try:
        data = path.read_bytes()
    except IsADirectoryError:
        raise GradingError(f"{path} is a folder, not the answers file (a CSV like {TEMPLATE})") from None
    except FileNotFoundError:
        raise GradingError(f"{path} does not exist: give the CSV of answers (filled in from {TEMPLATE})") from None
    except OSError as error:
        raise GradingError(f"cannot read {path}: {error.strerror or error}") from None
    try:
        return data.decode("utf-8-sig")  # with or without Excel's byte order mark
    except UnicodeDecodeError as error:
        raise GradingError(f"{path} is not UTF-8 text (byte {error.start + 1}): save it as CSV UTF-8") from None


def _problems(path: Path, problems: list[str]) -> GradingError:
    shown = "; ".join(problems[:SHOWN_PROBLEMS])
    more = f"; and {len(problems) - SHOWN_PROBLEMS} more" if len(problems) > SHOWN_PROBLEMS else ""
    return GradingError(f"{path} cannot be graded ({len(problems)} problem{'s' * (len(problems) > 1)}): "
                        f"{shown}{more}")


def _header_problems(header: list[str], names: list[str]) -> list[str]:
    """What is wrong with the header row (line 1), against the columns the key expects."""
    expected = ["student", *names]
    if len(header) == 1 and ";" in header[0]:
        return ["line 1: the columns are separated by ';', not ','; save the file as CSV (comma delimited)"]
    twice = sorted({name for name in header if header.count(name) > 1})
    missing = [name for name in expected if name not in header]
    unknown = [name for name in dict.fromkeys(header) if name not in expected]
    problems = [f"line 1: column {name!r} twice" for name in twice]
    for name in unknown:
        close = difflib.get_close_matches(name, missing, n=1, cutoff=0.6)
        problems.append(f"line 1: unknown column {name!r}" + (f" (did you mean {close[0]!r}?)" if close else ""))
    if missing:
        more = f" and {len(missing) - 3} more" if len(missing) > 3 else ""
        problems.append(f"line 1: missing column{'s' * (len(missing) > 1)} {', '.join(missing[:3])}{more} "
                        f"(the header is {TEMPLATE}'s)")
    return problems


def read_answers(path: str | Path, sheets: list[Sheet]) -> dict[int, dict[str, float | None]]:
    """The numbers in ``path`` (a CSV like ``answers-template.csv``), by student and blank name
    (None: left blank); a GradingError naming every line at fault otherwise."""
    path = Path(path)
    text = _decoded(path)
    if not text.strip():
        raise GradingError(f"{path} is empty: it needs {TEMPLATE}'s header and a row per student")
    names = list(sheets[0].blanks())
    rows = csv.reader(io.StringIO(text, newline=""))  # CR LF, LF or CR: the csv module reads each
    try:
        header = [cell.strip() for cell in next(rows)]
    except csv.Error as error:
        raise GradingError(f"{path}: line 1: {error}") from None
    problems = _header_problems(header, names)
    if problems:
        raise _problems(path, problems)
    column = {name: k for k, name in enumerate(header)}
    students = {sheet.student for sheet in sheets}
    answers: dict[int, dict[str, float | None]] = {}
    first_line: dict[int, int] = {}
    try:
        for row in rows:
            line = rows.line_num
            if not any(cell.strip() for cell in row):
                continue  # an empty line (a spreadsheet's last): nothing in it
            who = row[column["student"]].strip() if column["student"] < len(row) else ""
            if not (who.isascii() and who.isdigit()) or int(who) not in students:  # not '²', which isdigit() takes
                problems.append(f"line {line}: no student {who!r} in the key (students 1 to {len(sheets)})"
                                if who else f"line {line}: no student number")
                continue
            student = int(who)
            if student in first_line:
                problems.append(f"line {line}: student {student} again (first on line {first_line[student]})")
                continue
            first_line[student] = line
            while len(row) > len(header) and not row[-1].strip():
                row.pop()  # empty cells past the last column (a spreadsheet's stray commas): nothing in them
            if len(row) != len(header):  # the student's row, but which number is in which column?
                problems.append(f"line {line}: {len(row)} cells, the header has {len(header)}")
                continue
            answers[student] = {}
            for name in names:
                cell = row[column[name]]
                try:
                    answers[student][name] = _number(cell)
                except (ValueError, ZeroDivisionError, OverflowError):  # 'abc', 1/0, 10**400/1
                    shown = cell.strip() if len(cell.strip()) <= 40 else cell.strip()[:37] + "..."
                    problems.append(f"line {line}, {name}: {shown!r} is not a number")
    except csv.Error as error:
        problems.append(f"line {rows.line_num}: {error}")
    missing = sorted(students - set(first_line))
    if missing:
        more = f" and {len(missing) - 5} more" if len(missing) > 5 else ""
        problems.append(f"no row for student{'s' * (len(missing) > 1)} {', '.join(map(str, missing[:5]))}{more}")
    if problems:
        raise _problems(path, problems)
    return answers


# -- what is written -----------------------------------------------------------------------------------


def gradebook_csv(graded: list[Graded]) -> str:
    """``gradebook.csv``: a row per student: the score, out of how many, each blank's verdict
    (right, carried: right from the student's own earlier numbers, wrong, blank), and the
    misconceptions the wrong blanks show."""
    text = io.StringIO()
    writer = csv.writer(text, lineterminator="\r\n")
    names = [mark.name for mark in graded[0].marks] if graded else []
    writer.writerow(["student", "score", "out_of", *names, "misconceptions"])
    for student in graded:
        writer.writerow([student.student, student.score, student.out_of, *[mark.verdict for mark in student.marks],
                         "; ".join(dict.fromkeys(student.misconceptions))])
    return ("" if text.getvalue().isascii() else "\ufeff") + text.getvalue()


def bar_chart(bars: list[tuple[str, int]], most: int) -> dict:
    """The geometry of a horizontal bar chart, for the report's template to draw as SVG: one
    bar per (label, count), its length out of ``most``, the labels at the left (a long one cut
    short, ``short``: the label in full stays in the bar's data)."""
    label_width, bar_room, row, top = 330, 520, 40, 10
    shown = []
    for k, (label, count) in enumerate(bars):
        width = 0 if most == 0 else round(bar_room * count / most)
        short = label if len(label) <= CHART_LABEL else label[:CHART_LABEL - 1] + "…"
        shown.append({"label": label, "short": short, "count": count, "y": top + k * row, "width": width,
                      "text_y": top + k * row + row * 0.62})
    return {"bars": shown, "label_width": label_width, "width": label_width + bar_room + 70,
            "height": top * 2 + row * len(bars), "bar_height": row - 10}


def _description(name: str) -> str:
    """What a misconception is, in the catalogue's sentence ('' for one no longer in it)."""
    try:
        return misconceptions.find(name).description
    except KeyError:
        return ""


def _environment() -> jinja2.Environment:
    return jinja2.Environment(loader=jinja2.PackageLoader(__package__, "templates"), autoescape=True,
                              undefined=jinja2.StrictUndefined, keep_trailing_newline=True)


def report_html(graded: list[Graded], sheets: list[Sheet]) -> str:
    """``report.html``: the class's results on one page for a projector: which blanks and which
    misconceptions most students hit, as tables and bar charts, and a table of students."""
    summaries = summarise(graded)
    found = misconception_counts(graded)
    missed = sorted((s for s in summaries if s.missed), key=lambda s: -s.missed)
    scores = [student.score for student in graded]
    out_of = graded[0].out_of if graded else 0
    context = {
        "title": f"Results: {sheets[0].title}" if sheets else "Results",
        "expression": sheets[0].expression if sheets else "",
        "students": len(graded), "out_of": out_of,
        "mean": f"{statistics.mean(scores):.1f}" if scores else "0",
        "median": f"{statistics.median(scores):g}" if scores else "0",
        "blanks": summaries, "verdicts": (RIGHT, CARRIED, WRONG, BLANK),
        "missed_chart": bar_chart([(s.name, s.missed) for s in missed[:CHART_BARS]], len(graded)),
        "misconceptions": [(name, _description(name), students, blanks) for name, students, blanks in found],
        "misconception_chart": bar_chart([(name, students) for name, students, _ in found[:CHART_BARS]],
                                         len(graded)),
        "rows": [{"student": student.student, "score": student.score,
                  "wrong": [mark.name for mark in student.marks if mark.verdict == WRONG],
                  "blank": [mark.name for mark in student.marks if mark.verdict == BLANK],
                  "carried": [mark.name for mark in student.marks if mark.verdict == CARRIED],
                  "misconceptions": list(dict.fromkeys(student.misconceptions))} for student in graded],
    }
    return _environment().get_template("report.html").render(context)


def write_gradebook(graded: list[Graded], sheets: list[Sheet], directory: str | Path, *,
                    force: bool = False) -> list[Path]:
    """Write ``gradebook.csv`` and ``report.html`` into ``directory`` (created if missing) and
    return their paths; a file there that grade did not write, or wrote and someone changed
    since, is refused (a WorksheetError) unless ``force``."""
    directory = Path(directory)
    names = [GRADEBOOK, REPORT]
    texts = {GRADEBOOK: gradebook_csv(graded), REPORT: report_html(graded, sheets)}  # made before anything is written
    command = {"manifest": MANIFEST, "command": "grade", "folders": ()}
    ours = check_directory(directory, names, force, **command) if directory.exists() or directory.is_symlink() else {}
    with folders_made(directory):  # a failure leaves no folder of ours behind
        directory.mkdir(parents=True, exist_ok=True)
        # The manifest first, naming what is about to be written: a run that stops part way leaves only ours.
        write_over(directory / MANIFEST, manifest_text({**ours, **dict.fromkeys(names)}))
        for name in names:
            write_over(directory / name, texts[name])
        write_over(directory / MANIFEST, manifest_text({**ours, **{name: digest(directory / name) for name in names}}))
    return [(directory / name).resolve() for name in names]
