"""The notebook view of a :class:`~micrograd_like.web.playground.Playground`: an anywidget widget.

The view (a :class:`~micrograd_like.notebook.anywidgets.TrainingWidget` over a
:class:`~micrograd_like.web.training_panel.TrainingPanel`) has Play / Pause / Step / Reset, the
network's settings, the loss and accuracy, and the decision boundary (each class's colour, as
strong as the model's confidence in it, over the points) beside the loss curve.  The page draws
both from the numbers Python sends: no matplotlib is needed, and without numpy the boundary is
computed with plain floats.  A button opens the chain rule for one point.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..web.training_panel import TrainingPanel
from .stepper_widget import INSTALL_WIDGETS

if TYPE_CHECKING:
    from ..web.playground import Playground
    from .anywidgets import TrainingWidget

__all__ = ["playground_widget"]


def playground_widget(playground: Playground) -> TrainingWidget:
    """``playground.widget()``: its view, made on the first call and kept; without anywidget, an
    ImportError that gives the install command."""
    if playground._widget is None:
        try:
            from .anywidgets import TrainingWidget
        except ImportError:
            raise ImportError(f"the training view needs anywidget: {INSTALL_WIDGETS}") from None
        playground._widget = TrainingWidget(TrainingPanel(playground))
    return playground._widget
