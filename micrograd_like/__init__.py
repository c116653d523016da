"""micrograd_like: a scalar reverse-mode autodiff engine for teaching backpropagation.

>>> from micrograd_like import Value
>>> x = Value(3.0, label="x")
>>> y = x * x + 2 * x
>>> y.backward()
>>> x.grad  # dy/dx = 2x + 2
8.0

``import micrograd_like`` loads nothing but this file: each name below is imported from its
module the first time it is used (a module ``__getattr__``, PEP 562).  The command line starts
at once, so Ctrl-C there is always answered by the command, and a notebook that only needs
``Value`` never loads the drawing, the stepper or the compiler.
"""

import importlib

TYPE_CHECKING = False  # True for type checkers; spelled out so that loading typing costs no time

__version__ = "0.1.0"

# Each public name, and the module it comes from (a module's own name: the module itself).
_HOME = {
    # the engine
    "Value": "engine",
    "Constant": "engine",
    "Primitive": "ops",
    "apply": "engine",
    "weighted_sum": "engine",
    "no_grad": "engine",
    "detect_anomaly": "engine",
    "AnomalyError": "engine",
    # derivatives as functions, and checks
    "grad": "functional",
    "value_and_grad": "functional",
    "hessian": "functional",
    "gradcheck": "checks",
    "check_nodes": "checks",
    # backprop written out as code
    "compile_graph": "compiled",
    # expressions, drawings and the stepper
    "parse": "expression",
    "ExpressionError": "expression",
    "draw_dot": "viz",
    "draw_path": "viz",
    "draw_network": "viz",
    "Highlight": "viz",
    "GraphvizNotFoundError": "viz",
    "backward_steps": "stepper",
    "forward_walk": "stepper",
    "Stepper": "stepper",
    "name_nodes": "naming",
    # neural networks
    "Module": "nn",
    "Neuron": "nn",
    "Layer": "nn",
    "MLP": "nn",
    "SGD": "optim",
    "Adam": "optim",
    "nn": "nn",
    "optim": "optim",
    "losses": "losses",
    "datasets": "datasets",
}
__all__ = list(_HOME)

if TYPE_CHECKING:  # what editors and type checkers read; at run time __getattr__ does the importing
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
    from .viz import GraphvizNotFoundError, Highlight, draw_dot, draw_network, draw_path


def __getattr__(name: str):
    """Import ``name`` on first use: a public name from its module, or any of the package's modules."""
    module_name = _HOME.get(name, name)
    try:
        module = importlib.import_module(f"{__name__}.{module_name}")
    except ModuleNotFoundError as missing:
        if missing.name != f"{__name__}.{module_name}":
            raise  # a module of ours that needs something not installed: say so
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}") from None
    value = module if module_name == name else getattr(module, name)
    globals()[name] = value  # the next use is an ordinary lookup
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
