"""Writing DOT: the pieces every drawing is made of, shared by the graph views and the network view.

Numbers as the drawings show them, text escaped so that Graphviz reads it as text (never as
record syntax or an HTML label), one line of DOT per node or edge, the size limit, the
layout direction and the colours.  :mod:`micrograd_like.drawing.graphs` and :mod:`micrograd_like.drawing.network`
put these together; :mod:`micrograd_like.drawing.render` runs Graphviz on the result.
"""

from __future__ import annotations

import functools
import unicodedata
from collections.abc import Sequence

import graphviz

from ..engine.value import Value
from .render import Drawing, check_format, check_timeout

__all__ = [
    "MAX_NODES", "COLOURS", "RANKDIRS", "GraphTooLargeError", "check_rankdir", "check_size", "new_drawing",
    "number_text", "grad_number", "check_label", "MAX_LABEL", "escape_record", "escape_text", "record_label",
    "node_line", "edge_line", "FONT_SIZES", "PROJECTOR_FONT_SIZES",
]

MAX_NODES = 2000
"""Above this many Graphviz nodes a drawing is refused unless ``force=True``: dot's layout
time grows much faster than the graph (1,600 nodes take about a second, 13,000 over 20 minutes),
and a few hundred nodes are already more than a person can follow."""

COLOURS = {
    "emphasis": "#d62728",  # the node or edge being looked at: red outline, thick
    "emphasis_fill": "#fff1b8",  # ... on a pale yellow ground
    "done": "#c7e9c0",  # finished (e.g. its gradient is complete): pale green fill
    "dimmed": "#b0b0b0",  # not reached yet: grey lines and text
    "positive": "#2166ac",  # a positive weight in the neuron view: blue
    "negative": "#d6604d",  # a negative weight: orange-red
    "op_fill": "#f2f2f2",
}
"""The colours of the drawings; chosen to stay distinct for the common colour-blindnesses."""


class GraphTooLargeError(ValueError):
    """The drawing would have ``count`` Graphviz nodes, above ``limit``; the message names smaller views.

    :attr:`summary` is the fact without the advice, for callers that give their own advice
    (the command line names its options instead of Python's).
    """

    def __init__(self, count: int, limit: int) -> None:
        self.count, self.limit = count, limit
        super().__init__(
            f"{self.summary}; a person cannot follow that many. Draw a smaller view: "
            "draw_dot(root, merge_sums=True) folds sum chains into one Σ node, draw_path(parameter, root) "
            "shows only the path from one parameter, draw_network(model) shows one node per neuron; "
            "or pass force=True to draw it anyway"
        )

    @property
    def summary(self) -> str:
        return f"this drawing would have {self.count:,} Graphviz nodes (the limit is {self.limit:,})"



# -- numbers and labels -----------------------------------------------------------------------------


def number_text(x: float, digits: int = 4) -> str:
    """Fixed-point like the lecture (2.0000), switching to e-notation for tiny or huge numbers
    (-0.0 is 0.0000: the sign of a zero means nothing to a student)."""
    if x == 0:
        x = abs(x)
    if x == 0 or 10.0 ** -(digits - 1) <= abs(x) < 1e6:
        return f"{x:.{digits}f}"
    return f"{x:.{digits - 1}e}"


def grad_number(v: Value) -> float:
    """``v.grad`` as a number: after ``backward(create_graph=True)`` it is a Value of its own."""
    return v.grad.data if isinstance(v.grad, Value) else v.grad



MAX_LABEL = 1000
"""The longest label drawn, in characters: Graphviz refuses a quoted string over 16 KB, and
a label that long cannot be read anyway."""


def check_label(text: str) -> str:
    """``text`` if it can be drawn as a label, else a ValueError that names it and says why.

    Labels are the user's text, drawn as data: any character Graphviz can show is drawn (DOT's
    and SVG's own syntax is escaped), but not NUL or other control characters (a newline and a
    tab are fine), lone surrogates (halves of a character, which no file can hold), U+FFFE and
    U+FFFF (which are no characters at all), or more than :data:`MAX_LABEL` characters.
    """
    if len(text) <= MAX_LABEL and text.isprintable():
        return text
    shown = repr(text[:40] + ("…" if len(text) > 40 else ""))
    if len(text) > MAX_LABEL:
        raise ValueError(f"the label {shown} cannot be drawn: it is {len(text):,} characters long "
                         f"(at most {MAX_LABEL:,})")
    for character in text:
        if "\ud800" <= character <= "\udfff":
            raise ValueError(f"the label {shown} cannot be drawn: it holds a lone surrogate "
                             f"(U+{ord(character):04X}), half of a character, which no file can hold")
        if character in "\ufffe\uffff":
            raise ValueError(f"the label {shown} cannot be drawn: it holds U+{ord(character):04X}, "
                             "which is not a character (no SVG or HTML page may hold it)")
        if unicodedata.category(character) == "Cc" and character not in "\n\t":
            raise ValueError(f"the label {shown} cannot be drawn: it holds the control character "
                             f"U+{ord(character):04X}")
    return text


def escape_record(text: str) -> str:
    """Text as one field of a Graphviz record label: ``{ } | < >``, quotes, backslashes and
    spaces that Graphviz would otherwise read as syntax are escaped, and ``&`` (which Graphviz
    reads as the start of an entity such as ``&amp;``) is written as ``&amp;``.  Letters beyond
    ASCII are written as entities (``σ`` as ``&#963;``): Graphviz's record parser drops the
    space after one at the start of a field (``σ z`` would be drawn ``σz``).  (Its entities
    stop at U+FFFD: characters past that are written as they are.)"""
    out = []
    for char in text:
        if char in '\\{}|<>"':
            out.append("\\" + char)
        elif char == "\n":
            out.append("\\n")
        elif char == "&":
            out.append("&amp;")
        elif 127 < ord(char) < 0xFDD0:
            out.append(f"&#{ord(char)};")
        else:
            out.append(char)
    return "".join(out)


def escape_text(text: str) -> str:
    """Text as a plain quoted DOT label (no record syntax, never read as an HTML label or an entity)."""
    text = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("&", "&amp;")
    return graphviz.nohtml(text)


def record_label(fields: Sequence[str], rankdir: str, *, stacked: bool = False) -> str:
    """A record label whose fields read left to right whatever the direction of the graph, or,
    ``stacked``, one above the other (a card, narrower: what a projector drawing uses).
    Graphviz turns a record with its graph; braces turn it back."""
    body = " | ".join(escape_record(f) for f in fields)
    turned = rankdir in ("LR", "RL")
    return graphviz.nohtml(f"{{ {body} }}" if turned != stacked else body)


RANKDIRS = ("LR", "TB", "RL", "BT")
"""The directions a graph can be laid out in: left to right, top to bottom, and back."""


def check_rankdir(rankdir: str) -> str:
    """``rankdir`` if it is one of :data:`RANKDIRS`, else a ValueError that lists them."""
    if rankdir not in RANKDIRS:
        raise ValueError(f"unknown rankdir {rankdir!r} (must be one of {', '.join(RANKDIRS)})")
    return rankdir


def check_size(count: int, limit: int, force: bool) -> None:
    if count > limit and not force:
        raise GraphTooLargeError(count, limit)


FONT_SIZES = {"node": "12", "edge": "10", "op": "11"}
"""Text sizes in points: values' records, edge labels, operations (a little smaller, for a screen)."""

PROJECTOR_FONT_SIZES = {"node": "12", "edge": "12", "op": "12"}
"""A projector drawing's text sizes: all the same, so that no text is smaller than the rest when
the drawing is scaled to fit the screen (what makes it legible is how much text fits per width
of screen, not the size in points, which scaling undoes)."""


def new_drawing(rankdir: str, caption: str, count: int, limit: int, format: str, timeout: float,
                *, projector: bool = False) -> Drawing:
    """An empty drawing with the graph, node and edge defaults; ``projector`` packs it tighter
    (one text size, less space between nodes and between ranks) for slides."""
    sizes = PROJECTOR_FONT_SIZES if projector else FONT_SIZES
    drawing = Drawing(format=check_format(format))
    drawing.attr("graph", rankdir=check_rankdir(rankdir), fontname="Helvetica", ordering="in")  # operands in order
    if projector:
        drawing.attr("graph", nodesep="0.1", ranksep="0.15")  # inches; Graphviz's defaults are 0.25 and 0.5
    drawing.attr("node", fontname="Helvetica", fontsize=sizes["node"])
    drawing.attr("edge", fontname="Helvetica", fontsize=sizes["edge"], arrowsize="0.7")
    if caption:
        drawing.attr("graph", label=escape_text(caption), labelloc="t", fontsize="14")
    if count > limit:  # a forced large drawing: cap dot's iterations so that it finishes
        drawing.attr("graph", nslimit="2", nslimit1="2", mclimit="0.2", searchsize="20")
    drawing.timeout = check_timeout(timeout)
    drawing.names = {}
    return drawing



def node_line(name: str, label: str, **attrs: str) -> str:
    """A node's line of DOT source, as ``Digraph.node`` writes it (quoted as Graphviz needs)."""
    return _line("node", name, "", label, tuple(sorted(attrs.items())))


def edge_line(tail: str, head: str, label: str | None, **attrs: str) -> str:
    """An edge's line of DOT source, as ``Digraph.edge`` writes it."""
    return _line("edge", tail, head, label, tuple(sorted(attrs.items())))


@functools.lru_cache(maxsize=1 << 16, typed=True)  # typed: a nohtml label is quoted unlike a str
def _line(kind: str, first: str, second: str, label: str | None, attrs: tuple[tuple[str, str], ...]) -> str:
    """One line of DOT source written by the graphviz package, remembered: the drawings of a
    backward pass, one per step, share most of their lines, and quoting them is most of the
    time it takes to build a drawing."""
    graph = graphviz.Digraph()
    if kind == "node":
        graph.node(first, label, **dict(attrs))
    else:
        graph.edge(first, second, label, **dict(attrs))
    return graph.body[0]
