"""Losses: values against their formulas, gradients against finite differences, no overflow."""

import math

import pytest
from helpers import central_differences
from hypothesis import given
from hypothesis import strategies as st

from micrograd_like import Value
from micrograd_like.nn.losses import (
    binary_cross_entropy,
    hinge_loss,
    l2_penalty,
    mse_loss,
    softmax,
    softmax_cross_entropy,
)


def _sigmoid(z):
    return 1 / (1 + math.exp(-z))


def _grads(loss_of_values, xs):
    """The engine's gradient of loss_of_values(list of Values) at xs."""
    values = [Value(x) for x in xs]
    loss = loss_of_values(values)
    loss.backward()
    return loss.data, [v.grad for v in values]


def _central_differences(loss_of_values, xs):
    return central_differences(lambda point: loss_of_values([Value(x) for x in point]).data, xs)


def _check_against_finite_differences(loss_of_values, xs):
    _, grads = _grads(loss_of_values, xs)
    for engine, numeric in zip(grads, _central_differences(loss_of_values, xs)):
        assert engine == pytest.approx(numeric, rel=1e-5, abs=1e-7)


# -- values against the formulas -----------------------------------------------------------------


def test_mse_is_the_mean_of_the_squared_errors():
    loss = mse_loss([Value(1.0), Value(-2.0), Value(0.5)], [0.0, 1.0, 0.5])
    assert loss.data == pytest.approx((1 + 9 + 0) / 3)


def test_hinge_is_micrograds_max_margin_loss():
    scores, labels = [2.0, 0.3, -0.5, -3.0], [1, 1, 1, -1]
    loss = hinge_loss([Value(s) for s in scores], labels)
    expected = sum(max(0.0, 1 - y * s) for s, y in zip(scores, labels)) / 4  # (0 + 0.7 + 1.5 + 0) / 4
    assert loss.data == pytest.approx(expected) == pytest.approx(0.55)


@pytest.mark.parametrize("z, y", [(-3.0, 1), (-0.2, 0), (0.0, 1), (0.7, 0.25), (4.0, 0)])
def test_binary_cross_entropy_is_the_textbook_formula(z, y):
    p = _sigmoid(z)
    expected = -y * math.log(p) - (1 - y) * math.log(1 - p)
    assert binary_cross_entropy([Value(z)], [y]).data == pytest.approx(expected, rel=1e-12)


def test_softmax_cross_entropy_is_minus_log_the_right_classs_probability():
    logits = [[1.0, 2.0, 0.5], [-1.0, 0.0, 3.0]]
    labels = [0, 2]
    loss = softmax_cross_entropy([[Value(z) for z in row] for row in logits], labels)
    expected = 0.0
    for row, label in zip(logits, labels):
        expected += -math.log(math.exp(row[label]) / sum(math.exp(z) for z in row))
    assert loss.data == pytest.approx(expected / 2, rel=1e-12)


def test_softmax_gives_probabilities_that_sum_to_one():
    probabilities = softmax([Value(1.0), Value(2.0), Value(3.0)])
    total = sum(math.exp(k) for k in (1, 2, 3))
    assert [p.data for p in probabilities] == pytest.approx([math.exp(k) / total for k in (1, 2, 3)])
    assert sum(p.data for p in probabilities) == pytest.approx(1.0)


def test_l2_penalty_is_alpha_times_the_sum_of_squares():
    params = [Value(1.0), Value(-2.0), Value(3.0)]
    penalty = l2_penalty(params, alpha=0.5)
    assert penalty.data == pytest.approx(0.5 * 14)
    penalty.backward()
    assert [p.grad for p in params] == pytest.approx([1.0, -2.0, 3.0])  # alpha * 2p


# -- gradients --------------------------------------------------------------------------------


def test_the_cross_entropy_gradient_is_sigmoid_minus_label_even_at_zero():
    for z, y in [(0.0, 1), (0.0, 0), (2.5, 1), (-1.5, 0), (0.3, 0.4)]:
        _, (grad,) = _grads(lambda v, y=y: binary_cross_entropy(v, [y]), [z])
        assert grad == pytest.approx(_sigmoid(z) - y, rel=1e-12, abs=1e-15)


@given(st.floats(-30, 30), st.one_of(st.sampled_from([0, 1]), st.floats(0, 1)))
def test_the_cross_entropy_gradient_is_sigmoid_minus_label_to_the_documented_rounding(z, y):
    _, (grad,) = _grads(lambda v: binary_cross_entropy(v, [y]), [z])
    assert abs(grad - (_sigmoid(z) - y)) <= 4.5e-16  # two units in the last place of 1.0


def test_the_cross_entropy_docstring_does_not_promise_the_last_bit():
    # σ(z) - y by its own formula and by the graph's chain rule round differently, here and often
    _, (grad,) = _grads(lambda v: binary_cross_entropy(v, [1]), [0.3])
    assert grad != _sigmoid(0.3) - 1
    doc = " ".join(binary_cross_entropy.__doc__.split())
    assert "exactly" not in doc and "to rounding (within a few 1e-16), not always to the last bit" in doc


def test_the_softmax_cross_entropy_gradient_is_softmax_minus_one_hot():
    logits = [0.2, -1.0, 2.0, 0.5]
    _, grads = _grads(lambda v: softmax_cross_entropy([v], [1]), logits)
    total = sum(math.exp(z) for z in logits)
    expected = [math.exp(z) / total - (1.0 if j == 1 else 0.0) for j, z in enumerate(logits)]
    assert grads == pytest.approx(expected, rel=1e-12)


finite = st.floats(-4, 4)


@given(st.lists(finite, min_size=6, max_size=6))
def test_mse_gradients_match_finite_differences(xs):
    targets = [0.5, -1.0, 2.0]
    _check_against_finite_differences(lambda v: mse_loss(v[:3], targets) + mse_loss(v[3:], targets), xs)


@given(st.lists(finite.filter(lambda s: min(abs(1 - s), abs(1 + s)) > 1e-3), min_size=4, max_size=4))
def test_hinge_gradients_match_finite_differences(xs):  # away from the kink at y * s = 1
    _check_against_finite_differences(lambda v: hinge_loss(v, [1, -1, 1, -1]), xs)


@given(st.lists(st.floats(-30, 30), min_size=4, max_size=4))
def test_binary_cross_entropy_gradients_match_finite_differences(xs):
    _check_against_finite_differences(lambda v: binary_cross_entropy(v, [1, 0, 0.3, 1]), xs)


@given(st.lists(st.floats(-30, 30), min_size=6, max_size=6))
def test_softmax_cross_entropy_gradients_match_finite_differences(xs):
    _check_against_finite_differences(lambda v: softmax_cross_entropy([v[:3], v[3:]], [2, 0]), xs)


# -- stability ------------------------------------------------------------------------------------


@pytest.mark.parametrize("z", [800.0, -800.0, 1e5, -1e5])
def test_binary_cross_entropy_does_not_overflow_at_extreme_logits(z):
    right = 1 if z > 0 else 0
    loss, (grad,) = _grads(lambda v: binary_cross_entropy(v, [right]), [z])
    assert loss == 0.0 and grad == 0.0  # confident and right: nothing to learn
    loss, (grad,) = _grads(lambda v: binary_cross_entropy(v, [1 - right]), [z])
    assert loss == pytest.approx(abs(z)) and grad == pytest.approx(math.copysign(1.0, z))  # log(1 + e^|z|) ≈ |z|


def test_softmax_cross_entropy_does_not_overflow_at_extreme_logits():
    loss, grads = _grads(lambda v: softmax_cross_entropy([v], [1]), [800.0, -800.0, 0.0])
    assert loss == pytest.approx(1600.0)
    assert grads == pytest.approx([1.0, -1.0, 0.0])
    loss, grads = _grads(lambda v: softmax_cross_entropy([v], [0]), [800.0, -800.0, 0.0])
    assert loss == 0.0 and grads == pytest.approx([0.0, 0.0, 0.0])
    assert [p.data for p in softmax([Value(1000.0), Value(1000.0)])] == [0.5, 0.5]


def test_a_loss_is_a_graph_of_engine_operations():
    loss = binary_cross_entropy([Value(0.5)], [1])
    ops = set()
    stack = [loss]
    while stack:
        node = stack.pop()
        ops.add(node.op)
        stack.extend(node.parents)
    assert {"exp", "log", "*"} <= ops


# -- bad input -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "call, error, match",
    [
        (lambda: mse_loss([Value(1.0)], [1.0, 2.0]), ValueError, "1 predictions and 2 targets"),
        (lambda: mse_loss([], []), ValueError, "empty batch"),
        (lambda: mse_loss(Value(1.0), 1.0), TypeError, "list of predictions"),
        (lambda: hinge_loss([Value(1.0)], [0]), ValueError, "labels -1 or \\+1, got 0"),
        (lambda: binary_cross_entropy([Value(1.0)], [2]), ValueError, "between 0 and 1, got 2"),
        (lambda: softmax_cross_entropy([[Value(1.0), Value(2.0)]], [2]), ValueError, "labels 0..1, got 2"),
        (lambda: softmax_cross_entropy([Value(1.0)], [0]), TypeError, "list of class scores"),
        (lambda: softmax([]), ValueError, "at least one logit"),
        (lambda: l2_penalty([]), ValueError, "at least one parameter"),
    ],
)
def test_bad_input_is_refused_with_a_specific_error(call, error, match):
    with pytest.raises(error, match=match):
        call()
