"""Writing a recorded graph out as Python: what :func:`~micrograd_like.compile_graph` compiles.

The forward pass is a line per node.  The backward pass is a line per gradient: a node's
gradient is the sum, over the nodes that use it, of their gradient times the local derivative
(the chain rule), each local derivative written as the primitive table's rule.  ``backward()``
pushes each node's gradient to its parents, ``parent.grad += grad * local``; written out, each
gradient is pulled together once, from the same products added in the same order, so the
numbers are the same to the last bit.

Copies of one computation (each example of a batch) are written once, as a function called
for each copy (found by :mod:`~micrograd_like.compiler.repeats`).  Their gradients reach the rest of
the graph (the parameters) the way ``backward()`` adds them: ``grad_w += ...``, one copy after
another, in backward's order.
"""

from __future__ import annotations

import builtins
import keyword
import re
from collections.abc import Callable, Container, Sequence
from typing import NamedTuple

from ..engine import ops
from ..engine.value import Constant, Value
from .names import Names, identifier, parameter_names
from .repeats import Block, repeated_blocks

__all__ = ["SourceWriter", "FUNCTION_NAME", "CHECK"]

FUNCTION_NAME = "forward_backward"
CHECK = "_finite_or_raise"  # the function the code calls to refuse inf and nan, as the engine does
CHUNK = 8  # names per line where a line lists many (the gradients set to 0, the overflow check)
MAX_TERMS = 50  # terms per statement: Python's compiler recurses into a long sum, term by term
LINE_WIDTH = 100
_RESERVED = set(keyword.kwlist) | set(dir(builtins)) | {"math", FUNCTION_NAME, CHECK} | set(ops.CODE_GLOBALS)


# -- the per-primitive code: read from the table ----------------------------------------------------


class Code(NamedTuple):
    """How one primitive is written: ``{0}``, ``{1}``... its operands, ``{out}`` its output."""

    forward: str
    grads: tuple[str, ...]  # each bracketed, unless one term: ready to write as grad * (...)

    def local(self, i: int, operands: Sequence[str], out: str) -> str:
        """The local derivative for operand ``i``, written with these operands and output."""
        template = self.grads[i]
        if "{" not in template:
            return template
        if template[1:-1].isdigit() and template == f"{{{template[1:-1]}}}":  # just an operand ({3}):
            return operands[int(template[1:-1])]  # (a weighted sum has many, each formatted at once)
        return template.format(*operands, out=out)


def code_of(primitive: ops.Primitive, free_name: Callable[[str], str], rows: dict[str, object]) -> Code:
    """The row's code templates; a row without them is called as it is, bound under a free name in ``rows``."""
    if primitive.forward_code:
        grads = tuple(_bracketed(_plainly(code)) for code in primitive.grads_code)
        return Code(_plainly(primitive.forward_code), grads)
    function = free_name(identifier(primitive.written or primitive.name) or "row")
    local_grads = free_name(f"{function}_grads")
    rows[function], rows[local_grads] = primitive.forward, primitive.local_grads
    operands = ", ".join(f"{{{i}}}" for i in range(primitive.arity))
    grads = tuple(f"{local_grads}({operands}, {{out}})[{i}]" for i in range(primitive.arity))
    return Code(f"{function}({operands})", grads)


_CONSTANT_POWER = re.compile(r"_constant_power\(\{0\}, (-?\d+)\.0\)")  # power(n)'s forward, n whole
_WHOLE_EXPONENT = re.compile(r"(\{\d+\}) \*\* \((-?\d+)\.0\)")  # an operand to a whole power


def _plainly(code: str) -> str:
    """A constant power written as a student writes it, computing the same bits.

    ``_constant_power({0}, 2.0)`` is ``{0} ** 2``: the same pow() call (of the engine's checks,
    those left for a whole exponent, zero to a negative power and an overflow, are errors of
    ``**`` too), never ``{0} * {0}``, which rounds differently about once in 1,500 squares.
    ``{0} ** (1.0)`` is ``{0}`` (pow() gives a number it can hold exactly), ``{0} ** (3.0)``
    is ``{0} ** 3`` (the same call).
    """
    code = _CONSTANT_POWER.sub(lambda m: "{0} ** " + _power(int(m[1])), code)
    return _WHOLE_EXPONENT.sub(lambda m: m[1] if m[2] == "1" else f"{m[1]} ** {_power(int(m[2]))}", code)


def _power(n: int) -> str:
    return f"({n})" if n < 0 else str(n)


_ONE_TERM = re.compile(r"-?[\w.{}]+|\w+\([^()]*\)")  # a name, number or placeholder; a call of such


def _bracketed(code: str) -> str:
    return code if _ONE_TERM.fullmatch(code) else f"({code})"


def literal(x: float) -> str:
    """A float as Python reads it back exactly; negative ones in brackets ((-3.0) ** 2 is 9)."""
    text = repr(float(x))
    return f"({text})" if text.startswith("-") else text


# -- lines ------------------------------------------------------------------------------------------


def _term(grad: str, local: str) -> tuple[str, str]:
    """``grad * local`` as a signed term of a sum, written plainly: ``+ grad`` for a local
    derivative of 1.0 and ``- grad`` for -1.0 (the same bits: x * 1.0 is x, a + x * -1.0 is a - x)."""
    if local == "1.0":
        return "+", grad
    if local == "-1.0":
        return "-", grad
    return "+", f"{grad} * {local}"


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


def _chunked(first: str, items: list[str], joiner: str, again: str, end: str = "") -> list[str]:
    """Long lists of names over several lines, CHUNK at a time."""
    lines = []
    for start in range(0, len(items), CHUNK):
        lines.append((first if start == 0 else again) + joiner.join(items[start : start + CHUNK]) + end)
    return lines


def _check_lines(names: list[str]) -> list[str]:
    """The line(s) that check these numbers are finite: one sum, inf or nan if any of them is."""
    if not names:
        return []
    sums = _chunked("", names, " + ", "")
    if len(sums) == 1:
        return [f"    {CHECK}({sums[0]})"]
    return [f"    {CHECK}(", *(f"        {line}," for line in sums), "    )"]


def _tuple(items: list[str], indent: int = 4) -> str:
    """``(a, b, c)``; a long one over lines of CHUNK items, under its bracket at column ``indent``."""
    if len(items) == 1:
        return f"({items[0]},)"
    text = f"({', '.join(items)})"
    if len(text) + indent <= LINE_WIDTH:
        return text
    rows, row, width = [], [], indent + 1
    for item in items:  # as many to a line as fit
        if row and width + len(item) > LINE_WIDTH:
            rows.append(", ".join(row))
            row, width = [], indent + 1
        row.append(item)
        width += len(item) + 2
    rows.append(", ".join(row))
    return "(" + f",\n{' ' * (indent + 1)}".join(rows) + ")"


def _assign(target: str, items: list[str]) -> list[str]:
    """``target = (a, b, c)``, wrapped if long."""
    return [f"    {target} = {_tuple(items, len(f'    {target} = '))}"]


def _unpack(names: list[str], source: str) -> list[str]:
    """``a, b, c = source``, wrapped if long."""
    if not names:
        return []
    if len(names) == 1:
        return [f"    {names[0]}, = {source}"]
    return [f"    {_tuple(names, 4)} = {source}"]


# -- the writer -------------------------------------------------------------------------------------


class _Copies(NamedTuple):
    """One group of copies: the functions written for them, and the names its calls pass."""

    blocks: list[Block]
    function: str  # block_1, the forward pass of every copy; block_1_backward, their backward pass
    copies: str  # the name of the tuple of each copy's own numbers
    shared: str  # ... of the tuple of the externals, the same for every copy
    saved: str  # ... of the list of each copy's values, from the forward pass for the backward pass
    outputs: str  # ... of the list of each copy's output
    accumulated: str  # ... of the tuple of the externals' gradients, passed through the backward calls


class SourceWriter:
    """Names every node, then writes the functions of repeated blocks, the forward lines, the
    backward lines and the return."""

    def __init__(self, root: Value, inputs: tuple, extras: tuple, order: list[Value], blocks: bool = True) -> None:
        self.root, self.inputs, self.extras, self.order = root, inputs, extras, order
        self.main = Names(_RESERVED, parameter_names(n.label for n in order if not n._parents and n.label))
        self.rows: dict[str, object] = {}  # the functions of rows without code, by the names the code calls
        self.codes: dict[int, Code] = {}  # by the primitive's id: each row looked up once
        for node in order:
            if node._parents and id(node._primitive) not in self.codes:
                self.codes[id(node._primitive)] = code_of(node._primitive, self.main.free, self.rows)
        self.groups: list[_Copies] = []
        self.owner: dict[Value, tuple[_Copies, Block]] = {}  # every node inside a copy (roots too)
        for number, alike in enumerate(repeated_blocks(order) if blocks else [], 1):
            function = self.main.free(f"block_{number}")
            self.main.used.add(f"{function}_backward")
            names = [self.main.free(f"{name}_{number}") for name in ("copies", "shared", "saved", "outputs",
                                                                      "accumulated")]
            group = _Copies(alike, function, *names)
            self.groups.append(group)
            for block in alike:
                for node in (*block.nodes, *block.constants):
                    self.owner[node] = (group, block)
        self._name_main()

    def _name_main(self) -> None:
        """Names in the main function; nodes inside copies are named in their block's function."""
        self.names: dict[Value, str] = {}
        self.expression: dict[Value, str] = {}  # how each node is written as an operand in the main function
        self.copy_number: dict[Value, int] = {}  # a copy's root -> its place among its group's copies
        for i, x in enumerate(self.inputs, 1):
            self.names[x] = self.main.of(x, f"x{i}")
        for node in self.order:
            if node in self.names:
                pass
            elif type(node) is Constant:
                self.expression[node] = literal(node.data)  # a number in an operation
                continue
            elif node in self.owner and self.owner[node][1].root is not node:
                continue
            else:
                self.names[node] = self.main.of(node)
        for node, name in self.names.items():
            self.expression[node] = name
        for group in self.groups:
            for k, block in enumerate(group.blocks):
                self.copy_number[block.root] = k
                for i, node in enumerate(block.nodes[:-1]):
                    self.expression[node] = f"{group.saved}[{k}][{i}]"  # (for the extras)

    # -- the whole text --------------------------------------------------------------------------

    def source(self) -> tuple[str, dict[Value, str]]:
        """The whole module's text (joined once: a big graph has tens of thousands of lines)."""
        lines = self._header()
        for group in self.groups:
            lines += _BlockWriter(self, group).lines()
        lines += self._main()
        return "\n".join(lines) + "\n", self.names

    def _header(self) -> list[str]:
        inputs = set(self.inputs)
        baked = [n for n in self.order if not n._parents and n.requires_grad and n not in inputs]
        lines = [
            f"# {self.names[self.root]} and its gradient, compiled by micrograd_like.compile_graph "
            f"from a graph of {len(self.order)} nodes.",
            "# The graph's structure is frozen as traced: Python ifs and loops that built it are not",
            "# taken again (a relu's branch is: it is part of relu's rule).",
        ]
        if self.rows:
            lines.append(f"# {', '.join(self.rows)}: rows of the table without code, called as they are "
                         "(forward, local_grads).")
        if baked:
            shown = [f"{self.names[n]} = {n.data!r}" for n in baked[:6]]
            more = f" and {len(baked) - len(shown)} more" if len(baked) > len(shown) else ""
            held = "; ".join(shown) + more
            lines.append(f"# Leaves that are not inputs are baked in as the numbers they held: {held}")
        return lines

    def _main(self) -> list[str]:
        interior = [n for n in self.order if n._parents and (n not in self.owner or self.owner[n][1].root is n)]
        inputs = set(self.inputs)
        baked = [n for n in self.order if not n._parents and n.requires_grad and n not in inputs]
        lines = [""] if self.groups else []
        lines += [f"def {FUNCTION_NAME}({', '.join(self.names[x] for x in self.inputs)}):",
                  "    # forward pass: one line per node"]
        lines += [f"    {self.names[n]} = {n.data!r}" for n in baked]
        lines += self._forward(interior)
        lines += _MainBackward(self, interior).lines()
        lines.append(f"    return {self._returned()}")
        return lines

    def _forward(self, interior: list[Value]) -> list[str]:
        lines = []
        for node in interior:
            if node not in self.copy_number:
                operands = [self.expression[p] for p in node._parents]
                lines.append(f"    {self.names[node]} = {self.codes[id(node._primitive)].forward.format(*operands)}")
            elif self.copy_number[node] == 0:  # every copy at once: they read only what is computed by now
                group = self.owner[node][0]
                blocks = group.blocks
                lines += _assign(group.copies, [_tuple([literal(c.data) for c in b.constants]) if b.constants
                                                else "()" for b in blocks])
                lines += _assign(group.shared, [self.expression[e] for e in blocks[0].externals])
                lines.append(f"    {group.saved}, {group.outputs} = {group.function}({group.shared}, {group.copies})")
                lines += _unpack([self.names[b.root] for b in blocks], group.outputs)
        checked = [self.names[n] for n in interior if n not in self.copy_number]  # (a copy checks its own)
        if checked:
            lines.append("    # a number too large for a float (inf, or nan)? "
                         "the engine refuses it, and so does this code")
            lines += _check_lines(checked)
        return lines

    def _returned(self) -> str:
        """What the function returns: the output, the inputs' gradients (and the extras' values)."""
        in_graph = set(self.order)
        returned = ", ".join(f"grad_{self.names[x]}" if x in in_graph else "0.0" for x in self.inputs)
        returned = f"{self.expression[self.root]}, ({returned}{',' if len(self.inputs) == 1 else ''})"
        if self.extras:
            extras = ", ".join(self.expression[x] for x in self.extras)
            returned += f", ({extras}{',' if len(self.extras) == 1 else ''})"
        return returned


class _ChainRule:
    """The backward lines of one function, a node at a time, from the output back.  A parent's
    gradient is summed in one line once its last user here has passed its share (``grad_a =
    grad_e * b + ...``); the gradients in ``accumulated`` (those that other calls add to as
    well) are added to instead, a line per share (``grad_w += ...``)."""

    def __init__(self, users: list[Value], grads: dict[Value, str], accumulated: Container[Value]) -> None:
        self.grads, self.accumulated = grads, accumulated
        self.last_user = {parent: node for node in reversed(users) for parent in node._parents}
        self.terms: dict[Value, list[tuple[str, str]]] = {}

    def step(self, node: Value, operands: list[str], out: str, code: Code, lines: list[str],
             before_adding: Callable[[Value], None] = lambda parent: None) -> None:
        """Append to ``lines`` what ``node`` passes back to its parents (constants get nothing)."""
        grads, terms = self.grads, self.terms
        for i, parent in enumerate(node._parents):
            if parent not in grads:
                continue
            sign, term = _term(grads[node], code.local(i, operands, out))
            if parent in self.accumulated:
                before_adding(parent)
                lines.append(f"    {grads[parent]} {sign}= {term}")
            else:
                terms.setdefault(parent, []).append((sign, term))
        for parent in dict.fromkeys(node._parents):  # whose gradient is complete now, in operand order
            if parent in terms and self.last_user[parent] is node:
                lines += _sum_lines(grads[parent], terms.pop(parent))


class _MainBackward:
    """The main function's backward pass: gradients summed where they are complete; the
    gradients that copies add to (the externals) accumulated, ``grad_w += ...``, as backward()
    does.  Copies whose turns come one after another (nothing else adds to their externals in
    between) go back in one call, which loops over them in backward's order."""

    def __init__(self, writer: SourceWriter, interior: list[Value]) -> None:
        self.writer, self.interior = writer, interior
        named = [n for n in writer.order if n in writer.names and type(n) is not Constant]
        self.grads = {n: f"grad_{writer.names[n]}" for n in named}
        self.accumulated: dict[Value, list[_Copies]] = {}  # external -> the groups of copies that add to it
        for group in writer.groups:
            for external in group.blocks[0].externals:
                self.accumulated.setdefault(external, []).append(group)
        # Groups reading the same externals (a batch's examples of each class, say) pass one tuple of
        # their gradients from call to call; it is known by the first group's name for it.
        self.tuple_of: dict[str, str] = {}  # group's function -> the name of its externals' gradients' tuple
        self.externals_of: dict[str, list[Value]] = {}  # that name -> the externals, in order
        for group in writer.groups:
            key = tuple(map(id, group.blocks[0].externals))
            first = next((g for g in writer.groups if tuple(map(id, g.blocks[0].externals)) == key), group)
            self.tuple_of[group.function] = first.accumulated
            self.externals_of[first.accumulated] = first.blocks[0].externals
        self.packed: list[str] = []  # the tuples holding their externals' gradients just now
        self.waiting: dict[str, list[tuple[_Copies, str]]] = {}  # tuple -> (group, "(copy, output's grad)") to run
        self.out: list[str] = []

    def lines(self) -> list[str]:
        writer, root, grads, out = self.writer, self.writer.root, self.grads, self.out
        out += ["    # backward pass: d(output)/d(node), from the output back. A node's gradient is the sum,",
                "    # over the nodes that use it, of their gradient times the local derivative (the chain rule)"]
        if root in grads:
            out.append(f"    {grads[root]} = 1.0")
        if self.accumulated:
            out.append("    # the gradients that copies add to, one after another as backward() does: from 0.0")
            out += _chunked("    ", [grads[n] for n in self.accumulated], " = ", "    ", end=" = 0.0")
        chain = _ChainRule([n for n in self.interior if n not in writer.copy_number], grads, self.accumulated)
        for node in reversed(self.interior):
            self._unpack_for(node)
            if node in writer.copy_number:
                group = writer.owner[node][0]
                self._pack(self.tuple_of[group.function])
                self.waiting.setdefault(self.tuple_of[group.function], []).append(
                    (group, f"({writer.copy_number[node]}, {grads[node]})"))
                continue
            operands = [writer.expression[p] for p in node._parents]
            chain.step(node, operands, writer.names[node], writer.codes[id(node._primitive)], out, self._unpack_for)
        while self.packed:
            self._unpack(self.packed[0])
        sinks = [grads[n] for n in grads if all(type(p) is Constant for p in n._parents)]
        out.append("    # a gradient too large for a float? it reaches these leaves: refused as the engine does")
        out += _check_lines(sinks)
        return out

    def _pack(self, name: str) -> None:
        if name in self.packed:
            return
        externals = set(self.externals_of[name])
        for other in [t for t in self.packed if externals & set(self.externals_of[t])]:
            self._unpack(other)
        self.out += _assign(name, [self.grads[e] for e in self.externals_of[name]])
        self.packed.append(name)

    def _unpack(self, name: str) -> None:
        """Run the copies waiting, in order (their gradients go to the externals), then take the
        externals' gradients out of the tuple."""
        waiting = self.waiting.pop(name, [])
        while waiting:
            group = waiting[0][0]
            count = next((i for i, (g, _) in enumerate(waiting) if g is not group), len(waiting))
            run = _tuple([copy for _, copy in waiting[:count]], 8)
            self.out.append(f"    {name} = {group.function}_backward({group.shared}, {group.copies}, "
                            f"{group.saved}, {run}, {name})")
            waiting = waiting[count:]
        self.packed.remove(name)
        self.out += _unpack([self.grads[e] for e in self.externals_of[name]], name)

    def _unpack_for(self, node: Value) -> None:
        for group in self.accumulated.get(node, ()):
            if self.tuple_of[group.function] in self.packed:
                self._unpack(self.tuple_of[group.function])


class _BlockWriter:
    """The two functions of a group of copies, written from its first copy: ``block_1``, the
    forward pass of every copy, and ``block_1_backward``, the backward pass of those it is given."""

    NAMES = {"shared", "copies", "saved", "outputs", "run", "k", "grad_out", "accumulated"}

    def __init__(self, writer: SourceWriter, group: _Copies) -> None:
        self.writer, self.group = writer, group
        block = self.block = group.blocks[0]
        own = Names(_RESERVED | self.NAMES | set(writer.rows) | {g.function for g in writer.groups}
                     | {f"{g.function}_backward" for g in writer.groups})
        self.expression: dict[Value, str] = {}
        for external in block.externals:
            self.expression[external] = own.free(writer.names[external])
        for constant in block.outside_constants:
            self.expression[constant] = literal(constant.data)
        for i, constant in enumerate(block.constants, 1):
            self.expression[constant] = own.free(f"c{i}")
        for node in block.nodes:
            self.expression[node] = own.of(node)

    def lines(self) -> list[str]:
        group, block, expression, codes = self.group, self.block, self.expression, self.writer.codes
        externals = [expression[e] for e in block.externals]
        constants = [expression[c] for c in block.constants]
        values = [expression[n] for n in block.nodes]
        each = f"for {_tuple(constants, 8) if constants else '_'} in copies:"
        body = []
        for node in block.nodes:
            operands = [expression[p] for p in node._parents]
            body.append(f"    {expression[node]} = {codes[id(node._primitive)].forward.format(*operands)}")
        body += _check_lines(values)
        body += [f"    saved.append({_tuple(values, 16)})", f"    outputs.append({values[-1]})"]
        lines = [
            "",
            f"# {group.function}: one computation the graph makes {len(group.blocks)} times over (each example of a",
            "# batch, say), only its own numbers differ: written once, run for each copy.",
            f"def {group.function}(shared, copies):",
            *_unpack(externals, "shared"),
            "    saved, outputs = [], []",
            f"    {each}",
            *_indented(body),
            "    return saved, outputs",
        ]
        grads = {n: f"grad_{expression[n]}" for n in (*block.externals, *block.nodes)}
        body = [*_unpack(constants, "copies[k]"), *_unpack(values, "saved[k]"), f"    {grads[block.root]} = grad_out"]
        chain = _ChainRule(block.nodes, grads, set(block.externals))
        for node in reversed(block.nodes):
            operands = [expression[p] for p in node._parents]
            chain.step(node, operands, expression[node], codes[id(node._primitive)], body)
        body += _check_lines([grads[n] for n in block.nodes if all(type(p) is Constant for p in n._parents)])
        returned = _tuple([grads[e] for e in block.externals], 11) if block.externals else "()"
        lines += [
            "",
            f"def {group.function}_backward(shared, copies, saved, run, accumulated):",
            *_unpack(externals, "shared"),
            *_unpack([grads[e] for e in block.externals], "accumulated"),
            "    for k, grad_out in run:  # the copies in backward's order, with their output's gradient",
            *_indented(body),
            f"    return {returned}",
        ]
        return lines


def _indented(lines: list[str]) -> list[str]:
    return [f"    {line}" for line in lines]


# -- the code as a program of its own ---------------------------------------------------------------


def _finite_or_raise(*numbers: float) -> None:
    """Raise OverflowError if a number is inf or nan: it became too large for a float."""
    for x in numbers:
        if x - x != 0.0:
            raise OverflowError("a number became too large for a float")
