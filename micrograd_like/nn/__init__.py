"""Neural networks from Values: neurons, layers, MLPs, and what trains them.

- :mod:`.modules`: :class:`Module`, :class:`Neuron`, :class:`Layer`, :class:`MLP`, the
  activations and the initialisations;
- :mod:`.losses`, :mod:`.optim` (SGD, Adam, learning-rate schedules), :mod:`.datasets` (two
  moons, circles, spirals... in pure Python);
- :mod:`.grids` (a network's outputs over a grid of points, for pictures of what it learned),
  :mod:`.pytorch` (``model.to_torch()``), :mod:`.validation` (the arguments' checks).

``from micrograd_like.nn import MLP, Neuron, Layer`` works as in micrograd.
"""

from .modules import ACTIVATIONS, INITS, MLP, Layer, Module, Neuron, weighted_sum

__all__ = ["Module", "Neuron", "Layer", "MLP", "weighted_sum", "ACTIVATIONS", "INITS"]
