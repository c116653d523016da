"""Value's surface and backward()'s machinery: graph views, accumulation, depth, compatibility."""

import fractions
import math

import numpy as np
import pytest
from examples import micrograd_readme

from micrograd_like import Value
from micrograd_like.engine.backward import topological_order


@pytest.mark.parametrize(
    "data", [3, 2.5, -0.0, True, np.float64(1.5), np.float32(1.5), np.int64(7), fractions.Fraction(1, 4)]
)
def test_value_accepts_real_numbers_and_stores_a_float(data):
    v = Value(data)
    assert type(v.data) is float
    assert v.data == float(data)
    assert v.grad == 0.0
    assert v.label == ""


def test_repr_reads_well():
    assert repr(Value(2)) == "Value(data=2.0, grad=0.0)"
    assert repr(Value(-1.5, label="w1")) == "Value(data=-1.5, grad=0.0, label='w1')"


def test_a_node_records_op_parents_in_order_and_local_grads():
    a, b = Value(2.0), Value(-3.0)
    d = a - b
    assert d.op == "-"
    assert d.parents == (a, b)
    assert d.local_grads == (1.0, -1.0)
    q = b / a
    assert q.parents == (b, a)
    assert q.local_grads == (1 / 2.0, 3.0 / 4.0)


def test_leaf_has_no_op_and_no_parents():
    a = Value(1.0)
    assert (a.op, a.parents, a.local_grads, a.primitive) == ("", (), (), None)


def test_graph_views_are_read_only():
    a = Value(1.0)
    node = a * 2
    for attribute in ("op", "parents", "local_grads", "primitive"):
        with pytest.raises(AttributeError):
            setattr(node, attribute, None)


def test_a_plus_a_has_two_edges_and_gradient_two():
    a = Value(3.0)
    s = a + a
    assert s.parents == (a, a)
    s.backward()
    assert a.grad == 2.0


def test_x_times_x_gets_both_contributions():
    x = Value(3.0)
    (x * x).backward()
    assert x.grad == 6.0


def test_diamond_sums_both_paths():
    x = Value(0.5)
    shared = x.tanh()
    y = shared * shared.exp() + shared
    y.backward()
    th = math.tanh(0.5)
    dy_dshared = math.exp(th) * (1 + th) + 1
    assert x.grad == pytest.approx(dy_dshared * (1 - th * th), rel=1e-14)


def test_number_on_either_side():
    x = Value(2.0)
    for node, expected, slope in [
        (3 + x, 5.0, 1.0),
        (x + 3, 5.0, 1.0),
        (3 - x, 1.0, -1.0),
        (x - 3, -1.0, 1.0),
        (3 * x, 6.0, 3.0),
        (x * 3, 6.0, 3.0),
        (3 / x, 1.5, -0.75),
        (x / 4, 0.5, 0.25),
        (x**3, 8.0, 12.0),
        (3**x, 9.0, 9.0 * math.log(3)),
        (x**x, 4.0, 4.0 * (math.log(2.0) + 1)),
    ]:
        x.grad = 0.0
        node.backward()
        assert node.data == pytest.approx(expected, rel=1e-15)
        assert x.grad == pytest.approx(slope, rel=1e-15)


def test_in_place_forms_make_new_nodes():
    x = Value(2.0)
    y = x
    y += 1
    y *= 3
    y -= 1
    y /= 2
    y **= 2
    assert x.data == 2.0 and y is not x
    assert y.data == pytest.approx(16.0)
    y.backward()
    assert x.grad == pytest.approx(2 * 4.0 * 1.5)


def test_micrograd_readme_example_and_its_published_figures():
    a, b, g = micrograd_readme()
    g.backward()
    assert f"{g.data:.4f}" == "24.7041"
    assert f"{a.grad:.4f}" == "138.8338"
    assert f"{b.grad:.4f}" == "645.5773"


def test_micrograd_internals_used_by_lecture_code():
    a, b = Value(2.0), Value(-3.0)
    c = a * b
    assert c._op == "*"
    assert c._prev == {a, b}
    # The lecture steps backward by hand: seed the output, then call each node's _backward.
    c.grad = 1.0
    c._backward()
    assert (a.grad, b.grad) == (-3.0, 2.0)


def test_equality_is_identity():
    a, b = Value(1.0), Value(1.0)
    assert a != b and a == a
    assert len({a, b}) == 2


def test_backward_twice_doubles_every_gradient_exactly():
    a, b = Value(0.3), Value(-1.7)
    h = (a * b).tanh()
    loss = h * h + h.exp() * a
    loss.backward()
    first = {id(n): n.grad for n in topological_order(loss)}
    loss.backward()
    for node in topological_order(loss):
        assert node.grad == 2 * first[id(node)]  # interior nodes too: no compounding


def test_zero_grad_resets_the_whole_graph():
    a, b = Value(0.3), Value(-1.7)
    loss = (a * b + a).tanh()
    loss.backward()
    assert a.grad != 0
    loss.zero_grad()
    assert all(node.grad == 0.0 for node in topological_order(loss))


def test_backward_of_a_leaf_is_one():
    x = Value(4.0)
    x.backward()
    assert x.grad == 1.0


def test_topological_order_puts_parents_first_and_root_last():
    a, b = Value(1.0), Value(2.0)
    c = a * b
    d = c + a
    e = d * c
    order = topological_order(e)
    assert order[-1] is e
    position = {id(n): i for i, n in enumerate(order)}
    assert len(position) == len(order) == 5
    for node in order:
        for parent in node.parents:
            assert position[id(parent)] < position[id(node)]


def test_a_chain_a_million_nodes_deep_backpropagates():
    x = Value(1.0)
    y = x
    for _ in range(1_000_000):
        y = y * 1.0  # each step a node and a constant: 2,000,001 nodes, 1,000,001 deep
    y.backward()
    assert x.grad == 1.0
