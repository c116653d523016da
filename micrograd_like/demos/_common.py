"""What the demos share: the training loop, progress lines, files, plotting when matplotlib is there."""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Sequence
from fractions import Fraction
from pathlib import Path

from ..compiler.compiled import CompiledLoss
from ..engine.value import Value
from ..nn.grids import grid, outputs_on_grid
from ..nn.modules import MLP
from ..nn.optim import Diverged, Optimizer

__all__ = [
    "output_dir",
    "Progress",
    "Diverged",
    "train",
    "figure",
    "save",
    "loss_curve",
    "no_pictures",
    "grid",
    "outputs_on_grid",
    "PLOT_HINT",
]

PLOT_HINT = "pip install -e '.[plot]' in a clone of the repository, or pip install matplotlib"

ADVICE = "try a smaller --lr"
"""What a demo's :class:`~micrograd_like.nn.optim.Diverged` advises (the demos run from the command line)."""

EXPLODED = 1e3
"""A loss this many times its starting value (or this big, if it started below 1) has diverged."""


def output_dir(out: str | Path) -> Path:
    """The directory for a demo's files, made if it does not exist."""
    path = Path(out)
    path.mkdir(parents=True, exist_ok=True)
    return path


class Progress:
    """Prints about 20 lines a run, each with the time so far: step 0 (the start), every few
    steps, and the last one."""

    def __init__(self, steps: int, lines: int = 20) -> None:
        self.steps = steps
        self.every = max(1, -(-steps // lines))  # ceil(steps / lines)
        self.start = time.perf_counter()

    def __call__(self, step: int, text: str) -> None:
        """Report ``text`` for the state after ``step`` updates, if it is one of the steps to show."""
        if step % self.every == 0 or step == self.steps:
            width = len(str(self.steps))
            elapsed = time.perf_counter() - self.start
            print(f"  step {step:>{width}}/{self.steps}  {text}  ({elapsed:.1f} s)", flush=True)


def train(
    model: MLP,
    X: Sequence[Sequence[float]],
    labels: Sequence,
    loss_of: Callable[[list[list[Value]], Sequence], Value],
    classify: Callable[[list[float]], object],
    optimizer: Optimizer,
    steps: int,
    lines: int = 20,
    compiled: bool = False,
    retrace_when: Callable[[list[list[float]]], object] | None = None,
) -> list[tuple[float, float]]:
    """Full-batch gradient descent, printing progress; returns ``(loss, accuracy)`` per state.

    State k is the model after k updates, so the history has ``steps + 1`` entries: the start,
    then one after each update; the last is the trained model.  ``loss_of(outputs, labels)``
    makes the loss from every point's outputs, and ``classify(numbers)`` turns one point's
    outputs into the predicted label.  A loss that overflows, becomes NaN or explodes raises
    :class:`Diverged` (the caller writes no pictures then: they would only mislead).

    ``compiled=True`` runs each step as compiled code (:func:`~micrograd_like.compile_graph`)
    instead of building the graph again: the loss is traced once, and traced again only when
    ``retrace_when(every point's output numbers)`` changes, if given.  Where the loss's graph
    does not depend on the numbers (or the key captures every choice it makes on them), the
    steps are backward()'s, bit for bit.  A step the compiled code refuses (an overflow) is
    taken by the engine instead, which says what went wrong.
    """
    progress = Progress(steps, lines)
    history: list[tuple[float, float]] = []
    fast = CompiledLoss(model, X, labels, loss_of, retrace_when) if compiled else None
    for step in range(steps + 1):
        try:
            loss, outputs = fast.run() if fast else (None, None)
        except (ArithmeticError, ValueError):
            loss = None  # the engine takes this step, and says what went wrong where it does
        if loss is None:
            loss, outputs = _engine_step(model, X, labels, loss_of, optimizer, step, steps)
        if not math.isfinite(loss) or (history and loss > EXPLODED * max(history[0][0], 1.0)):
            raise Diverged(step, loss, ADVICE)
        hits = sum(classify(out) == label for out, label in zip(outputs, labels))
        history.append((loss, hits / len(labels)))
        progress(step, f"loss {loss:<8.4g}  accuracy {hits / len(labels):6.1%}")
        if step < steps:
            optimizer.step()
    return history


def _engine_step(model, X, labels, loss_of, optimizer, step: int, steps: int) -> tuple[float, list[list[float]]]:
    """One step the engine's way: build the graph, then (unless it is the last) backpropagate."""
    try:
        outputs = [model.outputs(x) for x in X]
        loss = loss_of(outputs, labels)
    except OverflowError:
        raise Diverged(step, advice=ADVICE) from None
    if step < steps:
        optimizer.zero_grad()
        try:
            loss.backward()
        except OverflowError:
            raise Diverged(step + 1, advice=ADVICE) from None
    return loss.data, [[o.data for o in out] for out in outputs]


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


def loss_curve(history: Sequence[tuple[float, float]], loss_name: str, title: str, path: Path) -> Path:
    """The loss (left axis) and the training accuracy (right axis) against the step; saved to ``path``."""
    curve = figure(width=6.0, height=3.8)
    ax = curve.add_subplot()
    steps = range(len(history))
    ax.plot(steps, [h[0] for h in history], color="#333333", label="loss")
    ax.set_xlabel("step (updates made)")
    ax.set_ylabel(f"loss ({loss_name})")
    ax.set_ylim(bottom=0)
    ax.grid(alpha=0.3)
    right = ax.twinx()
    right.plot(steps, [100 * h[1] for h in history], color="#1a9850", label="accuracy")
    right.set_ylabel("training accuracy (%)", color="#1a9850")
    right.set_ylim(0, 105)
    ax.set_title(title)
    ax.legend(handles=ax.get_lines() + right.get_lines(), loc="center right")
    return save(curve, path)


def no_pictures() -> None:
    print(f"pictures skipped: matplotlib is not installed ({PLOT_HINT})")


def percent(fraction: float) -> str:
    """``fraction`` as a whole percentage, a half always rounded up: ``percent(0.825)`` is 83%,
    as ``percent(0.975)`` is 98%.  (Python's ``format(x, ".0%")`` rounds 0.825 down and 0.975 up, as
    their nearest floats happen to fall: a class comparing two rows would see no rule.)

    >>> percent(0.825), percent(0.975), percent(1.0), percent(0.0)
    ('83%', '98%', '100%', '0%')
    """
    exact = Fraction(fraction).limit_denominator(10**6)  # 0.825 is 33/40, whatever its float
    return f"{math.floor(exact * 100 + Fraction(1, 2))}%"
