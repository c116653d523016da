"""The widgets as anywidget widgets: thin traitlets adapters over the web part's panels.

A :class:`PanelWidget` has one synced trait for each value of its panel's state, set from
``panel.state()`` each time the panel says it changed.  A trait the page sets (one of the
panel's ``WRITABLE``, ``position`` say) is handed to ``panel.update``; a message from the page
(``model.send``) to ``panel.message``.  The page's half is the panel's ES module
(:func:`micrograd_like.web.modules.module_source`), shipped in the package: anywidget gives it
to JupyterLab, Jupyter Notebook, VS Code, Colab and marimo alike, and nothing is fetched.

Where Python cannot lay drawings out (no ``dot``), ``_viz`` carries Graphviz compiled to
WebAssembly for the page to draw with; it is empty otherwise.  Shown where no widget can run (a
notebook exported to HTML), a widget is its ``text/html``: the words and the drawing as they are.

Importing this module needs anywidget (``pip install 'micrograd_like[notebook]'``).
"""

from __future__ import annotations

import html

import anywidget
import traitlets

from ..web.drawings import viz_source
from ..web.modules import module_source
from ..web.panel import Panel

__all__ = ["PanelWidget", "StepperWidget", "QuizWidget", "TrainingWidget"]


def _drawn_in_page(state: dict) -> bool:
    """Does ``state`` (or a panel's state inside it) have a drawing for the page to lay out?"""
    if state.get("dot") and not state.get("svg"):
        return True
    return any(isinstance(value, dict) and _drawn_in_page(value) for value in state.values())


class PanelWidget(anywidget.AnyWidget):
    """A panel as an anywidget widget (see the module docs).  A subclass declares a synced trait
    for each value of its panel's state: ``traitlets.Any`` for those the page or code may set, so
    that a bad one reaches the panel and is refused in the panel's words, not traitlets'."""

    _viz = traitlets.Unicode("").tag(sync=True)

    def __init__(self, panel: Panel) -> None:
        state = panel.state()
        names = set(state)
        missing = names - set(self.trait_names(sync=lambda tag: tag))
        if missing:  # a panel and its widget out of step: a mistake in this package
            raise TypeError(f"{type(self).__name__} has no trait for {', '.join(sorted(missing))}")
        self.panel = panel
        self._copying = False  # True while the panel's state is copied to the traits
        super().__init__(**state, _viz=viz_source() if _drawn_in_page(state) else "")
        self.observe(self._on_set, names=list(panel.WRITABLE))
        self.on_msg(self._on_message)
        panel.subscribe(self.sync)

    def sync(self) -> None:
        """Copy the panel's state to the traits (those that changed go to the page, in one message)."""
        state = self.panel.state()
        self._copying = True
        try:
            with self.hold_sync():
                for name, value in state.items():
                    if getattr(self, name) != value:
                        setattr(self, name, value)
                if not self._viz and _drawn_in_page(state):
                    self._viz = viz_source()
        finally:
            self._copying = False

    def _on_set(self, change) -> None:
        """A writable trait set, by the page or by code: the panel takes it, or refuses it in
        its own words (and the trait goes back to what it was)."""
        if self._copying:
            return
        try:
            self.panel.update({change["name"]: change["new"]})
        except (TypeError, ValueError, KeyError, IndexError):
            self._copying = True
            try:
                setattr(self, change["name"], change["old"])
            finally:
                self._copying = False
            raise

    def _on_message(self, _widget, content, _buffers) -> None:
        self.panel.message(content)

    def static_html(self) -> str:
        """What shows where no widget can run (an exported notebook): HTML of the state as it is."""
        return ""

    def _repr_mimebundle_(self, **kwargs):
        shown = super()._repr_mimebundle_(**kwargs)
        if shown is None:
            return None
        data, metadata = shown
        static = self.static_html()
        data = {**data, "text/html": static} if static else data
        # A bundle alone where there is no metadata (all but Colab): what a Quiz's display adds to.
        return (data, metadata) if metadata else data


class StepperWidget(PanelWidget):
    """``steps.widget()``: the stepper over a :class:`~micrograd_like.web.stepper_panel.StepperPanel`.

    ``position`` (the steps done) is synced: clicking Next in the page sets it, and setting it in
    Python (``widget.position = 5``) moves the stepper, and so the Values in the kernel, and the
    page with them.  ``zoom`` and ``pace`` are synced too; ``panel.stepper`` is the stepper.
    """

    _esm = module_source("stepper")
    position = traitlets.Any(0).tag(sync=True)  # Any: the panel refuses a bad one in its own words
    zoom = traitlets.Any(False).tag(sync=True)
    pace = traitlets.Any(1.0).tag(sync=True)
    steps = traitlets.Int(0).tag(sync=True)
    words = traitlets.Unicode("").tag(sync=True)
    legend = traitlets.Unicode("").tag(sync=True)
    svg = traitlets.Unicode("").tag(sync=True)
    dot = traitlets.Unicode("").tag(sync=True)
    note = traitlets.Unicode("").tag(sync=True)

    @property
    def stepper(self):
        return self.panel.stepper

    def refresh(self) -> None:
        """Show the stepper where it is now (after ``steps.next()`` in code, say)."""
        self.panel.refresh()

    def static_html(self) -> str:
        return f'<div class="mgl-stepper">{self.words}{self.svg or self.note}{self.legend}</div>'

    def _repr_mimebundle_(self, **kwargs):
        self.refresh()  # shown again: where the stepper is now
        return super()._repr_mimebundle_(**kwargs)

    def __repr__(self) -> str:
        return f"<StepperWidget at step {self.stepper.position} of {len(self.stepper)}: show it in a notebook>"


class QuizWidget(PanelWidget):
    """The quiz over a :class:`~micrograd_like.web.quiz_panel.QuizPanel`: answers come from the page
    as messages (``{"answer": "6.0"}``); :meth:`answer` gives one from Python the same way."""

    _esm = module_source("quiz")
    question = traitlets.Unicode("").tag(sync=True)
    feedback = traitlets.Unicode("").tag(sync=True)
    verdict = traitlets.Unicode("").tag(sync=True)
    misconception = traitlets.Unicode("").tag(sync=True)
    score = traitlets.Unicode("").tag(sync=True)
    finished = traitlets.Bool(False).tag(sync=True)
    rung = traitlets.Int(0).tag(sync=True)
    ladder = traitlets.List([]).tag(sync=True)
    answer_with = traitlets.Unicode("").tag(sync=True)
    svg = traitlets.Unicode("").tag(sync=True)
    dot = traitlets.Unicode("").tag(sync=True)
    note = traitlets.Unicode("").tag(sync=True)

    @property
    def quiz(self):
        return self.panel.quiz

    def answer(self, text: str) -> None:
        """Answer as the page does (the answer box, then Enter)."""
        self.panel.message({"answer": text})

    def _repr_mimebundle_(self, **kwargs):
        shown = super()._repr_mimebundle_(**kwargs)
        # Always the bundle alone (Colab's metadata too is left out): a Quiz shows itself by adding to it.
        return shown[0] if isinstance(shown, tuple) else shown

    def static_html(self) -> str:
        return f'<div class="mgl-quiz">{self.question}{self.feedback}{self.score}{self.svg or self.note}</div>'

    def __repr__(self) -> str:
        return repr(self.quiz)


class TrainingWidget(PanelWidget):
    """The training view over a :class:`~micrograd_like.web.training_panel.TrainingPanel`: the
    controls are synced traits (``noise``, ``hidden``, ...), the buttons messages
    (``{"press": "play"}``; :meth:`press` sends one from Python the same way)."""

    _esm = module_source("training")
    learning_rate = traitlets.Any(0.1).tag(sync=True)  # Any: the panel refuses a bad one in its own words
    dataset = traitlets.Any("moons").tag(sync=True)
    noise = traitlets.Any(0.1).tag(sync=True)
    hidden = traitlets.Any("").tag(sync=True)
    activation = traitlets.Any("relu").tag(sync=True)
    init = traitlets.Any("he").tag(sync=True)
    point = traitlets.Any(0).tag(sync=True)
    playing = traitlets.Bool(False).tag(sync=True)
    steps_done = traitlets.Int(0).tag(sync=True)
    loss = traitlets.Float(0.0).tag(sync=True)
    accuracy = traitlets.Float(0.0).tag(sync=True)
    losses = traitlets.List([]).tag(sync=True)
    learning_rates = traitlets.List([]).tag(sync=True)
    datasets = traitlets.List([]).tag(sync=True)
    noise_range = traitlets.List([]).tag(sync=True)
    hidden_title = traitlets.Unicode("").tag(sync=True)
    activations = traitlets.List([]).tag(sync=True)
    inits = traitlets.List([]).tag(sync=True)
    points = traitlets.Int(0).tag(sync=True)
    message = traitlets.Unicode("").tag(sync=True)
    boundary = traitlets.Dict({}).tag(sync=True)
    chain = traitlets.Dict({}).tag(sync=True)

    @property
    def playground(self):
        return self.panel.playground

    def press(self, button: str) -> None:
        """Press a button as the page does: ``"play"``, ``"pause"``, ``"step"``, ``"reset"``, ``"chain"``."""
        self.panel.message({"press": button})

    def static_html(self) -> str:
        return f"<p>{html.escape(repr(self.playground))}</p>"

    def __repr__(self) -> str:
        return repr(self.playground)
