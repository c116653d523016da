"""Click through backprop in a notebook: an interactive stepper made of ipywidgets.

``steps.widget()`` (for ``steps = L.backward_steps()`` or ``backward_steps(L)``) shows
Previous / Next / Reset buttons, a step slider, Play at a chosen pace, the step's words and the
drawing of the graph at that step, all updating in place.  The widget moves the stepper itself,
so the Values in the kernel follow it: after clicking to step 5, ``a.grad`` in the next cell
is what step 5 left.

Without ipywidgets, ``steps.widget()`` gives the static display (the words and the drawing of
the current step) with a line saying how to get the widget:
``pip install 'micrograd_like[notebook]'``.

Each drawing is rendered by Graphviz once and kept (by its DOT source, so a graph whose numbers
changed is drawn again).  A drawing shrinks to the width available; a graph too wide to stay
legible that way (12-point text shrunk below 14 pixels on a 1024-pixel projector) is laid out
top to bottom instead of left to right.
"""

from __future__ import annotations

import html
import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .stepper import Stepper

__all__ = ["StepperWidget", "StaticStepper", "stepper_widget", "INSTALL_WIDGETS", "legend_html", "svg_html"]

INSTALL_WIDGETS = "pip install 'micrograd_like[notebook]'"
"""How to get the interactive widgets (the ``notebook`` extra installs ipywidgets)."""

# A left-to-right drawing wider than this (points, at Graphviz's 12-point node text) would shrink
# its text below 14 px in the ~880 px a notebook has at 1024x768: 880 / (14 / 12) px = 754 pt.
LEGIBLE_WIDTH = 750.0

_SIZE = re.compile(r'<svg width="([\d.]+)pt" height="([\d.]+)pt"')

# Every state a node can be drawn in, as the stepper's drawings show them (see Stepper.status).
_STATES = (
    ("background:#fff1b8;border:2.5px solid #d62728", "this step"),
    ("background:#c7e9c0", "done: passed on"),
    ("background:#fff;border:1px solid #1f2328", "ready: complete (or a constant)"),
    ("background:#fff;border:1px solid #b0b0b0", "waiting: grey, still summing"),
)


def legend_html() -> str:
    """A legend of the node colours of a stepper drawing: every state a node can be drawn in."""
    items = "".join(
        f'<span style="white-space:nowrap"><span style="display:inline-block;width:14px;'
        f'height:14px;border-radius:3px;vertical-align:-2px;margin-right:6px;{swatch}"></span>{words}</span>'
        for swatch, words in _STATES
    )
    return ('<div class="mgl-legend" style="display:flex;flex-wrap:wrap;column-gap:16px;font-size:15px;'
            f'line-height:1.7;color:#1f2328">{items}</div>')


def svg_html(svg: str) -> str:
    """Graphviz's SVG as a block of HTML that shrinks to the width available (never wider than
    its own size), keeping its proportions."""
    start = svg.find("<svg")
    svg = re.sub(r"<!--.*?-->\n?", "", svg[start:], flags=re.S) if start >= 0 else svg
    match = _SIZE.search(svg)
    if match:
        pixels = float(match.group(1)) * 4 / 3  # Graphviz sizes are in points
        svg = svg.replace(match.group(0), f'<svg width="{pixels:.0f}px" style="max-width:100%;height:auto"', 1)
    return f'<div class="mgl-drawing" style="width:100%;overflow:hidden">{svg}</div>'


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
        headline, arithmetic, *notes = step.lines
        lines += [headline, *("  " + part for part in arithmetic.strip().split("; ")), *notes]
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

    ``draw_options`` go to ``Stepper.draw`` (``rankdir="LR"`` fixes the layout; otherwise a
    graph too wide to stay legible is laid out top to bottom).
    """

    def __init__(self, stepper: Stepper, **draw_options) -> None:
        import ipywidgets as widgets

        self.stepper = stepper
        self._rendered: dict[str, str] = {}  # DOT source -> HTML of the drawing
        self._draw_options = draw_options
        n = len(stepper)
        button = widgets.Layout(width="auto", min_width="84px")
        self.reset = widgets.Button(description="Reset", icon="fast-backward", tooltip="back to the start",
                                    layout=button)
        self.previous = widgets.Button(description="Previous", icon="step-backward", tooltip="undo one step",
                                       layout=button)
        self.next = widgets.Button(description="Next", icon="step-forward", tooltip="apply the next step",
                                   button_style="primary", layout=button)
        self.slider = widgets.IntSlider(value=stepper.position, min=0, max=n, description="step",
                                        continuous_update=False, layout=widgets.Layout(width="220px"),
                                        style={"description_width": "36px"})
        self.play = widgets.Play(value=stepper.position, min=0, max=n, interval=1000, description="Play",
                                 tooltip="play the pass at the chosen pace", show_repeat=False)
        self.pace = widgets.FloatSlider(value=1.0, min=0.2, max=3.0, step=0.1, description="s / step",
                                        readout_format=".1f", layout=widgets.Layout(width="180px"),
                                        style={"description_width": "52px"})
        widgets.link((self.play, "value"), (self.slider, "value"))
        self.pace.observe(self._on_pace, names="value")
        self.reset.on_click(lambda _: self.goto(0))
        self.previous.on_click(lambda _: self.goto(self.stepper.position - 1))
        self.next.on_click(lambda _: self.goto(self.stepper.position + 1))
        self.slider.observe(self._on_slider, names="value")

        self.words = widgets.HTML()
        self.drawing = widgets.HTML()
        self.play.layout = widgets.Layout(width="110px")
        controls = widgets.HBox([self.reset, self.previous, self.next, self.play, self.slider, self.pace],
                                layout=widgets.Layout(flex_flow="row wrap", align_items="center"))
        # Hidden overflow: the widgets' 2-pixel margins would otherwise give the box a sideways scrollbar.
        self.box = widgets.VBox([controls, self.words, widgets.HTML(legend_html()), self.drawing],
                                layout=widgets.Layout(overflow="hidden"))
        self.box.add_class("mgl-stepper")  # a stable name for the page's stylesheets and tests
        self._show()

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

    def _on_slider(self, change) -> None:
        self.stepper.goto(change["new"])
        self._show()

    def _on_pace(self, change) -> None:
        self.play.interval = int(round(change["new"] * 1000))

    # -- showing ----------------------------------------------------------------------------------

    def _show(self) -> None:
        stepper = self.stepper
        self.previous.disabled = stepper.position == 0
        self.next.disabled = stepper.finished
        self.words.value = _words_html(_position_words(stepper))
        self.drawing.value = self._drawing_html()

    def _drawing_html(self) -> str:
        from .viz import GraphvizNotFoundError, LayoutTimeoutError

        try:
            drawing = self.stepper.draw(caption=False, **self._layout())
            if drawing.source not in self._rendered:
                self._rendered[drawing.source] = svg_html(drawing.svg())
            return self._rendered[drawing.source]
        except (GraphvizNotFoundError, LayoutTimeoutError, ValueError) as error:
            return f'<p style="font-size:15px;color:#656d76">(no drawing: {html.escape(str(error))})</p>'

    def _layout(self) -> dict:
        """The draw options, with the direction chosen once (so the picture does not jump):
        left to right unless that is too wide to read, then top to bottom."""
        if "rankdir" not in self._draw_options:
            wide = self.stepper.draw(caption=False, **self._draw_options)
            svg = wide.svg()
            match = _SIZE.search(svg)
            too_wide = match is not None and float(match.group(1)) > LEGIBLE_WIDTH
            self._draw_options["rankdir"] = "TB" if too_wide else "LR"
            if not too_wide:
                self._rendered[wide.source] = svg_html(svg)
        return self._draw_options

    def _repr_mimebundle_(self, **kwargs):
        return self.box._repr_mimebundle_(**kwargs)

    def __repr__(self) -> str:
        return f"<StepperWidget at step {self.stepper.position} of {len(self.stepper)}: show it in a notebook>"


def stepper_widget(stepper: Stepper, **draw_options) -> StepperWidget | StaticStepper:
    """The interactive stepper over ``stepper`` (what ``Stepper.widget()`` returns), or, without
    ipywidgets installed, its static display with the install command."""
    try:
        import ipywidgets  # noqa: F401
    except ImportError:
        return StaticStepper(stepper)
    return StepperWidget(stepper, **draw_options)
