"""The training view's logic, without a browser: training, the controls, one point's chain rule."""

import asyncio
import math
import re

import pytest

from micrograd_like import check_nodes
from micrograd_like.notebook.playground import Diverged, Playground


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


def view_of(playground):
    pytest.importorskip("ipywidgets", reason="the view needs ipywidgets (pip install -e '.[test]')")
    pytest.importorskip("matplotlib", reason="the picture needs matplotlib (pip install -e '.[test]')")
    box = playground.widget()
    assert playground.widget() is box  # one view per playground
    return playground._view


def test_the_views_buttons_train_and_redraw():
    playground = Playground(dataset="xor", hidden=(4,), n_samples=40, seed=0)
    view = view_of(playground)
    first = bytes(view.picture.value)
    assert first.startswith(b"\x89PNG") and "step <b>0</b>" in view.status.value
    view.step.click()
    view.step.click()
    assert playground.steps_done == 2 and "step <b>2</b>" in view.status.value
    assert f"{playground.losses[-1]:.4f}" in view.status.value
    assert bytes(view.picture.value) != first  # the boundary and the loss curve moved
    view.reset.click()
    assert playground.steps_done == 0


def test_the_views_controls_change_the_playground():
    playground = Playground(n_samples=30, seed=0)
    view = view_of(playground)
    view.learning_rate.value = 0.3
    assert playground.learning_rate == 0.3 == playground.optimizer.lr
    view.hidden.value = "5, 3"
    assert playground.settings["hidden"] == (5, 3)
    view.activation.value = "tanh"
    view.init.value = "xavier"
    view.noise.value = 0.2
    view.dataset.value = "spiral"
    assert playground.settings == dict(dataset="spiral", hidden=(5, 3), activation="tanh", init="xavier",
                                       noise=0.2, n_samples=30, seed=0)
    assert playground.classes == 3 and view.message.value == ""
    view.hidden.value = "5, x"
    assert "whole numbers" in view.message.value and playground.settings["hidden"] == (5, 3)
    view.hidden.value = "0"
    assert "positive whole number" in view.message.value and playground.settings["hidden"] == (5, 3)


def test_the_chain_rule_button_opens_a_stepper_over_one_points_loss():
    playground = Playground(dataset="moons", hidden=(2,), seed=0)
    view = view_of(playground)
    view.point.value = 4
    view.chain_rule.click()
    (panel,) = view.point_area.children
    stepper_view = panel.children  # controls, words, legend, drawing
    words = stepper_view[1]
    assert "backward pass of loss: at the start" in words.value
    next_button = stepper_view[0].children[2]
    next_button.click()
    assert "step 1/" in words.value


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


def test_the_chain_rule_panel_draws_each_step_legibly_however_big_the_network():
    playground = Playground(dataset="moons", hidden=(8, 8), seed=0)
    view = view_of(playground)
    view.chain_rule.click()
    (panel,) = view.point_area.children
    assert "mgl-stepper" in panel._dom_classes
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
        stepper.goto(position)
        points = float(re.search(r'viewBox="[\d.]+ [\d.]+ ([\d.]+) ', stepper.drawing.value).group(1))
        assert points <= 750  # 12-point text (16 px) shrunk into 880 px of notebook stays >= 14 px
    assert "local" in stepper.drawing.value and f"step {len(steps)}/{len(steps)}" in stepper.words.value


def test_a_play_click_in_a_running_loop_trains_and_a_second_click_pauses():
    playground = Playground(dataset="xor", hidden=(3,), seed=0)
    view = view_of(playground)

    async def session():
        view.play.click()
        assert view.play.description == "Pause" and view.step.disabled
        while playground.steps_done < 2:
            await asyncio.sleep(0.01)
        view.play.click()
        await asyncio.sleep(0)

    asyncio.run(session())
    assert view.play.description == "Play" and not playground.playing
    assert f"step <b>{playground.steps_done}</b>" in view.status.value


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


def test_the_hidden_layers_box_says_why_a_network_too_big_is_refused_and_shows_the_sizes_in_use():
    playground = Playground(hidden=(8, 8), n_samples=30, seed=0)
    view = view_of(playground)
    assert "2,000" in view.hidden.tooltip  # the limit is said before anyone meets it
    view.hidden.value = "100000"
    assert "at most 2,000 parameters" in view.message.value and playground.settings["hidden"] == (8, 8)
    assert view.hidden.value == "8, 8"  # the box shows the network that is training, not the one refused
    view.hidden.value = "8 x"
    assert "whole numbers" in view.message.value and view.hidden.value == "8, 8"


def test_a_point_is_any_kind_of_whole_number():
    np = pytest.importorskip("numpy")
    playground = Playground(dataset="moons", hidden=(2,), seed=0)
    assert playground.point_steps(np.int64(3)).root.data == playground.point_steps(3).root.data
    for bad in (3.0, True, "3"):
        with pytest.raises(TypeError, match="a point is a whole number"):
            playground.point_steps(bad)
    with pytest.raises(IndexError, match="no point 100: the data set has points 0 to 99"):
        playground.point_steps(np.int64(100))


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
    view.chain_rule.click()
    (panel,) = view.point_area.children
    assert "next step 1/" in panel.children[1].value and "…" not in panel.children[1].value


def test_the_picture_has_a_legend_with_one_colour_per_class():
    from matplotlib.colors import to_hex

    from micrograd_like.notebook.playground import CLASS_COLOURS

    playground = Playground(dataset="spiral", hidden=(4,), n_samples=30, seed=0)
    view = view_of(playground)
    legend = view._figure.axes[0].get_legend()
    assert legend is not None, "the decision boundary has no legend"
    assert [t.get_text() for t in legend.get_texts()] == ["class 0", "class 1", "class 2"]
    assert [to_hex(h.get_facecolor()[0]) for h in legend.legend_handles] == list(CLASS_COLOURS[:3])
    assert min(t.get_fontsize() for t in legend.get_texts()) >= 12  # 12 points: 16 px in the view's 900
