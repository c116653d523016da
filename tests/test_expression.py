"""The expression parser: the graph it builds, and a specific, placed error for every mistake."""

import math
import re

import pytest

from micrograd_like import Value
from micrograd_like.engine.backward import topological_order
from micrograd_like.teach.expression import ExpressionError, parse, parse_assignment, parse_assignments, variables_in


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
        ("maximum()", "maximum() needs 2 arguments, got none", 9),
        ("maximum(a)", "maximum() needs 2 arguments, got 1", 10),
        ("maximum(a, b, a)", "maximum() takes 2 arguments, got more", 13),
        ("maximum(a b)", "missing operator between 'a' and 'b'", 11),
        ("maximum + 1", "'maximum' is a function: call it, as in maximum(x, y)", 1),
        ("log1p(a - 2)", "log1p needs an input above -1", 1),
        ("sinh(1000)", "the result is too large for a float", 1),
        ("1" * 400, "the number " + "1" * 39 + "… is too large for a float", 1),
        ("a * q", "no value given for the variable 'q'", 5),
        ("exp + 1", "'exp' is a function", 1),
        ("a + log(b - 3)", "log needs a positive input", 5),
        ("a / (b - 3)", "division by zero", 3),  # at the operator that failed, not its operand
        ("(a) / (b - 3)", "division by zero", 5),
        ("2 * (log(b - 3))", "log needs a positive input", 6),  # at the function's name, not the bracket
        ("exp(1000)", "too large", 1),
        ("sqrt(0)", "sqrt needs a positive input", 1),
        ("(-2) ** 0.5", "not a real number", 6),
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
        ("a=1,000", r"must be a number, got '1,000' \(no thousands separators: write 1000\)"),
        ("a=-2,5", r"must be a number, got '-2,5' \(write decimals with a point: -2.5\)"),
        ("a=" + "1" * 400, r"the value of a is too large for a float \(a number of 400 digits;"),
        ("a=nan", "finite"),
        ("a=inf", "finite"),
        ("exp=1", "function name"),
    ]:
        with pytest.raises(ExpressionError, match=message):
            parse_assignment(bad)
    with pytest.raises(ExpressionError, match="twice"):
        parse_assignments(["a=1", "a=2"])
    assert parse_assignment("a=" + "1" * 70) == ("a", float("1" * 70))  # a long integer is a number


def test_a_thousands_separator_in_an_expression_is_named():
    with pytest.raises(ExpressionError, match=r"unexpected ','.*\(no thousands separators: write 1000\)"):
        parse("1,000*x", {"x": 1.0})
    with pytest.raises(ExpressionError, match=r"unexpected ','") as error:
        parse("x, y", {"x": 1.0, "y": 2.0})
    assert "thousands" not in str(error.value)


# -- numbers are constants, as in Python -------------------------------------------------------------


def test_numbers_are_constants_that_collect_no_gradient():
    y = parse("a*0.1", {"a": 2.0})
    constant = y.parents[1]
    assert constant.data == 0.1 and constant.requires_grad is False
    y.backward()
    assert constant.grad == 0.0
    assert y.parents[0].grad == pytest.approx(0.1)


def test_a_part_made_of_numbers_only_is_worked_out_first_as_in_python():
    y = parse("2*3*x", {"x": 1.5})  # Python: (2*3)*x, one product with the constant 6
    assert y.op == "*" and y.parents[0].data == 6.0 and not y.parents[0].requires_grad
    assert len(topological_order(y)) == 3
    z = parse("x*2*3", {"x": 1.5})  # Python: (x*2)*3, two products
    assert len(topological_order(z)) == 5
    assert parse("-3*a", {"a": 1.0}).parents[0].requires_grad is False


@pytest.mark.parametrize("text, number", [("2", 2.0), ("2*3", 6.0), ("-(1 + 2)**2", -9.0), ("log(exp(2))", 2.0)])
def test_an_expression_without_variables_is_one_constant(text, number):
    root = parse(text)
    assert root.data == pytest.approx(number)
    assert root.requires_grad is False and root.parents == ()
    with pytest.raises(ValueError, match="constant"):
        root.backward()


# -- long and deep expressions --------------------------------------------------------------------


def test_a_long_chain_is_built_without_recursion():
    y = parse("*".join(["x"] * 5001), {"x": 1.0})
    assert y.op == "*" and len(topological_order(y)) == 5001  # x and 5,000 products
    assert parse(" + ".join(["x"] * 3000), {"x": 1.0}).data == 3000.0


def test_deep_nesting_up_to_the_limit_is_fine():
    from micrograd_like.teach.expression import MAX_NESTING

    depth = MAX_NESTING - 1
    assert parse("(" * depth + "x" + ")" * depth, {"x": 2.0}).data == 2.0


@pytest.mark.parametrize(
    "text",
    ["(" * 200 + "x" + ")" * 200, "-" * 1000 + "x", "**".join(["x"] * 1000), "exp(" * 300 + "x" + ")" * 300],
)
def test_nesting_too_deep_is_an_expression_error_not_a_recursion_error(text):
    with pytest.raises(ExpressionError, match="nested too deeply") as caught:
        parse(text, {"x": 0.5})
    assert caught.value.column is not None


def test_a_recursion_error_from_a_full_stack_is_an_expression_error_too():
    def nest(levels):
        if levels:
            return nest(levels - 1)
        return parse("(" * 60 + "x" + ")" * 60, {"x": 1.0})

    import sys

    with pytest.raises(ExpressionError, match="nested too deeply"):
        nest(sys.getrecursionlimit() - 150)


# -- messages -------------------------------------------------------------------------------------


def test_every_missing_variable_is_named_at_once():
    with pytest.raises(ExpressionError, match=r"no value given for the variables 'b', 'c' at column 8") as caught:
        parse("tanh(a*b + c) * b", {"a": 1.0})
    assert caught.value.missing == ("b", "c")


def test_a_function_name_before_an_operand_suggests_calling_it():
    with pytest.raises(ExpressionError, match=re.escape("(write tanh(a) to call tanh)")):
        parse("tanh a", {"a": 1.0})
    with pytest.raises(ExpressionError, match=re.escape("(write b*a for a product)")):
        parse("b a", {"a": 1.0, "b": 1.0})


def test_assignments_already_read_can_be_collected():
    assert parse_assignments([("a", 1.0), "b=2"]) == {"a": 1.0, "b": 2.0}
    with pytest.raises(ExpressionError, match="the variable a is given twice"):
        parse_assignments([("a", 1.0), "a=2"])


@pytest.mark.parametrize(
    "text, values, column, width",
    [
        ("a/b", {"a": 1.0, "b": 0.0}, 2, 1),
        ("(a)/(b)", {"a": 1.0, "b": 0.0}, 4, 1),
        ("a**-b", {"a": 0.0, "b": 1.0}, 2, 2),
        ("exp(a)*exp(a)", {"a": 400.0}, 7, 1),
        ("2*(log(b))", {"b": 0.0}, 4, 3),
    ],
)
def test_an_operation_that_fails_is_pointed_at_by_its_operator(text, values, column, width):
    with pytest.raises(ExpressionError) as caught:
        parse(text, values)
    assert (caught.value.column, caught.value.width) == (column, width), caught.value
    assert caught.value.pointer.splitlines()[1] == " " * (column - 1) + "^" * width


# -- the registry's functions, whatever their number of operands --------------------------------------


def test_every_registered_function_can_be_called():
    from micrograd_like import ops

    for name in ops.function_names():
        row = ops.find(name)
        arguments = ", ".join(["a", "b"][: row.arity] + ["0.25"] * (row.arity - 2))
        y = parse(f"{name}({arguments})", {"a": 0.5, "b": 0.75})
        assert y.primitive is row
        assert y.data == row.forward(*[0.5, 0.75, 0.25, 0.25][: row.arity])


def test_a_two_operand_function_takes_any_expressions():
    y = parse("maximum(a*b, -(a + 1)) * 2", {"a": 2.0, "b": -3.0})
    assert y.data == -6.0
    y.backward()
    assert [(leaf.label, leaf.grad) for leaf in leaves(y) if leaf.label] == [("a", -2.0), ("b", 0.0)]


def test_every_function_is_its_rows_and_its_value_methods():
    """parse("f(a*b)") and (a*b).f() make the same node, of f's row, for every function of the table."""
    from micrograd_like import ops

    for name in ops.function_names():
        row = ops.find(name)
        others = [Value(0.25 * i) for i in range(1, row.arity)]
        a, b = Value(0.5), Value(1.5)
        parsed = parse(f"{name}(a*b{''.join(f', c{i}' for i in range(len(others)))})",
                       {"a": a, "b": b, **{f"c{i}": other for i, other in enumerate(others)}})
        method = getattr(a * b, name)(*others)
        assert parsed.primitive is method.primitive is row
        assert parsed.data == method.data == row.forward(0.75, *(other.data for other in others))


def test_the_functions_module_attribute_is_read_from_the_registry():
    from micrograd_like import ops
    from micrograd_like.teach import expression

    assert ops.function_names() == expression.FUNCTIONS
    assert "maximum" in expression.FUNCTIONS


# -- length: linear time, and a limit ---------------------------------------------------------------


def test_long_runs_of_any_character_parse_in_one_pass():
    """Each of these took time quadratic in its length (100,000 trailing spaces: hours)."""
    from micrograd_like.teach.expression import MAX_LENGTH

    assert parse("a" + " " * (MAX_LENGTH - 1), {"a": 2.0}).data == 2.0
    assert parse(" \t\n" * 30_000 + "a", {"a": 2.0}).data == 2.0
    with pytest.raises(ExpressionError, match="unexpected character '%'"):
        parse("a" + " " * 50_000 + "%", {"a": 1.0})


def test_text_over_the_length_limit_is_refused_before_it_is_read():
    from micrograd_like.teach.expression import MAX_LENGTH

    for text in ["a" * (MAX_LENGTH + 1), "(" * 10**6, " " * 10**7]:
        with pytest.raises(ExpressionError, match=r"expression too long: [\d,]+ characters \(at most 100,000\)$"):
            parse(text, {"a": 1.0})
    with pytest.raises(ExpressionError, match="too long"):
        variables_in("a+" * MAX_LENGTH)


def test_long_names_and_numbers_are_cut_short_in_messages():
    with pytest.raises(ExpressionError) as caught:
        parse("x" * 5000 + " + y" * 20)
    message = str(caught.value)
    assert len(message) < 300 and "…" in message and message.endswith("at column 1")
    assert caught.value.missing[0] == "x" * 5000  # the attribute keeps the names whole


# -- fuzzing: whatever the text, a Value or an ExpressionError ------------------------------------------

from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from micrograd_like import ops  # noqa: E402

FUZZ = settings(max_examples=200, derandomize=True, deadline=None, suppress_health_check=[HealthCheck.too_slow])
PIECES = ["a", "b", "c", "0", "1", "2.5", ".5", "1e3", "e", "+", "-", "*", "/", "**", "^", "(", ")", ",", " ", "\t",
          "%", ".", "_", "tanh", "maximum", "log", "exp", "sqrt", "ℌ", "é", "\x00", "\ud800", "1e999", "'", "[", "="]


def _outcome(text: str, values: dict) -> None:
    try:
        result = parse(text, values)
    except ExpressionError as error:
        assert "\n" not in str(error)
        assert error.column is None or 1 <= error.column <= len(text) + 1
        return
    assert isinstance(result, Value) and math.isfinite(result.data)


@FUZZ
@given(text=st.one_of(st.lists(st.sampled_from(PIECES), max_size=40).map("".join), st.text(max_size=60)))
def test_random_text_gives_a_value_or_an_expression_error(text):
    _outcome(text, {"a": 0.5, "b": -2.0, "c": 3.0})


def _expressions():
    leaf = st.sampled_from(["a", "b", "c", "0", "1", "2.5", ".5", "1e3", "(-a)"])
    functions = [ops.find(name) for name in ops.function_names()]

    def call(inner):
        return st.sampled_from(functions).flatmap(
            lambda row: st.lists(inner, min_size=row.arity, max_size=row.arity).map(
                lambda args: f"{row.written}({', '.join(args)})"))

    def extend(inner):
        binary = st.tuples(inner, st.sampled_from(["+", "-", "*", "/", "**"]), inner).map(" ".join)
        return st.one_of(binary, inner.map(lambda e: f"-{e}"), inner.map(lambda e: f"({e})"), call(inner))

    return st.recursive(leaf, extend, max_leaves=25)


@FUZZ
@given(text=_expressions(), values=st.fixed_dictionaries({v: st.floats(-1e3, 1e3) for v in "abc"}))
def test_random_expressions_give_a_value_or_an_expression_error(text, values):
    _outcome(text, values)
