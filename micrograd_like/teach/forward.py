"""The forward pass in words: the first half of the lesson, before any gradient.

Every node of a graph in an order it can be computed (each after its operands), with its
formula and its numbers: ``y = x*x + 1.0 = 9.0 + 1.0 = 10.0``.  A node made micrograd's
way (a method that assigns ``out._backward``) is written from its symbol, ``tanh(n)``, and
said to be the user's own operation.  The stepper uses the same
names (``Stepper.forward_walk()``), so the forward and backward halves read alike.
"""

from __future__ import annotations

from collections.abc import Iterator

from ..engine.backward import topological_order
from ..engine.value import Value
from .words import Term, formula_of, node_names, notation_of, num, number_term, write

__all__ = ["ForwardWalk", "forward_walk"]


class ForwardWalk:
    """The forward pass in words: every node in an order it can be computed, with its numbers.

    ``lines`` holds one line per node; ``print()`` or the REPL shows them all.
    """

    def __init__(self, root: Value, _order: list[Value] | None = None,
                 _terms: dict[Value, Term] | None = None) -> None:
        order = _order if _order is not None else topological_order(root)
        terms = _terms if _terms is not None else node_names(order, root)
        lines = []
        for k, node in enumerate(order, start=1):
            name = terms[node].text
            if not node.parents:
                kind = "an input" if node.requires_grad else "a constant"
                lines.append(f"{k:>3}. {name} = {num(node.data)}  ({kind})" if node.label
                             else f"{k:>3}. {name}  ({kind})")
                continue
            formula = formula_of(node, terms).text
            worked = write(notation_of(node), [number_term(p.data) for p in node.parents])
            parts = [name, formula, worked, num(node.data)]
            said = [part for i, part in enumerate(parts) if i == 0 or part != parts[i - 1]]  # no x*x = x*x
            own = f"  (made by your own operation {node.op or 'without a symbol'}, a closure)"
            lines.append(f"{k:>3}. " + " = ".join(said) + (own if node.primitive is None else ""))
        self.lines: tuple[str, ...] = tuple(lines)

    def __len__(self) -> int:
        return len(self.lines)

    def __iter__(self) -> Iterator[str]:
        return iter(self.lines)

    def __repr__(self) -> str:
        return "forward pass, one value at a time:\n" + "\n".join(self.lines)


def forward_walk(root: Value) -> ForwardWalk:
    """The order in which ``root``'s values are computed, each with its formula and numbers.

    >>> x = Value(3.0, label="x")
    >>> y = x * x + 1; y.label = "y"
    >>> forward_walk(y)
    forward pass, one value at a time:
      1. x = 3.0  (an input)
      2. x*x = 3.0*3.0 = 9.0
      3. 1.0  (a constant)
      4. y = x*x + 1.0 = 9.0 + 1.0 = 10.0
    """
    return ForwardWalk(root)
