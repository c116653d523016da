"""The notebook view of a :class:`~micrograd_like.notebook.playground.Playground`, made of ipywidgets.

One picture per frame: the decision boundary (each class's colour, as strong as the model's
confidence in it, over the points) beside the loss curve, drawn by matplotlib into a PNG.
The figure is made once; each frame only swaps its data, so a frame costs tens of
milliseconds on a small laptop.
"""

from __future__ import annotations

import html
import io

from ..nn.modules import ACTIVATIONS, INITS
from ..nn.optim import Diverged
from .playground import CLASS_COLOURS, DATASETS, MAX_HIDDEN_LAYERS, MAX_PARAMETERS, Playground
from .stepper_widget import INSTALL_WIDGETS

__all__ = ["PlaygroundView", "playground_widget"]

LEARNING_RATES = (0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1.0, 3.0)
GRID = 60  # the boundary is computed on GRID x GRID points


class PlaygroundView:
    """The controls, the picture and the chain-rule panel of one playground (``box`` shows it)."""

    def __init__(self, playground: Playground) -> None:
        try:
            import ipywidgets as widgets
        except ImportError:
            raise ImportError(f"the training view needs ipywidgets: {INSTALL_WIDGETS}") from None
        self.playground = playground
        self._figure = None
        s = playground.settings
        wide = widgets.Layout(width="auto", min_width="92px")
        self.play = widgets.Button(description="Play", icon="play", button_style="primary", layout=wide)
        self.step = widgets.Button(description="Step", icon="step-forward", tooltip="one update", layout=wide)
        self.reset = widgets.Button(description="Reset", icon="refresh", tooltip="new weights, same settings",
                                    layout=wide)
        self.status = widgets.HTML()
        rates = sorted({*LEARNING_RATES, playground.learning_rate})
        label = {"style": {"description_width": "initial"}}
        self.learning_rate = widgets.Dropdown(options=rates, value=playground.learning_rate,
                                              description="learning rate", layout=widgets.Layout(width="190px"),
                                              **label)
        self.dataset = widgets.Dropdown(options=list(DATASETS), value=s["dataset"], description="data",
                                        layout=widgets.Layout(width="160px"), **label)
        self.noise = widgets.FloatSlider(value=s["noise"], min=0.0, max=0.5, step=0.05, description="noise",
                                         continuous_update=False, layout=widgets.Layout(width="230px"), **label)
        self.hidden = widgets.Text(value=", ".join(map(str, s["hidden"])), description="hidden layers",
                                   placeholder="8, 8", continuous_update=False,
                                   tooltip=f"the sizes of the hidden layers, e.g. 8, 8: at most {MAX_HIDDEN_LAYERS} "
                                           f"layers and {MAX_PARAMETERS:,} parameters, so that each step can be "
                                           "watched",
                                   layout=widgets.Layout(width="190px"), **label)
        self.activation = widgets.Dropdown(options=list(ACTIVATIONS), value=s["activation"],
                                           description="activation", layout=widgets.Layout(width="180px"), **label)
        self.init = widgets.Dropdown(options=list(INITS), value=s["init"], description="init",
                                     layout=widgets.Layout(width="160px"), **label)
        self.point = widgets.BoundedIntText(value=0, min=0, max=len(playground.X) - 1, description="point",
                                            layout=widgets.Layout(width="130px"), **label)
        self.chain_rule = widgets.Button(description="show the chain rule for one point", icon="search",
                                         layout=widgets.Layout(width="auto"))
        self.message = widgets.HTML()
        self.picture = widgets.Image(format="png", layout=widgets.Layout(width="100%", max_width="900px",
                                                                         height="auto"))
        self.point_area = widgets.VBox()

        self.play.on_click(lambda _: self._toggle())
        self.step.on_click(lambda _: self._guarded(lambda: playground.step()))
        self.reset.on_click(lambda _: self._guarded(lambda: playground.rebuild()))
        self.chain_rule.on_click(lambda _: self._guarded(self._open_point))
        self.learning_rate.observe(self._on_learning_rate, names="value")
        for control, setting in ((self.dataset, "dataset"), (self.noise, "noise"), (self.activation, "activation"),
                                 (self.init, "init")):
            control.observe(lambda change, setting=setting: self._rebuild(**{setting: change["new"]}), names="value")
        self.hidden.observe(lambda change: self._on_hidden(change["new"]), names="value")

        row = widgets.Layout(flex_flow="row wrap", align_items="center")
        self.box = widgets.VBox([
            widgets.HBox([self.play, self.step, self.reset, self.status], layout=row),
            widgets.HBox([self.learning_rate, self.hidden, self.activation, self.init], layout=row),
            widgets.HBox([self.dataset, self.noise], layout=row),
            self.message,
            self.picture,
            widgets.HBox([self.point, self.chain_rule], layout=row),
            self.point_area,
        ], layout=widgets.Layout(overflow="hidden"))  # no sideways scrollbar for the widgets' 2-pixel margins
        self.box.add_class("mgl-playground")  # a stable name for the page's stylesheets and tests
        self.show()

    # -- what the controls do -----------------------------------------------------------------------

    def _guarded(self, action) -> None:
        """Run ``action``; an error a student can cause is said in the view, not raised."""
        self.say("")
        try:
            action()
        except (ValueError, TypeError, IndexError, Diverged) as error:
            self.say(str(error))

    def _toggle(self) -> None:
        if self.playground.playing:
            self.playground.pause()
        else:
            self._guarded(self.playground.play)

    def _on_learning_rate(self, change) -> None:
        self.playground.learning_rate = change["new"]

    def _on_hidden(self, text: str) -> None:
        """Rebuild with the sizes typed; sizes refused leave the box showing the sizes in use."""
        try:
            sizes = tuple(int(part) for part in text.replace(",", " ").split())
        except ValueError:
            self.say(f"hidden layers: write the sizes as whole numbers, e.g. 8, 8 (got {text!r})")
            sizes = None
        if sizes is not None and sizes != self.playground.settings["hidden"]:
            self._rebuild(hidden=sizes)
        # Shown back as the network training has them (a refused size gone; the same sizes: no restart).
        self.hidden.value = ", ".join(map(str, self.playground.settings["hidden"]))

    def _rebuild(self, **setting) -> None:
        self.point_area.children = ()
        self._guarded(lambda: self.playground.rebuild(**setting))
        self.point.max = len(self.playground.X) - 1

    def _open_point(self) -> None:
        """Open the stepper over one point's backward pass.  Its drawing shows only the step's
        node and operands (``around=True``): the whole graph of a point, 163 Values at hidden
        layers (8, 8), is illegible at a projector's width and takes seconds to lay out."""
        steps = self.playground.point_steps(self.point.value)
        self.point_area.children = (steps.widget(around=True).box,)
        self.show()

    # -- showing ----------------------------------------------------------------------------------

    def say(self, text: str) -> None:
        """Write ``text`` (an error, a hint) above the picture; "" clears it."""
        self.message.value = (f'<p style="font-size:15px;color:#b42318">{html.escape(text)}</p>' if text else "")

    def show_playing(self, playing: bool = True) -> None:
        self.play.description, self.play.icon = ("Pause", "pause") if playing else ("Play", "play")
        self.step.disabled = playing

    def show(self) -> None:
        """Redraw the status line and the picture from the playground as it is now."""
        p = self.playground
        self.status.value = (f'<span style="font-size:17px;margin-left:12px">step <b>{p.steps_done}</b> · loss '
                             f'<b class="mgl-loss">{p.losses[-1]:.4f}</b> · accuracy <b>{p.accuracies[-1]:.0%}</b>'
                             "</span>")
        try:
            self.picture.value = self._png()
        except ImportError:
            self.say("the picture needs matplotlib and numpy: " + INSTALL_WIDGETS)

    def _png(self) -> bytes:
        import numpy as np

        p = self.playground
        if self._figure is None or self._figure_for is not p.X:
            self._make_figure()
        probabilities = p.probabilities(self._xs, self._ys)
        colours = np.array([_rgb(c) for c in CLASS_COLOURS[: p.classes]])  # (classes, 3)
        mixed = np.einsum("kij,kc->ijc", probabilities, colours)
        self._image.set_data(1.0 - 0.55 * (1.0 - mixed))  # paler than the points: the points stay visible
        steps = range(len(p.losses))
        self._curve.set_data(steps, p.losses)
        self._loss_axes.set_xlim(0, max(10, len(p.losses) - 1))
        self._loss_axes.set_ylim(0, max(p.losses) * 1.05)
        buffer = io.BytesIO()
        self._figure.savefig(buffer, format="png")
        return buffer.getvalue()

    def _make_figure(self) -> None:
        import numpy as np
        from matplotlib.figure import Figure

        p = self.playground
        X = np.array(p.X)
        (x0, y0), (x1, y1) = X.min(axis=0) - 0.4, X.max(axis=0) + 0.4
        self._xs, self._ys = np.linspace(x0, x1, GRID), np.linspace(y0, y1, GRID)
        figure = Figure(figsize=(9.0, 4.0), dpi=100)  # no automatic layout: it would draw every frame twice
        boundary, loss = figure.subplots(1, 2, width_ratios=(1, 1.25))
        figure.subplots_adjust(left=0.06, right=0.98, bottom=0.13, top=0.91, wspace=0.2)
        self._image = boundary.imshow(np.ones((GRID, GRID, 3)), origin="lower", extent=(x0, x1, y0, y1),
                                      aspect="auto", interpolation="nearest")
        for k in range(p.classes):
            points = X[[label == k for label in p.y]]
            boundary.scatter(points[:, 0], points[:, 1], s=26, color=CLASS_COLOURS[k % len(CLASS_COLOURS)],
                             edgecolors="white", linewidths=0.8, label=f"class {k}")
        boundary.legend(fontsize=12, loc="best", markerscale=1.4, framealpha=0.85, handletextpad=0.2, borderpad=0.3)
        boundary.set_title("decision boundary", fontsize=15)
        boundary.tick_params(labelsize=12)
        (self._curve,) = loss.plot([], [], color="#1f2328", linewidth=2, marker="o", markevery=[-1])
        loss.set_title("loss (softmax cross-entropy)", fontsize=15)
        loss.set_xlabel("step", fontsize=14)
        loss.tick_params(labelsize=12)
        loss.grid(alpha=0.3)
        self._figure, self._figure_for, self._loss_axes = figure, p.X, loss


def _rgb(colour: str) -> tuple[float, float, float]:
    return tuple(int(colour[i: i + 2], 16) / 255 for i in (1, 3, 5))


def playground_widget(playground: Playground):
    """``playground.widget()``: its view's box, made on the first call and kept."""
    if playground._view is None:
        playground._view = PlaygroundView(playground)
    return playground._view.box
