"""The toy data sets: shapes, labels, geometry, and the same data for the same seed."""

import math
import random

import pytest

from micrograd_like.nn.datasets import make_circles, make_curve, make_moons, make_spiral, make_xor

MAKERS = [make_moons, make_circles, make_xor, make_spiral, make_curve]


@pytest.mark.parametrize("make", MAKERS)
def test_same_seed_same_data_other_seed_other_data(make):
    assert make(30, seed=4) == make(30, seed=4)
    assert make(30, seed=4) != make(30, seed=5)
    assert make(30, seed=random.Random(4)) == make(30, seed=4)


@pytest.mark.parametrize(
    "make, dims", [(make_moons, 2), (make_circles, 2), (make_xor, 2), (make_spiral, 2), (make_curve, 1)]
)
def test_shapes(make, dims):
    X, y = make(37, seed=0)
    assert len(X) == len(y) == 37
    assert all(len(p) == dims and all(isinstance(c, float) for c in p) for p in X)


def test_moons_without_noise_lie_on_the_two_half_circles():
    X, y = make_moons(50, noise=0.0, seed=0)
    assert y.count(0) == 25 and y.count(1) == 25
    for (a, b), label in zip(X, y):
        if label == 0:  # upper moon: unit circle around (0, 0), upper half
            assert math.hypot(a, b) == pytest.approx(1.0) and b >= -1e-12
        else:  # lower moon: unit circle around (1, 0.5), lower half
            assert math.hypot(a - 1, b - 0.5) == pytest.approx(1.0) and b <= 0.5 + 1e-12


def test_circles_without_noise_have_the_two_radii():
    X, y = make_circles(40, noise=0.0, factor=0.3, seed=0)
    for (a, b), label in zip(X, y):
        assert math.hypot(a, b) == pytest.approx(0.3 if label == 1 else 1.0)


def test_xor_labels_say_whether_exactly_one_coordinate_is_positive():
    X, y = make_xor(4, noise=0.0, seed=0)
    assert sorted(zip(map(tuple, X), y)) == [((-1, -1), 0), ((-1, 1), 1), ((1, -1), 1), ((1, 1), 0)]
    X, y = make_xor(200, noise=0.2, seed=1)
    agree = sum(((a > 0) != (b > 0)) == bool(label) for (a, b), label in zip(X, y))
    assert agree / 200 > 0.95  # noise moves only the odd point across an axis


def test_spiral_has_every_class_and_radii_up_to_one():
    X, y = make_spiral(100, n_classes=4, seed=0)
    assert sorted(set(y)) == [0, 1, 2, 3] and [y.count(k) for k in range(4)] == [25, 25, 25, 25]
    assert max(math.hypot(a, b) for a, b in X) == pytest.approx(1.0)


def test_the_curve_is_sine_of_three_x_plus_noise():
    X, y = make_curve(30, noise=0.0, seed=0)
    xs = [p[0] for p in X]
    assert xs == sorted(xs) and all(-1 <= x <= 1 for x in xs)
    assert y == [math.sin(3 * x) for x in xs]


@pytest.mark.parametrize(
    "call, match",
    [
        (lambda: make_moons(1), "n_samples must be a whole number of at least 2"),
        (lambda: make_moons(10, noise=-0.1), "noise must be a number >= 0"),
        (lambda: make_circles(10, factor=1.5), "factor"),
        (lambda: make_spiral(10, n_classes=1), "n_classes must be a whole number of at least 2"),
        (lambda: make_xor(2.5), "n_samples"),
    ],
)
def test_bad_arguments_are_refused(call, match):
    with pytest.raises(ValueError, match=match):
        call()


def test_a_bad_seed_is_refused():
    with pytest.raises(TypeError, match="seed must be an int"):
        make_moons(10, seed="0")


def test_seed_none_gives_new_data_each_time_and_leaves_the_global_generator_alone():
    random.seed(5)
    state = random.getstate()
    first, second = make_moons(30, seed=None), make_moons(30, seed=None)
    assert first != second
    assert random.getstate() == state  # unlike MLP(seed=None), which draws from the global generator
