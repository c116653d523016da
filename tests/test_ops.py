"""Every row of the primitive table: its derivatives against central differences, calculus and
PyTorch; its words and its code against its own rules; its domain errors.

Every test here is driven by the registry itself, so a row added to ``micrograd_like.engine.ops``
is checked without a line of new test code (a row whose inputs are not all real numbers
away from 0 says where to sample them in DOMAINS).
"""

import math
import operator
import re

import pytest
from helpers import central_differences
from hypothesis import given, settings
from hypothesis import strategies as st
from random_graphs import evaluate, recipes

from micrograd_like import Value, apply, ops
from micrograd_like.engine.backward import topological_order
from micrograd_like.teach.words import NEGATION, NUMBER, Term, binding, formula_of, write

BUILT_IN = list(ops.built_in_rows())  # the rows as the package ships them (no plugin's)
CASES = [
    *BUILT_IN,
    *(ops.power(n) for n in (2, 3, -1, 0.5, -1.5, 0, 1)),
    *(ops.weighted_sum(n) for n in (1, 3)),
]

# Where each row's inputs are drawn from, when the default (real numbers away from the kinks
# at 0) is not its domain or not where it is smooth.
POSITIVE = st.floats(0.1, 5.0)
AWAY_FROM_ZERO = st.one_of(st.floats(-5.0, -0.1), st.floats(0.1, 5.0))
APART = st.tuples(st.floats(-5.0, 5.0), AWAY_FROM_ZERO).map(lambda ab: (ab[0], ab[0] + ab[1]))  # no kink between
DOMAINS = {
    "log": st.tuples(POSITIVE),
    "sqrt": st.tuples(POSITIVE),
    "div": st.tuples(st.floats(-5.0, 5.0), AWAY_FROM_ZERO),
    "pow": st.tuples(POSITIVE, st.floats(-3.0, 3.0)),
    "pow0.5": st.tuples(POSITIVE),  # fractional powers need a positive base
    "pow-1.5": st.tuples(POSITIVE),
    "tan": st.tuples(st.floats(-1.4, 1.4)),  # between the poles at ±π/2
    "log1p": st.tuples(st.floats(-0.9, 5.0)),
    "maximum": APART,
}


def inputs_for(primitive: ops.Primitive):
    return DOMAINS.get(primitive.name, st.tuples(*(AWAY_FROM_ZERO,) * primitive.arity))


@pytest.mark.parametrize("primitive", CASES, ids=lambda p: p.name)
@given(data=st.data())
def test_local_grads_match_central_differences(primitive, data):
    xs = list(data.draw(inputs_for(primitive)))
    out = primitive.forward(*xs)
    local = primitive.local_grads(*xs, out)
    assert len(local) == len(xs) == primitive.arity
    estimates = central_differences(lambda point: primitive.forward(*point), xs)
    for derivative, estimate in zip(local, estimates, strict=True):
        assert derivative == pytest.approx(estimate, rel=1e-5, abs=1e-6)


@pytest.mark.parametrize("primitive", CASES, ids=lambda p: p.name)
@settings(max_examples=30)
@given(data=st.data())
def test_the_engine_records_the_table(primitive, data):
    """A node made by the engine holds exactly the forward value and local derivatives of its row."""
    xs = list(data.draw(inputs_for(primitive)))
    parents = tuple(Value(x) for x in xs)
    node = apply(primitive, *parents)
    assert node.data == primitive.forward(*xs)
    assert node.local_grads == primitive.local_grads(*xs, node.data)
    assert node.parents == parents
    assert node.op == primitive.symbol


# -- the code templates compute the very same bits, errors included ---------------------------------


def _run(template: str, xs: list[float], out: float | None = None):
    """A row's code template evaluated as a compiler would emit it (our own strings, in a test only)."""
    names = {f"x{i}": x for i, x in enumerate(xs)} | {"out": out}
    return eval(template.format(*names, out="out"), dict(ops.CODE_GLOBALS), names)


def _outcome(f, *args):
    """What calling f gives: ('value', its bits) or ('error', its type, its message)."""
    try:
        return ("value", float(f(*args)).hex())
    except (ArithmeticError, ValueError) as error:
        return ("error", type(error), str(error))


WIDE = st.floats(-800.0, 800.0)  # in and out of every domain, overflows included


@pytest.mark.parametrize("primitive", CASES, ids=lambda p: p.name)
@settings(max_examples=60)
@given(data=st.data())
def test_the_code_templates_compute_the_rules_bit_for_bit(primitive, data):
    inside = data.draw(st.booleans())
    xs = list(data.draw(inputs_for(primitive) if inside else st.tuples(*(WIDE,) * primitive.arity)))
    expected = _outcome(primitive.forward, *xs)
    assert _outcome(lambda: _run(primitive.forward_code, xs)) == expected
    if expected[0] == "error":
        return
    out = primitive.forward(*xs)
    outcomes = [_outcome(lambda code=code: _run(code, xs, out)) for code in primitive.grads_code]
    try:
        local = primitive.local_grads(*xs, out)
    except (ArithmeticError, ValueError) as error:  # d(a**b)/da at a = 5e-324, b = 0: its code fails alike
        assert ("error", type(error), str(error)) in outcomes, primitive.grads_code
        return
    for code, outcome, derivative in zip(primitive.grads_code, outcomes, local, strict=True):
        assert outcome == _outcome(lambda derivative=derivative: derivative), code


# -- the words a student reads compute what the engine computes --------------------------------------

_CALLED = re.compile(r"([^\W\d]\w*)\(")


def _functions_by_name() -> dict:
    """Each function row's forward rule under every name its words may use: 'sigmoid' and 'σ'."""
    names = {"sign": lambda v: math.copysign(1.0, v) if v else 0.0}
    for row in ops.registry().values():
        if row.written.isidentifier():
            names[row.written] = row.forward
            names[_CALLED.match(row.notation).group(1)] = row.forward
    return names


def _evaluate_words(words: str, xs: list[float], out: float) -> float:
    text = words.format(*(f"({x!r})" for x in xs), out=f"({out!r})").replace("²", "**2")
    return eval(text, {"__builtins__": {}}, _functions_by_name())


@pytest.mark.parametrize("primitive", CASES, ids=lambda p: p.name)
@settings(max_examples=30)
@given(data=st.data())
def test_the_formulas_in_words_compute_the_local_grads(primitive, data):
    """What the stepper tells a student (d(a*b)/da = b) is what the engine computes."""
    xs = list(data.draw(inputs_for(primitive)))
    out = primitive.forward(*xs)
    for words, local in zip(primitive.grad_words, primitive.local_grads(*xs, out), strict=True):
        assert _evaluate_words(words, xs, out) == pytest.approx(local, rel=1e-12, abs=1e-12)


# The stepper puts operands that are formulas themselves into the words (d(log(a*b))/d(a*b) =
# 1/(a*b)): evaluated, the words must still give the local derivative, brackets and all.


def _exact(x: float) -> Term:
    """A number as a piece of a formula, every digit kept (the stepper shows 5)."""
    return Term(repr(x), NEGATION if math.copysign(1.0, x) < 0 else NUMBER)


def _formula(row: ops.Primitive, *operands: Term) -> Term:
    return Term(write(row.notation, list(operands)), binding(row)[0])


# Formulas whose value is x to the last bit, each binding differently: a wrong bracket changes
# the value (1/h + h is not 1/(h + h)).
SHAPES = {
    "number": _exact,
    "sum": lambda x: _formula(ops.ADD, _exact(x / 2), _exact(x / 2)),
    "difference": lambda x: _formula(ops.SUB, _exact(2 * x), _exact(x)),
    "product": lambda x: _formula(ops.MUL, _exact(x / 2), _exact(2.0)),
    "quotient": lambda x: _formula(ops.DIV, _exact(2 * x), _exact(2.0)),
    "negation": lambda x: _formula(ops.NEG, _exact(-x)),
    "power": lambda x: _formula(ops.power(1), _exact(x)),
    "call": lambda x: _formula(ops.MAXIMUM, _exact(x), _exact(x)),
}


def _evaluate(text: str) -> float:
    return eval(text.replace("²", "**2"), {"__builtins__": {}}, _functions_by_name())


def _shapes_of(x: float):
    """The formulas of SHAPES that give exactly x (x/2 + x/2 is not 5e-324)."""
    exact = [shape(x) for _, shape in sorted(SHAPES.items()) if _evaluate(shape(x).text) == x]
    return st.sampled_from(exact)


@pytest.mark.parametrize("primitive", CASES, ids=lambda p: p.name)
@settings(max_examples=30)
@given(data=st.data())
def test_the_formulas_in_words_compute_the_local_grads_with_formulas_as_operands(primitive, data):
    xs = list(data.draw(inputs_for(primitive)))
    out = primitive.forward(*xs)
    operands = [data.draw(_shapes_of(x)) for x in xs]
    for words, local in zip(primitive.grad_words, primitive.local_grads(*xs, out), strict=True):
        text = write(words, operands, out=data.draw(_shapes_of(out)))
        assert _evaluate(text) == pytest.approx(local, rel=1e-12, abs=1e-12), text


@settings(max_examples=40)
@given(recipe=recipes())
def test_every_local_derivative_in_words_of_a_random_graph_computes_the_recorded_one(recipe):
    """Each node's operands written out in full down to the leaves' numbers: the words of each
    local derivative, evaluated, give what the engine recorded on the node."""
    leaves, steps = recipe
    output = evaluate(leaves, steps, lambda i, x: Value(x), 1)[-1]
    terms: dict[Value, Term] = {}
    for node in topological_order(output):
        terms[node] = formula_of(node, terms) if node.primitive else _exact(node.data)
        if node.primitive is None:
            continue
        operands = [terms[p] for p in node.parents]
        for words, local in zip(node.primitive.grad_words, node.local_grads, strict=True):
            text = write(words, operands, out=terms[node])
            assert _evaluate(text) == pytest.approx(local, rel=1e-9, abs=1e-12), text


# -- against PyTorch, float64 -------------------------------------------------------------------------

_TORCH_OPERATORS = {("+", 2): operator.add, ("-", 2): operator.sub, ("*", 2): operator.mul,
                    ("/", 2): operator.truediv, ("**", 2): operator.pow, ("-", 1): operator.neg}


def _torch_function(primitive: ops.Primitive):
    """PyTorch's own function for a row, found by how the row is written (None if it has none)."""
    torch = pytest.importorskip("torch")
    if primitive.written.isidentifier():
        return getattr(torch, primitive.written, None) or getattr(torch.nn.functional, primitive.written, None)
    return _TORCH_OPERATORS.get((primitive.written, primitive.arity))


@pytest.mark.parametrize("primitive", [p for p in BUILT_IN if p.written], ids=lambda p: p.name)
@settings(max_examples=25)
@given(data=st.data())
def test_forward_and_gradients_agree_with_pytorch(primitive, data):
    torch = pytest.importorskip("torch")
    function = _torch_function(primitive)
    assert function is not None, f"no PyTorch function for {primitive.written}"
    xs = list(data.draw(inputs_for(primitive)))
    tensors = [torch.tensor(x, dtype=torch.float64, requires_grad=True) for x in xs]
    function(*tensors).backward()
    node = apply(primitive, *(Value(x) for x in xs))
    assert node.data == pytest.approx(function(*tensors).item(), rel=1e-12, abs=1e-300)
    for local, tensor in zip(node.local_grads, tensors, strict=True):
        assert local == pytest.approx(tensor.grad.item(), rel=1e-10, abs=1e-12)


# -- calculus, by hand ---------------------------------------------------------------------------------

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
    (lambda x: x.tan(), lambda x: 1.0, 0.0),
    (lambda x: x.tan(), lambda x: 2.0, math.pi / 4),  # 1/cos²(π/4)
    (lambda x: x.sinh(), lambda x: 1.0, 0.0),
    (lambda x: x.cosh(), lambda x: 0.0, 0.0),
    (lambda x: x.cosh(), lambda x: (math.e - 1 / math.e) / 2, 1.0),
    (lambda x: x.arctan(), lambda x: 0.5, 1.0),
    (lambda x: x.log1p(), lambda x: 1.0, 0.0),
    (lambda x: x.log1p(), lambda x: 2.0, -0.5),
    (lambda x: x.expm1(), lambda x: 1.0, 0.0),
    (lambda x: x.softplus(), lambda x: 0.5, 0.0),
    (lambda x: x.maximum(1.0), lambda x: 1.0, 2.0),
    (lambda x: x.maximum(1.0), lambda x: 0.0, 0.5),
    (lambda x: x.maximum(1.0), lambda x: 0.5, 1.0),  # a tie: half each, as PyTorch does
]


@pytest.mark.parametrize(("f", "df", "x0"), ANALYTIC)
def test_derivatives_match_calculus(f, df, x0):
    x = Value(x0)
    f(x).backward()
    assert x.grad == pytest.approx(df(x0), rel=1e-12)


def test_every_built_in_row_is_an_operator_or_a_value_method():
    """Each row the package ships is reachable from a Value (so the table has no dead rows)."""
    x, y = Value(0.7), Value(1.3)
    for row in BUILT_IN:
        if row.written.isidentifier():
            node = getattr(x, row.written)(*[y] * (row.arity - 1))
        else:
            node = _TORCH_OPERATORS[(row.written, row.arity)](*(x, y)[: row.arity])
        assert node.primitive is row


@pytest.mark.parametrize(
    ("name", "x", "expected", "slope"),
    [("sigmoid", -800.0, 0.0, 0.0), ("sigmoid", 800.0, 1.0, 0.0), ("tanh", 800.0, 1.0, 0.0),
     ("tanh", -800.0, -1.0, 0.0), ("softplus", 800.0, 800.0, 1.0), ("softplus", -800.0, 0.0, 0.0),
     ("arctan", 1e300, math.pi / 2, 0.0)],
)
def test_saturating_functions_are_stable_at_extremes(name, x, expected, slope):
    node = getattr(Value(x), name)()
    assert node.data == expected
    assert node.local_grads == (slope,)


@pytest.mark.parametrize(
    ("name", "x", "expected"),
    [("sigmoid", -50.0, math.exp(-50.0)),  # the naive 1/(1+exp(-x)) keeps nothing below -37
     ("softplus", -50.0, math.exp(-50.0)),  # the naive log(1 + exp(x)) gives 0.0
     ("log1p", 1e-12, 1e-12 - 0.5e-24),  # log(1 + 1e-12) keeps 4 digits
     ("expm1", 1e-12, 1e-12 + 0.5e-24)],  # exp(1e-12) - 1 keeps 4 digits
)
def test_stable_forms_keep_every_digit_where_the_naive_ones_lose_them(name, x, expected):
    assert getattr(Value(x), name)().data == pytest.approx(expected, rel=1e-14)


def test_functions_work_on_floats_and_values_alike():
    for name in ("exp", "log", "tanh", "sigmoid", "relu", "sqrt", "sin", "cos", "absolute", "sinh", "cosh"):
        function = getattr(ops, name)
        assert function(Value(0.7)).data == function(0.7)


# -- domain errors: specific, and in the engine's words ------------------------------------------------

DOMAIN_ERRORS = [
    (lambda x: x.log(), 0.0, ValueError, "log needs a positive input, got 0.0"),
    (lambda x: x.sqrt(), -1.0, ValueError, "sqrt needs a positive input"),
    (lambda x: 1 / x, 0.0, ZeroDivisionError, "division by zero"),
    (lambda x: x**0.5, -4.0, ValueError, "not a real number"),
    (lambda x: x.exp(), 710.0, OverflowError, "too large for a float"),
    (lambda x: x.tan(), math.pi / 2, ValueError, "tan needs an input away from the odd multiples of π/2"),
    (lambda x: x.tan(), -3 * math.pi / 2, ValueError, "where tan and its derivative 1 + tan² are infinite"),
    (lambda x: x.log1p(), -1.0, ValueError, "log1p needs an input above -1"),
    (lambda x: x.log1p(), -3.0, ValueError, "log1p needs an input above -1"),
    (lambda x: x.sinh(), 711.0, OverflowError, "sinh(x): the result is too large for a float"),
    (lambda x: x.sinh(), -711.0, OverflowError, "sinh(x): the result is too large for a float"),
    (lambda x: x.cosh(), -711.0, OverflowError, "cosh(x): the result is too large for a float"),
    (lambda x: x.expm1(), 710.0, OverflowError, "expm1(x): the result is too large for a float"),
]


@pytest.mark.parametrize(("f", "x0", "error", "message"), DOMAIN_ERRORS)
def test_inputs_outside_the_domain_are_refused_in_words(f, x0, error, message):
    with pytest.raises(error, match=re.escape(message)) as caught:
        f(Value(x0, label="x"))
    assert f"x = {x0!r}" in str(caught.value)  # the engine names the operand


def test_tan_next_to_a_pole_is_steep_but_finite():
    """Two floats from π/2, tan is large and exact: it is computed, and so is its slope."""
    x = math.nextafter(math.nextafter(math.pi / 2, 0), 0)
    node = Value(x).tan()
    assert node.data == math.tan(x) and node.local_grads == (1 + node.data**2,)
    assert math.isfinite(node.local_grads[0])
