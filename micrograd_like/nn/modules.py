"""Neurons, layers and multi-layer perceptrons built from Values.

A neuron computes a weighted sum of its inputs plus a bias, then an activation:
``act(w[0]*x[0] + w[1]*x[1] + ... + b)``.  A layer is a list of neurons that all see the same
inputs; an MLP feeds each layer's outputs to the next.  The defaults are micrograd's (ReLU
hidden layers, a linear output layer, weights uniform in [-1, 1], biases 0), so code written
for micrograd runs with the import changed:

>>> import random
>>> from micrograd_like.nn import MLP
>>> random.seed(1337)
>>> model = MLP(2, [16, 16, 1])
>>> model
MLP(2 -> 16 relu -> 16 relu -> 1 linear; 337 parameters)
>>> score = model([2.0, -1.0])       # one output: a single Value, as in micrograd
>>> score.backward()
>>> len(model.parameters()), model.layers[0].neurons[0].w[0].label
(337, 'layers[0].neurons[0].w[0]')

Beyond micrograd: a choice of activation (``relu``, ``tanh``, ``sigmoid``, ``linear``), of
initialisation (micrograd's uniform(-1, 1), Xavier/Glorot, LeCun, He), and a ``seed`` (an int or a
:class:`random.Random`) for runs that repeat exactly:

>>> MLP(3, [4, 4, 1], activation="tanh", init="xavier", seed=0)
MLP(3 -> 4 tanh -> 4 tanh -> 1 linear; 41 parameters)
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable, Iterable, Sequence

from ..engine import value
from ..engine.value import Value
from ..offers import offer
from . import activations
from .validation import generator, whole_number

__all__ = ["Module", "Neuron", "Layer", "MLP", "weighted_sum", "ACTIVATIONS", "INITS"]


def weighted_sum(w: Sequence[Value], x: Sequence, b: Value, fused: bool = True) -> Value:
    """``b + w[0]*x[0] + w[1]*x[1] + ...``: the pre-activation of one neuron.

    Fused (the default), it is one Σ node with every weight, input and the bias as operands
    (:func:`micrograd_like.weighted_sum`): a graph a tenth the size, and much faster.
    Unfused, it is micrograd's chain of ``*`` and ``+`` nodes, for a teacher who wants to show
    every multiplication.  Both give the same numbers, bit for bit, and the same gradients.
    """
    if fused:
        return value.weighted_sum(w, x, b)
    return sum((wi * xi for wi, xi in zip(w, x)), b)


# -- activations: each works on a Value (building a node) and on a plain float -----------------

ACTIVATIONS: dict[str, Callable] = {name: row.function for name, row in activations.TABLE.items()}
"""The activation functions by name; each takes a Value (or a float) and returns the same kind.
(Read from :data:`micrograd_like.nn.activations.TABLE`, where a new one is added.)"""


# -- initialisation schemes: (fan_in, fan_out, rng) -> one weight ------------------------------


def _micrograd_uniform(fan_in: int, fan_out: int, rng) -> float:
    """Uniform in [-1, 1], whatever the layer's size: micrograd's choice."""
    return rng.uniform(-1, 1)


def _xavier_uniform(fan_in: int, fan_out: int, rng) -> float:
    """Glorot & Bengio (2010): uniform in [-a, a], a = sqrt(6 / (fan_in + fan_out)).

    The variance is a²/3 = 2 / (fan_in + fan_out): it keeps the size of both the signal
    going forward and the gradient coming back roughly the same from layer to layer, for
    activations that are close to linear around 0 (tanh, sigmoid).
    """
    a = math.sqrt(6.0 / (fan_in + fan_out))
    return rng.uniform(-a, a)


def _lecun_normal(fan_in: int, fan_out: int, rng) -> float:
    """LeCun et al. (1998): normal with mean 0 and variance 1 / fan_in.

    A weighted sum of fan_in inputs of size about 1 then has size about 1 too: the signal
    keeps its size through a layer of units that are close to linear around 0 (tanh).
    """
    return rng.gauss(0.0, math.sqrt(1.0 / fan_in))


def _he_normal(fan_in: int, fan_out: int, rng) -> float:
    """He et al. (2015): normal with mean 0 and variance 2 / fan_in.

    ReLU zeroes half of its inputs, halving the signal's variance; the factor 2 makes up for
    it, so deep ReLU networks keep their activations and gradients at a steady size.
    """
    return rng.gauss(0.0, math.sqrt(2.0 / fan_in))


INITS: dict[str, Callable[[int, int, random.Random], float]] = {
    "micrograd": _micrograd_uniform,
    "uniform": _micrograd_uniform,
    "xavier": _xavier_uniform,
    "glorot": _xavier_uniform,
    "lecun": _lecun_normal,
    "he": _he_normal,
    "kaiming": _he_normal,
}
"""Weight initialisation schemes by name: each draws one weight from (fan_in, fan_out, rng).

Biases start at 0 in every scheme.  A callable with the same signature may be passed as
``init=`` too, e.g. ``init=lambda fan_in, fan_out, rng: rng.gauss(0, 0.1)``.
"""


def _generator(seed: int | random.Random | None):
    """The generator weights are drawn from; ``None`` means Python's global ``random``, as in
    micrograd (so ``random.seed(1337)`` before ``MLP(...)`` repeats micrograd's weights)."""
    return generator(seed, none_means_global=True)


def _activation_name(activation: str) -> str:
    if activation not in ACTIVATIONS:
        raise ValueError(f"unknown activation: {activation!r} (must be one of {sorted(ACTIVATIONS)})")
    return activation


def _init_function(init: str | Callable) -> Callable:
    if callable(init):
        return init
    if init not in INITS:
        raise ValueError(f"unknown init: {init!r} (must be one of {sorted(INITS)} or a callable)")
    return INITS[init]


def _inputs(x: object, nin: int, who: str) -> Sequence:
    """``x`` as a sequence of nin inputs, or a clear error (zip would silently drop extras)."""
    if isinstance(x, (Value, int, float)) or not isinstance(x, Iterable):
        raise TypeError(f"{who} expects a sequence of {nin} inputs, got {type(x).__name__}: {x!r}")
    if not isinstance(x, Sequence):
        x = list(x)
    if len(x) != nin:
        raise ValueError(f"{who} expects {nin} inputs, got {len(x)}")
    # Plain numbers become constants once here, not once in every neuron that reads them.
    return [xi if isinstance(xi, Value) else Value(xi, requires_grad=False) for xi in x]


class Module:
    """Anything with parameters: ``parameters()``, ``zero_grad()`` and ``num_parameters()``.

    A module maps inputs to a list of outputs with :meth:`outputs`; calling it returns that
    list, or the single Value when there is one output (micrograd's convention).
    """

    def outputs(self, x: Sequence) -> list[Value]:
        """The module's outputs for the inputs ``x``, as a list (even when there is one)."""
        raise NotImplementedError(f"{type(self).__name__} does not define outputs()")

    def __call__(self, x: Sequence) -> Value | list[Value]:
        out = self.outputs(x)
        return out[0] if len(out) == 1 else out

    def parameters(self) -> list[Value]:
        """The trainable Values, in a fixed order."""
        return []

    def zero_grad(self) -> None:
        """Set every parameter's gradient to 0.0 (do it before each ``backward()``)."""
        for p in self.parameters():
            p.grad = 0.0

    def num_parameters(self) -> int:
        """How many numbers training adjusts."""
        return len(self.parameters())

    to_torch = offer("Module.to_torch", """``to_torch()``: the same network in PyTorch, a float64
        ``torch.nn.Sequential`` holding a copy of these weights.

        Its outputs and its parameters' gradients equal ours to rounding error (see
        :mod:`micrograd_like.nn.pytorch`).  Needs PyTorch (``pip install -e '.[torch]'``); without it,
        an ImportError says how to install it.""")

    def _label(self, prefix: str) -> None:
        """Name every parameter by the attribute path that reaches it, e.g. ``layers[0].neurons[2].w[1]``."""


class Neuron(Module):
    """One neuron: ``activation(w · x + b)`` with ``nin`` weights ``w`` and a bias ``b``.

    ``nonlin=True`` means ReLU and ``nonlin=False`` linear, as in micrograd; ``activation=``
    names any of :data:`ACTIVATIONS` instead.  ``fan_out`` is the size of the layer the neuron
    belongs to (Xavier's scale uses it; a neuron on its own has one output).  ``fused=False``
    builds the weighted sum from single ``*`` and ``+`` nodes (see :func:`weighted_sum`).

    >>> n = Neuron(2, activation="tanh", seed=0)
    >>> n
    Neuron(2 -> tanh; 3 parameters)
    >>> [p.label for p in n.parameters()]
    ['w[0]', 'w[1]', 'b']
    """

    def __init__(
        self,
        nin: int,
        nonlin: bool = True,
        *,
        activation: str | None = None,
        init: str | Callable = "micrograd",
        seed: int | random.Random | None = None,
        fan_out: int = 1,
        fused: bool = True,
    ) -> None:
        whole_number(nin, "nin (the number of inputs)")
        if activation is None:
            activation = "relu" if nonlin else "linear"
        elif not nonlin and activation != "linear":
            raise ValueError(f"nonlin=False means a linear neuron, but activation={activation!r} was also given")
        self.activation = _activation_name(activation)
        self.init = init
        draw, rng = _init_function(init), _generator(seed)
        self.w = [Value(draw(nin, fan_out, rng), label=f"w[{i}]") for i in range(nin)]
        self.b = Value(0.0, label="b")
        self._act = ACTIVATIONS[self.activation]
        self.fused = fused

    @property
    def nonlin(self) -> bool:
        """micrograd's flag: True unless the neuron is linear."""
        return self.activation != "linear"

    def outputs(self, x: Sequence) -> list[Value]:
        """The neuron's output, as a one-element list (calling the neuron gives the Value)."""
        return [self._fire(_inputs(x, len(self.w), repr(self)))]

    def _fire(self, x: Sequence) -> Value:
        return self._act(weighted_sum(self.w, x, self.b, self.fused))

    def parameters(self) -> list[Value]:
        """The weights, then the bias (micrograd's order)."""
        return self.w + [self.b]

    def _label(self, prefix: str) -> None:
        for i, w in enumerate(self.w):
            w.label = f"{prefix}w[{i}]"
        self.b.label = f"{prefix}b"

    def __repr__(self) -> str:
        return f"Neuron({len(self.w)} -> {self.activation}; {len(self.w) + 1} parameters)"


class Layer(Module):
    """``nout`` neurons that all read the same ``nin`` inputs.

    Keyword arguments go to each :class:`Neuron` (``nonlin``, ``activation``, ``init``,
    ``seed``).  Calling a layer returns a list of ``nout`` Values, or a single Value when
    ``nout`` is 1 (micrograd's convention); :meth:`outputs` always returns a list.
    """

    def __init__(self, nin: int, nout: int, **kwargs) -> None:
        whole_number(nin, "nin (the number of inputs)")
        whole_number(nout, "nout (the number of neurons)")
        kwargs["seed"] = _generator(kwargs.get("seed"))  # one generator for all neurons, not one seed each
        self.neurons = [Neuron(nin, fan_out=nout, **kwargs) for _ in range(nout)]
        self._label("")

    @property
    def nin(self) -> int:
        return len(self.neurons[0].w)

    def outputs(self, x: Sequence) -> list[Value]:
        """Every neuron's output, as a list (even when there is one)."""
        x = _inputs(x, self.nin, repr(self))
        return [n._fire(x) for n in self.neurons]

    def parameters(self) -> list[Value]:
        """Each neuron's weights then its bias, neuron by neuron."""
        return [p for n in self.neurons for p in n.parameters()]

    def _label(self, prefix: str) -> None:
        for i, n in enumerate(self.neurons):
            n._label(f"{prefix}neurons[{i}].")

    def _describe(self) -> str:
        kinds = {n.activation for n in self.neurons}
        return f"{len(self.neurons)} {kinds.pop() if len(kinds) == 1 else 'mixed'}"

    def __repr__(self) -> str:
        return f"Layer({self.nin} -> {self._describe()}; {self.num_parameters()} parameters)"


class MLP(Module):
    """A multi-layer perceptron: ``MLP(nin, [n1, n2, ..., nout])``.

    Hidden layers use ``activation`` (ReLU by default) and the last layer ``output``
    (linear by default: raw scores, which the losses in :mod:`micrograd_like.nn.losses` expect).
    Calling the model returns a single Value when the last layer has one neuron and a list
    otherwise (micrograd's convention); :meth:`outputs` always returns a list.
    """

    def __init__(
        self,
        nin: int,
        nouts: Sequence[int],
        *,
        activation: str = "relu",
        output: str = "linear",
        init: str | Callable = "micrograd",
        seed: int | random.Random | None = None,
        fused: bool = True,
    ) -> None:
        whole_number(nin, "nin (the number of inputs)")
        if isinstance(nouts, int) or not isinstance(nouts, Sequence) or not nouts:
            raise TypeError(f"nouts must be a non-empty list of layer sizes, e.g. [16, 16, 1], got {nouts!r}")
        for n in nouts:
            whole_number(n, "each layer size in nouts")
        _activation_name(activation)
        _activation_name(output)
        rng = _generator(seed)
        sizes = [nin, *nouts]
        last = len(nouts) - 1
        self.layers = [
            Layer(sizes[i], sizes[i + 1], activation=output if i == last else activation, init=init, seed=rng,
                  fused=fused)
            for i in range(len(nouts))
        ]
        self._label("")

    def outputs(self, x: Sequence) -> list[Value]:
        """The last layer's outputs, as a list (even when there is one)."""
        for layer in self.layers:
            x = layer.outputs(x)
        return x

    def parameters(self) -> list[Value]:
        """Layer by layer, neuron by neuron: each neuron's weights then its bias."""
        return [p for layer in self.layers for p in layer.parameters()]

    def _label(self, prefix: str) -> None:
        for i, layer in enumerate(self.layers):
            layer._label(f"{prefix}layers[{i}].")

    def __repr__(self) -> str:
        shape = " -> ".join([str(self.layers[0].nin)] + [layer._describe() for layer in self.layers])
        return f"MLP({shape}; {self.num_parameters()} parameters)"
