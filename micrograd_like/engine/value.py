"""The Value: one number in a computation graph, with the gradient that backward() finds for it.

>>> a = Value(2.0, label="a")
>>> b = Value(-3.0, label="b")
>>> c = a * b + 10
>>> c
Value(data=4.0, grad=0.0)
>>> c.op, [p.data for p in c.parents], c.local_grads
('+', [-6.0, 10.0], (1.0, 1.0))
>>> c.backward()
>>> a.grad, b.grad
(-3.0, 2.0)

Every operation is built by :func:`_apply`, which runs the primitive's forward rule and
records the parents and the local derivatives from the table in :mod:`micrograd_like.engine.ops`;
:func:`_unary` and :func:`_binary` do the same for the common case of one or two operands,
faster, making a :class:`UnaryNode` or a :class:`BinaryNode` (one object each, which
Python's garbage collector scans far less than a node with tuples: see UnaryNode).  Those
nodes hold no closures: what they record is all that ``backward()`` (in
:mod:`micrograd_like.engine.backward`) and the step-by-step views need.  (A node made
micrograd's way, with its own ``_backward``, is a :class:`~micrograd_like.engine.backward.ClosureNode`,
kept beside the chain rule that runs its closure.)

Read this module first, then :mod:`~micrograd_like.engine.backward`, which works on Values and so
imports this module.  The Value methods that go on into it (``backward()``, ``zero_grad()``,
``_backward()``, and ``Value(data, (parents...), op)`` making a ClosureNode) import it when
they are called: the engine's one circle of imports, a method and the chapter it runs.
"""

from __future__ import annotations

import math
import operator
from collections.abc import Callable, Iterable, Sequence
from itertools import repeat

from ..offers import offer
from . import ops
from .errors import TOO_LARGE, as_float, as_number, describe, in_context
from .modes import _PLAIN, AnomalyError, _mode, detect_anomaly, no_grad
from .ops import Primitive

TYPE_CHECKING = False  # True for type checkers only (spelled out: loading typing costs time)

__all__ = [
    "Value", "Leaf", "Constant", "apply", "weighted_sum", "no_grad", "detect_anomaly", "AnomalyError",
]

class Value:
    """A scalar in a computation graph: its number, its gradient, and how it was made.

    ``Value(data, label="")`` makes a leaf: an input or a parameter.  Operations between
    Values (or a Value and a plain number) make new nodes that remember their parents in
    operand order and the local derivative with respect to each of them.

    ``Value(data, requires_grad=False)`` makes a :class:`Constant` instead: a leaf that
    backward() passes no gradient to (plain numbers in an operation, like the 3 in
    ``3 * x``, become constants too).

    Every Value can keep attributes of your own, as any Python object can, and as
    micrograd's Values do: ``p.m`` for an optimiser, ``x._vis_color`` for a drawing,
    ``(a * b).note = "e"`` for a student's tag.  The dictionary that holds them
    (``__dict__``) is made when the first one is set; until then its place costs each node
    32 bytes (a node of a graph costs about 150 bytes in all, micrograd's about 690:
    ``python -m bench --only W4``).
    """

    __slots__ = ("data", "grad", "label", "_primitive", "__dict__")
    # A leaf has no parents.  A node made by an operation keeps its own: see UnaryNode,
    # BinaryNode and Node below.
    _parents: tuple[Value, ...] = ()
    _local_grads: tuple | None = ()

    def __new__(cls, data: float = 0.0, *args: object, label: str = "", requires_grad: bool = True,
                _children: Iterable[Value] = (), _op: str = "") -> Value:
        _, wants_grad, children, _ = _arguments(args, label, requires_grad, _children, _op)
        if children:  # micrograd's way: see ClosureNode, beside the chain rule that runs its closure
            from .backward import ClosureNode

            kind = ClosureNode
        elif not wants_grad:
            kind = Constant
        else:
            kind = Leaf if cls is Value else cls
        node = object.__new__(kind)
        if not isinstance(node, cls):  # (Leaf(2.0, requires_grad=False) is a Constant, no Leaf):
            # Python runs __init__ only on an instance of the class called, so it is run here
            node.__init__(data, *args, label=label, requires_grad=requires_grad, _children=_children, _op=_op)
        return node

    def __init__(self, data: float, *args: object, label: str = "", requires_grad: bool = True,
                 _children: Iterable[Value] = (), _op: str = "") -> None:
        label, requires_grad, children, op = _arguments(args, label, requires_grad, _children, _op)
        if not isinstance(label, str):
            raise TypeError(f"Value label must be a str, got {type(label).__name__}: {label!r}")
        self.data = as_float(data, "Value()")
        self.grad = 0.0
        self.label = label
        self._primitive: Primitive | None = None
        if children:  # micrograd's way: the caller sets out._backward, a closure (see ClosureNode)
            if not requires_grad:
                raise ValueError("a constant (requires_grad=False) has no parents: leave out _children")
            self._parents = children
            self._symbol = op

    # -- read-only views of the graph ---------------------------------------------------------

    @property
    def op(self) -> str:
        """The symbol of the operation that made this node ('' for a leaf)."""
        return self._primitive.symbol if self._primitive else ""

    @property
    def primitive(self) -> Primitive | None:
        """The row of the primitive table that made this node (None for a leaf)."""
        return self._primitive

    @property
    def parents(self) -> tuple[Value, ...]:
        """The operands this node was made from, in order (``a + a`` has two)."""
        return self._parents

    @property
    def local_grads(self) -> tuple:
        """d(self)/d(parent) for each parent, recorded when the node was made."""
        return self._local_grads

    @property
    def requires_grad(self) -> bool:
        """False for a :class:`Constant`: backward() passes it no gradient."""
        return True

    # micrograd's names for the same things, so code written for it keeps working.
    @property
    def _prev(self) -> set[Value]:
        return set(self._parents)

    @property
    def _op(self) -> str:
        return self.op

    def _micrograds_step(self) -> None:
        from .backward import _pass_on

        _pass_on(self, self.grad)

    @property
    def _backward(self) -> Callable[[], None]:
        """micrograd's per-node step: ``node._backward()`` passes this node's grad on to its
        parents, the chain rule for this one node (parent.grad += grad * local), as
        :func:`backward` makes it.  It cannot be replaced: a node made by an operation passes its
        gradient by its row's rule, and a closure assigned to it would be silently ignored."""
        return self._micrograds_step

    @_backward.setter
    def _backward(self, closure: object) -> None:
        raise AttributeError(
            "a node made by an operation (or a leaf) passes its gradient by the rule of its operation, so "
            "its _backward cannot be replaced; to write your own, make the node micrograd's way, "
            "out = Value(data, (parents...), 'op'), and assign out._backward"
        )

    # -- backpropagation ---------------------------------------------------------------------

    def backward(self, create_graph: bool = False) -> None:
        """Add d(self)/d(node) to ``node.grad`` for every node of this Value's graph.

        Gradients accumulate across calls, as in PyTorch, but exactly: a second call without
        :meth:`zero_grad` in between doubles every gradient, interior nodes included.

        With ``create_graph=True`` the gradients are Values with graphs of their own, so
        they can be differentiated again (second and higher derivatives).
        """
        from .backward import backward  # the chain rule builds on this module: read it next

        backward(self, create_graph=create_graph)

    backward_steps = offer(
        "Value.backward_steps",
        """A :class:`~micrograd_like.teach.stepper.Stepper` over this Value's backward pass, one
        chain-rule step at a time (next, back, goto, finish), with every step in words.

        The stepper is made in :mod:`micrograd_like.teach`, which builds on the engine: the
        engine offers the method and the teaching part provides it (:mod:`micrograd_like.offers`).""")

    def detach(self) -> Constant:
        """A constant with this Value's number and no graph: gradients stop here."""
        return Constant(self.data, self.label)

    def zero_grad(self) -> None:
        """Set ``grad`` to 0.0 on every node of this Value's graph."""
        from .backward import topological_order

        for node in topological_order(self):
            node.grad = 0.0

    # -- arithmetic ----------------------------------------------------------------------------
    # Each operator is one line: the calculus is in the primitive table.

    def __add__(self, other):
        return _binary(ops.ADD, self, other)

    def __radd__(self, other):
        return _binary(ops.ADD, other, self)

    def __sub__(self, other):
        return _binary(ops.SUB, self, other)

    def __rsub__(self, other):
        return _binary(ops.SUB, other, self)

    def __mul__(self, other):
        return _binary(ops.MUL, self, other)

    def __rmul__(self, other):
        return _binary(ops.MUL, other, self)

    def __truediv__(self, other):
        return _binary(ops.DIV, self, other)

    def __rtruediv__(self, other):
        return _binary(ops.DIV, other, self)

    def __neg__(self) -> Value:
        return _unary(ops.NEG, self)

    def __pos__(self) -> Value:
        return self

    def __pow__(self, exponent):
        if isinstance(exponent, Value):
            return _binary(ops.POW, self, exponent)
        number = as_number(exponent, "the exponent")
        if number is None:
            return NotImplemented
        if not math.isfinite(number):
            raise ValueError(f"the exponent must be a finite number, got {number!r}")
        return _unary(ops.power(number), self)

    def __rpow__(self, base):
        return _binary(ops.POW, base, self)

    def __abs__(self) -> Value:
        return _unary(ops.ABS, self)

    # The functions, x.exp(), x.tanh(), x.maximum(y)..., are the table's: each built-in function
    # row is a method of the name it is written with, made from the row at the end of this
    # module (see _function_method), its docstring the row's own: help(Value.tanh).
    if TYPE_CHECKING:  # for editors and type checkers, which cannot see methods made at run time
        def __getattr__(self, name: str) -> Callable[..., Value]: ...

    # -- display -------------------------------------------------------------------------------

    def __repr__(self) -> str:
        label = f", label={self.label!r}" if self.label else ""
        return f"Value(data={self.data!r}, grad={self.grad!r}{label})"


class Leaf(Value):
    """A Value made by ``Value(data)``: an input or a parameter.  Like every Value it can keep
    attributes of your own, as code written for micrograd does (EurekaLabs' AdamW keeps ``p.m``
    and ``p.v`` on each parameter; its drawing colours nodes by ``n._vis_color``):

    >>> w = Value(0.5, label="w")
    >>> w.m = 0.0
    >>> e = w * 2
    >>> e._vis_color = "orange"
    >>> type(w).__name__, w.m, type(e).__name__, e._vis_color
    ('Leaf', 0.0, 'BinaryNode', 'orange')
    """

    __slots__ = ()


class Constant(Value):
    """A Value that collects no gradient: a number in an operation, a detached Value,
    ``Value(x, requires_grad=False)``, or the result of an operation under :func:`no_grad` (a
    ``Value(x)`` made there is still a leaf).  Its ``grad`` stays 0.0, so there is nothing to zero.

    >>> x = Value(2.0)
    >>> y = 3 * x
    >>> y.parents
    (Value(data=3.0, requires_grad=False), Value(data=2.0, grad=0.0))
    """

    __slots__ = ()

    @property
    def requires_grad(self) -> bool:
        return False

    def __repr__(self) -> str:
        label = f", label={self.label!r}" if self.label else ""
        return f"Value(data={self.data!r}{label}, requires_grad=False)"


class UnaryNode(Value):
    """A node made by an operation on one operand (``-x``, ``x.tanh()``, ``x ** 2``).

    Why three kinds of node?  Python's cycle collector keeps an eye on every object that
    can hold references to others, and scans all of them again and again while a graph
    grows: the more such objects a node is made of, the more of the collector's time it
    costs (a third of the time of a graph of 10^5 nodes).  A node that kept its parents and
    its local derivatives in two tuples would be three such objects; these nodes keep them
    in fields of their own, so each is one.  ``_parents`` and ``_local_grads`` read them as
    tuples, the same for every kind of node.
    """

    __slots__ = ("_parent", "_local")

    @property
    def _parents(self) -> tuple[Value]:
        return (self._parent,)

    @property
    def _local_grads(self) -> tuple[float]:
        return (self._local,)


class BinaryNode(Value):
    """A node made by an operation on two operands (``a + b``, ``a * b``): the commonest
    node, one object (see :class:`UnaryNode`)."""

    __slots__ = ("_left", "_right", "_left_local", "_right_local")

    # Read as tuples by a function of the standard library, at C speed: backward() reads them once per node.
    _parents = property(operator.attrgetter("_left", "_right"))
    _local_grads = property(operator.attrgetter("_left_local", "_right_local"))


class Node(Value):
    """A node made by any operation, with its parents and local derivatives in tuples: a
    weighted sum's many operands, or a node made in one of the modes of :mod:`.modes`."""

    __slots__ = ("_parents", "_local_grads")


def _arguments(args: tuple, label, requires_grad, children, op) -> tuple[str, bool, tuple, str]:
    """Value's arguments, given in its own order ``Value(data, label, requires_grad)`` or in
    micrograd's ``Value(data, _children, _op, label)``; keywords work with either.

    Returns (label, requires_grad, children as a tuple, op symbol).
    """
    if args:
        names = ("label", "requires_grad") if isinstance(args[0], str) else ("_children", "_op", "label")
        if len(args) > len(names):
            raise TypeError(f"Value() takes at most {len(names) + 1} positional arguments here "
                            f"(data, {', '.join(names)}), got {len(args) + 1}")
        given = dict(zip(names, args))
        label = given.get("label", label)
        requires_grad = given.get("requires_grad", requires_grad)
        children = given.get("_children", children)
        op = given.get("_op", op)
    if not isinstance(op, str):
        raise TypeError(f"_op must be a str (the operation's symbol), got {type(op).__name__}: {op!r}")
    children = tuple(children)
    for child in children:
        if not isinstance(child, Value):
            raise TypeError(f"a node's children must be Values, got {type(child).__name__}: {child!r}")
    return label, requires_grad, children, op


# -- building nodes: the one place where the graph is recorded -----------------------------------



def apply(primitive: Primitive, *operands: Value | float) -> Value:
    """The node ``primitive(*operands)``: how every operation is built, custom ones included.

    >>> apply(ops.MUL, Value(2.0), 3).data
    6.0
    """
    if len(operands) != primitive.arity:
        raise TypeError(f"{primitive.name} takes {primitive.arity} operand(s), got {len(operands)}")
    if all(map(isinstance, operands, repeat(Value))):  # the common case, checked at C speed
        return _apply(primitive, operands)
    parents = tuple(x if isinstance(x, Value) else _constant(x) for x in operands)
    if None in parents:
        bad = next(x for x, p in zip(operands, parents) if p is None)
        raise TypeError(f"{primitive.name} needs Values or real numbers, got {type(bad).__name__}: {bad!r}")
    return _apply(primitive, parents)


def weighted_sum(w: Sequence[Value | float], x: Sequence[Value | float], b: Value | float) -> Value:
    """``w[0]*x[0] + ... + w[n-1]*x[n-1] + b`` as one node (see :func:`ops.weighted_sum`).

    >>> w, x = [Value(2.0), Value(-1.0)], [Value(3.0), 0.5]
    >>> z = weighted_sum(w, x, Value(0.25))
    >>> z.data, len(z.parents), z.op
    (5.75, 5, 'Σ')
    """
    if len(w) != len(x):
        raise ValueError(f"weighted_sum needs as many weights as inputs, got {len(w)} and {len(x)}")
    return apply(ops.weighted_sum(len(w)), *w, *x, b)


def _apply(primitive: Primitive, parents: tuple[Value, ...], inputs: tuple[float, ...] | None = None) -> Value:
    """Make the node ``primitive(*parents)``, recording parents and local derivatives.

    ``inputs`` are the parents' numbers, when the caller has them at hand (it is faster).
    """
    if inputs is None:
        inputs = tuple(map(_DATA, parents))
    try:
        out = primitive.forward(*inputs)
        if out - out != 0.0:  # inf or nan: only an overflow can make one from finite inputs
            raise OverflowError(TOO_LARGE)
    except (ArithmeticError, ValueError) as error:
        raise in_context(error, primitive, parents) from None
    if _mode() is not _PLAIN:
        return _apply_in_mode(primitive, parents, inputs, out)
    try:
        local_grads = primitive.local_grads(*inputs, out)
    except (ArithmeticError, ValueError) as error:
        raise in_context(error, primitive, parents, local=True) from None
    if type(local_grads) is not tuple or len(local_grads) != len(parents):
        local_grads = _one_per_operand(primitive, local_grads, len(parents))
    return _node(out, primitive, parents, local_grads)


_DATA = operator.attrgetter("data")
_new_object = object.__new__  # an object of the class given, no field set yet (read once here: it is a dear lookup)
def _node(data: float, primitive: Primitive, parents: tuple, local_grads: tuple) -> Node:
    """A new graph node, its fields set directly (op results need none of __init__'s checks)."""
    node = _new_object(Node)
    node.data = data
    node.grad = 0.0
    node.label = ""
    node._primitive = primitive
    node._parents = parents
    node._local_grads = local_grads
    return node


def _constant_node(data: float) -> Constant:
    """A new Constant, its fields set directly (``data`` is known to be a finite float)."""
    node = _new_object(Constant)
    node.data = data
    node.grad = 0.0
    node.label = ""
    node._primitive = None
    return node


def _one_per_operand(primitive: Primitive, local_grads: object, arity: int) -> tuple:
    """A row's local derivatives as a tuple of one per operand, or a TypeError naming the row: a
    derivative missing would silently give its operand no gradient."""
    try:
        local_grads = tuple(local_grads)
    except TypeError:
        raise TypeError(f"{primitive.name}: local_grads gave {local_grads!r}, not one derivative per "
                        f"operand: it must return a tuple of {arity} numbers, d(out)/d(operand) each") from None
    if len(local_grads) != arity:
        raise TypeError(f"{primitive.name}: local_grads gave {len(local_grads)} derivative(s) for {arity} "
                        f"operand(s): it must return one d(out)/d(operand) per operand")
    return local_grads


def _apply_in_mode(primitive: Primitive, parents: tuple[Value, ...], inputs: tuple[float, ...], out: float) -> Value:
    """_apply's slow path, inside no_grad() or detect_anomaly()."""
    mode = _mode()
    if not mode.recording:
        return _constant_node(out)
    try:
        local_grads = primitive.local_grads(*inputs, out)
    except (ArithmeticError, ValueError) as error:
        raise in_context(error, primitive, parents, local=True) from None
    if type(local_grads) is not tuple or len(local_grads) != len(parents):
        local_grads = _one_per_operand(primitive, local_grads, len(parents))
    if mode.checking and not all(map(math.isfinite, local_grads)):
        raise AnomalyError(
            f"{primitive.name} has local derivatives {local_grads!r} at {describe(parents)} (output {out!r})"
        )
    return _node(out, primitive, parents, local_grads)


def _binary(primitive: Primitive, left, right):
    """``left <op> right`` where one side is a Value and the other a Value or a real number."""
    if not isinstance(left, Value):
        left = _constant(left)
        if left is None:
            return NotImplemented
    if not isinstance(right, Value):
        right = _constant(right)
        if right is None:
            return NotImplemented
    a, b = left.data, right.data
    forward, local_grads = primitive.forward, primitive.local_grads  # (see _unary)
    try:  # the common case, in straight-line code: see _unary
        out = forward(a, b)
        if out - out == 0.0 and _mode() is _PLAIN:
            node = _new_object(BinaryNode)
            node.data = out
            node.grad = 0.0
            node.label = ""
            node._primitive = primitive
            node._left = left
            node._right = right
            node._left_local, node._right_local = local_grads(a, b, out)
            return node
    except (ArithmeticError, ValueError):
        pass
    return _apply(primitive, (left, right), (a, b))


def _unary(primitive: Primitive, x: Value) -> Value:
    """The node ``primitive(x)``: what :func:`_apply` makes, faster.

    The common case (a finite result, outside no_grad() and detect_anomaly()) is written
    out in straight-line code, without _apply's tuples of inputs; anything else (an error,
    an overflow, a mode) goes the general way through _apply, which computes the node
    again and reports or applies it.  (:func:`_binary` does the same for two operands.)
    """
    a = x.data
    # The row's two functions, read as attributes: called as ``primitive.forward(a)``, they
    # would be looked up as methods, which a row's fields are not, and that costs more.
    forward, local_grads = primitive.forward, primitive.local_grads
    try:
        out = forward(a)
        if out - out == 0.0 and _mode() is _PLAIN:
            node = _new_object(UnaryNode)
            node.data = out
            node.grad = 0.0
            node.label = ""
            node._primitive = primitive
            node._parent = x
            (node._local,) = local_grads(a, out)
            return node
    except (ArithmeticError, ValueError):
        pass
    return _apply(primitive, (x,), (a,))


def _constant(x: object) -> Constant | None:
    """A plain number as a Constant operand (None if x is not a real number)."""
    number = as_number(x, "an operand")
    if number is None:
        return None
    if not math.isfinite(number):
        raise ValueError(f"an operand must be a finite number, got {number!r}")
    return _constant_node(number)  # no second check of the number


# -- the functions: one Value method per function row of the table ------------------------------


def _function_method(row: Primitive) -> Callable[..., Value]:
    """The Value method of a function row: ``x.tanh()`` is the node ``tanh(x)``.

    A one-operand row's method calls :func:`_unary` with the row it holds, which is what a
    hand-written ``def tanh(self): return _unary(ops.TANH, self)`` does, one lookup fewer."""
    if row.arity == 1:
        def method(self: Value) -> Value:
            return _unary(row, self)
    elif row.arity == 2:
        def method(self: Value, other: Value | float) -> Value:
            return apply(row, self, other)
    else:
        def method(self: Value, *others: Value | float) -> Value:
            return apply(row, self, *others)
    method.__name__ = row.written
    method.__qualname__ = f"Value.{row.written}"
    method.__doc__ = _method_doc(row)
    method.row = row  # (what tells a method made from a row from Value's own)
    return method


def _method_doc(row: Primitive) -> str:
    """The docstring of a row's method: the row's sentence, then the node and its local
    derivatives written from the row, with ``x`` for self and ``y``, ``z``... for the others."""
    names = ("x", "y", "z", "u", "v", "w")[: row.arity] if row.arity <= 6 else [f"x{i}" for i in range(row.arity)]
    node = row.notation.format(*names)
    call = f"x.{row.written}({', '.join(names[1:])})"
    derivatives = "".join(f"\n    d({node})/d{name} = {words.format(*names, out=node)}"
                          for name, words in zip(names, row.grad_words))
    return (f"{row.doc or f'The function {row.written}.'}\n\n"
            f"``{call}`` is the node {node} (the row {row.name!r} of the primitive table), "
            f"whose local derivative{'s are' if row.arity > 1 else ' is'}:\n{derivatives}")


def _attach_function_methods(cls: type, rows: Iterable[Primitive]) -> None:
    """Make each function row among ``rows`` a method of ``cls``; a name the class has already
    (an attribute of its own, say ``data``) is refused, saying which row to rename."""
    for row in rows:
        if not row.written.isidentifier():
            continue  # an operator: a hand-written dunder method (__add__, ...)
        present = getattr(cls, row.written, None)
        if present is not None and getattr(present, "row", None) is not row:
            raise ValueError(f"the row {row.name!r} is written {row.written!r}, which Value has already "
                             f"({present!r}): write it another way (Primitive(..., written='...'))")
        setattr(cls, row.written, _function_method(row))


_attach_function_methods(Value, ops.built_in_rows())
