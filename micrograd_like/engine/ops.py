"""The primitive table: all of the engine's calculus, one row per operation.

Each :class:`Primitive` puts an operation's *forward rule* (how the output is computed from
the inputs) beside its *local derivatives* (how the output changes with each input), and
beside everything else that is about that one operation: how it is written in an
expression, each derivative in words, the notes a student is told about it, and the same
rules as Python code for a compiler.  The engine records the local derivatives on every
node it builds; ``backward()`` multiplies them by the upstream gradient (the chain rule)
in one place.  The parser, the command line, the drawing, the stepper and the tests read
the rows from the registry (:mod:`.registry`; what a row is, and the rules it is checked for,
is :mod:`.primitive`), so adding an operation means adding one row:

>>> cube = register(Primitive("cube", "cube", lambda x: x**3, lambda x, out: (3 * x * x,),
...                           "cube({0})", ("3*{0}²",)))
>>> find("cube") is cube, "cube" in function_names()
(True, True)
>>> unregister("cube")

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

from .primitive import CODE_GLOBALS, Note, Primitive
from .registry import (
    ENTRY_POINT_GROUP,
    PRIMITIVES,
    PluginError,
    built_in_rows,
    find,
    function_names,
    load_plugins,
    mark_built_in,
    register,
    registry,
    unregister,
)
from .rules import (  # the rules in their checked, stable forms, and functions for floats and Values alike
    _constant_power,
    _divide,
    _exp,
    _expm1,
    _log,
    _log1p,
    _maximum_grads,
    _power_of_values,
    _relu,
    _sigmoid,
    _softplus,
    _sqrt,
    _tan,
    _value_of,
    absolute,
    cos,
    cosh,
    exp,
    log,
    relu,
    sigmoid,
    sin,
    sinh,
    sqrt,
    tanh,
)

__all__ = [
    "Primitive",
    "Note",
    "PluginError",
    "ENTRY_POINT_GROUP",
    "PRIMITIVES",
    "CODE_GLOBALS",
    "register",
    "unregister",
    "registry",
    "find",
    "function_names",
    "built_in_rows",
    "load_plugins",
    "power",
    "weighted_sum",
    "exp",
    "log",
    "tanh",
    "sigmoid",
    "relu",
    "sqrt",
    "sin",
    "cos",
    "absolute",
    "sinh",
    "cosh",
]


# -- the table --------------------------------------------------------------------------------
# Each row: name, symbol drawn in the graph, forward rule, local derivatives (the inputs and
# the output in, one d(out)/d(input) per input out), how the operation is written, and each
# local derivative in words; then the same rules as code, and the notes for students.  The
# rules may use the output: exp's derivative *is* its output.

_FLIPS_SIGN = Note("making {p} bigger makes {formula} smaller, so the local derivative is -1: "
                   "the gradient comes back with its sign flipped")
_USES_OUTPUT = Note("the local derivative is computed from the node's output ({out}), "
                    "which the forward pass already has")


def _dead(reason: str) -> Note:
    return Note(reason + ", so its slope is 0: no gradient reaches {p}", when=lambda local: local == 0)


ADD = register(Primitive("add", "+", operator.add, lambda a, b, out: (1.0, 1.0), "{0} + {1}", ("1", "1"),
                         forward_code="{0} + {1}", grads_code=("1.0", "1.0"), by_hand=True))
SUB = register(Primitive("sub", "-", operator.sub, lambda a, b, out: (1.0, -1.0), "{0} - {1}", ("1", "-1"),
                         forward_code="{0} - {1}", grads_code=("1.0", "-1.0"), by_hand=True,
                         notes=(Note(_FLIPS_SIGN.text, operand=1),)))
MUL = register(Primitive("mul", "*", operator.mul, lambda a, b, out: (b, a), "{0}*{1}", ("{1}", "{0}"),
                         forward_code="{0} * {1}", grads_code=("{1}", "{0}"), by_hand=True))
DIV = register(Primitive("div", "/", _divide, lambda a, b, out: (1 / b, -out / b), "{0}/{1}", ("1/{1}", "-{0}/{1}²"),
                         forward_code="_divide({0}, {1})", grads_code=("1 / {1}", "-{out} / {1}"), by_hand=True))
NEG = register(Primitive("neg", "neg", lambda a: -a, lambda a, out: (-1.0,), "-{0}", ("-1",),
                         forward_code="-{0}", grads_code=("-1.0",), notes=(_FLIPS_SIGN,), by_hand=True))
POW = register(Primitive(
    "pow", "**", _power_of_values, lambda a, b, out: (b * a ** (b - 1), out * log(a)),
    "{0}**{1}", ("{1}*{0}**({1} - 1)", "{0}**{1} * log({0})"),
    forward_code="_power_of_values({0}, {1})", grads_code=("{1} * {0} ** ({1} - 1)", "{out} * _log({0})"),
))
EXP = register(Primitive("exp", "exp", _exp, lambda x, out: (out,), "exp({0})", ("exp({0})",),
                         forward_code="_exp({0})", grads_code=("{out}",), doc="e to the power x.",
                         notes=(Note("exp is its own derivative: the local derivative is the node's own output, "
                                     "already computed in the forward pass"),)))
LOG = register(Primitive("log", "log", _log, lambda x, out: (1 / x,), "log({0})", ("1/{0}",),
                         forward_code="_log({0})", grads_code=("1 / {0}",),
                         doc="The natural logarithm (x must be positive)."))
TANH = register(Primitive("tanh", "tanh", math.tanh, lambda x, out: (1 - out * out,), "tanh({0})", ("1 - tanh({0})²",),
                          forward_code="math.tanh({0})", grads_code=("1 - {out} * {out}",), notes=(_USES_OUTPUT,),
                          doc="The hyperbolic tangent."))
SIGMOID = register(Primitive(
    "sigmoid", "σ", _sigmoid, lambda x, out: (out * (1 - out),), "σ({0})", ("σ({0})*(1 - σ({0}))",),
    written="sigmoid", forward_code="_sigmoid({0})", grads_code=("{out} * (1 - {out})",), notes=(_USES_OUTPUT,),
    doc="The logistic function 1 / (1 + exp(-x)).",
))
RELU = register(Primitive(
    "relu", "ReLU", _relu,
    lambda x, out: (1.0,) if _value_of(x) > 0 else (0.0,),  # (constant tuples: nothing to allocate)
    "relu({0})", ("1 if {0} > 0 else 0",),
    forward_code="({0} if {0} > 0 else 0.0)", grads_code=("1.0 if {0} > 0 else 0.0",),
    notes=(_dead("relu's input is not positive here"),), by_hand=True,
    doc="max(0, x); its derivative at 0 is taken as 0.",
))
SQRT = register(Primitive("sqrt", "sqrt", _sqrt, lambda x, out: (0.5 / out,), "sqrt({0})", ("1/(2*sqrt({0}))",),
                          forward_code="_sqrt({0})", grads_code=("0.5 / {out}",),
                          doc="The square root (x must be positive)."))
SIN = register(Primitive("sin", "sin", math.sin, lambda x, out: (cos(x),), "sin({0})", ("cos({0})",),
                         forward_code="math.sin({0})", grads_code=("math.cos({0})",), doc="The sine (radians)."))
COS = register(Primitive("cos", "cos", math.cos, lambda x, out: (-sin(x),), "cos({0})", ("-sin({0})",),
                         forward_code="math.cos({0})", grads_code=("-math.sin({0})",), doc="The cosine (radians)."))
ABS = register(Primitive(
    "abs", "abs", abs, lambda x, out: (math.copysign(1.0, _value_of(x)) if _value_of(x) else 0.0,),
    "abs({0})", ("sign({0})",),
    forward_code="abs({0})", grads_code=("math.copysign(1.0, {0}) if {0} else 0.0",), by_hand=True,
    doc="|x|; its derivative at 0 is taken as 0.",
))
# -- added as rows and nothing else --
TAN = register(Primitive("tan", "tan", _tan, lambda x, out: (1 + out * out,), "tan({0})", ("1 + tan({0})²",),
                         forward_code="_tan({0})", grads_code=("1 + {out} * {out}",), notes=(_USES_OUTPUT,),
                         doc="The tangent (radians), away from the odd multiples of π/2."))
SINH = register(Primitive("sinh", "sinh", math.sinh, lambda x, out: (cosh(x),), "sinh({0})", ("cosh({0})",),
                          forward_code="math.sinh({0})", grads_code=("math.cosh({0})",),
                          doc="The hyperbolic sine."))
COSH = register(Primitive("cosh", "cosh", math.cosh, lambda x, out: (sinh(x),), "cosh({0})", ("sinh({0})",),
                          forward_code="math.cosh({0})", grads_code=("math.sinh({0})",),
                          doc="The hyperbolic cosine."))
ARCTAN = register(Primitive("arctan", "arctan", math.atan, lambda x, out: (1 / (1 + x * x),), "arctan({0})",
                            ("1/(1 + {0}²)",), forward_code="math.atan({0})", grads_code=("1 / (1 + {0} * {0})",),
                            doc="The inverse tangent, in radians."))
LOG1P = register(Primitive("log1p", "log1p", _log1p, lambda x, out: (1 / (1 + x),), "log1p({0})", ("1/(1 + {0})",),
                           forward_code="_log1p({0})", grads_code=("1 / (1 + {0})",),
                           doc="log(1 + x), every digit kept for x near 0 (x must be above -1)."))
EXPM1 = register(Primitive("expm1", "expm1", _expm1, lambda x, out: (exp(x),), "expm1({0})", ("exp({0})",),
                           forward_code="_expm1({0})", grads_code=("_exp({0})",),
                           doc="exp(x) - 1, every digit kept for x near 0."))
SOFTPLUS = register(Primitive(
    "softplus", "softplus", _softplus, lambda x, out: (sigmoid(x),), "softplus({0})", ("σ({0})",),
    forward_code="_softplus({0})", grads_code=("_sigmoid({0})",),
    notes=(Note("softplus is a smooth relu: its slope σ({p}) is never quite 0, so some gradient always gets "
                "through"),),
    doc="log(1 + exp(x)), a smooth relu, in a form that never overflows.",
))
MAXIMUM = register(Primitive(
    "maximum", "max", max, _maximum_grads, "maximum({0}, {1})",
    ("1 if {0} > {1} else 0.5 if {0} == {1} else 0", "1 if {1} > {0} else 0.5 if {0} == {1} else 0"),
    forward_code="max({0}, {1})",
    grads_code=("1.0 if {0} > {1} else 0.5 if {0} == {1} else 0.0", "1.0 if {1} > {0} else 0.5 if {0} == {1} else 0.0"),
    notes=(_dead("{p} is the smaller operand of {formula}"),
           Note("a tie: {formula} has no slope here, so each operand gets half of the gradient (as in PyTorch)",
                when=lambda local: local == 0.5)),
    by_hand=True, doc="The larger of x and y; at a tie each gets half of the gradient.",
))


def _silu_slope(s, out):
    return (s + out * (1 - s),)  # d(x·σ(x))/dx = σ + x·σ·(1 - σ) = σ + out·(1 - σ)


SILU = register(Primitive(
    "silu", "SiLU", lambda x: x * _sigmoid(x), lambda x, out: _silu_slope(sigmoid(x), out),
    "silu({0})", ("σ({0}) + silu({0})*(1 - σ({0}))",),
    forward_code="{0} * _sigmoid({0})", grads_code=("_sigmoid({0}) + {out} * (1 - _sigmoid({0}))",),
    notes=(Note("silu is x·σ(x), a smooth relu: its slope σ({p}) + silu({p})·(1 - σ({p})) uses the node's output "
                "({out}), and is near 1 where {p} is large and near 0 where it is very negative, with no sudden "
                "switch at 0"),),
    doc="x·σ(x), also called swish: a smooth relu that lets a little of a negative input through "
        "(EfficientNet uses it, and LLaMA's SwiGLU layers).",
))


mark_built_in()


def _shown(n: float) -> str:
    return repr(int(n)) if n.is_integer() else repr(n)


@functools.lru_cache(maxsize=128)
def power(exponent: float) -> Primitive:
    """The primitive ``x ** exponent`` for a constant exponent: d(x**n)/dx = n * x**(n-1).

    The exponent is part of the operation (the graph shows ``**2``), not an input, so a
    negative base with a whole-number exponent is fine: ``(-3) ** 2 == 9``.
    """
    n = float(exponent)
    shown, lower = _shown(n), n - 1

    def local_grads(x, out):
        return (n * x ** (n - 1),) if n != 0 else (0.0,)

    if n in (0, 1, 2):
        words = ("0", "1", "2*{0}")[int(n)]
    else:
        words = f"{shown}*{{0}}**{_shown(lower) if lower >= 0 else f'({_shown(lower)})'}"
    grad_code = f"{n!r} * {{0}} ** ({lower!r})" if n != 0 else "0.0"
    return Primitive(f"pow{shown}", f"**{shown}", functools.partial(_constant_power, n=n), local_grads,
                     "{0}**" + shown, (words,), forward_code=f"_constant_power({{0}}, {n!r})", grads_code=(grad_code,))


class _WeightedSum(Primitive):
    """A row :func:`weighted_sum` makes: one pattern for every n, not read again for each.

    Reading a row's templates as Python is fine for a row of one or two operands; a weighted
    sum of n inputs has 2n + 1, its code and notation thousands of terms long, and reading
    them would cost many times what the node costs (a neuron of 8,000 inputs: a third of a
    second).  The pattern is checked whole instead, by the tests: the rows it makes for many n,
    made again as plain Primitives, pass every check (tests/test_registry.py)."""

    def __post_init__(self) -> None:
        object.__setattr__(self, "arity", len(self.grad_words))


@functools.cache
def weighted_sum(n: int) -> Primitive:
    """The primitive ``w1*x1 + ... + wn*xn + b`` as ONE node: a neuron's pre-activation.

    Its 2n + 1 operands are the weights w1..wn, the inputs x1..xn, then the bias b, and its
    local derivatives are d/dwi = xi, d/dxi = wi, d/db = 1.  It computes exactly what the
    chain of n multiplications and n additions would (same operations, same order, so the
    same bits) in one node instead of 2n: a smaller graph to draw and a faster one to run.
    Making the row takes time in proportion to n (see :class:`_WeightedSum`).
    """
    if n < 1:
        raise ValueError(f"a weighted sum needs at least one weight, got {n}")

    def forward(*operands: float) -> float:
        return sum(map(operator.mul, operands[:n], operands[n : 2 * n]), operands[2 * n])

    def local_grads(*operands_and_out):
        return (*operands_and_out[n : 2 * n], *operands_and_out[:n], 1.0)

    notation = " + ".join(f"{{{i}}}*{{{n + i}}}" for i in range(n)) + f" + {{{2 * n}}}"
    grad_words = tuple(f"{{{n + i}}}" for i in range(n)) + tuple(f"{{{i}}}" for i in range(n)) + ("1",)
    products = ", ".join(f"{{{i}}} * {{{n + i}}}" for i in range(n))
    return _WeightedSum(f"weighted_sum{n}", "Σ", forward, local_grads, notation, grad_words,
                        forward_code=f"sum(({products},), {{{2 * n}}})",  # sum(), as forward: the same bits
                        grads_code=(*grad_words[: 2 * n], "1.0"))
