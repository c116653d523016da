"""Optimisers (SGD with momentum and weight decay, Adam) and learning-rate schedules.

An optimiser holds a list of parameters and moves each one against its gradient:

>>> from micrograd_like import Value
>>> w = Value(3.0)
>>> opt = SGD([w], lr=0.1)
>>> loss = w * w                 # d(loss)/dw = 2w = 6
>>> opt.zero_grad(); loss.backward(); opt.step()
>>> round(w.data, 12)            # 3 - 0.1 * 6
2.4

The learning rate may be a number or a *schedule*: any callable from the step number
(0, 1, 2, ...) to a rate.  micrograd's moons demo decays it linearly from 1.0 to 0.1:

>>> schedule = LinearDecay(1.0, 0.1, steps=100)
>>> [round(schedule(k), 3) for k in (0, 50, 99, 100, 500)]
[1.0, 0.55, 0.109, 0.1, 0.1]
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from ..engine.value import Value
from .validation import finite_number, whole_number

__all__ = ["Optimizer", "SGD", "Adam", "LinearDecay", "ExponentialDecay", "CosineDecay", "Diverged"]

Schedule = Callable[[int], float]


class Diverged(ArithmeticError):
    """Training blew up: the loss overflowed a float, stopped being a number, or exploded.

    ``step`` is the state it happened in (state k: the model after k updates), ``loss`` the
    number the loss reached (None when a number overflowed a float on the way), and ``advice``
    what to do about it, in the words of whoever trains: the command line's ``--lr``, a
    notebook's learning rate.

    >>> print(Diverged(3, float("inf"), advice="try a smaller --lr"))
    the loss diverged at step 3 (it reached inf): try a smaller --lr
    >>> print(Diverged(0))
    the loss diverged at step 0 (a number overflowed a float): lower the learning rate
    """

    def __init__(self, step: int, loss: float | None = None, advice: str = "lower the learning rate") -> None:
        self.step, self.loss, self.advice = step, loss, advice
        reached = "a number overflowed a float" if loss is None else f"it reached {loss:.4g}"
        super().__init__(f"the loss diverged at step {step} ({reached}): {advice}")


class Optimizer:
    """What every optimiser shares: the parameters, the learning rate, a step counter."""

    def __init__(self, params: Iterable[Value], lr: float | Schedule) -> None:
        self.params = list(params)
        if not self.params:
            raise ValueError(f"{type(self).__name__} got no parameters to optimise (pass model.parameters())")
        for p in self.params:
            if not isinstance(p, Value):
                raise TypeError(f"{type(self).__name__} optimises Values, got {type(p).__name__}: {p!r}")
        if not callable(lr):
            finite_number(lr, "lr", positive=True)
        self.lr = lr
        self.weight_decay = 0.0
        self.steps = 0  # how many times step() has run

    @property
    def current_lr(self) -> float:
        """The learning rate the next step() will use."""
        lr = self.lr(self.steps) if callable(self.lr) else self.lr
        return finite_number(lr, f"the learning rate at step {self.steps}", positive=True)

    def zero_grad(self) -> None:
        """Set every parameter's gradient to 0.0 (do it before each ``backward()``)."""
        for p in self.params:
            p.grad = 0.0

    def step(self) -> None:
        """Move every parameter using its current gradient.

        After ``backward(create_graph=True)`` the gradients are Values; a step uses their
        numbers (as PyTorch's optimisers do), so ``p.data`` stays a float:

        >>> w = Value(3.0)
        >>> opt = SGD([w], lr=0.1)
        >>> (w * w * w).backward(create_graph=True)      # d(w³)/dw = 3w² = 27, as a Value
        >>> opt.step()
        >>> w.data                                       # 3 - 0.1 * 27
        0.2999999999999998

        A step is all or nothing: it works out every new number first (the parameters and
        the optimiser's own state, such as momentum) and changes nothing if one of them is
        not finite, so that fixing the gradients and stepping again works as if the refused
        step had never been tried.
        """
        lr = self.current_lr
        gradients = [self._gradient(p) for p in self.params]
        for p, g in zip(self.params, gradients):
            if g - g != 0.0:  # inf or nan
                error, what = (FloatingPointError, "nan, not a number") if g != g else (OverflowError, f"{g!r}")
                raise error(f"the gradient of {_name(p)} is {what}: the step is refused and nothing was "
                            "changed (zero the gradients, or find where they went wrong)")
        new_data, new_state = self._proposed(lr, gradients)
        for p, new in zip(self.params, new_data):
            if new - new != 0.0:
                raise OverflowError(f"this step would make {_name(p)} {new!r} (from {p.data!r}): the numbers are "
                                    f"too large for a float; try a smaller learning rate than {lr!r}")
        for name, values in new_state.items():
            if not all(v is None or math.isfinite(v) for v in values):
                raise OverflowError(f"this step would make the optimiser's {name} too large for a float; "
                                    f"nothing was changed: try a smaller learning rate than {lr!r}")
        for p, new in zip(self.params, new_data):  # all checked: now commit
            p.data = new
        for name, values in new_state.items():
            setattr(self, name, values)
        self.steps += 1

    def _gradient(self, p: Value) -> float:
        """``p``'s gradient as a number, plus ``weight_decay * p`` (the gradient of the L2 term)."""
        g = p.grad
        if isinstance(g, Value):  # made by backward(create_graph=True): its number is the gradient
            g = g.data
        return g + self.weight_decay * p.data

    def _proposed(self, lr: float, gradients: list[float]) -> tuple[list[float], dict[str, list]]:
        """The parameters' new numbers and the optimiser's new state, changing neither."""
        raise NotImplementedError

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}({len(self.params)} parameters, lr={self.lr!r}{self._options()}, steps={self.steps})"
        )

    def _options(self) -> str:
        return ""


class SGD(Optimizer):
    """Stochastic gradient descent, with optional momentum and weight decay (as in PyTorch).

    For each parameter ``p`` with gradient ``g``::

        g = g + weight_decay * p              # the gradient of (weight_decay / 2) * p²
        v = momentum * v + g                  # v starts at g on the first step
        p = p - lr * v

    With momentum 0 this is plain gradient descent, ``p -= lr * g``.
    """

    def __init__(
        self,
        params: Iterable[Value],
        lr: float | Schedule = 0.01,
        momentum: float = 0.0,
        weight_decay: float = 0.0,
    ) -> None:
        super().__init__(params, lr)
        self.momentum = finite_number(momentum, "momentum", upper=1.0)
        self.weight_decay = finite_number(weight_decay, "weight_decay")
        self.velocity: list[float | None] = [None] * len(self.params)

    def _proposed(self, lr: float, gradients: list[float]) -> tuple[list[float], dict[str, list]]:
        if not self.momentum:
            return [p.data - lr * g for p, g in zip(self.params, gradients)], {}
        velocity = [g if v is None else self.momentum * v + g for v, g in zip(self.velocity, gradients)]
        return [p.data - lr * v for p, v in zip(self.params, velocity)], {"velocity": velocity}

    def _options(self) -> str:
        return f", momentum={self.momentum!r}, weight_decay={self.weight_decay!r}"


class Adam(Optimizer):
    """Adam (Kingma & Ba, 2015): a step per parameter scaled by its recent gradients' size.

    For each parameter with gradient ``g``, at step t = 1, 2, ...::

        m = beta1 * m + (1 - beta1) * g         # running mean of the gradient
        s = beta2 * s + (1 - beta2) * g²        # running mean of its square
        p = p - lr * (m / (1 - beta1**t)) / (sqrt(s / (1 - beta2**t)) + eps)

    The divisions by ``1 - beta**t`` undo the bias of starting m and s at 0.
    ``weight_decay`` adds ``weight_decay * p`` to the gradient first (L2, as in PyTorch's Adam).
    """

    def __init__(
        self,
        params: Iterable[Value],
        lr: float | Schedule = 0.001,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 0.0,
    ) -> None:
        super().__init__(params, lr)
        self.beta1 = finite_number(betas[0], "betas[0]", upper=1.0)
        self.beta2 = finite_number(betas[1], "betas[1]", upper=1.0)
        self.eps = finite_number(eps, "eps", positive=True)
        self.weight_decay = finite_number(weight_decay, "weight_decay")
        self.m = [0.0] * len(self.params)
        self.s = [0.0] * len(self.params)

    def _proposed(self, lr: float, gradients: list[float]) -> tuple[list[float], dict[str, list]]:
        t = self.steps + 1
        correct1, correct2 = 1 - self.beta1**t, 1 - self.beta2**t
        m = [self.beta1 * m + (1 - self.beta1) * g for m, g in zip(self.m, gradients)]
        s = [self.beta2 * s + (1 - self.beta2) * g * g for s, g in zip(self.s, gradients)]
        new_data = [p.data - lr * (m_i / correct1) / (math.sqrt(s_i / correct2) + self.eps)
                    for p, m_i, s_i in zip(self.params, m, s)]
        return new_data, {"m": m, "s": s}

    def _options(self) -> str:
        return f", betas=({self.beta1!r}, {self.beta2!r}), eps={self.eps!r}, weight_decay={self.weight_decay!r}"


# -- learning-rate schedules: callables from the step number to a rate -------------------------


def _check_span(schedule: LinearDecay | CosineDecay) -> None:
    """What a schedule from ``start`` to ``end`` over ``steps`` steps needs: two positive rates
    and a positive whole number of steps."""
    finite_number(schedule.start, "start", positive=True)
    finite_number(schedule.end, "end", positive=True)
    whole_number(schedule.steps, "steps")


@dataclass(frozen=True)
class LinearDecay:
    """From ``start`` at step 0 to ``end`` at step ``steps`` in a straight line, then ``end``."""

    start: float
    end: float
    steps: int

    def __post_init__(self) -> None:
        _check_span(self)

    def __call__(self, step: int) -> float:
        # Written as micrograd writes 1.0 - 0.9*k/100, so that the numbers match to the last bit.
        return self.start - (self.start - self.end) * min(step, self.steps) / self.steps


@dataclass(frozen=True)
class ExponentialDecay:
    """``start * gamma ** step``: the rate shrinks by the factor ``gamma`` every step."""

    start: float
    gamma: float

    def __post_init__(self) -> None:
        finite_number(self.start, "start", positive=True)
        if finite_number(self.gamma, "gamma", positive=True) > 1:
            raise ValueError(f"gamma must be at most 1 (a decay), got {self.gamma!r}")

    def __call__(self, step: int) -> float:
        return self.start * self.gamma**step


@dataclass(frozen=True)
class CosineDecay:
    """From ``start`` to ``end`` along half a cosine over ``steps`` steps, then ``end``."""

    start: float
    end: float
    steps: int

    def __post_init__(self) -> None:
        _check_span(self)

    def __call__(self, step: int) -> float:
        fraction = min(step, self.steps) / self.steps
        return self.end + (self.start - self.end) * (1 + math.cos(math.pi * fraction)) / 2


def _name(p: Value) -> str:
    return repr(p.label) if p.label else "a parameter"
