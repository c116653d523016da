"""A gradient as the sum over paths: every way a nudge of one node travels to the output.

Nudge ``a`` and the nudge travels to L along every path of the graph from a to L, growing or
shrinking at each edge by that edge's local derivative.  So dL/da is a sum over the paths,
each term the product of the local derivatives along one path:

>>> from micrograd_like import Value
>>> a, b = Value(2.0, label="a"), Value(-3.0, label="b")
>>> c, f = Value(10.0, label="c"), Value(-2.0, label="f")
>>> e = a * b; e.label = "e"
>>> d = e + c; d.label = "d"
>>> L = d * f; L.label = "L"
>>> sum_over_paths(a, L)
dL/da as a sum over 1 path from a to L, each the product of the local derivatives along it:
  a → e → d → L: (-3.0)(1.0)(-2.0) = 6.0
  dL/da = 6.0

A node used twice (``x * x``) or a diamond (two routes that meet again) gives several paths,
and their number multiplies with every layer a network has: listing them soon becomes
impossible.  Counting them is not: :func:`path_counts` counts, for every node at once, its
paths to the output in one sweep backwards, each node's count the sum of its users' counts.
That sweep is ``backward()`` with every local derivative 1: summing at each node, instead of
over every path, is exactly what makes backprop cheap.

>>> x = Value(3.0, label="x")
>>> count_paths(x, x * x + x)
3
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..engine.backward import ClosureNode, topological_order
from ..engine.value import Value
from .forward_mode import local_edges, tangent_name
from .words import node_names, num, plural

if TYPE_CHECKING:
    from ..drawing.graphs import Drawing

__all__ = ["Path", "PathSum", "sum_over_paths", "count_paths", "path_counts"]

LISTED = 100  # sum_over_paths lists at most this many paths unless given a larger limit

_ORDINALS = {1: "1st", 2: "2nd", 3: "3rd"}


def _ordinal(n: int) -> str:
    return _ORDINALS.get(n, f"{n}th")


def _graph(root: object) -> list[Value]:
    if not isinstance(root, Value):
        raise TypeError(f"the output must be a Value, got {type(root).__name__}: {root!r}")
    return topological_order(root)


def _check_node(node: object, order: list[Value]) -> Value:
    if not isinstance(node, Value):
        raise TypeError(f"paths start from a Value, got {type(node).__name__}: {node!r}")
    name = repr(node.label) if node.label else f"the Value with data {num(node.data)}"
    if node not in set(order):
        raise ValueError(f"{name} is not part of this graph: the output was not computed from it")
    if not node.requires_grad:
        raise ValueError(f"{name} is a constant: no derivative travels from it")
    return node


def path_counts(root: Value) -> dict[Value, int]:
    """For every node of ``root``'s graph, how many paths lead from it to ``root`` (a whole
    number, as big as it gets), in one sweep from the output back: a node's count is the sum
    of the counts of the nodes that use it, one per edge (``x * x`` uses x twice).  Constants
    have 0: no derivative travels from them."""
    order = _graph(root)
    counts = {node: 0 for node in order}
    counts[root] = 1
    for node in reversed(order):  # each node's users come after it in the order: their counts are complete
        for _, parent, _ in local_edges(node):
            counts[parent] += counts[node]
    return counts


def count_paths(node: Value, root: Value) -> int:
    """How many paths lead from ``node`` to ``root``, without listing them (see :func:`path_counts`).
    A node made micrograd's way (a closure) that uses one operand twice sends both uses back at
    once, so they count as one path there (made from operations, ``x*x`` counts two)."""
    order = _graph(root)
    _check_node(node, order)
    return path_counts(root)[node]


@dataclass(frozen=True)
class Path:
    """One path from a node to the output: its nodes, its edges ``(child, operand)`` (as a
    :class:`~micrograd_like.drawing.graphs.Highlight` names them) and the local derivative
    along each edge; ``product`` is their product (1.0 for the empty path from the output)."""

    nodes: tuple[Value, ...]
    edges: tuple[tuple[Value, int], ...]
    locals: tuple[float, ...]

    @property
    def product(self) -> float:
        product = 1.0
        for local in self.locals:
            product *= local
        return product


class PathSum:
    """Every path from ``node`` to ``root`` with its product, and their sum, the gradient.

    ``paths`` holds the :class:`Path` s, ``total`` their sum: d(root)/d(node), what ``backward()``
    leaves in ``node.grad`` (to rounding).  ``lines`` (or the repr) says them in words;
    :meth:`draw` draws the graph with one path highlighted.
    """

    def __init__(self, node: Value, root: Value, paths: list[Path], order: list[Value]) -> None:
        self.node, self.root, self.order = node, root, order
        self.paths: tuple[Path, ...] = tuple(paths)
        self.total = sum((path.product for path in self.paths), 0.0)
        self._terms = node_names(order, root)
        self.names = {n: term.text for n, term in self._terms.items()}

    def __len__(self) -> int:
        return len(self.paths)

    def path_text(self, path: Path) -> str:
        """``a → e → d → L: (-3.0)(1.0)(-2.0) = 6.0``, saying which use of a node an edge is
        where a node uses the same operand twice."""
        route = " → ".join(self.names[n] for n in path.nodes)
        factors = "".join(f"({num(local)})" for local in path.locals) or "(nothing to multiply: 1.0)"
        uses = []
        for (child, operand), parent in zip(path.edges, path.nodes):
            same = [i for i, p in enumerate(child.parents) if p is parent]
            if len(same) > 1 and isinstance(child, ClosureNode):  # it sends all its uses back at once
                uses.append(f"both uses of {self.names[parent]} in {self.names[child]}: the closure sends them "
                            "back together")
            elif len(same) > 1:
                uses.append(f"{self.names[parent]} as the {_ordinal(same.index(operand) + 1)} operand of "
                            f"{self.names[child]}")
        where = f"  [{'; '.join(uses)}]" if uses else ""
        return f"{route}: {factors} = {num(path.product)}{where}"

    @property
    def lines(self) -> tuple[str, ...]:
        gradient = tangent_name(self.names[self.root], self.names[self.node])
        head = (f"{gradient} as a sum over {plural(len(self.paths), 'path')} from {self.names[self.node]} to "
                f"{self.names[self.root]}, each the product of the local derivatives along it:")
        if not self.paths:
            return head, f"  {gradient} = 0.0 (no path: the output does not depend on it)"
        body = [f"  {self.path_text(path)}" for path in self.paths]
        products = " + ".join(num(path.product) if path.product >= 0 else f"({num(path.product)})"
                              for path in self.paths)
        total = f"  {gradient} = {products} = {num(self.total)}" if len(self.paths) > 1 else \
            f"  {gradient} = {num(self.total)}"
        return (head, *body, total)

    def __repr__(self) -> str:
        return "\n".join(self.lines)

    def draw(self, k: int = 1, **options) -> Drawing:
        """The whole graph with path ``k`` (1, 2, ...) highlighted: its nodes and edges red, each
        edge labelled with its local derivative, the rest greyed; ``options`` go to ``draw_dot``."""
        from ..drawing.graphs import Highlight, draw_dot

        if not isinstance(k, int) or isinstance(k, bool) or not 1 <= k <= len(self.paths):
            raise IndexError(f"no path {k!r}: there {'is' if len(self.paths) == 1 else 'are'} "
                             f"{plural(len(self.paths), 'path')}, numbered from 1")
        path = self.paths[k - 1]
        on_path = set(path.nodes)
        highlight = Highlight(
            nodes=on_path, edges=set(path.edges), dimmed={n for n in self.order if n not in on_path},
            constants={n for n in self.order if not n.requires_grad},
            edge_labels={edge: f"local {num(local)}" for edge, local in zip(path.edges, path.locals)},
            caption=f"path {k} of {len(self.paths)}: {self.path_text(path)}")
        labels = {n: name for n, name in self.names.items() if not n.label and (n.parents or n is self.root)}
        labels.update(options.pop("labels", None) or {})
        return draw_dot(self.root, highlight=highlight, labels=labels, **options)


def sum_over_paths(node: Value, root: Value, *, limit: int = LISTED) -> PathSum:
    """Every path from ``node`` to ``root``, each with the product of its local derivatives, and
    their sum (a :class:`PathSum`).  More than ``limit`` paths are refused, with their number
    (:func:`count_paths` counts them without listing)."""
    order = _graph(root)
    _check_node(node, order)
    if not isinstance(limit, int) or isinstance(limit, bool) or limit < 0:
        raise ValueError(f"limit must be a whole number of paths, got {limit!r}")
    count = path_counts(root)[node]
    if count > limit:
        raise ValueError(f"{node.label or 'this node'} reaches the output by {count:,} paths, more than the "
                         f"{limit:,} listed at most: count them with count_paths(), or pass a larger limit")
    users: dict[Value, list[tuple[Value, int, float]]] = {n: [] for n in order}
    for child in order:
        for operand, parent, local in local_edges(child):
            users[parent].append((child, operand, local))
    paths = []
    stack = [((node,), (), ())]  # depth first, without recursion: each entry a path begun at node
    while stack:
        nodes, edges, locals_ = stack.pop()
        last = nodes[-1]
        if last is root:
            paths.append(Path(nodes, edges, locals_))
            continue
        for child, operand, local in reversed(users[last]):  # reversed: the first use is explored first
            stack.append(((*nodes, child), (*edges, (child, operand)), (*locals_, local)))
    return PathSum(node, root, paths, order)
