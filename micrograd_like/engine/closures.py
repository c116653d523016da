"""Nodes made micrograd's way: ``Value(data, (parents...), 'op')`` and a closure ``out._backward``.

The lecture that most users come from adds an operation by writing its backward step as a
closure.  :class:`ClosureNode` is what such a ``Value(...)`` call makes; the engine runs its
closure in backward() (see :mod:`micrograd_like.engine.backward`) and the stepper shows what it added.
"""

from __future__ import annotations

from .errors import as_number
from .value import Value

__all__ = ["ClosureNode"]


class ClosureNode(Value):
    """A node made micrograd's way, by a method that writes its own backward step:

    >>> def cube(self):
    ...     out = Value(self.data ** 3, (self,), "cube")
    ...     def _backward():
    ...         self.grad += 3 * self.data ** 2 * out.grad
    ...     out._backward = _backward
    ...     return out
    >>> Value.cube = cube
    >>> x = Value(2.0)
    >>> y = x.cube() + x
    >>> y.backward()
    >>> x.grad, y.parents[0].op, y.parents[0].local_grads
    (13.0, 'cube', (12.0,))

    It records its parents and its symbol, not its local derivatives: the closure
    (``_backward``) knows them.  backward() runs the closure when this node's gradient is
    complete, with the parents' grads set to 0.0, reads what it added to each parent, and
    adds that to the parents' gradients itself, so accumulation stays exact and a pass stays
    all-or-nothing.  A closure must only add (``+=``) to its parents' grads.

    ``local_grads`` is measured the same way with this node's gradient set to 1.0.  A parent
    used twice (``x * x``) gets the closure's whole share at its first place, 0.0 at the next.
    A closure passes numbers, so it has no derivative of its own: backward(create_graph=True)
    refuses a graph that holds one.
    """

    __slots__ = ("_parents", "_symbol", "__dict__")  # __dict__: the closure is assigned as out._backward
    _local_grads = None  # the closure knows them (backward() reads None as "run the closure")

    @property
    def op(self) -> str:
        return self._symbol

    @property
    def local_grads(self) -> tuple[float, ...]:
        """What the closure sends back to each operand per unit of this node's gradient."""
        shares = dict(zip(self.distinct_parents, self.closure_shares(1.0)))
        return tuple(shares.pop(p) if p in shares else 0.0 for p in self._parents)

    @property
    def distinct_parents(self) -> tuple[Value, ...]:
        """The parents, each once, in the order they first appear."""
        return tuple(dict.fromkeys(self._parents))

    def _backward(self) -> None:
        """micrograd's default: pass nothing (the method that makes the node assigns its own)."""

    def closure_shares(self, upstream: float) -> list[float]:
        """What the closure adds to each of :attr:`distinct_parents` when this node's gradient
        is ``upstream``.  Every grad it touches is put back afterwards."""
        parents = self.distinct_parents
        held = [p.grad for p in parents]
        own = self.grad
        try:
            for p in parents:
                p.grad = 0.0
            self.grad = upstream
            self._backward()
            shares = [p.grad for p in parents]
        finally:
            self.grad = own
            for p, grad in zip(parents, held):
                p.grad = grad
        return [share if type(share) is float else self._as_share(share) for share in shares]

    def _as_share(self, share: object) -> float:
        number = None if isinstance(share, Value) else as_number(share, "a closure's share")
        if number is None:
            kind = "Value" if isinstance(share, Value) else type(share).__name__
            raise TypeError(f"the _backward of the {self._symbol or 'closure'} node made a parent's grad "
                            f"{kind}: {share!r} (a closure must add numbers to .grad)")
        return number
