"""Click through backprop in a notebook: ``steps.widget()``, an anywidget widget.

``steps.widget()`` (for ``steps = L.backward_steps()`` or ``backward_steps(L)``) shows
Previous / Next / Reset buttons, a step slider, Play at a chosen pace, the step's words and the
drawing of the graph at that step, all updating in place.  It is a
:class:`~micrograd_like.notebook.anywidgets.StepperWidget`, an ``anywidget.AnyWidget``: it can be
put in a layout, or wrapped by marimo's ``mo.ui.anywidget``.  Its ``position`` trait is the
steps done.  The widget moves the stepper itself, so the Values in the kernel follow it: after
clicking to step 5 (or ``widget.position = 5``), ``a.grad`` in the next cell is what step 5
left.  The other way round too: when code moves the stepper (``steps.next()`` in a later cell),
the widget shows where it really is after that cell has run, when it is shown again, and
before it acts on a click (a Next from step k goes to step k + 1).

Without anywidget, ``steps.widget()`` gives the static display (the words and the drawing of
the current step) with a line saying how to get the widget:
``pip install 'micrograd_like[notebook]'``.

The drawing is the slideshow's (:func:`micrograd_like.pages.slideshow.slide_svg`): made for a
projector, laid out in the direction that fits a screen best, scaled to the width available,
above the slideshow's legend; each is laid out once (see :mod:`micrograd_like.web.drawings`).
"""

from __future__ import annotations

import html
import weakref
from typing import TYPE_CHECKING

from ..web.stepper_panel import MAX_DIGITS, StepperPanel, check_options, legend_html

if TYPE_CHECKING:
    from ..teach.stepper import Stepper
    from .anywidgets import StepperWidget

__all__ = ["StaticStepper", "stepper_widget", "INSTALL_WIDGETS", "legend_html", "MAX_DIGITS"]

INSTALL_WIDGETS = "pip install 'micrograd_like[notebook]'"
"""How to get the interactive widgets (the ``notebook`` extra installs anywidget)."""


class StaticStepper:
    """What ``steps.widget()`` gives without anywidget: the stepper's own display, with the
    command that gets the interactive widget."""

    def __init__(self, stepper: Stepper) -> None:
        self.stepper = stepper
        self.hint = f"for the interactive stepper, install anywidget: {INSTALL_WIDGETS}"

    def _repr_html_(self) -> str:
        return f"<p><em>{html.escape(self.hint, quote=False)}</em></p>{self.stepper._repr_html_()}"

    def __repr__(self) -> str:
        return f"{self.hint}\n{self.stepper!r}"


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
        widget.refresh()


def stepper_widget(stepper: Stepper, **draw_options) -> StepperWidget | StaticStepper:
    """The interactive stepper over ``stepper`` (what ``Stepper.widget()`` returns), or, without
    anywidget installed, its static display with the install command.  A bad ``around`` or
    ``digits`` is refused here, in one line naming it (a ``TypeError`` or ``ValueError``).
    ``draw_options`` go to the drawing as for a slide (see :class:`~micrograd_like.web.stepper_panel.StepperPanel`)."""
    check_options(draw_options)
    try:
        from .anywidgets import StepperWidget
    except ImportError:
        return StaticStepper(stepper)
    widget = StepperWidget(StepperPanel(stepper, **draw_options))
    _follow_cells(widget)
    return widget
