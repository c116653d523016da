"""The engine: a Value, the graph it records, and backpropagation through it.

Read it in this order:

- :mod:`.value`: the :class:`Value`, the node kinds, and how an operation makes a node;
- :mod:`.backward`: the topological order and the chain rule, one loop for every pass (plain,
  recorded step by step for the stepper, or building graphs for ``create_graph``), and the
  nodes made micrograd's way, whose ``_backward`` closure that loop runs;
- :mod:`.ops`: the primitive table, one row per operation (its forward rule, its local
  derivatives, its words), and :mod:`.rules`, the rules that need more than one expression;
  :mod:`.primitive` says what a row is and checks each row as it is made, and :mod:`.registry`
  keeps the rows (the package's, a user's and installed plugins').

Around them: :mod:`.modes` (``no_grad()``, ``detect_anomaly()``), :mod:`.errors` (what the
engine refuses, and how it says so), :mod:`.functional` (``grad(f)``, ``hessian(f)``) and
:mod:`.checks` (``gradcheck``).  Nothing here imports from the rest of the package: every
other part builds on the engine.

``from micrograd_like.engine import Value`` works as in micrograd.
"""

from .modes import AnomalyError, detect_anomaly, no_grad
from .ops import Primitive
from .value import BinaryNode, Constant, Leaf, Node, UnaryNode, Value, apply, weighted_sum

__all__ = [
    "Value", "Leaf", "Constant", "BinaryNode", "UnaryNode", "Node", "Primitive",
    "apply", "weighted_sum", "no_grad", "detect_anomaly", "AnomalyError",
]
