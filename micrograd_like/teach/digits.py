"""The digits a student computes with: how many each number of a quiz is written with.

A student computes each answer from the numbers the quiz shows, not from the floats behind
them: 1 - 0.99933² (tanh(4.0) to 5 digits) is 0.1% off 1 - tanh(4.0)², and 1.0 + (-1.0)
is not 1.0000123 + (-1.0).  So each step's numbers are shown with as many digits as make
every answer computed from them land within half the tolerance of the true one: the other
half is for the student's own rounding, and a wrong answer a little further off is still
wrong.  :func:`digits_needed` says which numbers need more than the usual DIGITS; the quiz
writes its texts inside ``digits_for(...)`` with them.

>>> from micrograd_like import Value
>>> x = Value(4.0, label="x")
>>> y = x.tanh(); y.label = "y"
>>> digits_needed(y.backward_steps().steps, ("local",), lambda answer: 1e-3 * abs(answer) / 2)[y.data]
6
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable

from .steps import Step
from .words import DIGITS, EXACT
from .words import num as _num

__all__ = ["digits_needed"]


def _error(x: float, digits: int) -> float:
    """How far ``x`` written with ``digits`` significant digits is from ``x``."""
    shown = float(_num(x, digits))
    return abs(shown - x) if math.isfinite(shown) and math.isfinite(x) else 0.0


def _read(step: Step) -> set[int]:
    """The operands whose numbers the step's rule reads: d(a*b)/da = b reads b (and a, to be sure)."""
    if step.closure or step.node.primitive is None:
        return {step.operand}
    return {step.operand, *step.node.primitive.partners(step.operand)}


def _local_error(step: Step, digits: int) -> float:
    """How far off the local derivative comes out when computed from the forward pass's numbers
    written with ``digits`` digits: each number rounded in turn (the output, or each operand,
    with the output read from the forward pass or worked out again), the effects added up.
    A rule that is a number, or a closure's measured slope, is not computed from them."""
    node = step.node
    if step.closure or step.rule_is_number or node.primitive is None:
        return 0.0
    primitive, operands, out = node.primitive, [p.data for p in node.parents], node.data

    def off(inputs: list[float], output: float) -> float:
        try:
            return abs(float(primitive.local_grads(*inputs, output)[step.operand]) - step.local)
        except (ArithmeticError, ValueError, TypeError):
            return math.inf  # rounded out of the rule's domain: more digits

    total = off(operands, float(_num(out, digits))) if _error(out, digits) else 0.0
    for i in _read(step):
        x = operands[i]
        if _error(x, digits):
            rounded = [*operands[:i], float(_num(x, digits)), *operands[i + 1:]]
            try:
                again = float(primitive.forward(*rounded))
            except (ArithmeticError, ValueError, TypeError):
                return math.inf
            total += max(off(rounded, out), off(rounded, again))
    return total


def _step_digits(step: Step, ask: tuple[str, ...], room: Callable[[float], float]) -> int:
    """The fewest significant digits (DIGITS at least; EXACT: exactly) with which the step's
    numbers give every answer asked within ``room(answer)``: the local derivative from the
    forward pass, the contribution from upstream × local, the new gradient from what the
    gradient holds + the contribution (the local derivative and the contribution computed,
    or as shown once answered)."""
    upstream, local, contribution = step.upstream, step.local, step.contribution
    now, after = step.held + step.before, step.held + step.after
    for digits in range(DIGITS, EXACT):
        off_local = _local_error(step, digits)
        off_contribution = (abs(local) * _error(upstream, digits)
                            + abs(upstream) * max(_error(local, digits), off_local))
        off_grad = _error(now, digits) + max(_error(contribution, digits), off_contribution)
        off = {"local": (off_local, local), "contribution": (off_contribution, contribution),
               "grad": (off_grad, after)}
        if all(off[kind][0] <= room(off[kind][1]) for kind in ask):
            return digits
    return EXACT


def digits_needed(steps: Iterable[Step], ask: tuple[str, ...],
                   room: Callable[[float], float]) -> dict[float, int]:
    """The numbers that need more than DIGITS digits, each with the most any step needs."""
    needed: dict[float, int] = {}
    for step in steps:
        digits = _step_digits(step, ask, room)
        if digits == DIGITS:
            continue
        numbers = [step.node.parents[i].data for i in _read(step)] + [
            step.node.data, step.upstream, step.local, step.contribution, step.before, step.after,
            step.held + step.before, step.held + step.after]
        for x in numbers:
            needed[x] = max(needed.get(x, DIGITS), digits)
    return needed


