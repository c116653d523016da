"""micrograd's README expression: a forward pass through a dozen operations, then backward.

The expression mixes every kind of step a graph can hold: sums, products, powers, division,
ReLU, negation, a node used several times.  ``backward()`` finds dg/da and dg/db in one pass,
and the numbers are micrograd's own (its README prints 24.7041, 138.8338 and 645.5773).
"""

from __future__ import annotations

from ..engine.value import Value

__all__ = ["run", "SUMMARY", "build"]

SUMMARY = "micrograd's README expression: a forward pass, then backward"


def build() -> tuple[Value, Value, Value]:
    """The expression, written as micrograd's README writes it; returns (g, a, b)."""
    a = Value(-4.0, label="a")
    b = Value(2.0, label="b")
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
    g.label = "g"
    return g, a, b


def run() -> dict:
    """Print the forward result and the two gradients; return them.

    >>> result = run()
    A forward pass through micrograd's README expression:
      g = 24.7041
    backward() applies the chain rule from g back to every node:
      dg/da = 138.8338
      dg/db = 645.5773
    """
    print("A forward pass through micrograd's README expression:")
    g, a, b = build()
    print(f"  g = {g.data:.4f}")
    print("backward() applies the chain rule from g back to every node:")
    g.backward()
    print(f"  dg/da = {a.grad:.4f}")
    print(f"  dg/db = {b.grad:.4f}")
    return {"g": g.data, "dg/da": a.grad, "dg/db": b.grad, "files": []}
