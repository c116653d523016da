"""Property tests: random expression graphs, with shared sub-expressions, against independent oracles.

A graph is generated as a recipe: leaves, then operations whose operands are any earlier
node, so reuse (``a + a``, ``x * x``, diamonds) happens often.  The same recipe is then
evaluated three ways: with the engine (backward), with complex numbers (the complex-step
derivative, exact to rounding and independent of the engine's table), and with plain
floats for central differences.
"""

import cmath
import math

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from micrograd_like import Value
from micrograd_like.autodiff import topological_order

# name -> (arity, rule on Values, rule on complex numbers)
OPERATIONS = {
    "add": (2, lambda a, b: a + b, lambda a, b: a + b),
    "sub": (2, lambda a, b: a - b, lambda a, b: a - b),
    "mul": (2, lambda a, b: a * b, lambda a, b: a * b),
    "div": (2, lambda a, b: a / (b * b + 1.5), lambda a, b: a / (b * b + 1.5)),
    "neg": (1, lambda a: -a, lambda a: -a),
    "square": (1, lambda a: a**2, lambda a: a * a),
    "cube": (1, lambda a: a**3, lambda a: a * a * a),
    "tanh": (1, lambda a: a.tanh(), cmath.tanh),
    "sigmoid": (1, lambda a: a.sigmoid(), lambda a: 1 / (1 + cmath.exp(-a))),
    "exp": (1, lambda a: a.tanh().exp(), lambda a: cmath.exp(cmath.tanh(a))),
    "log": (1, lambda a: (a * a + 1).log(), lambda a: cmath.log(a * a + 1)),
    "sqrt": (1, lambda a: (a * a + 1).sqrt(), lambda a: cmath.sqrt(a * a + 1)),
    "sin": (1, lambda a: a.sin(), cmath.sin),
    "cos": (1, lambda a: a.cos(), cmath.cos),
    "pow": (2, lambda a, b: (a * a + 0.5) ** b.tanh(), lambda a, b: cmath.exp(cmath.tanh(b) * cmath.log(a * a + 0.5))),
}


@st.composite
def recipes(draw, max_leaves=4, max_ops=14):
    """(leaf values, [(operation, operand indices), ...]); the last node is the output."""
    leaves = draw(st.lists(st.floats(-1.5, 1.5), min_size=1, max_size=max_leaves))
    steps = []
    for _ in range(draw(st.integers(1, max_ops))):
        name = draw(st.sampled_from(sorted(OPERATIONS)))
        arity = OPERATIONS[name][0]
        available = len(leaves) + len(steps)
        # Lean towards recent nodes, so graphs are deep as well as wide.
        operands = tuple(
            draw(st.integers(max(0, available - 4), available - 1) | st.integers(0, available - 1))
            for _ in range(arity)
        )
        steps.append((name, operands))
    return leaves, steps


def evaluate(leaves, steps, make_leaf, which):
    nodes = [make_leaf(i, x) for i, x in enumerate(leaves)]
    for name, operands in steps:
        nodes.append(OPERATIONS[name][which](*(nodes[i] for i in operands)))
    return nodes


def engine_gradients(leaves, steps):
    values = evaluate(leaves, steps, lambda i, x: Value(x, label=f"x{i}"), 1)
    output = values[-1]
    output.backward()
    return output, values[: len(leaves)]


def complex_step(leaves, steps, i, h=1e-30):
    """df/dx_i = Im f(x + ih e_i) / h, free of cancellation for analytic f."""
    nodes = evaluate(leaves, steps, lambda j, x: complex(x, h if j == i else 0.0), 2)
    return nodes[-1].imag / h


def plain(leaves, steps):
    return evaluate(leaves, steps, lambda j, x: complex(x), 2)[-1].real


@given(recipes())
def test_backward_matches_complex_step_derivatives(recipe):
    leaves, steps = recipe
    output, inputs = engine_gradients(leaves, steps)
    assume(abs(output.data) < 1e6)
    assert output.data == pytest.approx(plain(leaves, steps), rel=1e-12, abs=1e-12)
    for i, x in enumerate(inputs):
        assert x.grad == pytest.approx(complex_step(leaves, steps, i), rel=1e-9, abs=1e-9)


@given(recipes(max_ops=8))
def test_backward_matches_central_differences(recipe):
    leaves, steps = recipe
    output, inputs = engine_gradients(leaves, steps)
    assume(abs(output.data) < 1e4)
    for i, x in enumerate(inputs):
        h = 1e-6
        up, down = list(leaves), list(leaves)
        up[i] += h
        down[i] -= h
        estimate = (plain(up, steps) - plain(down, steps)) / (2 * h)
        assert x.grad == pytest.approx(estimate, rel=1e-4, abs=1e-5)


@given(recipes())
def test_second_backward_exactly_doubles_every_node(recipe):
    leaves, steps = recipe
    output, _ = engine_gradients(leaves, steps)
    nodes = topological_order(output)
    first = [node.grad for node in nodes]
    output.backward()
    assert [node.grad for node in nodes] == [2 * g for g in first]


@given(recipes())
def test_zero_grad_then_backward_repeats_the_first_result(recipe):
    leaves, steps = recipe
    output, _ = engine_gradients(leaves, steps)
    nodes = topological_order(output)
    first = [node.grad for node in nodes]
    output.zero_grad()
    output.backward()
    assert [node.grad for node in nodes] == first


finite = st.floats(-3.0, 3.0)
positive = st.floats(0.1, 3.0)


@given(finite)
def test_x_minus_x_has_gradient_exactly_zero(x0):
    x = Value(x0)
    (x - x).backward()
    assert x.grad == 0.0


@given(finite, finite)
def test_product_rule(x0, y0):
    x, y = Value(x0), Value(y0)
    f, g = x.sin(), (x * y).tanh()
    (f * g).backward()
    expected = math.cos(x0) * math.tanh(x0 * y0) + math.sin(x0) * (1 - math.tanh(x0 * y0) ** 2) * y0
    assert x.grad == pytest.approx(expected, rel=1e-12, abs=1e-12)


@given(positive, positive)
def test_log_of_a_product_is_a_sum_of_logs(x0, y0):
    x, y = Value(x0), Value(y0)
    (x * y).log().backward()
    assert (x.grad, y.grad) == (pytest.approx(1 / x0, rel=1e-12), pytest.approx(1 / y0, rel=1e-12))


@given(finite)
def test_tanh_is_a_rescaled_sigmoid(x0):
    a, b = Value(x0), Value(x0)
    a.tanh().backward()
    (2 * (2 * b).sigmoid() - 1).backward()
    assert a.grad == pytest.approx(b.grad, rel=1e-9, abs=1e-12)


@given(positive)
def test_exp_undoes_log(x0):
    x = Value(x0)
    x.log().exp().backward()
    assert x.grad == pytest.approx(1.0, rel=1e-12)


@given(finite, st.integers(-4, 4))
def test_power_rule(x0, n):
    assume(abs(x0) > 0.05)
    x = Value(x0)
    (x**n).backward()
    assert x.grad == pytest.approx(n * x0 ** (n - 1), rel=1e-12)
