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


def test_anomaly_mode_names_the_forward_node():
    big = Value(1e200, label="big")
    with pytest.raises(AnomalyError, match="mul produced inf from big = 1e\\+200"), detect_anomaly():
        big * big


def test_anomaly_mode_names_the_backward_step():
    # Every forward number is finite (L = 1e200), but dL/db = c * a = 1e400 overflows.
    a, b, c = Value(1e200, label="a"), Value(1e-200, label="b"), Value(1e200, label="c")
    with detect_anomaly():
        loss = (a * b) * c
        with pytest.raises(AnomalyError, match="gradient of 'b' became inf at the step through mul"):
            loss.backward()


def test_without_anomaly_mode_infinities_pass_silently_as_in_ieee():
    y = Value(1e200) * Value(1e200)
    assert y.data == math.inf
