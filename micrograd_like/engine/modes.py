"""The modes that change how new nodes are made: no_grad() and detect_anomaly().

Each thread and each asyncio task keeps two counts: how many no_grad() blocks it is inside,
and how many detect_anomaly() blocks.  A block adds one to its own count when it begins and
takes one away when it ends; the mode is read off the counts (recording while no no_grad()
block is open, checking while any detect_anomaly() block is).  Counting, rather than putting
back a saved mode, is what makes blocks that end out of order come out right: a generator
that holds no_grad() open across its yields may end it inside a detect_anomaly() block its
caller began later, and each end still removes exactly its own block and no other.

The counts live in context variables, so they are per thread and per asyncio task (a task
starts with a copy of the counts of the code that created it): no_grad() in one thread never
stops another from recording its graph.  The engine reads the mode once per new node, and
``_mode() is _PLAIN`` (counts 0 and 0) is its fast path: one lookup and one identity test.
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


class _Depths(NamedTuple):
    """How many blocks of each kind the current thread or task is inside."""

    no_grad: int
    anomaly: int


_PLAIN = Mode(recording=True, checking=False)  # outside every block: the engine's fast path
# Each of the four modes is one shared object, so "is it the plain mode?" is an identity test.
_MODES = {
    (True, False): _PLAIN,
    (True, True): Mode(recording=True, checking=True),
    (False, False): Mode(recording=False, checking=False),
    (False, True): Mode(recording=False, checking=True),
}

_NO_BLOCKS = _Depths(no_grad=0, anomaly=0)
_DEPTHS: contextvars.ContextVar[_Depths] = contextvars.ContextVar("micrograd_like_depths", default=_NO_BLOCKS)
_MODE: contextvars.ContextVar[Mode] = contextvars.ContextVar("micrograd_like_mode", default=_PLAIN)  # read off _DEPTHS
_mode = _MODE.get


class AnomalyError(ArithmeticError):
    """A NaN or an infinity appeared in a forward or backward pass under detect_anomaly()."""


def _count(no_grad: int = 0, anomaly: int = 0) -> None:
    """Add to this thread's (or task's) counts of open blocks, and set the mode they now mean.

    A count never goes below zero, even when a block ends in another task than the one it
    began in (an async generator driven by two tasks can do that).
    """
    depths = _DEPTHS.get()
    depths = _Depths(max(0, depths.no_grad + no_grad), max(0, depths.anomaly + anomaly))
    _DEPTHS.set(depths)
    _MODE.set(_MODES[depths.no_grad == 0, depths.anomaly > 0])


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
    _count(no_grad=+1)
    try:
        yield
    finally:
        _count(no_grad=-1)


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
    micrograd_like.engine.modes.AnomalyError: div has local derivatives (...e+299, -inf) at one = 1.0, ...
    """
    _count(anomaly=+1)
    try:
        yield
    finally:
        _count(anomaly=-1)


def anomaly_detection_enabled() -> bool:
    """True inside detect_anomaly() in this thread or task."""
    return _mode().checking
