"""The classroom demos and the `micrograd-like demo` command, run end to end with small settings."""

import sys

import pytest

from micrograd_like.cli import main
from micrograd_like.demos import DEMOS, neuron, textbook

PNG = b"\x89PNG\r\n\x1a\n"


def _run(capsys, *argv):
    status = main(["demo", *argv])
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def _assert_pngs(directory, names):
    for name in names:
        path = directory / name
        assert path.read_bytes()[:8] == PNG, f"{name} is not a PNG"
        assert path.stat().st_size > 10_000, f"{name} looks empty"


def test_moons_trains_prints_progress_and_draws(tmp_path, capsys):
    status, out, _ = _run(capsys, "moons", "--steps", "4", "--seed", "1", "--out", str(tmp_path))
    assert status == 0
    assert "MLP(2 -> 16 relu -> 16 relu -> 1 linear; 337 parameters)" in out
    assert "step 1/4" in out and "step 4/4" in out and "accuracy" in out
    assert "Final training accuracy" in out
    _assert_pngs(tmp_path, ["moons-boundary.png", "moons-loss.png"])


def test_moons_learns_with_the_recipe(tmp_path):
    result = DEMOS["moons"].run(steps=12, seed=1337, out=tmp_path)
    first_loss, first_accuracy = result["history"][0]
    assert result["loss"] < first_loss / 2
    assert result["accuracy"] > max(first_accuracy, 0.8)


def test_spiral_and_initialisation_demos(tmp_path, capsys):
    status, out, _ = _run(capsys, "spiral", "--steps", "3", "--out", str(tmp_path))
    assert status == 0 and "3 classes" in out and "step 3/3" in out
    _assert_pngs(tmp_path, ["spiral-regions.png", "spiral-loss.png"])
    status, out, _ = _run(capsys, "init", "--steps", "2", "--lr", "0.1", "--out", str(tmp_path))
    assert status == 0 and "N(0, 0.01²)" in out and "N(0, 10²)" in out and "verdict" in out
    _assert_pngs(tmp_path, ["initialisation.png"])


def test_vanishing_gradients_shrink_through_sigmoid_layers_but_not_through_tanh_or_relu(tmp_path, capsys):
    result = DEMOS["vanishing"].run(seed=0, out=tmp_path)
    out = capsys.readouterr().out
    assert "first / last" in out and "ReLU, He" in out
    _assert_pngs(tmp_path, ["vanishing-gradients.png"])
    sizes = result["sizes"]
    assert sizes["sigmoid, Xavier"][0] / sizes["sigmoid, Xavier"][-1] < 1e-4
    assert sizes["tanh, Xavier"][0] / sizes["tanh, Xavier"][-1] > 1e-2
    assert sizes["ReLU, He"][0] / sizes["ReLU, He"][-1] > 1e-2


def test_neuron_demo_explains_each_chain_rule_step(tmp_path, capsys):
    status, out, _ = _run(capsys, "neuron", "--out", str(tmp_path))
    assert status == 0
    assert "d(o)/d(n) = 1 - tanh(n)² = 0.5;  n.grad = 0 + 1 * 0.5 = 0.5" in out
    assert "d(x1w1)/d(x1) = w1 = -3;  x1.grad = 0 + 0.5 * (-3) = -1.5" in out
    assert "d(x1w1)/d(w1) = x1 = 2;  w1.grad = 0 + 0.5 * 2 = 1" in out
    for line in ("x1.grad = -1.5", "w1.grad = 1", "x2.grad = 0.5", "w2.grad = 0", "b.grad = 0.5"):
        assert line in out
    result = neuron.run(out=tmp_path)
    assert len(result["steps"]) == 9  # one per edge of the graph
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
    from micrograd_like.losses import mse_loss
    from micrograd_like.nn import MLP

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
    status, out, _ = _run(capsys, "moons", "--steps", "2", "--out", str(tmp_path))
    assert status == 0 and "Final training accuracy" in out
    assert "pip install 'micrograd_like[plot]'" in out
    assert not list(tmp_path.glob("*.png"))


def test_demo_help_lists_every_demo_with_a_line(capsys):
    with pytest.raises(SystemExit) as exit:
        main(["demo", "--help"])
    assert exit.value.code == 0
    out = capsys.readouterr().out
    for name, module in [*DEMOS.items()]:
        assert f"  {name:<10} {module.SUMMARY}" in out
    assert "engine" in out and "--steps" in out and "--out DIR" in out


def test_an_option_a_demo_does_not_use_is_a_one_line_error(capsys):
    status, out, err = _run(capsys, "neuron", "--steps", "3")
    assert status == 2 and out == ""
    assert err == "micrograd-like demo: the neuron demo has no --steps (it takes --out)\n"
    status, _, err = _run(capsys, "engine", "--seed", "1")
    assert status == 2 and "the engine demo has no --seed (it takes no options)" in err


@pytest.mark.parametrize("argv", [["moons", "--steps", "0"], ["moons", "--lr", "-1"], ["nonsense"]])
def test_bad_arguments_exit_with_status_2(argv, capsys):
    with pytest.raises(SystemExit) as exit:
        main(["demo", *argv])
    assert exit.value.code == 2
    assert "error:" in capsys.readouterr().err


def test_an_output_path_that_is_a_file_is_a_one_line_error(tmp_path, capsys):
    blocker = tmp_path / "file"
    blocker.write_text("")
    status, _, err = _run(capsys, "vanishing", "--out", str(blocker))
    assert status == 1 and err.startswith("micrograd-like demo: cannot write the pictures:") and err.count("\n") == 1


def test_the_engine_demo_still_runs(capsys):
    status, out, _ = _run(capsys, "engine")
    assert status == 0 and "dg/da = 138.8338" in out


def test_neuron_demo_draws_the_graph(tmp_path, capsys):
    import os
    import shutil
    import xml.etree.ElementTree as ET

    if shutil.which("dot") is None:
        if os.environ.get("CI"):
            pytest.fail("Graphviz's dot program is missing (CI installs the graphviz package)")
        pytest.skip("Graphviz's dot program is not installed")
    result = neuron.run(out=tmp_path)
    path = tmp_path / "neuron-graph.svg"
    assert result["files"] == [path]
    texts = "".join(ET.parse(path).getroot().itertext())
    for label in ("x1", "w1", "x2", "w2", "b", "o"):
        assert label in texts
    assert "0.7071" in texts  # o = tanh(0.8814) = 1/sqrt(2), the lecture's output
    assert f"wrote {path}" in capsys.readouterr().out


@pytest.mark.parametrize("fused", [True, False])
@pytest.mark.parametrize("activation", ["relu", "tanh", "sigmoid", "linear"])
def test_the_demos_float_forward_pass_agrees_with_the_models_bit_for_bit(activation, fused):
    import random

    from micrograd_like.demos._common import predict
    from micrograd_like.nn import MLP

    rng = random.Random(3)
    model = MLP(2, [5, 4, 3], activation=activation, output="tanh", seed=rng, fused=fused)
    for p in model.parameters():
        p.data = rng.uniform(-2, 2)  # biases too, not only the weights
    for _ in range(20):
        x = [rng.uniform(-3, 3), rng.uniform(-3, 3)]
        assert predict(model, x) == [v.data for v in model.outputs(x)]
