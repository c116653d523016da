"""The quiz in a notebook: an anywidget front end for :class:`micrograd_like.teach.quiz.Quiz`.

The widget (a :class:`~micrograd_like.notebook.anywidgets.QuizWidget`) shows the question, an
answer box with a Submit button (Enter submits too), the feedback (naming the misconception a
wrong answer shows, when the quiz finds one), the hint ladder, the score and the graph with the
edge being asked about highlighted.  All it does is pass the answer to the quiz and show what
comes back: the rules live in the Quiz (through :class:`~micrograd_like.web.quiz_panel.QuizPanel`).
It is drawn as the stepper widget is, for a projector: the graph shrinks to the notebook's
width, and the words are at 16 px.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..web.quiz_panel import QuizPanel
from .stepper_widget import INSTALL_WIDGETS

if TYPE_CHECKING:
    from ..teach.quiz import Quiz
    from .anywidgets import QuizWidget

__all__ = ["quiz_widget"]


def quiz_widget(quiz: Quiz) -> QuizWidget:
    """A widget that asks ``quiz``'s questions (``quiz.widget()``); without anywidget, an
    ImportError that gives the install command."""
    try:
        from .anywidgets import QuizWidget
    except ImportError:
        raise ImportError(f"the quiz widget needs anywidget: {INSTALL_WIDGETS}") from None
    return QuizWidget(QuizPanel(quiz))
