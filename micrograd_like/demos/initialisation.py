"""Initialisation: the same deep tanh network, trained from weights drawn at different scales.

Every run uses the same data, the same network (four tanh hidden layers of 8), the same loss
and the same optimiser; only the spread of the initial weights changes.  Each weight is drawn
from N(0, (gain * sqrt(1 / fan_in))²): gain 1 is LeCun's scale, the one that keeps a
signal's size steady through a layer of tanh units, which are close to linear around 0.

- Too small (gain 0.1): every layer shrinks the signal, so the output is almost 0 whatever
  the input, and the gradient shrinks the same way going back: the first layers get almost
  none.  The loss sits at log 2 = 0.693 (a coin toss): training has stalled.  At gain 0.3
  the same happens more mildly: the loss falls, but slowly.
- Too large (gain 10): the pre-activations are huge, so most tanh units saturate at ±1, where
  their slope is 0, and pass no gradient back; the others pass it back multiplied by large
  weights, so it explodes.  The output starts far too confident (a large loss), and training
  is slow and erratic.
- In between, near gain 1, the signal and the gradient keep their size and the network
  trains to 100%.

The verdict printed for each gain comes from its numbers alone: see :func:`verdict`.
"""

from __future__ import annotations

import math
import textwrap
from pathlib import Path

from ..nn.datasets import make_moons
from ..nn.losses import binary_cross_entropy
from ..nn.modules import INITS, MLP
from ..nn.optim import SGD
from ._common import Diverged, figure, no_pictures, output_dir, percent, save, train

__all__ = ["run", "SUMMARY", "GAINS", "SHAPE", "diagnose", "verdict", "TRAINED_LOSS", "STALLED"]

SUMMARY = "a deep tanh network from initial weights 0.1x to 10x LeCun's scale: too small or too large stalls"

GAINS = (0.1, 0.3, 1.0, 3.0, 10.0)
"""Multiples of LeCun's scale sqrt(1 / fan_in) for the initial weights' standard deviation."""

SHAPE = [8, 8, 8, 8, 1]
"""Four tanh hidden layers of 8 and a linear output: deep enough for the scale to compound."""

TRAINED_LOSS = 0.1
"""A run whose last loss is below this has "trained": on average it gives the right class a
probability of about 0.9 or more."""

STALLED = 0.9
"""A run whose last loss is still above this fraction of log 2 (the loss of a coin toss) has "stalled"."""

FADED = 0.05
"""A last hidden layer's signal (RMS) below this at the start: the signal faded."""

SATURATED = 0.5
"""This fraction of tanh units saturated at the start, or more: the units saturated."""

UNDECIDED = 0.01
"""A run whose scores all end within this of 0 has an accuracy that is a coin toss."""


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
              f"{percent(start['saturated'])} of tanh units saturated, first layer's gradient {start['gradient']:.2g}")
        optimizer = SGD(model.parameters(), lr=lr, momentum=0.9)
        try:
            history = train(model, X, labels, _loss, _class, optimizer, steps, lines=4, compiled=True)
            diverged, end = None, diagnose(model, X, labels)
        except Diverged as error:  # one scale blowing up is a result here, not the end of the demo
            print(f"  {error}")
            history, diverged, end = [], error.step, None
        results[gain] = {**start, "history": history, "diverged_at": diverged, "end": end}
        results[gain]["verdict"] = verdict(results[gain])

    print(f"\nAfter {steps} steps (signal, saturated and gradient are at the start, before any update):\n")
    print(_table(results))
    if any(_undecided(r) for r in results.values()):
        print(f"  * every score is within ±{UNDECIDED:g} of 0 (probability 0.5 ± {UNDECIDED / 4:.2g}): the guesses")
        print("    are the signs of numbers near 0, so this accuracy is a coin toss, not learning.")
    print(_first_guesses(results))
    print("\n" + textwrap.fill(
        f"Verdicts: trained if the last loss is below {TRAINED_LOSS:g}; stalled if it is still above "
        f"{percent(STALLED)} of log 2 = {math.log(2):.3f}, a coin toss; slow in between. The reason given is from "
        f"the start: the signal faded (below {FADED:g}) or most units ({percent(SATURATED)} or more) saturated.",
        width=96))
    print("\nToo small a scale: each layer shrinks the signal, and the gradient shrinks the same way going")
    print("back, so the first layers get almost none; the scores stay near 0 and the loss near log 2")
    print("(stalled), or it falls only slowly (slow). Too large: most tanh units saturate at ±1, where")
    print("their slope is 0, and pass no gradient back, while the rest pass it back times large weights:")
    print("it explodes. The output starts wildly over-confident (the large first loss) and training is")
    print("slow and erratic. Near LeCun's scale, gain 1, the signal and the gradient keep their size")
    print("from layer to layer, and the network trains.")
    files = _picture(results, out)
    return {"results": results, "files": files}


def diagnose(model: MLP, X, labels) -> dict:
    """At the current weights: how big the last hidden layer's signal is (RMS over the points),
    the fraction of hidden tanh units saturated (|a| > 0.99), the first layer's gradient
    (RMS of dL/dw over its weights), the largest score's size, each point's guess and the
    accuracy of those guesses."""
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
    guesses = tuple(_class([s.data]) for s in scores)
    return {
        "signal": math.sqrt(sum(v * v for v in last) / len(last)),
        "saturated": sum(abs(v) > 0.99 for v in every) / len(every),
        "gradient": math.sqrt(sum(g * g for g in grads) / len(grads)),
        "score": max(abs(s.data) for s in scores),
        "guesses": guesses,
        "accuracy": sum(g == t for g, t in zip(guesses, labels)) / len(labels),
    }


def verdict(result: dict) -> str:
    """What the run's numbers say: "trained", "slow" or "stalled" from its last loss (see
    :data:`TRAINED_LOSS` and :data:`STALLED`), or "diverged"; with the reason the starting
    diagnosis gives when it did not train (the signal faded, or the units saturated)."""
    if result["diverged_at"] is not None:
        outcome = f"diverged at step {result['diverged_at']}"
    else:
        last = result["history"][-1][0]
        if last < TRAINED_LOSS:
            return "trained"
        outcome = "stalled" if last > STALLED * math.log(2) else "slow"
    if result["signal"] < FADED:
        return f"{outcome}: the signal faded"
    if result["saturated"] >= SATURATED:
        return f"{outcome}: {percent(result['saturated'])} of units saturated"
    return outcome


def _first_guesses(results: dict) -> str:
    """Why every gain's step 0 has (nearly) the same accuracy, and why it may be below 50%."""
    starts = list(results.values())
    alike = sum(len(set(point)) == 1 for point in zip(*(r["guesses"] for r in starts)))
    low, high = min(r["accuracy"] for r in starts), max(r["accuracy"] for r in starts)
    accuracy = f"{percent(low)} at every gain" if low == high else f"from {percent(low)} to {percent(high)}"
    text = (f"Step 0: every gain scales the same random draw of weights, so the untrained networks guess "
            f"alike ({alike} of the {len(starts[0]['guesses'])} points get the same guess at every gain), "
            f"and their accuracy, {accuracy}, is the luck of that draw.")
    if low < 0.5:
        text += f" An accuracy below 50% says only that the opposite guesses would do better ({percent(1 - low)})."
    return "\n" + textwrap.fill(text + " Before training, the loss says more than the accuracy.", width=96)


def _undecided(result: dict) -> bool:
    return result["end"] is not None and result["end"]["score"] < UNDECIDED


def _table(results: dict) -> str:
    """The summary, one row per gain, in aligned columns."""
    header = ["gain", "signal", "saturated", "1st-layer gradient", "first loss", "last loss", "accuracy", "verdict"]
    rows = []
    for gain, r in results.items():
        if r["history"]:
            (first, _), (last, accuracy) = r["history"][0], r["history"][-1]
            losses = [f"{first:.3g}", f"{last:.3g}", f"{percent(accuracy)}" + ("*" if _undecided(r) else " ")]
        else:
            losses = ["-", "-", "- "]
        rows.append([f"{gain:g}", f"{r['signal']:.2g}", f"{percent(r['saturated'])}", f"{r['gradient']:.2g}",
                     *losses, r["verdict"]])
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header))]

    def line(cells: list[str]) -> str:  # numbers to the right, the verdict to the left
        return "  " + "  ".join(c.rjust(w) for c, w in zip(cells[:-1], widths)) + "  " + cells[-1]

    return "\n".join([line(header), line(["-" * w for w in widths]), *map(line, rows)])


def _loss(outputs, labels):
    """Binary cross-entropy as ``relu(z) - y*z + log(1 + exp(-|z|))``: no exp can overflow.

    :func:`~micrograd_like.nn.losses.binary_cross_entropy` picks its form by the sign of z with a
    Python ``if``; here relu and abs make that choice inside their own rules, so one traced
    graph serves every step of the compiled training (see :func:`compile_graph`).
    """
    terms = [z.relu() - y * z + (1 + (-abs(z)).exp()).log() for (z,), y in zip(outputs, labels)]
    return sum(terms[1:], terms[0]) * (1.0 / len(terms))


def _class(outputs: list[float]) -> int | None:
    """Class 1 for a positive score, 0 for a negative one; a score of exactly 0 picks neither."""
    if outputs[0] == 0:
        return None
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
            ax.plot(range(len(history)), [h[0] for h in history], label=f"gain {gain:g}: {percent(history[-1][1])}")
    ax.axhline(math.log(2), color="#999999", linestyle="dotted", linewidth=1, label="log 2: a coin toss")
    ax.set_xlabel("step (updates made)")
    ax.set_ylabel("loss (binary cross-entropy)")
    ax.set_yscale("log")
    ax.set_title("Same network, same data: only the initial scale differs\n(legend: final training accuracy)",
                 fontsize=10)
    ax.grid(alpha=0.3, which="both")
    ax.legend()
    return [save(fig, out / "initialisation.png")]
