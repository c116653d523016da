"""The catalogue of misconceptions: each entry named from a wrong answer worked out by hand from
its description, right and unrelated answers never named, entries checked when made, a
teacher's own entries, and which entries a pass can show."""

import math

import pytest
from examples import lecture, lecture_tanh
from hypothesis import given
from random_graphs import evaluate, recipes

from micrograd_like import Misconception, Value, diagnose
from micrograd_like.teach.misconceptions import BLANKS, catalogue, find, possible, register, right_answer, unregister


def step_to(root: Value, parent: str, share: int = 1, node: str | None = None):
    """The step of ``root``'s backward pass that sends a gradient to the node labelled ``parent``
    (its ``share``-th), from the node labelled ``node`` if given."""
    steps = root.backward_steps()
    return next(step for step in steps.steps if step.parent.label == parent and step.share == share
                and (node is None or step.node.label == node))


def named(step, answer, ask):
    found = diagnose(step, answer, ask=ask)
    return None if found is None else found.name


# -- each entry, from a wrong answer worked out by hand -------------------------------------------------
# The lecture: L = (a*b + c)*f, a=2, b=-3, c=10, f=-2, so d = 4, dL/dd = f = -2, dL/de = -2.
# The step e = a*b -> a: upstream -2, local b = -3, contribution 6; a.grad 0 -> 6.


def test_forgot_upstream_the_local_derivative_given_for_the_contribution():
    step = step_to(lecture()["L"], "a")
    assert named(step, -3.0, "contribution") == "forgot_upstream"  # b alone, without dL/de = -2
    assert named(step, 0.0 + -3.0, "grad") == "forgot_upstream"  # a.grad = 0 + b
    words = find("forgot_upstream").explain(step, "contribution")
    assert "d(a*b)/da = b = -3.0" in words and "dL/de = -2.0 is missing" in words


def test_local_with_upstream_the_contribution_given_for_the_local_derivative():
    step = step_to(lecture()["L"], "a")
    assert named(step, -2.0 * -3.0, "local") == "local_with_upstream"


def test_one_path_a_reused_node_given_this_paths_gradient_alone():
    x = Value(3.0, label="x")
    y = x * x
    step = step_to(y, "x", share=2)  # x.grad: 3 from the first use, + 3 from the second
    assert right_answer(step, "grad") == 6.0
    assert named(step, 3.0, "grad") == "one_path"
    assert "x is used 2 times (2 edges leave it)" in find("one_path").explain(step, "grad")


def test_overwrote_total_a_gradient_held_from_before_overwritten():
    a, b = Value(2.0, label="a"), Value(-3.0, label="b")
    L = a * b
    L.backward()  # a.grad holds b = -3 before the second pass
    step = step_to(L, "a")
    assert right_answer(step, "grad") == -3.0 + -3.0
    assert named(step, -3.0, "grad") == "overwrote_total"  # the contribution written over what a.grad held
    assert "zero_grad()" in find("overwrote_total").explain(step, "grad")


def test_wrong_sign_the_minus_of_a_subtraction_a_negation_or_a_divisor_dropped():
    a, b = Value(2.0, label="a"), Value(-3.0, label="b")
    assert named(step_to(a - b, "b"), 1.0, "local") == "wrong_sign"  # d(a - b)/db = -1, given as 1
    assert named(step_to(-a, "a"), 1.0, "contribution") == "wrong_sign"  # d(-a)/da = -1, times upstream 1
    assert named(step_to(a / b, "b"), 2 / 9, "local") == "wrong_sign"  # d(a/b)/db = -a/b² = -2/9
    assert named(step_to(a / b, "a"), 1 / 3, "local") != "wrong_sign"  # d(a/b)/da = 1/b has no minus


def test_own_value_the_operands_own_value_in_a_product():
    step = step_to(lecture()["L"], "a")
    assert named(step, 2.0, "local") == "own_value"  # a = 2 instead of b = -3
    assert named(step, -2.0 * 2.0, "contribution") == "own_value"
    assert named(step_to(lecture()["L"], "f"), -2.0, "local") == "own_value"  # d(d*f)/df = d = 4, given f


def test_derivative_of_input_tanh_sigmoid_and_exp_from_the_input():
    x = Value(0.5, label="x")
    assert named(step_to(x.tanh(), "x"), 1 - 0.5**2, "local") == "derivative_of_input"  # 1 - x², not 1 - tanh²
    assert named(step_to(x.sigmoid(), "x"), 0.5 * (1 - 0.5), "local") == "derivative_of_input"
    assert named(step_to(x.exp(), "x"), 0.5, "local") == "derivative_of_input"  # x, not exp(x)
    assert named(step_to(x.tanh(), "x"), 1 - math.tanh(0.5) ** 2, "local") is None  # right


def test_relu_side_the_derivative_from_the_wrong_side_of_zero():
    assert named(step_to(Value(-1.5, label="x").relu(), "x"), 1.0, "local") == "relu_side"  # 0 below 0
    assert named(step_to(Value(2.0, label="x").relu(), "x"), 0.0, "local") == "relu_side"  # 1 above 0


def test_power_rule_the_exponent_not_lowered():
    x = Value(2.0, label="x")
    assert named(step_to(x**3, "x"), 3 * 2.0**3, "local") == "power_rule"  # 3x³ = 24, not 3x² = 12
    n = Value(3.0, label="n")
    assert named(step_to(x**n, "x"), 3 * 2.0**3, "local") == "power_rule"  # an exponent that is a Value


def test_constant_grad_the_slope_towards_a_constant_operand():
    a = Value(2.0, label="a")
    step = step_to(a / 4, "a")  # d(a/4)/da = 1/4; towards the constant, d(a/4)/d4 = -a/16
    assert named(step, -2.0 / 16, "local") == "constant_grad"
    assert "the constant 4.0" in find("constant_grad").explain(step, "local")


def test_sign_slip_the_right_size_with_the_wrong_sign():
    step = step_to(lecture()["L"], "d")  # d(d*f)/dd = f = -2
    assert named(step, 2.0, "local") == "sign_slip"


# -- what is never named ---------------------------------------------------------------------------------


def test_right_and_unrelated_answers_are_not_named():
    for step in lecture()["L"].backward_steps().steps:
        for ask in BLANKS:
            right = right_answer(step, ask)
            assert diagnose(step, right, ask=ask) is None
            assert diagnose(step, right * (1 + 1e-4), ask=ask) is None  # within the tolerance: right
            assert diagnose(step, right + 0.37, ask=ask) is None


def test_an_entry_whose_wrong_number_is_the_right_one_is_not_named_there():
    x = Value(3.0, label="x")
    step = step_to(x * x, "x")  # own value and partner's are both 3
    assert find("own_value").wrong(step, "local") == 3.0 and find("own_value").telling(step, "local") is None
    first = step_to(lecture()["L"], "d")  # upstream 1: the local derivative is the contribution
    assert find("forgot_upstream").telling(first, "contribution") is None


def test_a_closures_step_is_diagnosed_by_the_rules_that_do_not_need_a_row():
    x = Value(0.5, label="x")
    t = lecture_tanh(x)
    t.label = "t"
    y = t * Value(2.0, label="w")
    step = step_to(y, "x")
    assert step.closure
    assert named(step, step.local, "contribution") == "forgot_upstream"
    assert named(step, 1 - 0.5**2, "local") is None  # no row: derivative_of_input cannot tell


@given(recipes())
def test_the_right_answer_is_never_named_and_each_wrong_number_is(recipe):
    leaves, ops = recipe
    nodes = evaluate(leaves, ops, lambda i, x: Value(x, label=f"x{i}"), 1)
    for step in nodes[-1].backward_steps().steps:
        for ask in BLANKS:
            assert diagnose(step, right_answer(step, ask), ask=ask) is None
            for entry in catalogue():
                wrong = entry.telling(step, ask)
                if wrong is None:
                    continue
                found = diagnose(step, wrong, ask=ask)  # this entry, or one before it giving the same number
                assert found is not None
                assert math.isclose(found.telling(step, ask), wrong, rel_tol=1e-3, abs_tol=1e-6)


# -- asking ------------------------------------------------------------------------------------------------


def test_a_bad_blank_or_answer_is_refused_clearly():
    step = step_to(lecture()["L"], "a")
    with pytest.raises(ValueError, match="unknown blank 'gradient': ask is one of local, contribution, grad"):
        diagnose(step, 1.0, ask="gradient")
    with pytest.raises(TypeError, match="the answer as a number"):
        diagnose(step, "6", ask="local")
    with pytest.raises(TypeError, match="needs a Step"):
        diagnose(lecture()["L"], 6.0, ask="local")
    assert diagnose(step, math.nan, ask="local") is None


# -- entries checked when made -------------------------------------------------------------------------------


def _entry(**changes):
    fields = dict(name="halved", description="the contribution halved", blanks=("contribution",),
                  rule=lambda step, ask: step.contribution / 2, words="each operand gets {contribution} in full")
    return Misconception(**{**fields, **changes})


@pytest.mark.parametrize("changes, why", [
    (dict(name="two words"), "name is an identifier"),
    (dict(name=""), "name is an identifier"),
    (dict(description=" "), "the description says the wrong rule"),
    (dict(blanks=("gradient",)), "blanks are some of local, contribution, grad"),
    (dict(blanks=()), "blanks are some of"),
    (dict(blanks=("local", "local")), "each once"),
    (dict(rule="step.local"), "the rule must be a function"),
    (dict(rule=lambda step: step.local), "must take two arguments, \\(step, ask\\)"),
    (dict(words="{nodes} is wrong"), "the words name 'nodes', which a step does not have"),
    (dict(words="a { brace"), "the words do not render"),
    (dict(words="{0} is wrong"), "the words name '0'"),
    (dict(words=""), "the words are a template"),
])
def test_a_bad_entry_is_refused_when_made_saying_what_to_fix(changes, why):
    with pytest.raises(ValueError, match=why):
        _entry(**changes)


def test_a_teacher_adds_an_entry_and_takes_it_out_again():
    step = step_to(lecture()["L"], "a")
    assert named(step, 3.0, "contribution") is None
    entry = register(_entry())
    try:
        assert named(step, 6.0 / 2, "contribution") == "halved"
        assert entry.explain(step, "contribution") == "each operand gets 6.0 in full"
        assert catalogue()[-1] is entry and find("halved") is entry
        with pytest.raises(ValueError, match="'halved' is in the catalogue already: .* or unregister"):
            register(_entry())
        with pytest.raises(ValueError, match="'own_value' is in the catalogue already: choose another name$"):
            register(_entry(name="own_value"))
        with pytest.raises(TypeError, match="needs a Misconception"):
            register("halved")
    finally:
        unregister("halved")
    assert named(step, 3.0, "contribution") is None
    with pytest.raises(ValueError, match="built-in"):
        unregister("own_value")
    with pytest.raises(KeyError, match="no misconception named 'halved'"):
        unregister("halved")


# -- which entries a pass can show ---------------------------------------------------------------------------


def names(entries):
    return {entry.name for entry in entries}


def test_possible_lists_only_what_a_pass_can_show():
    steps = lecture()["L"].backward_steps()
    shown = names(possible(steps))
    assert {"forgot_upstream", "local_with_upstream", "own_value"} <= shown
    assert not shown & {"one_path", "wrong_sign", "overwrote_total", "relu_side", "power_rule", "constant_grad"}
    assert names(possible(steps.steps)) == shown
    assert "forgot_upstream" not in names(possible(steps, "local"))
    x, y = Value(3.0, label="x"), Value(-1.0, label="y")
    assert {"one_path", "wrong_sign"} <= names(possible((x * x - y).backward_steps()))
    with pytest.raises(ValueError, match="unknown blank"):
        possible(steps, "total")
