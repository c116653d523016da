"""Property tests: random expression graphs, with shared sub-expressions, against independent oracles."""

import math

import pytest
from helpers import central_differences
from hypothesis import assume, given
from hypothesis import strategies as st
from random_graphs import complex_step, engine_gradients, plain, recipes

from micrograd_like import Value, weighted_sum
from micrograd_like.engine.backward import backward, topological_order


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
    estimates = central_differences(lambda point: plain(point, steps), leaves)
    for x, estimate in zip(inputs, estimates):
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


@given(recipes())
def test_recorded_steps_are_the_pass_itself_bit_for_bit(recipe):
    """backward(record=...) notes each step as the chain rule makes it, every node the general
    way (through its edges), while a plain pass takes the shortcut through the node kinds:
    replayed in order, the steps must reach every gradient the plain pass gave, to the last
    bit, from each node's own upstream.
    On top of the random graph: a weighted sum (a node with many parents, one a constant), a
    closure made micrograd's way, and gradients held from an earlier pass."""
    leaves, steps = recipe
    output, inputs = engine_gradients(leaves, steps)
    z = weighted_sum([output, inputs[0]], [inputs[-1], 0.5], Value(0.25))
    closure = Value(2 * z.data, (z, z), "twice")

    def _backward():
        z.grad += 2 * closure.grad
    closure._backward = _backward
    root = closure * output
    nodes = topological_order(root)
    root.zero_grad()  # (engine_gradients ran a pass on output)
    root.backward()
    one_pass = {node: node.grad for node in nodes}
    records = []
    backward(root, record=records)  # on top of the first pass's gradients
    running = {node: 0.0 for node in nodes} | {root: 1.0}
    for step in records:
        assert step.upstream == one_pass[step.node]  # complete before it is passed on
        if not step.closure:
            assert step.contribution == step.upstream * step.local
        assert step.before == running[step.parent]
        assert step.after == step.before + step.contribution
        running[step.parent] = step.after
    for node in nodes:
        if node.requires_grad:
            assert running[node].hex() == one_pass[node].hex()
            assert node.grad == one_pass[node] + one_pass[node]



@given(recipes())
def test_micrograds_loop_of_backward_steps_is_the_pass_itself_bit_for_bit(recipe):
    """micrograd's backward is ``for node in reversed(topo): node._backward()``: each node's
    ``_backward()`` is the chain rule's step for that one node, so that loop, by hand, gives
    every gradient the pass gives (its shortcut through the node kinds included), to the
    last bit.  With a weighted sum (many parents, one a constant) and a closure node."""
    leaves, steps = recipe
    output, inputs = engine_gradients(leaves, steps)
    z = weighted_sum([output, inputs[0]], [inputs[-1], 0.5], Value(0.25))
    closure = Value(2 * z.data, (z, z), "twice")

    def _backward():
        z.grad += 2 * closure.grad
    closure._backward = _backward
    root = closure * output + z
    nodes = topological_order(root)
    root.zero_grad()
    root.backward()
    one_pass = [node.grad.hex() for node in nodes]
    root.zero_grad()
    root.grad = 1.0
    for node in reversed(nodes):
        node._backward()
    assert [node.grad.hex() for node in nodes] == one_pass


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


@given(st.lists(st.tuples(finite, finite), min_size=1, max_size=20), finite)
def test_weighted_sum_is_bit_for_bit_the_chain_of_adds_and_muls(pairs, bias):
    from micrograd_like import weighted_sum

    fused_w, fused_x = [Value(w) for w, _ in pairs], [Value(x) for _, x in pairs]
    chain_w, chain_x = [Value(w) for w, _ in pairs], [Value(x) for _, x in pairs]
    fused_b, chain_b = Value(bias), Value(bias)
    fused = weighted_sum(fused_w, fused_x, fused_b).tanh()
    chain = sum((w * x for w, x in zip(chain_w, chain_x)), chain_b).tanh()
    assert fused.data == chain.data
    fused.backward()
    chain.backward()
    assert [v.grad for v in (*fused_w, *fused_x, fused_b)] == [v.grad for v in (*chain_w, *chain_x, chain_b)]
