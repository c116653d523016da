"""The benchmark's command: ``python -m bench [--quick] [--repeat N] [--only W1,W3]``.

Runs the workloads, prints one table per workload as it finishes, then the targets beside
the measured ratios.  Progress goes to stderr, tables to stdout.  See ``bench/README.md``.
"""

from __future__ import annotations

import argparse
import gc
import math
import platform
import statistics
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass

from . import chains, memory, moons
from .timing import GCClock, Samples, fmt_ratio, fmt_time, paired_ratios, time_phases

__all__ = ["main"]

WORKLOADS = ("W1", "W2", "W3", "W4", "W5")


@dataclass
class Config:
    """Sizes and repetitions: the full run, or a smoke run in seconds (``--quick``)."""

    quick: bool
    repeat: int | None

    @property
    def points(self) -> int:
        return 10 if self.quick else 100

    @property
    def chain_sizes(self) -> tuple[int, ...]:
        return (10**2, 10**3) if self.quick else (10**3, 10**4, 10**5, 10**6)

    @property
    def sum_size(self) -> int:
        return 10**3 if self.quick else 10**5

    @property
    def traced_links(self) -> int:
        return 10**3 if self.quick else 10**4

    @property
    def rss_nodes(self) -> int:
        return 10**4 if self.quick else 10**6

    def reps(self, full: int) -> int:
        if self.repeat is not None:
            return self.repeat
        return 2 if self.quick else full


@dataclass
class Target:
    """One line of the closing table: what was asked, what was measured, and whether it was met."""

    what: str
    goal: str
    measured: str
    met: bool | None  # None: could not be measured

    @property
    def mark(self) -> str:
        return {True: "pass", False: "MISS", None: "n/a"}[self.met]


# -- output ----------------------------------------------------------------------------------------


class Progress:
    """One status line on stderr, rewritten in place on a terminal, one line per update otherwise."""

    def __init__(self) -> None:
        self.tty = sys.stderr.isatty()
        self.started = time.perf_counter()

    def __call__(self, message: str) -> None:
        elapsed = time.perf_counter() - self.started
        line = f"[{elapsed:5.0f} s] {message}"
        if self.tty:
            sys.stderr.write("\r\033[K" + line)
        else:
            sys.stderr.write(line + "\n")
        sys.stderr.flush()

    def done(self) -> None:
        if self.tty:
            sys.stderr.write("\r\033[K")
            sys.stderr.flush()


def table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    """Columns padded to fit: the first left-aligned, the rest right-aligned."""
    widths = [max(len(str(row[i])) for row in [header, *rows]) for i in range(len(header))]

    def line(cells):
        first, *rest = (str(c) for c in cells)
        return "  ".join([first.ljust(widths[0]), *(c.rjust(w) for c, w in zip(rest, widths[1:]))]).rstrip()

    return "\n".join([line(header), *(line(row) for row in rows)])


def section(title: str, *lines: str) -> None:
    print()
    print(title)
    print("=" * len(title))
    for text in lines:
        print(text)
    sys.stdout.flush()


def pct(share: float) -> str:
    return "-" if share != share else f"{100 * share:.0f}%"


def ratio_range(ratios: list[float]) -> str:
    """'12x (10x-14x)': the median of per-repetition ratios and their range."""
    if not ratios:
        return "-"
    return f"{fmt_ratio(statistics.median(ratios))} ({fmt_ratio(min(ratios))}-{fmt_ratio(max(ratios))})"


def power_of_ten(n: int) -> str:
    exponent = round(math.log10(n))
    return f"10^{exponent}" if 10**exponent == n else str(n)


# -- running implementations round-robin ----------------------------------------------------------


def round_robin(impls: dict, reps: int, progress: Progress, label: str, phases=None, warm_up: bool = True):
    """Time every implementation ``reps`` times, interleaved; returns {key: Samples}.

    The starting implementation rotates from one repetition to the next, so none always runs
    right after the same neighbour.  Objects alive before the first repetition are frozen out
    of the collector's sight (``gc.freeze()``): its work is then the graph's, not that of
    whatever the process imported.
    """
    phases = phases or (lambda impl, rep: impl.phases())
    keys = list(impls)
    samples = {key: Samples(impls[key].name) for key in keys}
    if warm_up:
        progress(f"{label}: warming up")
        for key in keys:
            for _, run in phases(impls[key], 0):
                run()
    gc.collect()
    gc.freeze()
    try:
        with GCClock() as clock:
            for rep in range(reps):
                progress(f"{label}: repetition {rep + 1}/{reps}")
                turn = rep % len(keys)
                for key in keys[turn:] + keys[:turn]:
                    samples[key].runs.append(time_phases(phases(impls[key], rep), clock))
    finally:
        gc.unfreeze()
    return samples


def max_abs_diff(a: Sequence[float], b: Sequence[float]) -> float:
    return max((abs(x - y) for x, y in zip(a, b, strict=True)), default=0.0)


# -- W1 ---------------------------------------------------------------------------------------------

W1_PHASES = ("forward", "backward", "update", "free")


def w1(config: Config, progress: Progress) -> list[Target]:
    X, y = moons.make_moons(config.points)
    impls, notes = {}, []
    for key, step in moons.variants(moons.initial_weights(), X, y):
        if isinstance(step, str):
            notes.append(f"{key}: skipped: {step}")
        else:
            impls[key] = step
            if step.note:
                notes.append(f"{step.name}: {step.note}")
    reps = config.reps(7)

    def phases(step, rep):
        return step.phases(lr=1.0 - 0.9 * (rep % 100) / 100)  # the demo's learning-rate schedule

    samples = round_robin(impls, reps, progress, "W1 moons step", phases)
    raw = impls["ours_raw"]
    raw.forward()
    notes.insert(
        0,
        f"one step's graph: {memory.count_nodes(raw.loss, lambda v: v._parents):,} nodes "
        f"(raw ops, {len(raw.params)} parameters)",
    )
    raw.free()
    mg, th, hand = samples.get("micrograd"), samples.get("torch"), samples.get("hand")
    rows = []
    for s in samples.values():
        vs = [fmt_ratio(ref.median() / s.median()) if ref else "-" for ref in (mg, th)]
        vs.append(fmt_ratio(s.median() / hand.median()))
        rows.append(
            [
                s.name,
                *(fmt_time(s.median(p)) for p in W1_PHASES),
                fmt_time(s.median()),
                pct(s.gc_share()),
                pct(s.spread()),
                *vs,
            ]
        )
    section(
        f"W1  one training step of micrograd's moons demo: MLP(2, [16, 16, 1]), {config.points} points, GC on",
        f"median of {reps} interleaved repetitions; 'vs X' = X's median step / this one (above 1: faster than X);",
        "'over floor' = this step / the hand-derived step (how many times the floor it costs)",
        "",
        table(["", *W1_PHASES, "step", "GC", "spread", "vs micrograd", "vs PyTorch", "over floor"], rows),
        *(["", *notes] if notes else []),
    )

    def speedup(slow_key, fast_key):
        slow, fast = samples.get(slow_key), samples.get(fast_key)
        return paired_ratios(slow, fast) if slow and fast else []

    def target(what, goal, ratios, ok, missing):
        if not ratios:
            return Target(what, goal, f"not measured: {missing}", None)
        return Target(what, goal, ratio_range(ratios), ok(statistics.median(ratios)))

    no_mlp = "no micrograd_like.nn" if "ours_mlp" not in samples else ""
    compiled = impls.get("ours_compiled")
    compile_time = (
        [Target("W1 compiled step: compile time", "<= 1 s", fmt_time(compiled.compile_seconds),
                compiled.compile_seconds <= 1.0)]
        if compiled
        else [Target("W1 compiled step: compile time", "<= 1 s", "not measured: no compile_graph", None)]
    )
    return compile_time + [
        target(
            "W1 compiled step vs hand-derived",
            "<= 1.0x (as fast)",
            speedup("ours_compiled", "hand"),
            lambda r: r <= 1.0,
            "no compile_graph",
        ),
        target(
            "W1 own MLP vs micrograd",
            ">= 30x faster",
            speedup("micrograd", "ours_mlp"),
            lambda r: r >= 30,
            no_mlp or "no micrograd",
        ),
        target(
            "W1 own MLP vs PyTorch",
            ">= 15x faster",
            speedup("torch", "ours_mlp"),
            lambda r: r >= 15,
            no_mlp or "no PyTorch",
        ),
        target("W1 own MLP vs hand-derived", "<= 5x slower", speedup("ours_mlp", "hand"), lambda r: r <= 5, no_mlp),
        target(
            "W1 raw ops vs micrograd",
            ">= 10x faster",
            speedup("micrograd", "ours_raw"),
            lambda r: r >= 10,
            "no micrograd",
        ),
    ]


# -- W2 ---------------------------------------------------------------------------------------------


def w2(config: Config, progress: Progress) -> list[Target]:
    engines, notes = chains.engines()
    per_node: dict[tuple[str, int], Samples] = {}
    rows = []
    # The small sizes take milliseconds, where a noisy machine shows most: more of them, for a steady median.
    full_reps = {10**2: 15, 10**3: 45, 10**4: 15, 10**5: 5, 10**6: 3}
    for links in config.chain_sizes:
        impls = {e.key: chains.ChainRun(e, links) for e in engines if e.max_links is None or links <= e.max_links}
        impls["floats"] = chains.FloatChain(links)
        label = f"W2 chain N={power_of_ten(links)}"
        samples = round_robin(impls, config.reps(full_reps.get(links, 3)), progress, label, warm_up=links <= 10**4)
        reference = impls["floats"].gradients()
        nodes = 3 * links
        mg = samples.get("micrograd")
        for key, s in samples.items():
            per_node[key, links] = s
            rows.append(
                [
                    power_of_ten(links),
                    s.name,
                    *(fmt_time(s.median(p) / nodes) for p in ("build", "backward", "free")),
                    fmt_time(s.median() / nodes),
                    fmt_time(s.median()),
                    pct(s.gc_share()),
                    pct(s.spread()),
                    fmt_ratio(mg.median() / s.median()) if mg else "-",
                    f"{max_abs_diff(impls[key].gradients(), reference):.1e}",
                ]
            )
            impls[key].free()
        del impls, samples
    skipped = [e.name for e in engines if e.max_links is not None and e.max_links < config.chain_sizes[-1]]
    if skipped:
        notes.append(f"{' and '.join(skipped)}: run up to N=10^5 only, to keep the bench within minutes")
    section(
        "W2  deep chain x = tanh(x*a + b), N links = 3N nodes; times per node",
        "median per node (build, backward, free, all three), whole run, GC share, spread; "
        "vs micrograd at the same N; |Δgrad| = max difference of d/da, d/db, d/dx0 from the hand-derived floats",
        "",
        table(
            ["N", "", "build", "backward", "free", "per node", "total", "GC", "spread", "vs micrograd", "|Δgrad|"], rows
        ),
        *(["", *notes] if notes else []),
    )
    small, large = config.chain_sizes[0], config.chain_sizes[-1]
    ours_small, ours_large = per_node["ours", small], per_node["ours", large]
    flat = (ours_large.median() / (3 * large)) / (ours_small.median() / (3 * small))
    targets = [
        Target(
            f"W2 per node, N={power_of_ten(large)} vs N={power_of_ten(small)}", "<= 1.3x", fmt_ratio(flat), flat <= 1.3
        )
    ]
    common = [n for n in config.chain_sizes if ("micrograd", n) in per_node]
    if common:
        n = common[-1]
        ratios = paired_ratios(per_node["micrograd", n], per_node["ours", n])
        targets.append(
            Target(
                f"W2 vs micrograd at N={power_of_ten(n)}",
                ">= 5x faster",
                ratio_range(ratios),
                statistics.median(ratios) >= 5,
            )
        )
    else:
        targets.append(Target("W2 vs micrograd", ">= 5x faster", "not measured: no micrograd", None))
    return targets


# -- W3 ---------------------------------------------------------------------------------------------


def w3(config: Config, progress: Progress) -> list[Target]:
    engines, notes = chains.engines()
    n = config.sum_size
    xs, ys = chains.sum_inputs(n)
    impls = {e.key: chains.SumRun(e, xs, ys) for e in engines}
    impls["floats"] = chains.FloatSum(xs, ys)
    samples = round_robin(impls, config.reps(5), progress, f"W3 sum of {power_of_ten(n)} products")
    mg, th = samples.get("micrograd"), samples.get("torch")
    rows = []
    for key, s in samples.items():
        rows.append(
            [
                s.name,
                *(fmt_time(s.median(p)) for p in ("build", "backward", "free")),
                fmt_time(s.median()),
                pct(s.gc_share()),
                pct(s.spread()),
                *(fmt_ratio(ref.median() / s.median()) if ref else "-" for ref in (mg, th)),
                f"{max_abs_diff(impls[key].gradients(), ys):.1e}",
            ]
        )
    section(
        f"W3  sum(x*y for x, y in zip(xs, ys)) over {power_of_ten(n)} pairs (a chain {power_of_ten(n)} deep), "
        "then backward",
        "medians; |Δgrad| = max difference of d/dx_i from y_i",
        "",
        table(
            ["", "build", "backward", "free", "total", "GC", "spread", "vs micrograd", "vs PyTorch", "|Δgrad|"], rows
        ),
        *(["", *notes] if notes else []),
    )
    return []


# -- W4 ---------------------------------------------------------------------------------------------


def w4(config: Config, progress: Progress) -> list[Target]:
    engines, notes = chains.engines()
    parents_of = {"ours": lambda v: v._parents, "micrograd": lambda v: v._prev}
    rows = []
    targets = []
    links = config.traced_links
    X, y = moons.make_moons(config.points)
    steps = dict(moons.variants(moons.initial_weights(), X, y))
    for e in engines:
        if e.key not in parents_of:
            continue
        progress(f"W4 tracemalloc: {e.name}")
        run = chains.ChainRun(e, links)
        _, used = memory.traced_bytes(run.build)
        nodes = memory.count_nodes(run.root, parents_of[e.key]) - len(run.leaves)
        graphs = [(f"W2 chain, N={power_of_ten(links)}", used / nodes)]
        run.free()
        for key in ["ours_mlp", "ours_raw"] if e.key == "ours" else ["micrograd"]:
            step = steps[key]
            if isinstance(step, str):
                continue
            _, used = memory.traced_bytes(step.forward)
            built = memory.count_nodes(step.loss, parents_of[e.key]) - len(step.params)
            graphs.append((f"W1 graph ({step.name})", used / built))
            step.free()
        for graph, per in graphs:
            rows.append([graph, e.name, f"{per:.1f}"])
            if e.key == "ours":
                # Judged at the precision shown: a few bytes of fixed cost spread over the nodes do not count.
                targets.append(Target(f"W4 bytes per node, {graph}", "<= 200", f"{per:.1f}", round(per, 1) <= 200))
    rss_rows = []
    for e in engines:
        progress(f"W4 RSS of a {power_of_ten(config.rss_nodes)}-node graph: {e.name} (fresh process)")
        result = memory.rss_of_chain(e.key, config.rss_nodes)
        if isinstance(result, str):
            rss_rows.append([e.name, "-", "-", result])
            continue
        grown = result["after"] - result["before"]
        rss_rows.append([e.name, f"{result['nodes']:,}", f"{grown / 2**20:.0f} MB", f"{grown / result['nodes']:.0f}"])
    section(
        "W4  memory per graph node",
        "tracemalloc: bytes Python allocated while building, per node built (leaves made beforehand not counted)",
        "",
        table(["graph", "engine", "bytes/node"], rows),
        "",
        f"RSS growth of a fresh process building the W2 chain of about {power_of_ten(config.rss_nodes)} nodes:",
        "",
        table(["engine", "nodes", "RSS growth", "bytes/node"], rss_rows),
        *(["", *notes] if notes else []),
    )
    return targets


# -- W5 ---------------------------------------------------------------------------------------------


def w5(config: Config, progress: Progress) -> list[Target]:
    progress("W5 agreement: one forward and backward of the moons step in each implementation")
    X, y = moons.make_moons(config.points)
    grads, losses, names, notes = {}, {}, {}, []
    for key, step in moons.variants(moons.initial_weights(), X, y):
        if isinstance(step, str):
            notes.append(f"{key}: skipped: {step}")
            continue
        step.forward()
        step.backward()
        grads[key], losses[key], names[key] = step.gradients(), step.loss_value(), step.name
        step.free()
    references = [k for k in ("micrograd", "torch", "hand") if k in grads]
    rows = [
        [names[k], f"{losses[k]:.17g}", *(f"{max_abs_diff(grads[k], grads[r]):.1e}" for r in references)] for k in grads
    ]
    section(
        "W5  agreement: every parameter gradient of one W1 step",
        f"max |Δ| over all {len(next(iter(grads.values())))} parameter gradients, against each reference",
        "",
        table(["", "loss", *(f"vs {names[r]}" for r in references)], rows),
        *(["", *notes] if notes else []),
    )
    targets = []
    names = {
        "ours_mlp": "ours, nn.MLP",
        "ours_raw": "ours, raw Value ops",
        "micrograd": "micrograd 0.1.0",
        "torch": "PyTorch, scalar tensors",
        **names,
    }
    for ours in ("ours_mlp", "ours_raw"):
        for ref in ("micrograd", "torch"):
            what = f"W5 {names[ours]} vs {names[ref]}"
            if ours in grads and ref in grads:
                diff = max_abs_diff(grads[ours], grads[ref])
                targets.append(Target(what, "<= 1e-12", f"{diff:.1e}", diff <= 1e-12))
            else:
                targets.append(Target(what, "<= 1e-12", "not measured", None))
    what = "W5 ours, compiled step vs ours, nn.MLP"
    if "ours_compiled" in grads and "ours_mlp" in grads:
        same = [g.hex() for g in grads["ours_compiled"]] == [g.hex() for g in grads["ours_mlp"]]
        same = same and losses["ours_compiled"].hex() == losses["ours_mlp"].hex()
        measured = "identical" if same else f"{max_abs_diff(grads['ours_compiled'], grads['ours_mlp']):.1e}"
        targets.append(Target(what, "bit for bit", measured, same))
    else:
        targets.append(Target(what, "bit for bit", "not measured", None))
    return targets


RUNNERS = {"W1": w1, "W2": w2, "W3": w3, "W4": w4, "W5": w5}


# -- the command ------------------------------------------------------------------------------------


class _Parser(argparse.ArgumentParser):
    def error(self, message: str):  # one line, not the usage block
        self.exit(2, f"{self.prog}: error: {message}\n")


def parse_only(text: str) -> list[str]:
    names = [part.strip().upper() for part in text.split(",") if part.strip()]
    unknown = [n for n in names if n not in WORKLOADS]
    if unknown or not names:
        raise argparse.ArgumentTypeError(
            f"unknown workload {', '.join(unknown) or repr(text)} (choose from {','.join(WORKLOADS)})"
        )
    return [w for w in WORKLOADS if w in names]


def positive(text: str) -> int:
    try:
        n = int(text)
    except ValueError:
        n = 0
    if n < 1:
        raise argparse.ArgumentTypeError(f"--repeat needs a whole number >= 1, got {text!r}")
    return n


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="python -m bench",
        description="Benchmark micrograd_like against micrograd, PyTorch and hand-derived gradients.",
    )
    parser.add_argument("--quick", action="store_true", help="smoke run (tiny sizes: the figures mean nothing)")
    parser.add_argument(
        "--repeat",
        type=positive,
        metavar="N",
        help="repetitions of every workload and size (default: 3 to 15, by size)",
    )
    parser.add_argument(
        "--only", type=parse_only, metavar="W1,W3", default=list(WORKLOADS), help="run only these workloads (W1 to W5)"
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    config = Config(quick=args.quick, repeat=args.repeat)
    progress = Progress()
    print(f"micrograd_like benchmark{' (--quick: a smoke run, the figures mean nothing)' if config.quick else ''}")
    print(
        f"Python {platform.python_version()} on {platform.machine()}, {platform.system()}, "
        f"{_cpu_name()}; {time.strftime('%Y-%m-%d')}"
    )
    targets: list[Target] = []
    started = time.perf_counter()
    try:
        for name in args.only:
            targets += RUNNERS[name](config, progress)
    except KeyboardInterrupt:
        progress.done()
        print("interrupted", file=sys.stderr)
        return 130
    progress.done()
    if targets:
        section(
            "Targets",
            "ratios: median over repetitions of the paired ratio (same round), with its range",
            "",
            table(["", "target", "measured", ""], [[t.what, t.goal, t.measured, t.mark] for t in targets]),
        )
    print(f"\nwhole run: {time.perf_counter() - started:.0f} s")
    return 0


def _cpu_name() -> str:
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    import os

                    return f"{line.split(':', 1)[1].strip()} x{os.cpu_count()}"
    except OSError:
        pass
    return platform.processor() or "unknown CPU"
