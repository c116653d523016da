"""Graphs several test files share."""

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
