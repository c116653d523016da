"""The classroom demos and the `micrograd-like demo` command, run end to end with small settings."""

import math
import sys
from pathlib import Path

import pytest
from helpers import need_dot, run_main

from micrograd_like.cli import main
from micrograd_like.demos import DEMOS, neuron, textbook
from micrograd_like.demos._common import percent
from micrograd_like.nn import ACTIVATIONS
from micrograd_like.nn.datasets import make_moons

PNG = b"\x89PNG\r\n\x1a\n"


def _assert_pngs(directory, names):
    for name in names:
        path = directory / name
        assert path.read_bytes()[:8] == PNG, f"{name} is not a PNG"
        assert path.stat().st_size > 10_000, f"{name} looks empty"


def test_moons_trains_prints_progress_and_draws(tmp_path, capsys):
    status, out, _ = run_main(capsys, "demo", "moons", "--steps", "4", "--seed", "1", "--out", str(tmp_path))
    assert status == 0
    assert "MLP(2 -> 16 relu -> 16 relu -> 1 linear; 337 parameters)" in out
    assert "step 0/4" in out and "step 4/4" in out and "accuracy" in out
    assert "After 4 steps: loss" in out
    _assert_pngs(tmp_path, ["moons-boundary.png", "moons-loss.png"])


def test_moons_learns_with_the_recipe(tmp_path):
    result = DEMOS["moons"].run(steps=12, seed=1337, out=tmp_path)
    first_loss, first_accuracy = result["history"][0]
    assert result["loss"] < first_loss / 2
    assert result["accuracy"] > max(first_accuracy, 0.8)


def test_the_final_numbers_are_those_of_the_last_logged_step(tmp_path, capsys):
    result = DEMOS["moons"].run(steps=5, seed=1337, out=tmp_path)
    out = capsys.readouterr().out
    assert len(result["history"]) == 6  # the start, then after each of the 5 updates
    assert result["history"][-1] == (result["loss"], result["accuracy"])
    last_logged = next(line for line in out.splitlines() if "step 5/5" in line)
    assert f"loss {result['loss']:<8.4g}  accuracy {result['accuracy']:6.1%}" in last_logged
    assert f"After 5 steps: loss {result['loss']:.4g}, training accuracy {percent(result['accuracy'])}" in out
    assert "step k: the loss and training accuracy after k updates (step 0: before any)" in out
    X, labels = make_moons(100, noise=0.1, seed=1337)  # and they are the trained model's own
    scores = [result["model"](x).data for x in X]
    assert result["accuracy"] == sum((s > 0) == (t == 1) for s, t in zip(scores, labels)) / len(labels)


def test_spiral_demo(tmp_path, capsys):
    status, out, _ = run_main(capsys, "demo", "spiral", "--steps", "3", "--out", str(tmp_path))
    assert status == 0 and "3 classes" in out and "step 3/3" in out
    _assert_pngs(tmp_path, ["spiral-regions.png", "spiral-loss.png"])


def test_initialisation_demo_runs_from_the_command_line(tmp_path, capsys):
    status, out, _ = run_main(capsys, "demo", "init", "--steps", "2", "--lr", "0.1", "--out", str(tmp_path))
    assert status == 0 and "Gain 0.1:" in out and "Gain 10:" in out and "verdict" in out
    assert "LeCun's scale, gain 1" in out
    _assert_pngs(tmp_path, ["initialisation.png"])


@pytest.fixture(scope="module")
def initialisation_run(tmp_path_factory):
    """The init demo with its defaults, run once: what it returned and what it printed."""
    import contextlib
    import io

    from micrograd_like.demos import initialisation

    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        result = initialisation.run(out=tmp_path_factory.mktemp("init"))
    return result["results"], printed.getvalue()


def test_initialisation_demo_teaches_too_small_too_large_and_just_right(initialisation_run):
    results, _ = initialisation_run
    small, right, large = results[0.1], results[1.0], results[10.0]
    # too small: the signal and the gradient vanish, and the loss stays at log 2
    assert small["signal"] < 1e-3 and small["gradient"] < 1e-4 < right["gradient"]
    assert small["history"][-1][0] == pytest.approx(math.log(2), abs=1e-3)
    # too large: most units saturate, the first loss is huge, and training is slow
    assert large["saturated"] > 0.5 > right["saturated"]
    assert large["history"][0][0] > 10 * right["history"][0][0] and large["history"][-1][1] < 0.95
    # the right scale trains
    assert right["history"][-1][1] == 1.0


def test_each_initialisation_verdict_follows_from_its_own_numbers(initialisation_run):
    from micrograd_like.demos.initialisation import STALLED, TRAINED_LOSS

    results, _ = initialisation_run
    for r in results.values():
        last = r["history"][-1][0]
        outcome = r["verdict"].split(":")[0]
        if last < TRAINED_LOSS:
            assert outcome == "trained"
        elif last > STALLED * math.log(2):
            assert outcome == "stalled"
        else:
            assert outcome == "slow"
    # the default run: a loss that halved is not "stalled", and the causes are named
    assert {gain: r["verdict"] for gain, r in results.items()} == {
        0.1: "stalled: the signal faded",
        0.3: "slow: the signal faded",
        1.0: "trained",
        3.0: "trained",
        10.0: "slow: 79% of units saturated",
    }


def test_the_initialisation_summary_is_an_aligned_table(initialisation_run):
    results, out = initialisation_run
    lines = out.splitlines()
    top = next(i for i, line in enumerate(lines) if line.split()[:2] == ["gain", "signal"])
    table = lines[top : top + 2 + len(results)]
    assert set(table[1].split()) == {"-" * len(cell) for cell in table[1].split()}  # a rule under each header
    for header in ("signal", "saturated", "gradient", "first loss", "last loss"):
        end = table[0].index(header) + len(header)  # numbers are right-aligned under their header
        assert all(row[end - 1] != " " and row[end] == " " for row in table[2:]), header
    end = table[0].index("accuracy") + len("accuracy")  # the percentages too, a "*" marker after them
    assert all(row[end - 2] == "%" and row[end - 1] in " *" for row in table[2:])
    column = table[0].index("verdict")
    for row, r in zip(table[2:], results.values()):
        assert row[column:] == r["verdict"]


def test_a_coin_toss_accuracy_is_marked_and_step_0_is_explained(initialisation_run):
    results, out = initialisation_run
    small = results[0.1]
    assert small["end"]["score"] < 0.01 and small["history"][-1][1] != 0.5  # a "learnt" 57%: the signs of ~0
    row = next(line for line in out.splitlines() if line.split()[:1] == ["0.1"])
    assert f"{percent(small['history'][-1][1])}*" in row
    assert "* every score is within ±0.01 of 0" in out and "coin toss, not learning" in out
    assert all(r["history"][0][1] == 0.2 for r in results.values())  # below chance at every gain
    text = " ".join(out.split())
    assert "their accuracy, 20% at every gain, is the luck of that draw" in text
    assert "the opposite guesses would do better (80%)" in text


def test_a_score_of_exactly_0_is_counted_as_neither_class():
    from micrograd_like.demos import initialisation
    from micrograd_like.nn import MLP

    model = MLP(2, initialisation.SHAPE, activation="tanh", init=lambda fan_in, fan_out, rng: 0.0, seed=0)
    X, labels = make_moons(10, seed=0)
    start = initialisation.diagnose(model, X, labels)
    assert start["score"] == 0.0 and set(start["guesses"]) == {None} and start["accuracy"] == 0.0


def test_the_demos_page_states_what_the_init_and_spiral_demos_print(initialisation_run, tmp_path, capsys):
    from pathlib import Path

    readme = (Path(__file__).resolve().parent.parent / "docs" / "demos.md").read_text(encoding="utf-8")
    init_row = next(line for line in readme.splitlines() if line.startswith("| `init` |"))
    results, _ = initialisation_run
    small, slow, right, three, large = results.values()
    assert "0.1x the signal and gradient vanish and the loss stays at 0.693: stalled" in init_row
    assert f"{small['history'][-1][0]:.3f}" == "0.693" and small["verdict"].startswith("stalled")
    assert f"0.3x it falls to {slow['history'][-1][0]:.2f} ({percent(slow['history'][-1][1])}): slow" in init_row
    assert f"1x and 3x train ({percent(right['history'][-1][1])}, {percent(three['history'][-1][1])})" in init_row
    (first, _), (last, accuracy) = large["history"][0], large["history"][-1]
    assert (f"at 10x {percent(large['saturated'])} of the units start saturated and the loss falls from "
            f"{first:.0f} to {last:.2f} ({percent(accuracy)}): slow") in init_row
    spiral_row = next(line for line in readme.splitlines() if line.startswith("| `spiral` |"))
    result = DEMOS["spiral"].run(out=tmp_path)
    hits = round(result["accuracy"] * 90)
    assert f"90 points, 200 steps: {result['accuracy']:.1%} training accuracy ({hits} of 90), " \
           f"loss {result['loss']:.2g}" in spiral_row


def test_vanishing_gradients_shrink_through_sigmoid_layers_but_not_through_tanh_or_relu(tmp_path, capsys):
    result = DEMOS["vanishing"].run(seed=0, out=tmp_path)
    out = capsys.readouterr().out
    assert "first / last" in out and "ReLU, He" in out
    _assert_pngs(tmp_path, ["vanishing-gradients.png"])
    sizes = result["sizes"]
    assert sizes["sigmoid, Xavier"][0] / sizes["sigmoid, Xavier"][-1] < 1e-4
    assert sizes["tanh, Xavier"][0] / sizes["tanh, Xavier"][-1] > 1e-2
    assert sizes["ReLU, He"][0] / sizes["ReLU, He"][-1] > 1e-2


def test_neuron_demo_explains_each_chain_rule_step_in_the_steppers_words(tmp_path, capsys):
    status, out, _ = run_main(capsys, "demo", "neuron", "--out", str(tmp_path))
    assert status == 0
    o, _ = neuron.build()
    steps = o.backward_steps()
    assert str(steps.forward_walk()) in out  # the stepper's own words, not a copy of them
    for step in steps:
        assert str(step) in out
    assert "local d(tanh(n))/dn = 1 - tanh(n)² = 0.5; contribution 1.0 * 0.5 = 0.5; n.grad = 0.0 + 0.5 = 0.5" in out
    assert "local d(x1*w1)/d(x1) = w1 = -3.0; contribution 0.5 * (-3.0) = -1.5; x1.grad = 0.0 + (-1.5) = -1.5" in out
    for line in ("x1.grad = -1.5", "w1.grad = 1", "x2.grad = 0.5", "w2.grad = 0", "b.grad = 0.5"):
        assert line in out
    result = neuron.run(out=tmp_path)
    assert len(result["steps"]) == 9 and result["steps"].finished  # one step per edge of the graph
    assert result["nodes"]["x1"].grad == pytest.approx(-1.5) and result["nodes"]["w1"].grad == pytest.approx(1.0)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_textbook_equations_agree_with_the_engine_to_1e_12(seed, capsys):
    result = textbook.run(seed=seed)
    out = capsys.readouterr().out
    assert result["max_difference"] <= 1e-12
    assert "agree to 1e-12" in out and "delta_L = dL/da_L * sigma'(z_L)" in out
    assert "delta_1 = (W_2^T delta_2) * sigma'(z_1)" in out
    assert out.count("layers[") >= 39  # one row per parameter


@pytest.mark.parametrize(("activation", "output"), [("relu", "linear"), ("sigmoid", "tanh"), ("linear", "sigmoid")])
def test_layer_equations_agree_with_the_engine_for_other_activations(activation, output):
    from micrograd_like.nn import MLP
    from micrograd_like.nn.losses import mse_loss

    model = MLP(4, [5, 3, 2], activation=activation, output=output, init="he", seed=7)
    x, y = [0.3, -0.8, 0.5, 1.1], [0.2, -0.4]
    mse_loss(model.outputs(x), y).backward()
    layers = textbook.layer_equations(model, x, y)
    for layer_model, layer in zip(model.layers, layers):
        for i, n in enumerate(layer_model.neurons):
            assert [w.grad for w in n.w] == pytest.approx(layer["dW"][i], rel=0, abs=1e-12)
            assert n.b.grad == pytest.approx(layer["db"][i], rel=0, abs=1e-12)


def test_demos_still_train_and_print_without_matplotlib(tmp_path, capsys, monkeypatch):
    monkeypatch.setitem(sys.modules, "matplotlib.figure", None)  # import fails as if not installed
    status, out, _ = run_main(capsys, "demo", "moons", "--steps", "2", "--out", str(tmp_path))
    assert status == 0 and "training accuracy" in out
    assert "pictures skipped: matplotlib is not installed (pip install -e '.[plot]' in a clone of the " \
        "repository, or pip install matplotlib)" in out
    assert not list(tmp_path.glob("*.png"))


def test_demo_help_lists_every_demo_with_a_line(capsys):
    with pytest.raises(SystemExit) as exit:
        main(["demo", "--help"])
    assert exit.value.code == 0
    out = capsys.readouterr().out
    for name, module in [*DEMOS.items()]:
        assert f"  {name:<10} {module.SUMMARY}" in out
    assert "--steps" in out and "--out DIR" in out
    assert "pip install -e '.[plot]'" in " ".join(out.split()) and "micrograd_like[plot]" not in out


@pytest.mark.parametrize(("name", "argv", "ignored"), [
    ("neuron", ["--steps", "3"], ["--steps"]),
    ("engine", ["--seed", "1", "--out", "somewhere"], ["--seed", "--out"]),
    ("textbook", ["--out", "somewhere", "--lr", "0.1"], ["--lr", "--out"]),
])
def test_every_demo_takes_every_option_and_notes_the_ones_it_ignores(name, argv, ignored, tmp_path, capsys,
                                                                      monkeypatch):
    monkeypatch.chdir(tmp_path)
    status, out, err = run_main(capsys, "demo", name, *argv)
    assert status == 0 and out
    assert err.splitlines() == [
        f"micrograd-like demo: note: the {name} demo has no use for {option}; ignored" for option in ignored
    ]


@pytest.mark.parametrize("argv", [["moons", "--steps", "0"], ["moons", "--lr", "-1"], ["nonsense"]])
def test_bad_arguments_exit_with_status_2(argv, capsys):
    with pytest.raises(SystemExit) as exit:
        main(["demo", *argv])
    assert exit.value.code == 2
    assert "error:" in capsys.readouterr().err


def test_an_output_path_that_is_a_file_is_a_one_line_error(tmp_path, capsys):
    blocker = tmp_path / "file"
    blocker.write_text("")
    status, _, err = run_main(capsys, "demo", "vanishing", "--out", str(blocker))
    assert status == 1 and err.startswith("micrograd-like demo: cannot write the pictures:") and err.count("\n") == 1


def test_the_engine_demo_is_a_demo_like_the_others(capsys):
    status, out, _ = run_main(capsys, "demo", "engine")
    assert status == 0 and "dg/da = 138.8338" in out and "dg/db = 645.5773" in out
    result = DEMOS["engine"].run()
    numbers = (result["g"], result["dg/da"], result["dg/db"])
    assert [round(x, 4) for x in numbers] == [24.7041, 138.8338, 645.5773]


def test_every_demo_has_a_script_in_the_demos_directory():
    from pathlib import Path

    scripts = Path(__file__).resolve().parent.parent / "demos"
    for name in DEMOS:
        text = (scripts / f"{name}.py").read_text()
        assert f'main(["demo", "{name}", *sys.argv[1:]])' in text


def test_neuron_demo_draws_the_graph(tmp_path, capsys):
    import xml.etree.ElementTree as ET

    need_dot()
    result = neuron.run(out=tmp_path)
    path = tmp_path / "neuron-graph.svg"
    assert result["files"] == [path]
    texts = "".join(ET.parse(path).getroot().itertext())
    for label in ("x1", "w1", "x2", "w2", "b", "o"):
        assert label in texts
    assert "0.7071" in texts  # o = tanh(0.8814) = 1/sqrt(2), the lecture's output
    assert f"wrote {path}" in capsys.readouterr().out


@pytest.mark.parametrize("name", ["moons", "neuron", "vanishing", "init", "spiral"])
def test_every_demo_says_where_it_wrote_as_out_gave_it(name, tmp_path, capsys, monkeypatch):
    import os

    if name == "neuron":
        need_dot()
    monkeypatch.chdir(tmp_path)
    steps = ["--steps", "2"] if name != "neuron" else []
    status, out, _ = run_main(capsys, "demo", name, *steps, "--out", "pictures")
    wrote = [line.removeprefix("wrote ") for line in out.splitlines() if line.startswith("wrote ")]
    assert status == 0 and wrote
    for path in wrote:
        assert path.startswith(f"pictures{os.sep}") and (tmp_path / path).is_file(), path


@pytest.mark.parametrize("fused", [True, False])
@pytest.mark.parametrize("activation", sorted(ACTIVATIONS))  # every row of the table
def test_the_pictures_grid_outputs_are_the_models_own(activation, fused):
    import random

    from micrograd_like.nn import MLP
    from micrograd_like.nn.grids import grid, outputs_on_grid

    rng = random.Random(3)
    model = MLP(2, [5, 4, 3], activation=activation, output="tanh", seed=rng, fused=fused)
    for p in model.parameters():
        p.data = rng.uniform(-2, 2)  # biases too, not only the weights
    xs, ys = grid([[-3.0, -2.0], [3.0, 2.5]], steps=7, margin=0.1)
    scores = outputs_on_grid(model, xs, ys)
    assert scores.shape == (3, 7, 7)
    for j, y in enumerate(ys):
        for i, x in enumerate(xs):
            expected = [v.data for v in model.outputs([x, y])]
            assert list(scores[:, j, i]) == pytest.approx(expected, rel=1e-12, abs=1e-12)


@pytest.mark.parametrize("lr", ["1e9", "1e300"])
def test_a_diverging_run_stops_says_so_and_draws_nothing(lr, tmp_path, capsys):
    status, out, err = run_main(capsys, "demo", "moons", "--lr", lr, "--steps", "5", "--out", str(tmp_path))
    assert status == 1
    # the loss grows past bounds (it reached ...) or a number overflows a float on the way
    assert err.startswith("micrograd-like demo: the loss diverged at step 1 (")
    assert err.endswith("): try a smaller --lr\n") and err.count("\n") == 1
    assert "accuracy" in out and "After" not in out and "Final" not in out
    assert max(map(len, out.splitlines())) < 120  # compact numbers, not 200 digits
    assert not list(tmp_path.iterdir())


def test_an_overflow_in_training_is_a_divergence_too(tmp_path, capsys, monkeypatch):
    from micrograd_like.demos import Diverged, moons

    calls = []

    def overflowing(scores, y):  # what the engine raises when a forward result overflows a float
        calls.append(1)
        if len(calls) == 3:
            raise OverflowError("math range error")
        return real(scores, y)

    real = moons.hinge_loss
    monkeypatch.setattr(moons, "hinge_loss", overflowing)
    with pytest.raises(Diverged, match=r"^the loss diverged at step 2 \(a number overflowed a float\): try a smaller"):
        moons.run(steps=5, out=tmp_path)
    assert not list(tmp_path.iterdir())
    status, _, err = run_main(capsys, "demo", "spiral", "--lr", "1e6", "--steps", "20", "--out", str(tmp_path))
    assert status == 1 and "the loss diverged at step 1" in err and not list(tmp_path.iterdir())


def test_every_percentage_a_demo_prints_rounds_a_half_the_same_way():
    """82.5% and 97.5% printed side by side must not go one down and one up (``:.0%`` does)."""
    assert [percent(x) for x in (0.825, 0.975, 0.125, 0.5, 0.994)] == ["83%", "98%", "13%", "50%", "99%"]
    assert format(0.825, ".0%") == "82%" and format(0.975, ".0%") == "98%"  # why: Python's own rounding
    package = Path(__file__).resolve().parent.parent / "micrograd_like" / "demos"
    for module in package.glob("*.py"):
        assert ":.0%}" not in module.read_text(encoding="utf-8"), f"{module.name} formats a percentage itself"
