"""The modes that change how new nodes are made: no_grad() and detect_anomaly().

The mode lives in a context variable, so it is per thread and per asyncio task (a task
starts with a copy of the mode of the code that created it): no_grad() in one thread never
stops another from recording its graph, and each block, when it ends, puts back exactly the
mode its own thread or task had when it began.  The engine reads the mode once per new node
(``_mode() is _PLAIN`` is its fast path).
"""

from __future__ import annotations

import contextlib
import contextvars
from collections.abc import Iterator
from typing import NamedTuple

__all__ = ["no_grad", "detect_anomaly", "AnomalyError", "anomaly_detection_enabled", "Mode"]


class Mode(NamedTuple):
    """How new nodes are made, in the current thread or asyncio task."""

    recording: bool  # False inside no_grad(): new nodes are constants without parents
    checking: bool  # True inside detect_anomaly(): every local derivative is checked to be finite


_PLAIN = Mode(recording=True, checking=False)  # neither of the above: the fast path
_MODE: contextvars.ContextVar[Mode] = contextvars.ContextVar("micrograd_like_mode", default=_PLAIN)
_mode = _MODE.get


class AnomalyError(ArithmeticError):
    """A NaN or an infinity appeared in a forward or backward pass under detect_anomaly()."""


@contextlib.contextmanager
def _mode_set(recording: bool, checking: bool) -> Iterator[None]:
    """Switch the mode of this thread (or task) inside the block, and back to what it was after."""
    mode = Mode(recording, checking)
    token = _MODE.set(_PLAIN if mode == _PLAIN else mode)
    try:
        yield
    finally:
        _MODE.reset(token)


@contextlib.contextmanager
def no_grad() -> Iterator[None]:
    """Compute without building a graph: Values made inside are constants with no parents.

    >>> from micrograd_like import Value
    >>> x = Value(2.0)
    >>> with no_grad():
    ...     y = x * x
    >>> y.parents, y.requires_grad
    ((), False)
    """
    with _mode_set(False, _mode().checking):
        yield


@contextlib.contextmanager
def detect_anomaly() -> Iterator[None]:
    """Stop at the first infinite local derivative or gradient, naming the node that made it.

    (A result too large for a float is an OverflowError in any mode.)  Here the quotient is
    finite, but its local derivative -a/b² is not:

    >>> from micrograd_like import Value
    >>> one, tiny = Value(1.0, label="one"), Value(1e-300, label="tiny")
    >>> with detect_anomaly():
    ...     one / tiny
    Traceback (most recent call last):
    micrograd_like.modes.AnomalyError: div has local derivatives (...e+299, -inf) at one = 1.0, tiny = 1e-300 (...)
    """
    with _mode_set(_mode().recording, True):
        yield


def anomaly_detection_enabled() -> bool:
    """True inside detect_anomaly() in this thread or task."""
    return _mode().checking
