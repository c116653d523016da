"""Several classes: an MLP learns the three arms of a spiral with softmax cross-entropy.

The network has one output per class (a score, or *logit*).  Softmax turns the scores into
probabilities, and the loss is minus the log of the probability given to the right class.
The prediction is the class with the largest score.
"""

from __future__ import annotations

from pathlib import Path

from ..datasets import make_spiral
from ..losses import softmax_cross_entropy
from ..nn import MLP
from ..optim import Adam
from ._common import Progress, figure, grid, no_pictures, output_dir, predict, save

__all__ = ["run", "SUMMARY"]

SUMMARY = "three spiral arms, MLP(2, [16, 16, 3]), softmax cross-entropy and Adam; draws the class regions"

COLOURS = ("#d73027", "#4575b4", "#1a9850", "#984ea3", "#ff7f00")


def run(steps: int = 200, lr: float = 0.05, seed: int = 0, out: str | Path = "demo-output", classes: int = 3) -> dict:
    """Train on a spiral, print progress, save ``spiral-regions.png`` and ``spiral-loss.png``."""
    out = output_dir(out)  # made first: a bad --out fails before the work, not after
    X, labels = make_spiral(30 * classes, n_classes=classes, noise=0.2, seed=seed)
    model = MLP(2, [16, 16, classes], seed=seed, init="he")
    optimizer = Adam(model.parameters(), lr=lr)
    print(f"Training {model} on {len(X)} spiral points in {classes} classes, {steps} steps.")
    print(f"  loss = mean(-log softmax(scores)[label]);  Adam, lr {lr:g}")
    progress = Progress(steps)
    history = []
    for step in range(steps):
        scores = [model.outputs(x) for x in X]
        loss = softmax_cross_entropy(scores, labels)
        accuracy = sum(_argmax([s.data for s in row]) == t for row, t in zip(scores, labels)) / len(labels)
        history.append((loss.data, accuracy))
        progress(step, f"loss {loss.data:.4f}  accuracy {accuracy:6.1%}")
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()

    accuracy = sum(_argmax(predict(model, x)) == t for x, t in zip(X, labels)) / len(labels)
    print(f"Final training accuracy: {accuracy:.0%}")
    files = _pictures(model, X, labels, history, classes, out)
    return {"model": model, "loss": history[-1][0], "accuracy": accuracy, "history": history, "files": files}


def _argmax(values: list[float]) -> int:
    return max(range(len(values)), key=values.__getitem__)


def _pictures(model: MLP, X, labels, history, classes: int, out: Path) -> list[Path]:
    fig = figure(width=5.2, height=4.8)
    if fig is None:
        no_pictures()
        return []
    from matplotlib.colors import ListedColormap

    gx, gy = grid(X, steps=150, margin=0.25)
    regions = [[_argmax(predict(model, [a, b])) for a in gx] for b in gy]
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
    files = [save(fig, out / "spiral-regions.png")]

    curve = figure(width=6.0, height=3.8)
    ax = curve.add_subplot()
    steps = range(1, len(history) + 1)
    ax.plot(steps, [h[0] for h in history], color="#333333", label="loss")
    ax.set_xlabel("step")
    ax.set_ylabel("loss (softmax cross-entropy)")
    ax.set_ylim(bottom=0)
    ax.grid(alpha=0.3)
    right = ax.twinx()
    right.plot(steps, [100 * h[1] for h in history], color="#1a9850", label="accuracy")
    right.set_ylabel("training accuracy (%)", color="#1a9850")
    right.set_ylim(0, 105)
    ax.set_title("Training on the spiral")
    ax.legend(handles=ax.get_lines() + right.get_lines(), loc="center right")
    files.append(save(curve, out / "spiral-loss.png"))
    return files
