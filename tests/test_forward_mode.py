"""Forward mode beside reverse mode: the tangent stepper, the pass counter and the sum over paths.

Forward mode's derivative is checked against backward() and against the complex step (an
oracle independent of the engine's table) on random graphs that reuse nodes; the words of the
lecture example against arithmetic done by hand here; the path sums against backward().
"""

import math

import pytest
from examples import lecture, lecture_tanh
from hypothesis import assume, given
from random_graphs import complex_step, evaluate, recipes

from micrograd_like import MLP, ForwardStepper, Value, forward_steps, weighted_sum
from micrograd_like.engine.backward import topological_order
from micrograd_like.teach.forward_mode import tangents
from micrograd_like.teach.passes import TangentSweep, compare_modes, moons_example, passes_needed
from micrograd_like.teach.paths import count_paths, path_counts, sum_over_paths


def _graph(leaves, steps):
    values = evaluate(leaves, steps, lambda i, x: Value(x, label=f"x{i}"), 1)
    return values[-1], values[: len(leaves)]


def _grads_held(nodes, start=0.25):
    """Give every node a grad of its own (a distinct number), and return them, to check later."""
    held = {}
    for k, node in enumerate(nodes):
        node.grad = start + k
        held[node] = node.grad
    return held


# -- forward mode agrees with reverse mode --------------------------------------------------------------


@given(recipes())
def test_forward_mode_agrees_with_backward_and_the_complex_step_on_random_graphs(recipe):
    leaves, steps = recipe
    output, inputs = _graph(leaves, steps)
    assume(abs(output.data) < 1e6)
    order = topological_order(output)
    in_graph = [x for x in inputs if x in set(order)]
    held = _grads_held(order)
    derivatives = {x: forward_steps(output, wrt=x).finish().derivative for x in in_graph}
    swept = {x: tangents(output, x)[output] for x in in_graph}
    assert {n: n.grad for n in order} == held, "forward mode changed a grad"
    output.zero_grad()
    output.backward()
    for x in in_graph:
        i = inputs.index(x)
        assert derivatives[x] == pytest.approx(x.grad, rel=1e-9, abs=1e-9)
        assert derivatives[x] == pytest.approx(complex_step(leaves, steps, i), rel=1e-9, abs=1e-9)
        assert swept[x] == derivatives[x]  # the same sums in the same order


@given(recipes(max_ops=8))
def test_the_sum_over_paths_is_the_gradient_and_the_count_is_the_number_listed(recipe):
    leaves, steps = recipe
    output, inputs = _graph(leaves, steps)
    assume(abs(output.data) < 1e6)
    order = set(topological_order(output))
    output.backward()
    for x in inputs:
        if x not in order:
            continue
        count = count_paths(x, output)
        assume(count <= 2000)
        listed = sum_over_paths(x, output, limit=2000)
        assert len(listed.paths) == count
        assert listed.total == pytest.approx(x.grad, rel=1e-9, abs=1e-9)
        for path in listed.paths:
            assert path.nodes[0] is x and path.nodes[-1] is output
            assert math.prod(path.locals) == pytest.approx(path.product, rel=1e-12)


# -- the words, on the lecture example ------------------------------------------------------------------


def test_each_step_on_the_lecture_example_says_the_arithmetic_worked_out_by_hand():
    g = lecture()  # L = (a*b + c)*f with a=2, b=-3, c=10, f=-2
    steps = forward_steps(g["L"], wrt=g["a"])
    assert len(steps) == 3  # e, d, L: the nodes a reaches
    # de/da = b*1 + a*0 = -3;  dd/da = 1*(-3) + 1*0 = -3;  dL/da = f*(-3) + d*0 = (-2)(-3) = 6
    e, d, L = steps.steps
    assert e.text == (
        "step 1/3: e = a*b: de/da from the tangents of its operands\n"
        "  locals ∂e/∂a = b = -3.0, ∂e/∂b = a = 2.0; tangents da/da = 1.0, db/da = 0.0\n"
        "  de/da = ∂e/∂a·da/da + ∂e/∂b·db/da = (-3.0)(1.0) + (2.0)(0.0) = -3.0")
    assert d.sum_line == "dd/da = ∂d/∂e·de/da + ∂d/∂c·dc/da = (1.0)(-3.0) + (1.0)(0.0) = -3.0"
    assert d.locals_line == "locals ∂d/∂e = 1, ∂d/∂c = 1"
    assert L.sum_line == "dL/da = ∂L/∂d·dd/da + ∂L/∂f·df/da = (-2.0)(-3.0) + (4.0)(0.0) = 6.0"
    assert [s.tangent for s in steps.steps] == [-3.0, -3.0, 6.0]


def test_the_start_names_the_seed_and_the_nodes_x_does_not_reach_once():
    g = lecture()
    steps = forward_steps(g["L"], wrt=g["c"])
    start = steps.where()
    assert "dc/dc = 1.0 (the seed)" in start and "(a, b, e, f) keep tangent 0.0" in start
    assert "2 steps to go" in start
    assert steps.transcript().count("keep tangent 0.0") == 1
    assert steps.finish().derivative == -2.0  # dL/dc = f


def test_a_node_used_twice_brings_a_term_per_use_and_says_so():
    x = Value(3.0, label="x")
    y = x * x
    y.label = "y"
    [step] = forward_steps(y, wrt=x).steps
    assert step.sum_line == "dy/dx = ∂y/∂x·dx/dx + ∂y/∂x·dx/dx = (3.0)(1.0) + (3.0)(1.0) = 6.0"
    assert step.notes == ("x is used 2 times in x*x: each use is its own edge, and each brings its own term to "
                          "the sum",)


def test_many_operands_that_x_does_not_reach_are_counted_not_listed():
    w = [Value(0.5 * k, label=f"w{k}") for k in range(6)]
    z = weighted_sum(w, [1.0, 2.0, 3.0, 4.0, 5.0, 6.0], Value(0.0, label="b"))
    z.label = "z"
    [step] = forward_steps(z, wrt=w[2]).steps
    assert step.sum_line.endswith("+ (0 for the 6 other operands) = (3.0)(1.0) + 0.0 = 3.0")
    assert "and 0.0 for the 6 other operands w2 does not reach" in step.tangents_line


# -- moving ---------------------------------------------------------------------------------------------


def test_next_back_goto_finish_and_reset():
    g = lecture()
    steps = forward_steps(g["L"], wrt=g["a"])
    assert (steps.position, steps.current, steps.tangent("e")) == (0, None, None)
    assert steps.tangent("b") == 0.0 and steps.tangent("a") == 1.0
    first = steps.next()
    assert first.node is g["e"] and steps.tangent(g["e"]) == -3.0 and steps.status(g["d"]) == "waiting"
    assert repr(steps.back()) == "undid step 1/3: de/da is not worked out yet again"
    assert steps.position == 0 and steps.tangent("e") is None
    with pytest.raises(IndexError, match="nothing to undo"):
        steps.back()
    assert steps.goto("d").position == 2 and steps.tangent("d") == -3.0 and steps.tangent("L") is None
    assert steps.goto(g["a"]).position == 0  # the seed is known from the start
    with pytest.raises(ValueError, match="call finish"):
        _ = steps.derivative
    assert steps.finish().finished and steps.derivative == 6.0
    with pytest.raises(IndexError, match="finished"):
        steps.next()
    assert list(steps.reset()) == list(steps.steps) and steps.finished
    with pytest.raises(IndexError, match="no step 4"):
        steps.goto(4)
    with pytest.raises(TypeError, match="step number"):
        steps.goto(1.5)
    with pytest.raises(ValueError, match="no node labelled 'z'"):
        steps.goto("z")
    assert "finished, dL/da = 6.0" in repr(steps)


def test_the_stepper_leaves_every_grad_as_it_was():
    g = lecture()
    held = _grads_held(g.values(), start=7.0)
    steps = forward_steps(g["L"], wrt=g["b"])
    steps.next()
    steps.finish()
    steps.back()
    steps.table()
    assert {n: n.grad for n in g.values()} == held
    assert steps.finish().derivative == g["a"].data * g["f"].data  # dL/db = a*f = -4


def test_a_closure_made_node_has_its_local_derivative_measured():
    x = Value(0.5, label="x")
    t = lecture_tanh(x)  # micrograd's way: a closure
    y = t * x
    y.label = "y"
    steps = forward_steps(y, wrt=x)
    assert "(measured from the closure)" in steps.steps[0].locals_line
    derivative = steps.finish().derivative
    y.backward()
    assert derivative == pytest.approx(x.grad, rel=1e-12)
    assert derivative == pytest.approx((1 - math.tanh(0.5) ** 2) * 0.5 + math.tanh(0.5), rel=1e-12)


def test_a_chain_a_hundred_thousand_deep():
    x = Value(0.5, label="x")
    y = x
    for _ in range(10**5):
        y = -y
    steps = forward_steps(y, wrt=x)
    assert len(steps) == 10**5 and steps.finish().derivative == 1.0  # (-1)**100000
    assert TangentSweep(y).sweep(x) == 1.0
    assert count_paths(x, y) == 1


# -- errors ---------------------------------------------------------------------------------------------


def test_wrt_must_be_a_leaf_of_the_graph_that_takes_a_derivative():
    g = lecture()
    with pytest.raises(ValueError, match="'e' is not a leaf: it was made by \\*"):
        forward_steps(g["L"], wrt=g["e"])
    with pytest.raises(ValueError, match="'z' is not part of this graph"):
        forward_steps(g["L"], wrt=Value(1.0, label="z"))
    with pytest.raises(TypeError, match="got float"):
        forward_steps(g["L"], wrt=2.0)
    with pytest.raises(TypeError, match="differentiates a Value, got str"):
        forward_steps("L", wrt=g["a"])
    k = Value(3.0, label="k", requires_grad=False)
    with pytest.raises(ValueError, match="'k' is a constant"):
        forward_steps(g["L"] * k, wrt=k)
    with pytest.raises(ValueError, match="constant"):
        ForwardStepper(Value(1.0, requires_grad=False), wrt=g["a"])


def test_a_tangent_that_overflows_is_an_error_not_a_number():
    x = Value(0.0, label="x")
    y = x * 1e300  # every value is 0.0, but dy/dx = 1e300 and d(y*1e300)/dx = 1e600, too large
    with pytest.raises(OverflowError, match="forward mode: the tangent of L is inf, too large for a float"):
        forward_steps(y * 1e300, wrt=x)
    with pytest.raises(OverflowError):
        (y * 1e300).backward()  # as backward refuses it


# -- the drawing ----------------------------------------------------------------------------------------


def test_the_drawing_shows_each_tangent_and_highlights_the_node_and_its_operands():
    g = lecture()
    steps = forward_steps(g["L"], wrt=g["a"])
    h = steps.goto(1).highlight()
    assert h.nodes == {g["e"], g["a"], g["b"]} and h.edges == {(g["e"], 0), (g["e"], 1)}
    assert h.node_fields[g["e"]] == "d·/da -3.0000" and h.node_fields[g["d"]] == "d·/da ?"
    assert h.done == {g["a"], g["e"]} and h.dimmed == {g["d"], g["L"]}
    source = steps.draw().source
    assert "d&#183;/da -3.0000" in source and source.count("d&#183;/da") == 7  # every node, written as an entity
    assert "grad " not in source  # the tangent takes the grad's place
    assert "de/da = " in source  # the sum, in the caption


# -- passes ---------------------------------------------------------------------------------------------


def test_the_moons_mlp_needs_337_forward_passes_and_one_reverse_pass_and_they_agree():
    loss, model = moons_example(points=3)
    params = model.parameters()
    assert isinstance(model, MLP) and len(params) == 337
    assert passes_needed(loss, params) == (337, 1)
    held = _grads_held(topological_order(loss))
    compared = compare_modes(loss, params)
    assert {n: n.grad for n in topological_order(loss)} == held, "comparing changed a grad"
    assert (compared.forward_passes, compared.reverse_passes, compared.measured) == (337, 1, 337)
    assert compared.agree and compared.largest_difference <= 1e-12
    loss.zero_grad()
    loss.backward()
    sweep = TangentSweep(loss)
    for p in params[::37]:
        assert sweep.sweep(p) == pytest.approx(p.grad, rel=1e-9, abs=1e-15)
    assert "337" in compared.table() and "agree" in compared.table()


def test_a_sample_of_sweeps_is_said_to_be_an_estimate():
    loss, model = moons_example(points=2)
    compared = compare_modes(loss, model.parameters(), sample=5)
    assert compared.measured == 5 and compared.estimated and "estimated from 5 sweeps" in compared.table()
    with pytest.raises(ValueError, match="sample"):
        compare_modes(loss, model.parameters(), sample=0)
    with pytest.raises(ValueError, match="not a leaf"):
        passes_needed(loss, [loss])
    with pytest.raises(TypeError, match="list of Values"):
        passes_needed(loss, model.parameters()[0])
    with pytest.raises(ValueError, match="is empty"):
        passes_needed(loss, [])
    sweep = TangentSweep(loss)
    with pytest.raises(ValueError, match="not a leaf"):
        sweep.sweep(loss)
    with pytest.raises(ValueError, match="'z' is not part of this graph"):
        sweep.sweep(Value(1.0, label="z"))


# -- the sum over paths ---------------------------------------------------------------------------------


def test_the_lecture_examples_one_path_in_words():
    g = lecture()
    listed = sum_over_paths(g["a"], g["L"])
    assert listed.lines[1] == "  a → e → d → L: (-3.0)(1.0)(-2.0) = 6.0"  # b, 1, f
    g["L"].backward()
    assert listed.total == g["a"].grad == 6.0


def test_a_diamond_has_two_paths_and_a_reused_node_one_per_use():
    a, b = Value(2.0, label="a"), Value(3.0, label="b")
    u, v = a * b, a + b
    L = u * v  # a → u → L and a → v → L: dL/da = b*v + 1*u = 3*5 + 6 = 21
    listed = sum_over_paths(a, L)
    assert count_paths(a, L) == 2 and [p.product for p in listed.paths] == [15.0, 6.0]
    assert listed.total == 21.0 and listed.lines[-1] == "  dL/da = 15.0 + 6.0 = 21.0"
    s = a * a
    s.label = "s"
    reused = sum_over_paths(a, s)
    assert count_paths(a, s) == 2 and reused.total == 4.0  # d(a²)/da = 2a
    assert reused.lines[1].endswith("[a as the 1st operand of s]")
    assert reused.lines[2].endswith("[a as the 2nd operand of s]")
    assert count_paths(a, a * a * a) == 3 and count_paths(a, s * s) == 4  # (a*a)*a; (a*a)*(a*a)


def test_path_counts_for_the_moons_mlp_are_counted_not_listed():
    loss, model = moons_example(points=3)
    counts = path_counts(loss)
    first_weight, last_bias = model.parameters()[0], model.parameters()[-1]
    # per point a first-layer weight reaches the score through each of the 16 second-layer
    # neurons, and the loss through its square in the penalty twice (w*w): 3*16 + 2
    assert counts[first_weight] == 3 * 16 + 2 and count_paths(first_weight, loss) == 50
    assert counts[last_bias] == 3 + 2
    with pytest.raises(ValueError, match="50 paths, more than the 10 listed"):
        sum_over_paths(first_weight, loss, limit=10)


def test_paths_are_drawn_one_at_a_time():
    g = lecture()
    listed = sum_over_paths(g["a"], g["L"])
    source = listed.draw(1).source
    assert "path 1 of 1: a → e → d → L" in source.replace("&#8594;", "→")
    with pytest.raises(IndexError, match="no path 2"):
        listed.draw(2)
    k = Value(1.0, label="k", requires_grad=False)
    with pytest.raises(ValueError, match="'k' is a constant"):
        sum_over_paths(k, g["L"] * k)
    with pytest.raises(ValueError, match="not part of this graph"):
        count_paths(Value(1.0), g["L"])


def test_micrograds_own_operators_closures_all_give_the_published_gradients(monkeypatch):
    from examples import micrograd_readme, use_micrograds_operators

    use_micrograds_operators(monkeypatch)  # every node below is made by a closure, micrograd's way
    a, b, g = micrograd_readme(labelled=True)
    forward = {x: forward_steps(g, wrt=x).finish().derivative for x in (a, b)}
    listed = {x: sum_over_paths(x, g, limit=10_000) for x in (a, b)}
    assert (a.grad, b.grad) == (0.0, 0.0)
    g.backward()
    for x, published in ((a, 138.8338), (b, 645.5773)):
        assert forward[x] == pytest.approx(x.grad, rel=1e-12) and round(forward[x], 4) == published
        assert listed[x].total == pytest.approx(x.grad, rel=1e-12)
        assert len(listed[x]) == count_paths(x, g)


def test_zoomed_to_the_step_only_the_node_and_its_operands_are_drawn():
    g = lecture()
    steps = forward_steps(g["L"], wrt=g["a"]).goto(2)  # d = e + c
    source = steps.draw(around=True).source
    drawn = {name for name in "abcdefL" if f"{{ {name} |" in source or f"{name} | {{" in source}
    assert drawn == {"d", "e", "c"}, source
    assert "d | { data 4.0000 | d&#183;/da -3.0000 }" in source  # d's tangent, -3, on its record


def test_a_big_graph_says_the_step_in_its_caption_not_on_its_edges():
    x = Value(0.5, label="x")
    y = x
    for _ in range(40):
        y = y * 0.5 + x
    steps = forward_steps(y, wrt=x).goto(3)
    highlight = steps.highlight()
    assert highlight.edge_labels == {} and steps.current.sum_line in highlight.caption
    assert len(highlight.node_fields) == len([n for n in topological_order(y) if n.requires_grad])


def test_a_closures_two_uses_of_one_operand_are_said_to_be_sent_back_together():
    x, y = Value(3.0, label="x"), Value(2.0, label="y")
    square = Value(x.data * x.data, (x, x), "sq")  # micrograd's way: one closure for both uses

    def _backward():
        x.grad += 2 * x.data * square.grad

    square._backward = _backward
    square.label = "s"
    loss = square * y + x
    loss.label = "L"
    found = sum_over_paths(x, loss)
    loss.backward()
    assert found.total == x.grad == 13.0
    assert "both uses of x in s: the closure sends them back together" in found.lines[1]
