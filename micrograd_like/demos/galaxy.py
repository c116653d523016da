"""A bigger network trained live: five spiral arms, 200 points, MLP(2, [16, 16, 5]), 300 steps.

Each training step is about 170,000 chain-rule steps (one per edge of the loss's graph).
Built as a graph and backpropagated node by node, the 300 steps take minutes.  Here the loss
is traced once and compiled (:func:`~micrograd_like.compile_graph`): every step after that is
plain Python on floats, an example's forward and backward pass written once and run for each
example, several times faster.  (Tracing and compiling costs about as much as a few dozen
steps.)  The numbers are the engine's (see :mod:`~micrograd_like.demos.spiral`, which this
demo scales up).
"""

from __future__ import annotations

from pathlib import Path

from . import spiral

__all__ = ["run", "SUMMARY"]

SUMMARY = "five spiral arms, 200 points, MLP(2, [16, 16, 5]): a bigger network, trained with a compiled step"


def run(steps: int = 300, lr: float = 0.02, seed: int = 0, out: str | Path = "demo-output",
        points_per_class: int = 40) -> dict:
    """Train on five spiral arms; save ``galaxy-regions.png`` and ``galaxy-loss.png``."""
    return spiral.run(steps=steps, lr=lr, seed=seed, out=out, classes=5, points_per_class=points_per_class,
                      hidden=16, name="galaxy")
