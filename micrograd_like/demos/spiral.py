"""Several classes: an MLP learns the three arms of a spiral with softmax cross-entropy.

The network has one output per class (a score, or *logit*).  Softmax turns the scores into
probabilities, and the loss is minus the log of the probability given to the right class.
The prediction is the class with the largest score.

Training runs compiled steps (:func:`~micrograd_like.compile_graph`): the loss is traced once.
The one number softmax takes from the data, each point's largest score ``m`` (subtracted from
every score so that no exp overflows), is then the one of the first step: any constant shift
gives the same softmax, so the training is the same, to rounding.
"""

from __future__ import annotations

from pathlib import Path

from ..nn.datasets import make_spiral
from ..nn.losses import softmax_cross_entropy
from ..nn.modules import MLP
from ..nn.optim import Adam
from ._common import figure, grid, loss_curve, no_pictures, output_dir, outputs_on_grid, percent, save, train

__all__ = ["run", "SUMMARY"]

SUMMARY = "three spiral arms, MLP(2, [16, 16, 3]), softmax cross-entropy and Adam; draws the class regions"

COLOURS = ("#d73027", "#4575b4", "#1a9850", "#984ea3", "#ff7f00")


def run(steps: int = 200, lr: float = 0.05, seed: int = 0, out: str | Path = "demo-output", classes: int = 3,
        points_per_class: int = 30, hidden: int = 16, name: str = "spiral") -> dict:
    """Train on a spiral, print progress, save ``{name}-regions.png`` and ``{name}-loss.png``."""
    out = output_dir(out)  # made first: a bad --out fails before the work, not after
    X, labels = make_spiral(points_per_class * classes, n_classes=classes, noise=0.2, seed=seed)
    model = MLP(2, [hidden, hidden, classes], seed=seed, init="he")
    optimizer = Adam(model.parameters(), lr=lr)
    print(f"Training {model} on {len(X)} spiral points in {classes} classes, {steps} steps.")
    print(f"  loss = mean(-log softmax(scores)[label]);  Adam, lr {lr:g}")
    print("  step k: the loss and training accuracy after k updates (step 0: before any)")
    history = train(model, X, labels, softmax_cross_entropy, _argmax, optimizer, steps, compiled=True)
    loss, accuracy = history[-1]
    print(f"After {steps} steps: loss {loss:.4g}, training accuracy {percent(accuracy)}")
    files = _pictures(model, X, labels, history, classes, out, name)
    return {"model": model, "loss": loss, "accuracy": accuracy, "history": history, "files": files}


def _argmax(values: list[float]) -> int:
    return max(range(len(values)), key=values.__getitem__)


def _pictures(model: MLP, X, labels, history, classes: int, out: Path, name: str) -> list[Path]:
    fig = figure(width=5.2, height=4.8)
    if fig is None:
        no_pictures()
        return []
    from matplotlib.colors import ListedColormap

    gx, gy = grid(X, steps=100, margin=0.25)
    regions = outputs_on_grid(model, gx, gy).argmax(axis=0)  # the largest score's class
    colours = COLOURS[:classes] if classes <= len(COLOURS) else None
    ax = fig.add_subplot()
    cmap = ListedColormap(colours) if colours else "tab10"
    ax.contourf(gx, gy, regions, levels=[k - 0.5 for k in range(classes + 1)], cmap=cmap, alpha=0.25)
    for k in range(classes):
        points = [p for p, t in zip(X, labels) if t == k]
        colour = colours[k] if colours else None
        ax.scatter(
            [p[0] for p in points],
            [p[1] for p in points],
            color=colour,
            s=24,
            edgecolors="white",
            linewidths=0.6,
            label=f"class {k}",
        )
    ax.set_aspect("equal")
    ax.set_title("Predicted class regions (largest score wins)")
    ax.legend(loc="upper right", fontsize=8, framealpha=0.9)
    files = [save(fig, out / f"{name}-regions.png")]

    files.append(loss_curve(history, "softmax cross-entropy", "Training on the spiral", out / f"{name}-loss.png"))
    return files
