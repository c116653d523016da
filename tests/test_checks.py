"""Gradient checking and anomaly detection: they must catch what is wrong, and only that."""

import math

import pytest

from micrograd_like import AnomalyError, Primitive, Value, apply, check_nodes, detect_anomaly, gradcheck

# A student's custom primitive with a wrong derivative: d(x³)/dx is 3x², not 2x².
WRONG_CUBE = Primitive("cube", "cube", lambda x: x**3, lambda x, out: (2 * x * x,), "cube({0})", ("3*{0}²",))
RIGHT_CUBE = Primitive("cube", "cube", lambda x: x**3, lambda x, out: (3 * x * x,), "cube({0})", ("3*{0}²",))


def network(cube):
    x, w = Value(1.5, label="x"), Value(-0.5, label="w")
    h = apply(cube, x * w)
    h.label = "h"
    loss = (h + x).tanh()
    loss.label = "loss"
    return loss


def test_check_nodes_passes_a_correct_graph():
    report = check_nodes(network(RIGHT_CUBE))
    assert report.ok and bool(report)
    assert len(report.rows) == 6  # x, w, x*w, h, h + x, loss


def test_check_nodes_names_the_wrong_custom_derivative():
    report = check_nodes(network(WRONG_CUBE))
    assert not report.ok
    culprit = next(row for row in report.rows if row.name == "h")
    assert not culprit.ok and "wrong local derivative of cube" in culprit.note
    assert culprit.backprop == pytest.approx(culprit.numerical, rel=1e-6)  # h's own gradient is right
    names_wrong = {row.name for row in report.failures}
    assert names_wrong == {"h", "x", "w", "mul → -0.75"}  # h and what inherits its error
    assert "✗ h" in str(report)


def test_gradcheck_agrees_on_a_correct_function():
    report = gradcheck(lambda x, y: (x * y).tanh() + x.exp(), [0.5, -1.5])
    assert report.ok
    assert [row.backprop for row in report.rows] == [
        pytest.approx(-1.5 * (1 - math.tanh(-0.75) ** 2) + math.exp(0.5)),
        pytest.approx(0.5 * (1 - math.tanh(-0.75) ** 2)),
    ]


def test_gradcheck_reports_a_wrong_derivative():
    report = gradcheck(lambda x: apply(WRONG_CUBE, x), [2.0])
    assert not report.ok
    (row,) = report.failures
    assert row.backprop == pytest.approx(8.0) and row.numerical == pytest.approx(12.0, rel=1e-6)
    assert "1 disagree" in str(report)


def test_check_nodes_refuses_huge_graphs():
    x = Value(1.0)
    for _ in range(3000):
        x = x * 1.0
    with pytest.raises(ValueError, match="too many"):
        check_nodes(x)


def test_anomaly_mode_names_the_node_with_an_infinite_local_derivative():
    one, tiny = Value(1.0, label="one"), Value(1e-300, label="tiny")
    with pytest.raises(AnomalyError, match=r"div has local derivatives \(.*, -inf\) at one = 1.0, tiny = 1e-300"), \
            detect_anomaly():
        one / tiny
    assert (one / tiny).local_grads[1] == -math.inf  # outside the mode, IEEE's answer stands


def test_anomaly_mode_names_the_backward_step():
    # Every forward number is finite (L = 1e200), but dL/db = c * a = 1e400 overflows.
    a, b, c = Value(1e200, label="a"), Value(1e-200, label="b"), Value(1e200, label="c")
    with detect_anomaly():
        loss = (a * b) * c
        with pytest.raises(AnomalyError, match="gradient of 'b' became inf at the step through mul"):
            loss.backward()


def test_a_result_too_large_for_a_float_is_an_error_in_any_mode():
    big = Value(1e200, label="big")
    message = r"big\*big: the result is too large for a float \(in big\*big with big = 1e\+200"
    with pytest.raises(OverflowError, match=message):
        big * big


def test_a_failing_pass_leaves_the_gradients_as_they_were():
    a, b, c = Value(1e200, label="a"), Value(1e-200, label="b"), Value(1e200, label="c")
    loss = (a * b) * c
    a.grad, b.grad, c.grad = 1.0, 2.0, 3.0  # held from earlier passes
    with pytest.raises(OverflowError, match="the gradient of 'b' is inf, too large for a float"):
        loss.backward()  # dL/db = c * a = 1e400
    assert [a.grad, b.grad, c.grad] == [1.0, 2.0, 3.0]  # not zeroed, not half-accumulated
    with detect_anomaly(), pytest.raises(AnomalyError, match="gradient of 'b' became inf"):
        loss.backward()
    assert [a.grad, b.grad, c.grad] == [1.0, 2.0, 3.0]


def test_a_kink_is_reported_as_a_kink_not_as_a_wrong_derivative():
    x = Value(0.0, label="x")
    report = check_nodes((x.relu() + x.abs()) * 2)
    assert report.ok  # relu'(0) = 0 and abs'(0) = 0 are fair choices between the one-sided slopes
    (row,) = [row for row in report.rows if row.name == "x"]
    assert "not differentiable here" in row.note
    assert gradcheck(lambda v: v.relu(), [0.0]).ok
    assert not gradcheck(lambda v: apply(WRONG_CUBE, v), [0.0 + 2.0]).ok  # a real error still fails


def test_a_steep_smooth_function_is_not_mistaken_for_a_kink():
    assert gradcheck(lambda x: 1 / x, [0.001]).ok
    assert "not differentiable" not in str(gradcheck(lambda x: x.log(), [0.0005]))
    slightly_wrong = Primitive("inv", "inv", lambda x: 1 / x, lambda x, out: (-1.0004 / (x * x),), "inv({0})",
                               ("-1/{0}²",))
    assert not gradcheck(lambda x: apply(slightly_wrong, x), [0.001]).ok  # 0.04% off is caught where it is steep
