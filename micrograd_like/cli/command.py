"""The ``micrograd-like`` command's parser, and the run of one command line.

Thin over the package: one module per subcommand (:mod:`.draw`, :mod:`.step`, :mod:`.demo`),
each with ``add_parser(subcommands)``, which sets ``run`` (the function that runs it) as the
subparser's default.  :func:`run_command_line` parses the arguments, calls ``args.run(args)``, and words
every error a user can cause as one line on stderr (:mod:`.errors`), never a traceback.
Ctrl-C is answered one level up, in :func:`micrograd_like.cli.main`, which imports this module.
Every option that writes a file creates the missing directories on the way to it
(:func:`.arguments.prepare_output_path`).

Run with no arguments, the command prints its help and exits with status 2, as argparse does
when a required argument is missing: the help is what a newcomer needs, and a script that
called it without a command learns that nothing ran.  A mistyped command is one line that
names the closest one (``unknown command 'drwa': did you mean 'draw'?``).

Functions that installed packages add (entry points of the group ``micrograd_like.ops``, see
:func:`micrograd_like.engine.ops.load_plugins`) are loaded first, so every subcommand knows them
and the help lists them; a plugin that fails to load is one line naming it, and status 2.
"""

from __future__ import annotations

import argparse
import difflib
import os
import sys
from collections.abc import Sequence

from .. import __version__
from ..engine import ops
from . import compile, demo, draw, grade, quiz, site, step, worksheet
from .arguments import reads_as_expression
from .errors import one_line
from .terminal import plain_where_needed, readable_whatever_the_bytes

__all__ = ["run_command_line", "build_parser"]

SUBCOMMANDS = (demo, draw, step, quiz, worksheet, grade, compile, site)  # each one's add_parser() adds its subcommand


class _ArgumentParser(argparse.ArgumentParser):
    """argparse, with its errors on one line (the usage is one --help away), each pointing at
    the help of the subcommand it is about, and an expression allowed to start with '-'."""

    commands: dict[str, argparse.ArgumentParser] = {}  # the subcommands' parsers, by name

    def error(self, message: str):
        self.exit(2, f"{self.prog}: error: {message} (see {self.prog} --help)\n")

    def parse_args(self, args=None, namespace=None):
        args = sys.argv[1:] if args is None else list(args)
        if self.commands and not args:  # nothing asked: say what can be asked
            self.print_help()
            self.exit(2)
        self._check_command(args)
        parsed, unknown = self.parse_known_args(args, namespace)
        command = self.commands.get(getattr(parsed, "command", None), self)
        if getattr(parsed, "expression", "") is None:
            # argparse takes "-a*b" for an unknown option: the first such argument is the expression.
            first = next((arg for arg in unknown if reads_as_expression(arg, parsed)), None)
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

    def _check_command(self, args: list[str]) -> None:
        """A mistyped subcommand is named with the one it was probably meant to be."""
        word = next((arg for arg in args if not arg.startswith("-")), None)  # the top level has no option values
        if not self.commands or word is None or word in self.commands:
            return
        close = difflib.get_close_matches(word, list(self.commands), n=1, cutoff=0.5)
        hint = f"did you mean {close[0]!r}?" if close else f"the commands are {', '.join(self.commands)}"
        self.error(f"unknown command {word!r}: {hint}")


def build_parser() -> argparse.ArgumentParser:
    """The command's parser, with every subcommand of :data:`SUBCOMMANDS`."""
    parser = _ArgumentParser(
        prog="micrograd-like",
        description="A scalar autodiff engine for teaching backpropagation.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    subcommands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for module in SUBCOMMANDS:
        module.add_parser(subcommands)
    parser.commands = subcommands.choices
    return parser


def run_command_line(argv: Sequence[str] | None = None) -> int:
    """Run the command with ``argv`` (default: the process's arguments); return the exit status."""
    for stream in (sys.stdout, sys.stderr):
        plain_where_needed(stream)  # a legacy encoding gets plain spellings, not a UnicodeEncodeError
    readable_whatever_the_bytes(sys.stdin)  # an answer in another encoding is not a number, not a crash
    try:
        ops.load_plugins()  # before the parser, whose help lists the functions
    except ops.PluginError as error:
        print(f"micrograd-like: error: {error}", file=sys.stderr)
        return 2
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        status = args.run(args)
        sys.stdout.flush()  # so that a closed pipe shows here, not as Python exits
    except BrokenPipeError:
        # The reader left (as in "| head"): stop quietly.  Python's docs' recipe: point stdout at
        # devnull, or Python reports the broken pipe again when it flushes stdout at exit.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1
    except Exception as error:
        worded = one_line(error, args)
        if worded is None:
            raise  # not a mistake a user can make: a bug, whose traceback is worth seeing
        status, words = worded
        print(f"{parser.prog} {args.command}: {words}", file=sys.stderr)
    return status
