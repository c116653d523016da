"""The activations, one row each: everything the package knows about one, in one place.

A neuron's activation is named by a string (``MLP(2, [8, 1], activation="tanh")``).  Each name
is one :class:`Activation` row of :data:`TABLE`, and each part of the package reads its own
column of that row:

- ``function``: the activation on a Value (building a node whose derivative the engine knows)
  or on a float; what a :class:`~micrograd_like.nn.Neuron` calls, and what
  :data:`micrograd_like.nn.ACTIVATIONS` lists;
- ``derivative``: σ'(z) written from z, on a float: the textbook's layer equations
  (``micrograd-like demo textbook``) work with it by hand;
- ``on_arrays``: the same function on a numpy array, for pictures of a network's outputs over
  a grid of points (:mod:`.grids`);
- ``torch``: the name of the ``torch.nn`` module that computes it (:mod:`.pytorch`; PyTorch is
  imported only there, and only when a model is converted);
- ``drawn``: how a drawing of the network names it (``draw_network``).

A new activation is one more row, and every part knows it.

>>> TABLE["sigmoid"].function(0.0), TABLE["sigmoid"].derivative(0.0)
(0.5, 0.25)
>>> TABLE["sigmoid"].torch, TABLE["sigmoid"].drawn
('Sigmoid', 'σ')
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from ..engine import ops

__all__ = ["Activation", "TABLE"]


@dataclass(frozen=True)
class Activation:
    """One activation, as every part of the package needs it (see the module's docs)."""

    name: str
    function: Callable  # a Value (or a float) in, the same kind out
    derivative: Callable[[float], float]  # σ'(z), from z
    on_arrays: Callable  # a numpy array in, a numpy array out
    torch: str  # the torch.nn module: getattr(torch.nn, torch)()
    drawn: str  # its name on a drawing of the network


# numpy is imported inside these: it is needed only for the pictures (any plotting library brings it).


def _relu_array(z):
    return z * (z > 0)


def _tanh_array(z):
    import numpy as np

    return np.tanh(z)


def _sigmoid_array(z):
    import numpy as np

    return 0.5 * (1.0 + np.tanh(0.5 * z))  # σ(z) = (1 + tanh(z/2)) / 2: no overflow in exp


def _identity(z):
    return z


TABLE: dict[str, Activation] = {row.name: row for row in (
    Activation("relu", ops.relu, lambda z: 1.0 if z > 0 else 0.0, _relu_array, torch="ReLU", drawn="ReLU"),
    Activation("tanh", ops.tanh, lambda z: 1.0 - ops.tanh(z) ** 2, _tanh_array, torch="Tanh", drawn="tanh"),
    Activation("sigmoid", ops.sigmoid, lambda z: ops.sigmoid(z) * (1.0 - ops.sigmoid(z)), _sigmoid_array,
               torch="Sigmoid", drawn="σ"),
    Activation("linear", _identity, lambda z: 1.0, _identity, torch="Identity", drawn="linear"),
)}
"""Every activation by its name, in the order the choices are offered (the default, relu, first)."""
