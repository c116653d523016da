"""Grading a worksheet: each blank right or wrong, with credit carried forward, and what went wrong.

A student's answers are numbers by blank name (:meth:`Sheet.blanks
<micrograd_like.teach.worksheet.Sheet.blanks>`: ``forward.e``, ``step3.local``, ``grads.a``);
:func:`grade` marks each one.  A blank is **right** if it is the key's number, and right too
(**carried**) if it is what the student's *own* earlier numbers give: a wrong ``e`` and then a
``d = e + c`` worked out correctly from that wrong ``e`` loses the mark for ``e`` only.  An
empty blank is **blank** (no mark); the rest are **wrong**, and for each wrong one the
misconception it shows, if it shows one, is named by
:func:`micrograd_like.teach.misconceptions.diagnose`.

Which blanks each blank's formula reads ("own" is the student's number, or the key's where
the student left it blank):

- ``forward.n``: ``n``'s operation applied to its operands' values: an input's given value,
  a constant, or the operand's own ``forward`` value (an operand the sheet does not ask for,
  inside a layer's ``W x + b``, is worked out from its own operands the same way);
- ``stepK.local``: the local derivative of step K's node with respect to the operand it sends
  to, at the own forward values of the node and its operands;
- ``stepK.upstream``: the node's gradient so far: 1 for the output, else the own
  ``total`` of the last step before K that sent to this node;
- ``stepK.contribution``: own ``stepK.upstream`` × own ``stepK.local``;
- ``stepK.total``: the own ``total`` of the last step before K into the same node (0 for
  the first) + own ``stepK.contribution``;
- ``grads.x`` on a sheet with a backward table: the own ``total`` of the last step into ``x``;
  on a sheet of layer questions (no table): the chain rule from the nodes after ``x``,
  Σ (own gradient of the node) × (local derivative at the own forward values), where a node
  whose gradient the sheet does not ask for has its gradient worked out the same way, and
  the output's is 1.  So δ(1) = W(2)ᵀ δ(2) ⊙ σ'(z(1)) is read with the student's δ(2) and z(1).

A 0 carried forward earns no mark where the key's number is not 0: zeros multiplied and added
show no working, and a sheet of zeros would otherwise score most of its marks.

Only a wrong local derivative, contribution, running total or gradient is diagnosed (the
blanks :func:`~micrograd_like.teach.misconceptions.diagnose` knows: ``local``, ``contribution``,
``grad``; a gradient of section 3 as the total of the last step into it), and always against
the key's step: a number right from the student's own earlier numbers is not a mistake.

Numbers are compared with a tolerance (:data:`TOLERANCE`): by hand every number is a few
eighths, so nearly exact (1e-9); with a calculator within 0.1% or 0.0005, room for the
rounding that four decimals carry from one number to the next (so a number near 0.01 may be
off in its fourth decimal and still count).  A wrong number is diagnosed with the same tolerance.

>>> from micrograd_like.teach.worksheet import make_sheets
>>> sheet = make_sheets(template="lecture", seed=3)[0]
>>> sheet.values
{'a': 4.0, 'b': -0.5, 'c': 2.0, 'f': -2.5}
>>> answers = dict(sheet.blanks())
>>> answers["forward.e"] = -3.0           # wrong: a*b is -2
>>> answers["forward.d"] = -1.0           # right from their e: -3 + 2
>>> answers["forward.L"] = 2.5            # right from their d: -1 * (-2.5)
>>> answers["grads.a"] = None             # left blank
>>> graded = grade(sheet, answers, diagnose=lambda step, answer, ask: None)
>>> [(mark.name, mark.verdict) for mark in graded.marks if mark.verdict != RIGHT]
[('forward.e', 'wrong'), ('forward.d', 'carried'), ('forward.L', 'carried'), ('grads.a', 'blank')]
>>> graded.score, graded.out_of
(29, 31)
"""

from __future__ import annotations

import functools
import math
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from ..engine.value import Value
from .steps import Step
from .worksheet import STEP_PARTS, Sheet, forward_blank, grad_blank, step_blank

__all__ = ["Blank", "Mark", "Graded", "BlankSummary", "blanks_of", "grade", "summarise", "misconception_counts",
           "RIGHT", "CARRIED", "WRONG", "BLANK", "VERDICTS", "TOLERANCE"]

RIGHT, CARRIED, WRONG, BLANK = "right", "carried", "wrong", "blank"
VERDICTS = (RIGHT, CARRIED, WRONG, BLANK)  # CARRIED: right from the student's own earlier numbers
TOLERANCE = {False: (1e-9, 1e-9), True: (1e-3, 5e-4)}  # (relative, absolute), by whether a calculator is needed
ASKS = {"local": "local", "contribution": "contribution", "total": "grad", "grad": "grad"}  # diagnose()'s ask

Diagnose = Callable[[Step, float, str], object]  # diagnose(step, answer, ask) -> a Misconception or None


@dataclass(frozen=True)
class Blank:
    """One number the sheet asks for: its name, its kind (``forward``, one of the step parts
    ``local`` ``upstream`` ``contribution`` ``total``, or ``grad``), the key's number, what it
    is in words, the node it is about, and the backward step it belongs to (for a ``grad``: the
    last step into the node; None for a forward value)."""

    name: str
    kind: str
    key: float
    what: str
    node: Value
    step: Step | None


@dataclass(frozen=True)
class Mark:
    """One blank marked: the student's ``answer`` (None: left blank), the number their own
    earlier numbers give (``carried``, None when no other number than the key's is possible),
    the ``verdict`` (one of :data:`VERDICTS`) and the misconception's name for a wrong one."""

    blank: Blank
    answer: float | None
    carried: float | None
    verdict: str
    misconception: str | None = None

    @property
    def name(self) -> str:
        return self.blank.name

    @property
    def right(self) -> bool:
        """Whether the blank earns its mark (right, or right from the student's own numbers)."""
        return self.verdict in (RIGHT, CARRIED)


@dataclass(frozen=True)
class Graded:
    """One student's sheet marked, blank by blank in the sheet's order."""

    student: int
    marks: tuple[Mark, ...]

    @property
    def score(self) -> int:
        return sum(mark.right for mark in self.marks)

    @property
    def out_of(self) -> int:
        return len(self.marks)

    @property
    def misconceptions(self) -> list[str]:
        """The misconceptions the wrong blanks show, in the sheet's order (repeats kept)."""
        return [mark.misconception for mark in self.marks if mark.misconception]


def blanks_of(sheet: Sheet) -> list[Blank]:
    """The sheet's blanks, as :meth:`Sheet.blanks` names and orders them."""
    by_name = {name: node for node, name in sheet.names.items()}
    blanks = [Blank(forward_blank(row.name), "forward", row.value, f"{row.name} = {row.formula}",
                    by_name[row.name], None) for row in sheet.forward]
    steps = {step.number: step for step in sheet.steps}
    for row in sheet.backward:
        for part in STEP_PARTS:
            what = f"step {row.number}, {row.node} → {row.parent}: {_PART_WORDS[part]}"
            blanks.append(Blank(step_blank(row.number, part), part, getattr(row, part), what,
                                steps[row.number].node, steps[row.number]))
    for name in sheet.asked_grads:
        node = by_name[name]
        last = [step for step in sheet.steps if step.parent is node]
        blanks.append(Blank(grad_blank(name), "grad", sheet.grads[name], f"∂{sheet.forward[-1].name}/∂{name}",
                            node, last[-1] if last else None))
    return blanks


_PART_WORDS = {"local": "local derivative", "upstream": "upstream gradient", "contribution": "contribution",
               "total": "running total"}


class _Own:
    """The numbers as the student has them: their answer where they gave one, else the key's;
    and each blank's formula (see the module's docs) read with those numbers."""

    def __init__(self, sheet: Sheet, blanks: dict[str, Blank], answers: Mapping[str, float | None]) -> None:
        self.sheet, self.blanks, self.answers = sheet, blanks, answers
        self.root = sheet.root

    def number(self, name: str) -> float:
        answer = self.answers.get(name)
        return self.blanks[name].key if answer is None else answer

    def data(self, node: Value) -> float:
        """The node's forward value: given, a constant, the student's, or worked out from its operands."""
        if node.primitive is None:
            return node.data
        name = forward_blank(self.sheet.names[node])
        return self.number(name) if name in self.blanks else self.forward(node)

    def forward(self, node: Value) -> float:
        return node.primitive.forward(*(self.data(parent) for parent in node.parents))

    def local(self, step: Step) -> float:
        node = step.node
        inputs = [self.data(parent) for parent in node.parents]
        grads = node.primitive.local_grads(*inputs, self.data(node))
        return tuple(grads)[step.operand] if isinstance(grads, tuple) else grads

    def total_before(self, step: Step, node: Value) -> float | None:
        """The own running total of the last step before ``step`` into ``node`` (None: no such step)."""
        earlier = [s for s in self.sheet.steps if s.parent is node and s.number < step.number]
        return self.number(step_blank(earlier[-1].number, "total")) if earlier else None

    def grad(self, node: Value) -> float:
        """The node's gradient as the student has it, by the chain rule from the nodes after it."""
        name = grad_blank(self.sheet.names[node])
        if name in self.blanks:
            return self.number(name)
        return self.chain(node)

    def chain(self, node: Value) -> float:
        if node is self.root:
            return 1.0
        return sum(self.grad(step.node) * self.local(step) for step in self.sheet.steps if step.parent is node)

    def formula(self, blank: Blank) -> float | None:
        """What the blank's formula gives with the student's own numbers (None: nothing to work out)."""
        step, number = blank.step, None if blank.step is None else blank.step.number
        if blank.kind == "forward":
            return self.forward(blank.node)
        if step is not None and step.closure:  # a step micrograd's way: no rule to read with other numbers
            return None
        if blank.kind == "local":
            return self.local(step)
        if blank.kind == "upstream":
            return 1.0 if step.node is self.root else self.total_before(step, step.node)
        if blank.kind == "contribution":
            return self.number(step_blank(number, "upstream")) * self.number(step_blank(number, "local"))
        if blank.kind == "total":
            before = self.total_before(step, step.parent)
            return (step.held if before is None else before) + self.number(step_blank(number, "contribution"))
        if self.sheet.backward:  # grads.x, read off the backward table
            return None if step is None else self.number(step_blank(step.number, "total"))
        return self.chain(blank.node)  # grads.x by the layer equations


def _same(a: float, b: float, calculator: bool) -> bool:
    relative, absolute = TOLERANCE[calculator]
    return math.isclose(a, b, rel_tol=relative, abs_tol=absolute)


def _shows_working(carried: float, blank: Blank, sheet: Sheet) -> bool:
    """Whether a number carried forward earns its mark: a 0 made from the student's own zeros
    where the key's number is not 0 shows no working (a sheet of zeros would otherwise be
    mostly "right")."""
    return not _same(carried, 0.0, sheet.calculator) or _same(blank.key, 0.0, sheet.calculator)


def _default_diagnose() -> Diagnose:
    from .misconceptions import diagnose

    return diagnose


def grade(sheet: Sheet, answers: Mapping[str, float | None], diagnose: Diagnose | None = None) -> Graded:
    """Mark every blank of ``sheet`` given the student's ``answers`` (by blank name; None or a
    missing name: left blank).  ``diagnose(step, answer, ask)`` names the misconception of a
    wrong local derivative, contribution or gradient (default:
    :func:`micrograd_like.teach.misconceptions.diagnose`)."""
    if diagnose is None:
        relative, absolute = TOLERANCE[sheet.calculator]
        diagnose = functools.partial(_default_diagnose(), rel_tol=relative, abs_tol=absolute)
    blanks = {blank.name: blank for blank in blanks_of(sheet)}
    unknown = sorted(set(answers) - set(blanks))
    if unknown:
        raise ValueError(f"the sheet has no blank {unknown[0]!r}")
    own = _Own(sheet, blanks, answers)
    marks = []
    for blank in blanks.values():
        answer = answers.get(blank.name)
        if answer is None:
            marks.append(Mark(blank, None, None, BLANK))
            continue
        try:
            carried = own.formula(blank)
        except (ArithmeticError, ValueError):  # the student's numbers leave a function's domain
            carried = None
        if carried is not None and (not math.isfinite(carried) or _same(carried, blank.key, sheet.calculator)):
            carried = None
        if _same(answer, blank.key, sheet.calculator):
            marks.append(Mark(blank, answer, carried, RIGHT))
        elif carried is not None and _same(answer, carried, sheet.calculator) and _shows_working(carried, blank, sheet):
            marks.append(Mark(blank, answer, carried, CARRIED))
        else:
            marks.append(Mark(blank, answer, carried, WRONG, _misconception(blank, answer, diagnose)))
    return Graded(sheet.student, tuple(marks))


def _misconception(blank: Blank, answer: float, diagnose: Diagnose) -> str | None:
    if blank.kind not in ASKS or blank.step is None:
        return None
    found = diagnose(blank.step, answer, ASKS[blank.kind])
    return None if found is None else found.name


# -- the class ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class BlankSummary:
    """How a class did on one blank: how many students each verdict, and the misconceptions."""

    name: str
    what: str
    counts: dict[str, int]  # by verdict
    misconceptions: dict[str, int]  # by name, most common first

    @property
    def missed(self) -> int:
        """Students who did not earn the mark (wrong or blank)."""
        return self.counts[WRONG] + self.counts[BLANK]


def summarise(graded: list[Graded]) -> list[BlankSummary]:
    """Each blank of the class's sheets (the same names on every sheet), in the sheet's order."""
    if not graded:
        return []
    summaries = []
    for k, first in enumerate(graded[0].marks):
        marks = [student.marks[k] for student in graded]
        counts = Counter(mark.verdict for mark in marks)
        found = Counter(mark.misconception for mark in marks if mark.misconception)
        summaries.append(BlankSummary(first.name, first.blank.what, {v: counts[v] for v in VERDICTS},
                                      dict(found.most_common())))
    return summaries


def misconception_counts(graded: list[Graded]) -> list[tuple[str, int, int]]:
    """Each misconception the class showed: (name, students who showed it, blanks it was on),
    the most students first."""
    students = Counter(name for student in graded for name in set(student.misconceptions))
    blanks = Counter(name for student in graded for name in student.misconceptions)
    return [(name, count, blanks[name]) for name, count in
            sorted(students.items(), key=lambda item: (-item[1], -blanks[item[0]], item[0]))]
