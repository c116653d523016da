"""What the demos share: where files go, progress lines, plotting when matplotlib is there."""

from __future__ import annotations

import time
from collections.abc import Sequence
from pathlib import Path

from ..nn import ACTIVATIONS, MLP

__all__ = ["output_dir", "Progress", "figure", "save", "no_pictures", "predict", "grid", "PLOT_HINT"]

PLOT_HINT = "pip install 'micrograd_like[plot]'"


def output_dir(out: str | Path) -> Path:
    """The directory for a demo's files, made if it does not exist."""
    path = Path(out)
    path.mkdir(parents=True, exist_ok=True)
    return path


class Progress:
    """Prints a line every few steps (about 20 lines a run), with the time so far."""

    def __init__(self, steps: int, lines: int = 20) -> None:
        self.steps = steps
        self.every = max(1, -(-steps // lines))  # ceil(steps / lines)
        self.start = time.perf_counter()

    def __call__(self, step: int, text: str) -> None:
        """Report ``text`` for ``step`` (0-based) if it is one of the steps to show."""
        if step == 0 or (step + 1) % self.every == 0 or step == self.steps - 1:
            width = len(str(self.steps))
            elapsed = time.perf_counter() - self.start
            print(f"  step {step + 1:>{width}}/{self.steps}  {text}  ({elapsed:.1f} s)", flush=True)


def figure(*, width: float = 6.0, height: float = 4.5):
    """A matplotlib Figure (no global pyplot state, no window), or None if matplotlib is missing."""
    try:
        from matplotlib.figure import Figure
    except ImportError:
        return None
    return Figure(figsize=(width, height), dpi=110, layout="constrained")


def save(fig, path: Path) -> Path:
    """Write the figure and say where it went."""
    fig.savefig(path)
    print(f"wrote {path}")
    return path


def no_pictures() -> None:
    print(f"pictures skipped: matplotlib is not installed ({PLOT_HINT} adds it)")


def predict(model: MLP, point: Sequence[float]) -> list[float]:
    """The model's outputs for one point, computed on plain floats: no graph is built.

    Drawing a decision boundary evaluates the model at thousands of grid points; only the
    numbers are needed there, not their gradients.  This mirrors :meth:`Neuron._fire`
    (``activation(b + w[0]*x[0] + w[1]*x[1] + ...)``, summed in that order) so that the
    numbers are the model's own, bit for bit; a test checks that the two agree.
    """
    x = list(point)
    for layer in model.layers:
        x = [ACTIVATIONS[n.activation](sum((w.data * xi for w, xi in zip(n.w, x)), n.b.data)) for n in layer.neurons]
    return x


def grid(X: Sequence[Sequence[float]], steps: int = 120, margin: float = 0.5):
    """Evenly spaced x and y coordinates covering the points with a margin."""
    xs, ys = [p[0] for p in X], [p[1] for p in X]
    x0, x1 = min(xs) - margin, max(xs) + margin
    y0, y1 = min(ys) - margin, max(ys) + margin
    gx = [x0 + (x1 - x0) * i / (steps - 1) for i in range(steps)]
    gy = [y0 + (y1 - y0) * j / (steps - 1) for j in range(steps)]
    return gx, gy
