"""micrograd_like: a scalar reverse-mode autodiff engine for teaching backpropagation.

>>> from micrograd_like import Value
>>> x = Value(3.0, label="x")
>>> y = x * x + 2 * x
>>> y.backward()
>>> x.grad  # dy/dx = 2x + 2
8.0
"""

from . import datasets, losses, nn, optim
from .engine import Value
from .nn import MLP, Layer, Module, Neuron
from .optim import SGD, Adam

__all__ = ["Value", "Module", "Neuron", "Layer", "MLP", "SGD", "Adam", "nn", "optim", "losses", "datasets"]
__version__ = "0.1.0"
