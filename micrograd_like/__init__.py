"""micrograd_like: a scalar reverse-mode autodiff engine for teaching backpropagation.

>>> from micrograd_like import Value
>>> x = Value(3.0, label="x")
>>> y = x * x + 2 * x
>>> y.backward()
>>> x.grad  # dy/dx = 2x + 2
8.0
"""

from .engine import Value

__all__ = ["Value"]
__version__ = "0.1.0"
