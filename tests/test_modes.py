"""no_grad() and detect_anomaly() are per thread and per asyncio task, as PyTorch's are per thread."""

import asyncio
import threading

import pytest

from micrograd_like import AnomalyError, Value, detect_anomaly, no_grad


def lecture_gradients() -> tuple[float, float]:
    a, b = Value(2.0), Value(-3.0)
    loss = (a * b + 10.0) * -2.0
    loss.backward()
    return a.grad, b.grad


def run_in_thread(target) -> list:
    result = []
    thread = threading.Thread(target=lambda: result.append(target()))
    thread.start()
    thread.join(timeout=30)
    return result


def test_a_graph_built_in_another_thread_during_no_grad_gets_its_gradients():
    with no_grad():
        assert run_in_thread(lecture_gradients) == [(6.0, -4.0)]
        assert Value(1.0) * 2 is not None and (Value(1.0) * 2).parents == ()  # still off here


def test_anomaly_mode_in_one_thread_is_not_felt_in_another():
    def tiny_division():
        return (Value(1.0) / Value(1e-300)).data  # its local derivative is -inf: fine outside anomaly mode

    with detect_anomaly():
        assert run_in_thread(tiny_division) == [1.0 / 1e-300]
        with pytest.raises(AnomalyError):
            tiny_division()


def test_two_threads_leaving_in_the_other_order_leave_recording_as_each_found_it():
    entered = [threading.Event(), threading.Event()]
    leave = [threading.Event(), threading.Event()]
    recorded = {}

    def worker(k):
        with no_grad():
            entered[k].set()
            leave[k].wait(timeout=30)
        recorded[k] = (Value(1.0) * 2).parents != ()

    threads = [threading.Thread(target=worker, args=(k,)) for k in (0, 1)]
    threads[0].start()
    entered[0].wait(timeout=30)
    threads[1].start()
    entered[1].wait(timeout=30)
    for k in (0, 1):  # the first to enter leaves first: with one shared flag the second put "off" back
        leave[k].set()
        threads[k].join(timeout=30)
    assert recorded == {0: True, 1: True}
    assert (Value(1.0) * 2).parents != ()


def test_asyncio_tasks_each_have_their_own_mode():
    async def quiet(started: asyncio.Event, done: asyncio.Event):
        with no_grad():
            started.set()
            await done.wait()
            return (Value(1.0) * 2).parents

    async def learning(started: asyncio.Event, done: asyncio.Event):
        await started.wait()  # the other task is inside no_grad() now
        grads = lecture_gradients()
        done.set()
        return grads

    async def main():
        started, done = asyncio.Event(), asyncio.Event()
        return await asyncio.gather(quiet(started, done), learning(started, done))

    parents_in_no_grad, grads = asyncio.run(main())
    assert parents_in_no_grad == ()
    assert grads == (6.0, -4.0)
    assert (Value(1.0) * 2).parents != ()
