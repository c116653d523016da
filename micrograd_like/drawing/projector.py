"""Fitting drawings to a projector: which way to lay a graph out, and how large its text comes out.

A room reads a drawing by the size its text ends up on the screen.  Scaling a drawing to the
width available undoes whatever size the text had in points, so what decides legibility is
how much text the drawing holds per width (and height) of screen.  Three things raise it:
drawing each value as a card (name, data and grad one above the other, see
``draw_dot(projector=True)``), choosing the direction (left to right or top to bottom) whose
shape best fills the screen (:func:`rankdir_for`), and putting the words below a wide drawing
or beside a tall one (:func:`arrangement`).  :func:`~micrograd_like.drawing.svg.responsive_svg`
makes Graphviz's SVG take the space it is given, in the slideshow and in a notebook.

The screen aimed at is a 1024×768 projector showing a browser window: about 1000×625 pixels
of page, of which the drawing gets :data:`BELOW` with the words under it, or :data:`BESIDE`
with the words at its side.
"""

from __future__ import annotations

from ..engine.backward import topological_order
from ..engine.value import Value
from .dot import number_text
from .svg import pixels, svg_size

__all__ = ["BELOW", "BESIDE", "NOTEBOOK", "LEGIBLE", "rankdir_for", "text_size", "arrangement", "fit"]

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
    size = (width + pixels(_CHARACTER * edge_label, 0)[0], height)  # a label widens its rank's gap, or its row
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
        "LR": pixels(sum(w for w, _ in columns) + _GAP * len(columns), max(h for _, h in columns)),
        "TB": pixels(max(w for w, _ in rows), sum(h for _, h in rows) + _GAP * len(rows)),
    }


def arrangement(svg: str) -> str:
    """'below' or 'beside': where the words go so that this drawing is shown largest."""
    size = svg_size(svg)
    if size is None or fit(size, BELOW) >= fit(size, BESIDE):
        return "below"
    return "beside"
