"""Practise backprop: a quiz on every chain-rule step of a backward pass.

Watching the stepper is not the same as computing the steps yourself.  A :class:`Quiz` walks
the same pass and, at each step, asks for the numbers the stepper would show: the local
derivative, the contribution (upstream × local) and the parent's new gradient.  A first wrong
answer gets a hint (the derivative rule, or, where the rule is a plain number, the nudge that
finds it; the upstream gradient); a second one shows the answer and why.  A wrong answer that
one of the usual misconceptions gives is told which, before the hint or the answer
(:mod:`.misconceptions`).  The Values' grads follow the quiz as they follow the stepper: a step
is applied (the stepper's ``next()``) once its questions are answered.

The quiz is a small state machine, so the REPL loop, the terminal command and the notebook
widget all share it: ``quiz.question`` is what to ask, ``quiz.answer(text)`` returns a
:class:`Feedback`, ``quiz.score`` and ``quiz.finished`` say how it is going.

>>> from micrograd_like import Value
>>> x = Value(3.0, label="x")
>>> y = x * x; y.label = "y"
>>> quiz = Quiz(y.backward_steps(), ask=("local",))
>>> print(quiz.question)
step 1/2: y = x*x sends dy/dy = 1.0 back to x
  local derivative d(x*x)/dx = ?
>>> quiz.answer("3")
right: d(x*x)/dx = x = 3.0
>>> quiz.answer("1/3")
not quite. Hint: the rule is d(x*x)/dx = x, with the numbers of the forward pass. Try again.
>>> quiz.answer("3.0"), quiz.score, quiz.finished, x.grad
(right: d(x*x)/dx = x = 3.0, Score(right=2, out_of=2), True, 6.0)
"""

from __future__ import annotations

import math
import numbers
import re
import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from fractions import Fraction
from typing import TYPE_CHECKING, NamedTuple

from ..offers import provider
from .digits import digits_needed
from .expression import comma_advice
from .forward import ForwardWalk
from .misconceptions import BLANK_NAMES, BLANKS, Misconception, diagnose
from .stepper import Stepper
from .steps import Step
from .words import DIGITS, SUM, digits_for
from .words import num as _num
from .words import product_text as _product

if TYPE_CHECKING:  # the notebook front end needs anywidget, imported only when it is shown
    import anywidget

__all__ = ["Quiz", "Question", "Feedback", "Score", "NotANumberError", "QUESTIONS", "REL_TOL", "ABS_TOL",
           "read_number", "check_ask", "quiz", "run"]

QUESTIONS = BLANKS  # what can be asked at each step, in the order asked: local, contribution, grad
QUESTION_NAMES = BLANK_NAMES

# An answer is right when it is within 0.1% of the answer (relative tolerance) or within 1e-6
# of it (absolute tolerance, for answers at or near zero).  The quiz shows every number with
# the digits its answers need (see _digits_needed), so an answer computed from the numbers
# shown is always within it.
REL_TOL = 1e-3
ABS_TOL = 1e-6

TRIES = 2  # a question is answered right, or its answer is shown after this many wrong answers


# -- reading an answer ---------------------------------------------------------------------------------

class NotANumberError(ValueError):
    """An answer that is not a number (``read_number`` says why, in words for the student)."""


_DECIMAL = r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d{1,3})?"  # -2, 2., .5, -1.5e-3 (no 1e99999: too slow)
_ANSWER = re.compile(rf"\s*({_DECIMAL})\s*(?:/\s*({_DECIMAL})\s*)?")
_LONGEST = 60  # characters, padding apart: longer text is not an answer anyone typed
_BOM = "\ufeff"  # the byte order mark Notepad puts at the start of a file


def read_number(text: str) -> float:
    """The number a student typed: ``-2``, ``-2.0``, ``1/2``, ``0.5``, ``-1.5e-3`` (a fraction's
    top and bottom may be decimals: ``1.5/2``).  Read with :class:`fractions.Fraction`, never
    ``eval``; anything else raises :class:`NotANumberError`, which says what was wrong.
    Spaces around it, however many, are not part of it.

    >>> read_number("1/2"), read_number(" -1.5e-3 "), read_number("−2")
    (0.5, -0.0015, -2.0)
    >>> read_number("2 + 2")
    Traceback (most recent call last):
    ...
    micrograd_like.teach.quiz.NotANumberError: that's not a number: '2 + 2' (write e.g. -2, 0.5 or 1/2)
    """
    cleaned = text.strip().strip(_BOM).strip()  # padding, however long, and a byte order mark pasted in
    if len(cleaned) > _LONGEST:
        raise NotANumberError(f"that answer is too long: {cleaned[:20]!r}… has {len(cleaned)} characters "
                              f"(an answer has at most {_LONGEST})")
    quoted = repr(cleaned)
    cleaned = cleaned.replace("\u2212", "-")  # the minus sign of typeset text, pasted from a slide
    match = _ANSWER.fullmatch(cleaned)
    if match is None:
        advice = comma_advice(cleaned) or "write e.g. -2, 0.5 or 1/2"  # 1,000 or 0,5: what to write instead
        raise NotANumberError(f"that's not a number: {quoted} ({advice})")
    top, bottom = match.group(1), match.group(2)
    value = Fraction(top)
    if bottom is not None:
        if Fraction(bottom) == 0:
            raise NotANumberError(f"that's not a number: {quoted} divides by zero")
        value /= Fraction(bottom)
    try:
        return float(value)
    except OverflowError:
        raise NotANumberError(f"that's not a number: {quoted} is too large for a float") from None


def _as_number(answer: float) -> float:
    """An answer given as a number (an int, a float, numpy's), or as anything else by its text."""
    if isinstance(answer, bool) or not isinstance(answer, numbers.Real):
        return read_number(str(answer))
    try:
        return float(answer)
    except OverflowError:  # an int of hundreds of digits
        raise NotANumberError(f"that's not a number: an integer of {len(str(abs(int(answer))))} digits "
                              "is too large for a float") from None


def check_ask(ask: str | Iterable[str]) -> tuple[str, ...]:
    """The questions to ask at each step, checked: some of ``QUESTIONS``, each once, in the
    order given (one name alone may be a string: ``"grad"``)."""
    names = (ask,) if isinstance(ask, str) else tuple(ask)
    for name in names:
        if name not in QUESTIONS:
            raise ValueError(f"unknown question {name!r}: ask for some of {', '.join(QUESTIONS)}")
    if len(set(names)) != len(names):
        raise ValueError(f"a question is asked twice in {', '.join(names)}: name each once")
    if not names:
        raise ValueError(f"nothing to ask: name at least one of {', '.join(QUESTIONS)}")
    return names


# -- the state machine ---------------------------------------------------------------------------------

@dataclass(frozen=True, eq=False)
class Question:
    """One thing to compute at one step: ``kind`` is 'local', 'contribution' or 'grad'.

    ``expected`` is the answer; ``worked`` is how the stepper writes it, with its working
    (``d(d*f)/dd = f = -2.0``); ``hint`` is what a first wrong answer is told; ``headline``
    is the step's (who sends what to whom).  Each number in them is written with the digits
    the quiz's answers need.
    """

    number: int  # 1-based place among all the quiz's questions
    total: int
    step: Step
    kind: str
    prompt: str
    expected: float
    worked: str
    hint: str
    headline: str = ""

    def __str__(self) -> str:
        return f"{self.headline or self.step.headline}\n  {self.prompt}"

    __repr__ = __str__


@dataclass(frozen=True, eq=False)
class Feedback:
    """What the quiz says to an answer.  ``verdict`` is one of:

    'right'         the answer is right (first or second try): the quiz moves on
    'hint'          a first wrong answer: ``text`` gives a hint, the same question is asked again
    'shown'         a second wrong answer: ``text`` gives the answer and why; the quiz moves on
    'not a number'  the answer could not be read: it is not counted, the question is asked again

    ``misconception`` is the :class:`~micrograd_like.teach.misconceptions.Misconception` a wrong
    answer comes from, if it is one the catalogue knows (its words begin ``text``).
    """

    verdict: str
    text: str
    question: Question
    misconception: Misconception | None = None

    @property
    def correct(self) -> bool:
        return self.verdict == "right"

    def __str__(self) -> str:
        return self.text

    __repr__ = __str__


class Score(NamedTuple):
    """Questions answered right out of the questions finished so far (``str``: '7/9')."""

    right: int
    out_of: int

    def __str__(self) -> str:
        return f"{self.right}/{self.out_of}"


def _questions(stepper: Stepper, ask: tuple[str, ...]) -> list[tuple[Step, str, str, float, str, str, str]]:
    """What to ask about each step: (step, kind, prompt, expected, worked, hint, headline), all
    made from the step's own fields and words, so a quiz and the stepper cannot disagree."""
    asked = []
    for step in stepper.steps:
        words = step.rule  # d(d*f)/dd = f, without its number
        numbers = "" if step.closure or step.rule_is_number else ", with the numbers of the forward pass"
        grad_name = step.parent_grad  # d.grad, (a*b).grad
        now = _num(step.held + step.before)
        upstream = f"the upstream gradient {step.node_term.bracketed(SUM)} sends back is {_num(step.upstream)}"
        # A rule that is a number is the answer to "local": a hint asked before it must not tell it.
        hidden_until = ask.index("local") if "local" in ask and step.rule_is_number else -1
        headline = step.headline
        for index, kind in enumerate(ask):
            local = "the local derivative (this step asks for it later)" if index < hidden_until \
                else f"the local derivative {words}"
            if kind == "local":
                asked.append((step, kind, f"local derivative {step.local_name} = ?", step.local, step.derivative,
                              _local_hint(stepper, step) or f"the rule is {words}{numbers}", headline))
            elif kind == "contribution":
                worked = f"upstream × local = {_product(step.upstream, step.local)} = {_num(step.contribution)}"
                asked.append((step, kind, "contribution (upstream × local derivative) = ?", step.contribution,
                              worked, f"contribution = upstream × local derivative: {upstream}, times {local}",
                              headline))
            else:
                asked.append((step, kind, f"{grad_name} after this step (it is {now} now) = ?",
                              step.held + step.after, step.update,
                              f"gradients add up: {grad_name} is {now} now; add this step's contribution "
                              f"({upstream}, times {local})", headline))
    return asked


_ORDINALS = ("first", "second", "third")


def _local_hint(stepper: Stepper, step: Step) -> str | None:
    """The hint for a local derivative whose rule is a plain number (``d(e + c)/de = 1``),
    where "the rule is ..." would give the answer away: the question that finds it instead,
    a nudge of the one operand while the node's other operands stay put (None for any other
    rule, which the hint states)."""
    if not step.rule_is_number:
        return None
    parents = step.node.parents
    uses: dict[int, int] = {}  # how often each parent is an operand (by identity), counted once
    for p in parents:
        uses[id(p)] = uses.get(id(p), 0) + 1

    def called(i: int) -> str:  # a + a: "the first a", "the second a"
        name = stepper._terms[parents[i]].bracketed(SUM)  # (p = q), not p = q, in a sentence
        if uses[id(parents[i])] == 1:
            return name
        return f"the {_ORDINALS[i]} {name}" if i < len(_ORDINALS) else f"operand {i + 1}, {name},"

    node = step.formula.text
    others = [i for i in range(len(parents)) if i != step.operand]
    if not others:
        nudge = f"if {called(step.operand)} grows by a small amount h"
    else:
        stay = f"{called(others[0])} stays as it is" if len(others) == 1 else "its other inputs stay as they are"
        nudge = f"take the inputs of {node} as separate numbers: if {called(step.operand)} grows by a small amount h " \
                f"while {stay}"
    return f"nudge it: {nudge}, by how much does {node} grow? The local derivative is that growth divided by h"


def _tolerance(name: str, tolerance: float) -> float:
    """A tolerance, checked: a finite number at least 0, as a float."""
    if isinstance(tolerance, bool) or not isinstance(tolerance, numbers.Real):
        raise ValueError(f"{name} must be a number at least 0, got {tolerance!r}")
    try:
        value = float(tolerance)
    except OverflowError:  # an int of hundreds of digits
        raise ValueError(f"{name} must be a number at least 0, got a number too large for a float") from None
    if not 0 <= value < math.inf:
        raise ValueError(f"{name} must be a number at least 0, got {tolerance!r}")
    return value


class Quiz:
    """A quiz on ``stepper``'s backward pass, asking ``ask`` (some of QUESTIONS) at each step.

    Making one puts the stepper at its start; each step is applied (``stepper.next()``) once
    its questions are answered, so the Values' grads follow the quiz.  An answer is right
    when ``math.isclose(answer, expected, rel_tol=rel_tol, abs_tol=abs_tol)``.  A question
    counts as right when it is answered right before its answer is shown (at the first try
    or after the hint); the ones that needed the hint are listed with the mistakes.

    Every number the quiz shows (the forward pass, the questions, hints and answers) has the
    digits an answer computed from it needs, so such an answer is right: tanh(4.0) is shown
    as 0.999329, not 0.99933, when the question is 1 - tanh(4.0)² (``digits`` holds the
    numbers that need more than 5; :meth:`write_number` writes one as the quiz does).
    """

    def __init__(self, stepper: Stepper, ask: str | Iterable[str] = QUESTIONS, *, rel_tol: float = REL_TOL,
                 abs_tol: float = ABS_TOL, tries: int = TRIES) -> None:
        if not isinstance(stepper, Stepper):
            raise TypeError(f"a quiz is made from a Stepper (L.backward_steps()), got {type(stepper).__name__}")
        self.rel_tol, self.abs_tol = _tolerance("rel_tol", rel_tol), _tolerance("abs_tol", abs_tol)
        if isinstance(tries, bool) or not isinstance(tries, int) or tries < 1:
            raise ValueError(f"tries is how many answers a question gets before its answer is shown, 1 or more, "
                             f"got {tries!r}")
        self.tries = tries
        self.stepper = stepper
        self.ask = check_ask(ask)
        self.digits = digits_needed(stepper.steps, self.ask, self._room)
        with digits_for(self.digits):
            asked = _questions(stepper, self.ask)
        self.questions: tuple[Question, ...] = tuple(
            Question(number, len(asked), *fields) for number, fields in enumerate(asked, start=1))
        self._at = 0  # index of the question being asked
        self._misses = 0  # wrong answers to it so far
        self._right = 0
        self.mistakes: list[Feedback] = []  # per question that went wrong: its last feedback ('right' or 'shown')
        stepper.reset()

    def _room(self, answer: float) -> float:
        """How far an answer computed from the numbers shown may be off: half the tolerance."""
        return max(self.rel_tol * abs(answer), self.abs_tol) / 2

    def write_number(self, x: float) -> str:
        """``x`` as this quiz writes it: with the digits the answers computed from it need."""
        return _num(x, self.digits.get(x, DIGITS))

    def forward_walk(self) -> ForwardWalk:
        """The forward pass in words, with the digits the quiz's answers need."""
        with digits_for(self.digits):
            return self.stepper.forward_walk()

    @property
    def question(self) -> Question | None:
        """The question being asked (None when the quiz is finished)."""
        return None if self.finished else self.questions[self._at]

    @property
    def finished(self) -> bool:
        return self._at == len(self.questions)

    @property
    def score(self) -> Score:
        """Questions right out of those finished (answered right, or their answer shown)."""
        return Score(self._right, self._at)

    def answer(self, text: str | float) -> Feedback:
        """Answer the current question with ``text`` (or a number) and say what the quiz thinks."""
        question = self.question
        if question is None:
            raise ValueError(f"the quiz is finished (score {self.score}): make a new one to go again")
        try:
            number = read_number(text) if isinstance(text, str) else _as_number(text)
        except NotANumberError as error:
            return Feedback("not a number", f"{error}; try again", question)
        if self._close(number, question.expected):
            feedback = Feedback("right", f"right: {question.worked}", question)
            self._right += 1
        else:
            self._misses += 1
            mistake, why = self._diagnosis(question, number)
            if self._misses < self.tries:
                return Feedback("hint", f"not quite. {why}Hint: {question.hint}. Try again.", question, mistake)
            notes = "".join(f"\n  note: {note}" for note in question.step.notes)
            answer = f"answer is {self.write_number(question.expected)}: {question.worked}{notes}"
            feedback = Feedback("shown", f"not quite. {why}The {answer}" if why else f"not quite: the {answer}",
                                question, mistake)
        if self._misses:
            self.mistakes.append(feedback)
        self._move_on()
        return feedback

    def _close(self, number: float, expected: float) -> bool:
        return math.isclose(number, expected, rel_tol=self.rel_tol, abs_tol=self.abs_tol)

    def _diagnosis(self, question: Question, number: float) -> tuple[Misconception | None, str]:
        """The misconception a wrong answer comes from (see :mod:`.misconceptions`), and its words
        as a sentence to go before the hint or the answer (None and '' for any other answer)."""
        mistake = diagnose(question.step, number, question.kind, rel_tol=self.rel_tol, abs_tol=self.abs_tol)
        if mistake is None:
            return None, ""
        with digits_for(self.digits):
            words = mistake.explain(question.step, question.kind)
        first = words.split(" ", 1)[0].rstrip(",:;")
        if first not in set(self.stepper.names.values()):  # a name keeps its case: A is not a
            words = words[:1].upper() + words[1:]
        return mistake, f"{words}. "

    def _move_on(self) -> None:
        """On to the next question; apply the step when its last question is done."""
        step = self.questions[self._at].step
        self._at += 1
        self._misses = 0
        if self.finished or self.questions[self._at].step is not step:
            if self.stepper.position != step.number - 1:  # the stepper was moved meanwhile
                self.stepper.goto(step.number - 1)
            self.stepper.next()

    def summary(self) -> str:
        """What went wrong (with the answers), then the score on the last line: 'score: K/N'."""
        lines = []
        if self.mistakes:
            lines.append("went wrong:")
            for feedback in self.mistakes:
                question = feedback.question
                how = "right after the hint" if feedback.correct else "answer shown"
                lines.append(f"  step {question.step.number}/{question.step.total}, {QUESTION_NAMES[question.kind]}"
                             f" ({question.worked}): {how}")
        elif self._at:
            lines.append("no mistakes")
        if not self.finished:
            lines.append(f"stopped at question {self._at + 1} of {len(self.questions)}")
        lines.append(f"score: {self.score}")
        return "\n".join(lines)

    def widget(self) -> anywidget.AnyWidget:
        """The quiz as a notebook widget (anywidget: Jupyter, VS Code, Colab, and marimo through
        ``mo.ui.anywidget``): the question, an answer box, feedback and the graph at the current
        step.  Jupyter shows a Quiz as this widget."""
        if getattr(self, "_widget", None) is None:
            self._widget = provider("Quiz.widget")(self)  # made in micrograd_like.notebook
        return self._widget

    def _repr_mimebundle_(self, **kwargs) -> dict:
        try:
            bundle = self.widget()._repr_mimebundle_(**kwargs)
        except ImportError:  # no anywidget: the words alone
            bundle = {}
        return {**bundle, "text/plain": repr(self)}

    def __repr__(self) -> str:
        where = "finished" if self.finished else f"question {self._at + 1} of {len(self.questions)}"
        return f"<Quiz on the backward pass of {self.stepper.names[self.stepper.root]}: {where}, score {self.score}>"


# -- the REPL loop and steps.quiz() ---------------------------------------------------------------------

QUIT = ("q", "quit", "exit")
ANSWER_WITH = "answer with a number (-2, 0.5 or 1/2)"  # what the notebook widget says beside its answer box
HOW_TO_ANSWER = f"{ANSWER_WITH}; q quits"


def run(quiz: Quiz, read: Callable[[str], str] | None = None, write: Callable[[str], None] | None = None, *,
        reveal: bool = False) -> str:
    """Ask ``quiz``'s questions one by one with ``read(prompt)`` (default ``input``), writing
    the feedback with ``write`` (default ``print``), and end with its summary.  With ``reveal``
    (predict, then see: :mod:`.predict`) each step's working is shown once its questions are done.

    Returns how it ended: 'finished', 'quit' (the answer ``q``), 'end of input' (``read``
    raised EOFError) or 'interrupted' (Ctrl-C).
    """
    read = read or input
    write = write or print
    write(str(quiz.forward_walk()))
    what = " and ".join(QUESTION_NAMES[kind] for kind in quiz.ask)
    write(f"\n{quiz.stepper.where()}\n" + (f"predict {what} of each step, then see the step; " if reveal else "")
          + HOW_TO_ANSWER)
    ending = "finished"
    shown = None
    while not quiz.finished:
        question = quiz.question
        if question.step is not shown:
            write(question.headline)
            shown = question.step
        try:
            text = read(f"  {question.prompt} ")
        except (EOFError, KeyboardInterrupt) as stop:
            write("")  # end the prompt's line
            ending = "end of input" if isinstance(stop, EOFError) else "interrupted"
            break
        if text.strip().lower() in QUIT:
            ending = "quit"
            break
        feedback = quiz.answer(text)
        write("  " + feedback.text.replace("\n", "\n  "))
        if reveal and quiz.stepper.current is question.step and feedback.verdict != "not a number":
            with digits_for(quiz.digits):
                write("\n".join(question.step.lines[1:]))  # the step's working, and its notes
    write(quiz.summary())
    return ending


def _in_jupyter_kernel() -> bool:
    """Whether we run in a Jupyter (IPython) kernel, where a widget can be shown."""
    ipython = sys.modules.get("IPython")
    shell = ipython.get_ipython() if ipython is not None else None
    return shell is not None and hasattr(shell, "kernel")


def _has_widgets() -> bool:
    """Whether the quiz widget can be made here: it is an anywidget."""
    try:
        import anywidget  # noqa: F401
    except ImportError:
        return False
    return True


def quiz(stepper: Stepper, ask: str | Iterable[str] = QUESTIONS, *, rel_tol: float = REL_TOL,
         abs_tol: float = ABS_TOL) -> Quiz:
    """Quiz the student on ``stepper``'s backward pass (``steps.quiz()``) and return the Quiz.

    In a Jupyter kernel with anywidget the returned Quiz shows as a widget (an answer box, a
    Submit button, the feedback and the graph); elsewhere the questions are asked here, with
    ``input()``, until the quiz is finished or the answer is ``q`` (or Ctrl-C, or end of input).
    """
    made = Quiz(stepper, ask, rel_tol=rel_tol, abs_tol=abs_tol)
    if not (_in_jupyter_kernel() and _has_widgets()):
        run(made)
    return made
