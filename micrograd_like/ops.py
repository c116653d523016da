"""The primitive table: all of the engine's calculus, one row per operation.

Each :class:`Primitive` puts an operation's *forward rule* (how the output is computed from
the inputs) beside its *local derivatives* (how the output changes with each input).  The
engine records those local derivatives on every node it builds; ``backward()`` multiplies
them by the upstream gradient (the chain rule) in one place, and the drawing, the stepper,
and the tests all read the same rows.  Adding a primitive means adding one row here.

The local-derivative rules are written with ordinary arithmetic and with the dispatching
functions below (:func:`exp`, :func:`cos`, ...), so the same rule works on plain floats
(what a node records when it is made) and on Values (what ``backward(create_graph=True)``
needs to differentiate a derivative again).

>>> MUL.forward(2.0, -3.0), MUL.local_grads(2.0, -3.0, -6.0)
(-6.0, (-3.0, 2.0))
>>> TANH.local_grads(0.5, math.tanh(0.5)) == (1 - math.tanh(0.5) ** 2,)
True
"""

from __future__ import annotations

import functools
import math
import operator
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

__all__ = [
    "Primitive",
    "PRIMITIVES",
    "power",
    "exp",
    "log",
    "tanh",
    "sigmoid",
    "relu",
    "sqrt",
    "sin",
    "cos",
    "absolute",
]


@dataclass(frozen=True)
class Primitive:
    """One differentiable operation of the engine.

    ``forward(*inputs)`` computes the output from the input numbers, raising a specific
    error (ValueError, ZeroDivisionError, OverflowError) for inputs outside its domain.
    ``local_grads(*inputs, out)`` returns one local derivative d(out)/d(input) per input.
    ``notation`` writes the operation with ``{0}``, ``{1}`` for its operands, and
    ``grad_words`` gives each local derivative as a formula in the same placeholders
    (``{out}`` is the output): ``d(a*b)/da = b`` is ``notation="{0}*{1}"``,
    ``grad_words[0]="{1}"``.
    """

    name: str
    symbol: str
    forward: Callable[..., float]
    local_grads: Callable[..., tuple[Any, ...]]
    notation: str
    grad_words: tuple[str, ...]

    @functools.cached_property
    def arity(self) -> int:
        """How many operands the operation takes (the placeholders of its notation)."""
        return len(set(re.findall(r"\{(\d+)\}", self.notation)))

    def __repr__(self) -> str:
        return f"<primitive {self.name}: {self.notation.format(*(f'x{i}' for i in range(self.arity)))}>"


# -- functions that work on floats and on Values alike ---------------------------------------
# The derivative rules use these, so that one rule serves both first and higher derivatives.


def _is_number(x: object) -> bool:
    return isinstance(x, (int, float))


def exp(x):
    """e to the power x (a float for a float, a Value for a Value)."""
    return _exp(x) if _is_number(x) else x.exp()


def log(x):
    """The natural logarithm of x > 0."""
    return _log(x) if _is_number(x) else x.log()


def tanh(x):
    """The hyperbolic tangent of x."""
    return math.tanh(x) if _is_number(x) else x.tanh()


def sigmoid(x):
    """The logistic function 1 / (1 + e^-x)."""
    return _sigmoid(x) if _is_number(x) else x.sigmoid()


def relu(x):
    """max(0, x)."""
    return _relu(x) if _is_number(x) else x.relu()


def sqrt(x):
    """The square root of x > 0."""
    return _sqrt(x) if _is_number(x) else x.sqrt()


def sin(x):
    """The sine of x (radians)."""
    return math.sin(x) if _is_number(x) else x.sin()


def cos(x):
    """The cosine of x (radians)."""
    return math.cos(x) if _is_number(x) else x.cos()


def absolute(x):
    """|x|."""
    return abs(x) if _is_number(x) else x.abs()


def _value_of(x) -> float:
    """The number inside a Value, or the number itself: for rules that branch on a sign."""
    return x if _is_number(x) else x.data


# -- forward rules that need more than one expression ---------------------------------------


def _exp(x: float) -> float:
    try:
        return math.exp(x)
    except OverflowError:
        raise OverflowError(f"exp({x!r}) is too large for a float (exp overflows above x = 709.78)") from None


def _log(x: float) -> float:
    if x <= 0:
        raise ValueError(f"log needs a positive input, got {x!r}")
    return math.log(x)


def _sigmoid(x: float) -> float:
    # Two forms so that exp never overflows: for x < 0, 1/(1+e^-x) = e^x/(1+e^x).
    if x >= 0:
        return 1.0 / (1.0 + math.exp(-x))
    e = math.exp(x)
    return e / (1.0 + e)


def _relu(x: float) -> float:
    return x if x > 0 else 0.0


def _sqrt(x: float) -> float:
    if x <= 0:
        # At 0 the square root's slope 1/(2*sqrt(x)) is infinite: no finite gradient exists.
        raise ValueError(f"sqrt needs a positive input (its derivative is infinite at 0), got {x!r}")
    return math.sqrt(x)


def _divide(a: float, b: float) -> float:
    if b == 0:
        raise ZeroDivisionError(f"division by zero: {a!r} / {b!r}")
    return a / b


def _power_of_values(a: float, b: float) -> float:
    # d(a**b)/db = a**b * log(a) exists only for a > 0.
    if a <= 0:
        raise ValueError(
            f"a ** b with a Value exponent needs a positive base (d/db = a**b * log(a)), got base {a!r}; "
            "for a constant exponent use a plain number: x ** 2"
        )
    return _checked_pow(a, b)


def _checked_pow(a: float, b: float) -> float:
    if a == 0 and b < 0:
        raise ZeroDivisionError(f"{a!r} ** {b!r} divides by zero")
    if a < 0 and b != int(b):
        raise ValueError(f"({a!r}) ** {b!r} is not a real number: a negative base needs a whole-number exponent")
    try:
        return math.pow(a, b)
    except OverflowError:
        raise OverflowError(f"{a!r} ** {b!r} is too large for a float") from None


# -- the table --------------------------------------------------------------------------------
# Each row: name, symbol drawn in the graph, forward rule, local derivatives (the inputs and
# the output in, one d(out)/d(input) per input out), how the operation is written, and each
# local derivative in words.  The rules may use the output: exp's derivative *is* its output.

ADD = Primitive("add", "+", lambda a, b: a + b, lambda a, b, out: (1.0, 1.0), "{0} + {1}", ("1", "1"))
SUB = Primitive("sub", "-", lambda a, b: a - b, lambda a, b, out: (1.0, -1.0), "{0} - {1}", ("1", "-1"))
MUL = Primitive("mul", "*", lambda a, b: a * b, lambda a, b, out: (b, a), "{0}*{1}", ("{1}", "{0}"))
DIV = Primitive("div", "/", _divide, lambda a, b, out: (1 / b, -out / b), "{0}/{1}", ("1/{1}", "-{0}/{1}²"))
NEG = Primitive("neg", "neg", lambda a: -a, lambda a, out: (-1.0,), "-{0}", ("-1",))
POW = Primitive(
    "pow",
    "**",
    _power_of_values,
    lambda a, b, out: (b * a ** (b - 1), out * log(a)),
    "{0}**{1}",
    ("{1}*{0}**({1} - 1)", "{0}**{1} * log({0})"),
)
EXP = Primitive("exp", "exp", _exp, lambda x, out: (out,), "exp({0})", ("exp({0})",))
LOG = Primitive("log", "log", _log, lambda x, out: (1 / x,), "log({0})", ("1/{0}",))
TANH = Primitive("tanh", "tanh", math.tanh, lambda x, out: (1 - out * out,), "tanh({0})", ("1 - tanh({0})²",))
SIGMOID = Primitive("sigmoid", "σ", _sigmoid, lambda x, out: (out * (1 - out),), "σ({0})", ("σ({0})*(1 - σ({0}))",))
RELU = Primitive(
    "relu",
    "ReLU",
    _relu,
    lambda x, out: (1.0,) if _value_of(x) > 0 else (0.0,),  # (constant tuples: nothing to allocate)
    "relu({0})",
    ("1 if {0} > 0 else 0",),
)
SQRT = Primitive("sqrt", "sqrt", _sqrt, lambda x, out: (0.5 / out,), "sqrt({0})", ("1/(2*sqrt({0}))",))
SIN = Primitive("sin", "sin", math.sin, lambda x, out: (cos(x),), "sin({0})", ("cos({0})",))
COS = Primitive("cos", "cos", math.cos, lambda x, out: (-sin(x),), "cos({0})", ("-sin({0})",))
ABS = Primitive(
    "abs",
    "abs",
    abs,
    lambda x, out: (math.copysign(1.0, _value_of(x)) if _value_of(x) else 0.0,),
    "abs({0})",
    ("sign({0})",),
)


@functools.lru_cache(maxsize=128)
def power(exponent: float) -> Primitive:
    """The primitive ``x ** exponent`` for a constant exponent: d(x**n)/dx = n * x**(n-1).

    The exponent is part of the operation (the graph shows ``**2``), not an input, so a
    negative base with a whole-number exponent is fine: ``(-3) ** 2 == 9``.
    """
    n = float(exponent)
    shown = repr(int(n)) if n.is_integer() else repr(n)

    def forward(x: float) -> float:
        if x == 0 and 0 < n < 1:
            raise ValueError(f"0.0 ** {shown} has an infinite derivative at 0")
        return _checked_pow(x, n)

    def local_grads(x, out):
        return (n * x ** (n - 1),) if n != 0 else (0.0,)

    lower = n - 1
    lower_shown = repr(int(lower)) if lower.is_integer() else repr(lower)
    if n == 0:
        words = "0"
    elif n == 1:
        words = "1"
    elif n == 2:
        words = "2*{0}"
    else:
        words = f"{shown}*{{0}}**{lower_shown if lower >= 0 else f'({lower_shown})'}"
    return Primitive(f"pow{shown}", f"**{shown}", forward, local_grads, "{0}**" + shown, (words,))


@functools.cache
def weighted_sum(n: int) -> Primitive:
    """The primitive ``w1*x1 + ... + wn*xn + b`` as ONE node: a neuron's pre-activation.

    Its 2n + 1 operands are the weights w1..wn, the inputs x1..xn, then the bias b, and its
    local derivatives are d/dwi = xi, d/dxi = wi, d/db = 1.  It computes exactly what the
    chain of n multiplications and n additions would (same operations, same order, so the
    same bits) in one node instead of 2n: a smaller graph to draw and a faster one to run.
    """
    if n < 1:
        raise ValueError(f"a weighted sum needs at least one weight, got {n}")

    def forward(*operands: float) -> float:
        return sum(map(operator.mul, operands[:n], operands[n : 2 * n]), operands[2 * n])

    def local_grads(*operands_and_out):
        return (*operands_and_out[n : 2 * n], *operands_and_out[:n], 1.0)

    notation = " + ".join(f"{{{i}}}*{{{n + i}}}" for i in range(n)) + f" + {{{2 * n}}}"
    grad_words = tuple(f"{{{n + i}}}" for i in range(n)) + tuple(f"{{{i}}}" for i in range(n)) + ("1",)
    return Primitive(f"weighted_sum{n}", "Σ", forward, local_grads, notation, grad_words)


PRIMITIVES: dict[str, Primitive] = {
    p.name: p for p in (ADD, SUB, MUL, DIV, NEG, POW, EXP, LOG, TANH, SIGMOID, RELU, SQRT, SIN, COS, ABS)
}
"""Every fixed primitive by name (``power(n)`` and ``weighted_sum(n)`` make the others on demand)."""
