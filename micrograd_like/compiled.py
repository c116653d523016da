"""Backprop written out: a recorded graph as readable Python source, and the compiled function.

``backward()`` walks the graph node by node and applies the chain rule once per edge.  Written
out for one particular graph, that walk is plain straight-line code: a line per node going
forward, a line per chain-rule step coming back, which is what a student writes by hand.

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
    # backward pass: d(output)/d(node), the chain rule once per edge, from the output back
    grad_t1 = 1.0
    grad_e = grad_b = grad_a = 0.0
    grad_e += grad_t1 * 1.0
    grad_a += grad_e * b
    grad_b += grad_e * a
...
    return t1, (grad_a, grad_b)
<BLANKLINE>
>>> fn(2.0, -3.0)         # (output, (d/da, d/db)): what backward() gives, to the last bit
(-5.0, (-3.0, 2.0))
>>> fn(0.5, 4.0)          # new numbers, same graph
(3.0, (4.0, 0.5))

The per-primitive code comes from the primitive table (:mod:`micrograd_like.ops`): each row
says how its forward rule and its local derivatives are written as Python expressions.
"""

from __future__ import annotations

import builtins
import keyword
import math
import re
import unicodedata
from collections.abc import Callable, Sequence
from typing import NamedTuple

from . import autodiff, engine, modes, ops
from .engine import Constant, Value

__all__ = ["compile_graph", "CompiledGraph", "CompileError"]

FUNCTION_NAME = "forward_backward"
CHUNK = 8  # names per line where a line lists many (the gradients set to 0, the overflow check)


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
        self.order = autodiff.topological_order(root)
        _check_inputs(self.inputs, self.extras, self.order)
        _refuse_closures(self.order)
        writer = _Writer(root, self.inputs, self.extras, self.order)
        self.source, self.names = writer.source()
        namespace = {**ops.CODE_GLOBALS, **writer.rows, "_finite_or_raise": _check_finite}
        exec(compile(self.source, f"<compiled graph of {self.names[root]}>", "exec"), namespace)
        self._function = namespace[FUNCTION_NAME]

    def __call__(self, *numbers: float) -> tuple:
        """``(value, (d/dinput, ...))`` at these input numbers (and the extras' values, if any)."""
        if len(numbers) != len(self.inputs):
            raise TypeError(
                f"this compiled function takes {len(self.inputs)} number(s) "
                f"({', '.join(self.names[x] for x in self.inputs)}), got {len(numbers)}"
            )
        total = sum(numbers, 0.0) if set(map(type, numbers)) <= {float} else math.nan
        if total - total != 0.0:  # not all plain finite floats (or a harmless overflow of the sum)
            numbers = tuple(engine._as_float(x, f"input {self.names[v]}") for x, v in zip(numbers, self.inputs))
        if modes.anomaly_detection_enabled():
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

    def _replay(self, numbers: Sequence[float]) -> tuple:
        """The engine's own pass on a fresh copy of the graph with these numbers: its error, or its result."""
        copies: dict[Value, Value] = {}
        given = dict(zip(self.inputs, numbers))
        for node in self.order:
            if node in given:
                copy = Value(given[node], label=node.label)
            elif not node._parents:
                copy = Value(node.data, label=node.label, requires_grad=node.requires_grad)
            else:
                copy = engine.apply(node._primitive, *(copies[p] for p in node._parents))
                copy.label = node.label
            copies[node] = copy
        root = copies[self.root]
        if not root.requires_grad:
            raise ArithmeticError("the compiled code met a number the engine refuses, and under no_grad() "
                                  "the engine cannot replay it to say where: call it outside no_grad()")
        grads = tuple(autodiff.gradients(root, [copies.get(x, x) for x in self.inputs]))
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


def _named(node: Value) -> str:
    return repr(node.label) if node.label else f"Value(data={node.data!r})"


# -- the per-primitive code: read from the table ----------------------------------------------------


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


class _Code(NamedTuple):
    """How one primitive is written: ``{0}``, ``{1}``... its operands, ``{out}`` its output."""

    forward: str
    grads: tuple[str, ...]  # each bracketed, unless one term: ready to write as grad * (...)

    def local(self, i: int, operands: list[str], out: str) -> str:
        """The local derivative for operand ``i``, written with these operands and output."""
        template = self.grads[i]
        if "{" not in template:
            return template
        if template[1:-1].isdigit() and template == f"{{{template[1:-1]}}}":  # just an operand ({3}):
            return operands[int(template[1:-1])]  # (a weighted sum has many, each formatted at once)
        return template.format(*operands, out=out)


def _code_of(primitive: ops.Primitive, free_name: Callable[[str], str], rows: dict[str, object]) -> _Code:
    """The row's code templates; a row without them is called as it is, bound under a free name in ``rows``."""
    if primitive.forward_code:
        return _Code(primitive.forward_code, tuple(_bracketed(code) for code in primitive.grads_code))
    function = free_name(_identifier(primitive.written or primitive.name) or "row")
    local_grads = free_name(f"{function}_grads")
    rows[function], rows[local_grads] = primitive.forward, primitive.local_grads
    operands = ", ".join(f"{{{i}}}" for i in range(primitive.arity))
    grads = tuple(f"{local_grads}({operands}, {{out}})[{i}]" for i in range(primitive.arity))
    return _Code(f"{function}({operands})", grads)


_ONE_TERM = re.compile(r"-?[\w.{}]+|\w+\([^()]*\)")  # a name, number or placeholder; a call of such


def _bracketed(code: str) -> str:
    return code if _ONE_TERM.fullmatch(code) else f"({code})"


def _literal(x: float) -> str:
    """A float as Python reads it back exactly; negative ones in brackets ((-3.0) ** 2 is 9)."""
    text = repr(float(x))
    return f"({text})" if text.startswith("-") else text


# -- writing the source -------------------------------------------------------------------------------

_RESERVED = set(keyword.kwlist) | set(dir(builtins)) | {"math", FUNCTION_NAME}


class _Writer:
    """Names every node, then writes the forward lines, the backward lines and the return."""

    def __init__(self, root: Value, inputs: tuple, extras: tuple, order: list[Value]) -> None:
        self.root, self.inputs, self.extras, self.order = root, inputs, extras, order
        self.used = set(_RESERVED) | set(ops.CODE_GLOBALS) | {"_finite_or_raise"}
        self.names: dict[Value, str] = {}
        self.expression: dict[Value, str] = {}  # how each node is written as an operand
        self.counter = 0  # for the systematic names t1, t2, ...
        self.rows: dict[str, object] = {}  # the functions of rows without code, by the names the code calls
        self.codes: dict[int, _Code] = {}  # by the primitive's id: each row looked up once
        for node in order:
            if node._parents and id(node._primitive) not in self.codes:
                self.codes[id(node._primitive)] = _code_of(node._primitive, self._free, self.rows)
        for i, x in enumerate(inputs, 1):
            self._name(x, f"x{i}")
        for node in order:
            if node in self.names:
                continue
            if type(node) is Constant:
                self.expression[node] = _literal(node.data)  # a number in an operation
            else:
                self._name(node, None)
        for node in order:
            self.expression.setdefault(node, self.names.get(node, ""))
        # Every Value collects its gradient, as in backward(), which refuses an infinite one anywhere:
        # an inf or nan passes on to every leaf beneath, so the "sinks" are where to look for it.
        self.needs_grad = [n for n in order if type(n) is not Constant]
        self.sinks = [n for n in self.needs_grad if all(type(p) is Constant for p in n._parents)]

    def _name(self, node: Value, fallback: str | None) -> None:
        name = _identifier(node.label) or fallback
        if name is None:  # a systematic name: the next free one of t1, t2, ...
            while name is None or name in self.used:
                self.counter += 1
                name = f"t{self.counter}"
        name = self._free(name)
        self.names[node] = name
        self.expression[node] = name

    def _free(self, name: str) -> str:
        """``name``, or name_2, name_3... if it is taken; from now on taken."""
        base, k = name, 1
        while name in self.used:
            k += 1
            name = f"{base}_{k}"
        self.used.add(name)
        return name

    def source(self) -> tuple[str, dict[Value, str]]:
        """The whole function's text (joined once: a big graph has tens of thousands of lines)."""
        interior = [n for n in self.order if n._parents]
        operands = {n: [self.expression[p] for p in n._parents] for n in interior}  # each node's, written once
        inputs = set(self.inputs)
        baked = [n for n in self.order if not n._parents and n.requires_grad and n not in inputs]
        lines = self._header(baked)
        lines += self._forward(interior, operands, baked)
        grads = {n: f"grad_{self.names[n]}" for n in self.needs_grad}
        lines += self._backward(interior, operands, grads)
        lines.append(f"    return {self._returned(grads)}")
        return "\n".join(lines) + "\n", self.names

    def _header(self, baked: list[Value]) -> list[str]:
        names = self.names
        lines = [
            f"# {names[self.root]} and its gradient, compiled by micrograd_like.compile_graph "
            f"from a graph of {len(self.order)} nodes.",
            "# The graph's structure is frozen as traced: Python ifs and loops that built it are not",
            "# taken again (a relu's branch is: it is part of relu's rule).",
        ]
        if self.rows:
            called = ", ".join(self.rows)
            lines.append(f"# {called}: rows of the table without code, called as they are (forward, local_grads).")
        if baked:
            shown = [f"{names[n]} = {n.data!r}" for n in baked[:6]]
            more = f" and {len(baked) - len(shown)} more" if len(baked) > len(shown) else ""
            held = "; ".join(shown) + more
            lines.append(f"# Leaves that are not inputs are baked in as the numbers they held: {held}")
        lines.append(f"def {FUNCTION_NAME}({', '.join(names[x] for x in self.inputs)}):")
        return lines

    def _forward(self, interior: list[Value], operands: dict, baked: list[Value]) -> list[str]:
        names, codes = self.names, self.codes
        lines = ["    # forward pass: one line per node"]
        lines += [f"    {names[n]} = {n.data!r}" for n in baked]
        lines += [f"    {names[n]} = {codes[id(n._primitive)].forward.format(*operands[n])}" for n in interior]
        if interior:
            lines.append("    # a number too large for a float (inf, or nan)? "
                         "the engine refuses it, and so does this code")
            lines += _finite_or_raise([names[n] for n in interior])
        return lines

    def _backward(self, interior: list[Value], operands: dict, grads: dict[Value, str]) -> list[str]:
        """One line per node: its gradient, summed over the nodes that use it (the chain rule).

        ``backward()`` pushes each node's gradient to its parents, ``parent.grad += grad * local``;
        written out, each gradient is pulled together once: the same products, added in the
        same order (the users' order in backward's pass, each user's operands in order), so
        the same bits.
        """
        names, codes, root = self.names, self.codes, self.root
        lines = ["    # backward pass: d(output)/d(node), from the output back. A node's gradient is the sum,",
                 "    # over the nodes that use it, of their gradient times the local derivative (the chain rule)"]
        if root in grads:
            lines.append(f"    {grads[root]} = 1.0")
        terms: dict[Value, list[tuple[str, str]]] = {node: [] for node in grads}
        last_user = {parent: node for node in reversed(interior) for parent in node._parents}  # in backward's pass
        for node in reversed(interior):
            grad = grads.get(node)
            if grad is None:
                continue
            written, out = operands[node], names[node]
            code = codes[id(node._primitive)]
            for i, parent in enumerate(node._parents):
                if parent in grads:  # (constants collect no gradient)
                    terms[parent].append(_term(grad, code.local(i, written, out)))
            for parent in dict.fromkeys(node._parents):  # whose gradient is complete now, in operand order
                if parent in grads and last_user[parent] is node:
                    lines += _sum_lines(grads[parent], terms.pop(parent))
        lines.append("    # a gradient too large for a float? it reaches these leaves: refused as the engine does")
        lines += _finite_or_raise([grads[n] for n in self.sinks])
        return lines

    def _returned(self, grads: dict[Value, str]) -> str:
        """What the function returns: the output, the inputs' gradients (and the extras' values)."""
        returned = ", ".join(grads.get(x, "0.0") for x in self.inputs)
        returned = f"{self.expression[self.root]}, ({returned}{',' if len(self.inputs) == 1 else ''})"
        if self.extras:
            extras = ", ".join(self.expression[x] for x in self.extras)
            returned += f", ({extras}{',' if len(self.extras) == 1 else ''})"
        return returned


def _term(grad: str, local: str) -> tuple[str, str]:
    """``grad * local`` as a signed term of a sum, written plainly: ``+ grad`` for a local
    derivative of 1.0 and ``- grad`` for -1.0 (the same bits: x * 1.0 is x, a + x * -1.0 is a - x)."""
    if local == "1.0":
        return "+", grad
    if local == "-1.0":
        return "-", grad
    return "+", f"{grad} * {local}"


MAX_TERMS = 50  # terms per statement: Python's compiler recurses into a long sum, term by term
LINE_WIDTH = 100


def _sum_lines(name: str, terms: list[tuple[str, str]]) -> list[str]:
    """``name = t1 + t2 + ...`` on one line if it fits, else a term per line; a long sum goes
    on in statements of MAX_TERMS terms, ``name = (name + ...)``, added in the same order."""
    lines = []
    for start in range(0, len(terms), MAX_TERMS):
        chunk = [f"{sign} {term}" for sign, term in terms[start : start + MAX_TERMS]]
        if start == 0:
            sign, term = terms[0]
            chunk[0] = term if sign == "+" else f"-{term}"
        else:
            chunk.insert(0, name)
        line = f"    {name} = {' '.join(chunk)}"
        if len(line) <= LINE_WIDTH or len(chunk) == 1:
            lines.append(line)
            continue
        indent = " " * len(f"    {name} = (")
        lines.append(f"    {name} = ({chunk[0]}")
        lines += [f"{indent}{term}" for term in chunk[1:]]
        lines[-1] += ")"
    return lines


def _identifier(label: str) -> str | None:
    """A label as a Python name: 'w[0]' -> 'w_0', 'L0·N1' -> 'L0·N1'; None if nothing is left."""
    if not label:
        return None
    text = re.sub(r"\W+", "_", unicodedata.normalize("NFKC", label)).strip("_")
    if text and text[0].isdigit():
        text = f"v{text}"
    if text.startswith("grad_"):
        text = f"value_{text}"
    return text if text.isidentifier() else None


def _chunked(first: str, items: list[str], joiner: str, again: str, end: str = "") -> list[str]:
    """Long lists of names over several lines, CHUNK at a time."""
    lines = []
    for start in range(0, len(items), CHUNK):
        lines.append((first if start == 0 else again) + joiner.join(items[start : start + CHUNK]) + end)
    return lines


def _finite_or_raise(names: list[str]) -> list[str]:
    """The line(s) that check these numbers are finite: one sum, inf or nan if any of them is."""
    sums = _chunked("", names, " + ", "")
    if len(sums) == 1:
        return [f"    _finite_or_raise({sums[0]})"]
    return ["    _finite_or_raise(", *(f"        {line}," for line in sums), "    )"]


def _check_finite(*sums: float) -> None:
    """Raise if a sum is inf or nan: a number it adds up overflowed (or the sum did, which is harmless:
    the engine then replays the call and gives its own answer)."""
    total = sum(sums)
    if total - total != 0.0:
        raise OverflowError("a number became too large for a float")
