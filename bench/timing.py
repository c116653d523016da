"""Measuring on a small, shared, noisy machine: phases, the collector's share, medians and spread.

Every workload runs its implementations *round-robin*: repetition 1 of A, of B, of C, then
repetition 2 of each, and so on, so that a burst of noise from a neighbour hits all of them
alike.  Each repetition times its phases (forward, backward, ...) separately, and the time
the garbage collector spends inside each phase is counted apart with ``gc.callbacks``.
Results are medians over repetitions; the spread says how far to trust them.
"""

from __future__ import annotations

import gc
import statistics
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

__all__ = ["GCClock", "Phases", "Samples", "time_phases", "fmt_time", "fmt_ratio"]


class GCClock:
    """Adds up the seconds the garbage collector runs, through ``gc.callbacks``.

    >>> with GCClock() as clock:
    ...     _ = gc.collect()
    >>> clock.seconds > 0
    True
    """

    def __init__(self) -> None:
        self.seconds = 0.0
        self.collections = 0
        self._started = 0.0

    def _callback(self, phase: str, info: dict) -> None:
        if phase == "start":
            self._started = time.perf_counter()
        else:
            self.seconds += time.perf_counter() - self._started
            self.collections += 1

    def __enter__(self) -> GCClock:
        gc.callbacks.append(self._callback)
        return self

    def __exit__(self, *exc) -> None:
        gc.callbacks.remove(self._callback)


@dataclass
class Phases:
    """One repetition: wall seconds per phase, and the collector's seconds within them."""

    seconds: dict[str, float]
    gc_seconds: float

    @property
    def total(self) -> float:
        return sum(self.seconds.values())


def time_phases(phases: Sequence[tuple[str, Callable[[], object]]], clock: GCClock) -> Phases:
    """Run ``phases`` in order, timing each one; ``clock`` must be active (``with GCClock()``)."""
    seconds: dict[str, float] = {}
    gc_before = clock.seconds
    for name, run in phases:
        start = time.perf_counter()
        run()
        seconds[name] = time.perf_counter() - start
    return Phases(seconds, clock.seconds - gc_before)


@dataclass
class Samples:
    """The repetitions of one implementation on one workload."""

    name: str
    runs: list[Phases] = field(default_factory=list)

    def median(self, phase: str | None = None) -> float:
        """Median seconds of one phase, or of the whole (``phase=None``)."""
        if phase is None:
            return statistics.median(run.total for run in self.runs)
        return statistics.median(run.seconds[phase] for run in self.runs)

    def totals(self) -> list[float]:
        return [run.total for run in self.runs]

    def gc_share(self) -> float:
        """The collector's fraction of the whole, as a median over repetitions."""
        return statistics.median(run.gc_seconds / run.total for run in self.runs if run.total > 0)

    def spread(self) -> float:
        """The interquartile range of the totals relative to their median (0.05 = 5 %)."""
        totals = self.totals()
        if len(totals) < 2:
            return float("nan")
        q1, _, q3 = statistics.quantiles(totals, n=4, method="inclusive")
        return (q3 - q1) / statistics.median(totals)


def paired_ratios(slow: Samples, fast: Samples) -> list[float]:
    """slow/fast per repetition (both ran in the same round): how many times faster ``fast`` was."""
    return [s / f for s, f in zip(slow.totals(), fast.totals()) if f > 0]


def fmt_time(seconds: float) -> str:
    """A duration with a unit that suits it.

    >>> fmt_time(0.523), fmt_time(0.0123), fmt_time(8.5e-6), fmt_time(8.5e-7), fmt_time(2.5)
    ('523 ms', '12.3 ms', '8.50 µs', '850 ns', '2.50 s')
    """
    if seconds != seconds:  # nan: nothing measured
        return "-"
    for unit, scale in (("s", 1.0), ("ms", 1e-3), ("µs", 1e-6), ("ns", 1e-9)):
        value = seconds / scale
        if value >= 1 or unit == "ns":
            digits = 0 if value >= 100 else 1 if value >= 10 else 2
            return f"{value:.{digits}f} {unit}"
    raise AssertionError("unreachable")


def fmt_ratio(ratio: float) -> str:
    """A ratio with as many digits as it deserves: '37x', '4.2x', '0.85x'.

    >>> fmt_ratio(37.4), fmt_ratio(4.21), fmt_ratio(0.853)
    ('37x', '4.2x', '0.85x')
    """
    if ratio != ratio:
        return "-"
    digits = 0 if ratio >= 10 else 1 if ratio >= 1 else 2
    return f"{ratio:.{digits}f}x"
