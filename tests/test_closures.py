"""micrograd's way of adding an operation: a method that makes Value(data, children, op) and
assigns out._backward, a closure.  Such nodes work in backward, zero_grad, gradcheck and drawings."""

import math

import pytest
from examples import lecture_tanh, micrograd_readme, use_micrograds_operators

from micrograd_like import MLP, Adam, Value, check_nodes, draw_dot, gradcheck, weighted_sum
from micrograd_like.engine.backward import ChainRuleStep, backward


@pytest.fixture
def tanh2(monkeypatch):
    monkeypatch.setattr(Value, "tanh2", lecture_tanh, raising=False)


def neuron(make_tanh):
    x1, x2 = Value(2.0, label="x1"), Value(0.0, label="x2")
    w1, w2 = Value(-3.0, label="w1"), Value(1.0, label="w2")
    b = Value(6.8813735870195432, label="b")
    n = x1 * w1 + x2 * w2 + b
    o = make_tanh(n)
    return [x1, x2, w1, w2, b, n, o]


def test_the_lectures_closure_gives_the_same_numbers_as_the_table(tanh2):
    ours = neuron(lambda n: n.tanh2())
    table = neuron(lambda n: n.tanh())
    ours[-1].backward()
    table[-1].backward()
    assert [v.data for v in ours] == [v.data for v in table]
    assert [v.grad for v in ours] == [v.grad for v in table]
    assert (ours[1].grad, ours[2].grad) == pytest.approx((0.5, 1.0))  # the lecture's figures


def test_a_closure_node_records_its_parents_symbol_and_measured_local_derivative(tanh2):
    x = Value(0.5)
    y = x.tanh2()
    assert (y.op, y._op, y.parents, y._prev, y.primitive) == ("tanh", "tanh", (x,), {x}, None)
    assert y.local_grads == (1 - math.tanh(0.5) ** 2,)
    assert (x.grad, y.grad) == (0.0, 0.0)  # measuring put every grad back


def test_a_second_backward_doubles_every_gradient_and_zero_grad_clears_them(tanh2):
    x, w = Value(0.3), Value(-1.7)
    h = (x * w).tanh2()
    y = h * h + h.tanh2()
    y.backward()
    nodes = [x, w, h, y, h.parents[0], y.parents[0], y.parents[1]]
    first = [n.grad for n in nodes]
    y.backward()
    assert [n.grad for n in nodes] == [2 * g for g in first]
    y.zero_grad()
    assert all(n.grad == 0.0 for n in nodes)


@pytest.mark.parametrize("make", [
    lambda a, b: Value(a.data + b.data, _children=(a, b), _op="+"),
    lambda a, b: Value(a.data + b.data, (a, b), "+", label="s"),
    lambda a, b: Value(a.data + b.data, _children=[a, b], _op="+", label="s"),
])
def test_micrograds_constructor_forms(make):
    a, b = Value(1.0), Value(2.0)
    s = make(a, b)

    def _backward():
        a.grad += s.grad
        b.grad += s.grad
    s._backward = _backward
    (s * 3).backward()
    assert (s.data, s.op, s.parents, a.grad, b.grad) == (3.0, "+", (a, b), 3.0, 3.0)


def test_a_closure_node_without_a_closure_passes_nothing_as_in_micrograd():
    a = Value(1.0)
    s = Value(2.0, (a,), "?")
    (s * 1.0).backward()
    assert a.grad == 0.0


def test_micrograds_own_engine_methods_run_as_closures(monkeypatch):
    use_micrograds_operators(monkeypatch)
    a, b, g = micrograd_readme()
    assert g.primitive is None and g.op == "+"  # made by micrograd's closure, not by our table
    g.backward()
    assert (f"{g.data:.4f}", f"{a.grad:.4f}", f"{b.grad:.4f}") == ("24.7041", "138.8338", "645.5773")


def test_gradcheck_and_check_nodes_handle_closure_nodes(tanh2):
    assert gradcheck(lambda x, y: (x * y).tanh2() * x, [0.5, -1.5])
    x = Value(0.7, label="x")
    h = (x * 2).tanh2()
    h.label = "h"
    y = h * h
    report = check_nodes(y)
    rows = {row.name: row for row in report.rows}
    assert rows["h"].ok and rows["h"].note == ""  # above the closure: compared for real
    assert "closure" in rows["x"].note  # below it: said, not guessed


def test_create_graph_refuses_a_closure_and_changes_nothing(tanh2):
    x = Value(0.5)
    y = x.tanh2() * x
    y.backward()
    before = x.grad
    with pytest.raises(ValueError, match="closure.*no derivative of its own"):
        y.backward(create_graph=True)
    assert x.grad == before


def test_recorded_steps_show_what_the_closure_added_to_each_parent(tanh2):
    a, b = Value(0.5), Value(-2.0)
    m = Value(a.data * b.data, (a, b), "*")

    def _backward():
        a.grad += b.data * m.grad
        b.grad += a.data * m.grad
    m._backward = _backward
    y = (m * 3.0).tanh2()
    steps: list[ChainRuleStep] = []
    backward(y, record=steps)
    closure_steps = [s for s in steps if s.closure]
    assert [(s.node.op, s.operand) for s in closure_steps] == [("tanh", 0), ("*", 0), ("*", 1)]
    for s in closure_steps:
        assert s.after == s.before + s.contribution
        assert s.contribution == pytest.approx(s.upstream * s.local)
    assert [s.local for s in closure_steps[1:]] == [b.data, a.data]
    assert (a.grad, b.grad) == (closure_steps[1].after, closure_steps[2].after)


def test_a_closure_cannot_give_a_constant_a_gradient():
    a, k = Value(2.0), Value(3.0, requires_grad=False)
    m = Value(6.0, (a, k), "*")

    def _backward():
        a.grad += k.data * m.grad
        k.grad += a.data * m.grad
    m._backward = _backward
    m.backward()
    assert (a.grad, k.grad) == (3.0, 0.0)


def test_a_closure_that_adds_something_other_than_a_number_is_refused():
    a = Value(2.0)
    out = Value(4.0, (a,), "sq")

    def _backward():
        a.grad += a * out.grad  # forgot .data: a Value, not a number
    out._backward = _backward
    with pytest.raises(TypeError, match="sq node made a parent's grad Value"):
        out.backward()
    assert (a.grad, out.grad) == (0.0, 0.0)


def test_a_drawing_shows_the_closure_node_and_its_measured_local(tanh2):
    x = Value(0.5, label="x")
    y = (x * 2).tanh2()
    source = draw_dot(y, show_local_grads=True).source
    assert "label=tanh" in source
    assert f"local {1 - math.tanh(1.0) ** 2:.4f}" in source


def test_code_may_keep_its_own_attributes_on_the_values_it_makes():
    v = Value(1.0)
    v._vis_color = "lightgreen"  # EurekaLabs' micrograd colours its inputs and parameters
    closure_node = Value(2.0, (v,), "f")
    closure_node._vis_color = "lightblue"
    weight = MLP(1, [1]).parameters()[0]
    weight.m = 0.0  # an optimiser's state on a parameter
    assert (v._vis_color, closure_node._vis_color, weight.m) == ("lightgreen", "lightblue", 0.0)
    assert not hasattr(v * v, "_vis_color")  # what EurekaLabs' drawing asks of every node
    with pytest.raises(AttributeError):
        v.op = "+"  # the graph's own views stay read-only


def test_every_kind_of_node_keeps_attributes_of_your_own_as_micrograds_values_do():
    v = Value(1.0)
    nodes = {"unary": v.tanh(), "binary": v * v, "many operands": weighted_sum([v, v], [v, v], 0.0),
             "constant": Value(2.0, requires_grad=False), "closure": Value(2.0, (v,), "f")}
    for kind, node in nodes.items():
        node.note = kind  # a student's tag, EurekaLabs' _vis_color, an optimiser's state
        node._seen = True
        assert (node.note, node._seen) == (kind, True)
        assert node.__dict__ == {"note": kind, "_seen": True}
        with pytest.raises(AttributeError):
            node.op = "+"  # the graph's own views stay read-only
    loss = nodes["binary"] + nodes["unary"]
    loss.backward()  # attributes of your own change nothing the engine computes
    assert v.grad == pytest.approx(2.0 + (1 - v.tanh().data ** 2))


class EurekaAdamW:
    """EurekaLabs' micrograd AdamW, as written there: its state lives on the parameters."""

    def __init__(self, parameters, lr=1e-1, betas=(0.9, 0.95), eps=1e-8, weight_decay=0.0):
        self.parameters = parameters
        self.lr = lr
        self.beta1, self.beta2 = betas
        self.eps = eps
        self.weight_decay = weight_decay
        self.t = 0
        for p in self.parameters:
            p.m = 0
            p.v = 0

    def step(self):
        self.t += 1
        for p in self.parameters:
            if p.grad is None:
                continue
            p.m = self.beta1 * p.m + (1 - self.beta1) * p.grad
            p.v = self.beta2 * p.v + (1 - self.beta2) * (p.grad ** 2)
            m_hat = p.m / (1 - self.beta1 ** self.t)
            v_hat = p.v / (1 - self.beta2 ** self.t)
            p.data -= self.lr * (m_hat / (v_hat ** 0.5 + 1e-8) + self.weight_decay * p.data)

    def zero_grad(self):
        for p in self.parameters:
            p.grad = 0


def test_eurekalabs_adamw_runs_and_matches_our_adam_without_weight_decay():
    def train(make_optimizer):
        w, b = Value(0.5), Value(-0.3)
        optimizer = make_optimizer([w, b])
        for x, target in [(1.0, 2.0), (2.0, 3.0), (-1.0, 0.0)] * 3:
            loss = (w * x + b - target) ** 2
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
        return [w.data, b.data]

    theirs = train(lambda ps: EurekaAdamW(ps, lr=0.1, betas=(0.9, 0.95)))
    ours = train(lambda ps: Adam(ps, lr=0.1, betas=(0.9, 0.95), eps=1e-8))
    assert theirs == pytest.approx(ours, rel=1e-9)


def test_a_closure_assigned_to_a_node_made_by_an_operation_is_refused_not_ignored():
    a, b = Value(2.0), Value(3.0)
    e = a * b

    def adds_a_hundred():
        a.grad += 100.0

    for node in (e, a):
        with pytest.raises(AttributeError, match="make the node micrograd's way"):
            node._backward = adds_a_hundred
    e.backward()
    assert a.grad == 3.0  # the table's rule, and nothing else
    e.grad, a.grad, b.grad = 1.0, 0.0, 0.0
    e._backward()  # micrograd's per-node step still runs
    assert (a.grad, b.grad) == (3.0, 2.0)
