"""Terminals that cannot show every character: plain spellings instead of a crash.

The words use a few characters beyond ASCII (σ for sigmoid, x² for a square, Σ for a sum,
… for an elided formula).  A terminal or pipe in a legacy encoding (Windows' cp1252 when
redirected, ``LC_ALL=C`` without UTF-8 mode, ``PYTHONIOENCODING=ascii``) cannot encode some of them, and Python
would stop with a UnicodeEncodeError.  :func:`plain_where_needed` makes a stream spell each
such character in ASCII instead (sigmoid, ^2, sum, ...), only where its encoding cannot.
"""

from __future__ import annotations

import codecs
import contextlib
import io
import sys
import unicodedata

__all__ = ["PLAIN", "plain_where_needed", "readable_whatever_the_bytes", "is_terminal", "progress_line",
           "class_progress", "CLASS_PROGRESS_FROM"]

PLAIN = {
    "σ": "sigmoid", "Σ": "sum", "δ": "delta", "…": "...", "·": "*", "×": "*", "⊙": "*", "−": "-",
    "→": "->", "←": "<-", "≤": "<=", "≥": ">=", "≈": "~", "±": "+/-", "′": "'", "✗": "x", "ᵀ": "^T",
    "ᵢ": "_i", "√": "sqrt", "∂": "d",
}
"""Plain spellings of the characters the words use, for streams that cannot encode them."""

_SUPERSCRIPTS = dict(zip("⁰¹²³⁴⁵⁶⁷⁸⁹⁻⁺", "0123456789-+"))
_HANDLER = "micrograd_like.plain"


def _spell(character: str) -> str:
    if character in PLAIN:
        return PLAIN[character]
    # é -> e; what has no ASCII form at all is named by its code point.
    plain = unicodedata.normalize("NFKD", character).encode("ascii", "ignore").decode("ascii")
    return plain or f"<U+{ord(character):04X}>"


def _escaped(character: str) -> bool:
    """Whether ``character`` stands for a byte that could not be decoded (PEP 383's surrogateescape:
    U+DC80 to U+DCFF), as in a file name read under the C locale."""
    return "\udc80" <= character <= "\udcff"


def _plain(error: UnicodeError) -> tuple[str | bytes, int]:
    """A codecs error handler: the characters that cannot be encoded, spelt in ASCII (x² -> x^2).

    A byte that could not be decoded (the C locale's ``surrogateescape``: a file name, an answer
    typed in another encoding) is written back as the byte it was, as that handler would."""
    if not isinstance(error, UnicodeEncodeError):
        raise error
    text = error.object[error.start:error.end]
    if _escaped(text[0]):
        end = next((i for i, character in enumerate(text) if not _escaped(character)), len(text))
        return bytes(ord(character) - 0xDC00 for character in text[:end]), error.start + end
    text = text[:next((i for i, character in enumerate(text) if _escaped(character)), len(text))]
    out, in_power = [], False
    for character in text:
        if character in _SUPERSCRIPTS:
            out.append(_SUPERSCRIPTS[character] if in_power else "^" + _SUPERSCRIPTS[character])
            in_power = True
        else:
            out.append(_spell(character))
            in_power = False
    return "".join(out), error.start + len(text)


codecs.register_error(_HANDLER, _plain)


def plain_where_needed(stream) -> None:
    """Make ``stream`` (a text stream such as sys.stdout) spell in ASCII what its encoding cannot encode."""
    # stdout is "strict" in most places, "surrogateescape" in the C locale (LC_ALL=C without UTF-8
    # mode), stderr "backslashreplace": each would stop at σ, or write \u03c3.
    if isinstance(stream, io.TextIOWrapper) and stream.errors in ("strict", "surrogateescape", "backslashreplace"):
        try:
            codecs.lookup(stream.encoding)
            stream.reconfigure(errors=_HANDLER)
        except (LookupError, ValueError, AttributeError):
            pass


def readable_whatever_the_bytes(stream) -> None:
    """Make ``stream`` (sys.stdin) read bytes its encoding cannot decode as U+FFFD, not raise.

    An answer piped to ``micrograd-like quiz`` in another encoding than the terminal's (UTF-8
    typed under ``PYTHONIOENCODING=ascii``, cp1252 bytes under UTF-8) is then "not a number",
    as any other answer that is not one, instead of a UnicodeDecodeError.
    """
    if isinstance(stream, io.TextIOWrapper) and stream.errors == "strict":
        with contextlib.suppress(ValueError):  # already being read: leave it as it is
            stream.reconfigure(errors="replace")


def is_terminal(stream) -> bool:
    """True if ``stream`` is a terminal a person types at or reads (not a pipe, a file or a
    stand-in without ``isatty``, such as a closed stream)."""
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


def progress_line(what: str, done: int, total: int, every: int = 0) -> None:
    """``drawing 3 of 40`` on stderr, for work that takes a while: on a terminal, one line
    updated in place; elsewhere (a log, a pipe), a line every ``every`` and at the end, or
    none when ``every`` is 0."""
    if is_terminal(sys.stderr):
        print(f"\r{what} {done} of {total}", end="" if done < total else "\n", file=sys.stderr, flush=True)
    elif every and (done % every == 0 or done == total):
        print(f"{what} {done} of {total}", file=sys.stderr, flush=True)


CLASS_PROGRESS_FROM = 10  # a class at least this big gets a progress line per student on a terminal


def class_progress(what: str, done: int, total: int) -> None:
    """``marking: student 3 of 200`` (on a terminal, for a class of :data:`CLASS_PROGRESS_FROM` or
    more), naming the pass: the worksheet and grade commands' progress."""
    if total >= CLASS_PROGRESS_FROM:
        progress_line(f"{what}: student", done, total)
