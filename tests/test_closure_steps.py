"""The stepper over nodes made micrograd's way (a closure): one step per parent, saying what the
closure added; the forward walk, the drawings, the quiz and the exports handle them too."""

import math

import pytest
from examples import lecture_tanh, micrograd_readme, use_micrograds_operators
from helpers import need

from micrograd_like import Value
from micrograd_like.engine.backward import backward, topological_order
from micrograd_like.pages.export import to_csv, to_markdown
from micrograd_like.teach.quiz import Quiz
from micrograd_like.teach.stepper import Step, backward_steps
from micrograd_like.teach.words import notation_of, num


@pytest.fixture(autouse=True)
def tanh2(monkeypatch):
    monkeypatch.setattr(Value, "tanh2", lecture_tanh, raising=False)


def neuron():
    """The lecture's neuron through its closure tanh, then o used twice by a closure of its own
    (with a constant among its parents) and once more by the table's +."""
    x1, x2 = Value(2.0, label="x1"), Value(0.0, label="x2")
    w1, w2 = Value(-3.0, label="w1"), Value(1.0, label="w2")
    b = Value(6.8813735870195432, label="b")
    n = x1 * w1 + x2 * w2 + b
    n.label = "n"
    o = n.tanh2()
    o.label = "o"
    two = Value(2.0, requires_grad=False)
    sq = Value(o.data * o.data * two.data, (o, o, two), "*")

    def _backward():
        o.grad += 2 * o.data * two.data * sq.grad
        two.grad += o.data * o.data * sq.grad  # a constant: the engine gives it nothing
    sq._backward = _backward
    L = sq + o
    return L


def micrograd_example(monkeypatch):
    """micrograd's README example, made by micrograd's own operator methods (closures)."""
    use_micrograds_operators(monkeypatch)
    return micrograd_readme(labelled=True)[2]


def grads_after(root: Value, position: int) -> list[str]:
    """Every grad of ``root``'s graph after the first ``position`` steps of backward()'s own
    record of its pass (made on a graph of its own), exactly, as hex."""
    records = []
    order = backward(root, record=records)
    passed = {node: 0.0 for node in order} | {root: 1.0}
    for record in records[:position]:
        passed[record.parent] = record.after
    return [passed[node].hex() for node in order]


def bits(order: list[Value]) -> list[str]:
    return [node.grad.hex() for node in order]


@pytest.mark.parametrize("build", [lambda mp: neuron(), micrograd_example], ids=["neuron", "micrograd"])
def test_stepping_over_closures_leaves_grads_exactly_as_backward_at_every_position(build, monkeypatch):
    root, twin = build(monkeypatch), build(monkeypatch)
    steps = backward_steps(root)
    order = steps.order
    n = len(steps)
    plan = [("next", None)] * 4 + [("back", None)] * 2 + [("goto", k) for k in (n, 1, 0, n // 2)]
    plan += [("goto", node) for node in order[::3]] + [("finish", None), ("back", None), ("reset", None)]
    for move, target in plan:
        getattr(steps, move)(*([] if target is None else [target]))
        assert bits(order) == grads_after(twin, steps.position), (move, target)
        twin.zero_grad()
    steps.finish()
    twin.backward()
    assert bits(order) == bits(topological_order(twin))


def test_a_closure_step_says_what_the_closure_added_per_parent():
    L = neuron()
    steps = backward_steps(L)
    sq, o = L.parents
    n = o.parents[0]
    through = [step for step in steps.steps if step.closure]
    # one step per distinct parent that takes a gradient: sq sends o's shares at once, none to 2.0
    assert [(step.node, step.parent, step.operand) for step in through] == [(sq, o, 0), (o, n, 0)]
    for step in through:
        assert step.after == step.before + step.contribution
    tanh_step = through[1]
    t = math.tanh(n.data)
    assert tanh_step.local == 1 - t**2 and tanh_step.contribution == (1 - t**2) * tanh_step.upstream
    assert tanh_step.lines[:2] == (
        f"step {tanh_step.number}/{len(steps)}: o = tanh(n) sends dL/do = {num(tanh_step.upstream)} back to n",
        f"  the closure _backward added {num(tanh_step.contribution)} to n.grad ({num(1 - t**2)} per unit of "
        f"upstream); n.grad = 0.0 + {num(tanh_step.contribution)} = {num(tanh_step.contribution)}",
    )
    assert "tanh is your own operation, written micrograd's way" in tanh_step.lines[2]
    assert through[0].headline.endswith("o * o * 2.0 sends dL/d(o * o * 2.0) = 1.0 back to o")
    assert any("o is used 2 times in o * o * 2.0" in note for note in through[0].notes)
    assert isinstance(tanh_step, Step)  # Step is still importable from the stepper


def test_the_forward_walk_calls_a_closure_node_the_users_own_operation_not_an_input():
    L = neuron()
    lines = backward_steps(L).forward_walk().lines
    assert "o = tanh(n) = tanh(0.88137) = 0.70711  (made by your own operation tanh, a closure)" in lines[9]
    assert lines[11].endswith("o * o * 2.0 = 0.70711 * 0.70711 * 2.0 = 1.0  "
                              "(made by your own operation *, a closure)")
    assert sum("an input" in line for line in lines) == 5  # x1, x2, w1, w2, b


@pytest.mark.parametrize("symbol, arity, template", [
    ("tanh", 1, "tanh({0})"), ("ReLU", 1, "ReLU({0})"), ("**2", 1, "{0}**2"), ("-", 1, "-{0}"),
    ("+", 2, "{0} + {1}"), ("*", 3, "{0} * {1} * {2}"), ("", 2, "closure({0}, {1})"), ("@@", 2, "@@({0}, {1})"),
    ("{x}", 1, "{{x}}({0})"),
])
def test_a_closure_node_is_written_from_its_symbol(symbol, arity, template):
    node = Value(1.0, tuple(Value(float(k)) for k in range(arity)), symbol)
    assert notation_of(node) == template


def test_the_quiz_asks_a_closures_measured_local_derivative():
    L = neuron()
    steps = backward_steps(L)
    quiz = Quiz(steps, ask=("local", "contribution", "grad"))
    asked = []
    while not quiz.finished:
        question = quiz.question
        asked.append(str(question))
        step = question.step
        answer = {"local": step.local, "contribution": step.contribution, "grad": step.held + step.after}
        assert "right" in str(quiz.answer(repr(answer[question.kind])))
    assert quiz.score.right == quiz.score.out_of == 3 * len(steps)
    assert any("local derivative d(tanh(n))/dn = ?" in text for text in asked)
    twin = neuron()
    twin.backward()
    assert bits(steps.order) == bits(topological_order(twin))


def test_the_exports_write_what_the_closure_added():
    steps = backward_steps(neuron())
    tanh_step = next(step for step in steps.steps if step.closure and step.node.op == "tanh")
    csv = to_csv(steps).splitlines()
    assert csv[tanh_step.number] == (f'{tanh_step.number},o,n,"d(tanh(n))/dn, measured (what the closure adds per '
                                     f'unit of upstream)",{num(tanh_step.local)},{num(tanh_step.upstream)},'
                                     f'{num(tanh_step.contribution)},{num(tanh_step.after)}')
    markdown = to_markdown(steps)
    assert f"`the closure added {num(tanh_step.contribution)}`" in markdown
    assert "(made by your own operation tanh, a closure)" in markdown


def test_the_stepper_draws_a_closure_step(tmp_path):
    L = neuron()
    steps = backward_steps(L)
    tanh_step = next(step for step in steps.steps if step.closure and step.node.op == "tanh")
    steps.goto(tanh_step.number)
    o = tanh_step.node
    label = f"d(tanh(n))/dn = {num(tanh_step.local)}\nthe closure added {num(tanh_step.contribution)}"
    assert steps.highlight().edge_labels == {(o, 0): label}
    source = steps.draw().source
    assert "label=tanh" in source and f"the closure added {num(tanh_step.contribution)}" in source
    assert "the closure added" in steps.draw(around=True).source
    need("dot")
    paths = steps.save_svgs(tmp_path / "frames")
    assert len(paths) == len(steps) + 1 and steps.position == tanh_step.number
    assert f"the closure added {num(tanh_step.contribution)}" in paths[tanh_step.number].read_text()


def test_the_record_of_a_closure_is_what_it_gave_in_the_pass_even_if_it_would_give_other_numbers_again():
    """The record replays the pass; a closure's step shows what the closure added then, not what
    a new call would add (here a closure that adds a little more each time it runs)."""
    x = Value(0.5, label="x")
    calls = []
    out = Value(2 * x.data, (x,), "twice")

    def _backward():
        calls.append(1)
        x.grad += (2 + len(calls) / 1000) * out.grad
    out._backward = _backward
    loss = out * 3.0
    records = []
    backward(loss, record=records)
    (step,) = [r for r in records if r.node is out]
    assert step.closure
    assert step.after == x.grad  # what the pass really gave x, to the last bit
    assert step.contribution == x.grad


def test_a_closure_that_fails_when_its_step_is_recorded_leaves_every_grad_as_it_was():
    """Recording a closure's step runs it once more (for its local derivative): if that run
    fails, backward(record=...) fails as a whole, as any pass does."""
    x = Value(0.5, label="x")
    saved = [math.tanh(x.data)]
    out = Value(saved[0], (x,), "tanh")

    def _backward():
        x.grad += (1 - saved.pop() ** 2) * out.grad  # works once only
    out._backward = _backward
    loss = out * 2.0
    with pytest.raises(IndexError):
        backward(loss, record=[])
    assert (x.grad, out.grad, loss.grad) == (0.0, 0.0, 0.0)


def test_a_held_negative_zero_gradient_is_recorded_as_the_pass_uses_it():
    x, w = Value(0.0, label="x"), Value(-0.0, label="w")
    y = x * w
    x.grad = -0.0
    records = []
    backward(y, record=records)
    (step,) = [r for r in records if r.parent is x]
    assert step.after.hex() == (step.before + step.contribution).hex()
    assert x.grad.hex() == (-0.0 + step.after).hex()  # the pass, then what x held, added
