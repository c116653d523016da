"""A network's outputs over a grid of points: the pictures of what it has learned.

A picture of decision regions evaluates the network at tens of thousands of points and needs
only the numbers there, not their gradients.  So it is done with numpy (which any plotting
library brings), one matrix product per layer for every point at once, from the weights'
current numbers: ``activation(W @ a + b)``.  For a 150 x 150 grid that takes milliseconds,
where building Values point by point would take seconds.
"""

from __future__ import annotations

from collections.abc import Sequence

from .activations import TABLE
from .modules import MLP

__all__ = ["grid", "outputs_on_grid"]


def grid(X: Sequence[Sequence[float]], steps: int = 120, margin: float = 0.5) -> tuple[list[float], list[float]]:
    """Evenly spaced x and y coordinates covering the points ``X`` with a margin."""
    xs, ys = [p[0] for p in X], [p[1] for p in X]
    x0, x1 = min(xs) - margin, max(xs) + margin
    y0, y1 = min(ys) - margin, max(ys) + margin
    gx = [x0 + (x1 - x0) * i / (steps - 1) for i in range(steps)]
    gy = [y0 + (y1 - y0) * j / (steps - 1) for j in range(steps)]
    return gx, gy


def outputs_on_grid(model: MLP, xs: Sequence[float], ys: Sequence[float]):
    """The network's outputs at every point of the grid ``xs`` x ``ys``: a numpy array of shape
    (outputs, len(ys), len(xs)), so ``[k, j, i]`` is output k at the point (xs[i], ys[j])."""
    import numpy as np

    gx, gy = np.meshgrid(np.asarray(xs, dtype=float), np.asarray(ys, dtype=float))
    a = np.stack([gx.ravel(), gy.ravel()])  # one column per grid point
    for layer in model.layers:
        W = np.array([[w.data for w in n.w] for n in layer.neurons])
        b = np.array([[n.b.data] for n in layer.neurons])
        z = W @ a + b
        a = np.stack([TABLE[n.activation].on_arrays(row) for n, row in zip(layer.neurons, z)])
    return a.reshape(len(a), len(ys), len(xs))

