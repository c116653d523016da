"""no_grad() and detect_anomaly() are per thread and per asyncio task, as PyTorch's are per thread,
and blocks ended in any order leave the mode of the blocks still open."""

import asyncio
import threading

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from micrograd_like import AnomalyError, Value, detect_anomaly, no_grad
from micrograd_like.engine.modes import anomaly_detection_enabled


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


# Within one thread or task, blocks may end in another order than they began: generators and
# async generators that hold a block open across their yields do that.  Each end must remove
# its own block and no other.


def recording() -> bool:
    return (Value(1.0) * 2).parents != ()


def current_mode() -> tuple[bool, bool]:
    return recording(), anomaly_detection_enabled()


PLAIN = (True, False)
BLOCKS = {"no_grad": no_grad, "detect_anomaly": detect_anomaly}


def expected_mode(open_blocks) -> tuple[bool, bool]:
    return "no_grad" not in open_blocks, "detect_anomaly" in open_blocks


@pytest.mark.parametrize("first, second", [("no_grad", "detect_anomaly"), ("detect_anomaly", "no_grad")])
def test_two_blocks_ended_in_the_order_they_began_leave_the_plain_mode(first, second):
    outer, inner = BLOCKS[first](), BLOCKS[second]()
    outer.__enter__()
    inner.__enter__()
    outer.__exit__(None, None, None)  # the outer block ends first
    assert current_mode() == expected_mode([second])
    inner.__exit__(None, None, None)
    assert current_mode() == PLAIN


def test_nested_no_grad_blocks_record_again_only_when_the_last_one_ends():
    with no_grad():
        with no_grad():
            assert not recording()
        assert not recording()
    assert recording()
    first, second = no_grad(), no_grad()
    first.__enter__()
    second.__enter__()
    first.__exit__(None, None, None)
    assert not recording()  # the second block is still open
    second.__exit__(None, None, None)
    assert recording()


def test_a_generator_holding_no_grad_across_yields_may_finish_inside_detect_anomaly():
    def doubled_constants(xs):
        with no_grad():
            for x in xs:
                yield Value(x) * 2

    values = doubled_constants([1.0, 2.0])
    assert next(values).parents == ()  # the generator's no_grad() is open now, in this thread
    with detect_anomaly():
        assert next(values).parents == ()
        assert list(values) == []  # its no_grad() ends here, inside the anomaly block
        assert current_mode() == (True, True)
    assert current_mode() == PLAIN


def test_an_async_generator_holding_no_grad_across_yields_may_finish_inside_detect_anomaly():
    async def doubled_constants(xs):
        with no_grad():
            for x in xs:
                yield Value(x) * 2

    async def main():
        values = doubled_constants([1.0, 2.0])
        first = await values.__anext__()
        with detect_anomaly():
            rest = [v async for v in values]
            inside = current_mode()
        return first, rest, inside, current_mode()

    first, rest, inside, after = asyncio.run(main())
    assert first.parents == () and rest[0].parents == ()
    assert inside == (True, True)
    assert after == PLAIN


def test_an_exception_ending_blocks_out_of_order_leaves_the_plain_mode():
    def batches():
        with no_grad():
            yield Value(1.0) * 2
            raise ValueError("a bad batch")

    source = batches()
    next(source)
    with pytest.raises(ValueError, match="a bad batch"), detect_anomaly():
        next(source)  # raises, ending the generator's no_grad() inside detect_anomaly()
    assert current_mode() == PLAIN


def test_an_exception_inside_nested_blocks_leaves_the_plain_mode():
    with pytest.raises(AnomalyError), no_grad(), detect_anomaly(), no_grad():
        raise AnomalyError("raised inside three blocks")
    assert current_mode() == PLAIN
    assert lecture_gradients() == (6.0, -4.0)


@settings(max_examples=100, derandomize=True, deadline=None)
@given(data=st.data(), kinds=st.lists(st.sampled_from(sorted(BLOCKS)), max_size=6))
def test_blocks_ended_in_any_order_leave_the_mode_of_the_blocks_still_open(data, kinds):
    blocks = [BLOCKS[kind]() for kind in kinds]
    for block in blocks:
        block.__enter__()
    assert current_mode() == expected_mode(kinds)
    still_open = dict(enumerate(kinds))
    for k in data.draw(st.permutations(range(len(blocks)))):
        blocks[k].__exit__(None, None, None)
        del still_open[k]
        assert current_mode() == expected_mode(still_open.values())
    assert current_mode() == PLAIN


def test_an_overflow_in_a_graph_building_pass_under_detect_anomaly_is_that_passs_own_error():
    """create_graph builds Values, which report their own overflow: detect_anomaly() must not
    answer with a step of some other, plain-number pass."""
    tiny, big = Value(1e-300, label="tiny"), Value(1e300, label="big")
    y = (tiny * big) * 1e10 + tiny
    with detect_anomaly(), pytest.raises(OverflowError) as caught:
        y.backward(create_graph=True)
    assert not isinstance(caught.value, AnomalyError)
    assert tiny.grad == 0.0 and big.grad == 0.0
