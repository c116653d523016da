"""What the command says when something goes wrong: one line on stderr, never a traceback.

Every error a user can cause is worded here, in one map (:data:`MESSAGES`) from the type of
the exception to its exit status and its words; ``main()`` looks every subcommand's errors up
in it.  A subcommand raises :class:`UserError` for a mistake of its own, or :class:`RunFailed`
for work that started and could not finish; :func:`writing` turns a file or Graphviz failure
into a UserError that names the file.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from ..drawing.dot import GraphTooLargeError
from ..drawing.render import GraphvizNotFoundError, LayoutTimeoutError
from ..nn.optim import Diverged
from ..pages.slideshow import PassTooLongError

__all__ = ["UserError", "RunFailed", "MESSAGES", "one_line", "writing"]


class UserError(Exception):
    """A mistake on the command line: main() prints it as one line and exits with status 2."""


class RunFailed(Exception):
    """Work that started and could not finish (e.g. a demo's pictures could not be written): status 1."""


def _drawing_advice(error: Exception, args: argparse.Namespace) -> str:
    """A drawing error as one line, with advice in the command's own options (not Python's)."""
    if isinstance(error, GraphTooLargeError):
        advice = [
            ("merge_sums", "--merge-sums folds sum chains into one Σ node"),
            ("force", "--force draws it anyway"),
            ("whole_graph", "without --whole-graph each step's node and operands are drawn alone"),
            ("all", "--all steps through it in words"),
        ]
    elif isinstance(error, LayoutTimeoutError):
        advice = [("merge_sums", "--merge-sums draws fewer nodes"), ("timeout", "--timeout SECONDS gives it longer")]
    else:  # GraphvizNotFoundError
        advice = [
            ("format", "--format dot writes the DOT source without it"),
            ("html", "without --html and --svg-dir the steps are printed in words, which need no Graphviz"),
        ]
    options = [words for option, words in advice if hasattr(args, option)] or ["try a smaller expression"]
    return f"error: {error.summary}: {'; '.join(options)}"


Wording = Callable[[Exception, argparse.Namespace], str]

MESSAGES: dict[type[Exception], tuple[int, Wording]] = {
    UserError: (2, lambda error, args: f"error: {error}"),
    GraphTooLargeError: (2, _drawing_advice),
    LayoutTimeoutError: (2, _drawing_advice),
    GraphvizNotFoundError: (2, _drawing_advice),
    # The engine's words for a gradient too large for a float, or not a number (its forward values
    # are the parser's to check): a pass the values given cannot make.
    OverflowError: (2, lambda error, args: f"error: {error}"),
    FloatingPointError: (2, lambda error, args: f"error: {error}"),
    PassTooLongError: (2, lambda error, args: f"error: {error.summary}: --max-steps {error.steps} draws it anyway; "
                       "without --html and --svg-dir the steps are printed in words"),
    RunFailed: (1, lambda error, args: str(error)),
    Diverged: (1, lambda error, args: str(error)),  # no pictures were written: they would only mislead
}
"""Each error a user can cause: its exit status, and its words (after ``micrograd-like COMMAND: ``)."""


def one_line(error: Exception, args: argparse.Namespace) -> tuple[int, str] | None:
    """The exit status and the one line for ``error``, or None when it is not one a user can
    cause (a bug: its traceback is then worth seeing)."""
    for kind in type(error).__mro__:
        if kind in MESSAGES:
            status, words = MESSAGES[kind]
            return status, words(error, args)
    return None


@contextmanager
def writing(where: str) -> Iterator[None]:
    """Run the block that writes ``where``, turning a file or Graphviz failure into a UserError
    that names it (the drawing errors of :data:`MESSAGES` pass through, worded by main())."""
    try:
        yield
    except (GraphvizNotFoundError, LayoutTimeoutError, BrokenPipeError):
        raise  # main() words these for every command; a closed pipe stops quietly
    except OSError as error:
        raise UserError(f"cannot write {where}: {error.strerror or error}") from None
    except RuntimeError as error:  # Graphviz failed: its first line says why
        raise UserError(str(error).splitlines()[0]) from None
