"""A panel's drawing: SVG laid out in the kernel when it can, DOT source always.

Every panel that shows a graph puts two values in its state: ``svg`` (the drawing, laid out
by Graphviz's ``dot`` in the kernel and made to scale with its place, or ``""``) and ``dot``
(the DOT source it was laid out from).  Where the kernel has no ``dot`` (a browser running
Python under Pyodide, a laptop without Graphviz), ``svg`` is empty and the front-end lays the
DOT out in the page itself, with Graphviz compiled to WebAssembly (@viz-js/viz).  ``note``
says, in words (a line of HTML), why there is no drawing at all (a graph too big to draw), else ``""``.

Each drawing is laid out once and kept, by its DOT source: stepping back and forth costs
nothing, and a graph whose numbers changed is drawn again.
"""

from __future__ import annotations

import html
from collections.abc import Callable

from ..drawing import in_browser
from ..drawing.render import GraphvizNotFoundError, LayoutTimeoutError
from ..drawing.svg import responsive_svg

__all__ = ["MAX_HEIGHT", "Drawings", "kernel_lays_out", "viz_source", "note_html"]

MAX_HEIGHT = "70vh"
"""The drawing's tallest (CSS): the buttons and the words stay in view above it."""


def kernel_lays_out() -> bool:
    """Can this Python run Graphviz's ``dot`` (or ``graphviz-pure``) to lay drawings out?"""
    return in_browser.dot_available()


def viz_source() -> str:
    """The text of Graphviz compiled to WebAssembly (an ES module, shipped in the package), for a
    front-end to lay DOT out without a network."""
    return in_browser.viz_source()


class Drawings:
    """The drawings one panel shows, each laid out once.  ``in_kernel`` says whether this Python
    lays them out (None: when it can, :func:`kernel_lays_out`); False leaves it to the page."""

    def __init__(self, in_kernel: bool | None = None, max_height: str = MAX_HEIGHT) -> None:
        self.in_kernel = kernel_lays_out() if in_kernel is None else in_kernel
        self.max_height = max_height
        self._svgs: dict[str, str] = {}  # DOT source -> its responsive SVG

    def state(self, draw: Callable) -> dict[str, str]:
        """``{"svg", "dot", "note"}`` for the drawing ``draw()`` makes (a ``Drawing``).  A drawing
        refused (too big, a layout taking too long) gives its reason in ``note``."""
        try:
            drawing = draw()
        except ValueError as refused:
            return {"svg": "", "dot": "", "note": note_html(f"(no drawing: {refused})")}
        source = drawing.source
        if not self.in_kernel:
            return {"svg": "", "dot": source, "note": ""}
        if source not in self._svgs:
            try:
                self._svgs[source] = responsive_svg(drawing.svg(), max_height=self.max_height)
            except GraphvizNotFoundError:  # dot went away: the page lays it out from now on
                self.in_kernel = False
                return {"svg": "", "dot": source, "note": ""}
            except (LayoutTimeoutError, ValueError) as error:
                return {"svg": "", "dot": "", "note": note_html(f"(no drawing: {error})")}
        return {"svg": self._svgs[source], "dot": source, "note": ""}

    def __len__(self) -> int:
        """How many drawings have been laid out in the kernel."""
        return len(self._svgs)


def note_html(note: str) -> str:
    """A drawing's note (why there is none) as HTML, grey at 15 px."""
    return f'<p style="font-size:15px;color:#656d76">{html.escape(note)}</p>' if note else ""
