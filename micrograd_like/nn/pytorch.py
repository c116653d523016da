"""The same network in PyTorch: ``model.to_torch()`` for students who outgrow a scalar engine.

A :class:`~micrograd_like.nn.MLP` is a stack of layers, each computing ``act(W x + b)`` one
neuron at a time.  PyTorch computes the same thing a whole layer at a time: ``torch.nn.Linear``
holds the matrix ``W`` (row i is neuron i's weights) and the vector ``b``, and an activation
module follows it.  :func:`to_torch` copies our weights into such a stack, in float64 (the
precision of a Python float), so its outputs and its parameters' gradients are ours to
rounding error.

PyTorch is an optional extra (``pip install -e '.[torch]'`` in a clone of the repository); the
rest of the package never imports it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .activations import TABLE

if TYPE_CHECKING:  # only for the annotations: importing torch is the caller's choice
    import torch

__all__ = ["to_torch", "INSTALL_HINT"]

INSTALL_HINT = (
    "to_torch() needs PyTorch, which is not installed here: pip install -e '.[torch]' in a clone of "
    "micrograd_like, or pip install torch --index-url https://download.pytorch.org/whl/cpu "
    "(the CPU build is all it needs)"
)



def _import_torch():
    try:
        import torch
    except ImportError as error:
        raise ImportError(INSTALL_HINT) from error
    return torch


def _layers_of(module) -> list[list]:
    """The module's neurons, layer by layer: an MLP's layers, a Layer alone, or a Neuron alone."""
    from .modules import MLP, Layer, Neuron

    if isinstance(module, MLP):
        return [layer.neurons for layer in module.layers]
    if isinstance(module, Layer):
        return [module.neurons]
    if isinstance(module, Neuron):
        return [[module]]
    raise TypeError(f"to_torch() converts a Neuron, Layer or MLP, got {type(module).__name__}")


def _linear(torch, neurons: list):
    """A float64 ``torch.nn.Linear`` holding these neurons' weights (one row each) and biases."""
    nin = len(neurons[0].w)
    if any(len(n.w) != nin for n in neurons):
        raise ValueError("to_torch(): the neurons of a layer must all have the same number of inputs")
    linear = torch.nn.Linear(nin, len(neurons), dtype=torch.float64)
    with torch.no_grad():
        linear.weight.copy_(torch.tensor([[w.data for w in n.w] for n in neurons], dtype=torch.float64))
        linear.bias.copy_(torch.tensor([n.b.data for n in neurons], dtype=torch.float64))
    return linear


def _activation(torch, neurons: list, index: int):
    kinds = {n.activation for n in neurons}
    if len(kinds) != 1:
        raise ValueError(
            f"to_torch(): layer {index} mixes activations {sorted(kinds)}; torch.nn applies one per layer"
        )
    return getattr(torch.nn, TABLE[kinds.pop()].torch)()  # the row names the torch.nn module


def to_torch(module) -> torch.nn.Module:
    """A float64 ``torch.nn.Sequential`` computing what ``module`` computes, with a copy of its weights.

    Each of our layers becomes a ``Linear`` (``weight[i][j]`` is ``neurons[i].w[j]``,
    ``bias[i]`` is ``neurons[i].b``) followed by its activation (``ReLU``, ``Tanh``,
    ``Sigmoid``, or ``Identity`` for a linear layer).  It takes a tensor of shape
    ``(batch, nin)`` and returns one of shape ``(batch, nout)``.  The copy is independent:
    training one does not change the other.  Raises ImportError, saying how to install it,
    when PyTorch is missing.
    """
    layers = _layers_of(module)
    torch = _import_torch()
    stack = []
    for index, neurons in enumerate(layers):
        stack += [_linear(torch, neurons), _activation(torch, neurons, index)]
    return torch.nn.Sequential(*stack)
