"""Where our engine's time goes, per graph node: ``python -m bench.profile``.

Four views of W1 (raw Value ops) and W2 (the tanh chain), from coarse to fine:

1. wall time per node of each phase without any profiler, with the garbage collector on
   and off (the difference is the collector's share);
2. one node's construction taken apart: the same nodes are rebuilt piece by piece (the
   forward rule alone, the local-derivative rule alone, a bare ``Value`` with its slots
   filled, the node-building function alone, and the operator that calls it);
3. ``cProfile``'s functions by own time, for build + backward;
4. with ``line_profiler`` installed, the lines of the engine's hot functions.

Profilers slow what they watch (line_profiler most), so read 3 and 4 for proportions and
1 and 2 for time.  Piece 2 reaches into the engine's internals; a piece
the engine no longer has is shown as n/a.
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import io
import pstats
import statistics
import time
from collections.abc import Callable

from micrograd_like import Value
from micrograd_like.engine import backward as autodiff
from micrograd_like.engine import value as engine
from micrograd_like.engine.backward import topological_order

from . import moons
from .chains import X0, A, B
from .run import fmt_time, table

__all__ = ["main"]


def build_chain(links: int) -> Value:
    a, b, x = Value(A), Value(B), Value(X0)
    for _ in range(links):
        x = (x * a + b).tanh()
    return x


def build_moons(points: int = 100) -> Value:
    X, y = moons.make_moons(points)
    step = moons.ours_raw(moons.initial_weights(), X, y)
    step.forward()
    return step.loss


def _one_repetition(build: Callable[[], Value], gc_on: bool) -> tuple[int, dict[str, float]]:
    """Time one graph's build, topological order, backward and free; the collector on or off."""
    enabled = gc.isenabled()
    (gc.enable if gc_on else gc.disable)()
    try:
        t0 = time.perf_counter()
        root = build()
        t1 = time.perf_counter()
        order = topological_order(root)
        t2 = time.perf_counter()
        nodes = len(order)
        del order
        t3 = time.perf_counter()
        root.backward()
        t4 = time.perf_counter()
        del root
        t5 = time.perf_counter()
    finally:
        (gc.enable if enabled else gc.disable)()
    gc.collect()
    t6 = time.perf_counter()
    tag = "GC on" if gc_on else "GC off"
    return nodes, {
        f"build ({tag})": t1 - t0,
        f"topological_order ({tag})": t2 - t1,
        f"backward, topological order included ({tag})": t4 - t3,
        f"free: drop the root ({tag})": t5 - t4,
        f"free: gc.collect() after it ({tag})": t6 - t5,
    }


def phase_times(build: Callable[[], Value], reps: int) -> tuple[int, list[list[str]]]:
    """Per-node wall time of build, topological order, backward, free, with GC on and off."""
    results: dict[str, list[float]] = {}
    nodes = 0
    gc.collect()
    gc.freeze()
    try:
        for _ in range(reps):
            for gc_on in (True, False):
                nodes, times = _one_repetition(build, gc_on)
                for name, t in times.items():
                    results.setdefault(name, []).append(t)
    finally:
        gc.unfreeze()
    rows = [[name, fmt_time(statistics.median(ts) / nodes)] for name, ts in sorted(results.items(), key=_order)]
    return nodes, rows


def _order(item):
    name = item[0]
    steps = ("build", "topological", "backward", "free: drop", "free: gc")
    return (next(i for i, s in enumerate(steps) if name.startswith(s)), "GC off" in name)


def construction_parts(root: Value, reps: int) -> list[list[str]]:
    """Rebuild every interior node of ``root``'s graph piece by piece; median time per node of each piece."""
    nodes = [n for n in topological_order(root) if n._parents]
    recorded = [(n._primitive, n._parents) for n in nodes]
    inputs = [[p.data for p in parents] for _, parents in recorded]
    outs = [n.data for n in nodes]
    apply = getattr(engine, "_apply", None)
    binary = getattr(engine, "_binary", None)
    ops = {"+": Value.__add__, "*": Value.__mul__}
    unary = {"tanh": Value.tanh, "ReLU": Value.relu}

    def loop_overhead():
        for _prim, _parents in recorded:
            pass

    def inputs_list():
        for _prim, parents in recorded:
            [p.data for p in parents]  # noqa: B018

    def forward_rule():
        for (prim, _), xs in zip(recorded, inputs):
            prim.forward(*xs)

    def local_grads_rule():
        for (prim, _), xs, out in zip(recorded, inputs, outs):
            prim.local_grads(*xs, out)

    def bare_value():
        new = Value.__new__
        for _prim, parents in recorded:
            node = new(Value)
            node.data = 0.0
            node.grad = 0.0
            node.label = ""
            node._primitive = None
            node._parents = parents
            node._local_grads = ()

    def apply_alone():
        keep = [apply(prim, parents) for prim, parents in recorded]
        del keep

    def through_operators():
        keep = []
        for prim, parents in recorded:
            if len(parents) == 2:
                keep.append(ops[prim.symbol](*parents))
            else:
                keep.append(unary[prim.symbol](*parents))
        del keep

    parts: list[tuple[str, Callable[[], None] | None]] = [
        ("loop overhead (subtracted from the rows below)", loop_overhead),
        ("read the operands: [p.data for p in parents]", inputs_list),
        ("forward rule: primitive.forward(*inputs)", forward_rule),
        ("local derivatives: primitive.local_grads(*inputs, out)", local_grads_rule),
        ("a bare Value: __new__ and six slots", bare_value),
        ("_apply alone (the four above, kept in a list)", apply_alone if apply else None),
        ("operator: a * b, a + b, .tanh(), .relu() (dispatch + _apply)", through_operators),
    ]
    if binary is None:
        parts.append(("_binary", None))
    timings = {}
    gc.collect()
    gc.disable()
    try:
        for _ in range(reps):
            for name, run in parts:
                if run is not None:
                    start = time.perf_counter()
                    run()
                    timings.setdefault(name, []).append(time.perf_counter() - start)
    finally:
        gc.enable()
    base = statistics.median(timings[parts[0][0]])
    rows = []
    for name, run in parts:
        if run is None:
            rows.append([name, "n/a"])
            continue
        t = statistics.median(timings[name])
        rows.append([name, fmt_time((t if run is loop_overhead else t - base) / len(recorded))])
    return rows


def cprofile_top(build: Callable[[], Value], top: int) -> str:
    profiler = cProfile.Profile()
    gc.collect()
    profiler.enable()
    root = build()
    root.backward()
    profiler.disable()
    del root
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).sort_stats("tottime").print_stats(top)
    text = out.getvalue()
    return text[text.find("   ncalls") :].rstrip()


def line_profile(build: Callable[[], Value]) -> str:
    try:
        from line_profiler import LineProfiler
    except ImportError:
        return "line_profiler is not installed (pip install line_profiler): skipped"
    profiler = LineProfiler()
    for owner, name in (
        (engine, "_apply"),
        (engine, "_binary"),
        (autodiff, "topological_order"),
        (autodiff, "backward"),
    ):
        function = getattr(owner, name, None)
        if function is not None:
            profiler.add_function(function)
    profiler.enable_by_count()
    root = build()
    root.backward()
    profiler.disable_by_count()
    del root
    out = io.StringIO()
    profiler.print_stats(stream=out, output_unit=1e-6, stripzeros=True)
    return out.getvalue().rstrip()


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.profile", description=__doc__.split("\n")[0])
    parser.add_argument("--links", type=int, default=10**5, help="W2 chain length (default 10^5 links)")
    parser.add_argument("--reps", type=int, default=5, help="repetitions for the wall-time views (default 5)")
    parser.add_argument("--top", type=int, default=15, help="functions shown by cProfile (default 15)")
    parser.add_argument("--lines", action="store_true", help="also run line_profiler on the engine's hot functions")
    args = parser.parse_args(argv)
    workloads = [
        ("W1 moons step, raw Value ops", build_moons),
        (f"W2 chain x = tanh(x*a + b), {args.links} links", lambda: build_chain(args.links)),
    ]
    for title, build in workloads:
        print(f"\n{title}\n{'=' * len(title)}")
        nodes, rows = phase_times(build, args.reps)
        print(f"\n1. wall time per node ({nodes:,} nodes, leaves included), median of {args.reps}:\n")
        print(table(["", "per node"], rows))
        print("\n2. one node's construction, piece by piece (GC off), per interior node:\n")
        root = build()
        print(table(["", "per node"], construction_parts(root, args.reps)))
        del root
        print("\n3. cProfile, build + backward, GC on, by own time:\n")
        print(cprofile_top(build, args.top))
        if args.lines:
            print("\n4. line_profiler, build + backward:\n")
            print(line_profile(build))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
