"""micrograd_like: a scalar reverse-mode autodiff engine for teaching backpropagation.

>>> from micrograd_like import Value
>>> x = Value(3.0, label="x")
>>> y = x * x + 2 * x
>>> y.backward()
>>> x.grad  # dy/dx = 2x + 2
8.0
"""

from . import datasets, losses, nn, optim
from .checks import check_nodes, gradcheck
from .compiled import compile_graph
from .engine import AnomalyError, Constant, Value, apply, detect_anomaly, no_grad, weighted_sum
from .expression import ExpressionError, parse
from .functional import grad, hessian, value_and_grad
from .naming import name_nodes
from .nn import MLP, Layer, Module, Neuron
from .ops import Primitive
from .optim import SGD, Adam
from .stepper import Stepper, backward_steps, forward_walk

__all__ = [
    # the engine
    "Value",
    "Constant",
    "Primitive",
    "apply",
    "weighted_sum",
    "no_grad",
    "detect_anomaly",
    "AnomalyError",
    # derivatives as functions, and checks
    "grad",
    "value_and_grad",
    "hessian",
    "gradcheck",
    "check_nodes",
    # backprop written out as code
    "compile_graph",
    # expressions, drawings and the stepper
    "parse",
    "ExpressionError",
    "draw_dot",
    "draw_path",
    "draw_network",
    "Highlight",
    "GraphvizNotFoundError",
    "backward_steps",
    "forward_walk",
    "Stepper",
    "name_nodes",
    # neural networks
    "Module",
    "Neuron",
    "Layer",
    "MLP",
    "SGD",
    "Adam",
    "nn",
    "optim",
    "losses",
    "datasets",
]
__version__ = "0.1.0"

_DRAWING = ("draw_dot", "draw_path", "draw_network", "Highlight", "GraphvizNotFoundError")


def __getattr__(name: str):
    # The drawing functions load the graphviz package on first use: the engine needs none of it.
    if name in _DRAWING:
        from . import viz

        return getattr(viz, name)
    raise AttributeError(f"module 'micrograd_like' has no attribute {name!r}")
