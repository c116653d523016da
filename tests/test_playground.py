"""The training view's logic, without a browser: training, the controls, one point's chain rule."""

import asyncio
import math
import re
import shutil
import sys

import pytest

from micrograd_like import check_nodes
from micrograd_like.notebook.playground import Diverged, Playground
from micrograd_like.web.training_panel import TrainingPanel


def test_training_lowers_the_loss_and_records_one_loss_per_state():
    playground = Playground(dataset="moons", hidden=(8, 8), learning_rate=1.0, n_samples=40, seed=0)
    assert len(playground.losses) == 1 and playground.steps_done == 0
    playground.step(20)
    assert playground.steps_done == 20 and len(playground.accuracies) == 21
    assert playground.losses[-1] < 0.6 * playground.losses[0]
    assert playground.accuracies[-1] >= 0.75 > playground.accuracies[0]


def test_each_step_is_one_step_of_gradient_descent():
    from micrograd_like.nn.losses import softmax_cross_entropy

    playground = Playground(dataset="xor", hidden=(3,), learning_rate=0.1, seed=1)
    model = playground.model
    before = [p.data for p in model.parameters()]
    loss = softmax_cross_entropy([model.outputs(x) for x in playground.X], playground.y)  # the engine's way
    model.zero_grad()
    loss.backward()
    grads = [p.grad for p in model.parameters()]
    assert playground.losses[-1] == loss.data
    playground.step()  # (compiled code: the same numbers, bit for bit)
    assert [p.data for p in model.parameters()] == [w - 0.1 * g for w, g in zip(before, grads)]


def test_the_boundary_is_the_models_own_prediction():
    playground = Playground(dataset="spiral", hidden=(5,), activation="tanh", init="xavier", seed=2)
    playground.step(3)
    xs, ys = [-0.7, 0.1, 0.9], [-0.4, 0.6]
    grid = playground.probabilities(xs, ys)
    assert grid.shape == (3, 2, 3)
    for j, y in enumerate(ys):
        for i, x in enumerate(xs):
            scores = [s.data for s in playground.model.outputs([x, y])]
            exps = [math.exp(s - max(scores)) for s in scores]
            assert list(grid[:, j, i]) == pytest.approx([e / sum(exps) for e in exps], abs=1e-12)


@pytest.mark.parametrize("activation", ["relu", "sigmoid", "linear"])
def test_every_activation_is_drawn_as_the_model_computes_it(activation):
    playground = Playground(dataset="circles", hidden=(4,), activation=activation, seed=3)
    scores = [s.data for s in playground.model.outputs([0.3, -0.2])]
    p1 = 1 / (1 + math.exp(scores[0] - scores[1]))
    assert playground.probabilities([0.3], [-0.2])[1, 0, 0] == pytest.approx(p1, abs=1e-12)


def test_the_learning_rate_changes_the_next_step_and_rebuild_starts_again():
    playground = Playground(seed=0)
    playground.learning_rate = 0.5
    assert playground.optimizer.lr == 0.5
    playground.step(2)
    playground.rebuild(dataset="circles", hidden=(3, 3), noise=0.0)
    assert playground.steps_done == 0 and playground.settings["hidden"] == (3, 3)
    assert playground.model.num_parameters() == (2 * 3 + 3) + (3 * 3 + 3) + (3 * 2 + 2)
    assert playground.optimizer.lr == 0.5


@pytest.mark.parametrize("settings, message", [
    (dict(dataset="swirl"), "unknown dataset: 'swirl'"),
    (dict(hidden=8), "hidden must be a list of layer sizes"),
    (dict(hidden=(8, 0)), "each hidden layer size must be a positive whole number"),
    (dict(activation="gelu"), "unknown activation: 'gelu'"),
    (dict(init="zeros"), "unknown init: 'zeros'"),
    (dict(learning_rate=-1), "learning_rate must be positive"),
    (dict(noise=-0.1), "noise must be a number >= 0"),
])
def test_bad_settings_are_refused_by_name(settings, message):
    with pytest.raises((ValueError, TypeError), match=message):
        Playground(**settings)


def test_a_learning_rate_too_large_is_reported_not_trained_on():
    playground = Playground(dataset="xor", hidden=(8,), activation="linear", learning_rate=1e150, seed=0)
    with pytest.raises(Diverged, match=r"lower the learning rate \(now 1e\+150\) and rebuild$") as caught:
        playground.step(5)
    # The state that blew up is the one after those recorded: step 0 is the model as built.
    assert caught.value.step == len(playground.losses) >= 1
    assert str(caught.value).startswith(f"the loss diverged at step {caught.value.step} (")


def test_there_is_one_diverged_wherever_it_is_imported_from():
    from micrograd_like.cli.errors import MESSAGES
    from micrograd_like.demos import Diverged as demos_diverged
    from micrograd_like.nn.optim import Diverged as home

    assert Diverged is demos_diverged is home
    assert home in MESSAGES  # the command words it, whichever part raised it


def test_one_points_chain_rule_is_a_stepper_whose_gradients_are_right():
    playground = Playground(dataset="moons", hidden=(3,), seed=0)
    playground.step(2)
    steps = playground.point_steps(7)
    assert steps.root.label == "loss" and steps.position == 0
    assert "x0" in steps.names.values() and "layers[0].neurons[0].w[0]" in steps.names.values()
    steps.finish()
    assert check_nodes(steps.root).ok  # each node's gradient against central differences
    with pytest.raises(IndexError, match="points 0 to 99"):
        playground.point_steps(100)


def test_play_trains_in_the_event_loop_one_step_per_frame_until_paused():
    playground = Playground(dataset="xor", hidden=(4,), seed=0)

    async def session():
        task = playground.play(frame=0.0)
        assert playground.playing
        while playground.steps_done < 3:
            await asyncio.sleep(0)  # other work (clicks) runs between the steps
        playground.pause()
        await asyncio.sleep(0)
        return task

    task = asyncio.run(session())
    assert task.done() and not playground.playing
    stopped = playground.steps_done
    assert stopped >= 3 and len(playground.losses) == stopped + 1


def test_play_outside_an_event_loop_says_to_use_step():
    with pytest.raises(RuntimeError, match="call step"):
        Playground(hidden=(2,)).play()


def test_one_points_graph_names_each_neurons_weighted_sum_and_activation():
    playground = Playground(dataset="moons", hidden=(3, 2), seed=0)
    steps = playground.point_steps(5)
    named = {node.label: node for node in steps.order if node.label}
    x = playground.X[5]
    for li, layer in enumerate(playground.model.layers):  # the forward pass by hand, in floats
        z = [sum(w.data * xi for w, xi in zip(n.w, x)) + n.b.data for n in layer.neurons]
        last = li == len(playground.model.layers) - 1
        x = z if last else [max(0.0, zi) for zi in z]  # relu hidden layers, a linear output layer
        for n in range(len(layer.neurons)):
            assert named[f"z[{li}][{n}]"].data == pytest.approx(z[n], abs=1e-12)
            assert last or named[f"a[{li}][{n}]"].data == pytest.approx(x[n], abs=1e-12)
    assert not any(label.startswith("a[2]") for label in named)  # the output layer has no activation
    assert "d(loss)/d(z[0][1])" in steps.transcript()  # the words use the short names


@pytest.mark.parametrize("hidden, words", [
    ((1000,), "hidden layers (1000,) make 5,002 parameters: the playground takes at most 2,000"),
    ((1,) * 9, "9 hidden layers: the playground takes at most 8"),
])
def test_a_network_too_big_to_watch_is_refused_with_the_reason_before_it_is_built(hidden, words):
    with pytest.raises(ValueError, match=re.escape(words)) as refused:
        Playground(hidden=hidden)
    assert "each step" in str(refused.value)  # the reason: every step runs every point through every weight
    playground = Playground(hidden=(8, 8), seed=0)
    model = playground.model
    with pytest.raises(ValueError, match="at most 2,000"):
        playground.rebuild(hidden=(100000,))  # refused at once: nothing is built
    assert playground.model is model and playground.settings["hidden"] == (8, 8)


def test_a_point_is_any_kind_of_whole_number():
    np = pytest.importorskip("numpy")
    playground = Playground(dataset="moons", hidden=(2,), seed=0)
    assert playground.point_steps(np.int64(3)).root.data == playground.point_steps(3).root.data
    for bad in (3.0, True, "3"):
        with pytest.raises(TypeError, match="a point is a whole number"):
            playground.point_steps(bad)
    with pytest.raises(IndexError, match="no point 100: the data set has points 0 to 99"):
        playground.point_steps(np.int64(100))



def test_the_boundary_can_be_computed_without_numpy(monkeypatch):
    """In a browser (Pyodide) there may be no numpy: the same probabilities, in plain floats."""
    playground = Playground(dataset="spiral", hidden=(5,), activation="tanh", seed=2)
    playground.step(2)
    xs, ys = [-0.7, 0.1, 0.9], [-0.4, 0.6]
    with_numpy = playground.probabilities(xs, ys).tolist()
    sent_with_numpy = TrainingPanel(playground, in_kernel=False).boundary()
    monkeypatch.setitem(sys.modules, "numpy", None)  # import numpy now fails
    without = playground.probabilities(xs, ys)
    assert isinstance(without, list) and len(without) == 3 and len(without[0]) == 2 and len(without[0][0]) == 3
    for k in range(3):
        for j in range(2):
            assert without[k][j] == pytest.approx(with_numpy[k][j], abs=1e-12)
    sent = TrainingPanel(playground, in_kernel=False).boundary()  # what the page draws, numpy or not
    assert sent["points"] == sent_with_numpy["points"]
    for k, rows in enumerate(sent["probabilities"]):
        for j, row in enumerate(rows):
            assert row == pytest.approx(sent_with_numpy["probabilities"][k][j], abs=1e-3)


def view_of(playground):
    pytest.importorskip("anywidget", reason="the view needs anywidget (pip install -e '.[test]')")
    view = playground.widget()
    assert playground.widget() is view  # one view per playground
    return view


def test_the_view_is_an_anywidget_and_its_buttons_train_and_redraw():
    import anywidget

    playground = Playground(dataset="xor", hidden=(4,), n_samples=40, seed=0)
    view = view_of(playground)
    assert isinstance(view, anywidget.AnyWidget)
    first = view.boundary
    assert view.steps_done == 0 and view.loss == playground.losses[0] and not view.playing
    view.press("step")
    view.press("step")
    assert playground.steps_done == 2 == view.steps_done and view.loss == playground.losses[-1]
    assert view.losses == playground.losses and view.accuracy == playground.accuracies[-1]
    assert view.boundary["probabilities"] != first["probabilities"]  # the boundary moved
    assert view.boundary["points"] == first["points"]
    playground.step()  # a step made in code shows too
    assert view.steps_done == 3
    view.press("reset")
    assert playground.steps_done == 0 == view.steps_done
    with pytest.raises(ValueError, match="the training view's buttons are play, pause, step, reset, chain"):
        view.press("jump")


def test_the_boundary_sent_to_the_page_is_the_models_prediction_at_each_cell():
    playground = Playground(dataset="spiral", hidden=(4,), n_samples=30, seed=0)
    view = view_of(playground)
    boundary = view.boundary
    (x0, x1), (y0, y1) = boundary["x"], boundary["y"]
    grid = boundary["probabilities"]
    rows, columns = len(grid[0]), len(grid[0][0])
    assert len(grid) == playground.classes == 3 and rows == columns == 40
    for j, i in [(0, 0), (7, 31), (39, 12)]:  # row j from the bottom, column i: the cell's middle
        x, y = x0 + (x1 - x0) * (i + 0.5) / columns, y0 + (y1 - y0) * (j + 0.5) / rows
        scores = [s.data for s in playground.model.outputs([x, y])]
        exps = [math.exp(s - max(scores)) for s in scores]
        assert [grid[k][j][i] for k in range(3)] == pytest.approx([e / sum(exps) for e in exps], abs=6e-4)
    points = [[round(x, 4), round(y, 4), label] for (x, y), label in zip(playground.X, playground.y)]
    assert boundary["points"] == points
    assert x0 < min(x for x, _ in playground.X) and x1 > max(x for x, _ in playground.X)


def test_the_views_controls_change_the_playground():
    playground = Playground(n_samples=30, seed=0)
    view = view_of(playground)
    view.learning_rate = 0.3
    assert playground.learning_rate == 0.3 == playground.optimizer.lr
    view.hidden = "5, 3"
    assert playground.settings["hidden"] == (5, 3)
    view.activation = "tanh"
    view.init = "xavier"
    view.noise = 0.2
    view.dataset = "spiral"
    assert playground.settings == dict(dataset="spiral", hidden=(5, 3), activation="tanh", init="xavier",
                                       noise=0.2, n_samples=30, seed=0)
    assert playground.classes == 3 and view.message == "" and len(view.boundary["colours"]) == 3
    view.hidden = "5, x"
    assert "whole numbers" in view.message and playground.settings["hidden"] == (5, 3)
    view.hidden = "0"
    assert "positive whole number" in view.message and playground.settings["hidden"] == (5, 3)


@pytest.mark.parametrize("control, value, words", [
    ("noise", 0.7, "noise goes from 0.0 to 0.5, got 0.7"),
    ("noise", "lots", "noise goes from 0.0 to 0.5, got 'lots'"),
    ("dataset", "swirl", "dataset is one of moons, circles, xor, spiral, got 'swirl'"),
    ("activation", "gelu", "activation is one of"),
    ("init", "zeros", "init is one of"),
    ("learning_rate", 0.05, "learning rate is one of 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1.0, 3.0, got 0.05"),
    ("point", 30, "point is a whole number from 0 to 29 \\(its place in the data set\\), got 30"),
    ("point", 1.5, "point is a whole number"),
    ("hidden", (8, 8), "hidden is the sizes of the hidden layers as text"),
])
def test_the_controls_are_bounded_and_a_value_out_of_bounds_is_refused_in_one_line(control, value, words):
    playground = Playground(n_samples=30, seed=0)
    view = view_of(playground)
    before = dict(playground.settings)
    with pytest.raises((ValueError, TypeError), match=words) as refused:
        setattr(view, control, value)
    assert "\n" not in str(refused.value) and type(refused.value).__name__ != "TraitError"
    assert playground.settings == before and getattr(view, control) == view.panel.state()[control]  # unchanged


def test_the_chain_rule_button_opens_a_stepper_over_one_points_loss():
    playground = Playground(dataset="moons", hidden=(2,), seed=0)
    view = view_of(playground)
    assert view.chain == {}
    view.point = 4
    view.press("chain")
    assert view.chain["steps"] == len(playground.point_steps(4))
    assert "backward pass of loss: at the start" in view.chain["words"]
    view.panel.message({"chain": {"press": "next"}})  # the panel's Next
    assert "step 1/" in view.chain["words"] and view.chain["position"] == 1
    view.panel.message({"chain": {"position": 3}})  # its slider
    assert "step 3/" in view.chain["words"]
    view.dataset = "circles"  # new data: the point's pass is gone with the old network
    assert view.chain == {}


def test_the_chain_rule_panel_draws_each_step_legibly_however_big_the_network():
    pytest.importorskip("anywidget", reason="the view needs anywidget (pip install -e '.[test]')")
    if shutil.which("dot") is None:
        pytest.skip("Graphviz's dot is not installed")
    playground = Playground(dataset="moons", hidden=(8, 8), seed=0)
    steps = playground.point_steps(0)
    widest = max(len(node.parents) for node in steps.order)
    for position in range(len(steps) + 1):  # every step: its node and operands only
        steps.goto(position)
        source = steps.draw(around=True).source
        assert source.count("shape=record") <= widest + 1 < 20
    steps.reset()
    stepper = steps.widget(around=True)
    first_of_the_widest = next(s.number for s in steps.steps if len(s.node.parents) == widest)
    for position in (0, 2, 8, first_of_the_widest, len(steps)):  # the loss's pieces, a neuron of 8 inputs
        stepper.position = position
        points = float(re.search(r'viewBox="[\d.]+ [\d.]+ ([\d.]+) ', stepper.svg).group(1))
        assert points <= 750  # 12-point text (16 px) shrunk into 880 px of notebook stays >= 14 px
    assert "local" in stepper.svg and f"step {len(steps)}/{len(steps)}" in stepper.words


def test_a_play_press_in_a_running_loop_trains_and_a_pause_stops_it():
    playground = Playground(dataset="xor", hidden=(3,), seed=0)
    view = view_of(playground)

    async def session():
        view.press("play")
        assert view.playing and playground.playing
        while playground.steps_done < 2:
            await asyncio.sleep(0.01)
        view.press("pause")
        await asyncio.sleep(0)

    asyncio.run(session())
    assert not view.playing and not playground.playing
    assert view.steps_done == playground.steps_done >= 2


def test_the_hidden_layers_box_says_why_a_network_too_big_is_refused_and_shows_the_sizes_in_use():
    playground = Playground(hidden=(8, 8), n_samples=30, seed=0)
    view = view_of(playground)
    assert "2,000" in view.hidden_title  # the limit is said before anyone meets it
    view.hidden = "100000"
    assert "at most 2,000 parameters" in view.message and playground.settings["hidden"] == (8, 8)
    assert view.hidden == "8, 8"  # the box shows the network that is training, not the one refused
    view.hidden = "8 x"
    assert "whole numbers" in view.message and view.hidden == "8, 8"


def test_one_points_chain_rule_opens_on_a_step_a_student_can_read():
    from micrograd_like.nn.losses import softmax_cross_entropy

    playground = Playground(dataset="moons", hidden=(8, 8), activation="relu", init="he", seed=0)  # notebook 4's
    steps = playground.point_steps(0)
    x = playground.X[0]
    assert steps.root.data == softmax_cross_entropy([playground.model.outputs(x)], [playground.y[0]]).data
    first = steps.steps[0].headline
    assert first.startswith("step 1/") and "loss = log_sum_exp - (z[2][" in first, first  # no "*1.0", no "…"
    for step in steps.steps[:12]:  # the loss's own pieces, named shortly, then the output layer
        assert "…" not in step.headline and "*1.0" not in step.headline, step.headline
    view = view_of(playground)
    view.press("chain")
    assert "next step 1/" in view.chain["words"] and "…" not in view.chain["words"]


def test_the_picture_has_a_legend_with_one_colour_per_class():
    from micrograd_like.notebook.playground import CLASS_COLOURS
    from micrograd_like.web import modules

    playground = Playground(dataset="spiral", hidden=(4,), n_samples=30, seed=0)
    view = view_of(playground)
    assert view.boundary["colours"] == list(CLASS_COLOURS[:3])
    training = modules.module_source("training")
    assert "`class ${k}`" in training and "boundary.colours.map" in training  # one legend entry per colour
    assert "font-size:15px" in training.split("mgl-classes")[1][:80]  # legible on a projector


def test_without_dot_the_chain_rule_panel_is_laid_out_in_the_page(monkeypatch):
    from micrograd_like.drawing import in_browser

    monkeypatch.setattr(in_browser, "dot_available", lambda: False)
    playground = Playground(dataset="moons", hidden=(2,), n_samples=20, seed=0)
    view = view_of(playground)
    assert view._viz == ""  # nothing to lay out yet: viz.js is not sent for nothing
    view.press("chain")
    assert view.chain["svg"] == "" and view.chain["dot"].startswith("digraph")
    assert view._viz == in_browser.viz_source()  # sent once there is a drawing for the page to lay out
