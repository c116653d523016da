"""A network's outputs over a grid of points: the pictures of what it has learned.

A picture of decision regions evaluates the network at tens of thousands of points and needs
only the numbers there, not their gradients.  So it is done with numpy (which any plotting
library brings), one matrix product per layer for every point at once, from the weights'
current numbers: ``activation(W @ a + b)``.  For a 150 x 150 grid that takes milliseconds,
where building Values point by point would take seconds.

Where numpy is missing (Python in a browser, under Pyodide, with nothing but the package), the
same sums are made with plain floats, point by point: the same numbers, in nested lists, slower
(a 40 x 40 grid through a network of (8, 8): about 25 ms, measured on a 2-core machine).
"""

from __future__ import annotations

from collections.abc import Sequence

from .activations import TABLE
from .modules import MLP

__all__ = ["grid", "outputs_on_grid", "outputs_in_python"]


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
    (outputs, len(ys), len(xs)), so ``[k, j, i]`` is output k at the point (xs[i], ys[j]).
    Without numpy, nested lists of floats in the same order (:func:`outputs_in_python`)."""
    try:
        import numpy as np
    except ImportError:
        return outputs_in_python(model, xs, ys)

    gx, gy = np.meshgrid(np.asarray(xs, dtype=float), np.asarray(ys, dtype=float))
    a = np.stack([gx.ravel(), gy.ravel()])  # one column per grid point
    for layer in model.layers:
        W = np.array([[w.data for w in n.w] for n in layer.neurons])
        b = np.array([[n.b.data] for n in layer.neurons])
        z = W @ a + b
        a = np.stack([TABLE[n.activation].on_arrays(row) for n, row in zip(layer.neurons, z)])
    return a.reshape(len(a), len(ys), len(xs))



def outputs_in_python(model: MLP, xs: Sequence[float], ys: Sequence[float]) -> list[list[list[float]]]:
    """:func:`outputs_on_grid` with plain floats, no numpy: ``[k][j][i]`` is output k at the point
    (xs[i], ys[j]).  Each neuron is ``activation(w · a + b)`` on the weights' numbers.

    >>> from micrograd_like.nn import MLP
    >>> model = MLP(2, [3, 2], seed=0)
    >>> grid = outputs_in_python(model, [0.0, 1.0], [0.5])
    >>> len(grid), len(grid[0]), len(grid[0][0])
    (2, 1, 2)
    >>> grid[1][0][1] == model.outputs([1.0, 0.5])[1].data
    True
    """
    layers = [[([w.data for w in n.w], n.b.data, TABLE[n.activation].function) for n in layer.neurons]
              for layer in model.layers]
    outputs = [[[0.0] * len(xs) for _ in ys] for _ in range(len(layers[-1]))]
    for j, y in enumerate(ys):
        for i, x in enumerate(xs):
            a = [float(x), float(y)]
            for layer in layers:
                a = [f(sum(wk * ak for wk, ak in zip(w, a)) + b) for w, b, f in layer]
            for k, out in enumerate(a):
                outputs[k][j][i] = out
    return outputs
