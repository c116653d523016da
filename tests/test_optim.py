"""Optimisers and schedules: every update against numbers worked out by hand."""

import math

import pytest

from micrograd_like import Value
from micrograd_like.nn.optim import SGD, Adam, CosineDecay, ExponentialDecay, LinearDecay


def _steps(optimizer, param, grads):
    """Run one step per gradient in grads (set by hand, as backward() would); return the path."""
    path = []
    for g in grads:
        param.grad = g
        optimizer.step()
        path.append(param.data)
    return path


def test_plain_sgd_moves_against_the_gradient():
    p = Value(1.0)
    assert _steps(SGD([p], lr=0.1), p, [0.5, -2.0]) == pytest.approx([0.95, 1.15])


def test_sgd_with_momentum_and_weight_decay_by_hand():
    p = Value(1.0)
    opt = SGD([p], lr=0.1, momentum=0.9, weight_decay=0.01)
    path = _steps(opt, p, [0.5, 0.5, 0.5])
    # step 1: g = 0.5 + 0.01*1.0 = 0.51;          v = 0.51;                    p = 1 - 0.051 = 0.949
    # step 2: g = 0.5 + 0.01*0.949 = 0.50949;     v = 0.9*0.51 + 0.50949 = 0.96849;   p = 0.852151
    # step 3: g = 0.5 + 0.00852151 = 0.50852151; v = 0.9*0.96849 + g = 1.38016251; p = 0.714134749
    assert path == pytest.approx([0.949, 0.852151, 0.714134749], rel=1e-12)


def test_weight_decay_alone_shrinks_a_parameter_with_no_gradient():
    p = Value(2.0)
    assert _steps(SGD([p], lr=0.5, weight_decay=0.1), p, [0.0, 0.0]) == pytest.approx([1.9, 1.805])


def test_adam_by_hand():
    p = Value(1.0)
    opt = Adam([p], lr=0.1, betas=(0.9, 0.999), eps=1e-8)
    path = _steps(opt, p, [0.5, -1.0])
    # step 1: m = 0.05, s = 0.00025; m^ = 0.5, s^ = 0.25 -> p -= 0.1 * 0.5 / (0.5 + 1e-8)
    p1 = 1.0 - 0.1 * 0.5 / (0.5 + 1e-8)
    # step 2: m = 0.045 - 0.1 = -0.055; s = 0.00024975 + 0.001 = 0.00124975
    m_hat, s_hat = -0.055 / (1 - 0.9**2), 0.00124975 / (1 - 0.999**2)
    p2 = p1 - 0.1 * m_hat / (math.sqrt(s_hat) + 1e-8)
    assert path == pytest.approx([p1, p2], rel=1e-12)


def test_zero_grad_clears_the_optimised_parameters():
    params = [Value(1.0), Value(2.0)]
    (params[0] * params[1]).backward()
    SGD(params, lr=0.1).zero_grad()
    assert [p.grad for p in params] == [0.0, 0.0]


def test_a_schedule_sets_the_rate_of_each_step():
    p = Value(0.0)
    opt = SGD([p], lr=lambda step: [1.0, 0.5, 0.25][step])
    assert _steps(opt, p, [1.0, 1.0, 1.0]) == [-1.0, -1.5, -1.75]
    assert opt.steps == 3


def test_linear_decay_is_micrograds_schedule_to_the_last_bit():
    schedule = LinearDecay(1.0, 0.1, steps=100)
    assert [schedule(k) for k in range(100)] == [1.0 - 0.9 * k / 100 for k in range(100)]
    assert schedule(100) == schedule(1000) == pytest.approx(0.1)


def test_exponential_and_cosine_decay():
    assert ExponentialDecay(0.8, 0.5)(3) == pytest.approx(0.1)
    cosine = CosineDecay(1.0, 0.0 + 1e-3, steps=10)
    assert cosine(0) == pytest.approx(1.0)
    assert cosine(5) == pytest.approx((1.0 + 1e-3) / 2)
    assert cosine(10) == cosine(20) == pytest.approx(1e-3)


def test_repr_names_the_settings():
    opt = SGD([Value(1.0)], lr=0.1, momentum=0.9)
    assert repr(opt) == "SGD(1 parameters, lr=0.1, momentum=0.9, weight_decay=0.0, steps=0)"
    assert repr(LinearDecay(1.0, 0.1, 100)) == "LinearDecay(start=1.0, end=0.1, steps=100)"


@pytest.mark.parametrize(
    "make, match",
    [
        (lambda: SGD([], lr=0.1), "no parameters"),
        (lambda: SGD([1.0], lr=0.1), "optimises Values, got float"),
        (lambda: SGD([Value(1.0)], lr=0.0), "lr must be positive"),
        (lambda: SGD([Value(1.0)], lr=float("nan")), "lr must be a finite number"),
        (lambda: SGD([Value(1.0)], lr=0.1, momentum=1.0), "momentum must be less than 1"),
        (lambda: SGD([Value(1.0)], lr=0.1, weight_decay=-1), "weight_decay must not be negative"),
        (lambda: Adam([Value(1.0)], betas=(0.9, 1.5)), "betas\\[1\\] must be less than 1"),
        (lambda: LinearDecay(1.0, 0.1, steps=0), "steps must be a positive whole number"),
        (lambda: ExponentialDecay(1.0, 1.5), "gamma must be at most 1"),
    ],
)
def test_bad_settings_are_refused(make, match):
    with pytest.raises((ValueError, TypeError), match=match):
        make()


def test_a_schedule_that_returns_a_bad_rate_is_caught_at_that_step():
    opt = SGD([Value(1.0)], lr=lambda step: 0.1 - 0.1 * step)
    opt.step()
    with pytest.raises(ValueError, match="learning rate at step 1 must be positive, got 0.0"):
        opt.step()


@pytest.mark.parametrize(
    "make",
    [lambda ps: SGD(ps, lr=0.1, momentum=0.9, weight_decay=0.01), lambda ps: Adam(ps, lr=0.1)],
    ids=["SGD", "Adam"],
)
def test_a_step_after_a_create_graph_pass_uses_the_gradients_number(make):
    w, twin = Value(3.0), Value(3.0)
    (w * w * w).backward(create_graph=True)  # w.grad is a Value: 3w² = 27 with a graph of its own
    twin.grad = 27.0
    assert isinstance(w.grad, Value)
    optimizer, reference = make([w]), make([twin])
    for _ in range(2):
        optimizer.step()
        reference.step()
        assert type(w.data) is float and w.data == twin.data


def test_a_step_that_would_overflow_is_refused_and_leaves_the_parameters():
    w = Value(1e300, label="w")
    w.grad = -1e300
    opt = SGD([w], lr=1e10)
    with pytest.raises(OverflowError, match="this step would make 'w' inf"):
        opt.step()
    assert w.data == 1e300 and opt.steps == 0


def _model_and_optimizer(make):
    w, b = Value(0.5, label="w"), Value(-0.25, label="b")
    return [w, b], make([w, b])


def _set_grads(params, grads):
    for p, g in zip(params, grads):
        p.grad = g


OPTIMIZERS = [
    lambda ps: SGD(ps, lr=0.1, momentum=0.9, weight_decay=0.01),
    lambda ps: Adam(ps, lr=0.01, weight_decay=0.01),
]


@pytest.mark.parametrize("make", OPTIMIZERS)
@pytest.mark.parametrize("bad, error", [
    ([math.nan, 0.5], FloatingPointError),  # a NaN gradient
    ([math.inf, 0.5], OverflowError),  # an infinite one
    ([1e200, 0.5], OverflowError),  # finite, but its square (Adam) or the update overflows
])
def test_a_refused_step_changes_nothing_and_the_next_step_is_as_if_it_never_happened(make, bad, error):
    import copy

    params, opt = _model_and_optimizer(make)
    for grads in ([0.3, -0.2], [0.1, 0.4]):
        _set_grads(params, grads)
        opt.step()
    fresh = copy.deepcopy(opt)  # the same history, never shown the bad gradients
    _set_grads(params, bad)
    if isinstance(opt, SGD) and bad[0] == 1e200:
        opt.lr = 1e200  # SGD's state stays finite with 1e200: make the update overflow instead
    with pytest.raises(error):
        opt.step()
    if isinstance(opt, SGD):
        opt.lr = fresh.lr
    assert [p.data for p in params] == [p.data for p in fresh.params]
    assert opt.steps == fresh.steps
    for grads in ([0.2, 0.2], [-0.1, 0.3]):
        _set_grads(params, grads)
        _set_grads(fresh.params, grads)
        opt.step()
        fresh.step()
        assert [p.data for p in params] == [p.data for p in fresh.params]


@pytest.mark.parametrize("huge", [10**400, -(10**400), 2**1024])
def test_an_integer_too_large_for_a_float_is_refused_in_words_not_with_overflow(huge):
    """math.isfinite(10**400) itself raises OverflowError: the check must not get that far."""
    with pytest.raises(ValueError, match=r"lr must be a finite number, got an integer of about \d+ digits"):
        SGD([Value(1.0)], lr=huge)
    with pytest.raises(ValueError, match=r"momentum must be a finite number, got an integer"):
        SGD([Value(1.0)], lr=0.1, momentum=huge)


def test_the_largest_integer_a_float_holds_is_still_taken():
    assert SGD([Value(1.0)], lr=10**300).lr == 10**300
