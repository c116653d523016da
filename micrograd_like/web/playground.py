"""Watch a network learn, in a notebook or a page: TensorFlow Playground's experience, on this engine.

A :class:`Playground` holds a two-dimensional data set (moons, circles, xor or spiral), an MLP
with one output score per class, and plain gradient descent on the softmax cross-entropy of
all the points.  In a notebook it shows itself as a view with Play / Pause / Step, the loss
curve and the decision boundary updating as it trains, controls for the learning rate, the
hidden layers, the activation, the initialisation, the data set and its noise, and a button
that opens the chain rule behind the picture: the backward pass of one point's loss, step by
step (:meth:`Playground.point_steps`).

It works without a notebook too:

>>> from micrograd_like.web.playground import Playground
>>> playground = Playground(dataset="xor", hidden=(4,), seed=0)
>>> playground.step(20)
>>> len(playground.losses), playground.losses[-1] < playground.losses[0]
(21, True)
>>> steps = playground.point_steps(0)     # the backward pass of point 0's loss
>>> steps.root.label
'loss'

``losses[k]`` is the loss after k updates (``losses[0]``: before any).  Each update builds
the graph of every point's loss once and walks it back once; the picture is computed from
the weights with plain numbers (numpy, or plain floats without it), not Values, so a frame
costs little beyond the step.  What shows it (a :class:`~micrograd_like.web.training_panel.TrainingPanel`)
is told after each change.  (``micrograd_like.notebook.playground`` gives the same names.)
"""

from __future__ import annotations

import asyncio
import math
import numbers
from collections.abc import Sequence

from ..compiler.compiled import CompiledLoss
from ..engine.value import Value
from ..nn import datasets
from ..nn.grids import outputs_on_grid
from ..nn.losses import softmax_cross_entropy
from ..nn.modules import ACTIVATIONS, INITS, MLP
from ..nn.optim import SGD, Diverged
from ..nn.validation import finite_number, whole_number
from ..offers import offer
from ..teach.stepper import Stepper, backward_steps

__all__ = ["Playground", "Diverged", "DATASETS", "CLASS_COLOURS"]

DATASETS = {
    "moons": datasets.make_moons,
    "circles": datasets.make_circles,
    "xor": datasets.make_xor,
    "spiral": datasets.make_spiral,
}
"""The data sets a playground can learn, by name: each ``make_*(n_samples, noise=, seed=)``."""

CLASS_COLOURS = ("#4575b4", "#d73027", "#1a9850", "#984ea3", "#f59322")
"""Each class's colour, class 0 first (blue, red, green, purple, orange), in the training view
and in the course's own plots (notebook 4): a class is one colour everywhere."""

MAX_PARAMETERS = 2000
"""The most weights and biases a playground's network may have.  Every step runs every point
through every weight, and building the network traces that whole graph once (about a second per
thousand parameters on a small laptop); past this a step is too slow to watch, and a size typed
by mistake (100000) would keep the notebook busy for minutes."""

MAX_HIDDEN_LAYERS = 8
"""The most hidden layers a playground's network may have (TensorFlow Playground's: 6)."""


class Playground:
    """An MLP learning a 2-D data set by gradient descent (see the module docs).

    ``hidden`` gives the hidden layers' sizes (``()`` for none: a linear classifier);
    ``activation`` and ``init`` are any of :data:`micrograd_like.nn.ACTIVATIONS` and
    :data:`micrograd_like.nn.INITS`; the output layer is linear, one score per class.
    Changing ``learning_rate`` takes effect at the next step; :meth:`rebuild` starts again
    with new settings (new data and weights, drawn from ``seed``).
    """

    def __init__(
        self,
        dataset: str = "moons",
        hidden: Sequence[int] = (8, 8),
        activation: str = "relu",
        init: str = "he",
        learning_rate: float = 0.1,
        noise: float = 0.1,
        n_samples: int = 100,
        seed: int = 0,
    ) -> None:
        self.learning_rate = learning_rate
        self._task: asyncio.Task | None = None
        self._view = None  # what shows it (a TrainingPanel): told by show(), show_playing() and say()
        self._widget = None  # its notebook widget, once made (see widget())
        self.rebuild(dataset=dataset, hidden=hidden, activation=activation, init=init, noise=noise,
                     n_samples=n_samples, seed=seed)

    # -- settings ---------------------------------------------------------------------------------

    @property
    def learning_rate(self) -> float:
        """The step size of gradient descent: ``p -= learning_rate * p.grad``."""
        return self._learning_rate

    @learning_rate.setter
    def learning_rate(self, value: float) -> None:
        self._learning_rate = finite_number(value, "learning_rate", positive=True)
        if getattr(self, "optimizer", None) is not None:
            self.optimizer.lr = self._learning_rate

    def rebuild(self, **settings) -> None:
        """Start again: new data and a new model from the settings given (the others kept).

        The settings are those of the constructor but ``learning_rate`` (which needs no
        restart); a bad one is refused before anything changes.
        """
        current = getattr(self, "settings", {})
        unknown = set(settings) - {"dataset", "hidden", "activation", "init", "noise", "n_samples", "seed"}
        if unknown:
            raise TypeError(f"unknown settings: {', '.join(sorted(unknown))}")
        new = {**current, **settings}
        if new["dataset"] not in DATASETS:
            raise ValueError(f"unknown dataset: {new['dataset']!r} (must be one of {', '.join(DATASETS)})")
        hidden = new["hidden"]
        if isinstance(hidden, (int, str)) or not isinstance(hidden, Sequence):
            raise TypeError(f"hidden must be a list of layer sizes, e.g. (8, 8), got {hidden!r}")
        for size in hidden:
            whole_number(size, "each hidden layer size")
        if len(hidden) > MAX_HIDDEN_LAYERS:
            raise ValueError(f"{len(hidden)} hidden layers: the playground takes at most {MAX_HIDDEN_LAYERS}, "
                             "so that each step can be watched")
        if new["activation"] not in ACTIVATIONS:
            raise ValueError(f"unknown activation: {new['activation']!r} (must be one of {', '.join(ACTIVATIONS)})")
        if new["init"] not in INITS:
            raise ValueError(f"unknown init: {new['init']!r} (must be one of {', '.join(INITS)})")
        whole_number(new["seed"], "seed", minimum=0)
        X, y = DATASETS[new["dataset"]](new["n_samples"], noise=new["noise"], seed=new["seed"])
        classes = max(y) + 1
        _check_size(tuple(hidden), classes)
        model = MLP(2, [*hidden, classes], activation=new["activation"], init=new["init"], seed=new["seed"])
        new["hidden"] = tuple(hidden)
        self.pause()
        self.settings = new
        self.X, self.y, self.classes = X, y, classes
        self.model = model
        self.optimizer = SGD(model.parameters(), lr=self.learning_rate)
        self.losses: list[float] = []
        self.accuracies: list[float] = []
        try:  # the loss traced once and compiled: each step is one call on floats
            self._loss = CompiledLoss(model, X, y, softmax_cross_entropy)
        except OverflowError:
            raise self._diverged() from None
        self._measure()  # the loss and accuracy as the model is now; the gradients ready for the next step
        if self._view is not None:
            self._view.show()

    # -- training ---------------------------------------------------------------------------------

    def _measure(self) -> None:
        """The loss of every point at the current weights (the gradients set): record it and the accuracy."""
        try:
            loss, outputs = self._loss.run()
        except (ArithmeticError, ValueError):
            raise self._diverged() from None
        if not math.isfinite(loss):
            raise self._diverged(loss)
        hits = sum(_argmax(out) == label for out, label in zip(outputs, self.y))
        self.losses.append(loss)
        self.accuracies.append(hits / len(self.y))

    def _diverged(self, loss: float | None = None) -> Diverged:
        """The loss of the state being measured (one after those recorded) blew up."""
        return Diverged(len(self.losses), loss, f"lower the learning rate (now {self.learning_rate:g}) and rebuild")

    def step(self, n: int = 1) -> None:
        """Make ``n`` updates of gradient descent on the whole data set; the loss after each is
        appended to :attr:`losses`.  Each step runs the loss's compiled code (the graph traced
        once, :class:`~micrograd_like.compiler.compiled.CompiledLoss`): the same numbers as building the
        graph and calling ``backward()``, bit for bit, in a fraction of the time."""
        whole_number(n, "n (the number of steps)")
        for _ in range(n):
            self.optimizer.step()
            self._measure()
        if self._view is not None:
            self._view.show()

    @property
    def steps_done(self) -> int:
        """How many updates have been made."""
        return len(self.losses) - 1

    # -- playing in the notebook's event loop -------------------------------------------------------

    @property
    def playing(self) -> bool:
        """True while :meth:`play` is training."""
        return self._task is not None and not self._task.done()

    def play(self, frame: float = 0.05) -> asyncio.Task:
        """Train one step per frame, in the background of the notebook's event loop, until
        :meth:`pause`; the view redraws after each step.  Between steps the loop is given back
        (``frame`` seconds at least), so clicks and other cells are handled meanwhile."""
        finite_number(frame, "frame")
        if self.playing:
            return self._task
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            raise RuntimeError("play() trains in the background of a running event loop (a notebook's); "
                               "in a script, call step(n)") from None
        self._task = loop.create_task(self._play(frame))
        if self._view is not None:
            self._view.show_playing()
        return self._task

    async def _play(self, frame: float) -> None:
        try:
            while True:
                try:
                    self.step()
                except Diverged as error:
                    if self._view is not None:
                        self._view.say(str(error))
                    return
                await asyncio.sleep(frame)  # one step per frame: the loop handles clicks in between
        finally:
            if self._view is not None:
                self._view.show_playing(False)

    def pause(self) -> None:
        """Stop :meth:`play` (after the step it is making, if any)."""
        if self.playing:
            self._task.cancel()
        self._task = None
        if self._view is not None:
            self._view.show_playing(False)

    # -- one point's chain rule ---------------------------------------------------------------------

    def point_steps(self, i: int) -> Stepper:
        """The backward pass of point ``i``'s loss at the current weights, as a :class:`Stepper`.

        The loss is the point's softmax cross-entropy, written so that its first steps read
        plainly: ``loss = log_sum_exp - (z_label - max)`` (see :func:`_point_loss`).
        The inputs are labelled ``x0``, ``x1`` and the output ``loss``; the parameters keep
        their labels (``layers[0].neurons[1].w[0]``); each neuron's weighted sum is labelled
        ``z[l][n]`` and its activation ``a[l][n]`` (layer ``l``, neuron ``n``, as the parameters
        are numbered), so the words and drawings name them shortly.  The parameters' gradients
        are zeroed first, so each step's numbers are this point's alone.
        """
        if isinstance(i, bool) or not isinstance(i, numbers.Integral):
            raise TypeError(f"a point is a whole number, its place in the data set (0 to {len(self.X) - 1}), "
                            f"got {i!r}")
        if not 0 <= i < len(self.X):
            raise IndexError(f"no point {int(i)}: the data set has points 0 to {len(self.X) - 1}")
        i = int(i)
        self.pause()
        x = [Value(v, label=f"x{k}", requires_grad=False) for k, v in enumerate(self.X[i])]
        loss = _point_loss(self.model.outputs(x), self.y[i])
        _label_neurons(self.model, loss)
        self.model.zero_grad()
        return backward_steps(loss)

    # -- the picture --------------------------------------------------------------------------------

    def probabilities(self, xs, ys):
        """Each class's probability (softmax of the scores) on the grid ``xs`` × ``ys``: an array
        of shape (classes, len(ys), len(xs)), computed from the weights with numpy, not Values;
        without numpy, nested lists of floats in the same order, ``[k][j][i]``."""
        a = outputs_on_grid(self.model, xs, ys)
        try:
            import numpy as np
        except ImportError:
            return _softmax_lists(a)
        a = np.exp(a - a.max(axis=0))
        return a / a.sum(axis=0)

    widget = offer("Playground.widget", """The interactive view (an ``anywidget.AnyWidget``; the same one
        every time), made in :mod:`micrograd_like.notebook.playground_view`.  Without anywidget, an
        ImportError that gives the install command.""")

    def _ipython_display_(self) -> None:
        from IPython.display import display

        try:
            box = self.widget()
        except ImportError as error:
            display(f"{self!r}\n{error}")
            return
        display(box)

    def __repr__(self) -> str:
        s = self.settings
        return (f"Playground({s['dataset']}, {self.model!r}, learning rate {self.learning_rate:g}: "
                f"{self.steps_done} steps, loss {self.losses[-1]:.4g}, accuracy {self.accuracies[-1]:.0%})")


def _check_size(hidden: tuple[int, ...], classes: int) -> None:
    """Refuse a network of more than :data:`MAX_PARAMETERS`, before anything is built: each layer
    has a weight per input and neuron, and a bias per neuron."""
    sizes = (2, *hidden, classes)
    parameters = sum((fan_in + 1) * fan_out for fan_in, fan_out in zip(sizes, sizes[1:]))
    if parameters > MAX_PARAMETERS:
        raise ValueError(f"hidden layers {hidden} make {parameters:,} parameters: the playground takes at most "
                         f"{MAX_PARAMETERS:,} parameters, so that each step can be watched "
                         "(every step runs every point through every weight)")


def _point_loss(scores: list[Value], label: int) -> Value:
    """One point's softmax cross-entropy, ``log(sum_j exp(z_j - max)) - (z_label - max)``: the
    very term :func:`~micrograd_like.nn.losses.softmax_cross_entropy` computes for it (the same
    number), without the mean's ``*1.0`` over one point, and with its pieces named (``max`` the
    largest score, a constant; ``sum_exp``, ``log_sum_exp``) so that the steps say
    ``loss = log_sum_exp - (z[2][1] - max)``, not ``(log(…) - (… - …))*1.0``."""
    top = Value(max(z.data for z in scores), label="max", requires_grad=False)
    exps = [(z - top).exp() for z in scores]
    total = sum(exps[1:], exps[0])
    total.label = "sum_exp"
    log_sum_exp = total.log()
    log_sum_exp.label = "log_sum_exp"
    loss = log_sum_exp - (scores[label] - top)
    loss.label = "loss"
    return loss


def _label_neurons(model: MLP, loss: Value) -> None:
    """Label each neuron's weighted sum ``z[l][n]`` and its activation ``a[l][n]`` in ``loss``'s
    graph.  A weighted sum is known by its last operand, the neuron's bias (fused or not, the
    bias is added last); its activation is the node made from it alone."""
    from ..engine.backward import topological_order

    biases = {id(neuron.b): (li, ni)
              for li, layer in enumerate(model.layers) for ni, neuron in enumerate(layer.neurons)}
    sums = {}
    for node in topological_order(loss):
        if node.parents and not node.label and id(node.parents[-1]) in biases:
            li, ni = biases[id(node.parents[-1])]
            node.label = f"z[{li}][{ni}]"
            sums[node] = (li, ni)
        elif len(node.parents) == 1 and node.parents[0] in sums and not node.label:
            li, ni = sums[node.parents[0]]
            node.label = f"a[{li}][{ni}]"


def _softmax_lists(scores: list[list[list[float]]]) -> list[list[list[float]]]:
    """The softmax over the classes (the first index) of scores ``[k][j][i]``, in plain floats."""
    rows, columns = len(scores[0]), len(scores[0][0])
    out = [[[0.0] * columns for _ in range(rows)] for _ in scores]
    for j in range(rows):
        for i in range(columns):
            top = max(s[j][i] for s in scores)
            exps = [math.exp(s[j][i] - top) for s in scores]
            total = sum(exps)
            for k, e in enumerate(exps):
                out[k][j][i] = e / total
    return out


def _argmax(values: list[float]) -> int:
    return max(range(len(values)), key=values.__getitem__)
