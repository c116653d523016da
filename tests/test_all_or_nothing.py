"""A backward pass is all or nothing: whatever exception arrives when, every node gets this
pass's share or none does; and no stored gradient is ever inf or nan."""

import functools
import gc
import math
import sys
from pathlib import Path

import pytest

from micrograd_like import Value
from micrograd_like.engine.backward import backward, gradients

ENGINE_FILES = {str(p) for p in (Path(__file__).resolve().parent.parent / "micrograd_like").rglob("*.py")}


def closure_tanh(x: Value) -> Value:
    t = math.tanh(x.data)
    out = Value(t, (x,), "tanh")

    def _backward():
        x.grad += (1 - t**2) * out.grad
    out._backward = _backward
    return out


def small_graph() -> tuple[list[Value], Value]:
    """Shared nodes, a constant, a closure node and a table node: every kind of edge."""
    a, b = Value(0.5, label="a"), Value(-1.25, label="b")
    e = a * b
    h = closure_tanh(e + 1.0)
    loss = (h * h + e.exp() * a) / 3.0
    return [a, b, e, h, loss, *loss.parents, *h.parents], loss


def interrupted_at(event_number: int, run) -> bool:
    """Run ``run()`` raising KeyboardInterrupt at the given line or call event inside the
    package; True if it finished before that event came."""
    count = 0

    def tracer(frame, event, arg):
        nonlocal count
        if frame.f_code.co_filename in ENGINE_FILES or frame.f_code.co_name == "_backward":
            count += 1
            if count == event_number:
                raise KeyboardInterrupt
        return tracer

    sys.settrace(tracer)
    try:
        run()
        return True
    except KeyboardInterrupt:
        return False
    finally:
        sys.settrace(None)


@pytest.mark.parametrize("recording", [False, True], ids=["plain", "recording its steps"])
@pytest.mark.parametrize("passes_before", [0, 1])
def test_ctrl_c_at_every_point_of_backward_leaves_all_or_nothing(passes_before, recording):
    nodes, loss = small_graph()
    loss.backward()
    one_pass = [n.grad for n in nodes]
    k = 0
    while True:
        k += 1
        nodes, loss = small_graph()
        for _ in range(passes_before):
            loss.backward()
        before = [n.grad for n in nodes]
        run = functools.partial(backward, loss, record=[]) if recording else loss.backward
        finished = interrupted_at(k, run)
        grads = [n.grad for n in nodes]
        after = [g + p for g, p in zip(before, one_pass)]
        assert grads in (before, after), f"interrupted at event {k}: a half-applied pass"
        assert gc.isenabled()
        if finished:
            assert grads == after
            break
    assert k > 100  # the pass really was interrupted at many points


def test_ctrl_c_at_every_point_of_gradients_leaves_every_grad_as_it_was():
    k = 0
    while True:
        k += 1
        nodes, loss = small_graph()
        loss.backward()
        before = [n.grad for n in nodes]
        finished = interrupted_at(k, functools.partial(gradients, loss, nodes[:2]))
        assert [n.grad for n in nodes] == before, f"interrupted at event {k}"
        if finished:
            break


def test_overflow_by_accumulation_is_refused_and_changes_nothing():
    x = Value(1.0, label="x")
    y = x * 1e308
    z = y + x
    z.backward()
    held = (x.grad, y.grad, z.grad)
    assert math.isfinite(x.grad)
    with pytest.raises(OverflowError, match="gradient of 'x' would become inf.*too large for a float.*zero_grad"):
        z.backward()
    assert (x.grad, y.grad, z.grad) == held


def test_a_nan_gradient_is_called_not_a_number_not_too_large():
    tiny = Value(1e-300, label="tiny")
    q = 1 / tiny  # finite, but its local derivative -1/tiny² is -inf
    z = q * 0.0
    with pytest.raises(FloatingPointError, match="gradient of 'tiny' is nan, not a number") as error:
        z.backward()
    assert "too large" not in str(error.value)
    assert (tiny.grad, q.grad, z.grad) == (0.0, 0.0, 0.0)


def test_an_infinite_gradient_in_a_pass_is_refused_and_changes_nothing():
    tiny = Value(1e-300, label="tiny")
    z = (1 / tiny) * 1.0
    with pytest.raises(OverflowError, match="gradient of 'tiny' is -inf, too large for a float"):
        z.backward()
    assert tiny.grad == 0.0


def test_under_detect_anomaly_a_failing_pass_through_a_closure_is_named_and_changes_nothing():
    """detect_anomaly() names the step that overflowed by making the pass once more, its steps
    noted: that pass too is undone, closures and all, and the held gradients stay."""
    from micrograd_like import AnomalyError, detect_anomaly

    a, b = Value(1e200, label="a"), Value(1e-200, label="b")
    h = closure_tanh(a * b)  # tanh(1.0): a closure node on the way
    loss = h * Value(1e200, label="c")
    a.grad, b.grad = 1.0, 2.0  # held from earlier passes
    with detect_anomaly(), pytest.raises(AnomalyError, match="gradient of 'b' became inf at the step through mul"):
        loss.backward()  # d(loss)/d(a*b) = 1e200 * (1 - tanh(1)**2) is finite, times a = 1e200 it is not
    assert (a.grad, b.grad, h.grad, loss.grad) == (1.0, 2.0, 0.0, 0.0)

