"""The benchmark (``python -m bench``): it runs, prints every table, and its reference step is right.

No timing is asserted anywhere: a small, shared machine makes timings noise in a test.
"""

import subprocess
import sys
from pathlib import Path

import pytest

from bench import chains, moons

ROOT = Path(__file__).resolve().parent.parent


def run_bench(*args: str, timeout: float = 300) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "bench", *args], cwd=ROOT, capture_output=True, text=True, timeout=timeout
    )


def test_quick_run_prints_every_table_and_the_targets():
    result = run_bench("--quick")
    assert result.returncode == 0, result.stderr
    out = result.stdout
    for heading in ("W1  one training step", "W2  deep chain", "W3  sum(", "W4  memory", "W5  agreement", "Targets"):
        assert heading in out
    assert "ours, raw Value ops" in out
    assert "hand-derived floats" in out
    assert "repetition 1/2" in result.stderr  # progress goes to stderr
    # Every target line ends in a verdict.
    targets = out.split("Targets", 1)[1]
    assert "W1 raw ops vs micrograd" in targets
    assert all(
        line.rstrip().endswith(("pass", "MISS", "n/a"))
        for line in targets.splitlines()
        if line[:3] in {"W1 ", "W2 ", "W4 ", "W5 "}
    )


def test_only_runs_the_workloads_asked_for():
    result = run_bench("--quick", "--only", "w5", "--repeat", "1")
    assert result.returncode == 0, result.stderr
    assert "W5  agreement" in result.stdout
    assert "W1  one training step" not in result.stdout
    assert "W2  deep chain" not in result.stdout


@pytest.mark.parametrize(
    ("args", "complaint"),
    [
        (["--only", "W9"], "unknown workload W9"),
        (["--only", ","], "unknown workload"),
        (["--repeat", "0"], "--repeat needs a whole number >= 1, got '0'"),
        (["--repeat", "many"], "--repeat needs a whole number >= 1, got 'many'"),
    ],
)
def test_bad_options_get_one_line_on_stderr(args, complaint):
    result = run_bench(*args, timeout=60)
    assert result.returncode == 2
    assert result.stdout == ""
    assert complaint in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_hand_derived_step_matches_our_engine():
    """The floor computes the same gradients (and loss) as the graph: it is the same step."""
    X, y = moons.make_moons(12)
    weights = moons.initial_weights()
    ours, hand = moons.ours_raw(weights, X, y), moons.hand_derived(weights, X, y)
    for step in (ours, hand):
        step.forward()
        step.backward()
    assert hand.loss_value() == pytest.approx(ours.loss_value(), abs=1e-12)
    assert len(hand.gradients()) == len(ours.gradients()) == 2 * 16 + 16 + 16 * 16 + 16 + 16 + 1
    assert hand.gradients() == pytest.approx(ours.gradients(), abs=1e-12)
    # The update moves the parameters alike.
    for step in (ours, hand):
        step.update(0.5)
    ours.forward()
    hand.forward()
    assert hand.loss_value() == pytest.approx(ours.loss_value(), abs=1e-12)


def test_every_engine_builds_the_same_chain():
    engines, _ = chains.engines()
    floats = chains.FloatChain(50)
    floats.build()
    floats.backward()
    for engine in engines:
        run = chains.ChainRun(engine, 50)
        run.build()
        run.backward()
        assert run.gradients() == pytest.approx(floats.gradients(), abs=1e-12), engine.name


def test_moons_are_two_labelled_half_circles():
    X, y = moons.make_moons(100, noise=0.0)
    assert len(X) == len(y) == 100
    assert sorted(set(y)) == [-1.0, 1.0]
    for (px, py), label in zip(X, y):
        centre = (0.0, 0.0) if label < 0 else (1.0, 0.5)
        assert (px - centre[0]) ** 2 + (py - centre[1]) ** 2 == pytest.approx(1.0)
