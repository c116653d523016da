"""Training end to end: small problems reach known results from a fixed seed."""

import random

import pytest

from micrograd_like.nn import MLP, Neuron
from micrograd_like.nn.datasets import make_moons, make_xor
from micrograd_like.nn.losses import binary_cross_entropy, hinge_loss, l2_penalty
from micrograd_like.nn.optim import SGD, LinearDecay


def _train_xor(model, steps=100):
    X, y = make_xor(4, noise=0.0, seed=0)
    optimizer = SGD(model.parameters(), lr=0.5, momentum=0.9)
    for _ in range(steps):
        scores = [model(x) for x in X]
        loss = binary_cross_entropy(scores, y)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    scores = [model(x).data for x in X]
    return loss.data, scores, y


def test_a_small_mlp_learns_xor():
    loss, scores, y = _train_xor(MLP(2, [4, 1], activation="tanh", init="xavier", seed=0))
    assert loss < 0.01
    assert [int(s > 0) for s in scores] == y


def test_training_from_a_seed_repeats_exactly():
    first = _train_xor(MLP(2, [4, 1], activation="tanh", init="xavier", seed=3), steps=20)
    second = _train_xor(MLP(2, [4, 1], activation="tanh", init="xavier", seed=3), steps=20)
    assert first == second


def test_a_single_neuron_cannot_learn_xor():
    loss, scores, y = _train_xor(Neuron(2, activation="linear", init="xavier", seed=0))
    assert loss > 0.6  # stuck near log 2 = 0.693: no straight line separates the classes
    assert sum(int(s > 0) == t for s, t in zip(scores, y)) <= 3


def test_one_step_of_the_moons_recipe_matches_micrograd_exactly():
    micrograd_nn = pytest.importorskip("micrograd.nn", reason="micrograd (the reference) is not installed")
    from micrograd.engine import Value as MicrogradValue

    X, labels = make_moons(20, noise=0.1, seed=0)
    y = [2 * t - 1 for t in labels]
    their_loss, _, _, their_params = _notebook_step(MicrogradValue, micrograd_nn.MLP, X, y)

    # ours, through the library, from the same weights
    random.seed(1337)
    ours = MLP(2, [16, 16, 1])
    loss = hinge_loss([ours(x) for x in X], y) + l2_penalty(ours.parameters(), 1e-4)
    optimizer = SGD(ours.parameters(), lr=LinearDecay(1.0, 0.1, 100))
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()

    assert loss.data == pytest.approx(their_loss, rel=1e-12)
    assert [p.data for p in ours.parameters()] == pytest.approx(their_params, rel=1e-12, abs=1e-15)


THREE_POINTS = [[0.5, -0.2], [1.5, 0.3], [-0.7, 0.9]], [1, -1, 1]


def _notebook_step(Value, MLP, X=THREE_POINTS[0], y=THREE_POINTS[1]):
    """micrograd's notebook training step, verbatim apart from the data (three points unless
    given), from micrograd's seed; returns (loss, accuracy, gradients, parameters after it)."""
    random.seed(1337)
    model = MLP(2, [16, 16, 1])
    inputs = [list(map(Value, xrow)) for xrow in X]
    scores = list(map(model, inputs))
    losses = [(1 + -yi * scorei).relu() for yi, scorei in zip(y, scores)]
    data_loss = sum(losses) * (1.0 / len(losses))
    reg_loss = 1e-4 * sum(p * p for p in model.parameters())
    total_loss = data_loss + reg_loss
    accuracy = [(yi > 0) == (scorei.data > 0) for yi, scorei in zip(y, scores)]
    model.zero_grad()
    total_loss.backward()
    learning_rate = 1.0 - 0.9 * 0 / 100
    grads = [p.grad for p in model.parameters()]
    for p in model.parameters():
        p.data -= learning_rate * p.grad
    return total_loss.data, accuracy, grads, [p.data for p in model.parameters()]


def test_micrograds_notebook_code_runs_with_the_import_changed_and_gives_micrograds_numbers():
    micrograd_engine = pytest.importorskip("micrograd.engine", reason="micrograd (the reference) is not installed")
    from micrograd.nn import MLP as MicrogradMLP

    from micrograd_like.engine import Value as V
    from micrograd_like.nn import MLP as NotebookMLP

    loss, accuracy, grads, params = _notebook_step(V, NotebookMLP)
    their_loss, their_accuracy, their_grads, their_params = _notebook_step(micrograd_engine.Value, MicrogradMLP)
    assert len(params) == len(their_params) == 337
    assert loss == pytest.approx(their_loss, rel=1e-12) and loss > 0
    assert accuracy == their_accuracy
    assert any(grads)
    assert grads == pytest.approx(their_grads, rel=1e-12, abs=1e-15)
    assert params == pytest.approx(their_params, rel=1e-12, abs=1e-15)
