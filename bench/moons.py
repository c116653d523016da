"""W1: one training step of micrograd's moons demo, in five implementations.

micrograd's demo notebook trains ``MLP(2, [16, 16, 1])`` on 100 "moons" points with a
max-margin (hinge) loss plus L2 regularisation:

    losses = [(1 + -yi*scorei).relu() for yi, scorei in zip(yb, scores)]
    data_loss = sum(losses) * (1.0 / len(losses))
    reg_loss = alpha * sum((p*p for p in model.parameters()))      # alpha = 1e-4
    total_loss = data_loss + reg_loss

then ``model.zero_grad(); total_loss.backward()`` and an SGD update ``p.data -= lr * p.grad``.
Every implementation here does exactly that step, from the same initial weights, in four
timed phases: forward (build the graph and the loss), backward (zero the parameters'
gradients, then backpropagate), update (SGD) and free (drop the graph and let
``gc.collect()`` reclaim whatever reference cycles it left).
"""

from __future__ import annotations

import gc
import math
import random
from operator import mul

__all__ = ["make_moons", "initial_weights", "flat", "variants", "ALPHA", "SIZES"]

SIZES = (2, 16, 16, 1)
ALPHA = 1e-4


def make_moons(n: int = 100, noise: float = 0.1, seed: int = 1337) -> tuple[list[list[float]], list[float]]:
    """Two interleaving half circles (sklearn's ``make_moons``, in plain Python); labels are -1/+1."""
    rng = random.Random(seed)
    n_out = n // 2
    n_in = n - n_out

    def arc(count: int) -> list[float]:
        return [math.pi * i / (count - 1) if count > 1 else 0.0 for i in range(count)]

    points = [[math.cos(t), math.sin(t)] for t in arc(n_out)]
    points += [[1 - math.cos(t), 1 - math.sin(t) - 0.5] for t in arc(n_in)]
    labels = [-1.0] * n_out + [1.0] * n_in
    order = list(range(n))
    rng.shuffle(order)
    X = [[points[i][0] + rng.gauss(0, noise), points[i][1] + rng.gauss(0, noise)] for i in order]
    y = [labels[i] for i in order]
    return X, y


def initial_weights(sizes: tuple[int, ...] = SIZES, seed: int = 1337) -> list[list[tuple[list[float], float]]]:
    """micrograd's initialisation: weights uniform in [-1, 1], biases 0; one (w, b) per neuron."""
    rng = random.Random(seed)
    return [
        [([rng.uniform(-1, 1) for _ in range(nin)], 0.0) for _ in range(nout)] for nin, nout in zip(sizes, sizes[1:])
    ]


def flat(weights) -> list[float]:
    """The parameters in micrograd's order: layer by layer, neuron by neuron, weights then bias."""
    return [p for layer in weights for w, b in layer for p in (*w, b)]


# -- the demo, written once for any engine whose scalars support + * relu() -----------------------


def mlp_forward(layers, x):
    """micrograd's MLP, node for node: each neuron is ``sum(w*x, b)``, then ReLU except the last layer."""
    last = len(layers) - 1
    for depth, layer in enumerate(layers):
        outs = []
        for w, b in layer:
            act = sum((wi * xi for wi, xi in zip(w, x)), b)
            outs.append(act if depth == last else act.relu())
        x = outs
    return x[0]


def demo_loss(scores, y, params):
    """The demo's loss, exactly: mean hinge loss plus ``alpha * sum(p*p)``."""
    losses = [(1 + -yi * scorei).relu() for yi, scorei in zip(y, scores)]
    data_loss = sum(losses) * (1.0 / len(losses))
    reg_loss = ALPHA * sum(p * p for p in params)
    return data_loss + reg_loss


class Step:
    """One implementation of the step; subclasses fill in the phases."""

    name = ""
    note = ""

    def phases(self, lr: float):
        return [
            ("forward", self.forward),
            ("backward", self.backward),
            ("update", lambda: self.update(lr)),
            ("free", self.free),
        ]

    def free(self) -> None:
        self.loss = None
        gc.collect()


class ScalarGraphStep(Step):
    """Our Value or micrograd's Value: the parameters are scalars with ``.data`` and ``.grad``."""

    def __init__(self, value_type, layers, params, X, y, model=None) -> None:
        self.value_type = value_type
        self.layers = layers
        self.params = params
        self.model = model
        self.X, self.y = X, y
        self.loss = None

    def forward(self) -> None:
        V = self.value_type
        inputs = [[V(v) for v in row] for row in self.X]
        if self.model is not None:
            scores = [_single(self.model(x)) for x in inputs]
        else:
            scores = [mlp_forward(self.layers, x) for x in inputs]
        self.loss = demo_loss(scores, self.y, self.params)

    def backward(self) -> None:
        for p in self.params:
            p.grad = 0.0
        self.loss.backward()

    def update(self, lr: float) -> None:
        for p in self.params:
            p.data -= lr * p.grad

    def gradients(self) -> list[float]:
        return [float(p.grad) for p in self.params]

    def loss_value(self) -> float:
        return float(self.loss.data)


def _single(out):
    """A network's one output, whether it comes back alone or in a one-element list."""
    if isinstance(out, (list, tuple)):
        (out,) = out
    return out


def ours_raw(weights, X, y) -> Step:
    from micrograd_like import Value

    layers = [[([Value(v) for v in w], Value(b)) for w, b in layer] for layer in weights]
    params = [p for layer in layers for w, b in layer for p in (*w, b)]
    step = ScalarGraphStep(Value, layers, params, X, y)
    step.name = "ours, raw Value ops"
    return step


def ours_mlp(weights, X, y) -> Step | str:
    """Our package's own MLP, or a note saying why it is not there."""
    try:
        from micrograd_like import nn
    except ImportError:
        return "micrograd_like.nn is not in this version of the package yet"
    from micrograd_like import Value

    model = nn.MLP(SIZES[0], list(SIZES[1:]))
    params = list(model.parameters())
    values = flat(weights)
    if len(params) != len(values):
        return f"micrograd_like.nn.MLP has {len(params)} parameters, the demo's network {len(values)}"
    for p, v in zip(params, values):
        p.data = v
    step = ScalarGraphStep(Value, None, params, X, y, model=model)
    step.name = "ours, nn.MLP"
    return step


def micrograd(weights, X, y) -> Step | str:
    try:
        from micrograd.engine import Value
        from micrograd.nn import MLP
    except ImportError:
        return "micrograd is not installed (pip install micrograd==0.1.0, or pip install -e '.[bench]')"
    model = MLP(SIZES[0], list(SIZES[1:]))
    params = model.parameters()
    for p, v in zip(params, flat(weights)):
        p.data = v
    step = ScalarGraphStep(Value, None, params, X, y, model=model)
    step.name = "micrograd 0.1.0"
    return step


class TorchStep(Step):
    """PyTorch autograd on 0-d float64 tensors: the same graph of scalar operations."""

    name = "PyTorch, scalar tensors"

    def __init__(self, torch, weights, X, y) -> None:
        self.torch = torch

        def scalar(v: float, grad: bool = False):
            return torch.tensor(v, dtype=torch.float64, requires_grad=grad)

        self.scalar = scalar
        self.layers = [[([scalar(v, True) for v in w], scalar(b, True)) for w, b in layer] for layer in weights]
        self.params = [p for layer in self.layers for w, b in layer for p in (*w, b)]
        self.X, self.y = X, y
        self.loss = None

    def forward(self) -> None:
        inputs = [[self.scalar(v) for v in row] for row in self.X]
        scores = [mlp_forward(self.layers, x) for x in inputs]
        self.loss = demo_loss(scores, self.y, self.params)

    def backward(self) -> None:
        for p in self.params:
            p.grad = None
        self.loss.backward()

    def update(self, lr: float) -> None:
        with self.torch.no_grad():
            for p in self.params:
                p -= lr * p.grad

    def gradients(self) -> list[float]:
        return [p.grad.item() for p in self.params]

    def loss_value(self) -> float:
        return self.loss.item()


def pytorch(weights, X, y) -> Step | str:
    try:
        import torch
    except ImportError:
        return (
            "PyTorch is not installed (CPU build: pip install torch --index-url https://download.pytorch.org/whl/cpu)"
        )
    torch.set_num_threads(1)  # scalar work: threads only add hand-offs on a 2-core machine
    step = TorchStep(torch, weights, X, y)
    step.note = f"torch {torch.__version__}"
    return step


class HandDerived(Step):
    """The same step on plain floats, gradient derived by hand: the floor no graph can beat.

    Forward keeps each layer's input and pre-activation per point; backward runs the chain
    rule layer by layer (``dL/dz`` times the layer's input for the weights, times the
    weights for the layer's input, masked by ReLU's derivative).
    """

    name = "hand-derived floats"

    def __init__(self, weights, X, y) -> None:
        self.W = [[list(w) for w, _ in layer] for layer in weights]
        self.B = [[b for _, b in layer] for layer in weights]
        self.X, self.y = X, y
        self.tape: list = []
        self.loss = 0.0
        self.gW: list = []
        self.gB: list = []

    def forward(self) -> None:
        W, B = self.W, self.B
        last = len(W) - 1
        losses = []
        tape = []
        for x, yi in zip(self.X, self.y):
            inputs, pre = [], []
            h = x
            for depth, (Wl, Bl) in enumerate(zip(W, B)):
                z = [sum(map(mul, w, h), b) for w, b in zip(Wl, Bl)]
                inputs.append(h)
                pre.append(z)
                h = z if depth == last else [v if v > 0 else 0.0 for v in z]
            margin = 1 + -yi * h[0]
            losses.append(margin if margin > 0 else 0.0)
            tape.append((inputs, pre, margin, yi))
        data_loss = sum(losses) * (1.0 / len(losses))
        reg_loss = ALPHA * sum(p * p for Wl, Bl in zip(W, B) for w, b in zip(Wl, Bl) for p in (*w, b))
        self.loss = data_loss + reg_loss
        self.tape = tape

    def backward(self) -> None:
        W, B = self.W, self.B
        scale = 1.0 / len(self.X)
        gW = [[[2 * ALPHA * p for p in w] for w in Wl] for Wl in W]  # d(alpha * p*p)/dp
        gB = [[2 * ALPHA * b for b in Bl] for Bl in B]
        columns = [list(zip(*Wl)) for Wl in W]  # column k: the weights that read input k
        for inputs, pre, margin, yi in self.tape:
            if margin <= 0:  # ReLU of the hinge is flat here: this point adds nothing
                continue
            g = [-yi * scale]  # dL/d(score)
            for depth in range(len(W) - 1, -1, -1):
                h = inputs[depth]
                gw, gb = gW[depth], gB[depth]
                for j, gj in enumerate(g):
                    if gj:
                        gb[j] += gj
                        gw[j] = [a + gj * hk for a, hk in zip(gw[j], h)]
                if depth:
                    g = [sum(map(mul, g, col)) if z > 0 else 0.0 for col, z in zip(columns[depth], pre[depth - 1])]
        self.gW, self.gB = gW, gB

    def update(self, lr: float) -> None:
        for Wl, Bl, gWl, gBl in zip(self.W, self.B, self.gW, self.gB):
            for j, (w, gw) in enumerate(zip(Wl, gWl)):
                Wl[j] = [p - lr * g for p, g in zip(w, gw)]
                Bl[j] -= lr * gBl[j]

    def free(self) -> None:
        self.tape = []
        gc.collect()

    def gradients(self) -> list[float]:
        return [g for gWl, gBl in zip(self.gW, self.gB) for gw, gb in zip(gWl, gBl) for g in (*gw, gb)]

    def loss_value(self) -> float:
        return self.loss


class CompiledStep(Step):
    """Our nn.MLP's step traced once and compiled (``compile_graph``): then plain floats, each step.

    Building the step (trace the loss, write the code, Python's ``compile``) is timed apart:
    ``compile_seconds``.  Each step calls the compiled function once, with the parameters'
    current numbers: its forward and backward are one call, timed as "forward".  The points
    are traced as plain numbers (constants), as a training loop passes them: the other rows
    make them Values, whose gradients nobody reads.
    """

    name = "ours, compiled step"

    def __init__(self, weights, X, y) -> None:
        import time

        from micrograd_like import compile_graph

        traced = ours_mlp(weights, X, y)
        started = time.perf_counter()
        scores = [traced.model(x) for x in X]  # the points as plain numbers: constants, no gradient
        self.function = compile_graph(demo_loss(scores, y, traced.params), traced.params)
        self.compile_seconds = time.perf_counter() - started
        self.lines = self.function.source.count("\n")
        self.values = [p.data for p in traced.params]
        self.loss, self.grads = 0.0, ()

    def forward(self) -> None:
        self.loss, self.grads = self.function(*self.values)

    def backward(self) -> None:
        pass  # done by the same call

    def update(self, lr: float) -> None:
        self.values = [p - lr * g for p, g in zip(self.values, self.grads)]

    def free(self) -> None:
        gc.collect()  # no graph to drop: the same as every other row's phase

    def gradients(self) -> list[float]:
        return list(self.grads)

    def loss_value(self) -> float:
        return self.loss


def ours_compiled(weights, X, y) -> Step | str:
    try:
        from micrograd_like import compile_graph  # noqa: F401
    except ImportError:
        return "micrograd_like.compile_graph is not in this version of the package yet"
    step = CompiledStep(weights, X, y)
    step.note = f"compiled once in {step.compile_seconds:.2f} s (trace, write {step.lines:,} lines, compile)"
    return step


def hand_derived(weights, X, y) -> Step:
    return HandDerived(weights, X, y)


def variants(weights, X, y) -> list[tuple[str, Step | str]]:
    """Every implementation, keyed by a short id; a str in place of a Step says why it is missing."""
    return [
        ("ours_mlp", ours_mlp(weights, X, y)),
        ("ours_raw", ours_raw(weights, X, y)),
        ("ours_compiled", ours_compiled(weights, X, y)),
        ("micrograd", micrograd(weights, X, y)),
        ("torch", pytorch(weights, X, y)),
        ("hand", hand_derived(weights, X, y)),
    ]
