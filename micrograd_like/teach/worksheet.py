"""Worksheets for a class: every student their own values, and the answer key as data.

A worksheet asks a student to do by hand what ``backward()`` does: fill in the forward pass,
then every chain-rule step of the backward pass (local derivative, upstream gradient,
contribution, running total).  :func:`make_sheets` draws each student's values, keeping only
draws a student can work with by hand, and reads the answers off the engine itself: the
forward values from the graph, the steps from :meth:`Value.backward_steps`, so the key cannot
disagree with ``backward()``.

>>> sheets = make_sheets("(a*b + c) * f", students=2, seed=1)
>>> [sheet.values != sheets[0].values for sheet in sheets]
[False, True]
>>> sheet = sheets[0]
>>> [row.name for row in sheet.forward], len(sheet.backward)
(['v1', 'v2', 'L'], 6)
>>> key = sheet.answer_key()
>>> sorted(key)
['forward', 'grads', 'student', 'values']

Every number a student fills in is a *blank* with a name of its own (:meth:`Sheet.blanks`):
``forward.v1`` for a forward value, ``step3.local``, ``step3.upstream``, ``step3.contribution``
and ``step3.total`` for the parts of backward step 3, ``grads.a`` for a gradient the sheet asks
for.  The names are the same on every student's sheet, and are the columns of the class's
``answers-template.csv``; :func:`remake_sheet` builds a student's sheet again from what
``answers.json`` records of it (the expression or template, and the student's values).

>>> list(sheet.blanks())[:5]
['forward.v1', 'forward.v2', 'forward.L', 'step1.local', 'step1.upstream']
>>> remake_sheet(sheet.made_from, sheet.values, sheet.student).blanks() == sheet.blanks()
True

Values are small integers or halves; every intermediate result, local derivative and gradient
must be a multiple of 1/8 no larger than :data:`LARGEST` (so it is exact, short and small), and
a draw that fails that, or leaves a function's domain, is drawn again.  Functions other than
``+ - * / **`` and those whose row of the primitive table says ``by_hand`` (:data:`BY_HAND`:
``relu``, ``abs``, ``maximum``) need a calculator: they are allowed only with ``calculator=True``
(and then only the inputs are kept simple).

Rendering the sheets (HTML, Markdown, PDF) is :mod:`micrograd_like.pages.worksheets`.
"""

from __future__ import annotations

import itertools
import operator
import random
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from ..engine import ops
from ..engine.backward import topological_order
from ..engine.value import Value
from .expression import ExpressionError, parse, variables_in
from .steps import Step

__all__ = ["Sheet", "ForwardRow", "BackwardRow", "LayerQuestion", "WorksheetError", "make_sheets",  # noqa: F822
           "TEMPLATES", "BY_HAND", "LARGEST", "MAX_STEPS", "MAX_ROWS", "number_text",
           "remake_sheet", "forward_blank", "step_blank", "grad_blank", "STEP_PARTS"]  # (BY_HAND: __getattr__)



def __getattr__(name: str):
    if name == "BY_HAND":  # the functions besides + - * / ** that a student works out without a calculator
        return _by_hand_functions()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def _by_hand_functions() -> tuple[str, ...]:
    """The functions whose rows say ``by_hand``, read from the registry (plugins' rows included)."""
    return tuple(name for name in ops.function_names() if ops.find(name).by_hand)

LARGEST = 100.0  # no number on a sheet (value, local derivative, gradient) may be larger than this
SMALLEST = 0.01  # with a calculator, a number other than 0 must be at least this large
EIGHTHS = 8  # ... and, without a calculator, each must be a whole number of eighths: exact and short
MAX_STEPS = 14  # chain-rule steps a sheet can hold (a long sheet flows onto a second page)
MAX_ROWS = 20  # rows of the forward and backward tables together that a sheet can hold
ATTEMPTS = 2000  # draws tried per student before giving up
POOL = (1.0, 2.0, 3.0, 4.0, 5.0, 0.5, 1.5, 2.5)  # the input values (and their negatives)
TEMPLATES = ("lecture", "neuron", "two-layer")
STEP_PARTS = ("local", "upstream", "contribution", "total")  # the blanks of one row of the backward table


def forward_blank(name: str) -> str:
    """The name of the blank for a node's forward value: ``forward.e``."""
    return f"forward.{name}"


def step_blank(number: int, part: str) -> str:
    """The name of one blank of backward step ``number`` (a part of :data:`STEP_PARTS`): ``step3.local``."""
    return f"step{number}.{part}"


def grad_blank(name: str) -> str:
    """The name of the blank for a gradient the sheet asks for: ``grads.a``."""
    return f"grads.{name}"


class WorksheetError(ValueError):
    """Worksheets cannot be made as asked (the message says why, in one line, and what to do)."""


@dataclass(frozen=True)
class ForwardRow:
    """One computed node: its name on the sheet, how it is made (``a*b``), its value."""

    name: str
    formula: str
    value: float


@dataclass(frozen=True)
class BackwardRow:
    """One chain-rule step along ``node -> parent``, with the numbers ``backward()`` used.

    ``rule`` is the stepper's words for the local derivative (``d(a*b)/da = b = -3.0``);
    ``total`` is the parent's running gradient after the step.
    """

    number: int
    node: str
    parent: str
    rule: str
    local: float
    upstream: float
    contribution: float
    total: float


@dataclass(frozen=True)
class LayerQuestion:
    """A quantity of the layer equations (δ of a layer, ∂L/∂W, ∂L/∂b): its symbol, the equation
    that gives it, and its entries as rows of (name, value)."""

    symbol: str
    equation: str
    rows: tuple[tuple[tuple[str, float], ...], ...]


@dataclass
class Sheet:
    """One student's worksheet and its answers."""

    student: int  # 1-based
    title: str
    expression: str  # as shown on the sheet, e.g. "L = (a*b + c)*f"
    values: dict[str, float]  # the student's inputs, by name as written
    root: Value  # the graph, after backward(): drawings read data and grad from it
    names: dict[Value, str]  # every node's name on the sheet (constants by their number)
    forward: list[ForwardRow]
    backward: list[BackwardRow]
    grads: dict[str, float]  # every named node's gradient (inputs and intermediate nodes)
    layers: list[LayerQuestion] = field(default_factory=list)  # the two-layer template's questions
    notes: list[str] = field(default_factory=list)
    calculator: bool = False
    steps: list[Step] = field(default_factory=list, repr=False)  # the stepper's steps, backward's own pass
    made_from: dict = field(default_factory=dict)  # expression or template, calculator: what remake_sheet needs

    def answer_key(self) -> dict:
        """The answers as graders read them (one object of ``answers.json``)."""
        return {"student": self.student, "values": dict(self.values),
                "forward": {row.name: row.value for row in self.forward}, "grads": dict(self.grads)}

    @property
    def asked_grads(self) -> list[str]:
        """The gradients the sheet asks for, in its order: the inputs' (section 3), or on a sheet
        of layer questions every entry of those questions."""
        if not self.layers:
            return list(self.values)
        names = [name for question in self.layers for row in question.rows for name, _ in row]
        return list(dict.fromkeys(names))

    def blanks(self) -> dict[str, float]:
        """Every number the student fills in, by the blank's name, in the sheet's order: the
        forward table, each row of the backward table (local derivative, upstream,
        contribution, running total), then the gradients asked for.  (The drawing repeats
        these numbers; the tables are what is graded.)"""
        blanks = {forward_blank(row.name): row.value for row in self.forward}
        for row in self.backward:
            for part in STEP_PARTS:
                blanks[step_blank(row.number, part)] = getattr(row, part)
        blanks.update((grad_blank(name), self.grads[name]) for name in self.asked_grads)
        return blanks


def number_text(x: float, calculator: bool = False) -> str:
    """A number as a sheet writes it: 3, -0.5, 0.125 (exact); with a calculator, 4 decimals."""
    if x == 0:
        return "0"
    if calculator and x * EIGHTHS != round(x * EIGHTHS):
        return f"{x:.4f}"
    return f"{x:.3f}".rstrip("0").rstrip(".")


def _by_hand(x: float) -> bool:
    return abs(x) <= LARGEST and x * EIGHTHS == round(x * EIGHTHS)


def _readable(x: float) -> bool:
    """Within ±LARGEST and not so near 0 that four decimals show it as 0 (a saturated tanh)."""
    return x == 0 or SMALLEST <= abs(x) <= LARGEST  # also false for nan


# -- what a worksheet is about: an expression or a template -----------------------------------------


# A student's graph: its root, the names the sheet gives computed nodes, and the formulas the
# forward table shows for them where the graph's own (a*b + c) would not say it (z1 = W1 x + b1).
_Built = tuple[Value, dict[Value, str], dict[Value, str]]


@dataclass(frozen=True)
class _Recipe:
    """How to build one student's graph: the input names, and a function from their values to
    the root and the names the sheet gives the intermediate nodes."""

    title: str
    shown: str  # the expression as the sheet writes it
    inputs: tuple[str, ...]
    build: Callable[[dict[str, float]], _Built]
    calculator: bool
    notes: tuple[str, ...] = ()
    layers: Callable[[dict[str, Value]], list[LayerQuestion]] | None = None


_FUNCTION = re.compile(r"([^\W\d]\w*)\s*\(")


def _expression_recipe(text: str, calculator: bool) -> _Recipe:
    try:
        inputs = tuple(variables_in(text))
    except ExpressionError as error:
        raise WorksheetError(f"in {text!r}: {error}") from None
    if not inputs:
        raise WorksheetError(f"{text!r} has no variables: there is nothing to differentiate")
    by_hand = _by_hand_functions()
    needs = sorted({name for name in _FUNCTION.findall(text) if name not in by_hand})
    if needs and not calculator:
        raise WorksheetError(f"{text!r} uses {', '.join(needs)}, which needs a calculator: add --calculator "
                             f"(or use only + - * / **, {', '.join(by_hand)})")

    def build(values: dict[str, float]) -> _Built:
        return parse(text, values), {}, {}

    return _Recipe(f"Backpropagation through {text}", text, inputs, build, calculator)


def _lecture(values: dict[str, float]) -> _Built:
    """The lecture's L = (a*b + c)*f, with its intermediate nodes e and d."""
    a, b, c, f = (Value(values[name], label=name) for name in "abcf")
    e = a * b
    d = e + c
    L = d * f
    return L, {e: "e", d: "d", L: "L"}, {}


def _neuron(activation: str) -> Callable[[dict[str, float]], _Built]:
    """The lecture's neuron o = act(x1*w1 + x2*w2 + b), named as in the lecture."""

    def build(values: dict[str, float]) -> _Built:
        x1, x2, w1, w2, b = (Value(values[name], label=name) for name in ("x1", "x2", "w1", "w2", "b"))
        x1w1, x2w2 = x1 * w1, x2 * w2
        x1w1x2w2 = x1w1 + x2w2
        n = x1w1x2w2 + b
        o = getattr(n, activation)()
        return o, {x1w1: "x1w1", x2w2: "x2w2", x1w1x2w2: "x1w1x2w2", n: "n", o: "o"}, {}

    return build


_W1 = ("W1[1][1]", "W1[1][2]", "W1[2][1]", "W1[2][2]")
_B1 = ("b1[1]", "b1[2]")
_W2 = ("W2[1][1]", "W2[1][2]")
_TWO_LAYER_INPUTS = ("x1", "x2", *_W1, *_B1, *_W2, "b2", "y")


def _two_layer(activation: str) -> Callable[[dict[str, float]], _Built]:
    """A 2-2-1 network as in the course note: z1 = W1 x + b1, a1 = σ(z1), z2 = W2 a1 + b2 (the output,
    no activation), L = ½(z2 - y)²."""

    def build(values: dict[str, float]) -> _Built:
        v = {name: Value(values[name], label=name) for name in _TWO_LAYER_INPUTS}
        names: dict[Value, str] = {}
        formulas: dict[Value, str] = {}
        a1 = []
        for i in (1, 2):
            z = v[f"W1[{i}][1]"] * v["x1"] + v[f"W1[{i}][2]"] * v["x2"] + v[f"b1[{i}]"]
            a = getattr(z, activation)()
            names[z], names[a] = f"z1[{i}]", f"a1[{i}]"
            formulas[z] = f"W1[{i}][1]*x1 + W1[{i}][2]*x2 + b1[{i}]"
            formulas[a] = f"{activation}(z1[{i}])"
            a1.append(a)
        z2 = v["W2[1][1]"] * a1[0] + v["W2[1][2]"] * a1[1] + v["b2"]
        L = 0.5 * (z2 - v["y"]) ** 2
        names.update({z2: "z2", L: "L"})
        formulas.update({z2: "W2[1][1]*a1[1] + W2[1][2]*a1[2] + b2", L: "½(z2 - y)²"})
        return L, names, formulas

    return build


def _two_layer_questions(nodes: dict[str, Value]) -> list[LayerQuestion]:
    """δ of each layer, ∂L/∂W and ∂L/∂b, by the note's equations, their entries from the graph's grads."""

    def entries(*rows: Iterable[str]) -> tuple[tuple[tuple[str, float], ...], ...]:
        return tuple(tuple((name, nodes[name].grad) for name in row) for row in rows)

    return [
        LayerQuestion("δ(2)", "δ(2) = ∂L/∂a(2) ⊙ σ(2)'(z(2)) = z2 - y  (the output has no activation)",
                      entries(["z2"])),
        LayerQuestion("∂L/∂W(2)", "∂L/∂W(2) = δ(2) a(1)ᵀ", entries(_W2)),
        LayerQuestion("∂L/∂b(2)", "∂L/∂b(2) = δ(2)", entries(["b2"])),
        LayerQuestion("δ(1)", "δ(1) = (W(2)ᵀ δ(2)) ⊙ σ(1)'(z(1))", entries(["z1[1]"], ["z1[2]"])),
        LayerQuestion("∂L/∂W(1)", "∂L/∂W(1) = δ(1) xᵀ", entries(_W1[:2], _W1[2:])),
        LayerQuestion("∂L/∂b(1)", "∂L/∂b(1) = δ(1)", entries(["b1[1]"], ["b1[2]"])),
    ]


def _template_recipe(name: str, calculator: bool) -> _Recipe:
    activation = "tanh" if calculator else "relu"
    said = (f"activation: {activation}" + ("" if calculator else
            " (it works by hand; with --calculator the template uses tanh)"))
    if name == "lecture":
        return _Recipe("The lecture's example", "L = (a*b + c)*f", tuple("abcf"), _lecture, calculator)
    if name == "neuron":
        return _Recipe("A neuron", f"o = {activation}(x1*w1 + x2*w2 + b)", ("x1", "x2", "w1", "w2", "b"),
                       _neuron(activation), calculator, (said,))
    if name == "two-layer":
        return _Recipe("A two-layer network", f"z1 = W1 x + b1, a1 = {activation}(z1), z2 = W2 a1 + b2, "
                       "L = ½(z2 - y)²", _TWO_LAYER_INPUTS, _two_layer(activation), calculator, (said,),
                       _two_layer_questions)
    raise WorksheetError(f"unknown template {name!r} (must be one of {', '.join(TEMPLATES)})")


# -- one student's sheet ----------------------------------------------------------------------------


def _names(root: Value, order: list[Value], given: dict[Value, str], inputs: Iterable[str]) -> dict[Value, str]:
    """A name for every node: the template's names, the inputs' labels, numbers for constants,
    and v1, v2, ... for the other computed nodes, L for the output.  No computed node is named
    like an input: if an input is called v1 (or v7), they are u1, u2, ... (then t, node, node_,
    node__, ...); if one is called L, the output is out (then loss, result, L_, L__, ...)."""
    taken = set(inputs) | set(given.values())
    prefixes = itertools.chain(("v", "u", "t", "node"), (f"node{'_' * k}" for k in itertools.count(1)))
    prefix = next(p for p in prefixes if not any(re.fullmatch(re.escape(p) + r"\d+", n) for n in taken))
    outputs = itertools.chain(("L", "out", "loss", "result"), (f"L{'_' * k}" for k in itertools.count(1)))
    output = next(name for name in outputs if name not in taken)  # never of the form {prefix}{number}
    names, counter = {}, 0
    for node in order:
        if node in given:
            names[node] = given[node]
        elif node.label:
            names[node] = node.label
        elif node.primitive is None:
            names[node] = number_text(node.data, calculator=True)
        elif node is root:
            names[node] = output
        else:
            counter += 1
            names[node] = f"{prefix}{counter}"
    return names


def _formula(node: Value, names: dict[Value, str]) -> str:
    """How a node is made, in its operands' names: a*b, tanh(n), (-2)*x."""
    operands = []
    for parent in node.parents:
        name = names[parent]
        operands.append(f"({name})" if name.startswith("-") or " " in name else name)
    return node.primitive.notation.format(*operands)


def _sheet(recipe: _Recipe, values: dict[str, float], student: int) -> Sheet:
    """Build the student's graph, run the backward pass through the stepper, read off the answers.
    Raises ArithmeticError or ValueError for values outside a function's domain."""
    root, given, formulas = recipe.build(values)
    order = topological_order(root)
    names = _names(root, order, given, recipe.inputs)
    for node, name in names.items():  # the stepper's words then use the sheet's names
        if node.primitive is not None or node.requires_grad:
            node.label = name
    steps = root.backward_steps()  # the very pass backward() makes, step by step
    steps.finish()
    asked = [node for node in order if node.parents and (node in formulas or not recipe.layers)]
    forward = [ForwardRow(names[node], formulas.get(node) or _formula(node, names), node.data) for node in asked]
    backward = [] if recipe.layers else [
        BackwardRow(s.number, names[s.node], names[s.parent], s.derivative, s.local, s.upstream, s.contribution,
                    s.held + s.after) for s in steps.steps]
    if not forward:
        raise WorksheetError(f"{recipe.shown!r} computes nothing: "
                             "there is no forward or backward pass to work out")
    shown = {node for node in asked} | {node for node in order if node.label in recipe.inputs}
    grads = {names[node]: node.grad for node in order if node in shown and node.requires_grad}
    by_name = {names[node]: node for node in order}
    expression = recipe.shown if given else f"{names[root]} = {recipe.shown}"
    return Sheet(student, recipe.title, expression, dict(values), root, names, forward, backward, grads,
                 recipe.layers(by_name) if recipe.layers else [], list(recipe.notes), recipe.calculator,
                 list(steps.steps))


def _some_entry_not_zero(question: LayerQuestion) -> bool:
    """Whether a layer question has an entry other than 0 (δ(1) all 0: no hidden unit is live)."""
    return any(value != 0 for row in question.rows for _, value in row)


def _workable(sheet: Sheet) -> bool:
    """Whether every number on the sheet is one a student can work with (see the module docs), and
    the gradient reaches the inputs: some input's gradient is not 0, and on a template with
    layers every question (δ of each layer, ∂L/∂W, ∂L/∂b) has an entry that is not 0.  A sheet
    of zeros, from a saturated or switched-off activation (a dead hidden layer), teaches little."""
    numbers = [node.data for node in sheet.names] + [node.grad for node in sheet.names]
    numbers += [x for row in sheet.backward for x in (row.local, row.upstream, row.contribution, row.total)]
    if not any(sheet.grads[name] for name in sheet.values):
        return False
    if not all(_some_entry_not_zero(question) for question in sheet.layers):
        return False
    if sheet.calculator:
        inputs = [node.data for node in sheet.names if node.primitive is None]
        slopes = [abs(g) for node in sheet.names if node.primitive and not node.primitive.by_hand
                  for g in node.local_grads]  # a slope 0 of tanh, not of relu, means it is saturated
        return all(map(_readable, numbers)) and all(map(_by_hand, inputs)) and all(g >= SMALLEST for g in slopes)
    return all(map(_by_hand, numbers))


def _draw(rng: random.Random, inputs: tuple[str, ...]) -> dict[str, float]:
    return {name: rng.choice(POOL) * rng.choice((1.0, -1.0)) for name in inputs}


def make_sheets(expression: str | None = None, *, template: str | None = None, students: int = 1,
                seed: int = 0, calculator: bool = False,
                progress: Callable[[int, int], None] | None = None) -> list[Sheet]:
    """One :class:`Sheet` per student for ``expression`` (e.g. ``"(a*b + c)*f"``) or a ``template``
    (one of :data:`TEMPLATES`), each student with values of their own; ``seed`` makes the draw
    reproducible (a negative seed too: -7 draws other values than 7).  ``progress(done, total)`` is
    called as each sheet is made."""
    if (expression is None) == (template is None):
        raise WorksheetError("give an expression or a template (one of them)")
    try:
        seed = operator.index(seed)  # an int, or a whole number of another kind (numpy's)
    except TypeError:
        raise WorksheetError(f"the seed must be a whole number, got {seed!r}") from None
    if not isinstance(students, int) or isinstance(students, bool) or students < 1:
        raise WorksheetError(f"the number of students must be a positive whole number, got {students!r}")
    recipe = _template_recipe(template, calculator) if template else _expression_recipe(expression, calculator)
    made_from = {"expression": expression, "template": template, "calculator": calculator, "seed": seed}
    rng = random.Random(seed if seed >= 0 else str(seed))  # Random(-7) would be Random(7): "-7" is a seed of its own
    sheets: list[Sheet] = []
    seen: set[tuple[float, ...]] = set()
    for student in range(1, students + 1):
        for _ in range(ATTEMPTS):
            values = _draw(rng, recipe.inputs)
            key = tuple(values.values())
            if key in seen:
                continue
            try:
                sheet = _sheet(recipe, values, student)
            except (ArithmeticError, ValueError) as error:
                if isinstance(error, WorksheetError):
                    raise
                continue  # outside a function's domain (log of a negative, a division by 0): draw again
            rows = len(sheet.forward) + len(sheet.backward)
            if len(sheet.backward) > MAX_STEPS or rows > MAX_ROWS:
                raise WorksheetError(f"{recipe.shown!r} is too long for a worksheet: "
                                     f"{len(sheet.forward)} computed values and {len(sheet.backward)} chain-rule "
                                     f"steps (at most {MAX_STEPS} steps, {MAX_ROWS} together); "
                                     "use a shorter expression")
            if _workable(sheet):
                sheet.made_from = dict(made_from)
                seen.add(key)
                sheets.append(sheet)
                break
        else:
            raise WorksheetError(_no_values(recipe, student, calculator))
        if progress is not None:
            progress(student, students)
    return sheets


def _no_values(recipe: _Recipe, student: int, calculator: bool) -> str:
    what = recipe.shown
    if student > 1:
        return (f"found only {student - 1} different sets of workable values for {what!r} in {ATTEMPTS} draws: "
                f"ask for at most {student - 1} students" + ("" if calculator else ", or add --calculator"))
    limits = f"numbers within ±{LARGEST:g}" + ("" if calculator else ", in eighths")
    return (f"no workable values for {what!r} in {ATTEMPTS} draws ({limits}, no domain errors): "
            + ("use a simpler expression" if calculator else "use a simpler expression, or add --calculator"))


def remake_sheet(made_from: dict, values: dict[str, float], student: int) -> Sheet:
    """A student's sheet built again: ``made_from`` as :attr:`Sheet.made_from` records it (what
    ``answers.json`` keeps), ``values`` the student's.  A WorksheetError if it cannot be made."""
    try:
        expression, template, calculator = (made_from[k] for k in ("expression", "template", "calculator"))
    except (KeyError, TypeError):
        raise WorksheetError("the record of how the sheet was made needs its expression, template and "
                             "calculator") from None
    if (expression is None) == (template is None) or not isinstance(calculator, bool):
        raise WorksheetError("the record of how the sheet was made needs an expression or a template (one of "
                             "them), and calculator true or false")
    recipe = _template_recipe(template, calculator) if template else _expression_recipe(expression, calculator)
    if not isinstance(values, dict) or set(values) != set(recipe.inputs):
        raise WorksheetError(f"student {student}'s values must name {', '.join(recipe.inputs)}")
    try:
        sheet = _sheet(recipe, {name: float(values[name]) for name in recipe.inputs}, student)
    except WorksheetError:
        raise
    except (ArithmeticError, ValueError, TypeError) as error:
        raise WorksheetError(f"student {student}'s sheet cannot be made again from its values: {error}") from None
    sheet.made_from = dict(made_from)
    return sheet
