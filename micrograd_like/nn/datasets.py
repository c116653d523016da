"""Small two-dimensional data sets for the demos, made in pure Python from a seed.

Each function returns ``(X, y)``: ``X`` a list of points (each a list of floats) and ``y`` a
list of labels (class numbers 0, 1, ...) or, for the regression curve, of target numbers.
The same seed always gives the same data; ``seed`` may also be a :class:`random.Random`.

>>> X, y = make_moons(100, noise=0.1, seed=0)
>>> len(X), X[0] == make_moons(100, noise=0.1, seed=0)[0][0], sorted(set(y))
(100, True, [0, 1])
>>> [2 * label - 1 for label in y[:5]]      # labels -1/+1, as micrograd's hinge loss wants
[1, 1, -1, -1, 1]
"""

from __future__ import annotations

import math
import random

from .validation import generator, whole_number

__all__ = ["make_moons", "make_circles", "make_xor", "make_spiral", "make_curve"]

Points = list[list[float]]


def _generator(seed: int | random.Random | None) -> random.Random:
    """The generator data are drawn from; ``None`` means a new one seeded by the system (other
    data on every run), never Python's global ``random``, which the data sets leave alone."""
    return generator(seed, none_means_global=False)


def _check(n_samples: object, noise: object, minimum: int = 1) -> None:
    whole_number(n_samples, "n_samples", minimum)
    if isinstance(noise, bool) or not isinstance(noise, (int, float)) or not 0 <= noise < math.inf:
        raise ValueError(f"noise must be a number >= 0 (the standard deviation of the jitter), got {noise!r}")


def _linspace(start: float, stop: float, n: int) -> list[float]:
    if n == 1:
        return [start]
    return [start + (stop - start) * i / (n - 1) for i in range(n)]


def _shuffled(X: Points, y: list, rng: random.Random) -> tuple[Points, list]:
    order = list(range(len(X)))
    rng.shuffle(order)
    return [X[i] for i in order], [y[i] for i in order]


def _jitter(X: Points, noise: float, rng: random.Random) -> Points:
    return [[c + rng.gauss(0.0, noise) if noise else c for c in point] for point in X]


def make_moons(
    n_samples: int = 100, noise: float = 0.1, seed: int | random.Random | None = None
) -> tuple[Points, list[int]]:
    """Two interleaving half circles: class 0 the upper moon, class 1 the lower one.

    The same shapes as scikit-learn's ``make_moons``: the upper moon is the half circle of
    radius 1 centred at (0, 0), the lower one is centred at (1, 0.5) and opens upwards.
    Gaussian noise of standard deviation ``noise`` is added to every coordinate.
    """
    _check(n_samples, noise, minimum=2)
    rng = _generator(seed)
    n_upper = n_samples // 2
    n_lower = n_samples - n_upper
    X = [[math.cos(t), math.sin(t)] for t in _linspace(0, math.pi, n_upper)]
    X += [[1 - math.cos(t), 0.5 - math.sin(t)] for t in _linspace(0, math.pi, n_lower)]
    y = [0] * n_upper + [1] * n_lower
    return _shuffled(_jitter(X, noise, rng), y, rng)


def make_circles(
    n_samples: int = 100, noise: float = 0.05, factor: float = 0.5, seed: int | random.Random | None = None
) -> tuple[Points, list[int]]:
    """A circle of radius ``factor`` (class 1) inside a circle of radius 1 (class 0)."""
    _check(n_samples, noise, minimum=2)
    if not 0 < factor < 1:
        raise ValueError(f"factor (the inner circle's radius) must be between 0 and 1, got {factor!r}")
    rng = _generator(seed)
    n_outer = n_samples // 2
    n_inner = n_samples - n_outer
    X = [[math.cos(2 * math.pi * i / n_outer), math.sin(2 * math.pi * i / n_outer)] for i in range(n_outer)]
    X += [
        [factor * math.cos(2 * math.pi * i / n_inner), factor * math.sin(2 * math.pi * i / n_inner)]
        for i in range(n_inner)
    ]
    y = [0] * n_outer + [1] * n_inner
    return _shuffled(_jitter(X, noise, rng), y, rng)


def make_xor(
    n_samples: int = 100, noise: float = 0.2, seed: int | random.Random | None = None
) -> tuple[Points, list[int]]:
    """Points around the four corners (±1, ±1); class 1 where exactly one coordinate is positive.

    No straight line separates the classes: the classic problem a single neuron cannot learn.
    ``make_xor(4, noise=0)`` is the truth table itself.
    """
    _check(n_samples, noise, minimum=1)
    rng = _generator(seed)
    corners = [[-1.0, -1.0], [-1.0, 1.0], [1.0, -1.0], [1.0, 1.0]]
    X = [list(corners[i % 4]) for i in range(n_samples)]
    y = [int((a > 0) != (b > 0)) for a, b in X]
    return _shuffled(_jitter(X, noise, rng), y, rng)


def make_spiral(
    n_samples: int = 150, n_classes: int = 3, noise: float = 0.2, seed: int | random.Random | None = None
) -> tuple[Points, list[int]]:
    """``n_classes`` arms of a spiral winding out from the origin, one class per arm.

    The classic multi-class example of Stanford's CS231n: along arm k, a point at radius r in
    [0, 1] sits at angle 4(k + r) plus noise, so no straight line separates any two arms.
    """
    _check(n_samples, noise, minimum=1)
    whole_number(n_classes, "n_classes", minimum=2)
    rng = _generator(seed)
    X: Points = []
    y: list[int] = []
    for k in range(n_classes):
        n = n_samples // n_classes + (1 if k < n_samples % n_classes else 0)
        for r in _linspace(0.0, 1.0, n):
            angle = 4.0 * (k + r) + rng.gauss(0.0, noise) if noise else 4.0 * (k + r)
            X.append([r * math.sin(angle), r * math.cos(angle)])
            y.append(k)
    return _shuffled(X, y, rng)


def make_curve(
    n_samples: int = 40, noise: float = 0.1, seed: int | random.Random | None = None
) -> tuple[Points, list[float]]:
    """A 1-D regression problem: x uniform in [-1, 1] (sorted), y = sin(3x) + noise.

    ``X`` holds one-element points ``[x]``, so a model is ``MLP(1, [...,  1])``.
    """
    _check(n_samples, noise, minimum=1)
    rng = _generator(seed)
    xs = sorted(rng.uniform(-1.0, 1.0) for _ in range(n_samples))
    ys = [math.sin(3.0 * x) + (rng.gauss(0.0, noise) if noise else 0.0) for x in xs]
    return [[x] for x in xs], ys
