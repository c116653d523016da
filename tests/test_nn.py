"""Neurons, layers and MLPs: micrograd's shapes and order, the activations, the init schemes."""

import math
import random
import statistics

import pytest

from micrograd_like import Value
from micrograd_like.nn import ACTIVATIONS, MLP, Layer, Neuron
from micrograd_like.nn.activations import TABLE


@pytest.fixture
def micrograd_nn():
    """micrograd's own nn module, the reference (installed by the test extra)."""
    return pytest.importorskip("micrograd.nn", reason="micrograd (the reference) is not installed")


def _same_numbers(ours, theirs):
    return [p.data for p in ours.parameters()] == [p.data for p in theirs.parameters()]


@pytest.mark.parametrize("nin, nouts", [(2, [16, 16, 1]), (3, [4, 4, 1]), (1, [5, 2]), (4, [3])])
def test_mlp_draws_micrograds_weights_in_micrograds_order(nin, nouts, micrograd_nn):
    # With seed=None both draw from Python's global generator, in the same order.
    random.seed(42)
    ours = MLP(nin, nouts)
    random.seed(42)
    theirs = micrograd_nn.MLP(nin, nouts)
    assert len(ours.parameters()) == len(theirs.parameters()) == ours.num_parameters()
    assert _same_numbers(ours, theirs)
    x = [0.5 * i - 0.7 for i in range(nin)]
    out, ref = ours(x), theirs(x)
    if isinstance(ref, list):
        assert [o.data for o in out] == [r.data for r in ref]
    else:
        assert isinstance(out, Value) and out.data == ref.data


def test_gradients_match_micrograds_after_a_backward_pass(micrograd_nn):
    random.seed(7)
    ours = MLP(3, [5, 4, 1])
    random.seed(7)
    theirs = micrograd_nn.MLP(3, [5, 4, 1])
    x = [0.3, -1.2, 2.0]
    (ours(x) ** 2).backward()
    (theirs(x) ** 2).backward()
    for p, q in zip(ours.parameters(), theirs.parameters()):
        assert p.grad == pytest.approx(q.grad, rel=1e-12, abs=1e-15)


def test_micrograds_attribute_names_and_flags():
    random.seed(0)
    model = MLP(2, [3, 1])
    assert [len(layer.neurons) for layer in model.layers] == [3, 1]
    assert [n.nonlin for n in model.layers[0].neurons] == [True] * 3  # ReLU hidden
    assert model.layers[-1].neurons[0].nonlin is False  # linear output
    neuron = model.layers[0].neurons[1]
    assert len(neuron.w) == 2 and isinstance(neuron.b, Value) and neuron.b.data == 0.0
    assert Neuron(3, nonlin=False).activation == "linear"
    assert Neuron(3).activation == "relu"
    assert all(n.activation == "linear" for n in Layer(2, 4, nonlin=False).neurons)


def test_parameters_are_each_neurons_weights_then_its_bias():
    model = MLP(2, [3, 2], seed=0)
    expected = [
        f"layers[{i}].neurons[{j}].{name}"
        for i, (nin, nout) in enumerate([(2, 3), (3, 2)])
        for j in range(nout)
        for name in [f"w[{k}]" for k in range(nin)] + ["b"]
    ]
    assert [p.label for p in model.parameters()] == expected
    assert model.num_parameters() == (2 + 1) * 3 + (3 + 1) * 2 == len(expected)


def test_labels_name_the_path_to_each_parameter():
    model = MLP(2, [3, 1], seed=0)
    assert model.layers[1].neurons[0].w[2].label == "layers[1].neurons[0].w[2]"
    assert Layer(2, 2, seed=0).neurons[1].b.label == "neurons[1].b"
    assert [p.label for p in Neuron(2, seed=0).parameters()] == ["w[0]", "w[1]", "b"]


def test_one_output_is_a_value_several_are_a_list_and_outputs_is_always_a_list():
    x = [1.0, -1.0]
    assert isinstance(MLP(2, [4, 1], seed=0)(x), Value)
    out = MLP(2, [4, 3], seed=0)(x)
    assert isinstance(out, list) and len(out) == 3
    assert len(MLP(2, [4, 1], seed=0).outputs(x)) == 1
    assert isinstance(Layer(2, 1, seed=0)(x), Value)
    assert len(Layer(2, 1, seed=0).outputs(x)) == 1
    # A one-neuron hidden layer (micrograd's MLP fails here: it hands a Value to the next layer).
    assert isinstance(MLP(2, [1, 1], seed=0)(x), Value)


def test_the_forward_pass_is_the_weighted_sum_then_the_activation():
    z = 0.4 * 2.0 + (-1.5) * 0.5 + 0.3  # 0.35
    for activation, expected in [
        ("relu", max(z, 0.0)),
        ("tanh", math.tanh(z)),
        ("sigmoid", 1 / (1 + math.exp(-z))),
        ("linear", z),
    ]:
        n = Neuron(2, activation=activation, seed=0)
        n.w[0].data, n.w[1].data, n.b.data = 0.4, -1.5, 0.3
        assert n([2.0, 0.5]).data == pytest.approx(expected, rel=1e-15)
    n = Neuron(1, seed=0)
    n.w[0].data = 1.0
    assert n([-3.0]).data == 0.0  # ReLU clips


def test_the_activations_are_the_tables_rows():
    assert list(ACTIVATIONS) == list(TABLE)
    assert all(ACTIVATIONS[name] is row.function and row.name == name for name, row in TABLE.items())


POINTS = [-30.0, -2.5, -0.7, -1e-3, 1e-3, 0.35, 1.0, 4.0, 30.0]  # both sides of 0, and saturated


@pytest.mark.parametrize("name", sorted(TABLE))
def test_each_rows_derivative_is_the_engines_gradient(name):
    """The row's sigma'(z), which the textbook demo works with by hand, is what backward() finds."""
    row = TABLE[name]
    for z in POINTS:
        x = Value(z)
        out = row.function(x)
        out = out if out is not x else x * 1.0  # linear returns its input: give backward() a node
        out.backward()
        assert row.derivative(z) == pytest.approx(x.grad, rel=1e-12, abs=1e-15), z
        assert row.function(z) == out.data  # on a float, the number the node holds


@pytest.mark.parametrize("name", sorted(TABLE))
def test_each_rows_numpy_form_gives_the_floats(name):
    np = pytest.importorskip("numpy")
    row = TABLE[name]
    got = row.on_arrays(np.array(POINTS))
    assert list(got) == pytest.approx([row.function(z) for z in POINTS], rel=1e-12, abs=1e-15)


def test_fused_and_unfused_neurons_agree_bit_for_bit():
    from micrograd_like.engine.backward import topological_order

    x = [0.5, -1.25, 2.0]
    fused, chain = MLP(3, [4, 4, 1], seed=7), MLP(3, [4, 4, 1], seed=7, fused=False)
    out_fused, out_chain = fused(x), chain(x)
    assert out_fused.data == out_chain.data
    out_fused.backward()
    out_chain.backward()
    assert [p.grad for p in fused.parameters()] == [p.grad for p in chain.parameters()]
    # one Σ node per neuron instead of a * and a + per weight
    assert {n.op for n in topological_order(out_fused)} == {"", "Σ", "ReLU"}
    def interior(root):
        return sum(1 for n in topological_order(root) if n.parents)

    assert interior(out_fused) == 9 + 8  # a Σ per neuron, a ReLU per hidden neuron
    assert interior(out_chain) == 2 * (4 * 3 + 4 * 4 + 1 * 4) + 8


def test_inputs_may_be_values_or_numbers_and_gradients_reach_them():
    model = MLP(2, [3, 1], activation="tanh", seed=1)
    x = [Value(0.5), Value(-0.25)]
    model(x).backward()
    assert any(v.grad != 0.0 for v in x)


def test_zero_grad_clears_every_parameter():
    model = MLP(2, [3, 1], activation="tanh", seed=1)
    model([1.0, 2.0]).backward()
    assert any(p.grad for p in model.parameters())
    model.zero_grad()
    assert all(p.grad == 0.0 for p in model.parameters())


# -- seeds and initialisation ----------------------------------------------------------------


def test_the_same_seed_gives_the_same_network_and_different_seeds_differ():
    assert _same_numbers(MLP(3, [5, 1], seed=11), MLP(3, [5, 1], seed=11))
    assert not _same_numbers(MLP(3, [5, 1], seed=11), MLP(3, [5, 1], seed=12))


def test_a_random_generator_is_used_and_advanced():
    rng = random.Random(5)
    first, second = MLP(2, [3, 1], seed=rng), MLP(2, [3, 1], seed=rng)
    assert not _same_numbers(first, second)  # the second continued the same stream
    assert _same_numbers(first, MLP(2, [3, 1], seed=random.Random(5)))


def test_neurons_in_a_layer_do_not_share_weights():
    layer = Layer(3, 4, seed=9)
    rows = [tuple(w.data for w in n.w) for n in layer.neurons]
    assert len(set(rows)) == 4


def _weights(layer):
    return [w.data for n in layer.neurons for w in n.w]


def test_micrograd_init_is_uniform_between_minus_one_and_one():
    ws = _weights(Layer(100, 100, init="micrograd", seed=0))
    assert -1 <= min(ws) < -0.99 and 0.99 < max(ws) <= 1
    assert statistics.pvariance(ws) == pytest.approx(1 / 3, rel=0.05)
    assert abs(statistics.fmean(ws)) < 0.02


def test_xavier_init_is_uniform_with_variance_two_over_fan_in_plus_fan_out():
    fan_in, fan_out = 120, 80
    ws = _weights(Layer(fan_in, fan_out, init="xavier", seed=0))
    a = math.sqrt(6 / (fan_in + fan_out))
    assert -a <= min(ws) and max(ws) <= a and max(ws) > 0.99 * a
    assert statistics.pvariance(ws) == pytest.approx(2 / (fan_in + fan_out), rel=0.05)
    assert abs(statistics.fmean(ws)) < 0.05 * a


def test_he_init_is_normal_with_variance_two_over_fan_in():
    fan_in = 50
    ws = _weights(Layer(fan_in, 200, init="he", seed=0))
    std = math.sqrt(2 / fan_in)
    assert statistics.pvariance(ws) == pytest.approx(2 / fan_in, rel=0.05)
    assert abs(statistics.fmean(ws)) < 0.05 * std
    # A normal, not a uniform: about 4.6% of draws lie beyond two standard deviations.
    beyond = sum(abs(w) > 2 * std for w in ws) / len(ws)
    assert 0.035 < beyond < 0.06


def test_lecun_init_is_normal_with_variance_one_over_fan_in():
    fan_in = 50
    ws = _weights(Layer(fan_in, 200, init="lecun", seed=0))
    assert statistics.pvariance(ws) == pytest.approx(1 / fan_in, rel=0.05)
    assert abs(statistics.fmean(ws)) < 0.05 * math.sqrt(1 / fan_in)


def test_biases_start_at_zero_and_a_callable_init_draws_the_weights():
    layer = Layer(3, 2, init=lambda fan_in, fan_out, rng: fan_in * 10 + fan_out, seed=0)
    assert all(n.b.data == 0.0 for n in layer.neurons)
    assert _weights(layer) == [32.0] * 6


# -- reprs and bad input -----------------------------------------------------------------------


def test_reprs_show_the_shape_the_activations_and_the_parameter_count():
    assert repr(MLP(2, [16, 16, 1], seed=0)) == "MLP(2 -> 16 relu -> 16 relu -> 1 linear; 337 parameters)"
    assert repr(MLP(3, [4, 2], activation="tanh", output="sigmoid", seed=0)) == (
        "MLP(3 -> 4 tanh -> 2 sigmoid; 26 parameters)"
    )
    assert repr(Layer(2, 3, seed=0)) == "Layer(2 -> 3 relu; 9 parameters)"
    assert repr(Neuron(4, nonlin=False, seed=0)) == "Neuron(4 -> linear; 5 parameters)"


@pytest.mark.parametrize(
    "make, error, match",
    [
        (lambda: MLP(2, [3, 1], activation="softmax"), ValueError, "unknown activation: 'softmax'"),
        (lambda: MLP(2, [3, 1], output="Tanh"), ValueError, "unknown activation: 'Tanh'"),
        (lambda: MLP(2, [3, 1], init="gaussian"), ValueError, "unknown init: 'gaussian'"),
        (lambda: MLP(2, 3), TypeError, "nouts must be a non-empty list"),
        (lambda: MLP(2, []), TypeError, "nouts must be a non-empty list"),
        (lambda: MLP(2, [3, 0]), ValueError, "layer size"),
        (lambda: MLP(0, [3]), ValueError, "nin"),
        (lambda: Layer(2, 2.5), ValueError, "nout"),
        (lambda: Neuron(2, seed="1"), TypeError, "seed must be an int"),
        (lambda: Neuron(2, nonlin=False, activation="tanh"), ValueError, "nonlin=False"),
    ],
)
def test_bad_construction_is_refused_with_a_specific_error(make, error, match):
    with pytest.raises(error, match=match):
        make()


def test_the_wrong_number_of_inputs_is_refused_not_truncated():
    model = MLP(3, [2, 1], seed=0)
    with pytest.raises(ValueError, match=r"expects 3 inputs, got 2"):
        model([1.0, 2.0])
    with pytest.raises(ValueError, match=r"expects 3 inputs, got 4"):
        model([1.0, 2.0, 3.0, 4.0])
    with pytest.raises(TypeError, match=r"expects a sequence of 3 inputs, got float"):
        model(1.0)
    with pytest.raises(ValueError, match=r"Neuron\(2 -> relu; 3 parameters\) expects 2 inputs, got 1"):
        Neuron(2, seed=0)([1.0])
