"""Running Graphviz: the one place this package starts a program.

:func:`render` lays DOT source out with Graphviz's ``dot`` (else the ``graphviz-pure`` program
from PyPI, see :func:`layout_program`) and stops it after a timeout.  :class:`Drawing` is DOT
source that renders itself this way (and shows itself in Jupyter).  The checks on the
parameters every drawing takes, ``format`` and ``timeout``, are here, one function each.
Building the DOT source is :mod:`micrograd_like.drawing.graphs`'s job.
"""

from __future__ import annotations

import os
import secrets
import shutil
import subprocess
import sysconfig
from pathlib import Path

import graphviz

from ..engine.value import Value
from .svg import responsive_svg

__all__ = [
    "render",
    "layout_program",
    "Drawing",
    "check_format",
    "check_timeout",
    "GraphvizNotFoundError",
    "LayoutTimeoutError",
    "DEFAULT_TIMEOUT",
    "MAX_TIMEOUT",
    "FORMATS",
    "FILE_FORMATS",
    "write_file",
]

DEFAULT_TIMEOUT = 60.0
"""Seconds one run of the layout program may take before it is stopped."""

MAX_TIMEOUT = 86400.0
"""The longest timeout accepted, in seconds (a day): beyond it the clock cannot be trusted to stop it."""

INSTALL_SUMMARY = (
    "Graphviz's 'dot' program is needed to render the graph and was not found. Install it with "
    "'apt-get install graphviz' (Debian, Ubuntu), 'brew install graphviz' (macOS) or "
    "'pip install graphviz-pure' (any system, no compiler needed)"
)
INSTALL_HINT = INSTALL_SUMMARY + "; the DOT source (drawing.source) works without it."


class GraphvizNotFoundError(RuntimeError):
    """Neither Graphviz's ``dot`` nor ``graphviz-pure`` is installed; the message says how to fix it.

    :attr:`summary` is the install hint without the Python advice (the command line gives its own).
    """

    summary = INSTALL_SUMMARY

    def __init__(self, message: str = INSTALL_HINT) -> None:
        super().__init__(message)



class LayoutTimeoutError(RuntimeError):
    """The layout program ran out of time (``timeout`` seconds); :attr:`summary` is the fact alone."""

    def __init__(self, timeout: float) -> None:
        self.timeout = timeout
        super().__init__(
            f"{self.summary}; draw a smaller view (merge_sums=True, draw_path, draw_network) "
            "or pass a longer timeout"
        )

    @property
    def summary(self) -> str:
        return f"Graphviz did not finish laying out the graph in {self.timeout:g} s"




# -- the checks on every drawing's parameters ------------------------------------------------------

FORMATS = ("svg", "png")
"""What the layout program is asked to write."""

FILE_FORMATS = (*FORMATS, "dot")
"""What a drawing can be saved as: a picture, or its DOT source (which needs no Graphviz)."""


def check_format(format: str, allowed: tuple[str, ...] = FORMATS) -> str:
    """``format`` if it is one of ``allowed``, else a ValueError that lists them."""
    if format not in allowed:
        raise ValueError(f"unknown format {format!r} (must be one of {', '.join(allowed)})")
    return format


def check_timeout(timeout: float) -> float:
    """``timeout`` if it is a number of seconds above 0 and at most :data:`MAX_TIMEOUT`, else a ValueError."""
    if isinstance(timeout, bool) or not isinstance(timeout, (int, float)) or not 0 < timeout <= MAX_TIMEOUT:
        raise ValueError(f"timeout must be a number of seconds above 0 and at most {MAX_TIMEOUT:g}, got {timeout!r}")
    return timeout


# -- running the layout program ----------------------------------------------------------------------


def layout_program() -> str:
    """The path of the program that lays graphs out: ``dot``, else ``graphviz-pure``.

    Raises :class:`GraphvizNotFoundError`, whose message says how to install one, when
    neither is on the PATH (nor beside this Python, where pip puts ``graphviz-pure``).
    """
    scripts = sysconfig.get_path("scripts")
    for name in ("dot", "graphviz-pure"):
        found = shutil.which(name) or shutil.which(name, path=scripts)
        if found:
            return found
    raise GraphvizNotFoundError()


def render(source: str, format: str = "svg", *, timeout: float = DEFAULT_TIMEOUT) -> bytes:
    """Lay out DOT ``source`` and return the picture (``format`` is 'svg' or 'png').

    The program is stopped after ``timeout`` seconds (:class:`LayoutTimeoutError`).
    """
    check_format(format)
    check_timeout(timeout)
    program = layout_program()
    try:
        result = subprocess.run(
            [program, f"-T{format}"], input=source.encode("utf-8"), capture_output=True, timeout=timeout
        )
    except subprocess.TimeoutExpired:
        raise LayoutTimeoutError(timeout) from None
    if result.returncode != 0:
        message = result.stderr.decode("utf-8", "replace").strip().splitlines() or ["no message"]
        raise RuntimeError(f"{Path(program).name} failed (exit status {result.returncode}): {message[0]}")
    return result.stdout



class Drawing(graphviz.Digraph):
    """A ``graphviz.Digraph`` that knows which Value each node shows, and renders under a timeout.

    ``.source`` is the DOT text; :meth:`svg` and :meth:`png` render it; :meth:`save` writes a
    file and returns its path; in Jupyter the drawing shows itself as SVG, shrunk to the width of
    the page where it is wider (or, without
    Graphviz, the install hint).  ``names`` maps each drawn Value to its Graphviz node name.
    Graphviz's own ``render()`` and ``view()`` work as in the lecture's notebooks.
    """

    names: dict[Value, str]
    timeout: float = DEFAULT_TIMEOUT

    def svg(self) -> str:
        """The drawing as SVG text."""
        return render(self.source, "svg", timeout=self.timeout).decode("utf-8")

    def png(self) -> bytes:
        """The drawing as PNG bytes."""
        return render(self.source, "png", timeout=self.timeout)

    def save(self, path: str | Path, format: str | None = None, *, replace: bool = True) -> Path:
        """Write the drawing to ``path`` (SVG, PNG or DOT, from the suffix) and return its full path.

        ``format`` ('svg', 'png' or 'dot') overrides the suffix.  A plain file already at ``path``
        is replaced, as Python's own ``open(path, "w")`` would, unless ``replace=False`` (then a
        FileExistsError); a symbolic link there is never written through (see :func:`write_file`).
        """
        path = Path(path)
        format = format or path.suffix.lstrip(".").lower() or "svg"
        format = check_format("dot" if format == "gv" else format, FILE_FORMATS)
        data = self.source if format == "dot" else render(self.source, format, timeout=self.timeout)
        write_file(path, data, replace=replace)
        return path.resolve()

    def _repr_mimebundle_(self, include=None, exclude=None, **_) -> dict[str, str]:
        # Jupyter: HTML holding the SVG scaled down to the width of the page (no sideways scrolling
        # on a projector), the SVG itself for what shows no HTML; without Graphviz, the hint as text.
        try:
            svg = self.svg()
        except (GraphvizNotFoundError, LayoutTimeoutError) as error:
            return {"text/plain": str(error)}
        return {"text/html": _fitting_html(svg), "image/svg+xml": svg}

    def _repr_html_(self) -> str | None:
        try:
            return _fitting_html(self.svg())
        except (GraphvizNotFoundError, LayoutTimeoutError):
            return None

    def _repr_svg_(self) -> str | None:
        try:
            return self.svg()
        except (GraphvizNotFoundError, LayoutTimeoutError):
            return None

    def __repr__(self) -> str:
        return f"<Drawing of {len(self.names)} values, {len(self.body)} DOT lines: .source, .svg(), .save(path)>"


def _fitting_html(svg: str) -> str:
    """The SVG as HTML for a notebook: at its own size where that fits, shrunk to the width of
    the page where it is wider (the text shrinks with it: draw wide graphs top to bottom, or
    with ``projector=True``, to keep it legible)."""
    return f'<div class="mgl-drawing">{responsive_svg(svg, largest=1.0)}</div>'


def write_file(path: str | Path, data: str | bytes, *, replace: bool = True) -> None:
    """Write ``data`` (text is written as UTF-8) to ``path``, whole or not at all, never through a link.

    The rule for every file the package writes (:mod:`micrograd_like.pages.files` says why):

    - a symbolic link at ``path`` (to a file, a folder, or nothing) is refused, with a
      FileExistsError, even with ``replace``: its target may be anyone's;
    - a file already there is replaced only with ``replace`` (else a FileExistsError);
    - the file is never half-written: replacing writes a temporary file beside it and renames it
      into place, and a new file that could not be finished (a full disk, Ctrl-C) is removed.
    """
    path = Path(path)
    if path.is_symlink():
        raise FileExistsError(f"{path} is a symbolic link, and micrograd-like never writes through one")
    if isinstance(data, str):
        data = data.encode("utf-8")
    if replace:  # write beside it, then rename: the old file stays until the new one is whole
        target, path = path, path.with_name(f".{path.name}.{secrets.token_hex(4)}.part")
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)  # O_EXCL: no file, no link there
    try:
        descriptor = os.open(path, flags, 0o666)
    except FileExistsError:
        raise FileExistsError(f"{path} already exists") from None
    try:
        with open(descriptor, "wb") as file:
            file.write(data)
        if replace:
            if target.is_symlink():  # made while we wrote: still never replaced
                raise FileExistsError(f"{target} is a symbolic link, and micrograd-like never writes through one")
            os.replace(path, target)
    except BaseException:
        path.unlink(missing_ok=True)  # ours: made above
        raise
