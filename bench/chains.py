"""W2 and W3: deep graphs, where a recursive traversal breaks and per-node cost must stay flat.

W2 is the chain ``x = tanh(x*a + b)`` repeated N times (3 nodes per link, N*3 deep);
W3 is ``sum(x*y for x, y in zip(xs, ys))`` over 10^5 pairs: Python's ``sum()`` adds one
product at a time, so the graph is a chain of additions 10^5 deep.

Each engine here offers the same four things (make a leaf, tanh, backward, read a gradient),
so one piece of code builds the same graph in all of them.  micrograd 0.1.0 has no tanh:
:func:`micrograd_tanh` adds one in micrograd's own style (a node with a closure), and its
recursive topological sort gets a recursion limit large enough for the depth.
"""

from __future__ import annotations

import gc
import math
import random
import sys

__all__ = ["engines", "ChainRun", "SumRun", "FloatChain", "FloatSum", "sum_inputs"]


class Engine:
    """How one autodiff engine makes leaves, applies tanh, and backpropagates."""

    name = ""
    key = ""
    max_links: int | None = None  # W2 sizes above this are skipped (time and memory)

    def leaf(self, v: float):
        raise NotImplementedError

    def tanh(self, x):
        return x.tanh()

    def backward(self, root, depth: int) -> None:
        root.backward()

    def grad(self, leaf) -> float:
        return float(leaf.grad)


class Ours(Engine):
    name = "ours"
    key = "ours"

    def __init__(self) -> None:
        from micrograd_like import Value

        self.leaf = Value


class Micrograd(Engine):
    name = "micrograd 0.1.0"
    key = "micrograd"
    max_links = 10**5

    def __init__(self) -> None:
        from micrograd.engine import Value

        self.leaf = Value
        self.Value = Value

    def tanh(self, x):
        return micrograd_tanh(self.Value, x)

    def backward(self, root, depth: int) -> None:
        # micrograd's build_topo recurses once per level of the graph.
        limit = sys.getrecursionlimit()
        sys.setrecursionlimit(max(limit, depth + 10_000))
        try:
            root.backward()
        finally:
            sys.setrecursionlimit(limit)


def micrograd_tanh(Value, x):
    """tanh for micrograd 0.1.0, written the way micrograd writes its operations."""
    t = math.tanh(x.data)
    out = Value(t, (x,), "tanh")

    def _backward():
        x.grad += (1 - t**2) * out.grad

    out._backward = _backward
    return out


class Torch(Engine):
    name = "PyTorch, scalar tensors"
    key = "torch"
    max_links = 10**5

    def __init__(self) -> None:
        import torch

        torch.set_num_threads(1)
        self.torch = torch

    def leaf(self, v: float):
        return self.torch.tensor(v, dtype=self.torch.float64, requires_grad=True)

    def tanh(self, x):
        return self.torch.tanh(x)

    def grad(self, leaf) -> float:
        return leaf.grad.item()


INSTALL_HINTS = {
    "micrograd": "micrograd is not installed (pip install micrograd==0.1.0, or pip install -e '.[bench]')",
    "torch": "PyTorch is not installed (CPU build: pip install torch --index-url https://download.pytorch.org/whl/cpu)",
}


def engines() -> tuple[list[Engine], list[str]]:
    """The engines importable here, and a note for each one that is not."""
    found: list[Engine] = [Ours()]
    notes = []
    for key, make in (("micrograd", Micrograd), ("torch", Torch)):
        try:
            found.append(make())
        except ImportError:
            notes.append(INSTALL_HINTS[key])
    return found, notes


# -- W2: the chain x = tanh(x*a + b) ----------------------------------------------------------------

A, B, X0 = 0.9, 0.1, 0.5


class ChainRun:
    """W2 in one engine: phases build, backward, free; gradients of (a, b, x0)."""

    def __init__(self, engine: Engine, links: int) -> None:
        self.engine, self.links = engine, links
        self.name = engine.name
        self.root = None
        self.leaves: tuple = ()
        self.grads: list[float] = []

    def build(self) -> None:
        e = self.engine
        a, b, x0 = e.leaf(A), e.leaf(B), e.leaf(X0)
        x = x0
        tanh = e.tanh
        for _ in range(self.links):
            x = tanh(x * a + b)
        self.root, self.leaves = x, (a, b, x0)

    def backward(self) -> None:
        self.engine.backward(self.root, 3 * self.links)
        self.grads = [self.engine.grad(leaf) for leaf in self.leaves]  # kept: free() drops the leaves

    def free(self) -> None:
        self.root = None
        self.leaves = ()
        gc.collect()

    def phases(self):
        return [("build", self.build), ("backward", self.backward), ("free", self.free)]

    def gradients(self) -> list[float]:
        return self.grads


class FloatChain:
    """W2 on plain floats, with the chain rule written out: the floor."""

    name = "hand-derived floats"

    def __init__(self, links: int) -> None:
        self.links = links
        self.outs: list[float] = []
        self.grads = [0.0, 0.0, 0.0]

    def build(self) -> None:
        x = X0
        outs = [x]
        for _ in range(self.links):
            x = math.tanh(x * A + B)
            outs.append(x)
        self.outs = outs

    def backward(self) -> None:
        g, ga, gb = 1.0, 0.0, 0.0
        outs = self.outs
        for i in range(self.links, 0, -1):
            dz = g * (1 - outs[i] * outs[i])  # through tanh
            ga += dz * outs[i - 1]
            gb += dz
            g = dz * A
        self.grads = [ga, gb, g]

    def free(self) -> None:
        self.outs = []
        gc.collect()

    def phases(self):
        return [("build", self.build), ("backward", self.backward), ("free", self.free)]

    def gradients(self) -> list[float]:
        return self.grads


# -- W3: sum() of products ----------------------------------------------------------------------------


def sum_inputs(n: int, seed: int = 7) -> tuple[list[float], list[float]]:
    rng = random.Random(seed)
    return [rng.uniform(-1, 1) for _ in range(n)], [rng.uniform(-1, 1) for _ in range(n)]


class SumRun:
    """W3 in one engine: the leaves are made once; build is the ``sum()``; gradients of the xs."""

    def __init__(self, engine: Engine, xs: list[float], ys: list[float]) -> None:
        self.engine = engine
        self.name = engine.name
        self.xs = [engine.leaf(v) for v in xs]
        self.ys = [engine.leaf(v) for v in ys]
        self.root = None

    def build(self) -> None:
        self.root = sum(x * y for x, y in zip(self.xs, self.ys))

    def backward(self) -> None:
        for x in self.xs:  # leaves are reused: zero them, as a training loop would
            x.grad = None if self.engine.key == "torch" else 0.0
        self.engine.backward(self.root, 2 * len(self.xs))

    def free(self) -> None:
        self.root = None
        gc.collect()

    def phases(self):
        return [("build", self.build), ("backward", self.backward), ("free", self.free)]

    def gradients(self) -> list[float]:
        return [self.engine.grad(x) for x in self.xs]


class FloatSum:
    """W3 on plain floats: the sum, and d(sum)/dx_i = y_i."""

    name = "hand-derived floats"

    def __init__(self, xs: list[float], ys: list[float]) -> None:
        self.xs, self.ys = xs, ys
        self.total = 0.0
        self.grads: list[float] = []

    def build(self) -> None:
        self.total = sum(x * y for x, y in zip(self.xs, self.ys))

    def backward(self) -> None:
        self.grads = list(self.ys)

    def free(self) -> None:
        gc.collect()

    def phases(self):
        return [("build", self.build), ("backward", self.backward), ("free", self.free)]

    def gradients(self) -> list[float]:
        return self.grads
