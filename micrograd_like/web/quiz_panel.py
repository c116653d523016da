"""The quiz's panel: :class:`micrograd_like.teach.quiz.Quiz` for a page to ask and answer.

Its state is the question, the feedback to the last answer (the quiz's own words, with the
name of the misconception it found, if any), the score, the hint ladder (a first wrong answer
gets a hint, a second shows the answer) and the graph with the edge being asked about
highlighted.  The page sends each answer as a message, ``{"answer": "6.0"}``.  All the panel
does is pass the answer to the quiz and show what comes back: the rules live in the Quiz.

>>> from micrograd_like import Value
>>> x = Value(3.0, label="x")
>>> y = x * x; y.label = "y"
>>> from micrograd_like.teach.quiz import Quiz
>>> panel = QuizPanel(Quiz(y.backward_steps(), ask=("local",)), in_kernel=False)
>>> panel.message({"answer": "1/3"})
>>> panel.state()["verdict"], panel.state()["rung"]
('hint', 1)
>>> panel.message({"answer": "3"})
>>> panel.state()["verdict"], "score: 1/1" in panel.state()["score"]
('right', True)
"""

from __future__ import annotations

import html
import math
import threading
from typing import TYPE_CHECKING

from ..drawing.projector import NOTEBOOK
from ..pages.slideshow import slide_options
from ..teach.quiz import ANSWER_WITH
from .drawings import Drawings
from .panel import Panel

if TYPE_CHECKING:
    from ..teach.quiz import Feedback, Quiz

__all__ = ["QuizPanel", "FEEDBACK_COLOURS", "LADDER"]

FEEDBACK_COLOURS = {"right": "#1a7f37", "hint": "#9a6700", "shown": "#cf222e", "not a number": "#656d76"}
"""Each verdict's colour: right green, a hint amber, an answer shown red, not a number grey."""

LADDER = ("answer", "a hint", "the answer, and why")
"""The hint ladder's rungs: a question is answered; a first wrong answer gets a hint; a second
(the quiz's ``TRIES``) shows the answer."""

_WORDS = "font-size:16px;line-height:1.45;white-space:pre-wrap;overflow-wrap:break-word;margin:4px 0"
DRAWN_DECIMALS = 4  # the drawing's own: data 0.7071
MOST_DECIMALS = 16


class QuizPanel(Panel):
    """A quiz for a page (see the module docs); ``in_kernel`` as for :class:`.drawings.Drawings`."""

    def __init__(self, quiz: Quiz, *, in_kernel: bool | None = None) -> None:
        super().__init__()
        self.quiz = quiz
        decimals = _decimals(quiz)
        # The stepper's look, the direction chosen once; one step at a time if the graph is too big to read.
        self._options = slide_options(quiz.stepper, {"digits": decimals} if decimals else {}, (NOTEBOOK,))
        self.drawings = Drawings(in_kernel)
        self.feedback: Feedback | None = None  # what the quiz said to the last answer
        self._taking = threading.Lock()  # held while an answer is taken

    def state(self) -> dict:
        """``question``, ``feedback``, ``score`` (HTML); ``verdict`` (of the last answer, or ""),
        ``misconception`` (its name, or ""), ``finished``, ``rung`` (wrong answers to this
        question so far: 0, or 1 after the hint), ``ladder`` (:data:`LADDER`), ``answer_with``
        (how to write an answer) and the drawing: ``svg``, ``dot``, ``note``."""
        quiz, said = self.quiz, self.feedback
        asked = quiz.question
        question = _words("Finished.", bold=True) if asked is None else _words(str(asked))
        misconception = getattr(said, "misconception", None)
        name = getattr(misconception, "name", misconception) or ""
        feedback = ""
        if said is not None:
            feedback = _words(said.text, colour=FEEDBACK_COLOURS.get(said.verdict, "#1f2328"))
        rung = 1 if said is not None and said.verdict == "hint" and said.question is asked else 0
        score = _words(quiz.summary() if quiz.finished else f"score: {quiz.score}")
        return {"question": question, "feedback": feedback, "verdict": said.verdict if said else "",
                "misconception": str(name), "score": score,
                "finished": quiz.finished, "rung": rung, "ladder": list(LADDER),
                "answer_with": ANSWER_WITH, **self.drawings.state(self._draw)}

    def message(self, content: dict) -> None:
        """``{"answer": text}``: the student's answer to the question asked (an empty one, or one
        after the end, is ignored)."""
        if "answer" not in content:
            raise ValueError(f"the quiz takes messages {{'answer': text}}, got {content!r}")
        text = content["answer"]
        # Two messages for one answer may come while the first is being answered: it is taken once.
        if not self._taking.acquire(blocking=False):
            return
        try:
            if not isinstance(text, str) or not text.strip() or self.quiz.finished:
                return
            self.feedback = self.quiz.answer(text)
        finally:
            self._taking.release()
        self.changed()

    def _draw(self):
        """The graph with the edge of the question being asked in red, without the numbers of the
        answer (the stepper's own drawing labels the edge with them)."""
        from ..drawing.graphs import Highlight

        quiz = self.quiz
        stepper, asked = quiz.stepper, quiz.question
        done = {node for node in stepper.order if stepper.status(node) == "done"}
        waiting = {node for node in stepper.order if stepper.status(node) == "waiting"}
        if asked is None:
            highlight = Highlight(done=done, dimmed=waiting)
        else:
            step = asked.step
            highlight = Highlight(nodes={step.node, step.parent}, edges={(step.node, step.operand)},
                                  done=done, dimmed=waiting)
        options = dict(self._options)
        if options.pop("around"):  # the question's node and its operands, large
            return stepper._draw_node_around(asked.step.node if asked else stepper.root, highlight, **options)
        return stepper._draw(highlight, **options)


def _decimals(quiz: Quiz) -> int | None:
    """The decimals the graph must show for a student to read each number with the digits
    the quiz's answers need (``quiz.digits``): tanh(4.0) as 0.999329, not 0.9993; None when
    the drawing's own 4 do."""
    decimals = DRAWN_DECIMALS
    for x, digits in quiz.digits.items():
        if x and math.isfinite(x):  # fixed-point below 1e6 (larger: 1.2346e+06, digits - 1 decimals)
            decimals = max(decimals, digits - 1 - min(math.floor(math.log10(abs(x))), 0))
    decimals = min(decimals, MOST_DECIMALS)
    return decimals if decimals > DRAWN_DECIMALS else None


def _words(text: str, *, colour: str = "#1f2328", bold: bool = False) -> str:
    weight = ";font-weight:bold" if bold else ""
    return f'<pre style="{_WORDS};color:{colour}{weight}">{html.escape(text)}</pre>'
