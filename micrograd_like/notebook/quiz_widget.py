"""The quiz in a notebook: an ipywidgets front end for :class:`micrograd_like.teach.quiz.Quiz`.

The widget shows the question, an answer box with a Submit button (Enter submits too), the
feedback, the score and the graph with the edge being asked about highlighted.  All it does
is pass the answer to the quiz and show what comes back: the rules live in the Quiz.  It is
drawn as the stepper widget is, for a projector: the graph shrinks to the notebook's width,
and the words are at 16 px.
"""

from __future__ import annotations

import html
import math
import threading

import ipywidgets

from ..teach.quiz import ANSWER_WITH, Quiz

__all__ = ["quiz_widget"]

_FEEDBACK_COLOURS = {"right": "#1a7f37", "hint": "#9a6700", "shown": "#cf222e", "not a number": "#656d76"}
_WORDS = "font-size:16px;line-height:1.45;white-space:pre-wrap;overflow-wrap:break-word;margin:4px 0"
_SIZE = "16px"  # the answer box and the button, as the words


def quiz_widget(quiz: Quiz) -> ipywidgets.VBox:
    """A widget that asks ``quiz``'s questions; ``.children`` are, in order: the question
    (HTML), the answer row (Text, Button), the feedback (HTML), the score (HTML) and the
    drawing (HTML)."""
    from ..drawing.projector import NOTEBOOK
    from ..pages.slideshow import slide_options

    # The stepper widget's look, the direction chosen once; one step at a time if the graph is too big to read.
    decimals = _decimals(quiz)
    draw_options = slide_options(quiz.stepper, {"digits": decimals} if decimals else {}, (NOTEBOOK,))
    question = ipywidgets.HTML()
    answer = ipywidgets.Text(placeholder="a number: -2, 0.5 or 1/2", continuous_update=False,
                             layout=ipywidgets.Layout(width="16em"), style={"font_size": _SIZE})
    submit = ipywidgets.Button(description="Submit", button_style="primary", style={"font_size": _SIZE})
    feedback = ipywidgets.HTML()
    score = ipywidgets.HTML()
    drawing = ipywidgets.HTML()

    def show() -> None:
        asked = quiz.question
        if asked is None:
            question.value = _words("Finished.", bold=True)
            answer.disabled = submit.disabled = True
        else:
            question.value = _words(str(asked))
        score.value = _words(quiz.summary() if quiz.finished else f"score: {quiz.score}")
        drawing.value = _drawing(quiz, draw_options)

    taking = threading.Lock()  # held while an answer is taken

    def send(_=None) -> None:
        # Enter and Submit for one answer reach the kernel as two messages, in either order, and
        # the second may come while the first is being answered: the answer is taken once.
        if not taking.acquire(blocking=False):
            return  # the same answer, being taken
        try:
            text, answer.value = answer.value, ""  # emptied first: a second message finds nothing
            if not text.strip() or quiz.finished:
                return
            said = quiz.answer(text)
            feedback.value = _words(said.text, colour=_FEEDBACK_COLOURS[said.verdict])
            show()
        finally:
            taking.release()

    submit.on_click(send)
    answer.observe(send, "value")  # Enter (or leaving the box) with an answer in it
    show()
    hint = ipywidgets.HTML(f'<span style="font-size:14px">{html.escape(ANSWER_WITH)}</span>')
    box = ipywidgets.VBox([question, ipywidgets.HBox([answer, submit, hint]), feedback, score, drawing])
    for part, name in [(box, "quiz"), (question, "question"), (answer, "answer"), (feedback, "feedback"),
                       (score, "score"), (drawing, "drawing")]:
        part.add_class(f"mgl-{name}")  # stable names for the page's stylesheets and tests
    return box


DRAWN_DECIMALS = 4  # the drawing's own: data 0.7071
MOST_DECIMALS = 16


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


def _drawing(quiz: Quiz, options: dict) -> str:
    """The graph with the edge of the question being asked in red, without the numbers of the
    answer (the stepper's own drawing labels the edge with them), scaled to the notebook's
    width as the stepper widget's is; '' without Graphviz."""
    from ..drawing.graphs import GraphvizNotFoundError, Highlight, LayoutTimeoutError
    from ..drawing.svg import responsive_svg
    from .stepper_widget import MAX_HEIGHT

    stepper, asked = quiz.stepper, quiz.question
    done = {node for node in stepper.order if stepper.status(node) == "done"}
    waiting = {node for node in stepper.order if stepper.status(node) == "waiting"}
    if asked is None:
        highlight = Highlight(done=done, dimmed=waiting)
    else:
        step = asked.step
        highlight = Highlight(nodes={step.node, step.parent}, edges={(step.node, step.operand)},
                              done=done, dimmed=waiting)
    options = dict(options)
    try:
        if options.pop("around"):  # the question's node and its operands, large
            svg = stepper._draw_node_around(asked.step.node if asked else stepper.root, highlight, **options).svg()
        else:
            svg = stepper._draw(highlight, **options).svg()
    except (GraphvizNotFoundError, LayoutTimeoutError, ValueError):
        return ""
    return responsive_svg(svg, max_height=MAX_HEIGHT)
