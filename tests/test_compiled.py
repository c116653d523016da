"""compile_graph: the written-out code gives backward()'s numbers bit for bit, and reads like the lecture."""

import math
import re
import subprocess
import sys

import pytest
from examples import lecture
from hypothesis import assume, given
from hypothesis import strategies as st
from random_graphs import OPERATIONS

from micrograd_like import MLP, SGD, Value, apply, compile_graph, detect_anomaly, no_grad, ops, weighted_sum
from micrograd_like.compiler.compiled import CompiledLoss, CompileError
from micrograd_like.engine.ops import Primitive
from micrograd_like.nn.modules import Layer

# Every primitive of the table, with constants, raw domains (log, sqrt, 1/x can fail) and
# weighted_sum(n) mixing Values and numbers, on top of the shared random graphs' operations.
MORE = {
    "relu": (1, lambda a: a.relu()),
    "abs": (1, lambda a: abs(a)),
    "const_left": (1, lambda a: 1.5 - a * 2),
    "const_right": (1, lambda a: a / 3 + 0.25),
    "sqrt_power": (1, lambda a: (a * a + 1) ** 0.5),
    "pow0": (1, lambda a: a**0),
    "pow1": (1, lambda a: a**1),
    "reciprocal": (1, lambda a: a**-1),
    "log_raw": (1, lambda a: a.log()),
    "sqrt_raw": (1, lambda a: a.sqrt()),
    "div_raw": (2, lambda a, b: a / b),
    "wsum1": (3, lambda w, x, b: weighted_sum([w], [x], b)),
    "wsum2": (4, lambda w0, w1, x0, b: weighted_sum([w0, w1], [x0, 0.5], b)),
    "wsum3": (5, lambda w0, w1, w2, x0, x1: weighted_sum([w0, w1, w2], [x0, x1, -2.0], 0.125)),
}
RULES = {name: (arity, rule) for name, (arity, rule, _) in OPERATIONS.items()} | MORE


@st.composite
def graphs(draw):
    """(inputs at trace time, the same inputs' new numbers, a baked leaf's number, steps)."""
    count = draw(st.integers(1, 4))
    numbers = st.floats(-1.5, 1.5)
    traced = draw(st.lists(numbers, min_size=count, max_size=count))
    new = draw(st.lists(numbers, min_size=count, max_size=count))
    baked = draw(numbers)
    steps = []
    for _ in range(draw(st.integers(1, 14))):
        name = draw(st.sampled_from(sorted(RULES)))
        available = count + 2 + len(steps)  # the inputs, a baked leaf, a constant, earlier nodes
        operands = tuple(
            draw(st.integers(max(0, available - 4), available - 1) | st.integers(0, available - 1))
            for _ in range(RULES[name][0])
        )
        steps.append((name, operands))
    return traced, new, baked, steps


def build(numbers, baked, steps):
    """The output's graph (steps it does not use are not built: they could fail on their own)."""
    inputs = [Value(x, label=f"x{i}") for i, x in enumerate(numbers)]
    nodes = [*inputs, Value(baked, label="k"), Value(0.75, requires_grad=False)]
    used = {len(nodes) + len(steps) - 1}
    for k in range(len(steps) - 1, -1, -1):
        if len(nodes) + k in used:
            used.update(steps[k][1])
    for name, operands in steps:
        used_here = len(nodes) in used
        nodes.append(RULES[name][1](*(nodes[i] for i in operands)) if used_here else None)
    return nodes[-1], inputs


def bits(x: float) -> str:
    return x.hex()  # tells -0.0 from 0.0, as == does not


@given(graphs())
def test_compiled_equals_backward_bit_for_bit(graph):
    traced, new, baked, steps = graph
    try:
        root, inputs = build(traced, baked, steps)
    except (ArithmeticError, ValueError):
        assume(False)
    assume(root.requires_grad)
    fn = compile_graph(root, inputs)
    try:
        expected_root, expected_inputs = build(new, baked, steps)
        expected_root.backward()
    except (ArithmeticError, ValueError) as error:
        with pytest.raises((ArithmeticError, ValueError)) as raised:
            fn(*new)
        # With two nodes out of their domain, which one is named depends on the order they are
        # computed in: the engine follows the order the test built them, the compiled function
        # its graph's topological order.  Either way the error is the engine's own words.
        if type(raised.value) is type(error):
            assert str(raised.value) == str(error) or "(in " in str(raised.value)
        return
    value, grads = fn(*new)
    assert bits(value) == bits(expected_root.data)
    assert [bits(g) for g in grads] == [bits(x.grad) for x in expected_inputs]


def test_the_lecture_example_reads_like_the_hand_derivation():
    g = lecture()
    fn = compile_graph(g["L"], [g["a"], g["b"], g["c"], g["f"]])
    lines = [line.strip() for line in fn.source.splitlines()]
    forward = ["e = a * b", "d = e + c", "L = d * f"]
    backward = ["grad_L = 1.0", "grad_d = grad_L * f", "grad_f = grad_L * d", "grad_e = grad_d",
                "grad_c = grad_d", "grad_a = grad_e * b", "grad_b = grad_e * a"]
    assert [line for line in lines if line in forward + backward] == forward + backward
    assert "def forward_backward(a, b, c, f):" in lines
    assert lines[-1] == "return L, (grad_a, grad_b, grad_c, grad_f)"
    assert fn(2.0, -3.0, 10.0, -2.0) == (-8.0, (6.0, -4.0, -2.0, 4.0))  # the lecture's numbers
    assert "Python ifs and loops that built it are not" in fn.source


def test_leaves_that_are_not_inputs_are_baked_in_and_said_so():
    g = lecture()
    fn = compile_graph(g["L"], [g["a"], g["b"]])
    assert "baked in as the numbers they held: c = 10.0; f = -2.0" in fn.source
    assert "    c = 10.0" in fn.source.splitlines()
    assert fn.source.splitlines()[-1] == "    return L, (grad_a, grad_b)"
    assert fn(1.0, 1.0) == (-22.0, (-2.0, -2.0))
    x = Value(3.0, label="x")
    fn = compile_graph(2 * x + x * -4.0, [x])
    assert "t1 = 2.0 * x" in fn.source and "t2 = x * (-4.0)" in fn.source
    assert fn(1.0) == (-2.0, (-2.0,))


def test_a_relus_branch_is_taken_again_with_the_new_numbers():
    x = Value(1.0, label="x")
    y = (x * 3).relu()
    y.label = "y"
    fn = compile_graph(y, [x])
    assert fn(1.0) == (3.0, (3.0,)) and fn(-1.0) == (0.0, (0.0,))


def test_a_domain_error_names_the_node_as_the_engine_does():
    a, b = Value(3.0, label="a"), Value(2.0, label="b")
    d = a - b
    d.label = "d"
    fn = compile_graph(d.log(), [a, b])
    with pytest.raises(ValueError, match=r"^log needs a positive input, got -1.0 \(in log\(d\) with d = -1.0\)$"):
        fn(1.0, 2.0)
    with pytest.raises(ZeroDivisionError, match="division by zero"):
        compile_graph(a / b, [a, b])(1.0, 0.0)


def test_an_overflow_that_would_vanish_into_tanh_is_still_an_error():
    a, b = Value(1.0, label="a"), Value(1.0, label="b")
    fn = compile_graph((a * b).tanh(), [a, b])
    with pytest.raises(OverflowError, match=r"a\*b: the result is too large for a float"):
        fn(1e200, 1e200)
    x = Value(1.0, label="x")
    fn = compile_graph((x * 1e200).sin() * 1e200, [x])  # a gradient overflows: 1e200 * cos(...) * 1e200
    with pytest.raises(OverflowError, match="backward: the gradient of 'x' is -?inf, too large for a float"):
        fn(1.0)


def test_what_cannot_be_compiled_is_refused_clearly():
    x = Value(2.0, label="x")
    with pytest.raises(CompileError, match="constant"):
        compile_graph(Value(1.0, requires_grad=False), [x])
    y = x * x
    with pytest.raises(CompileError, match="not a leaf"):
        compile_graph(y * 2, [y])
    with pytest.raises(CompileError, match="given twice"):
        compile_graph(y, [x, x])
    with pytest.raises(CompileError, match="not a node of the graph"):
        compile_graph(y, [x], extras=[Value(1.0)])


def closure_cube(x: Value) -> Value:
    """micrograd's way: a node whose backward step is a closure."""
    out = Value(x.data**3, (x,), "cube")

    def _backward():
        x.grad += 3 * x.data**2 * out.grad

    out._backward = _backward
    return out


def test_a_closure_style_node_is_refused_naming_it():
    x = Value(2.0, label="x")
    with pytest.raises(CompileError, match=r"^'cube' node Value\(data=8.0\) was made micrograd's way, with a closure"):
        compile_graph(closure_cube(x) * 2 + x, [x])
    labelled = closure_cube(x)
    labelled.label = "c"
    with pytest.raises(CompileError, match=r"^'c' was made .* make 'cube' a row of the table"):
        compile_graph((labelled + 1).tanh(), [x])


def twice_row(name: str) -> Primitive:
    """A row without code templates: compiled code calls its forward and local_grads as they are."""
    return Primitive(name, "2×", lambda a: 2 * a, lambda a, out: (2.0,), f"{name}({{0}})", ("2",))


@pytest.mark.parametrize("registered", [True, False])
def test_a_row_without_code_is_called_as_it_is_bit_for_bit(registered):
    row = twice_row("twice")
    hypot = Primitive("hypot", "hypot", math.hypot, lambda a, b, out: (a / out, b / out),
                      "hypot({0}, {1})", ("{0}/hypot({0}, {1})", "{1}/hypot({0}, {1})"))
    if registered:
        ops.register(row)
        ops.register(hypot)

    def graph(a: Value, b: Value) -> Value:
        return apply(hypot, apply(row, a * b), b).tanh() * a

    try:
        a, b = Value(0.3, label="a"), Value(-1.7, label="b")
        fn = compile_graph(graph(a, b), [a, b])
        assert "= twice(" in fn.source
        assert "hypot_grads(" in fn.source and "# twice, twice_grads, hypot, hypot_grads: rows" in fn.source
        if registered:  # the compiled code holds its rows: a new row under the same name changes nothing
            ops.unregister("twice")
            ops.register(Primitive("twice", "3×", lambda a: 3 * a, lambda a, out: (3.0,), "twice({0})", ("3",)))
        for numbers in [(0.3, -1.7), (-2.5, 0.125), (1e-3, 4.0)]:
            x, y = Value(numbers[0]), Value(numbers[1])
            expected = graph(x, y)
            expected.backward()
            value, grads = fn(*numbers)
            assert bits(value) == bits(expected.data)
            assert [bits(g) for g in grads] == [bits(x.grad), bits(y.grad)]
    finally:
        if registered:
            ops.unregister("twice")
            ops.unregister("hypot")


def test_a_row_without_code_keeps_its_errors_and_its_name_cannot_collide():
    sqrt_row = Primitive("root", "√", math.sqrt, lambda a, out: (0.5 / out,), "root({0})", ("1/(2*root({0}))",))
    x = Value(4.0, label="root")  # a label that is the row's name: the node gets another
    fn = compile_graph(apply(sqrt_row, x) + x, [x])
    assert "def forward_backward(root_2):" in fn.source and "= root(root_2)" in fn.source
    assert fn(9.0) == (12.0, (1 + 1 / 6,))
    with pytest.raises(ValueError, match=r"math domain error \(in root\(root\) with root = -1.0\)"):
        fn(-1.0)  # the engine's own error, naming the node


def test_calls_with_wrong_numbers_are_refused():
    x = Value(2.0, label="x")
    fn = compile_graph(x * x, [x])
    with pytest.raises(TypeError, match=r"takes 1 number\(s\) \(x\), got 2"):
        fn(1.0, 2.0)
    with pytest.raises(ValueError, match="finite"):
        fn(math.inf)
    with pytest.raises(TypeError, match="real number"):
        fn("3")
    assert fn(3) == (9.0, (6.0,))  # an int is a number


def test_labels_become_python_names_without_collisions():
    a, b, c = Value(1.0, label="w[0]"), Value(2.0, label="grad_a"), Value(3.0, label="w[0]")
    d, e = Value(4.0, label="lambda"), Value(5.0, label="sum")
    t = Value(6.0, label="t1")
    out = a * b + c * d + e * t
    fn = compile_graph(out, [a, b, c, d, e, t])
    assert "def forward_backward(w_0, value_grad_a, w_0_2, lambda_2, sum_2, t1):" in fn.source
    assert fn(1.0, 2.0, 3.0, 4.0, 5.0, 6.0) == (44.0, (2.0, 1.0, 4.0, 3.0, 6.0, 5.0))
    assert "t2 = " in fn.source  # the systematic names skip the label t1


def test_an_input_the_root_ignores_gets_0_and_the_root_may_be_an_input():
    x, y = Value(2.0, label="x"), Value(3.0, label="y")
    assert compile_graph(x * x, [x, y])(3.0, 1.0) == (9.0, (6.0, 0.0))
    assert compile_graph(x, [x])(5.0) == (5.0, (1.0,))


def test_a_create_graph_gradient_compiles_like_any_graph():
    x = Value(2.0, label="x")
    (x**3).backward(create_graph=True)
    fn = compile_graph(x.grad, [x])  # d/dx (3x²) = 6x
    assert fn(2.0) == (12.0, (12.0,)) and fn(-1.0) == (3.0, (-6.0,))


def test_a_deep_chain_compiles_and_runs():
    x = Value(0.5, label="x")
    y = x
    for _ in range(2_000):
        y = (y * 0.999 + 0.001).tanh()
    fn = compile_graph(y, [x])
    y.backward()
    expected = y.data, x.grad
    value, (grad,) = fn(0.5)
    assert (value, grad) == expected


def test_extras_return_the_values_of_other_nodes():
    x = Value(2.0, label="x")
    h = x * x
    fn = compile_graph(h + 1, [x], extras=[h])
    assert fn(3.0) == (10.0, (6.0,), (9.0,))


def test_set_grads_trains_exactly_as_backward_does():
    data = [([0.5, -1.0], 1.0), ([-0.3, 0.8], -1.0), ([1.2, 0.1], 1.0)]

    def loss_of(model):
        return sum(((model(x) - t) ** 2 for x, t in data), Value(0.0))

    model = MLP(2, [4, 1], activation="tanh", seed=3)
    step = compile_graph(loss_of(model), model.parameters())
    optimiser = SGD(model.parameters(), lr=0.1, momentum=0.9)
    compiled_losses = []
    for _ in range(5):
        compiled_losses.append(step.set_grads())
        optimiser.step()

    reference = MLP(2, [4, 1], activation="tanh", seed=3)
    optimiser = SGD(reference.parameters(), lr=0.1, momentum=0.9)
    losses = []
    for _ in range(5):
        loss = loss_of(reference)
        losses.append(loss.data)
        optimiser.zero_grad()
        loss.backward()
        optimiser.step()
    assert compiled_losses == losses
    assert [p.data for p in model.parameters()] == [p.data for p in reference.parameters()]


def test_under_no_grad_and_detect_anomaly_the_answers_are_the_same():
    x = Value(2.0, label="x")
    fn = compile_graph((x * x).tanh(), [x])
    expected = fn(0.3)
    with no_grad():
        assert fn(0.3) == expected
    with detect_anomaly():
        assert fn(0.3) == expected


def test_a_notebook_shows_the_source_highlighted():
    g = lecture()
    fn = compile_graph(g["L"], [g["a"]])
    assert fn._repr_markdown_().startswith("```python\n# L and its gradient")
    html = fn._repr_html_()
    assert html is None or ("<span" in html and "forward_backward" in html)
    assert repr(fn) == "<compiled graph of L: 7 nodes, inputs (a)>"


def test_a_demo_training_loop_compiled_is_the_engines_bit_for_bit():
    from micrograd_like.demos._common import train
    from micrograd_like.nn.datasets import make_moons
    from micrograd_like.nn.losses import hinge_loss

    X, labels = make_moons(12, noise=0.1, seed=2)
    labels = [2 * y - 1 for y in labels]
    runs = []
    for compiled in (False, True):
        model = MLP(2, [6, 6, 1], seed=4)
        optimiser = SGD(model.parameters(), lr=0.1, momentum=0.9)
        history = train(model, X, labels, lambda outs, ys: hinge_loss([o[0] for o in outs], ys),
                        lambda out: 1 if out[0] > 0 else -1, optimiser, steps=4, compiled=compiled)
        runs.append((history, [p.data for p in model.parameters()]))
    assert runs[0] == runs[1]


def test_the_galaxy_demo_runs_small(tmp_path, capsys):
    from micrograd_like.demos import galaxy

    result = galaxy.run(steps=3, points_per_class=4, out=tmp_path)
    assert len(result["history"]) == 4 and "5 classes" in capsys.readouterr().out


def test_a_gradient_is_written_once_as_the_sum_over_the_nodes_that_use_it():
    a, b = Value(1.5, label="a"), Value(-2.0, label="b")
    e = a * b
    e.label = "e"
    out = e * a - b  # a is used by e and by out's product; b by e and by the subtraction
    out.label = "out"
    fn = compile_graph(out, [a, b])
    assigned = [line.split(" = ")[0].strip() for line in fn.source.splitlines() if line.startswith("    grad_")]
    assert sorted(assigned) == sorted(set(assigned))  # every gradient assigned once, none updated
    assert "    grad_b = -grad_out + grad_e * a" in fn.source.splitlines()  # x * -1.0 written as a minus
    out.backward()
    assert fn(1.5, -2.0) == (out.data, (a.grad, b.grad))


def test_a_long_sum_goes_on_in_statements_that_add_in_backwards_order():
    x = Value(0.3, label="x")
    constants = [(-1) ** i * (0.1 + i / 7) for i in range(123)]
    out = sum(x * c for c in constants)  # x's gradient has 123 terms
    fn = compile_graph(out, [x])
    statements = [line for line in fn.source.splitlines() if line.startswith("    grad_x = ")]
    assert len(statements) == 3 and statements[1] == "    grad_x = (grad_x"
    out.backward()
    assert bits(fn(0.3)[1][0]) == bits(x.grad)
    assert bits(fn(-1.7)[1][0]) == bits(_backward_grad(-1.7, constants))


def _backward_grad(x_number: float, constants: list[float]) -> float:
    x = Value(x_number)
    sum(x * c for c in constants).backward()
    return x.grad


def test_a_minus_zero_in_the_code_is_the_engines_zero():
    # relu is dead at x = -1, so d(out)/dx = upstream * 0.0; with a negative upstream the product
    # is -0.0. backward() adds it to 0.0 (giving 0.0): the compiled function gives the same bits.
    x = Value(-1.0, label="x")
    out = x.relu() * -3.0
    fn = compile_graph(out, [x])
    out.backward()
    assert bits(x.grad) == bits(0.0)
    assert bits(fn(-1.0)[1][0]) == bits(0.0)


# -- copies: a batch's examples, written once as a function ---------------------------------------------


@st.composite
def batches(draw):
    """(parameters at trace time, their new numbers, each example's two numbers, an example's steps)."""
    count = draw(st.integers(1, 3))
    numbers = st.floats(-1.5, 1.5)
    traced = draw(st.lists(numbers, min_size=count, max_size=count))
    new = draw(st.lists(numbers, min_size=count, max_size=count))
    kinds = st.sampled_from(["plain", "negated", "squared"])  # examples of two or three shapes, mixed
    examples = draw(st.lists(st.tuples(numbers, numbers, kinds), min_size=2, max_size=6))
    steps = []
    for _ in range(draw(st.integers(8, 14))):
        name = draw(st.sampled_from(sorted(RULES)))
        available = count + 4 + len(steps)  # parameters, a shared node, a shared constant, two numbers, steps
        rest = tuple(draw(st.integers(0, available - 1)) for _ in range(RULES[name][0] - 1))
        steps.append((name, (available - 1, *rest)))  # the previous node first: every step is used
    return traced, new, examples, steps, draw(st.booleans())


def build_batch(numbers, examples, steps, with_penalty):
    """sum over the examples of the steps' output (each example the same steps, its own numbers),
    plus a penalty on the parameters; also every example's nodes (for extras)."""
    params = [Value(x, label=f"w{i}") for i, x in enumerate(numbers)]
    shared = (params[0] * 0.5).tanh()  # used by every example: outside the copies
    shared_constant = Value(0.25, requires_grad=False)
    total, inside = 0.0, []
    for x, y, kind in examples:
        nodes = [*params, shared, shared_constant, Value(x, requires_grad=False), Value(y, requires_grad=False)]
        for name, operands in steps:
            nodes.append(RULES[name][1](*(nodes[i] for i in operands)))
        if kind != "plain":  # one more step: another shape, over the same parameters
            nodes.append(-nodes[-1] if kind == "negated" else nodes[-1] * nodes[-1])
        inside += nodes[len(params) + 4 :]
        total = total + nodes[-1]
    if with_penalty:
        total = total + sum(p * p for p in params) * 0.01
    return total, params, inside


@given(batches())
def test_copies_compiled_as_one_function_give_backwards_bits(batch):
    traced, new, examples, steps, with_penalty = batch
    try:
        root, params, inside = build_batch(traced, examples, steps, with_penalty)
    except (ArithmeticError, ValueError):
        assume(False)
    assume(root.requires_grad)
    extras = inside[:: max(1, len(inside) // 5)]
    fn = compile_graph(root, params, extras=extras)
    try:
        expected_root, expected_params, expected_inside = build_batch(new, examples, steps, with_penalty)
        expected_root.backward()
    except (ArithmeticError, ValueError):
        with pytest.raises((ArithmeticError, ValueError)):
            fn(*new)
        return
    value, grads, extra_values = fn(*new)
    assert bits(value) == bits(expected_root.data)
    assert [bits(g) for g in grads] == [bits(p.grad) for p in expected_params]
    expected_extras = expected_inside[:: max(1, len(expected_inside) // 5)]
    assert [bits(v) for v in extra_values] == [bits(x.data) for x in expected_extras]


def test_a_batch_is_written_as_one_function_called_per_example():
    model = MLP(2, [4, 1], seed=0)
    points = [[0.5, -1.0], [1.5, 0.25], [-0.75, 2.0]]
    loss = sum((model(x) - y) ** 2 for x, y in zip(points, [1.0, -1.0, 0.5]))
    fn = compile_graph(loss, model.parameters())
    source = fn.source
    assert source.count("def block_1(") == 1 and source.count("def block_1_backward(") == 1
    assert source.count("= block_1(shared_1, copies_1)") == 1  # every example's forward pass in one call
    assert "block_1_backward(shared_1, copies_1, saved_1, ((2, grad_t5), (1, grad_t3), (0, grad_t1))" in source
    assert "copies_1 = ((0.5, (-1.0), 1.0), (1.5, 0.25, (-1.0)), ((-0.75), 2.0, 0.5))" in source  # x and y
    assert "# block_1: one computation the graph makes 3 times over" in source
    model.zero_grad()
    loss.backward()
    value, grads = fn(*[p.data for p in model.parameters()])
    assert (value, grads) == (loss.data, tuple(p.grad for p in model.parameters()))


def test_a_networks_code_reads_like_a_hand_derivation():
    """Parameters named as the course note names them (layer 1's w1_jk, b1_j), a square written
    x ** 2 with the derivative 2.0 * x: the same bits as the engine's, which squares with pow()."""
    model = MLP(2, [4, 1], seed=0)
    points, targets = [[0.5, -1.0], [1.5, 0.25], [-0.75, 2.0]], [1.0, -1.0, 0.5]
    loss = sum((model(x) - y) ** 2 for x, y in zip(points, targets))
    fn = compile_graph(loss, model.parameters())
    for unreadable in ("layers_", "neurons_", "_constant_power", "** (1.0)"):
        assert unreadable not in fn.source
    assert fn.source.count("def forward_backward(w1_00, w1_01, b1_0, w1_10, w1_11, b1_1, ") == 1
    assert "w2_03" in fn.source and "b2_0" in fn.source
    assert re.search(r"\n +t\d+ = t\d+ \*\* 2\n", fn.source)
    assert re.search(r"\n +grad_t\d+ = grad_t\d+ \* \(2\.0 \* t\d+\)\n", fn.source)
    loss.backward()
    params = model.parameters()
    assert fn(*[p.data for p in params]) == (loss.data, tuple(p.grad for p in params))
    wide = MLP(11, [10, 1], seed=0)  # layer 1 has an input 10: w1_9_10, unambiguous; layer 2 none
    source = compile_graph(wide([0.5] * 11), wide.parameters()).source
    assert "w1_9_10" in source and "w1_0_0" in source and "b1_9" in source and "w2_09" in source
    layer = Layer(2, 2, seed=0)  # a layer on its own: w_01
    assert "def forward_backward(w_00, w_01, b_0, w_10, w_11, b_1):" in compile_graph(
        sum(layer([1.0, 2.0])), layer.parameters()).source


@pytest.mark.parametrize("x", [-0.7655317356675647, 3.1, 1e-100, -2.5e80, 0.0])
def test_a_power_written_plainly_gives_the_engines_bits(x):
    """pow() squares -0.7655317356675647 to 0.5860388383141942, x * x to ...41: the code writes x ** 2,
    the same pow() call as the engine's, never x * x."""
    v = Value(x, label="x")
    out = v**2 + v**3 * 0.5 + v**1 + (v**-2 if x else v**0)
    out.backward()
    fn = compile_graph(out, [v])
    assert fn(x) == (out.data, (v.grad,))
    with pytest.raises(OverflowError, match=r"x\*\*2 with x = 1e\+200"):  # the engine's own words
        fn(1e200)


@pytest.mark.parametrize("label", [7, 2.5, b"x", ["x"]])
def test_a_label_that_is_not_a_str_is_said_so(label):
    """Value(label=7) is refused when the node is made; a label assigned later is refused here."""
    x = Value(1.0, label="x")
    y = x * 2
    y.label = label
    with pytest.raises(TypeError, match=r"^a label must be a str: the mul node Value\(data=2.0\) has the label "):
        compile_graph(y + 1, [x])
    x.label, y.label = label, "y"
    with pytest.raises(TypeError, match=r"^a label must be a str: input Value\(data=1.0\) has the label "):
        compile_graph(y + 1, [x])


def test_a_retrace_key_that_never_settles_is_said_so():
    model = MLP(1, [2, 1], seed=0)
    traced = []

    def never_the_same(outputs):
        traced.append(outputs)
        return object()  # a new key each time: never equal to the last one

    def squares(outs, y):
        return sum((o[0] - t) ** 2 for o, t in zip(outs, y))

    loss = CompiledLoss(model, [[0.0], [1.0]], [0.0, 1.0], squares, retrace_when=never_the_same)
    with pytest.raises(ValueError, match=r"^retrace_when gives a key that never settles: .* same outputs"):
        loss.run()
    assert len(traced) == 4  # traced, ran (a new key), traced again, ran (a new key again): said so
    nan_key = CompiledLoss(model, [[0.0]], [0.0], lambda outs, y: (outs[0][0] - y[0]) ** 2,
                           retrace_when=lambda outputs: math.nan)  # nan != nan
    with pytest.raises(ValueError, match="never settles"):
        nan_key.run()
    settles = CompiledLoss(model, [[0.0]], [0.0], lambda outs, y: (outs[0][0] - y[0]) ** 2,
                           retrace_when=lambda outputs: outputs[0][0] > 0)
    assert settles.run()[0] == ((model([0.0]) - 0.0) ** 2).data


def test_a_networks_program_runs_on_its_own(tmp_path):
    """fn.program(): the code with what it calls and an example call; run by a bare python."""
    model = MLP(2, [3, 1], seed=0)
    loss = CompiledLoss(model, [[0.5, -1.0], [1.5, 0.25]], [1.0, -1.0],
                        lambda outs, y: sum((o[0] - t) ** 2 for o, t in zip(outs, y)))
    params = model.parameters()
    path = tmp_path / "step.py"
    path.write_text(loss.step.program(defaults=params[2:]), encoding="utf-8")
    run = subprocess.run([sys.executable, "-I", "-S", str(path)], capture_output=True, text=True, timeout=60)
    assert run.returncode == 0, run.stderr
    value, grads, extras = loss.step(*[p.data for p in params])
    assert run.stdout.splitlines()[2:] == [
        f"{loss.step.names[loss.step.root]} = {value!r}", f"extras = {extras!r}",
        *(f"d{loss.step.names[loss.step.root]}/d{loss.step.names[p]} = {g!r}" for p, g in zip(params, grads))]
    assert "def forward_backward(w1_00, w1_01, b1_0=" in path.read_text(encoding="utf-8")
    with pytest.raises(ValueError, match="the last inputs"):
        loss.step.program(defaults=params[:1])


def test_what_a_program_cannot_print_it_imports():
    """A helper that is not a plain Python function is imported by its public path; so is a row without code."""
    import functools

    from micrograd_like.compiler.program import helper_lines

    odd = functools.partial(pow, exp=3)
    lines = helper_lines("def f(x):\n    return _odd(x) + cube(x) + abs(x)\n", {"_odd": odd, "abs": abs},
                         {"cube": ("cube", "forward")})
    assert "from micrograd_like.engine.ops import CODE_GLOBALS  # the functions the table's code calls" in lines
    assert any(line.startswith('_odd = CODE_GLOBALS["_odd"]  # ') for line in lines)
    assert "cube = PRIMITIVES['cube'].forward  # row 'cube' has no code: its forward is called" in lines
    assert not any("abs" in line for line in lines)  # Python's own


def test_a_label_changed_after_compiling_does_not_change_the_error():
    x = Value(2.0, label="x")
    y = x.log()
    fn = compile_graph(y * 2, [x])
    x.label = y.label = 7
    with pytest.raises(ValueError, match="log needs a positive input"):
        fn(-1.0)
