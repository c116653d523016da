"""Loss functions, composed from the engine's operations.

Each loss is ordinary arithmetic on Values, so its graph can be drawn and stepped through
like any other, and ``backward()`` needs nothing new.  Each takes a batch (a list of
predictions and a list of targets) and returns the *mean* over the batch as one Value.

>>> from micrograd_like import Value
>>> scores = [Value(2.0), Value(-0.5)]
>>> hinge_loss(scores, [1, 1])          # (max(0, 1 - 2) + max(0, 1 + 0.5)) / 2
Value(data=0.75, grad=0.0)
>>> round(binary_cross_entropy([Value(800.0)], [0]).data, 6)   # no overflow: it is just 800
800.0
"""

from __future__ import annotations

from collections.abc import Sequence

from ..engine.value import Value

__all__ = [
    "mse_loss",
    "hinge_loss",
    "binary_cross_entropy",
    "softmax",
    "softmax_cross_entropy",
    "l2_penalty",
]


def _batch(predictions: object, targets: object, name: str) -> tuple[list, list]:
    if isinstance(predictions, (Value, int, float)) or isinstance(targets, (int, float)):
        raise TypeError(f"{name} takes a list of predictions and a list of targets (a batch), not single numbers")
    predictions, targets = list(predictions), list(targets)
    if not predictions:
        raise ValueError(f"{name} needs at least one prediction, got an empty batch")
    if len(predictions) != len(targets):
        raise ValueError(
            f"{name} needs one target per prediction, got {len(predictions)} predictions and {len(targets)} targets"
        )
    return predictions, targets


def _mean(terms: list) -> Value:
    return sum(terms[1:], terms[0]) * (1.0 / len(terms))


def mse_loss(predictions: Sequence[Value], targets: Sequence[float]) -> Value:
    """Mean squared error: ``mean((prediction - target)²)``; d/d(prediction) = 2(prediction - target)/n."""
    predictions, targets = _batch(predictions, targets, "mse_loss")
    return _mean([(_as_value(p) - t) ** 2 for p, t in zip(predictions, targets)])


def hinge_loss(scores: Sequence[Value], labels: Sequence[int]) -> Value:
    """micrograd's max-margin loss: ``mean(max(0, 1 - label * score))`` with labels -1 or +1.

    A point costs nothing once it is on the right side with a margin of 1; otherwise the
    cost grows linearly with how far it is from that.
    """
    scores, labels = _batch(scores, labels, "hinge_loss")
    for y in labels:
        if y not in (-1, 1):
            raise ValueError(f"hinge_loss needs labels -1 or +1, got {y!r} (for 0/1 labels use 2*y - 1)")
    return _mean([(1 + -y * _as_value(s)).relu() for s, y in zip(scores, labels)])


def binary_cross_entropy(logits: Sequence[Value], labels: Sequence[float]) -> Value:
    """Cross-entropy of labels in [0, 1] against ``sigmoid(logit)``, computed from the logits.

    The textbook form ``-y log σ(z) - (1 - y) log(1 - σ(z))`` breaks for large |z|: σ(-800)
    rounds to 0 and its log is -inf.  The same quantity written without σ never overflows:

        z ≥ 0:   (1 - y) z + log(1 + exp(-z))
        z < 0:    -y z     + log(1 + exp(z))

    (both are ``log(1 + exp(z)) - y z``, the exponent kept ≤ 0).  Its gradient is the famous
    ``σ(z) - y`` (divided by the batch size), including at z = 0.  The chain rule reaches it
    through the graph's own nodes, e.g. ``(1 - y) - exp(-z) / (1 + exp(-z))`` for z ≥ 0, so it
    matches ``σ(z) - y`` computed directly to rounding (within a few 1e-16), not always
    to the last bit:

    >>> import math
    >>> z = Value(0.3)
    >>> binary_cross_entropy([z], [1]).backward()
    >>> z.grad, 1 / (1 + math.exp(-0.3)) - 1
    (-0.4255574831883411, -0.42555748318834097)
    """
    logits, labels = _batch(logits, labels, "binary_cross_entropy")
    for y in labels:
        if not 0 <= y <= 1:
            raise ValueError(f"binary_cross_entropy needs labels between 0 and 1, got {y!r}")
    terms = []
    for z, y in zip(logits, labels):
        z = _as_value(z)
        if z.data >= 0:
            terms.append((1 - y) * z + (1 + (-z).exp()).log())
        else:
            terms.append(-y * z + (1 + z.exp()).log())
    return _mean(terms)


def softmax(logits: Sequence[Value]) -> list[Value]:
    """Probabilities ``exp(z_i) / sum_j exp(z_j)``, computed as ``exp(z_i - m) / sum_j exp(z_j - m)``.

    Subtracting the largest logit ``m`` (a constant) changes nothing mathematically and keeps
    every exponent ≤ 0, so no exp overflows.
    """
    logits = [_as_value(z) for z in logits]
    if not logits:
        raise ValueError("softmax needs at least one logit")
    m = max(_data(z) for z in logits)
    exps = [(z - m).exp() for z in logits]
    total = sum(exps[1:], exps[0])
    return [e / total for e in exps]


def softmax_cross_entropy(logits: Sequence[Sequence[Value]], labels: Sequence[int]) -> Value:
    """Mean of ``-log softmax(z)[label]`` over a batch: one list of class scores per example.

    Written as ``log(sum_j exp(z_j - m)) - (z_label - m)`` with ``m`` the largest score (the
    log-sum-exp trick), so logits of any size are fine.  Its gradient with respect to each
    score is ``softmax(z)_j - [j == label]``.
    """
    logits, labels = _batch(logits, labels, "softmax_cross_entropy")
    terms = []
    for scores, label in zip(logits, labels):
        if isinstance(scores, (Value, int, float)):
            raise TypeError("softmax_cross_entropy needs a list of class scores per example (use MLP.outputs)")
        scores = [_as_value(z) for z in scores]
        if not isinstance(label, int) or isinstance(label, bool) or not 0 <= label < len(scores):
            raise ValueError(f"softmax_cross_entropy needs class labels 0..{len(scores) - 1}, got {label!r}")
        m = max(_data(z) for z in scores)
        exps = [(z - m).exp() for z in scores]
        terms.append(sum(exps[1:], exps[0]).log() - (scores[label] - m))
    return _mean(terms)


def l2_penalty(parameters: Sequence[Value], alpha: float = 1e-4) -> Value:
    """``alpha * sum(p²)``: weight decay written as a loss term (micrograd's ``reg_loss``)."""
    parameters = list(parameters)
    if not parameters:
        raise ValueError("l2_penalty needs at least one parameter")
    squares = [p * p for p in parameters]
    return alpha * sum(squares[1:], squares[0])


def _data(x: object) -> float:
    return x.data if isinstance(x, Value) else float(x)


def _as_value(x: object) -> Value:
    return x if isinstance(x, Value) else Value(x)
