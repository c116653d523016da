"""Predict, then see: each step's number asked for before the step is shown.

Reading a worked step is easy; predicting it is where the learning is.  A :class:`Prediction`
walks the backward pass as the stepper does, but before each step is shown it asks for one of
its numbers (the contribution, by default): the answer is marked, a wrong one is told which
misconception it comes from (:mod:`.misconceptions`), and then the step is revealed.  It is a
:class:`~micrograd_like.teach.quiz.Quiz` of one blank and one try per step, so everything the
quiz does (the digits shown, the score, the summary) it does too.

>>> from micrograd_like import Value
>>> a, b = Value(2.0, label="a"), Value(-3.0, label="b")
>>> e = a * b; e.label = "e"
>>> p = e.backward_steps().predict()
>>> p
predict, then see: the backward pass of e, step 1 of 2, score 0/0
step 1/2: e = a*b sends de/de = 1.0 back to a
  contribution (upstream × local derivative) = ?
>>> p.answer("2").misconception.name  # a's own value, not b's
'own_value'
>>> p.revealed
step 1/2: e = a*b sends de/de = 1.0 back to a
  local d(a*b)/da = b = -3.0; contribution 1.0 * (-3.0) = -3.0; a.grad = 0.0 + (-3.0) = -3.0
>>> p.answer(2.0).correct, p.finished, p.score
(True, True, Score(right=1, out_of=2))
"""

from __future__ import annotations

from collections.abc import Callable

from .misconceptions import check_blank
from .quiz import ABS_TOL, REL_TOL, Feedback, Question, Quiz, Score, run
from .stepper import Stepper
from .steps import Step
from .words import digits_for

__all__ = ["Prediction", "predict"]


class Prediction:
    """Predict, then see, on ``stepper``'s backward pass: blank ``ask`` ('local',
    'contribution' or 'grad') asked at each step, then the step revealed.

    What a front end needs: ``question`` (the :class:`~micrograd_like.teach.quiz.Question`
    asked now, None at the end), ``answer(text)`` (a :class:`~micrograd_like.teach.quiz.Feedback`,
    its ``misconception`` named when the catalogue knows it), ``revealed`` (the step answered
    last, now shown: None before the first answer), ``score``, ``finished``; ``quiz`` is the
    quiz underneath, ``stepper`` the stepper (at the revealed step).
    """

    def __init__(self, stepper: Stepper, ask: str = "contribution", *, rel_tol: float = REL_TOL,
                 abs_tol: float = ABS_TOL) -> None:
        if not isinstance(ask, str):
            raise ValueError(f"predict asks for one number per step: name one blank, got {ask!r}")
        self.quiz = Quiz(stepper, (check_blank(ask),), rel_tol=rel_tol, abs_tol=abs_tol, tries=1)
        self.stepper = stepper
        self.revealed: Step | None = None

    @property
    def question(self) -> Question | None:
        """The prediction asked for now (None when every step is shown)."""
        return self.quiz.question

    @property
    def finished(self) -> bool:
        return self.quiz.finished

    @property
    def score(self) -> Score:
        return self.quiz.score

    def answer(self, text: str | float) -> Feedback:
        """Predict the current step's number; the step is revealed (``revealed``) unless the
        answer could not be read as a number."""
        feedback = self.quiz.answer(text)
        if feedback.verdict != "not a number":
            self.revealed = feedback.question.step
        return feedback

    def summary(self) -> str:
        """What went wrong, then the score on the last line ('score: K/N')."""
        return self.quiz.summary()

    def run(self, read: Callable[[str], str] | None = None, write: Callable[[str], None] | None = None) -> str:
        """Ask every prediction with ``read`` (default ``input``) and show each step with
        ``write`` (default ``print``); returns how it ended, as :func:`~micrograd_like.teach.quiz.run`."""
        ending = run(self.quiz, read, write, reveal=True)
        self.revealed = self.stepper.current
        return ending

    def __repr__(self) -> str:
        root = self.stepper.names[self.stepper.root]
        if self.finished:
            return f"predict, then see: the backward pass of {root}, every step shown, score {self.score}"
        question = self.question
        with digits_for(self.quiz.digits):
            asked = str(question)
        return (f"predict, then see: the backward pass of {root}, step {question.step.number} of "
                f"{question.step.total}, score {self.score}\n{asked}")


def predict(stepper: Stepper, ask: str = "contribution", *, rel_tol: float = REL_TOL,
            abs_tol: float = ABS_TOL) -> Prediction:
    """``steps.predict()``: a :class:`Prediction` on ``stepper``'s pass, asking blank ``ask``
    at each step before it is shown (call ``.run()`` to be asked in a terminal)."""
    return Prediction(stepper, ask, rel_tol=rel_tol, abs_tol=abs_tol)
