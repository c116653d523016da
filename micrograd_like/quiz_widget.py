"""The quiz in a notebook: an ipywidgets front end for :class:`micrograd_like.quiz.Quiz`.

The widget shows the question, an answer box with a Submit button (Enter submits too), the
feedback, the score and the graph with the edge being asked about highlighted.  All it does
is pass the answer to the quiz and show what comes back: the rules live in the Quiz.
"""

from __future__ import annotations

import html

import ipywidgets

from .quiz import HOW_TO_ANSWER, Quiz

__all__ = ["quiz_widget"]

_FEEDBACK_COLOURS = {"right": "#1a7f37", "hint": "#9a6700", "shown": "#cf222e", "not a number": "#656d76"}


def quiz_widget(quiz: Quiz) -> ipywidgets.VBox:
    """A widget that asks ``quiz``'s questions; ``.children`` are, in order: the question
    (HTML), the answer row (Text, Button), the feedback (HTML), the score (HTML) and the
    drawing (HTML)."""
    question = ipywidgets.HTML()
    answer = ipywidgets.Text(placeholder="a number: -2, 0.5 or 1/2", continuous_update=False,
                             layout=ipywidgets.Layout(width="16em"))
    submit = ipywidgets.Button(description="Submit", button_style="primary")
    feedback = ipywidgets.HTML()
    score = ipywidgets.HTML()
    drawing = ipywidgets.HTML()

    def show() -> None:
        asked = quiz.question
        if asked is None:
            question.value = "<b>Finished.</b>"
            answer.disabled = submit.disabled = True
        else:
            question.value = f"<pre>{html.escape(str(asked))}</pre>"
        score.value = f"<pre>{html.escape(quiz.summary() if quiz.finished else f'score: {quiz.score}')}</pre>"
        drawing.value = _drawing(quiz)

    def send(_=None) -> None:
        text = answer.value
        if not text.strip() or quiz.finished:  # Enter and then Submit: the answer is sent once
            return
        said = quiz.answer(text)
        colour = _FEEDBACK_COLOURS[said.verdict]
        feedback.value = f'<pre style="color: {colour}">{html.escape(said.text)}</pre>'
        answer.value = ""
        show()

    submit.on_click(send)
    answer.observe(send, "value")  # Enter (or leaving the box) with an answer in it
    show()
    hint = ipywidgets.HTML(f"<small>{html.escape(HOW_TO_ANSWER.split(';')[0])}</small>")
    return ipywidgets.VBox([question, ipywidgets.HBox([answer, submit, hint]), feedback, score, drawing])


def _drawing(quiz: Quiz) -> str:
    """The graph with the edge of the question being asked in red, without the numbers of the
    answer (the stepper's own drawing labels the edge with them); '' without Graphviz."""
    from .viz import GraphvizNotFoundError, Highlight, LayoutTimeoutError

    stepper, asked = quiz.stepper, quiz.question
    done = {node for node in stepper.order if stepper.status(node) == "done"}
    waiting = {node for node in stepper.order if stepper.status(node) == "waiting"}
    if asked is None:
        highlight = Highlight(done=done, dimmed=waiting)
    else:
        step = asked.step
        highlight = Highlight(nodes={step.node, step.parent}, edges={(step.node, step.operand)},
                              done=done, dimmed=waiting)
    try:
        svg = stepper._draw(highlight).svg()
    except (GraphvizNotFoundError, LayoutTimeoutError, ValueError):
        return ""
    return svg[svg.find("<svg"):]
