"""model.to_torch(): the same network in PyTorch, with outputs and gradients equal to ours.

The comparisons run wherever torch imports and are skipped elsewhere; the ImportError that
says how to install torch is tested everywhere (by hiding torch).
"""

import math
import random
import sys

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from micrograd_like.nn import ACTIVATIONS, MLP, Layer, Module, Neuron

TOLERANCE = 1e-12


def _torch():
    return pytest.importorskip("torch", reason="torch is not installed (pip install -e '.[torch]')")


def _close(ours: float, theirs: float) -> bool:
    return math.isclose(ours, theirs, rel_tol=TOLERANCE, abs_tol=TOLERANCE)


def _random_loss_both(torch, model: Module, net, rng: random.Random, batch: int):
    """One random loss, sum_k c_k o_k + d_k o_k², built in both frameworks from the same inputs;
    returns (our outputs per point, torch outputs as a tensor)."""
    nin = {MLP: lambda: model.layers[0].nin, Layer: lambda: model.nin, Neuron: lambda: len(model.w)}[type(model)]()
    X = [[rng.uniform(-2, 2) for _ in range(nin)] for _ in range(batch)]
    ours = [model.outputs(x) for x in X]
    c = [[rng.uniform(-1, 1) for _ in row] for row in ours]
    d = [[rng.uniform(-1, 1) for _ in row] for row in ours]
    loss = sum(ci * o + di * o * o for row, crow, drow in zip(ours, c, d) for o, ci, di in zip(row, crow, drow))
    model.zero_grad()
    loss.backward()

    theirs = net(torch.tensor(X, dtype=torch.float64))
    C, D = torch.tensor(c, dtype=torch.float64), torch.tensor(d, dtype=torch.float64)
    (C * theirs + D * theirs * theirs).sum().backward()
    return ours, theirs


def _assert_same(model: Module, net, ours, theirs) -> None:
    assert theirs.dtype.is_floating_point and str(theirs.dtype) == "torch.float64"
    assert list(theirs.shape) == [len(ours), len(ours[0])]
    for row, trow in zip(ours, theirs.tolist()):
        for o, t in zip(row, trow):
            assert _close(o.data, t), (o.data, t)
    layers = model.layers if isinstance(model, MLP) else [model]
    linears = [m for m in net if m.__class__.__name__ == "Linear"]
    assert len(linears) == len(layers)
    for layer, linear in zip(layers, linears):
        neurons = layer.neurons if hasattr(layer, "neurons") else [layer]
        weight_grad, bias_grad = linear.weight.grad.tolist(), linear.bias.grad.tolist()
        for i, neuron in enumerate(neurons):
            for j, w in enumerate(neuron.w):
                assert _close(w.grad, weight_grad[i][j]), (w.label, w.grad, weight_grad[i][j])
            assert _close(neuron.b.grad, bias_grad[i]), (neuron.b.label, neuron.b.grad, bias_grad[i])


@settings(max_examples=25)
@given(
    seed=st.integers(0, 2**32 - 1),
    activation=st.sampled_from(sorted(ACTIVATIONS)),
    output=st.sampled_from(sorted(ACTIVATIONS)),
    fused=st.booleans(),
    sizes=st.lists(st.integers(1, 5), min_size=1, max_size=4),
    init=st.sampled_from(["micrograd", "xavier", "he"]),
)
def test_an_mlp_and_its_torch_copy_agree_on_outputs_and_gradients(seed, activation, output, fused, sizes, init):
    torch = _torch()
    rng = random.Random(seed)
    model = MLP(rng.randint(1, 4), sizes, activation=activation, output=output, init=init, seed=rng, fused=fused)
    net = model.to_torch()
    ours, theirs = _random_loss_both(torch, model, net, rng, batch=rng.randint(1, 4))
    _assert_same(model, net, ours, theirs)


@pytest.mark.parametrize("activation", sorted(ACTIVATIONS))
def test_a_neuron_and_a_layer_convert_too(activation):
    torch = _torch()
    rng = random.Random(7)
    for module in (Neuron(3, activation=activation, seed=rng), Layer(3, 4, activation=activation, seed=rng)):
        net = module.to_torch()
        ours, theirs = _random_loss_both(torch, module, net, rng, batch=3)
        _assert_same(module, net, ours, theirs)


def test_the_torch_copy_has_our_structure_and_weights():
    torch = _torch()
    model = MLP(2, [3, 1], activation="tanh", output="sigmoid", seed=0)
    net = model.to_torch()
    assert [type(m).__name__ for m in net] == ["Linear", "Tanh", "Linear", "Sigmoid"]
    assert all(p.dtype == torch.float64 for p in net.parameters())
    assert net[0].weight[2, 1].item() == model.layers[0].neurons[2].w[1].data
    assert net[2].bias[0].item() == model.layers[1].neurons[0].b.data
    assert sum(p.numel() for p in net.parameters()) == model.num_parameters()


def test_the_copy_is_independent_of_the_model():
    torch = _torch()
    model = MLP(2, [2, 1], seed=0)
    net = model.to_torch()
    before = model.layers[0].neurons[0].w[0].data
    with torch.no_grad():
        net[0].weight.add_(1.0)
    assert model.layers[0].neurons[0].w[0].data == before
    model.layers[0].neurons[0].w[0].data = before + 5.0
    assert net[0].weight[0, 0].item() == before + 1.0


def test_a_dead_relu_passes_no_gradient_in_either():
    torch = _torch()
    neuron = Neuron(1, activation="relu", seed=0)
    neuron.w[0].data, neuron.b.data = 1.0, -5.0  # input 1.0 gives z = -4: the relu is off
    net = neuron.to_torch()
    out = neuron([1.0])
    out.backward()
    net(torch.tensor([[1.0]], dtype=torch.float64)).sum().backward()
    assert out.data == 0.0 and neuron.w[0].grad == 0.0 and net[0].weight.grad.item() == 0.0


def test_without_torch_to_torch_says_how_to_install_it(monkeypatch):
    monkeypatch.setitem(sys.modules, "torch", None)  # makes `import torch` raise ImportError
    with pytest.raises(ImportError, match=r"pip install -e '\.\[torch\]'") as caught:
        MLP(2, [1], seed=0).to_torch()
    assert "download.pytorch.org/whl/cpu" in str(caught.value)


def test_only_networks_convert():
    with pytest.raises(TypeError, match="converts a Neuron, Layer or MLP, got Module"):
        Module().to_torch()


def test_a_layer_mixing_activations_is_refused_not_mistranslated():
    _torch()
    layer = Layer(2, 2, activation="tanh", seed=0)
    layer.neurons[1] = Neuron(2, activation="relu", seed=1)
    with pytest.raises(ValueError, match="mixes activations"):
        layer.to_torch()
