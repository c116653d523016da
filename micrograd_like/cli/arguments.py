"""Arguments several subcommands share: an expression with ``--var`` values, time limits, output paths."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..drawing.render import MAX_TIMEOUT, check_timeout
from ..engine import ops
from ..engine.value import Value
from ..teach.expression import ExpressionError, parse, parse_assignment, parse_assignments, variables_in
from .errors import UserError

__all__ = [
    "add_expression_arguments", "expression_from_args", "reads_as_expression", "quoted", "prepare_output_path",
    "check_output_path", "add_force_argument",
    "seconds", "positive_int", "positive_float", "folder_name", "QUOTE_LIMIT", "expression_help", "lecture_output",
]

def expression_help() -> str:
    """The help for EXPRESSION, its functions read from the registry when the parser is built
    (so a primitive registered at run time is listed too)."""
    return ('e.g. "tanh(a*b + c)": numbers, variables, + - * / **, parentheses, '
            f"{' '.join(ops.function_names())}. It may start with a minus sign (\"-a*b\"); "
            "if it reads like an option (-o..., -h...), write it in brackets, \"(-o)\", or last, after --")


def _assignment(text: str) -> tuple[str, float]:
    """argparse ``type=`` for ``--var NAME=VALUE``: a bad one is argparse's one-line error."""
    try:
        return parse_assignment(text)
    except ExpressionError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def add_expression_arguments(parser: argparse.ArgumentParser) -> None:
    """Add the positional EXPRESSION and the repeatable ``--var NAME=VALUE`` to a subcommand.

    EXPRESSION is optional to argparse only so that one starting with '-' can be found among
    the arguments it did not know (see the command's ``parse_args``); it is still required.
    """
    parser.usage = "%(prog)s EXPRESSION [--var NAME=VALUE ...] [options]"
    parser.add_argument("expression", nargs="?", metavar="EXPRESSION", help=expression_help())
    parser.add_argument(
        "--var",
        action="append",
        default=[],
        type=_assignment,
        metavar="NAME=VALUE",
        help="the value of a variable (repeat for each one): --var a=2 --var b=-3",
    )


def reads_as_expression(arg: str, parsed: argparse.Namespace) -> bool:
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
            where = quoted(args.expression, error.column)
            raise UserError(f"no value for {', '.join(error.missing)} in {where}: add {example}") from None
        raise UserError(f"in {quoted(args.expression, error.column)}: {error}") from None
    needed = variables_in(args.expression)
    unused = [name for name in values if name not in needed]
    if unused:
        print(f"warning: --var {', '.join(unused)} not used by {quoted(args.expression)}", file=sys.stderr)
    if needs_gradients and not root.requires_grad:
        instead = " (or draw its value alone with --no-backward)" if hasattr(args, "no_backward") else ""
        raise UserError(
            f"{quoted(args.expression)} has no variables: it is the constant {root.data:g}, "
            f"with no gradients to find; write it with a variable and give its value with --var{instead}"
        )
    return root


def lecture_output(root: Value, args: argparse.Namespace) -> Value:
    """``root`` labelled ``L``, the lecture's name for the output (as ``step``, ``quiz`` and
    ``compile`` name it), unless it has a label already or a ``--var`` is called L."""
    if not root.label and "L" not in {name for name, _ in args.var}:
        root.label = "L"
    return root


QUOTE_LIMIT = 60  # an expression longer than this is quoted in messages by an excerpt


def quoted(text: str, column: int | None = None) -> str:
    """The expression quoted for a one-line message: whole when short; else the QUOTE_LIMIT
    characters around ``column`` (the place the message is about), … marking what is left
    out, and which columns these are, so that "at column 5003" can still be found."""
    if len(text) <= QUOTE_LIMIT:
        return repr(text)
    start = 0 if column is None else max(0, min(column - 1 - QUOTE_LIMIT // 2, len(text) - QUOTE_LIMIT))
    end = start + QUOTE_LIMIT
    excerpt = ("…" if start else "") + text[start:end] + ("…" if end < len(text) else "")
    return f"{excerpt!r} (columns {start + 1}-{end} of {len(text):,})"


def check_output_path(path: str | Path, directory: bool = False, force: bool = False) -> Path:
    """Refuse, as :func:`prepare_output_path` does, a path that must not be written, creating
    nothing: for a command that writes several files to check them all before writing one."""
    path = Path(path).expanduser()
    if path.is_symlink():
        raise UserError(f"cannot write {path}: it is a symbolic link, and micrograd-like never writes through "
                        "one, even with --force: remove the link, or give another path")
    if not directory and path.is_dir():
        raise UserError(f"cannot write {path}: it is a directory")
    if not directory and path.exists() and not force:
        raise UserError(f"{path} exists already: add --force to replace it, or give another name")
    return path


def prepare_output_path(path: str | Path, directory: bool = False, force: bool = False) -> Path:
    """Make ready to write ``path``, a file (or, with ``directory``, a folder for files).

    The rule for every option that writes: directories missing on the way are created,
    as most tools that write output do.  A file already at ``path`` is refused unless
    ``force`` (the user's ``--force``); a symbolic link there (to anything, or dangling) is
    refused even then, since its target may be anyone's.  A path that cannot be written (a
    file in the way, no permission) is a UserError naming it.
    """
    path = check_output_path(path, directory, force)
    folder = path if directory else path.parent
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        in_the_way = next((p for p in (folder, *folder.parents) if p.exists()), folder)
        if not in_the_way.is_dir():
            raise UserError(f"cannot write {path}: {in_the_way} is a file, not a directory") from None
        raise UserError(f"cannot create the directory {folder}: {error.strerror or error}") from None
    return path


def add_force_argument(parser: argparse.ArgumentParser, what: str) -> None:
    """The ``--force`` of every subcommand that writes files: ``what`` it replaces (and anything
    else it allows), in the help; with it, :func:`prepare_output_path` lets a file be replaced,
    never a symbolic link."""
    parser.add_argument("--force", action="store_true",
                        help=f"{what}; a symbolic link is never written through, even with --force")


def seconds(text: str) -> float:
    """argparse ``type=`` for a time limit, checked as every drawing's timeout is (render.check_timeout)."""
    try:
        return check_timeout(float(text))
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"must be a number of seconds above 0, at most {MAX_TIMEOUT:g}; got {text!r}") from None


def folder_name(text: str) -> str:
    """argparse ``type=`` for a folder to write into: any name but an empty one (``-o ""`` would
    otherwise write into the current folder without saying which)."""
    if not text.strip():
        raise argparse.ArgumentTypeError("is empty: name the folder to write into")
    return text


def positive_int(text: str, maximum: int | None = None) -> int:
    """argparse ``type=`` for a count: a whole number of at least 1 (and at most ``maximum``, if
    given: ``type=functools.partial(positive_int, maximum=1000)``)."""
    try:
        number = int(text)
    except ValueError:  # not a number, or one with more digits than Python converts
        number = 0
    if maximum is not None and not 1 <= number <= maximum:
        raise argparse.ArgumentTypeError(f"must be a whole number from 1 to {maximum}, got {text!r}")
    if number < 1:
        raise argparse.ArgumentTypeError(f"must be a positive whole number, got {text!r}")
    return number


def positive_float(text: str) -> float:
    """argparse ``type=`` for a rate: a finite number above 0."""
    try:
        number = float(text)
    except ValueError:
        number = float("nan")
    if not 0 < number < float("inf"):
        raise argparse.ArgumentTypeError(f"must be a positive number, got {text!r}")
    return number
