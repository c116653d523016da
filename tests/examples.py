"""Graphs several test files share."""

import math

from micrograd_like import Value


def lecture() -> dict[str, Value]:
    """L = (a*b + c) * f with a=2, b=-3, c=10, f=-2, every node labelled as in the lecture."""
    a, b = Value(2.0, label="a"), Value(-3.0, label="b")
    c, f = Value(10.0, label="c"), Value(-2.0, label="f")
    e = a * b
    e.label = "e"
    d = e + c
    d.label = "d"
    L = d * f
    L.label = "L"
    return dict(a=a, b=b, c=c, f=f, e=e, d=d, L=L)



def lecture_tanh(self):
    """The lecture's tanh, word for word: micrograd's way of adding an operation, a closure."""
    t = math.tanh(self.data)
    out = Value(t, (self,), 'tanh')

    def _backward():
        self.grad += (1 - t**2) * out.grad
    out._backward = _backward
    return out


def micrograd_readme(labelled: bool = False) -> tuple[Value, Value, Value]:
    """micrograd's README example, ``(a, b, g)``: its published figures are g.data = 24.7041,
    and after g.backward(), a.grad = 138.8338 and b.grad = 645.5773.  It is built with
    whatever operator methods Value has when it is called (see :func:`use_micrograds_operators`)."""
    a, b = Value(-4.0, label="a" if labelled else ""), Value(2.0, label="b" if labelled else "")
    c = a + b
    d = a * b + b**3
    c += c + 1
    c += 1 + c + (-a)
    d += d * 2 + (b + a).relu()
    d += 3 * d + (b - a).relu()
    e = c - d
    f = e**2
    g = f / 2.0
    g += 10.0 / f
    return a, b, g


def use_micrograds_operators(monkeypatch) -> None:
    """Give Value micrograd 0.1.0's own operator methods, unchanged (each makes its node with a
    closure, micrograd's way), their name Value pointing at ours; skip if micrograd is missing."""
    import inspect

    import pytest

    engine = pytest.importorskip("micrograd.engine", reason="micrograd (the reference) is not installed")
    namespace = {"Value": Value}
    exec(inspect.getsource(engine.Value), namespace)
    for name, method in vars(namespace["Value"]).items():
        if callable(method) and name not in ("__init__", "backward", "__repr__"):
            method.__globals__["Value"] = Value
            monkeypatch.setattr(Value, name, method)
