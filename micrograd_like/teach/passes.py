"""Why training uses reverse mode: the passes each mode needs for every parameter's gradient.

Forward mode (:mod:`micrograd_like.teach.forward_mode`) seeds one input and carries its
tangent to the output: one pass, one derivative dL/dp.  A model needs dL/dp for every
parameter p, so forward mode needs one pass per parameter.  Reverse mode (``backward()``)
seeds the output and sends dL/dnode back along every edge: one pass, every parameter's
gradient.  Each pass of either kind visits each edge of the graph once, so for a model with
P parameters and E edges forward mode costs about P × E and reverse mode about E: for
micrograd's moons MLP, 337 passes against 1.

>>> from micrograd_like import MLP
>>> loss, model = moons_example(points=4)
>>> passes_needed(loss, model.parameters())
Passes(forward=337, reverse=1)

:func:`compare_modes` runs both and times them (forward mode over all the parameters, or a
``sample`` of them with the rest estimated from those), and checks that the gradients agree.
The times are measurements of this machine, for showing; the counts are what is certain.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import NamedTuple

from ..engine.backward import gradients, topological_order
from ..engine.value import Value
from ..nn.datasets import make_moons
from ..nn.losses import hinge_loss, l2_penalty
from ..nn.modules import MLP
from .forward_mode import check_leaf, local_edges
from .words import num, plural

__all__ = ["Passes", "passes_needed", "TangentSweep", "ModeComparison", "compare_modes", "moons_example"]


class Passes(NamedTuple):
    """How many passes over the graph each mode needs for every parameter's gradient."""

    forward: int
    reverse: int


def _distinct(loss: Value, params: Sequence[Value], order: list[Value]) -> list[Value]:
    if isinstance(params, Value) or not isinstance(params, Sequence):
        raise TypeError(f"params must be a list of Values (model.parameters()), got {type(params).__name__}")
    if not params:
        raise ValueError("params is empty: there is no gradient to work out")
    for p in params:
        check_leaf(p, order, "a gradient")
    return list(dict.fromkeys(params))


def passes_needed(loss: Value, params: Sequence[Value]) -> Passes:
    """Forward mode: one pass per distinct parameter; reverse mode: one pass, whatever their number.
    Each parameter must be a leaf of ``loss``'s graph (a clear error names the first that is not)."""
    if not isinstance(loss, Value):
        raise TypeError(f"loss must be a Value, got {type(loss).__name__}")
    return Passes(len(_distinct(loss, params, topological_order(loss))), 1)


class TangentSweep:
    """Forward mode made quick for many seeds: the graph read once into lists of numbers,
    then one sweep per seed.

    Each node's edges are kept as ``(index of the operand, local derivative)``, the locals
    those the nodes recorded (:func:`~micrograd_like.teach.forward_mode.local_edges`).  A
    sweep goes through every node in the order computed, each tangent the sum of local ×
    the operand's tangent: like a dual-number evaluation, it visits every edge, whatever
    the seed.
    """

    def __init__(self, root: Value) -> None:
        self.order = topological_order(root)
        self.index = {node: i for i, node in enumerate(self.order)}
        index = self.index
        self.edges: list[tuple[tuple[int, float], ...]] = [
            tuple((index[p], local) for _, p, local in local_edges(node)) for node in self.order]

    @property
    def edge_count(self) -> int:
        """How many edges carry a derivative: the work of one pass of either mode."""
        return sum(len(edges) for edges in self.edges)

    def sweep(self, seed: Value) -> float:
        """d(root)/d(seed) by one forward sweep (``seed`` a leaf of the graph)."""
        where = self.index.get(seed) if isinstance(seed, Value) else None
        if where is None or self.edges[where] or not seed.requires_grad:
            check_leaf(seed, self.order, "a forward sweep")  # says what is wrong with it
        tangent = [0.0] * len(self.order)
        tangent[where] = 1.0  # a leaf: no edges, so the seed stays
        for i, edges in enumerate(self.edges):
            if edges:
                total = 0.0
                for j, local in edges:
                    total += local * tangent[j]
                tangent[i] = total
        result = tangent[-1]
        if not math.isfinite(result):
            raise OverflowError(f"forward mode: the derivative with respect to {seed.label or seed.data!r} "
                                f"is {result!r}, not a finite number")
        return result


@dataclass(frozen=True)
class ModeComparison:
    """Forward mode against reverse mode on one loss: passes, measured times, and agreement.

    ``forward_seconds`` is for every parameter (reading the graph once, then one sweep each):
    measured when ``measured == forward_passes``, else estimated from ``measured`` sweeps (each
    sweep costs the same, whatever its seed).
    ``largest_difference`` is the largest |forward - reverse| over the parameters measured,
    ``agree`` whether each pair agrees to 1e-9 (relative; the sums are added in another order).
    """

    parameters: int
    forward_passes: int
    reverse_passes: int
    edges: int
    forward_seconds: float
    reverse_seconds: float
    measured: int
    largest_difference: float
    agree: bool

    @property
    def estimated(self) -> bool:
        return self.measured < self.forward_passes

    @property
    def speedup(self) -> float:
        """How many times longer forward mode takes than reverse mode, here."""
        return self.forward_seconds / self.reverse_seconds if self.reverse_seconds else math.inf

    def rows(self) -> list[tuple[str, str, str, str]]:
        """The table's rows: mode, passes, edges visited, seconds."""
        note = f" (estimated from {plural(self.measured, 'sweep')})" if self.estimated else ""
        return [("mode", "passes", "edges visited", "seconds"),
                ("forward", f"{self.forward_passes:,}", f"{self.forward_passes * self.edges:,}",
                 f"{self.forward_seconds:.3g}{note}"),
                ("reverse", f"{self.reverse_passes:,}", f"{self.reverse_passes * self.edges:,}",
                 f"{self.reverse_seconds:.3g}")]

    def table(self) -> str:
        rows = self.rows()
        widths = [max(len(row[i]) for row in rows) for i in range(4)]
        lines = ["  ".join([row[0].ljust(widths[0]), *(cell.rjust(w) for cell, w in zip(row[1:3], widths[1:3])),
                            row[3]]) for row in rows]
        verdict = "agree" if self.agree else "DISAGREE"
        lines.append(f"gradients of {plural(self.parameters, 'parameter')}: forward and reverse {verdict} "
                     f"(largest difference {num(self.largest_difference)})")
        return "\n".join(lines)

    def __repr__(self) -> str:
        return self.table()


def _measure_reverse(loss: Value, params: list[Value]) -> tuple[list[float], float]:
    """Every gradient by one reverse pass (no grad left changed), and the pass's time."""
    start = time.perf_counter()
    grads = gradients(loss, params)
    return grads, time.perf_counter() - start


def compare_modes(loss: Value, params: Sequence[Value], *, sample: int | None = None,
                  progress: Callable[[int, int], None] | None = None) -> ModeComparison:
    """Work out every parameter's gradient both ways and time both.

    Reverse mode: one pass (the engine's, leaving every ``grad`` as it was).  Forward mode: one
    sweep per parameter, or per parameter of an evenly spread ``sample`` of that many, the time
    of the rest estimated from them.  ``progress(done, total)`` is called after each sweep.
    """
    if not isinstance(loss, Value):
        raise TypeError(f"loss must be a Value, got {type(loss).__name__}")
    if sample is not None and (not isinstance(sample, int) or isinstance(sample, bool) or sample < 1):
        raise ValueError(f"sample must be a whole number of parameters, at least 1, got {sample!r}")
    start = time.perf_counter()
    sweep = TangentSweep(loss)  # (ordering the graph and reading its locals: once, as a backward pass does)
    prepare_seconds = time.perf_counter() - start
    params = _distinct(loss, params, sweep.order)
    reverse, reverse_seconds = _measure_reverse(loss, params)
    chosen = range(len(params))
    if sample is not None and sample < len(params):
        chosen = sorted({round(k * (len(params) - 1) / max(sample - 1, 1)) for k in range(sample)})
    largest, agree = 0.0, True
    start = time.perf_counter()
    for done, k in enumerate(chosen, start=1):
        forward = sweep.sweep(params[k])
        largest = max(largest, abs(forward - reverse[k]))
        agree = agree and math.isclose(forward, reverse[k], rel_tol=1e-9, abs_tol=1e-12)
        if progress is not None:
            progress(done, len(chosen))
    measured_seconds = time.perf_counter() - start
    forward_seconds = prepare_seconds + measured_seconds * len(params) / len(chosen)
    return ModeComparison(len(params), len(params), 1, sweep.edge_count, forward_seconds, reverse_seconds,
                          len(chosen), largest, agree)


def moons_example(points: int = 100, seed: int = 1337) -> tuple[Value, MLP]:
    """micrograd's moons demo's loss and model: ``MLP(2, [16, 16, 1])`` (337 parameters), the
    max-margin loss over ``points`` moons plus 1e-4 times the squared weights."""
    X, labels = make_moons(points, noise=0.1, seed=seed)
    model = MLP(2, [16, 16, 1], seed=seed)
    scores = [model(x) for x in X]
    loss = hinge_loss(scores, [2 * label - 1 for label in labels]) + l2_penalty(model.parameters(), 1e-4)
    return loss, model
