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
import importlib.machinery
import sys

from . import offers

TYPE_CHECKING = False  # True for type checkers; spelled out so that loading typing costs no time

__version__ = "0.1.0"

# The house, from the ground up.  A module may import from its own part and from the parts
# below it, never from one above (tests/test_imports.py reads every import, those inside
# functions included).  This face stands above them all: it wires them together.
LAYERS = (
    "offers",  # methods a lower part offers and a higher one provides (see below)
    "engine",  # Value, the chain rule, the primitive table: what a student reads first
    "nn",  # neurons, layers, MLPs, losses, optimisers, data sets
    "compiler",  # backprop written out as Python code
    "drawing",  # DOT, Graphviz, fitting a drawing to a projector
    "teach",  # expressions, steps in words, the stepper, the quiz, worksheets
    "pages",  # slideshows, exports, printed worksheets
    "web",  # the widgets' halves: plain-Python panels, and the ES modules that show them in a page
    "notebook",  # the widgets
    "demos",  # the classroom demos
    "cli",  # the micrograd-like command
)

# What a lower part offers and a higher part provides: "Value.backward_steps" is a method
# of the engine's Value whose stepper is made by teach.  Each is imported on first use.
PROVIDED = {
    "Value.backward_steps": "teach.stepper:Stepper",
    "Stepper.quiz": "teach.quiz:quiz",
    "Stepper.predict": "teach.predict:predict",
    "Stepper.to_markdown": "pages.export:to_markdown",
    "Stepper.to_csv": "pages.export:to_csv",
    "Stepper.save_svgs": "pages.slideshow:save_svgs",
    "Stepper.save_html": "pages.slideshow:save_html",
    "Stepper._repr_html_": "pages.slideshow:notebook_html",
    "Stepper.widget": "notebook.stepper_widget:stepper_widget",
    "Module.to_torch": "nn.pytorch:to_torch",
    "Quiz.widget": "notebook.quiz_widget:quiz_widget",
    "Playground.widget": "notebook.playground_view:playground_widget",
}
for _offer, _where in PROVIDED.items():
    offers.provide(_offer, f"{__name__}.{_where}")

# Where each module lived before the package was built in parts: code written for the flat
# package (``from micrograd_like.optim import SGD``) still imports, and gets the module itself.
MOVED = {
    "autodiff": "engine.backward", "ops": "engine.ops", "modes": "engine.modes", "closures": "engine.backward",
    "functional": "engine.functional", "checks": "engine.checks",
    "optim": "nn.optim", "losses": "nn.losses", "datasets": "nn.datasets", "pytorch": "nn.pytorch",
    "grids": "nn.grids",
    "compiled": "compiler.compiled", "codegen": "compiler.source", "repeats": "compiler.repeats",
    "dot": "drawing.dot", "viz": "drawing.graphs", "render": "drawing.render", "network": "drawing.network",
    "projector": "drawing.projector",
    "expression": "teach.expression", "naming": "teach.naming", "words": "teach.words", "steps": "teach.steps",
    "forward": "teach.forward", "stepper": "teach.stepper", "quiz": "teach.quiz", "worksheet": "teach.worksheet",
    "slideshow": "pages.slideshow", "export": "pages.export", "worksheet_pages": "pages.worksheets",
    "files": "pages.files",
    "widgets": "notebook.stepper_widget", "quiz_widget": "notebook.quiz_widget",
    "playground": "notebook.playground", "playground_view": "notebook.playground_view",
}


class _OldHomes:
    """Finds ``micrograd_like.OLD`` for each OLD of :data:`MOVED`: the module at its new home,
    loaded on first import (``sys.modules`` then holds it under both names)."""

    def find_spec(self, fullname: str, path=None, target=None):
        package, _, old = fullname.rpartition(".")
        if package != __name__ or old not in MOVED:
            return None
        return importlib.machinery.ModuleSpec(fullname, self)

    def create_module(self, spec):
        module = importlib.import_module(f"{__name__}.{MOVED[spec.name.rpartition('.')[2]]}")
        spec.loader_state = module.__spec__  # (the import system sets the old name's spec on it)
        return module

    def exec_module(self, module) -> None:
        module.__spec__ = module.__spec__.loader_state  # it ran under its own name: its own spec again


sys.meta_path.append(_OldHomes())

# Each public name, and the module it comes from (a module's own name: the module itself).
_HOME = {
    # the engine
    "Value": "engine.value",
    "Constant": "engine.value",
    "Primitive": "engine.ops",
    "apply": "engine.value",
    "weighted_sum": "engine.value",
    "no_grad": "engine.modes",
    "detect_anomaly": "engine.modes",
    "AnomalyError": "engine.modes",
    "ops": "engine.ops",
    # derivatives as functions, and checks
    "grad": "engine.functional",
    "value_and_grad": "engine.functional",
    "hessian": "engine.functional",
    "gradcheck": "engine.checks",
    "check_nodes": "engine.checks",
    # backprop written out as code
    "compile_graph": "compiler.compiled",
    # expressions, drawings and the stepper
    "parse": "teach.expression",
    "ExpressionError": "teach.expression",
    "draw_dot": "drawing.graphs",
    "draw_path": "drawing.graphs",
    "draw_network": "drawing.graphs",
    "Highlight": "drawing.graphs",
    "GraphvizNotFoundError": "drawing.graphs",
    "backward_steps": "teach.stepper",
    "forward_walk": "teach.stepper",
    "Stepper": "teach.stepper",
    "name_nodes": "teach.naming",
    "forward_steps": "teach.forward_mode",
    "ForwardStepper": "teach.forward_mode",
    "diagnose": "teach.misconceptions",
    "Misconception": "teach.misconceptions",
    # neural networks
    "Module": "nn.modules",
    "Neuron": "nn.modules",
    "Layer": "nn.modules",
    "MLP": "nn.modules",
    "SGD": "nn.optim",
    "Adam": "nn.optim",
    "nn": "nn",
    "optim": "nn.optim",
    "losses": "nn.losses",
    "datasets": "nn.datasets",
}
__all__ = list(_HOME)

if TYPE_CHECKING:  # what editors and type checkers read; at run time __getattr__ does the importing
    from . import nn
    from .compiler.compiled import compile_graph
    from .drawing.graphs import GraphvizNotFoundError, Highlight, draw_dot, draw_network, draw_path
    from .engine import ops
    from .engine.checks import check_nodes, gradcheck
    from .engine.functional import grad, hessian, value_and_grad
    from .engine.modes import AnomalyError, detect_anomaly, no_grad
    from .engine.ops import Primitive
    from .engine.value import Constant, Value, apply, weighted_sum
    from .nn import datasets, losses, optim
    from .nn.modules import MLP, Layer, Module, Neuron
    from .nn.optim import SGD, Adam
    from .teach.expression import ExpressionError, parse
    from .teach.forward_mode import ForwardStepper, forward_steps
    from .teach.misconceptions import Misconception, diagnose
    from .teach.naming import name_nodes
    from .teach.stepper import Stepper, backward_steps, forward_walk


def _is_module(name: str, module_name: str) -> bool:
    return module_name.rpartition(".")[2] == name


def __getattr__(name: str):
    """Import ``name`` on first use: a public name from its module, or any of the package's parts."""
    module_name = _HOME.get(name, name)
    try:
        module = importlib.import_module(f"{__name__}.{module_name}")
    except ModuleNotFoundError as missing:
        if missing.name != f"{__name__}.{module_name}":
            raise  # a module of ours that needs something not installed: say so
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}") from None
    value = module if _is_module(name, module_name) else getattr(module, name)
    globals()[name] = value  # the next use is an ordinary lookup
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
