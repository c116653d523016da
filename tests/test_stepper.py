"""The stepper: every step of the lecture example by hand, moves and undo, words, and a property
test that stepping (with undo and jumps) ends exactly where backward() does."""

import math

import pytest
from examples import lecture
from hypothesis import assume, given, reject
from hypothesis import strategies as st

from micrograd_like import Value
from micrograd_like.engine.backward import topological_order
from micrograd_like.teach.stepper import Stepper, backward_steps, forward_walk

# Hand-checked: (node, parent, local, upstream, contribution, parent's grad after).
LECTURE_STEPS = [
    ("L", "d", -2.0, 1.0, -2.0, -2.0),  # d(d*f)/dd = f
    ("L", "f", 4.0, 1.0, 4.0, 4.0),  # d(d*f)/df = d
    ("d", "e", 1.0, -2.0, -2.0, -2.0),
    ("d", "c", 1.0, -2.0, -2.0, -2.0),
    ("e", "a", -3.0, -2.0, 6.0, 6.0),  # d(a*b)/da = b
    ("e", "b", 2.0, -2.0, -4.0, -4.0),  # d(a*b)/db = a
]
FINAL = dict(L=1.0, d=-2.0, f=4.0, e=-2.0, c=-2.0, a=6.0, b=-4.0)


def grads(nodes):
    return {name: node.grad for name, node in nodes.items()}


def test_every_step_of_the_lecture_example_has_the_right_numbers():
    n = lecture()
    assert n["L"].data == -8.0
    steps = backward_steps(n["L"])
    assert len(steps) == 6
    expected = dict.fromkeys(n, 0.0) | {"L": 1.0}
    assert grads(n) == expected  # the start: only the seed dL/dL = 1
    for (node, parent, local, upstream, contribution, after), step in zip(LECTURE_STEPS, steps):
        assert (step.node, step.parent) == (n[node], n[parent])
        assert (step.local, step.upstream, step.contribution, step.after) == (local, upstream, contribution, after)
        expected[parent] = after
        assert grads(n) == expected, f"after step {step.number}"
    assert expected == FINAL
    assert steps.finished


LECTURE_TEXT = """\
step 1/6: L = d*f sends dL/dL = 1.0 back to d
  local d(d*f)/dd = f = -2.0; contribution 1.0 * (-2.0) = -2.0; d.grad = 0.0 + (-2.0) = -2.0
step 2/6: L = d*f sends dL/dL = 1.0 back to f
  local d(d*f)/df = d = 4.0; contribution 1.0 * 4.0 = 4.0; f.grad = 0.0 + 4.0 = 4.0
step 3/6: d = e + c sends dL/dd = -2.0 back to e
  local d(e + c)/de = 1; contribution (-2.0) * 1.0 = -2.0; e.grad = 0.0 + (-2.0) = -2.0
step 4/6: d = e + c sends dL/dd = -2.0 back to c
  local d(e + c)/dc = 1; contribution (-2.0) * 1.0 = -2.0; c.grad = 0.0 + (-2.0) = -2.0
step 5/6: e = a*b sends dL/de = -2.0 back to a
  local d(a*b)/da = b = -3.0; contribution (-2.0) * (-3.0) = 6.0; a.grad = 0.0 + 6.0 = 6.0
step 6/6: e = a*b sends dL/de = -2.0 back to b
  local d(a*b)/db = a = 2.0; contribution (-2.0) * 2.0 = -4.0; b.grad = 0.0 + (-4.0) = -4.0"""


def test_the_steps_read_aloud_with_labels_formulas_and_numbers():
    steps = backward_steps(lecture()["L"])
    assert "\n".join(str(step) for step in steps.steps) == LECTURE_TEXT
    assert all(len(step.lines) == 2 and not step.notes for step in steps.steps)


def test_unlabelled_nodes_are_named_by_their_formula_and_the_output_is_L():
    a, b = Value(2.0, label="a"), Value(-3.0, label="b")
    c, f = Value(10.0, label="c"), Value(-2.0, label="f")
    steps = backward_steps((a * b + c) * f)
    first, _, third = steps.steps[:3]
    assert first.lines[0] == "step 1/6: L = (a*b + c)*f sends dL/dL = 1.0 back to a*b + c"
    assert first.lines[1].endswith("(a*b + c).grad = 0.0 + (-2.0) = -2.0")
    assert third.lines[1].startswith("  local d(a*b + c)/d(a*b) = 1;")
    # a constant is named by its number; a long formula has its deepest parts cut to an outline
    x = Value(0.5, label="x")
    p = (x * x + x) * (x - x * x)
    q = p.tanh() + p.exp()
    y = q * 3
    names = backward_steps(y).names
    assert names[y.parents[1]] == "3.0"
    assert names[p] == "(x*x + x)*(x - x*x)"
    assert names[q.parents[0]] == "tanh(…*…)" and names[q.parents[1]] == "exp((x*x + x)*(x - x*x))"
    assert names[q] == "tanh(…*…) + exp(…)"
    assert names[y] == "L"


def test_a_node_feeding_two_nodes_shows_the_running_sum():
    a, b, c = Value(2.0, label="a"), Value(6.0, label="b"), Value(4.0, label="c")
    L = a * c + a * b
    steps = backward_steps(L)
    to_a = [step for step in steps.steps if step.parent is a]
    assert [(s.before, s.contribution, s.after) for s in to_a] == [(0.0, 6.0, 6.0), (6.0, 4.0, 10.0)]
    assert to_a[1].lines[1].endswith("a.grad = 6.0 + 4.0 = 10.0")
    assert "+=" in to_a[1].notes[0] and not to_a[0].notes
    assert (to_a[1].share, to_a[1].shares) == (2, 2)


@pytest.mark.parametrize("build", [lambda x: x * x, lambda x: x + x])
def test_a_node_used_twice_by_one_operation_is_two_edges_that_add_up(build):
    x = Value(3.0, label="x")
    y = build(x)
    steps = backward_steps(y)
    assert [(s.parent, s.operand) for s in steps.steps] == [(x, 0), (x, 1)]
    first, second = steps.steps
    assert "used 2 times" in first.notes[0] and "adds to the one before" in second.notes[0]
    steps.finish()
    assert x.grad == (6.0 if y.op == "*" else 2.0)


def test_notes_explain_subtraction_and_exp():
    a, b = Value(5.0, label="a"), Value(2.0, label="b")
    d = a - b
    steps = backward_steps(d)
    assert not steps.steps[0].notes
    assert steps.steps[1].lines[1].startswith("  local d(a - b)/db = -1;")
    assert "sign flipped" in steps.steps[1].notes[0]
    x = Value(1.0, label="x")
    y = x.exp()
    (step,) = backward_steps(y).steps
    assert step.lines[1].startswith(f"  local d(exp(x))/dx = exp(x) = {y.data:.5g};")
    assert "the node's own output" in step.notes[0]
    assert step.local == y.data


def test_back_undoes_one_step_and_goto_jumps():
    n = lecture()
    steps = backward_steps(n["L"])
    steps.finish()
    undone = steps.back()
    assert repr(undone) == "undid step 6/6: b.grad is 0.0 again"
    assert undone.step is steps.steps[5]
    assert (n["b"].grad, n["a"].grad, steps.position) == (0.0, 6.0, 5)
    assert steps.current is steps.steps[4] and steps.upcoming is steps.steps[5]
    steps.next()
    assert grads(n) == FINAL
    steps.goto(2)
    assert grads(n) == dict.fromkeys(n, 0.0) | dict(L=1.0, d=-2.0, f=4.0)
    steps.goto("c")  # until c's gradient is complete
    assert steps.position == 4 and n["c"].grad == -2.0 and n["a"].grad == 0.0
    steps.goto(n["a"])
    assert steps.position == 5
    assert steps.goto("L").position == 0
    steps.reset()
    assert grads(n) == dict.fromkeys(n, 0.0) | {"L": 1.0}
    assert [step.number for step in steps] == [1, 2, 3, 4, 5, 6]  # iterating applies the rest
    assert grads(n) == FINAL


def test_moves_that_cannot_be_made_say_why():
    n = lecture()
    steps = backward_steps(n["L"])
    with pytest.raises(IndexError, match="nothing to undo"):
        steps.back()
    with pytest.raises(IndexError, match="steps 1 to 6"):
        steps.goto(7)
    with pytest.raises(ValueError, match=r"no node labelled 'z' in this graph \(labels: L, a, b, c, d, e, f\)"):
        steps.goto("z")
    with pytest.raises(ValueError, match="not part of this graph"):
        steps.goto(Value(1.0))
    with pytest.raises(TypeError, match="step number, a Value or a label"):
        steps.goto(2.5)
    steps.finish()
    with pytest.raises(IndexError, match="finished"):
        steps.next()
    with pytest.raises(TypeError, match="starts from a Value"):
        Stepper(3.0)
    twin = Value(1.0, label="x") + Value(2.0, label="x")
    with pytest.raises(ValueError, match="2 nodes are labelled 'x'"):
        backward_steps(twin).goto("x")


def test_grads_held_before_are_the_base_the_pass_adds_to():
    n = lecture()
    n["L"].backward()  # a first pass leaves FINAL in every grad
    steps = backward_steps(n["L"])
    assert grads(n) == {name: value + (1.0 if name == "L" else 0.0) for name, value in FINAL.items()}
    assert "held before" in steps.steps[0].lines[1]
    steps.finish()
    assert grads(n) == {name: 2 * value for name, value in FINAL.items()}  # as a second backward()


def test_repr_shows_where_we_are_what_is_next_and_every_node():
    n = lecture()
    steps = backward_steps(n["L"])
    steps.goto(3)
    text = repr(steps)
    lines = text.splitlines()
    assert lines[0] == "backward pass of L: 3 of 6 steps done"
    assert lines[1] == "last " + steps.steps[2].lines[0]
    assert lines[2] == "next " + steps.steps[3].lines[0]
    rows = {line.split()[0]: line.split() for line in lines[4:]}
    assert rows["e"] == ["e", "a*b", "-6.0", "-2.0", "ready"]
    assert rows["d"] == ["d", "e", "+", "c", "4.0", "-2.0", "passing"]
    assert rows["L"][-1] == "done" and rows["a"][-1] == "waiting"
    assert rows["a"][1:4] == ["input", "2.0", "0.0"]
    assert "at the start" in repr(steps.reset()) and "finished" in repr(steps.finish())


def test_forward_walk_lists_values_in_the_order_they_are_computed():
    n = lecture()
    walk = backward_steps(n["L"]).forward_walk()
    assert list(walk) == [
        "  1. a = 2.0  (an input)",
        "  2. b = -3.0  (an input)",
        "  3. e = a*b = 2.0*(-3.0) = -6.0",
        "  4. c = 10.0  (an input)",
        "  5. d = e + c = -6.0 + 10.0 = 4.0",
        "  6. f = -2.0  (an input)",
        "  7. L = d*f = 4.0*(-2.0) = -8.0",
    ]
    assert len(forward_walk(n["e"])) == 3


# -- property: stepping, however it moves, ends exactly where backward() does -------------------------

UNARY = [lambda a: -a, lambda a: a.tanh(), lambda a: a.exp(), lambda a: a**2, lambda a: (a * a + 1).log()]
BINARY = [lambda a, b: a + b, lambda a, b: a - b, lambda a, b: a * b, lambda a, b: a / (b * b + 1)]


@st.composite
def graphs(draw):
    """A recipe: leaf values, held grads, and operations on any earlier nodes (so a + a, x * x and
    diamonds are common)."""
    leaves = draw(st.lists(st.floats(-1.5, 1.5), min_size=1, max_size=4))
    ops = []
    for _ in range(draw(st.integers(1, 10))):
        available = len(leaves) + len(ops)
        pick = st.integers(0, available - 1)
        if draw(st.booleans()):
            ops.append((draw(st.sampled_from(range(len(UNARY)))), (draw(pick),), 1))
        else:
            ops.append((draw(st.sampled_from(range(len(BINARY)))), (draw(pick), draw(pick)), 2))
    held = draw(st.lists(st.sampled_from([0.0, 0.0, 1.0, -0.25, 0.1]), min_size=64, max_size=64))
    return leaves, ops, held


def build(recipe):
    leaves, ops, held = recipe
    nodes = [Value(x, label=f"x{i}") for i, x in enumerate(leaves)]
    for index, operands, arity in ops:
        rule = UNARY[index] if arity == 1 else BINARY[index]
        nodes.append(rule(*(nodes[i] for i in operands)))
    root = nodes[-1]
    order = topological_order(root)
    for node, grad in zip(order, held):
        node.grad = grad
    return root, order


def bits(order):
    return [node.grad.hex() for node in order]  # exact, and tells -0.0 from 0.0


def expected_state(steps, position, held):
    """The grads after ``position`` steps, replayed independently: held + running sums."""
    running = {steps.root: 1.0}
    for step in steps.steps[:position]:
        assert step.upstream == running[step.node]  # a node passes its gradient on only when complete
        running[step.parent] = running.get(step.parent, 0.0) + step.upstream * step.local
        assert running[step.parent] == step.after
    return [(held[node] + running.get(node, 0.0)).hex() for node in steps.order]


moves = st.lists(
    st.tuples(st.sampled_from(["next", "back", "goto", "node", "reset", "finish"]), st.integers(0, 200)),
    max_size=25,
)


@given(graphs(), moves)
def test_stepping_with_undo_and_jumps_matches_backward_exactly(recipe, plan):
    try:
        root, order = build(recipe)
    except ArithmeticError:  # e.g. exp(exp(exp(exp(1.0)))) overflows: no graph to step through
        reject()
    assume(all(math.isfinite(node.data) for node in order))  # x*x ten times over can reach inf
    twin, twin_order = build(recipe)
    held = {node: node.grad for node in order}
    twin.backward()
    steps = backward_steps(root)
    assert steps.order == order
    # one step per edge, except edges into constants (numbers in the expression collect no gradient)
    assert len(steps) == sum(p.requires_grad for node in order for p in node.parents)
    for move, k in plan:
        if move == "next" and not steps.finished:
            steps.next()
        elif move == "back" and steps.position:
            steps.back()
        elif move == "goto":
            steps.goto(k % (len(steps) + 1))
        elif move == "node":
            steps.goto(order[k % len(order)])
        elif move == "reset":
            steps.reset()
        elif move == "finish":
            steps.finish()
        assert bits(order) == expected_state(steps, steps.position, held)
    steps.finish()
    assert bits(order) == bits(twin_order)
    assert all(math.isfinite(node.grad) for node in order)


def test_the_highlight_marks_the_current_edge_and_finished_and_waiting_nodes():
    n = lecture()
    steps = backward_steps(n["L"]).goto(5)  # e = a*b has just sent its gradient to a
    h = steps.highlight()
    assert h.nodes == {n["e"], n["a"]} and h.edges == {(n["e"], 0)}
    assert h.edge_labels == {(n["e"], 0): "d(a*b)/da = b = -3.0\n(-2.0) × (-3.0) = 6.0"}
    assert h.done == {n[k] for k in "Lfdca"} and h.dimmed == {n["b"]}
    # in a big graph the words move to the caption: dot lays labelled edges out far more slowly
    x = Value(0.3, label="x")
    y = x
    for _ in range(20):
        y = (y * x).tanh() + x
    big = backward_steps(y).goto(3).highlight()
    assert big.edge_labels == {} and "×" in big.caption and len(big.edges) == 1


def red_lines(source: str) -> dict[str, set[str]]:
    """The DOT lines drawn in the emphasis colour: node names (ops end in _op) and edges."""
    from micrograd_like.drawing.graphs import COLOURS

    red = [line.strip() for line in source.splitlines() if COLOURS["emphasis"] in line]
    return {"ops": {line.split(" ")[0] for line in red if line.split(" ")[0].endswith("_op") and "->" not in line},
            "edges": {line.split(" [")[0] for line in red if "->" in line}}


def test_only_the_operation_acting_in_the_step_is_red():
    n = lecture()
    steps = backward_steps(n["L"])
    for position in range(len(steps) + 1):
        steps.goto(position)
        drawing = steps.draw()
        red = red_lines(drawing.source)
        if steps.current is None:  # the start: the seed, no operation acting yet
            assert red["ops"] == set() and red["edges"] == set()
            continue
        node, parent = steps.current.node, steps.current.parent
        op = drawing.names[node] + "_op"
        assert red["ops"] == {op}  # e.g. at step 3 (d -> e) d's +, not the * that made e
        assert red["edges"] == {f"{drawing.names[parent]} -> {op}", f"{op} -> {drawing.names[node]}"}
    steps.goto(3)
    assert red_lines(steps.draw().source)["ops"] == {steps.draw().names[n["d"]] + "_op"}


# -- constants and inputs, words, drawings --------------------------------------------------------------


def table_rows(steps):
    return {line[2:].split("  ")[0]: line.split() for line in steps.table().splitlines()[1:]}


def test_a_leaf_is_an_input_or_a_constant_by_requires_grad_not_by_its_label():
    x = Value(2.0)  # trainable, though unlabelled
    k = Value(3.0, label="k", requires_grad=False)  # a constant, though labelled
    product = x * k
    y = product + 1
    steps = backward_steps(y)
    walk = list(steps.forward_walk())
    assert walk[0] == "  1. 2.0  (an input)"
    assert walk[1] == "  2. k = 3.0  (a constant)"
    assert walk[3] == "  4. 1.0  (a constant)"
    # constants take no steps: y passes to 2.0*k only, 2.0*k to 2.0 only
    assert [(s.node, s.parent) for s in steps.steps] == [(y, product), (product, x)]
    rows = table_rows(steps)
    assert rows["2.0"][1] == "input" and rows["k"][1] == "constant" and rows["1.0"][1] == "constant"


def test_a_label_that_is_not_one_word_is_bracketed_and_brackets_follow_the_operations():
    a, c = Value(1.0, label="a-b"), Value(2.0, label="c")
    x, y = Value(0.5, label="x"), Value(3.0, label="y")
    minus_tanh = -x.tanh()
    cases = {
        a * c: "(a-b)*c",
        x.exp() ** 2: "exp(x)**2",  # a function call reads as one thing
        minus_tanh: "-tanh(x)",
        -(x * y): "-(x*y)",
        x**2 / y: "x**2/y",
        (x * y) / y: "(x*y)/y",
        x / (x + y): "x/(x + y)",
        x - (x + y): "x - (x + y)",
        (-x) * y: "(-x)*y",
        -x + y: "-x + y",
        (x + y) ** y: "(x + y)**y",
        x * Value(-2.0, requires_grad=False): "x*(-2.0)",
    }
    for node, expected in cases.items():
        assert backward_steps(node * 1).names[node] == expected
    (step,) = backward_steps(a * 1).steps
    assert step.update == "(a-b).grad = 0.0 + 1.0 = 1.0"
    assert backward_steps(minus_tanh).steps[0].update.startswith("tanh(x).grad = ")


@pytest.mark.parametrize(
    ("expression", "parent", "expected"),
    [
        ("log(a*b)", "a*b", "d(log(a*b))/d(a*b) = 1/(a*b) = 1.0"),
        ("c/(a*b)", "a*b", "d(c/(a*b))/d(a*b) = -c/(a*b)² = -3.0"),
        ("(a - b)/c", "c", "d((a - b)/c)/dc = -(a - b)/c² = -0.16667"),
        ("arctan(a*b)", "a*b", "d(arctan(a*b))/d(a*b) = 1/(1 + (a*b)²) = 0.5"),
        ("(a + b)**2", "a + b", "d((a + b)**2)/d(a + b) = 2*(a + b) = 5.0"),
        ("sqrt(a + b)", "a + b", "d(sqrt(a + b))/d(a + b) = 1/(2*sqrt(a + b)) = 0.31623"),
        ("sigmoid(a*b)", "a*b", "d(σ(a*b))/d(a*b) = σ(a*b)*(1 - σ(a*b)) = 0.19661"),  # a call's own brackets
        ("maximum(a*b, c)", "a*b", "d(maximum(a*b, c))/d(a*b) = 1 if a*b > c else 0.5 if a*b == c else 0 = 0.0"),
    ],
)
def test_an_operand_that_is_a_formula_is_bracketed_in_the_derivative_where_it_needs_to_be(expression, parent,
                                                                                          expected):
    from micrograd_like import parse

    steps = backward_steps(parse(expression, {"a": 2.0, "b": 0.5, "c": 3.0}))
    assert [step.derivative for step in steps.steps if steps.names[step.parent] == parent] == [expected]


def test_the_fused_weighted_sum_reads_term_by_term():
    from micrograd_like.engine import weighted_sum

    w1, w2, x1, x2, b = (Value(v, label=n) for v, n in [(-3.0, "w1"), (1.0, "w2"), (2.0, "x1"),
                                                          (0.0, "x2"), (0.5, "b")])
    n = weighted_sum([w1, w2], [x1 + x2, x2], b)
    steps = backward_steps(n.tanh())
    assert steps.names[n] == "w1*(x1 + x2) + w2*x2 + b"
    to_w1 = next(s for s in steps.steps if s.parent is w1)
    assert to_w1.derivative == "d(w1*(x1 + x2) + w2*x2 + b)/d(w1) = x1 + x2 = 2.0"


def test_negative_numbers_in_arithmetic_are_in_brackets():
    n = lecture()
    first, _, _, _, fifth, _ = backward_steps(n["L"]).steps
    assert first.lines[1] == ("  local d(d*f)/dd = f = -2.0; contribution 1.0 * (-2.0) = -2.0; "
                              "d.grad = 0.0 + (-2.0) = -2.0")
    assert fifth.lines[1] == ("  local d(a*b)/da = b = -3.0; contribution (-2.0) * (-3.0) = 6.0; "
                              "a.grad = 0.0 + 6.0 = 6.0")
    n["L"].backward()
    held = backward_steps(n["L"]).steps[0]
    assert held.update == "d.grad = 0.0 + (-2.0) = -2.0 (+ (-2.0) held before = -4.0)"


def test_counts_of_one_step_read_in_the_singular():
    x = Value(2.0, label="x")
    steps = backward_steps(x * 3)
    assert len(steps) == 1
    assert steps.where().endswith("1 step to go")
    assert steps.finish().where() == "backward pass of L: finished, its one step done (grads as backward() gives)"
    with pytest.raises(IndexError, match=r"^the backward pass is finished \(its one step done\)"):
        steps.next()
    with pytest.raises(IndexError, match=r"this pass has only step 1 \(0 is the start\)"):
        steps.goto(2)


def test_a_pass_with_no_steps_says_why_in_one_line():
    x = Value(2.0, label="x")
    assert backward_steps(x).where() == "backward pass of x: no steps: x is a leaf, so its gradient is dx/dx = 1.0"
    const = Value(2.0, requires_grad=False) * Value(3.0, requires_grad=False)
    steps = backward_steps(const)
    assert len(steps) == 0
    assert steps.where() == ("backward pass of L: no steps: L = 2.0*3.0 is made of constants only, "
                             "so no gradient goes anywhere")
    assert list(steps.forward_walk())[-1] == "  3. L = 2.0*3.0 = 6.0"
    with pytest.raises(ValueError, match="is a constant: there is no backward pass to step through"):
        backward_steps(Value(1.0, requires_grad=False))


def test_the_transcript_is_every_step_in_words_without_moving():
    n = lecture()
    steps = backward_steps(n["L"]).goto(2)
    assert steps.transcript() == LECTURE_TEXT
    assert steps.position == 2


def test_the_edge_label_comes_from_the_step_not_from_its_text():
    x = Value(2.0, label="x; y")
    y = x * x
    steps = backward_steps(y).goto(1)
    step = steps.current
    assert step.derivative == "d((x; y)*(x; y))/d(x; y) = x; y = 2.0"
    assert steps.highlight().edge_labels[(y, 0)] == f"{step.derivative}\n1.0 × 2.0 = 2.0"
    assert "used 2 times" in step.notes[0] and step.lines[2] == f"  note: {step.notes[0]}"


def test_drawings_name_the_intermediate_nodes_as_the_steps_do():
    a, b = Value(2.0, label="a"), Value(-3.0, label="b")
    c, f = Value(10.0, label="c"), Value(-2.0, label="f")
    product = a * b
    total = product + c
    L = total * f
    steps = backward_steps(L)
    source = steps.draw().source
    for name in ("a*b", "a*b + c", "L"):
        assert f'"{{ {name} | data' in source
    assert (product.label, total.label, L.label) == ("", "", "")  # the Values are not relabelled
    rows = table_rows(steps)
    assert rows["a*b"][:2] == ["a*b", "a*b"] and rows["a*b + c"][3:6] == ["a*b", "+", "c"]


def test_merged_sums_are_refused_in_step_drawings():
    a, b, c = (Value(v, label=n) for v, n in [(1.0, "a"), (2.0, "b"), (3.0, "c")])
    steps = backward_steps((a + b) + c)
    with pytest.raises(ValueError, match="merge_sums"):
        steps.draw(merge_sums=True)


def test_drawings_render_several_at_a_time_in_order_and_stop_at_an_error():
    from micrograd_like.pages.slideshow import _render_all

    seen = []
    assert _render_all(lambda k: k * k, list(range(30)), lambda done, total: seen.append((done, total))) == [
        k * k for k in range(30)]
    assert seen == [(done, 30) for done in range(1, 31)]

    def fails_at_seven(k):
        if k == 7:
            raise RuntimeError("Graphviz failed on drawing 7")
        return k

    with pytest.raises(RuntimeError, match="drawing 7"):
        _render_all(fails_at_seven, list(range(30)), None)


def test_a_stepper_refuses_gradients_that_are_values_and_leaves_them_alone():
    x, w = Value(1.5, label="x"), Value(-2.0, label="w")
    y = (x * w).tanh() * x
    y.backward(create_graph=True)
    held = x.grad
    with pytest.raises(ValueError, match="zero_grad"):
        backward_steps(y)
    assert x.grad is held
    y.zero_grad()
    assert backward_steps(y).finish().position == len(backward_steps(y))


def test_a_dotted_parameter_label_reads_as_one_word():
    w = Value(0.5, label="layers[0].neurons[3].w[0]")
    x = Value(2.0, label="x0")
    y = w * x
    y.label = "y"
    text = y.backward_steps().transcript()
    assert "local d(layers[0].neurons[3].w[0]*x0)/d(layers[0].neurons[3].w[0]) = x0" in text
    assert "(layers[0].neurons[3].w[0])*" not in text and "(layers[0].neurons[3].w[0]).grad" not in text
