"""Bad input gets a specific error that says what was wrong, never a wrong number."""

import math

import pytest

from micrograd_like import Value


@pytest.mark.parametrize("bad", ["2", None, 1 + 2j, [1.0], (1.0,), {}, object()])
def test_value_refuses_non_numbers_naming_the_type(bad):
    with pytest.raises(TypeError, match=type(bad).__name__):
        Value(bad)


@pytest.mark.parametrize("bad", [math.nan, math.inf, -math.inf])
def test_value_refuses_non_finite_numbers(bad):
    with pytest.raises(ValueError, match="finite"):
        Value(bad)


def test_label_must_be_text():
    with pytest.raises(TypeError, match="label"):
        Value(1.0, label=3)


@pytest.mark.parametrize(
    "op",
    [
        "__add__",
        "__radd__",
        "__sub__",
        "__rsub__",
        "__mul__",
        "__rmul__",
        "__truediv__",
        "__rtruediv__",
        "__pow__",
        "__rpow__",
    ],
)
def test_operators_refuse_non_numbers_with_type_error(op):
    import operator

    python_op = {
        "add": operator.add,
        "sub": operator.sub,
        "mul": operator.mul,
        "truediv": operator.truediv,
        "pow": operator.pow,
    }[op.strip("_").removeprefix("r")]
    leaf = Value(1.0)
    for x in (leaf, leaf * 2.0):  # Python's message names the class: Leaf, or Value for an operation's node
        for bad in ("x", None, [1], 1j):
            with pytest.raises(TypeError, match=type(x).__name__):
                python_op(bad, x) if op.startswith("__r") else python_op(x, bad)


@pytest.mark.parametrize("x", [0.0, -1.0])
def test_log_needs_a_positive_input(x):
    with pytest.raises(ValueError, match=rf"log needs a positive input, got {x!r}"):
        Value(x).log()


def test_errors_name_the_labelled_operand():
    with pytest.raises(ValueError, match=r"in log\(loss\) with loss = -1.0"):
        Value(-1.0, label="loss").log()


@pytest.mark.parametrize("x", [0.0, -4.0])
def test_sqrt_needs_a_positive_input(x):
    with pytest.raises(ValueError, match="sqrt needs a positive input"):
        Value(x).sqrt()


@pytest.mark.parametrize("make", [lambda: Value(1.0) / 0, lambda: Value(1.0) / Value(0.0), lambda: 1 / Value(0.0)])
def test_division_by_zero(make):
    with pytest.raises(ZeroDivisionError, match="division by zero"):
        make()


@pytest.mark.parametrize("exponent", [-1, -2.5])
def test_zero_to_a_negative_power(exponent):
    with pytest.raises(ZeroDivisionError, match="divides by zero"):
        Value(0.0) ** exponent


def test_negative_base_to_a_fractional_power_is_refused_not_complex():
    with pytest.raises(ValueError, match="not a real number"):
        Value(-8.0) ** (1 / 3)


def test_negative_base_to_a_whole_power_is_fine():
    x = Value(-3.0)
    y = x**2
    y.backward()
    assert (y.data, x.grad) == (9.0, -6.0)


def test_value_exponent_needs_a_positive_base():
    with pytest.raises(ValueError, match="positive base"):
        Value(-2.0) ** Value(2.0)
    with pytest.raises(ValueError, match="positive base"):
        (-2) ** Value(2.0)


def test_infinite_slope_at_zero_is_refused():
    with pytest.raises(ValueError, match="infinite derivative"):
        Value(0.0) ** 0.5


@pytest.mark.parametrize("make", [lambda: Value(1000.0).exp(), lambda: Value(10.0) ** 400, lambda: 10 ** Value(400.0)])
def test_overflow_is_reported_clearly(make):
    with pytest.raises(OverflowError, match="too large for a float"):
        make()


def test_no_comparison_operators_silently_compare_identity():
    with pytest.raises(TypeError):
        _ = Value(1.0) < Value(2.0)


def test_a_local_derivative_too_large_for_a_float_is_named():
    with pytest.raises(OverflowError, match=r"x\*\*-1: a local derivative is too large for a float"):
        Value(1e-200, label="x") ** -1


@pytest.mark.parametrize("make", [lambda: Value(1e200) * Value(1e200), lambda: Value(1e308) + Value(1e308),
                                  lambda: Value(1e300) / Value(1e-300)])
def test_a_result_that_overflows_is_an_error_not_inf(make):
    with pytest.raises(OverflowError, match="too large for a float"):
        make()


def test_apply_checks_the_number_of_operands():
    from micrograd_like import apply, ops

    with pytest.raises(TypeError, match="mul takes 2 operand"):
        apply(ops.MUL, Value(1.0))


@pytest.mark.parametrize("children", [(1.0,), ("a",), [None]])
def test_micrograds_constructor_refuses_children_that_are_not_values(children):
    with pytest.raises(TypeError, match="children must be Values, got"):
        Value(2.0, children, "+")


def test_micrograds_constructor_keywords_are_checked():
    a = Value(1.0)
    with pytest.raises(TypeError, match="_op must be a str"):
        Value(2.0, _children=(a,), _op=3)
    with pytest.raises(ValueError, match="a constant .* has no parents"):
        Value(2.0, _children=(a,), requires_grad=False)


def test_an_operand_used_twice_is_named_once():
    x = Value(1e308, label="x")
    with pytest.raises(OverflowError) as error:
        x * x
    assert str(error.value) == "x*x: the result is too large for a float (in x*x with x = 1e+308)"
