"""Fitting drawings to a projector: which way to lay a graph out, and an SVG that scales to its place.

A room reads a drawing by the size its text ends up on the screen.  Scaling a drawing to the
width available undoes whatever size the text had in points, so what decides legibility is
how much text the drawing holds per width (and height) of screen.  Three things raise it:
drawing each value as a card (name, data and grad one above the other, see
``draw_dot(projector=True)``), choosing the direction (left to right or top to bottom) whose
shape best fills the screen (:func:`rankdir_for`), and putting the words below a wide drawing
or beside a tall one (:func:`arrangement`).  :func:`responsive_svg` makes Graphviz's SVG take
the space it is given, in the slideshow and in a notebook.

The screen aimed at is a 1024×768 projector showing a browser window: about 1000×625 pixels
of page, of which the drawing gets :data:`BELOW` with the words under it, or :data:`BESIDE`
with the words at its side.
"""

from __future__ import annotations

import re

from .autodiff import topological_order
from .dot import number_text
from .engine import Value

__all__ = ["BELOW", "BESIDE", "NOTEBOOK", "LEGIBLE", "rankdir_for", "text_size", "arrangement", "fit",
           "responsive_svg", "inline_svg"]

BELOW = (1000.0, 380.0)
"""The drawing's space in pixels (width, height) with the words below it, on a 1024×768 projector."""

BESIDE = (640.0, 500.0)
"""The drawing's space in pixels with the words beside it."""

NOTEBOOK = (825.0, 537.0)
"""A notebook's space for a drawing on a 1024×768 projector, in pixels: the width of JupyterLab's
output with the file browser folded (measured in Chromium), by the widgets' cap of 70% of the
window's height."""

LEGIBLE = 14.0
"""Pixels: the smallest text a room reads on a projector.  A whole graph whose values would be
drawn smaller is shown one step at a time instead (see :func:`text_size`)."""

_TEXT = 16.0  # pixels: a projector drawing's 12-point text at the drawing's own size
_LARGEST = 2.0  # how far responsive_svg enlarges a drawing at most (its ``largest``)

# Sizes, in points, of what a projector drawing is made of (12-point Helvetica), from Graphviz's output.
_CHARACTER = 6.7  # the average width of a character
_CARD_MARGIN = 16.0  # left and right of a card's longest line
_CARD_HEIGHT = 69.0  # three lines: name, data, grad
_OP = (54.0, 22.0)  # an operation's ellipse
_GAP = 9.0  # between nodes in a rank, and between ranks (nodesep, ranksep)


def fit(size: tuple[float, float], space: tuple[float, float]) -> float:
    """How much a drawing of ``size`` is scaled to fit in ``space`` (both width, height)."""
    return min(space[0] / size[0], space[1] / size[1])


def _best_fit(size: tuple[float, float]) -> float:
    return max(fit(size, BELOW), fit(size, BESIDE))


def rankdir_for(root: Value, labels: dict[Value, str] | None = None, digits: int = 4) -> str:
    """'LR' or 'TB': the direction in which ``root``'s projector drawing (``draw_dot(root,
    projector=True, labels=labels)``) can be shown largest on a projector, words included.

    Estimated from the graph without running Graphviz: each value is a card as wide as its
    longest line, each operation an ellipse, and Graphviz puts them in ranks (a value two ranks
    after its deepest operand, its operation one).  Left to right, a rank is a column; top to
    bottom, a row.  A long chain reads best left to right, a wide sum (a neuron with many
    inputs) top to bottom.
    """
    return _best_direction(_estimated_sizes(root, labels or {}, digits))


def _best_direction(sizes: dict[str, tuple[float, float]]) -> str:
    return "LR" if _best_fit(sizes["LR"]) >= _best_fit(sizes["TB"]) else "TB"


def text_size(root: Value, spaces: tuple[tuple[float, float], ...] = (BELOW, BESIDE),
              labels: dict[Value, str] | None = None, digits: int = 4, rankdir: str | None = None,
              edge_label: int = 0) -> float:
    """The size in pixels, estimated as :func:`rankdir_for` does, of the values' text in
    ``root``'s whole projector drawing, laid out ``rankdir`` (default: as rankdir_for
    chooses) and scaled to fit the roomiest of ``spaces`` (default: a slide's).
    ``edge_label``: the characters of the longest line written on an edge (a step's
    derivative), which widens the drawing by as much.

    Scaling a drawing to its place undoes the size its text had in points, so a graph of a
    dozen values already comes out below :data:`LEGIBLE` in a notebook (:data:`NOTEBOOK`):

    >>> from micrograd_like import Value
    >>> a, b = Value(2.0, label="a"), Value(-3.0, label="b")
    >>> round(text_size(a * b + a, (NOTEBOOK,)))
    22
    >>> x = [Value(1.0, label=f"x{i}") for i in range(3)]
    >>> w = [Value(0.5, label=f"w{i}") for i in range(3)]
    >>> round(text_size((x[0]*w[0] + x[1]*w[1] + x[2]*w[2]).tanh(), (NOTEBOOK,)))
    13
    """
    sizes = _estimated_sizes(root, labels or {}, digits)
    direction = {"LR": "LR", "RL": "LR", "TB": "TB", "BT": "TB"}.get(rankdir or "")  # (a bad one: the drawing says so)
    width, height = sizes[direction or _best_direction(sizes)]
    size = (width + _pixels(_CHARACTER * edge_label, 0)[0], height)  # a label widens its rank's gap, or its row
    return _TEXT * min(_LARGEST, max(fit(size, space) for space in spaces))


def _estimated_sizes(root: Value, labels: dict[Value, str], digits: int) -> dict[str, tuple[float, float]]:
    """The size in pixels of ``root``'s projector drawing, left to right and top to bottom."""
    order = topological_order(root)
    longest: dict[Value, int] = {}  # the longest path from an input, in operations
    for node in order:  # parents first: no recursion
        longest[node] = 1 + max((longest[p] for p in node.parents), default=-1)
    # Graphviz keeps edges short: every node goes just before the first operation that uses it.
    level = {root: longest[root]}
    for node in reversed(order):
        for parent in node.parents:
            level[parent] = min(level.get(parent, level[node]), level[node] - 1)
    ranks: dict[int, list[tuple[float, float]]] = {}
    for node in order:
        lines = (labels.get(node, node.label), f"data {number_text(node.data, digits)}")
        card = (_CHARACTER * max(len(line) for line in lines) + _CARD_MARGIN, _CARD_HEIGHT)
        ranks.setdefault(2 * level[node], []).append(card)
        if node.parents:
            ranks.setdefault(2 * level[node] - 1, []).append(_OP)
    columns = [(max(w for w, _ in rank), sum(h for _, h in rank) + _GAP * len(rank)) for rank in ranks.values()]
    rows = [(sum(w for w, _ in rank) + _GAP * len(rank), max(h for _, h in rank)) for rank in ranks.values()]
    return {
        "LR": _pixels(sum(w for w, _ in columns) + _GAP * len(columns), max(h for _, h in columns)),
        "TB": _pixels(max(w for w, _ in rows), sum(h for _, h in rows) + _GAP * len(rows)),
    }


def _pixels(width: float, height: float) -> tuple[float, float]:
    """A size in points (Graphviz's unit) in CSS pixels."""
    return width * 4 / 3, height * 4 / 3


_SIZE = re.compile(r'<svg width="([\d.]+)pt" height="([\d.]+)pt"')


def _size(svg: str) -> tuple[float, float] | None:
    """The size Graphviz gave the drawing, in pixels (its SVG says points)."""
    match = _SIZE.search(svg)
    return _pixels(float(match.group(1)), float(match.group(2))) if match else None


def arrangement(svg: str) -> str:
    """'below' or 'beside': where the words go so that this drawing is shown largest."""
    size = _size(svg)
    if size is None or fit(size, BELOW) >= fit(size, BESIDE):
        return "below"
    return "beside"


def responsive_svg(svg: str, *, largest: float = 2.0, max_height: str | None = None,
                   among: list[str] | None = None) -> str:
    """Graphviz's SVG made to scale with its place on a page, ready to go inside HTML.

    The drawing takes the width it is given, and the height where its container has one (a
    slide's space), keeping its shape: its text grows and shrinks with it, up to ``largest``
    times its own size (a small graph is not blown up to fill a screen).  ``max_height`` (CSS,
    e.g. ``"70vh"``) caps its height where the page sets none, as in a notebook.  The size is
    the SVG's own (its ``style``), so it works wherever the SVG is put: the slideshow, Jupyter,
    an ipywidgets ``HTML``.  The XML prolog, doctype and comments are left out.

    ``among``: the drawings shown one after another in the same place (a slideshow's frames,
    this one included).  Each takes the share of the space that its size is of the largest's,
    so that all are drawn at one scale and the picture does not zoom in and out between steps.
    """
    svg = inline_svg(svg)
    size = _size(svg)
    if size is None:
        return svg
    sizes = [found for found in map(_size, among or []) if found] or [size]
    share = (100 * size[0] / max(w for w, _ in sizes), 100 * size[1] / max(h for _, h in sizes))
    width, height = size[0] * largest, size[1] * largest
    tallest = f"min({height:.0f}px, {max_height})" if max_height else f"{height:.0f}px"
    # Where the place has no height (a notebook's output), the height follows the width (aspect-ratio).
    style = (f"display:block;margin:auto;width:{share[0]:.2f}%;height:{share[1]:.2f}%;"
             f"aspect-ratio:{size[0]:.1f}/{size[1]:.1f};max-width:{width:.0f}px;max-height:{tallest}")
    return _SIZE.sub(f'<svg style="{style}" preserveAspectRatio="xMidYMid meet"', svg, count=1)


def inline_svg(svg: str) -> str:
    """Graphviz's SVG without its XML prolog, doctype and comments, ready to sit inside HTML."""
    start = svg.find("<svg")
    return re.sub(r"<!--.*?-->\n?", "", svg[start:], flags=re.S).strip()
