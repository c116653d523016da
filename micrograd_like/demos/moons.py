"""micrograd's demo: an MLP learns to separate two moons, and draws where it put the boundary.

The recipe is micrograd's own: 100 points, ``MLP(2, [16, 16, 1])`` (ReLU hidden layers, a
linear output whose sign is the class), the max-margin loss plus 1e-4 times the squared
weights, and plain gradient descent whose rate falls linearly from 1.0 to 0.1.
"""

from __future__ import annotations

from pathlib import Path

from ..nn.datasets import make_moons
from ..nn.losses import hinge_loss, l2_penalty
from ..nn.modules import MLP
from ..nn.optim import SGD, LinearDecay
from ._common import figure, grid, loss_curve, no_pictures, output_dir, outputs_on_grid, percent, save, train

__all__ = ["run", "SUMMARY"]

SUMMARY = "micrograd's demo: train MLP(2, [16, 16, 1]) on two moons to 100% accuracy; draw the boundary"


def run(steps: int = 100, lr: float = 1.0, seed: int = 1337, out: str | Path = "demo-output") -> dict:
    """Train on the moons, print progress, save ``moons-boundary.png`` and ``moons-loss.png``.

    The learning rate falls linearly from ``lr`` to ``lr / 10`` over the run.  Returns the
    final loss and accuracy, the model, the history and the files written; raises
    :class:`Diverged` (and draws nothing) if the loss blows up.
    """
    out = output_dir(out)  # made first: a bad --out fails before the work, not after
    X, labels = make_moons(100, noise=0.1, seed=seed)
    y = [2 * label - 1 for label in labels]  # the hinge loss wants -1 / +1
    model = MLP(2, [16, 16, 1], seed=seed)
    optimizer = SGD(model.parameters(), lr=LinearDecay(lr, lr / 10, steps))
    print(f"Training {model} on {len(X)} moons points, {steps} steps.")
    print(f"  loss = mean(max(0, 1 - y * score)) + 1e-4 * sum(w²);  SGD, lr from {lr:g} to {lr / 10:g}")
    print("  step k: the loss and training accuracy after k updates (step 0: before any)")

    def loss_of(outputs, y):
        return hinge_loss([o[0] for o in outputs], y) + l2_penalty(model.parameters(), 1e-4)

    history = train(model, X, y, loss_of, _sign, optimizer, steps)
    loss, accuracy = history[-1]
    print(f"After {steps} steps: loss {loss:.4g}, training accuracy {percent(accuracy)}")
    files = _pictures(model, X, y, history, out)
    return {"model": model, "loss": loss, "accuracy": accuracy, "history": history, "files": files}


def _sign(outputs: list[float]) -> int:
    """The predicted class, -1 or +1: the sign of the score."""
    return 1 if outputs[0] > 0 else -1


def _pictures(model: MLP, X, y, history, out: Path) -> list[Path]:
    boundary = figure(width=5.5, height=4.5)
    if boundary is None:
        no_pictures()
        return []
    gx, gy = grid(X, steps=150)
    scores = outputs_on_grid(model, gx, gy)[0]
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

    files.append(loss_curve(history, "hinge + L2", "Training on the moons", out / "moons-loss.png"))
    return files
