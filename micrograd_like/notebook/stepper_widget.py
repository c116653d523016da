"""Click through backprop in a notebook: an interactive stepper made of ipywidgets.

``steps.widget()`` (for ``steps = L.backward_steps()`` or ``backward_steps(L)``) shows
Previous / Next / Reset buttons, a step slider, Play at a chosen pace, the step's words and the
drawing of the graph at that step, all updating in place.  The widget moves the stepper itself,
so the Values in the kernel follow it: after clicking to step 5, ``a.grad`` in the next cell
is what step 5 left.  The other way round too: when code moves the stepper (``steps.next()``
in a later cell), the widget shows where it really is after that cell has run, when it is
shown again, and before it acts on a click (a Next from step k goes to step k + 1).

Without ipywidgets, ``steps.widget()`` gives the static display (the words and the drawing of
the current step) with a line saying how to get the widget:
``pip install 'micrograd_like[notebook]'``.

The drawing is the slideshow's (:func:`micrograd_like.pages.slideshow.slide_svg`): made for a
projector, laid out in the direction that fits a screen best, scaled to the width available,
above the slideshow's legend.  Each drawing is rendered by Graphviz once and kept (by its DOT
source, so a graph whose numbers changed is drawn again).
"""

from __future__ import annotations

import contextlib
import html
import numbers
import weakref
from typing import TYPE_CHECKING

from ..drawing.projector import NOTEBOOK
from ..drawing.svg import responsive_svg
from ..pages.slideshow import HIDDEN_INPUTS, legend, slide_options

if TYPE_CHECKING:
    from ..teach.stepper import Stepper

__all__ = ["StepperWidget", "StaticStepper", "stepper_widget", "INSTALL_WIDGETS", "legend_html"]

INSTALL_WIDGETS = "pip install 'micrograd_like[notebook]'"
"""How to get the interactive widgets (the ``notebook`` extra installs ipywidgets)."""

MAX_HEIGHT = "70vh"
"""The drawing's tallest (CSS): the buttons and the step's words stay in view above it."""


def legend_html(stepper: Stepper, zoomed: bool = False) -> str:
    """The slideshow's legend (:data:`micrograd_like.pages.slideshow.LEGEND`) for the states the nodes
    of ``stepper``'s pass are drawn in over the pass, as a block of HTML for a notebook; ``zoomed``
    (the drawing shows each step's node and operands only) adds the cut corners of an operand
    drawn without its inputs."""
    states = {"done"}  # every node ends done ...
    if stepper.steps:  # ... and, in a pass with steps, is waiting, then ready, on its way
        states |= {"step", "waiting", "ready"}
    if any(not node.requires_grad for node in stepper.order):
        states.add("constant")
    return ('<div class="mgl-legend" style="display:flex;flex-wrap:wrap;gap:4px 18px;font-size:15px;'
            f'line-height:1.7;color:#1f2328">{legend(states)}{HIDDEN_INPUTS if zoomed else ""}</div>')


_LARGE = {"font_size": "15px"}  # the buttons' words: 13 px by default, too small for a projector
# The sliders' names and numbers, which no style of theirs sizes (the buttons' are set by _LARGE);
# and words on ipywidgets' Play buttons, which are icons only, without even a title: the words
# follow the icon (Play, Pause while playing; Stop, which also goes back to the start).
_CONTROLS_CSS = """<style>
.mgl-stepper .widget-label, .mgl-stepper .widget-readout { font-size: 15px; }
.mgl-stepper .widget-play .jupyter-button { width: auto; padding: 0 12px; }
.mgl-stepper .widget-play .jupyter-button i::after {
  font-family: var(--jp-ui-font-family, sans-serif); font-size: 15px; font-weight: normal; margin-left: 6px; }
.mgl-stepper .widget-play i.fa-play::after { content: "Play"; }
.mgl-stepper .widget-play i.fa-pause::after { content: "Pause"; }
.mgl-stepper .widget-play i.fa-stop::after { content: "Stop (to step 0)"; }
</style>"""


def _words_html(lines: list[str]) -> str:
    text = html.escape("\n".join(lines))
    return ('<pre class="mgl-words" style="font-size:16px;line-height:1.45;white-space:pre-wrap;word-break:normal;'
            'overflow-wrap:break-word;margin:6px 0;padding:8px 12px;background:#fffbe6;border-left:4px solid '
            f'#d62728">{text}</pre>')


def _position_words(stepper: Stepper) -> list[str]:
    """What the widget writes above the drawing: the current step, its arithmetic one part per
    line (the local derivative; the contribution; the running total); at the start and the end,
    where the pass is."""
    step = stepper.current
    lines = [stepper.where()] if step is None or stepper.finished else []
    if step is not None:
        lines += [step.headline, *("  " + part for part in step.working), *(f"  note: {note}" for note in step.notes)]
    elif stepper.upcoming is not None:
        lines.append("next " + stepper.upcoming.headline)
    return lines


class StaticStepper:
    """What ``steps.widget()`` gives without ipywidgets: the stepper's own display, with the
    command that gets the interactive widget."""

    def __init__(self, stepper: Stepper) -> None:
        self.stepper = stepper
        self.hint = f"for the interactive stepper, install ipywidgets: {INSTALL_WIDGETS}"

    def _repr_html_(self) -> str:
        return f"<p><em>{html.escape(self.hint, quote=False)}</em></p>{self.stepper._repr_html_()}"

    def __repr__(self) -> str:
        return f"{self.hint}\n{self.stepper!r}"


class StepperWidget:
    """The interactive stepper (see the module docs).  ``box`` is the ipywidgets layout to show
    or to place in a bigger one; the controls are attributes (``next``, ``previous``, ``reset``,
    ``slider``, ``play``, ``pace``), and ``words`` and ``drawing`` are the HTML they update.

    ``draw_options`` go to ``Stepper.draw``, as for a slide (:func:`micrograd_like.pages.slideshow.slide_svg`:
    ``rankdir="TB"`` fixes the direction, ``projector=False`` gives ``draw_dot``'s plain look).

    The toggle ``zoom`` ("Zoom to the step") draws each step's node and its operands only
    (``around=True``), large, in place of the whole graph.  It starts on when the whole graph
    would draw its values smaller than a room can read on a projector (14 px in a notebook's
    width, :data:`~micrograd_like.drawing.projector.LEGIBLE`): from about a dozen values, a neuron of
    two inputs.  ``around=True`` or ``around=False`` sets where it starts.
    """

    def __init__(self, stepper: Stepper, **draw_options) -> None:
        import ipywidgets as widgets

        self.stepper = stepper
        self._rendered: dict[str, str] = {}  # DOT source -> HTML of the drawing
        zoomed = slide_options(stepper, draw_options, (NOTEBOOK,))["around"]
        # Both views' options, the whole graph's direction chosen once: no jumping.
        self._views = {around: slide_options(stepper, {**draw_options, "around": around}) for around in (False, True)}
        for view in self._views.values():  # an option a view does not take fails here, not on a later click
            with contextlib.suppress(ValueError):  # a drawing refused (too big): the widget says so in its place
                stepper.draw(caption=False, **view)  # the DOT source only: nothing is rendered
        self._shown = -1  # the position the words and the drawing show
        n = len(stepper)
        button = widgets.Layout(width="auto", min_width="84px")
        self.reset = widgets.Button(description="Reset", icon="fast-backward", tooltip="back to the start",
                                    layout=button, style=_LARGE)
        self.previous = widgets.Button(description="Previous", icon="step-backward", tooltip="undo one step",
                                       layout=button, style=_LARGE)
        self.next = widgets.Button(description="Next", icon="step-forward", tooltip="apply the next step",
                                   button_style="primary", layout=button, style=_LARGE)
        self.slider = widgets.IntSlider(value=stepper.position, min=0, max=n, description="step",
                                        continuous_update=False, layout=widgets.Layout(width="220px"),
                                        style={"description_width": "40px"})
        # Play's buttons get their words from _CONTROLS_CSS (ipywidgets draws them as icons only).
        self.play = widgets.Play(value=stepper.position, min=0, max=n, interval=1000, show_repeat=False)
        self.pace = widgets.FloatSlider(value=1.0, min=0.2, max=3.0, step=0.1, description="s / step",
                                        readout_format=".1f", layout=widgets.Layout(width="300px"),
                                        style={"description_width": "70px"})  # a track of about 180 px
        self.pace.add_class("mgl-pace")
        self.zoom = widgets.ToggleButton(value=zoomed, description="Zoom to the step", icon="search-plus",
                                         tooltip="only the step's node and its operands, large (off: the whole graph)",
                                         layout=button, style=_LARGE)
        widgets.link((self.play, "value"), (self.slider, "value"))
        self.pace.observe(self._on_pace, names="value")
        # Every click reads where the stepper really is first: code may have moved it since.
        self.reset.on_click(lambda _: self.goto(0))
        self.previous.on_click(lambda _: self.goto(self.stepper.position - 1))
        self.next.on_click(lambda _: self.goto(self.stepper.position + 1))
        self.slider.observe(self._on_slider, names="value")
        self.play.observe(self._on_playing, names="playing")
        self.zoom.observe(lambda _: self._show(), names="value")

        self.words = widgets.HTML()
        self.drawing = widgets.HTML()
        self.play.layout = widgets.Layout(width="auto")
        controls = widgets.HBox([self.reset, self.previous, self.next, self.play, self.slider, self.pace, self.zoom],
                                layout=widgets.Layout(flex_flow="row wrap", align_items="center"))
        # Hidden overflow: the widgets' 2-pixel margins would otherwise give the box a sideways scrollbar.
        legend = widgets.HTML(_CONTROLS_CSS + legend_html(stepper, self.zoom.value))
        self.zoom.observe(lambda change: setattr(legend, "value", _CONTROLS_CSS + legend_html(stepper, change["new"])),
                          names="value")
        self.box = widgets.VBox([controls, self.words, self.drawing, legend],
                                layout=widgets.Layout(overflow="hidden"))
        self.box.add_class("mgl-stepper")  # a stable name for the page's stylesheets and tests
        self._show()
        _follow_cells(self)

    # -- moving -----------------------------------------------------------------------------------

    def goto(self, position: int) -> None:
        """Move the stepper to ``position`` (kept within the pass) and show it."""
        position = max(0, min(len(self.stepper), position))
        if self.slider.value != position:
            self.slider.value = position  # the slider's observer moves the stepper and shows it
        else:
            self.stepper.goto(position)
            self._show()

    def refresh(self) -> None:
        """Show the stepper where it is now (after ``steps.next()`` in code, say)."""
        self.goto(self.stepper.position)

    def _refresh_if_moved(self) -> None:
        if self.stepper.position != self._shown:
            self.refresh()

    def _on_slider(self, change) -> None:
        self.stepper.goto(change["new"])
        self._show()

    def _on_pace(self, change) -> None:
        self.play.interval = int(round(change["new"] * 1000))

    def _on_playing(self, change) -> None:
        if change["new"]:  # Play goes on from where the stepper is
            self._refresh_if_moved()

    # -- showing ----------------------------------------------------------------------------------

    def _show(self) -> None:
        stepper = self.stepper
        self.previous.disabled = stepper.position == 0
        self.next.disabled = stepper.finished
        self.words.value = _words_html(_position_words(stepper))
        self.drawing.value = self._drawing_html()
        self._shown = stepper.position

    def _drawing_html(self) -> str:
        from ..drawing.render import GraphvizNotFoundError, LayoutTimeoutError

        try:
            drawing = self.stepper.draw(caption=False, **self._views[self.zoom.value])
            if drawing.source not in self._rendered:
                svg = responsive_svg(drawing.svg(), max_height=MAX_HEIGHT)
                self._rendered[drawing.source] = f'<div class="mgl-drawing">{svg}</div>'
            return self._rendered[drawing.source]
        except (GraphvizNotFoundError, LayoutTimeoutError, ValueError) as error:
            return f'<p style="font-size:15px;color:#656d76">(no drawing: {html.escape(str(error))})</p>'

    def _repr_mimebundle_(self, **kwargs):
        self._refresh_if_moved()
        return self.box._repr_mimebundle_(**kwargs)

    def __repr__(self) -> str:
        return f"<StepperWidget at step {self.stepper.position} of {len(self.stepper)}: show it in a notebook>"


_FOLLOWING: weakref.WeakSet[StepperWidget] = weakref.WeakSet()


def _follow_cells(widget: StepperWidget) -> None:
    """In IPython, show ``widget``'s stepper where it is after every cell run (a cell may move it)."""
    try:
        from IPython import get_ipython
    except ImportError:
        return
    shell = get_ipython()
    if shell is None:
        return
    if _catch_up not in shell.events.callbacks["post_run_cell"]:
        shell.events.register("post_run_cell", _catch_up)
    _FOLLOWING.add(widget)


def _catch_up(*_) -> None:
    """Each widget still alive shows its stepper where it is now."""
    for widget in list(_FOLLOWING):
        widget._refresh_if_moved()


MAX_DIGITS = 17
"""The most digits a drawing shows after the point: a float holds about 17 significant digits."""


def _check_options(draw_options: dict) -> None:
    """Refuse, in words naming it, an option the widget would otherwise fail on deep inside
    ipywidgets or Graphviz: ``around`` is True, False or None, ``digits`` a whole number 1 to 17."""
    around = draw_options.get("around")
    if around is not None and not isinstance(around, bool):
        raise TypeError(f"steps.widget(around={around!r}): around is True (zoomed to each step), "
                        "False (the whole graph) or None (chosen by the graph's size)")
    if "digits" in draw_options:
        digits = draw_options["digits"]
        if isinstance(digits, bool) or not isinstance(digits, numbers.Integral):
            raise TypeError(f"steps.widget(digits={digits!r}): digits is a whole number, from 1 to {MAX_DIGITS}")
        if not 1 <= digits <= MAX_DIGITS:
            raise ValueError(f"steps.widget(digits={digits!r}): digits goes from 1 to {MAX_DIGITS} "
                             "(a float holds about 17 significant digits)")


def stepper_widget(stepper: Stepper, **draw_options) -> StepperWidget | StaticStepper:
    """The interactive stepper over ``stepper`` (what ``Stepper.widget()`` returns), or, without
    ipywidgets installed, its static display with the install command.  A bad ``around`` or
    ``digits`` is refused here, in one line naming it (a ``TypeError`` or ``ValueError``)."""
    _check_options(draw_options)
    try:
        import ipywidgets  # noqa: F401
    except ImportError:
        return StaticStepper(stepper)
    return StepperWidget(stepper, **draw_options)
