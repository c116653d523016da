"""Derivatives of derivatives: create_graph, the functional API, and control over the graph."""

import math

import pytest
from helpers import central_differences
from hypothesis import assume, given
from hypothesis import strategies as st
from random_graphs import OPERATIONS, complex_step, recipes

from micrograd_like import Constant, Value, grad, hessian, no_grad, value_and_grad
from micrograd_like.engine.backward import topological_order


def nth(f, n):
    for _ in range(n):
        f = grad(f)
    return f


def tanh_derivatives(x):
    t = math.tanh(x)
    s = 1 - t * t
    return [s, -2 * t * s, -2 * s * (1 - 3 * t * t), 8 * t * s * (2 - 3 * t * t)]


@given(st.floats(-2.0, 2.0))
def test_first_four_derivatives_of_tanh(x0):
    for n, expected in enumerate(tanh_derivatives(x0), start=1):
        assert nth(lambda x: x.tanh(), n)(x0) == pytest.approx(expected, rel=1e-10, abs=1e-12)


@given(st.floats(-2.0, 2.0), st.integers(0, 6))
def test_derivatives_of_powers(x0, k):
    assume(abs(x0) > 0.1)
    f = lambda x: x**k  # noqa: E731
    for n in range(1, 5):
        falling = math.prod(range(k - n + 1, k + 1))  # k (k-1) ... (k-n+1)
        assert nth(f, n)(x0) == pytest.approx(falling * x0 ** (k - n) if n <= k else 0.0, rel=1e-12, abs=1e-12)


@pytest.mark.parametrize(
    ("f", "derivatives"),
    [
        (lambda x: x.exp(), [math.exp] * 4),
        (lambda x: x.sin(), [math.cos, lambda x: -math.sin(x), lambda x: -math.cos(x), math.sin]),
        (lambda x: x.cos(), [lambda x: -math.sin(x), lambda x: -math.cos(x), math.sin, math.cos]),
        (lambda x: x.log(), [lambda x: 1 / x, lambda x: -1 / x**2, lambda x: 2 / x**3, lambda x: -6 / x**4]),
        (lambda x: x.sqrt(), [lambda x: 0.5 * x**-0.5, lambda x: -0.25 * x**-1.5, lambda x: 0.375 * x**-2.5,
                              lambda x: -0.9375 * x**-3.5]),
        (lambda x: 1 / x, [lambda x: -1 / x**2, lambda x: 2 / x**3, lambda x: -6 / x**4, lambda x: 24 / x**5]),
        (lambda x: 2**x, [lambda x, n=n: 2**x * math.log(2) ** n for n in range(1, 5)]),
    ],
)
def test_higher_derivatives_match_calculus(f, derivatives):
    for x0 in (0.3, 1.7):
        for n, expected in enumerate(derivatives, start=1):
            assert nth(f, n)(x0) == pytest.approx(expected(x0), rel=1e-11)


def test_sigmoid_second_derivative():
    s = 1 / (1 + math.exp(-0.4))
    assert grad(grad(lambda x: x.sigmoid()))(0.4) == pytest.approx(s * (1 - s) * (1 - 2 * s), rel=1e-12)


@given(recipes(max_ops=8))
def test_second_derivative_matches_differences_of_the_first(recipe):
    """d/dx (df/dx) by create_graph, against central differences of backprop's df/dx."""
    leaves, steps = recipe
    assume(any(name not in ("add", "sub", "neg") for name, _ in steps))

    def f(x):
        nodes = [x] + [Value(v) for v in leaves[1:]]
        for name, operands in steps:
            nodes.append(OPERATIONS[name][1](*(nodes[i] for i in operands)))
        return nodes[-1]

    x0 = leaves[0]
    assume(abs(complex_step(leaves, steps, 0)) < 1e4)
    (estimate,) = central_differences(lambda point: grad(f)(point[0]), [x0], h=1e-5)
    assert grad(grad(f))(x0) == pytest.approx(estimate, rel=1e-4, abs=1e-5)


def test_backward_create_graph_gives_values_that_differentiate_again():
    x = Value(0.5, label="x")
    y = x**3
    y.backward(create_graph=True)
    first = x.grad
    assert isinstance(first, Value) and first.data == pytest.approx(0.75)
    x.grad = 0.0
    first.backward()
    assert x.grad == pytest.approx(3.0)  # d(3x²)/dx = 6x


def test_the_derivative_graph_is_an_ordinary_graph():
    x = Value(2.0, label="x")
    derivative = grad(lambda v: v * v.exp())(x)  # (1 + x) e^x, as a Value
    assert derivative.data == pytest.approx(3 * math.exp(2.0))
    nodes = topological_order(derivative)
    assert x in nodes  # the derivative's graph reaches back to x
    assert all(isinstance(n, Value) for n in nodes)


def test_functional_api_leaves_grad_fields_alone():
    x = Value(1.2)
    x.grad = 7.0
    grad(lambda v: v * v)(x)
    assert x.grad == 7.0


def test_grad_with_several_arguments():
    f = lambda x, y: x * y.exp()  # noqa: E731
    assert grad(f, argnums=(0, 1))(2.0, 0.5) == (pytest.approx(math.exp(0.5)), pytest.approx(2 * math.exp(0.5)))
    assert grad(f, argnums=1)(2.0, 0.5) == pytest.approx(2 * math.exp(0.5))
    value, slope = value_and_grad(f)(2.0, 0.5)
    assert value == pytest.approx(2 * math.exp(0.5)) and slope == pytest.approx(math.exp(0.5))
    with pytest.raises(IndexError, match="argnums 2"):
        grad(f, argnums=2)(1.0, 1.0)


def test_grad_of_a_function_that_does_not_return_a_value():
    with pytest.raises(TypeError, match="must return a Value"):
        grad(lambda x: 3.0)(1.0)


def test_grad_of_a_constant_function_is_zero_at_every_order():
    f = lambda x: x * 0 + 5  # noqa: E731
    assert grad(f)(1.0) == 0.0
    assert grad(grad(f))(1.0) == 0.0


def test_hessian_of_a_quadratic_form():
    # f = x² y + 3 x y² + y³: Hessian [[2y, 2x + 6y], [2x + 6y, 6x + 6y]]
    h = hessian(lambda x, y: x * x * y + 3 * x * y * y + y**3)(1.5, -0.5)
    assert h == [[pytest.approx(-1.0), pytest.approx(0.0)], [pytest.approx(0.0), pytest.approx(6.0)]]


def test_ordinary_backward_records_floats_not_values():
    x = Value(0.5)
    y = x.tanh() * x
    y.backward()
    assert all(type(n.grad) is float for n in topological_order(y))


# -- control over the graph ------------------------------------------------------------------


def test_numbers_in_operations_are_constants_that_collect_nothing():
    x = Value(2.0)
    y = 3 * x + 1
    y.backward()
    constants = [n for n in topological_order(y) if isinstance(n, Constant)]
    assert sorted(c.data for c in constants) == [1.0, 3.0]
    assert all(c.grad == 0.0 and not c.requires_grad for c in constants)
    assert x.grad == 3.0


def test_requires_grad_false_makes_a_constant():
    k = Value(3.0, label="k", requires_grad=False)
    assert isinstance(k, Constant) and k.label == "k"
    x = Value(2.0)
    (k * x).backward()
    assert (k.grad, x.grad) == (0.0, 3.0)


def test_no_grad_records_no_parents():
    x = Value(2.0)
    with no_grad():
        y = (x * x).tanh()
    assert y.parents == () and not y.requires_grad
    assert y.data == pytest.approx(math.tanh(4.0))
    z = x * x  # recording is back on after the block
    assert z.parents == (x, x)


def test_no_grad_is_restored_after_an_error():
    with pytest.raises(ValueError), no_grad():
        Value(-1.0).log()
    assert (Value(1.0) * 2).parents != ()


def test_detach_stops_gradients():
    x = Value(2.0)
    y = x * x.detach()  # treats the second x as a number
    y.backward()
    assert x.grad == 2.0


def test_backward_from_a_constant_is_refused():
    with pytest.raises(ValueError, match="constant"):
        Value(1.0).detach().backward()


def test_an_input_the_function_ignores_gets_zero_not_a_stale_gradient():
    w = Value(3.0)
    (w * w).backward()  # w.grad = 6.0 from an earlier pass
    assert grad(lambda a: Value(5.0) * 2)(w).data == 0.0
    from micrograd_like.engine.backward import gradients

    y = Value(2.0)
    assert gradients(y * y, [w]) == [0.0]


def test_a_failing_higher_order_pass_leaves_the_gradients_as_they_were():
    x = Value(0.0, label="x")
    y = x**1.5 + x * 3
    y.backward()
    assert x.grad == 3.0
    with pytest.raises(ValueError, match="cannot be differentiated again here: .*infinite derivative"):
        y.backward(create_graph=True)  # the second derivative of x**1.5 is infinite at 0
    assert x.grad == 3.0


def test_constants_collect_nothing_even_after_create_graph():
    x = Value(2.0)
    y = 3 * x
    c = y.parents[0]
    y.backward(create_graph=True)
    y.backward()
    assert c.grad == 0.0 and type(c.grad) is float


def test_differentiating_something_that_is_not_a_value():
    from micrograd_like.engine.backward import gradients

    with pytest.raises(TypeError, match="can only differentiate a Value"):
        gradients(3.0, [Value(1.0)])


def test_nested_grads_keep_their_variables_apart():
    # d/dx [ d/dy (x*y) at y = x ] = d/dx x = 1 (JAX's answer); mixing x and y up gives 2
    assert grad(lambda x: grad(lambda y: x * y)(x))(2.0) == 1.0
    assert grad(lambda x: x * grad(lambda y: x + y)(3.0))(2.0) == 1.0
