"""micrograd's demo: an MLP learns to separate two moons, and draws where it put the boundary.

The recipe is micrograd's own: 100 points, ``MLP(2, [16, 16, 1])`` (ReLU hidden layers, a
linear output whose sign is the class), the max-margin loss plus 1e-4 times the squared
weights, and plain gradient descent whose rate falls linearly from 1.0 to 0.1.
"""

from __future__ import annotations

from pathlib import Path

from ..datasets import make_moons
from ..losses import hinge_loss, l2_penalty
from ..nn import MLP
from ..optim import SGD, LinearDecay
from ._common import Progress, figure, grid, no_pictures, output_dir, predict, save

__all__ = ["run", "SUMMARY"]

SUMMARY = "micrograd's demo: train MLP(2, [16, 16, 1]) on two moons to 100% accuracy; draw the boundary"


def run(steps: int = 100, lr: float = 1.0, seed: int = 1337, out: str | Path = "demo-output") -> dict:
    """Train on the moons, print progress, save ``moons-boundary.png`` and ``moons-loss.png``.

    The learning rate falls linearly from ``lr`` to ``lr / 10`` over the run.  Returns the
    final loss and accuracy, the model, the history and the files written.
    """
    out = output_dir(out)  # made first: a bad --out fails before the work, not after
    X, labels = make_moons(100, noise=0.1, seed=seed)
    y = [2 * label - 1 for label in labels]  # the hinge loss wants -1 / +1
    model = MLP(2, [16, 16, 1], seed=seed)
    optimizer = SGD(model.parameters(), lr=LinearDecay(lr, lr / 10, steps))
    print(f"Training {model} on {len(X)} moons points, {steps} steps.")
    print(f"  loss = mean(max(0, 1 - y * score)) + 1e-4 * sum(w²);  SGD, lr from {lr:g} to {lr / 10:g}")

    progress = Progress(steps)
    history: list[tuple[float, float]] = []
    for step in range(steps):
        scores = [model(x) for x in X]
        loss = hinge_loss(scores, y) + l2_penalty(model.parameters(), 1e-4)
        accuracy = sum((s.data > 0) == (t > 0) for s, t in zip(scores, y)) / len(y)
        history.append((loss.data, accuracy))
        progress(step, f"loss {loss.data:.4f}  accuracy {accuracy:6.1%}")
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()

    # The numbers after the last update (the loop reports each step's *starting* point).
    scores = [predict(model, x)[0] for x in X]
    accuracy = sum((s > 0) == (t > 0) for s, t in zip(scores, y)) / len(y)
    print(f"Final training accuracy: {accuracy:.0%}")

    files = _pictures(model, X, y, history, out)
    return {"model": model, "loss": history[-1][0], "accuracy": accuracy, "history": history, "files": files}


def _pictures(model: MLP, X, y, history, out: Path) -> list[Path]:
    boundary = figure(width=5.5, height=4.5)
    if boundary is None:
        no_pictures()
        return []
    gx, gy = grid(X, steps=150)
    scores = [[predict(model, [a, b])[0] for a in gx] for b in gy]
    ax = boundary.add_subplot()
    # Colour by score, clipped so the far corners do not wash out the region near the points.
    levels = [-2.5 + 5.0 * i / 20 for i in range(21)]
    ax.contourf(gx, gy, scores, levels=levels, cmap="RdBu_r", alpha=0.5, extend="both")
    ax.contour(gx, gy, scores, levels=[-1.0, 1.0], colors="#555555", linewidths=0.8, linestyles="dashed")
    ax.contour(gx, gy, scores, levels=[0.0], colors="black", linewidths=1.8)
    for label, colour, marker in ((1, "#b2182b", "o"), (-1, "#2166ac", "s")):
        points = [p for p, t in zip(X, y) if t == label]
        ax.scatter(
            [p[0] for p in points],
            [p[1] for p in points],
            c=colour,
            marker=marker,
            s=30,
            edgecolors="white",
            linewidths=0.7,
            label=f"class {label:+d}",
        )
    ax.set_title(
        "MLP(2, [16, 16, 1]) on the moons\nboundary: score = 0 (solid), margins: score = ±1 (dashed)", fontsize=10
    )
    ax.set_xlabel("x₁")
    ax.set_ylabel("x₂")
    ax.legend(loc="upper right", framealpha=0.9)
    files = [save(boundary, out / "moons-boundary.png")]

    curve = figure(width=6.0, height=3.8)
    ax = curve.add_subplot()
    steps = range(1, len(history) + 1)
    ax.plot(steps, [h[0] for h in history], color="#333333", label="loss")
    ax.set_xlabel("step")
    ax.set_ylabel("loss (hinge + L2)")
    ax.set_ylim(bottom=0)
    ax.grid(alpha=0.3)
    right = ax.twinx()
    right.plot(steps, [100 * h[1] for h in history], color="#1a9850", label="accuracy")
    right.set_ylabel("training accuracy (%)", color="#1a9850")
    right.set_ylim(0, 105)
    ax.set_title("Training on the moons")
    ax.legend(handles=ax.get_lines() + right.get_lines(), loc="center right")
    files.append(save(curve, out / "moons-loss.png"))
    return files
