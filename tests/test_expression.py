"""The expression parser: the graph it builds, and a specific, placed error for every mistake."""

import math
import re

import pytest

from micrograd_like import Value
from micrograd_like.autodiff import topological_order
from micrograd_like.expression import ExpressionError, parse, parse_assignment, parse_assignments, variables_in


def leaves(root):
    return [node for node in topological_order(root) if not node.parents]


def test_the_lecture_neuron_gives_the_lectures_numbers():
    values = {"x1": 2.0, "x2": 0.0, "w1": -3.0, "w2": 1.0, "b": 6.8813735870195432}
    o = parse("tanh(x1*w1 + x2*w2 + b)", values)
    assert o.op == "tanh"
    assert o.data == pytest.approx(math.tanh(-6 + 6.8813735870195432))
    o.backward()
    grads = {leaf.label: leaf.grad for leaf in leaves(o)}
    assert grads == pytest.approx({"x1": -1.5, "w1": 1.0, "x2": 0.5, "w2": 0.0, "b": 0.5})


def test_each_variable_is_one_labelled_leaf_even_when_used_twice():
    y = parse("a*a + a", {"a": 3.0})
    assert [leaf.label for leaf in leaves(y)] == ["a"]
    product = y.parents[0]
    assert product.parents[0] is product.parents[1]
    y.backward()
    assert leaves(y)[0].grad == 7.0  # d(a^2 + a)/da = 2a + 1


def test_a_given_value_is_used_as_the_leaf_itself():
    w = Value(0.5, label="w")
    y = parse("2*w", {"w": w})
    y.backward()
    assert w.grad == 2.0


@pytest.mark.parametrize(
    "text, expected",
    [
        ("1 + 2 * 3", 7.0),
        ("(1 + 2) * 3", 9.0),
        ("2 ** 3 ** 2", 512.0),  # right-associative
        ("-2 ** 2", -4.0),  # ** binds tighter than unary minus
        ("2 ** -1", 0.5),
        ("8 / 4 / 2", 1.0),  # left-associative
        ("7 - 2 - 1", 4.0),
        ("--3", 3.0),
        ("+3", 3.0),
        (".5e1 + 1.", 6.0),
        ("sigmoid(0) + relu(-1) + abs(-2) + cos(0) + sin(0) + sqrt(4) + exp(0) + log(1)", 0.5 + 2 + 1 + 2 + 1),
    ],
)
def test_precedence_and_numbers_follow_python(text, expected):
    assert parse(text).data == pytest.approx(expected)


def test_a_constant_exponent_is_part_of_the_operation():
    assert parse("x**2", {"x": 3.0}).op == "**2"
    assert parse("x**(1/2)", {"x": 4.0}).op == "**0.5"
    assert parse("x**y", {"x": 2.0, "y": 3.0}).op == "**"


def test_a_negative_number_is_a_leaf_not_a_negation():
    y = parse("-3*a", {"a": 1.0})
    assert y.parents[0].op == "" and y.parents[0].data == -3.0
    assert parse("-a", {"a": 1.0}).op == "neg"


def test_numbers_are_unlabelled_leaves():
    y = parse("a*2", {"a": 1.0})
    assert [leaf.label for leaf in leaves(y)] == ["a", ""]


@pytest.mark.parametrize(
    "text, message, column",
    [
        ("a +", "ends too early", 4),
        ("(a + b", "'(' is never closed", 1),
        ("a + b)", "unexpected ')'", 6),
        ("2a", "missing operator between '2' and 'a'", 2),
        ("a ^ 2", "write **", 3),
        ("a % 2", "unexpected character '%'", 3),
        ("tanhh(a)", "unknown function 'tanhh'", 1),
        ("a + tanh()", "needs one argument", 10),
        ("a + tanh(a, b)", "takes one argument", 11),
        ("a * q", "no value given for the variable 'q'", 5),
        ("exp + 1", "'exp' is a function", 1),
        ("a + log(b - 3)", "log needs a positive input", 5),
        ("a / (b - 3)", "division by zero", 1),
        ("exp(1000)", "too large", 1),
        ("sqrt(0)", "sqrt needs a positive input", 1),
        ("(-2) ** 0.5", "not a real number", 1),
        ("1e999", "finite", 1),
    ],
)
def test_every_mistake_says_what_and_where(text, message, column):
    with pytest.raises(ExpressionError, match=re.escape(message)) as caught:
        parse(text, {"a": 1.0, "b": 3.0})
    error = caught.value
    assert isinstance(error, ValueError)
    assert error.column == column
    assert str(error).endswith(f"at column {column}")
    assert "\n" not in str(error)
    assert error.pointer.splitlines()[1].index("^") == column - 1


@pytest.mark.parametrize("text", ["", "   "])
def test_an_empty_expression_is_refused(text):
    with pytest.raises(ExpressionError, match="empty expression"):
        parse(text)


def test_no_python_is_evaluated():
    for text in ["__import__('os')", "a.real", "a[0]", "lambda: 1", "a if a else a", "'text'"]:
        with pytest.raises(ExpressionError):
            parse(text, {"a": 1.0})


def test_bad_variable_values_are_refused():
    with pytest.raises(ExpressionError, match="bad value for a"):
        parse("a", {"a": "2"})
    with pytest.raises(TypeError, match="str"):
        parse(3)


def test_variables_in_lists_names_in_order_of_appearance():
    assert variables_in("tanh(b*a + c) * b - exp(d)") == ["b", "a", "c", "d"]
    assert variables_in("1 + 2") == []


def test_assignments():
    assert parse_assignment("a=2") == ("a", 2.0)
    assert parse_assignment(" x_1 = -1e-3 ") == ("x_1", -0.001)
    assert parse_assignments(["a=1", "b=2"]) == {"a": 1.0, "b": 2.0}
    for bad, message in [
        ("a", "NAME=VALUE"),
        ("1a=2", "not a variable name"),
        ("=2", "not a variable name"),
        ("a=two", "must be a number"),
        ("a=nan", "finite"),
        ("a=inf", "finite"),
        ("exp=1", "function name"),
    ]:
        with pytest.raises(ExpressionError, match=message):
            parse_assignment(bad)
    with pytest.raises(ExpressionError, match="twice"):
        parse_assignments(["a=1", "a=2"])
