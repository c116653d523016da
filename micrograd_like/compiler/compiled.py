"""Backprop written out: a recorded graph as readable Python source, and the compiled function.

``backward()`` walks the graph node by node and applies the chain rule once per edge.  Written
out for one particular graph, that walk is plain straight-line code: a line per node going
forward, then a line per gradient coming back, which is what a student writes by hand.

>>> from micrograd_like import Value, compile_graph
>>> a, b = Value(2.0, label="a"), Value(-3.0, label="b")
>>> e = a * b; e.label = "e"
>>> fn = compile_graph(e + 1, [a, b])
>>> print(fn.source)  # doctest: +ELLIPSIS
# ... compiled by micrograd_like.compile_graph from a graph of 5 nodes.
...
def forward_backward(a, b):
    # forward pass: one line per node
    e = a * b
    t1 = e + 1.0
...
    grad_t1 = 1.0
    grad_e = grad_t1
    grad_a = grad_e * b
    grad_b = grad_e * a
...
    return t1, (grad_a, grad_b)
<BLANKLINE>
>>> fn(2.0, -3.0)         # (output, (d/da, d/db)): what backward() gives, to the last bit
(-5.0, (-3.0, 2.0))
>>> fn(0.5, 4.0)          # new numbers, same graph
(3.0, (4.0, 0.5))

``fn.program()`` is the same code as a program that runs on its own (``python FILE``), with the
helpers it calls and an example call; ``micrograd-like compile`` prints it.

The per-primitive code comes from the primitive table (:mod:`micrograd_like.engine.ops`): each row
says how its forward rule and its local derivatives are written as Python expressions.  The
text is written by :mod:`~micrograd_like.compiler.source`; a batch's examples, copies of one
computation, are written once as a function called for each (:mod:`~micrograd_like.compiler.repeats`).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

from ..engine import ops
from ..engine.backward import gradients, topological_order
from ..engine.errors import as_float
from ..engine.modes import anomaly_detection_enabled
from ..engine.value import Value, apply
from .program import helper_lines, standalone
from .source import CHECK, FUNCTION_NAME, SourceWriter

__all__ = ["compile_graph", "CompiledGraph", "CompiledLoss", "CompileError"]



class CompileError(ValueError):
    """A graph that cannot be written out as code (the message says which node and why)."""


def compile_graph(root: Value, inputs: Sequence[Value], extras: Sequence[Value] = ()) -> CompiledGraph:
    """Trace ``root``'s graph once; return a function of the ``inputs``' numbers.

    ``fn = compile_graph(root, inputs)`` then ``value, grads = fn(*numbers)``: ``value`` is
    the output's number and ``grads`` a tuple with d(output)/d(input) for each input, in the
    order given, for the numbers passed.  Both are what ``backward()`` gives, to the last bit,
    on the same graph built with those numbers (same operations, in the same order).  With
    ``extras`` (nodes of the graph), ``fn`` returns ``(value, grads, extra_values)``.

    ``fn.source`` is the code, readable: a line per node forward, a line per chain-rule step
    back, named after the labels (unlabelled nodes are t1, t2, ...).  ``fn.set_grads()`` runs
    it at the inputs' current numbers and stores their gradients in ``.grad``: a training
    loop traces its loss once, then calls that each step.

    What a trace cannot capture: the graph's *structure* is frozen as traced.  Python ``if``
    statements and loops that built it are not taken again with the new numbers (a relu's
    branch is, since it is part of relu's rule).  Leaves that are not inputs are baked in as
    the numbers they held.  A number that overflows or leaves a primitive's domain is the
    engine's own error, naming the node (the compiled code steps aside and the engine replays
    that call), as is a gradient that overflows anywhere in the graph, baked-in leaves included.

    Refused with a :class:`CompileError` naming the node, before any code is written: a
    node made micrograd's way (its backward step is a closure, not a rule that can be
    written out), an input that is a constant or not a leaf.  A row of the table without
    ``forward_code`` is compiled calling its own ``forward`` and ``local_grads``.
    """
    return CompiledGraph(root, inputs, extras)


class CompiledGraph:
    """The compiled function of one traced graph: call it with one number per input."""

    def __init__(self, root: Value, inputs: Sequence[Value], extras: Sequence[Value] = ()) -> None:
        if not isinstance(root, Value):
            raise TypeError(f"compile_graph needs a Value, got {type(root).__name__}: {root!r}")
        if not root.requires_grad:
            raise CompileError("the root is a constant (a number, detached, or made under no_grad()): it has no graph")
        self.root = root
        self.inputs = tuple(inputs)
        self.extras = tuple(extras)
        self.order = topological_order(root)
        _check_inputs(self.inputs, self.extras, self.order)
        _check_labels(self.inputs, self.order)
        self._labels = [node.label for node in self.order]  # as traced, as the code's names are: for _replay
        _refuse_closures(self.order)
        writer = SourceWriter(root, self.inputs, self.extras, self.order)
        self.source, self.names = writer.source()
        namespace = {**ops.CODE_GLOBALS, **writer.rows, CHECK: _finite_or_raise}
        exec(compile(self.source, f"<compiled graph of {self.names[root]}>", "exec"), namespace)
        self._function = namespace[FUNCTION_NAME]
        rules = {id(n._primitive): n._primitive for n in self.order if n._parents}.values()
        self._rows = {name: next((p.name, rule) for p in rules for rule in ("forward", "local_grads")
                                 if getattr(p, rule) is function) for name, function in writer.rows.items()}

    def __call__(self, *numbers: float) -> tuple:
        """``(value, (d/dinput, ...))`` at these input numbers (and the extras' values, if any)."""
        if len(numbers) != len(self.inputs):
            raise TypeError(
                f"this compiled function takes {len(self.inputs)} number(s) "
                f"({', '.join(self.names[x] for x in self.inputs)}), got {len(numbers)}"
            )
        total = sum(numbers, 0.0) if set(map(type, numbers)) <= {float} else math.nan
        if total - total != 0.0:  # not all plain finite floats (or a harmless overflow of the sum)
            numbers = tuple(as_float(x, f"input {self.names[v]}") for x, v in zip(numbers, self.inputs))
        if anomaly_detection_enabled():
            return self._replay(numbers)
        try:
            value, grads, *extras = self._function(*numbers)
        except (ArithmeticError, ValueError):  # the engine says it with the node's name
            return self._replay(numbers)
        # backward() adds every gradient up from 0.0, and 0.0 + -0.0 is 0.0: where the code's sum
        # is a -0.0 (its first term was), the engine's is 0.0. Nothing else can differ.
        return (value, tuple([g + 0.0 for g in grads]), *extras)

    def set_grads(self) -> float:
        """Run at the inputs' current ``.data``; set each input's ``.grad`` to its gradient.

        This is what ``zero_grad()`` then ``backward()`` leave in the inputs' ``.grad``, so an
        optimiser's ``step()`` can follow.  Returns the output's number.
        """
        value, grads = self(*[x.data for x in self.inputs])[:2]
        for x, g in zip(self.inputs, grads):
            x.grad = g
        return value

    def program(self, defaults: Sequence[Value] = ()) -> str:
        """The code as a program that runs on its own: ``python FILE`` prints the output and each
        input's gradient at the inputs' current numbers, as ``backward()`` would.

        Above the function, the imports and the helpers it calls, defined as the package defines
        them; below it, an example call under ``if __name__ == "__main__":``.  The inputs in
        ``defaults`` (the last ones: Python puts arguments with a default after those without)
        take their current number as a default value; the others are arguments without one.
        """
        defaults = set(defaults)
        plain = [x for x in self.inputs if x not in defaults]
        if any(x in defaults for x in self.inputs[: len(plain)]):
            raise ValueError("the inputs with a default must be the last inputs (as Python's arguments are)")
        parameters = [self.names[x] if x in plain else f"{self.names[x]}={x.data!r}" for x in self.inputs]
        signature = f"def {FUNCTION_NAME}({', '.join(self.names[x] for x in self.inputs)}):"
        assert self.source.count(signature) == 1
        code, helpers = standalone(self.source.replace(signature, f"def {FUNCTION_NAME}({', '.join(parameters)}):"))
        out, grads = self.names[self.root], [f"grad_{self.names[x]}" for x in self.inputs]
        unpacked = f"({', '.join(grads)}{',' if len(grads) == 1 else ''})"
        lines = [
            f"# {out} and its gradients, written out as Python by micrograd_like: run it (python FILE) to see them",
            f"# at the example numbers at the bottom, or import it and call {FUNCTION_NAME} with your own.",
            *helper_lines(code, helpers, self._rows),
            "",
            "",
            code.rstrip("\n"),
            "",
            "",
            'if __name__ == "__main__":',
            *(f"    print({self.names[x] + ' ='!r}, {x.data!r}, '(an example number: it has no default)')"
              for x in plain),
            f"    {out}, {unpacked}{', extras' if self.extras else ''} = "
            f"{FUNCTION_NAME}({', '.join(f'{self.names[x]}={x.data!r}' for x in plain)})",
            f"    print({out + ' ='!r}, {out})",
            *(["    print('extras =', extras)"] if self.extras else []),
            "    # + 0.0: backward() adds each gradient up from 0.0, so where this code's sum is -0.0 it has 0.0",
            *(f"    print({f'd{out}/d{self.names[x]} ='!r}, {grad} + 0.0)" for x, grad in zip(self.inputs, grads)),
        ]
        return "\n".join(lines) + "\n"

    def _replay(self, numbers: Sequence[float]) -> tuple:
        """The engine's own pass on a fresh copy of the graph with these numbers: its error, or its result."""
        copies: dict[Value, Value] = {}
        given = dict(zip(self.inputs, numbers))
        for node, label in zip(self.order, self._labels):
            if node in given:
                copy = Value(given[node], label=label)
            elif not node._parents:
                copy = Value(node.data, label=label, requires_grad=node.requires_grad)
            else:
                copy = apply(node._primitive, *(copies[p] for p in node._parents))
                copy.label = label
            copies[node] = copy
        root = copies[self.root]
        if not root.requires_grad:
            raise ArithmeticError("the compiled code met a number the engine refuses, and under no_grad() "
                                  "the engine cannot replay it to say where: call it outside no_grad()")
        grads = tuple(gradients(root, [copies.get(x, x) for x in self.inputs]))
        if self.extras:
            return root.data, grads, tuple(copies[x].data for x in self.extras)
        return root.data, grads

    def __repr__(self) -> str:
        inputs = ", ".join(self.names[x] for x in self.inputs)
        return f"<compiled graph of {self.names[self.root]}: {len(self.order)} nodes, inputs ({inputs})>"

    def _repr_markdown_(self) -> str:
        return f"```python\n{self.source}```\n"

    def _repr_html_(self) -> str | None:
        try:
            from pygments import highlight
            from pygments.formatters import HtmlFormatter
            from pygments.lexers import PythonLexer
        except ImportError:
            return None  # Jupyter shows the Markdown instead
        return highlight(self.source, PythonLexer(), HtmlFormatter(noclasses=True))


class CompiledLoss:
    """A training loop's loss traced once and compiled: each step is then one call on floats.

    ``CompiledLoss(model, X, labels, loss_of)`` traces ``loss_of(outputs, labels)``, where
    ``outputs`` is ``[model.outputs(x) for x in X]``, for the model's parameters.  ``run()``
    returns the loss and every point's outputs at the parameters' current numbers, and sets
    each parameter's ``.grad`` (what ``zero_grad()`` then ``backward()`` leave), so an
    optimiser's ``step()`` can follow.  If the loss's graph depends on the numbers (a choice
    made in Python, say which class scores highest), ``retrace_when(outputs)`` gives a key of
    those choices: when it changes, the loss is traced again.

    >>> from micrograd_like import MLP, SGD
    >>> from micrograd_like.nn.losses import mse_loss
    >>> model = MLP(1, [4, 1], seed=0)
    >>> loss = CompiledLoss(model, [[0.0], [1.0]], [0.0, 1.0], lambda outputs, y: mse_loss([o[0] for o in outputs], y))
    >>> optimiser = SGD(model.parameters(), lr=0.1)
    >>> first, _ = loss.run()
    >>> for _ in range(20):
    ...     optimiser.step()
    ...     last, _ = loss.run()
    >>> last < first
    True
    """

    def __init__(self, model, X: Sequence, labels: Sequence, loss_of: Callable,
                 retrace_when: Callable[[list[list[float]]], object] | None = None) -> None:
        self.model, self.X, self.labels, self.loss_of = model, X, labels, loss_of
        self.key_of = retrace_when or (lambda outputs: None)
        self.params = model.parameters()
        self._trace()

    def _trace(self) -> None:
        outputs = [self.model.outputs(x) for x in self.X]
        loss = self.loss_of(outputs, self.labels)
        self.width = len(outputs[0])
        self.key = self.key_of([[o.data for o in out] for out in outputs])
        self.step = compile_graph(loss, self.params, extras=[o for out in outputs for o in out])

    def run(self) -> tuple[float, list[list[float]]]:
        """The loss and every point's outputs at the current parameters; their gradients set.

        When ``retrace_when``'s key has changed, the loss is traced again, at these numbers, and
        run: the key must then be the one the trace gave (it is computed from the same outputs).
        A key that is not (a new object each call, a nan: not equal to itself) is refused.
        """
        loss, grads, outputs, key = self._step()
        if key != self.key:
            self._trace()
            loss, grads, outputs, key = self._step()
            if key != self.key:
                raise ValueError(
                    f"retrace_when gives a key that never settles: traced again, the same outputs gave "
                    f"{self.key!r}, then {key!r}; it must give equal keys for the same outputs (not a new object "
                    "each call, not a nan)"
                )
        for p, g in zip(self.params, grads):
            p.grad = g
        return loss, outputs

    def _step(self) -> tuple:
        """The compiled step at the current parameters: loss, gradients, each point's outputs, their key."""
        loss, grads, flat = self.step(*[p.data for p in self.params])
        outputs = [list(flat[i : i + self.width]) for i in range(0, len(flat), self.width)]
        return loss, grads, outputs, self.key_of(outputs)


def _check_inputs(inputs: tuple, extras: tuple, order: list[Value]) -> None:
    in_graph = set(order)
    seen: set[Value] = set()
    for x in inputs:
        if not isinstance(x, Value):
            raise TypeError(f"compile_graph's inputs must be Values, got {type(x).__name__}: {x!r}")
        if not x.requires_grad:
            raise CompileError(f"input {x!r} is a constant: it collects no gradient (pass a Value)")
        if x._parents:
            raise CompileError(f"input {_named(x)} is made by {x.primitive.name}, not a leaf: only leaves can be "
                               "inputs (make it a Value of its own to vary it)")
        if x in seen:
            raise CompileError(f"input {_named(x)} is given twice")
        seen.add(x)
    for x in extras:
        if x not in in_graph:
            raise CompileError(f"extra {x!r} is not a node of the graph")


def _check_labels(inputs: tuple, order: list[Value]) -> None:
    """Labels name the code's variables: each must be a str.  ``Value(label=7)`` is refused when
    the node is made; this catches a label assigned later (``node.label = 7``)."""
    for node in (*inputs, *order):
        label = node.label
        if label is None or isinstance(label, str):
            continue
        if node in inputs:
            what = "input"
        else:
            what = f"the {node.primitive.name} node" if node._parents and node._primitive else "the leaf"
        raise TypeError(f"a label must be a str: {what} Value(data={node.data!r}) has the label {label!r} "
                        f"(a {type(label).__name__}); give it a str label, or none")


def _named(node: Value) -> str:
    return repr(node.label) if node.label else f"Value(data={node.data!r})"


def _refuse_closures(order: list[Value]) -> None:
    """A node made micrograd's way (``out._backward = ...``) has no rule that can be written out."""
    for node in order:
        if node._parents and node._primitive is None:
            name = repr(node.label) if node.label else f"{node.op!r} node Value(data={node.data!r})"
            raise CompileError(
                f"{name} was made micrograd's way, with a closure (out._backward): its backward step is a "
                f"Python function, not a rule that can be written out as code; make {node.op!r} a row of "
                "the table (ops.Primitive) to compile it"
            )


def _finite_or_raise(*sums: float) -> None:
    """Raise OverflowError if a sum is inf or nan: a number it adds up overflowed, or the sum did
    (harmless: the compiled function then runs the engine's own pass, which gives the answer)."""
    total = sum(sums)
    if total - total != 0.0:
        raise OverflowError("a number became too large for a float")


_check_finite = _finite_or_raise  # (its name before it was printed into programs)
