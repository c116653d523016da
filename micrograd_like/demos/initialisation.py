"""Initialisation: the same network, trained from weights drawn at different scales.

Every run uses the same data, the same architecture (tanh hidden layers), the same loss and
the same optimiser; only the standard deviation of the initial weights changes.  Too small,
and the signal (and so the gradient) fades through the layers: training crawls.  Too large,
and the tanh units saturate where their slope is 0: the gradient vanishes there too.  In
between, around Xavier's scale sqrt(1 / fan_in), training takes off.
"""

from __future__ import annotations

from pathlib import Path

from ..datasets import make_moons
from ..losses import binary_cross_entropy
from ..nn import MLP
from ..optim import SGD
from ._common import Progress, figure, no_pictures, output_dir, save

__all__ = ["run", "SUMMARY", "SCALES"]

SUMMARY = "the same tanh network from initial weight scales 0.01 to 10: which ones train"

SCALES = (0.01, 0.1, 0.5, 3.0, 10.0)


def run(steps: int = 150, lr: float = 0.3, seed: int = 0, out: str | Path = "demo-output") -> dict:
    """Train once per scale in :data:`SCALES`, print a summary, save ``initialisation.png``."""
    out = output_dir(out)  # made first: a bad --out fails before the work, not after
    X, labels = make_moons(60, noise=0.1, seed=seed)
    results = {}
    for scale in SCALES:
        model = MLP(2, [8, 8, 1], activation="tanh", init=_normal(scale), seed=seed)
        optimizer = SGD(model.parameters(), lr=lr, momentum=0.9)
        print(f"Initial weights ~ N(0, {scale:g}²): training {model}")
        progress = Progress(steps, lines=4)
        history = []
        for step in range(steps):
            scores = [model(x) for x in X]
            loss = binary_cross_entropy(scores, labels)
            accuracy = sum((s.data > 0) == (t == 1) for s, t in zip(scores, labels)) / len(labels)
            history.append((loss.data, accuracy))
            progress(step, f"loss {loss.data:.4f}  accuracy {accuracy:6.1%}")
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
        results[scale] = history

    print(f"\n  {'weight scale':>12} {'first loss':>11} {'last loss':>10} {'accuracy':>9}  verdict")
    for scale, history in results.items():
        verdict = "trained" if history[-1][1] >= 0.95 else "stuck"
        print(f"  {scale:>12g} {history[0][0]:>11.4f} {history[-1][0]:>10.4f} {history[-1][1]:>9.0%}  {verdict}")
    print("\nFor comparison, Xavier's scale for these layers is about 0.4 to 0.7 (sqrt(1/fan_in)).")
    files = _picture(results, out)
    return {"histories": results, "files": files}


def _normal(scale: float):
    def draw(fan_in, fan_out, rng):
        return rng.gauss(0.0, scale)

    draw.__name__ = f"normal(0, {scale:g})"
    return draw


def _picture(results: dict, out: Path) -> list[Path]:
    fig = figure(width=6.4, height=4.2)
    if fig is None:
        no_pictures()
        return []
    ax = fig.add_subplot()
    for scale, history in results.items():
        ax.plot(range(1, len(history) + 1), [h[0] for h in history], label=f"weights ~ N(0, {scale:g}²)")
    ax.set_xlabel("step")
    ax.set_ylabel("loss (binary cross-entropy)")
    ax.set_yscale("log")
    ax.set_title("Same network, same data: only the initial scale differs")
    ax.grid(alpha=0.3, which="both")
    ax.legend()
    return [save(fig, out / "initialisation.png")]
