"""Vanishing gradients: how big the gradient is at each layer of a deep network.

Backpropagation multiplies, layer after layer, by ``W^T`` and by ``sigma'(z)``.  The
sigmoid's slope is at most 1/4, so in a deep sigmoid network the gradient shrinks by a
factor of several at every layer and the first layers barely learn.  tanh (slope up to 1)
with Xavier initialisation, and ReLU (slope 1 where active) with He initialisation, keep it
at a steady size.  The demo measures the gradient of the same loss, on the same data, for
three networks of the same shape.
"""

from __future__ import annotations

import math
from pathlib import Path

from ..nn.datasets import make_moons
from ..nn.losses import binary_cross_entropy
from ..nn.modules import MLP
from ._common import figure, no_pictures, output_dir, save

__all__ = ["run", "SUMMARY", "gradient_sizes", "NETWORKS"]

SUMMARY = "a deep sigmoid net vs tanh (Xavier) and ReLU (He): the gradient's size layer by layer"

NETWORKS = {  # name: (activation, init)
    "sigmoid, uniform(-1, 1)": ("sigmoid", "micrograd"),
    "sigmoid, Xavier": ("sigmoid", "xavier"),
    "tanh, Xavier": ("tanh", "xavier"),
    "ReLU, He": ("relu", "he"),
}


def gradient_sizes(model: MLP, X, labels) -> list[float]:
    """The root-mean-square of dL/dw over each layer's weights, first layer first."""
    model.zero_grad()
    loss = binary_cross_entropy([model(x) for x in X], labels)
    loss.backward()
    sizes = []
    for layer in model.layers:
        grads = [w.grad for n in layer.neurons for w in n.w]
        sizes.append(math.sqrt(sum(g * g for g in grads) / len(grads)))
    return sizes


def run(seed: int = 0, out: str | Path = "demo-output", depth: int = 10, width: int = 8) -> dict:
    """Measure, print a table, and save ``vanishing-gradients.png``."""
    out = output_dir(out)  # made first: a bad --out fails before the work, not after
    X, labels = make_moons(32, noise=0.1, seed=seed)
    shape = [width] * depth + [1]
    print(f"Networks MLP(2, {shape}): {depth} hidden layers of {width}, a linear output; the same 32 moons points.")
    print("Size of the gradient at each layer: RMS of dL/dw over the layer's weights (L = binary cross-entropy).\n")
    results = {}
    for name, (activation, init) in NETWORKS.items():
        model = MLP(2, shape, activation=activation, init=init, seed=seed)
        results[name] = gradient_sizes(model, X, labels)

    names = list(NETWORKS)
    print(f"  {'layer':<14}" + "".join(f"{name:>25}" for name in names))
    for i in range(len(shape)):
        where = " (input)" if i == 0 else " (output)" if i == len(shape) - 1 else ""
        print(f"  {str(i + 1) + where:<14}" + "".join(f"{results[name][i]:>25.2e}" for name in names))
    ratios = "".join(f"{results[name][0] / results[name][-1]:>25.1e}" for name in names)
    print(f"  {'first / last':<14}{ratios}")
    print("\nEach layer back multiplies the gradient by W^T and by sigma'(z). The sigmoid's slope is at most")
    print("1/4, so its gradient shrinks at every layer and the first layers barely learn; tanh (slope up to 1)")
    print("with Xavier's scale and ReLU (slope 1 where active) with He's keep it at a steady size.")

    files = _picture(results, out, depth, width)
    return {"sizes": results, "files": files}


def _picture(results: dict, out: Path, depth: int, width: int) -> list[Path]:
    fig = figure(width=6.4, height=4.2)
    if fig is None:
        no_pictures()
        return []
    ax = fig.add_subplot()
    styles = ["#d73027", "#fc8d59", "#4575b4", "#1a9850"]
    for (name, sizes), colour in zip(results.items(), styles):
        ax.semilogy(range(1, len(sizes) + 1), sizes, marker="o", color=colour, label=name)
    ax.set_xlabel("layer (1 = nearest the input)")
    ax.set_ylabel("gradient size (RMS of dL/dw)")
    ax.set_title(f"Gradient size per layer, {depth} hidden layers of {width}")
    ax.set_xticks(range(1, depth + 2))
    ax.grid(alpha=0.3, which="both")
    ax.legend()
    return [save(fig, out / "vanishing-gradients.png")]
