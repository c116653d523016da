"""The ``micrograd-like`` command (also ``python -m micrograd_like``): its entry point, :func:`main`.

This file is small on purpose.  Ctrl-C can come at any moment, even while Python is still
loading the command's modules (a good part of a second on a busy machine), and the answer must
always be the same: one line, ``interrupted``, and exit status 130, never a traceback.  So
nothing is imported before :func:`main` starts (``import micrograd_like`` itself loads nothing,
see the package's ``__init__``); :func:`main` loads the command with Ctrl-C noted, not raised,
then runs it with Ctrl-C raised as usual (``KeyboardInterrupt``) and answered in one place.
:mod:`.command` does the rest: the parser, the subcommands, and the one-line errors.

One module per subcommand (:mod:`.draw`, :mod:`.step`, :mod:`.quiz`, :mod:`.worksheet`, :mod:`.grade`,
:mod:`.compile`, :mod:`.demo`, :mod:`.site`); :mod:`.arguments`, the arguments several of them share;
:mod:`.terminal`, plain spellings for terminals that cannot show σ or ²; and :mod:`.errors`,
where every error a user can cause is worded.
"""

import sys

__all__ = ["main"]

INTERRUPTED = 130  # the shell's status for a program stopped by Ctrl-C (128 + SIGINT)


def main(argv: list[str] | None = None) -> int:
    """Run the command with ``argv`` (default: the process's arguments); return the exit status."""
    _closed_streams_opened_on_nothing()
    try:
        run_command_line = _load_the_command()
        if run_command_line is None:
            raise KeyboardInterrupt
        return run_command_line(argv)
    except KeyboardInterrupt:
        print("\ninterrupted", file=sys.stderr)
        return INTERRUPTED


def _closed_streams_opened_on_nothing() -> None:
    """A standard stream the shell was told to close (``<&-``, ``>&-``, ``2>&-``) is None in
    Python.  Read, it gives the end of input at once (the quiz then stops as at Ctrl-D);
    written, its text goes nowhere, as the caller asked.  Files given with ``-o`` are still written."""
    import os

    for name, mode in (("stdin", "r"), ("stdout", "w"), ("stderr", "w")):
        if getattr(sys, name) is None:
            setattr(sys, name, open(os.devnull, mode, encoding="utf-8"))  # noqa: SIM115 (open for the process)


def _load_the_command():
    """Import the command's modules, or return None if Ctrl-C came meanwhile.

    While the modules load, Ctrl-C is only noted.  Raised there, a KeyboardInterrupt can land
    in a callback of Python's import machinery, where Python cannot pass it on: it prints it,
    traceback and all ("Exception ignored in ..."), and carries on loading as if nothing happened.
    """
    import signal

    pressed = []
    try:
        previous = signal.signal(signal.SIGINT, lambda signal_number, frame: pressed.append(signal_number))
    except ValueError:  # not the main thread, which alone receives Ctrl-C: nothing to note
        from .command import run_command_line

        return run_command_line
    try:
        from .command import run_command_line
    finally:  # Python's own handler again (None: one not set from Python, so the system's)
        signal.signal(signal.SIGINT, signal.SIG_DFL if previous is None else previous)
    return None if pressed else run_command_line
