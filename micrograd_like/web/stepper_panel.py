"""The stepper's panel: one backward pass, a step at a time, for a page to show and move.

The panel holds a :class:`~micrograd_like.teach.stepper.Stepper` and moves it itself, so the
Values follow the page: after the page sets ``position`` to 5, ``a.grad`` is what step 5 left.
Its state is the position, the step's words, the drawing of the graph at that step (the
slideshow's, made for a projector) and the slideshow's legend.  The page sets ``position``
(Previous, Next, Reset, the slider, Play), ``zoom`` (each step's node and operands only) and
``pace`` (Play's seconds per step).  A message ``{"press": "next"}`` (or ``"previous"``,
``"reset"``) moves on from wherever the stepper really is, code having moved it or not.

>>> from micrograd_like import Value
>>> x = Value(3.0, label="x")
>>> y = x * x; y.label = "y"
>>> panel = StepperPanel(y.backward_steps(), in_kernel=False)  # the page lays the drawing out
>>> panel.update({"position": 2})
>>> x.grad, panel.state()["position"], panel.state()["steps"]
(6.0, 2, 2)
>>> "digraph" in panel.state()["dot"], panel.state()["svg"]
(True, '')
"""

from __future__ import annotations

import contextlib
import html
import numbers
from typing import TYPE_CHECKING

from ..drawing.projector import NOTEBOOK
from ..pages.slideshow import HIDDEN_INPUTS, legend, slide_options
from .drawings import Drawings
from .panel import Panel

if TYPE_CHECKING:
    from ..teach.stepper import Stepper

__all__ = ["StepperPanel", "check_options", "legend_html", "words_html", "position_words", "MAX_DIGITS",
           "PACES"]

MAX_DIGITS = 17
"""The most digits a drawing shows after the point: a float holds about 17 significant digits."""

PACES = (0.2, 3.0)
"""Play's slowest and quickest pace, in seconds per step (it starts at 1)."""


def check_options(draw_options: dict) -> None:
    """Refuse, in words naming it, an option the panel would otherwise fail on deep inside
    Graphviz: ``around`` is True, False or None, ``digits`` a whole number 1 to 17."""
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


def legend_html(stepper: Stepper, zoomed: bool = False) -> str:
    """The slideshow's legend (:data:`micrograd_like.pages.slideshow.LEGEND`) for the states the nodes
    of ``stepper``'s pass are drawn in over the pass, as a block of HTML; ``zoomed`` (the drawing
    shows each step's node and operands only) adds the cut corners of an operand drawn without
    its inputs."""
    states = {"done"}  # every node ends done ...
    if stepper.steps:  # ... and, in a pass with steps, is waiting, then ready, on its way
        states |= {"step", "waiting", "ready"}
    if any(not node.requires_grad for node in stepper.order):
        states.add("constant")
    return ('<div class="mgl-legend" style="display:flex;flex-wrap:wrap;gap:4px 18px;font-size:15px;'
            f'line-height:1.7;color:#1f2328">{legend(states)}{HIDDEN_INPUTS if zoomed else ""}</div>')


def words_html(lines: list[str]) -> str:
    """Lines of words as a block of HTML at 16 px, on the pale yellow of the stepper's words."""
    text = html.escape("\n".join(lines))
    return ('<pre class="mgl-words" style="font-size:16px;line-height:1.45;white-space:pre-wrap;word-break:normal;'
            'overflow-wrap:break-word;margin:6px 0;padding:8px 12px;background:#fffbe6;border-left:4px solid '
            f'#d62728">{text}</pre>')


def position_words(stepper: Stepper) -> list[str]:
    """What the panel writes above the drawing: the current step, its arithmetic one part per
    line (the local derivative; the contribution; the running total); at the start and the end,
    where the pass is."""
    step = stepper.current
    lines = [stepper.where()] if step is None or stepper.finished else []
    if step is not None:
        lines += [step.headline, *("  " + part for part in step.working), *(f"  note: {note}" for note in step.notes)]
    elif stepper.upcoming is not None:
        lines.append("next " + stepper.upcoming.headline)
    return lines


class StepperPanel(Panel):
    """A stepper for a page (see the module docs).

    ``draw_options`` go to ``Stepper.draw``, as for a slide (:func:`micrograd_like.pages.slideshow.slide_svg`:
    ``rankdir="TB"`` fixes the direction, ``projector=False`` gives ``draw_dot``'s plain look).
    ``zoom`` starts on when the whole graph would draw its values smaller than a room can read
    on a projector (:data:`~micrograd_like.drawing.projector.LEGIBLE` in a notebook's width): from
    about a dozen values.  ``around=True`` or ``around=False`` sets where it starts.
    ``in_kernel`` says whether this Python lays the drawings out (see :class:`.drawings.Drawings`).
    """

    WRITABLE = ("position", "zoom", "pace")

    def __init__(self, stepper: Stepper, *, in_kernel: bool | None = None, **draw_options) -> None:
        super().__init__()
        check_options(draw_options)
        self.stepper = stepper
        self.zoom: bool = slide_options(stepper, draw_options, (NOTEBOOK,))["around"]
        self.pace = 1.0
        # Both views' options, the whole graph's direction chosen once: no jumping.
        self._views = {around: slide_options(stepper, {**draw_options, "around": around}) for around in (False, True)}
        for view in self._views.values():  # an option a view does not take fails here, not on a later click
            with contextlib.suppress(ValueError):  # a drawing refused (too big): said in the drawing's place
                stepper.draw(caption=False, **view)  # the DOT source only: nothing is laid out
        self.drawings = Drawings(in_kernel)
        self._shown = stepper.position  # the position the page was last told of

    # -- what the page reads -----------------------------------------------------------------------

    def state(self) -> dict:
        """``position``, ``steps`` (how many), ``words`` (HTML), ``legend`` (HTML), ``zoom``,
        ``pace``, and the drawing: ``svg``, ``dot`` and ``note`` (see :mod:`.drawings`)."""
        stepper = self.stepper
        drawing = self.drawings.state(lambda: stepper.draw(caption=False, **self._views[self.zoom]))
        return {"position": stepper.position, "steps": len(stepper), "words": words_html(position_words(stepper)),
                "legend": legend_html(stepper, self.zoom), "zoom": self.zoom, "pace": self.pace,
                **drawing}

    # -- what the page sets -------------------------------------------------------------------------

    def update(self, changes: dict) -> None:
        """``position`` moves the stepper there; ``zoom`` (True or False) and ``pace`` (seconds per
        step, :data:`PACES`) change the view.  A bad value is refused in one line naming it."""
        super().update(changes)
        if "zoom" in changes and not isinstance(changes["zoom"], bool):
            raise TypeError(f"zoom is True (each step's node and operands) or False (the whole graph), "
                            f"got {changes['zoom']!r}")
        if "pace" in changes:
            pace = changes["pace"]
            if isinstance(pace, bool) or not isinstance(pace, numbers.Real) or not PACES[0] <= pace <= PACES[1]:
                raise ValueError(f"pace is a number of seconds per step from {PACES[0]} to {PACES[1]}, got {pace!r}")
            self.pace = float(pace)
        if "position" in changes:
            self.goto(self._position(changes["position"]))
        if "zoom" in changes:
            self.zoom = changes["zoom"]
        self.changed()

    def _position(self, position) -> int:
        n = len(self.stepper)
        if isinstance(position, bool) or not isinstance(position, numbers.Integral):
            raise TypeError(f"position is a whole number, the steps done (0 to {n}), got {position!r}")
        if not 0 <= position <= n:
            raise ValueError(f"position goes from 0 (the start) to {n} (every step done), got {position!r}")
        return int(position)

    def message(self, content: dict) -> None:
        """``{"press": "next"}``, ``"previous"`` or ``"reset"``: from where the stepper is now."""
        press = content.get("press")
        if press not in ("next", "previous", "reset"):
            raise ValueError(f"the stepper's buttons are next, previous and reset, got {press!r}")
        here = self.stepper.position
        self.goto({"next": here + 1, "previous": here - 1, "reset": 0}[press])
        self.changed()

    # -- moving -------------------------------------------------------------------------------------

    def goto(self, position: int) -> None:
        """Move the stepper to ``position``, kept within the pass (the page is told by :meth:`changed`)."""
        self.stepper.goto(max(0, min(len(self.stepper), position)))

    def refresh(self) -> None:
        """Tell the page where the stepper is, if code moved it since the page was last told."""
        if self.stepper.position != self._shown:
            self.changed()

    def changed(self) -> None:
        self._shown = self.stepper.position
        super().changed()
