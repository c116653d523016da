"""Neural networks from Values: neurons, layers, MLPs, and what trains them.

- :mod:`.modules`: :class:`Module`, :class:`Neuron`, :class:`Layer`, :class:`MLP` and the
  initialisations; :mod:`.activations`, one row per activation (its function, derivative, numpy
  and PyTorch forms, and its name on a drawing);
- :mod:`.losses`, :mod:`.optim` (SGD, Adam, learning-rate schedules), :mod:`.datasets` (two
  moons, circles, spirals... in pure Python);
- :mod:`.grids` (a network's outputs over a grid of points, for pictures of what it learned),
  :mod:`.pytorch` (``model.to_torch()``), :mod:`.validation` (the arguments' checks).

``from micrograd_like.nn import MLP, Neuron, Layer`` works as in micrograd.
"""

from .modules import ACTIVATIONS, INITS, MLP, Layer, Module, Neuron, weighted_sum

__all__ = ["Module", "Neuron", "Layer", "MLP", "weighted_sum", "ACTIVATIONS", "INITS"]
