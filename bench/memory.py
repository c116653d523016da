"""W4: what a graph node costs in memory.

Two measures.  ``tracemalloc`` counts every byte Python's allocators hand out while a graph
is built, divided by the nodes built: exact, but blind to memory a C++ library allocates
itself (so PyTorch is left out of it).  The process's resident set size (RSS) before and
after building a graph of about 10^6 nodes sees everything, PyTorch included; each engine is
measured in a fresh process (``python -m bench.memory ENGINE NODES``), because a process
rarely gives freed memory back and one engine would otherwise inherit another's.
"""

from __future__ import annotations

import gc
import json
import os
import subprocess
import sys
import tracemalloc
from pathlib import Path

__all__ = ["count_nodes", "traced_bytes", "rss_of_chain"]

ROOT = Path(__file__).resolve().parent.parent


def count_nodes(root, parents_of) -> int:
    """How many distinct nodes ``root``'s graph has (iteratively: graphs here are deep)."""
    seen = {id(root)}
    stack = [root]
    keep = [root]  # hold the nodes so that no id() is reused while counting
    while stack:
        node = stack.pop()
        for parent in parents_of(node):
            if id(parent) not in seen:
                seen.add(id(parent))
                stack.append(parent)
                keep.append(parent)
    return len(seen)


def traced_bytes(build) -> tuple[object, int]:
    """Call ``build()`` under tracemalloc; return what it built and the bytes still held after it."""
    gc.collect()
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        graph = build()
        after = tracemalloc.get_traced_memory()[0]
    finally:
        tracemalloc.stop()
    return graph, after - before


def _rss_bytes() -> int:
    """This process's resident set size (Linux: /proc; elsewhere the peak from getrusage)."""
    try:
        with open("/proc/self/statm") as f:
            return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except OSError:
        import resource

        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        return peak if sys.platform == "darwin" else peak * 1024


def _measure_here(engine_key: str, nodes: int) -> dict:
    from .chains import ChainRun, engines

    found, _ = engines()
    (engine,) = [e for e in found if e.key == engine_key]
    run = ChainRun(engine, max(1, nodes // 3))
    gc.collect()
    before = _rss_bytes()
    run.build()
    after = _rss_bytes()
    return {"nodes": 3 * run.links + 3, "before": before, "after": after}


def rss_of_chain(engine_key: str, nodes: int, timeout: float = 600) -> dict | str:
    """RSS growth for building the W2 chain with about ``nodes`` nodes in a fresh process, or why not."""
    command = [sys.executable, "-m", "bench.memory", engine_key, str(nodes)]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))}
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=timeout, cwd=ROOT, env=env)
    except subprocess.TimeoutExpired:
        return f"gave up after {timeout:.0f} s"
    if done.returncode != 0:
        last = (done.stderr.strip().splitlines() or [f"exit status {done.returncode}"])[-1]
        return f"failed: {last}"
    return json.loads(done.stdout)


if __name__ == "__main__":
    print(json.dumps(_measure_here(sys.argv[1], int(sys.argv[2]))))
