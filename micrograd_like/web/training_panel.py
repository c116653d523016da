"""The training view's panel: a :class:`~micrograd_like.web.playground.Playground` for a page.

Its state is what the view shows: the controls' settings and their choices (the data set and
its noise, the hidden layers, the learning rate, the activation, the initialisation), whether it
is playing, the loss and accuracy and the loss so far, the decision boundary as numbers (each
class's probability on a grid, the points, the classes' colours) for the page to draw, and the
chain-rule panel of one point (a :class:`~micrograd_like.web.stepper_panel.StepperPanel`'s state,
or ``{}``).  Nothing here needs numpy or matplotlib: without numpy the grid is computed with
plain floats (:func:`micrograd_like.nn.grids.outputs_in_python`).

The page sets the controls with :meth:`TrainingPanel.update` (``{"noise": 0.2}``) and presses
buttons with :meth:`TrainingPanel.message`: ``{"press": "play"}``, ``"pause"``, ``"step"``,
``"reset"``, ``"chain"`` (open the chain rule for the point chosen), and moves the chain-rule
panel with ``{"chain": {"position": 3}}``.

>>> from micrograd_like.web.playground import Playground
>>> panel = TrainingPanel(Playground(dataset="xor", hidden=(3,), n_samples=20, seed=0), in_kernel=False)
>>> panel.message({"press": "step"})
>>> panel.state()["steps_done"], len(panel.state()["boundary"]["probabilities"])
(1, 2)
"""

from __future__ import annotations

import math
import numbers

from ..nn.modules import ACTIVATIONS, INITS
from ..nn.optim import Diverged
from .panel import Panel
from .playground import CLASS_COLOURS, DATASETS, MAX_HIDDEN_LAYERS, MAX_PARAMETERS, Playground
from .stepper_panel import StepperPanel

__all__ = ["TrainingPanel", "LEARNING_RATES", "GRID", "NOISE", "MOST_LOSSES"]

LEARNING_RATES = (0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1.0, 3.0)
"""The learning rates the view offers (and the playground's own, if it is another)."""

GRID = 40
"""The boundary is computed on GRID x GRID points: for a network of (8, 8), milliseconds with
numpy and about 25 ms with plain floats (measured on a 2-core machine)."""

NOISE = (0.0, 0.5, 0.05)
"""The noise slider's least, most and step."""

MOST_LOSSES = 400
"""The most points of the loss curve sent to the page (a long run is thinned evenly, the last kept)."""

HIDDEN_TITLE = (f"the sizes of the hidden layers, e.g. 8, 8: at most {MAX_HIDDEN_LAYERS} layers and "
                f"{MAX_PARAMETERS:,} parameters, so that each step can be watched")


class TrainingPanel(Panel):
    """The training view of ``playground`` for a page (see the module docs).  It watches the
    playground: a step made in code, or by Play, is shown too."""

    WRITABLE = ("learning_rate", "dataset", "noise", "hidden", "activation", "init", "point")

    def __init__(self, playground: Playground, *, in_kernel: bool | None = None) -> None:
        super().__init__()
        self.playground = playground
        self.in_kernel = in_kernel
        self.point = 0
        self.text = ""  # an error or a hint, said above the picture
        self.chain: StepperPanel | None = None  # one point's backward pass, once asked for
        self._boundary: tuple[tuple, dict] | None = None  # (for which model and step, the boundary)
        playground._view = self

    # -- what the page reads -----------------------------------------------------------------------

    def state(self) -> dict:
        p = self.playground
        s = p.settings
        return {
            "playing": p.playing, "steps_done": p.steps_done, "loss": p.losses[-1], "accuracy": p.accuracies[-1],
            "losses": _thinned(p.losses),
            "learning_rate": p.learning_rate, "learning_rates": self.learning_rates(),
            "dataset": s["dataset"], "datasets": list(DATASETS), "noise": s["noise"], "noise_range": list(NOISE),
            "hidden": ", ".join(map(str, s["hidden"])), "hidden_title": HIDDEN_TITLE,
            "activation": s["activation"], "activations": list(ACTIVATIONS), "init": s["init"], "inits": list(INITS),
            "point": self.point, "points": len(p.X), "message": self.text,
            "boundary": self.boundary(), "chain": self.chain.state() if self.chain else {},
        }

    def learning_rates(self) -> list[float]:
        return sorted({*LEARNING_RATES, self.playground.learning_rate})

    def boundary(self) -> dict:
        """What the page draws the decision boundary from: ``x`` and ``y`` (the grid's extent),
        ``probabilities`` (``[k][j][i]``, class k at row j from the bottom and column i, to 3
        decimals), ``points`` (``[x, y, label]``) and ``colours`` (each class's)."""
        p = self.playground
        key = (id(p.model), len(p.losses))
        if self._boundary is None or self._boundary[0] != key:
            xs, ys = [point[0] for point in p.X], [point[1] for point in p.X]
            x0, x1, y0, y1 = min(xs) - 0.4, max(xs) + 0.4, min(ys) - 0.4, max(ys) + 0.4
            gx = [x0 + (x1 - x0) * (i + 0.5) / GRID for i in range(GRID)]  # each cell's middle
            gy = [y0 + (y1 - y0) * (j + 0.5) / GRID for j in range(GRID)]
            probabilities = p.probabilities(gx, gy)
            rows = probabilities.round(3).tolist() if hasattr(probabilities, "round") else [
                [[round(v, 3) for v in row] for row in cls] for cls in probabilities]
            self._boundary = (key, {
                "x": [x0, x1], "y": [y0, y1], "probabilities": rows,
                "points": [[round(x, 4), round(y, 4), label] for (x, y), label in zip(p.X, p.y)],
                "colours": list(CLASS_COLOURS[: p.classes])})
        return self._boundary[1]

    # -- what the page sets -------------------------------------------------------------------------

    def update(self, changes: dict) -> None:
        """The controls' new settings.  A value no control offers is refused in one line naming
        it; hidden layers typed wrong, or a network too big, are said in the view instead."""
        super().update(changes)
        checked = {name: self._check(name, value) for name, value in changes.items()}
        if "learning_rate" in checked:
            self.playground.learning_rate = checked.pop("learning_rate")
        if "point" in checked:
            self.point = checked.pop("point")
        if "hidden" in checked:
            sizes = _sizes(checked.pop("hidden"))
            if sizes is None:
                self.say(f"hidden layers: write the sizes as whole numbers, e.g. 8, 8 (got {changes['hidden']!r})")
                return
            if sizes != self.playground.settings["hidden"]:
                checked["hidden"] = sizes
        if checked:
            self.chain = None
            self._guarded(lambda: self.playground.rebuild(**checked))
            self.point = min(self.point, len(self.playground.X) - 1)
        self.changed()

    def _check(self, name: str, value):
        choices = {"learning_rate": self.learning_rates(), "dataset": list(DATASETS),
                   "activation": list(ACTIVATIONS), "init": list(INITS)}
        if name in choices:
            if value not in choices[name] or isinstance(value, bool):
                raise ValueError(f"{name.replace('_', ' ')} is one of {', '.join(map(str, choices[name]))}, "
                                 f"got {value!r}")
        elif name == "noise":
            if isinstance(value, bool) or not isinstance(value, numbers.Real) or not NOISE[0] <= value <= NOISE[1]:
                raise ValueError(f"noise goes from {NOISE[0]} to {NOISE[1]}, got {value!r}")
            value = float(value)
        elif name == "point":
            last = len(self.playground.X) - 1
            if isinstance(value, bool) or not isinstance(value, numbers.Integral) or not 0 <= value <= last:
                raise ValueError(f"point is a whole number from 0 to {last} (its place in the data set), got {value!r}")
            value = int(value)
        elif name == "hidden" and not isinstance(value, str):
            raise TypeError(f"hidden is the sizes of the hidden layers as text, e.g. '8, 8', got {value!r}")
        return value

    def message(self, content: dict) -> None:
        """A button pressed (``{"press": ...}``) or the chain-rule panel moved (``{"chain": ...}``)."""
        if "chain" in content:
            if self.chain is not None:
                moved = content["chain"]
                if "press" in moved:
                    self.chain.message(moved)
                else:
                    self.chain.update(moved)
            return
        press = content.get("press")
        actions = {"play": self._play, "pause": self.playground.pause, "step": self.playground.step,
                   "reset": self._reset, "chain": self._open_point}
        if press not in actions:
            raise ValueError(f"the training view's buttons are {', '.join(actions)}, got {press!r}")
        self.say("")
        self._guarded(actions[press])
        self.changed()

    def _play(self) -> None:
        self.playground.play()

    def _reset(self) -> None:
        self.chain = None
        self.playground.rebuild()

    def _open_point(self) -> None:
        """Open the stepper over one point's backward pass.  Its drawing shows only the step's
        node and operands (``around=True``): the whole graph of a point, 163 Values at hidden
        layers (8, 8), is illegible at a projector's width and takes seconds to lay out."""
        self.chain = StepperPanel(self.playground.point_steps(self.point), around=True, in_kernel=self.in_kernel)
        self.chain.subscribe(self.changed)

    def _guarded(self, action) -> None:
        """Run ``action``; an error a student can cause is said in the view, not raised."""
        try:
            action()
        except (ValueError, TypeError, IndexError, Diverged) as error:
            self.say(str(error))

    # -- what the playground tells it (it is the playground's view) ----------------------------------

    def say(self, text: str) -> None:
        """Write ``text`` (an error, a hint) above the picture; "" clears it."""
        self.text = text
        self.changed()

    def show(self) -> None:
        self.changed()

    def show_playing(self, playing: bool = True) -> None:
        self.changed()


def _sizes(text: str) -> tuple[int, ...] | None:
    """The layer sizes typed ('8, 8' or '8 8'), or None when they are not whole numbers."""
    try:
        return tuple(int(part) for part in text.replace(",", " ").split())
    except ValueError:
        return None


def _thinned(losses: list[float]) -> list[float]:
    """At most :data:`MOST_LOSSES` of ``losses``, evenly spread, the first and the last kept."""
    if len(losses) <= MOST_LOSSES:
        return list(losses)
    every = math.ceil(len(losses) / (MOST_LOSSES - 1))
    return [*losses[::every][: MOST_LOSSES - 1], losses[-1]]
