"""Every primitive's local derivatives: against central differences and against calculus.

The finite-difference test is driven by the primitive table itself, so a primitive added
to ``micrograd_like.ops`` is checked here without a line of new test code.
"""

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from micrograd_like import Value, ops
from micrograd_like.engine import _apply

# Where each primitive's inputs are drawn from, when the default (real numbers away from
# the kinks at 0) is not its domain.
POSITIVE = st.floats(0.1, 5.0)
AWAY_FROM_ZERO = st.one_of(st.floats(-5.0, -0.1), st.floats(0.1, 5.0))
DOMAINS = {
    "log": (POSITIVE,),
    "sqrt": (POSITIVE,),
    "div": (st.floats(-5.0, 5.0), AWAY_FROM_ZERO),
    "pow": (POSITIVE, st.floats(-3.0, 3.0)),
    "relu": (AWAY_FROM_ZERO,),
    "abs": (AWAY_FROM_ZERO,),
}


def inputs_for(primitive: ops.Primitive):
    default = (AWAY_FROM_ZERO,) * primitive.arity
    return st.tuples(*DOMAINS.get(primitive.name, default))


def central_difference(f, xs: list[float], i: int, h: float = 1e-6) -> float:
    up, down = list(xs), list(xs)
    up[i] += h
    down[i] -= h
    return (f(*up) - f(*down)) / (2 * h)


CASES = [
    *ops.PRIMITIVES.values(),
    *(ops.power(n) for n in (2, 3, -1, 0.5, -1.5)),
    *(ops.weighted_sum(n) for n in (1, 3)),
]
for exponent in (0.5, -1.5):  # fractional powers need a positive base
    DOMAINS[f"pow{exponent!r}"] = (POSITIVE,)


@pytest.mark.parametrize("primitive", CASES, ids=lambda p: p.name)
@given(data=st.data())
def test_local_grads_match_central_differences(primitive, data):
    xs = list(data.draw(inputs_for(primitive)))
    out = primitive.forward(*xs)
    local = primitive.local_grads(*xs, out)
    assert len(local) == len(xs)
    for i, derivative in enumerate(local):
        estimate = central_difference(primitive.forward, xs, i)
        assert derivative == pytest.approx(estimate, rel=1e-5, abs=1e-6)


@pytest.mark.parametrize("primitive", CASES, ids=lambda p: p.name)
@given(data=st.data())
def test_the_engine_records_the_table(primitive, data):
    """A node made by the engine holds exactly the forward value and local derivatives of its row."""
    xs = list(data.draw(inputs_for(primitive)))
    parents = tuple(Value(x) for x in xs)
    node = _apply(primitive, parents)
    assert node.data == primitive.forward(*xs)
    assert node.local_grads == primitive.local_grads(*xs, node.data)
    assert node.parents == parents
    assert node.op == primitive.symbol


t = math.tanh(0.5)
s = 1 / (1 + math.exp(-0.5))
ANALYTIC = [
    # (expression on Values, its derivative written by hand, at x)
    (lambda x: x + 3, lambda x: 1.0, 0.5),
    (lambda x: 3 - x, lambda x: -1.0, 0.5),
    (lambda x: x * 3, lambda x: 3.0, 0.5),
    (lambda x: 3 / x, lambda x: -3 / x**2, 0.5),
    (lambda x: x / 4, lambda x: 0.25, 0.5),
    (lambda x: -x, lambda x: -1.0, 0.5),
    (lambda x: x**3, lambda x: 3 * x**2, -2.0),
    (lambda x: x**-2, lambda x: -2 * x**-3, -2.0),
    (lambda x: 2**x, lambda x: 2**x * math.log(2), 1.5),
    (lambda x: x**x, lambda x: x**x * (math.log(x) + 1), 1.5),
    (lambda x: x.exp(), lambda x: math.exp(x), 0.5),
    (lambda x: x.log(), lambda x: 1 / x, 0.5),
    (lambda x: x.tanh(), lambda x: 1 - t * t, 0.5),
    (lambda x: x.sigmoid(), lambda x: s * (1 - s), 0.5),
    (lambda x: x.relu(), lambda x: 1.0, 0.5),
    (lambda x: x.relu(), lambda x: 0.0, -0.5),
    (lambda x: x.relu(), lambda x: 0.0, 0.0),
    (lambda x: x.sqrt(), lambda x: 0.5 / math.sqrt(x), 0.25),
    (lambda x: x.sin(), lambda x: math.cos(x), 0.5),
    (lambda x: x.cos(), lambda x: -math.sin(x), 0.5),
    (lambda x: abs(x), lambda x: -1.0, -0.5),
    (lambda x: x.abs(), lambda x: 0.0, 0.0),
]


@pytest.mark.parametrize(("f", "df", "x0"), ANALYTIC)
def test_derivatives_match_calculus(f, df, x0):
    x = Value(x0)
    f(x).backward()
    assert x.grad == pytest.approx(df(x0), rel=1e-12)


def test_every_primitive_has_an_operator_or_method():
    """Each row of the table is reachable from a Value (so the table has no dead rows)."""
    x, y = Value(0.7), Value(1.3)
    made = {
        (x + y).primitive,
        (x - y).primitive,
        (x * y).primitive,
        (x / y).primitive,
        (-x).primitive,
        (x**y).primitive,
        x.exp().primitive,
        x.log().primitive,
        x.tanh().primitive,
        x.sigmoid().primitive,
        x.relu().primitive,
        x.sqrt().primitive,
        x.sin().primitive,
        x.cos().primitive,
        x.abs().primitive,
    }
    assert made == set(ops.PRIMITIVES.values())


@pytest.mark.parametrize(
    ("name", "x", "expected"),
    [("sigmoid", -800.0, 0.0), ("sigmoid", 800.0, 1.0), ("tanh", 800.0, 1.0), ("tanh", -800.0, -1.0)],
)
def test_saturating_functions_are_stable_at_extremes(name, x, expected):
    node = getattr(Value(x), name)()
    assert node.data == expected
    assert node.local_grads == (0.0,)


def test_sigmoid_is_accurate_for_large_negative_inputs():
    # The naive 1/(1+exp(-x)) loses everything below about -37; the stable form does not.
    assert Value(-50.0).sigmoid().data == pytest.approx(math.exp(-50.0), rel=1e-12)


def test_functions_work_on_floats_and_values_alike():
    for name in ("exp", "log", "tanh", "sigmoid", "relu", "sqrt", "sin", "cos", "absolute"):
        function = getattr(ops, name)
        assert function(Value(0.7)).data == function(0.7)


def _evaluate_words(words: str, xs: list[float], out: float) -> float:
    """A formula in words, as the stepper shows it, evaluated (our own strings, in a test only)."""
    text = words.format(*(f"({x!r})" for x in xs), out=f"({out!r})").replace("²", "**2").replace("σ", "sigmoid")
    names = {"tanh": math.tanh, "sigmoid": ops.sigmoid, "exp": math.exp, "log": math.log, "sqrt": math.sqrt,
             "sin": math.sin, "cos": math.cos, "sign": lambda v: math.copysign(1.0, v) if v else 0.0}
    return eval(text, {"__builtins__": {}}, names)


@pytest.mark.parametrize("primitive", CASES, ids=lambda p: p.name)
@given(data=st.data())
def test_the_formulas_in_words_compute_the_local_grads(primitive, data):
    """What the stepper tells a student (d(a*b)/da = b) is what the engine computes."""
    xs = list(data.draw(inputs_for(primitive)))
    out = primitive.forward(*xs)
    for words, local in zip(primitive.grad_words, primitive.local_grads(*xs, out), strict=True):
        assert _evaluate_words(words, xs, out) == pytest.approx(local, rel=1e-12, abs=1e-12)
