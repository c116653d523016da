"""Derivatives as functions, in the style of JAX and HIPS autograd.

``grad(f)`` is the function x -> df/dx.  Because gradients can be Values with graphs of
their own (``backward(create_graph=True)``), ``grad`` composes: ``grad(grad(f))`` is the
second derivative.

>>> from micrograd_like import grad
>>> f = lambda x: x**3
>>> grad(f)(2.0), grad(grad(f))(2.0), grad(grad(grad(f)))(2.0)
(12.0, 12.0, 6.0)

Plain numbers in give plain numbers out; Values in give Values out (so that an outer
``grad`` can differentiate again).  The ``grad`` fields of the Values involved are left
as they were.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from .backward import gradients
from .value import Value

__all__ = ["grad", "value_and_grad", "hessian"]


def grad(f: Callable[..., Value], argnums: int | Sequence[int] = 0) -> Callable:
    """The function computing df/d(argument) at given arguments.

    ``argnums`` picks the argument (an int) or arguments (a tuple: then a tuple of
    derivatives is returned), as in JAX.
    """

    def df(*args):
        return value_and_grad(f, argnums)(*args)[1]

    df.__name__ = f"grad({getattr(f, '__name__', 'f')})"
    df.__doc__ = f"The derivative of {getattr(f, '__name__', 'f')} with respect to argument(s) {argnums}."
    return df


def value_and_grad(f: Callable[..., Value], argnums: int | Sequence[int] = 0) -> Callable:
    """The function computing (f(args), df/d(argument)) in one forward and one backward pass."""
    several = not isinstance(argnums, int)
    positions = tuple(argnums) if several else (argnums,)

    def f_and_df(*args):
        for i in positions:
            if not 0 <= i < len(args):
                raise IndexError(f"argnums {i} is out of range for {len(args)} argument(s)")
        nested = any(isinstance(a, Value) for a in args)  # called by an outer grad: keep graphs
        # A fresh node for each argument, even one that is already a Value: a function may use
        # an outer variable besides its argument (grad(lambda x: grad(lambda y: x*y)(x))), and
        # d/dy must not be taken as d/dx.  x + 0.0 is x's number, still linked to x's graph.
        inputs = [a + 0.0 if isinstance(a, Value) else Value(a) for a in args]
        out = f(*inputs)
        if not isinstance(out, Value):
            raise TypeError(f"the function must return a Value, got {type(out).__name__}: {out!r}")
        derivatives = gradients(out, [inputs[i] for i in positions], create_graph=nested)
        if not nested:
            out = out.data
        return out, (tuple(derivatives) if several else derivatives[0])

    f_and_df.__name__ = f"value_and_grad({getattr(f, '__name__', 'f')})"
    return f_and_df


def hessian(f: Callable[..., Value]) -> Callable[..., list[list[float]]]:
    """The function computing the matrix of second derivatives d²f/dx_i dx_j (small f only).

    >>> h = hessian(lambda x, y: x * x * y)
    >>> h(3.0, 2.0)  # [[2y, 2x], [2x, 0]]
    [[4.0, 6.0], [6.0, 0.0]]
    """

    def hessian_at(*args: float) -> list[list[float]]:
        inputs = [Value(a) for a in args]
        out = f(*inputs)
        first = gradients(out, inputs, create_graph=True)
        return [[float(g) for g in gradients(d, inputs)] for d in first]

    return hessian_at
