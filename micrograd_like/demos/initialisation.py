"""Initialisation: the same deep tanh network, trained from weights drawn at different scales.

Every run uses the same data, the same network (four tanh hidden layers of 8), the same loss
and the same optimiser; only the spread of the initial weights changes.  Each weight is drawn
from N(0, (gain * sqrt(1 / fan_in))²): gain 1 is LeCun's scale, the one that keeps a
signal's size steady through a layer of tanh units, which are close to linear around 0.

- Too small (gain 0.1): every layer shrinks the signal, so the output is almost 0 whatever
  the input, and the gradient shrinks the same way going back: the first layers get almost
  none.  The loss sits at log 2 = 0.693 (a coin toss) and training goes nowhere.
- Too large (gain 10): the pre-activations are huge, so most tanh units saturate at ±1, where
  their slope is 0, and pass no gradient back; the others pass it back multiplied by large
  weights, so it explodes.  The output starts far too confident (a large loss), and training
  stalls at a poor fit.
- In between, near gain 1, the signal and the gradient keep their size and the network
  trains to 100%.
"""

from __future__ import annotations

import math
from pathlib import Path

from ..datasets import make_moons
from ..losses import binary_cross_entropy
from ..nn import INITS, MLP
from ..optim import SGD
from ._common import Diverged, figure, no_pictures, output_dir, save, train

__all__ = ["run", "SUMMARY", "GAINS", "SHAPE", "diagnose"]

SUMMARY = "a deep tanh network from initial weights 0.1x to 10x LeCun's scale: too small or too large stalls"

GAINS = (0.1, 0.3, 1.0, 3.0, 10.0)
"""Multiples of LeCun's scale sqrt(1 / fan_in) for the initial weights' standard deviation."""

SHAPE = [8, 8, 8, 8, 1]
"""Four tanh hidden layers of 8 and a linear output: deep enough for the scale to compound."""


def run(steps: int = 100, lr: float = 0.1, seed: int = 0, out: str | Path = "demo-output") -> dict:
    """Train once per gain in :data:`GAINS`, print what happened and why; save ``initialisation.png``."""
    out = output_dir(out)  # made first: a bad --out fails before the work, not after
    X, labels = make_moons(40, noise=0.1, seed=seed)
    print(f"The same network, MLP(2, {SHAPE}) with tanh, trained {steps} steps on {len(X)} moons points")
    print(f"(binary cross-entropy, SGD with momentum 0.9, lr {lr:g}); weights ~ N(0, (gain * sqrt(1/fan_in))²).")
    print("  step k: the loss and training accuracy after k updates (step 0: before any)")
    results = {}
    for gain in GAINS:
        model = MLP(2, SHAPE, activation="tanh", init=_lecun(gain), seed=seed)
        start = diagnose(model, X, labels)
        print(f"\nGain {gain:g}: last hidden layer's signal {start['signal']:.2g}, "
              f"{start['saturated']:.0%} of tanh units saturated, first layer's gradient {start['gradient']:.2g}")
        optimizer = SGD(model.parameters(), lr=lr, momentum=0.9)
        try:
            history = train(model, X, labels, _loss, _class, optimizer, steps, lines=4)
            diverged = None
        except Diverged as error:  # one scale blowing up is a result here, not the end of the demo
            print(f"  {error}")
            history, diverged = [], error.step
        results[gain] = {**start, "history": history, "diverged_at": diverged}

    print(f"\n  {'gain':>5} {'signal':>7} {'saturated':>9} {'1st-layer grad':>14} "
          f"{'first loss':>10} {'last loss':>9} {'accuracy':>8}  verdict")
    for gain, r in results.items():
        if r["diverged_at"] is not None:
            losses, verdict = f"{'-':>10} {'-':>9} {'-':>8}", f"diverged at step {r['diverged_at']}"
        else:
            (first, _), (last, accuracy) = r["history"][0], r["history"][-1]
            losses, verdict = f"{first:>10.3g} {last:>9.3g} {accuracy:>8.0%}", _verdict(r, gain)
        print(f"  {gain:>5g} {r['signal']:>7.2g} {r['saturated']:>9.0%} {r['gradient']:>14.2g} {losses}  {verdict}")
    print("\nToo small (gain < 1): each layer shrinks the signal, and the gradient shrinks the same way going")
    print("back, so the first layers get almost none; the output stays near 0 and the loss near log 2 = 0.693,")
    print("a coin toss (the accuracy is then the sign of a number near 0). Too large (gain > 1): most tanh units")
    print("saturate at ±1, where their slope is 0, and pass no gradient back, while the rest pass it back times")
    print("large weights: it explodes. The output starts wildly over-confident (the large first loss) and")
    print("training stalls at a poor fit. Near LeCun's scale, gain 1, the signal and the gradient keep their")
    print("size from layer to layer, and the network trains.")
    files = _picture(results, out)
    return {"results": results, "files": files}


def diagnose(model: MLP, X, labels) -> dict:
    """At the current weights: how big the last hidden layer's signal is (RMS over the points),
    the fraction of hidden tanh units saturated (|a| > 0.99), and the first layer's gradient
    (RMS of dL/dw over its weights)."""
    hidden: list[list[float]] = []
    scores = []
    for x in X:
        a = x
        for layer in model.layers[:-1]:
            a = layer.outputs(a)
            hidden.append([v.data for v in a])
        scores.append(model.layers[-1](a))
    last = [v for row in hidden[len(model.layers) - 2 :: len(model.layers) - 1] for v in row]
    every = [v for row in hidden for v in row]
    model.zero_grad()
    binary_cross_entropy(scores, labels).backward()
    grads = [w.grad for n in model.layers[0].neurons for w in n.w]
    model.zero_grad()
    return {
        "signal": math.sqrt(sum(v * v for v in last) / len(last)),
        "saturated": sum(abs(v) > 0.99 for v in every) / len(every),
        "gradient": math.sqrt(sum(g * g for g in grads) / len(grads)),
    }


def _verdict(result: dict, gain: float) -> str:
    accuracy = result["history"][-1][1]
    if accuracy >= 0.95:
        return "trains"
    return "stalled: signal and gradient faded" if gain < 1 else "stalled: units saturated, gradient erratic"


def _loss(outputs, labels):
    return binary_cross_entropy([o[0] for o in outputs], labels)


def _class(outputs: list[float]) -> int:
    return int(outputs[0] > 0)


def _lecun(gain: float):
    """``gain`` times :mod:`~micrograd_like.nn`'s ``"lecun"`` initialisation."""

    def draw(fan_in, fan_out, rng):
        return gain * INITS["lecun"](fan_in, fan_out, rng)

    draw.__name__ = f"normal(0, ({gain:g} * sqrt(1/fan_in))²)"
    return draw


def _picture(results: dict, out: Path) -> list[Path]:
    fig = figure(width=6.4, height=4.2)
    if fig is None:
        no_pictures()
        return []
    ax = fig.add_subplot()
    for gain, r in results.items():
        history = r["history"]
        if history:
            ax.plot(range(len(history)), [h[0] for h in history], label=f"gain {gain:g}: {history[-1][1]:.0%}")
    ax.axhline(math.log(2), color="#999999", linestyle="dotted", linewidth=1, label="log 2: a coin toss")
    ax.set_xlabel("step (updates made)")
    ax.set_ylabel("loss (binary cross-entropy)")
    ax.set_yscale("log")
    ax.set_title("Same network, same data: only the initial scale differs\n(legend: final training accuracy)",
                 fontsize=10)
    ax.grid(alpha=0.3, which="both")
    ax.legend()
    return [save(fig, out / "initialisation.png")]
