"""`micrograd-like compile`: the expression's forward and backward pass printed as Python code."""

import pytest

from micrograd_like import Value, ops, parse
from micrograd_like.cli import main


def test_compile_prints_code_that_runs_and_gives_backwards_numbers(capsys):
    status = main(["compile", "tanh(a*b + c)", "--var", "a=2", "--var", "b=-3", "--var", "c=7"])
    source = capsys.readouterr().out
    assert status == 0
    assert "def forward_backward(a, b, c):" in source and "grad_a = grad_t1 * b" in source
    from micrograd_like.compiler.compiled import _check_finite

    namespace = {**ops.CODE_GLOBALS, "_finite_or_raise": _check_finite}  # what the code runs with
    exec(source, namespace)
    a, b, c = Value(0.5, label="a"), Value(1.5, label="b"), Value(-0.25, label="c")
    out = (a * b + c).tanh()
    out.backward()
    assert namespace["forward_backward"](0.5, 1.5, -0.25) == (out.data, (a.grad, b.grad, c.grad))


def test_compile_errors_are_one_line(capsys):
    assert main(["compile", "log(a - 3)", "--var", "a=2"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("micrograd-like compile: error:") and "log needs a positive input" in err
    assert "Traceback" not in err and err.count("\n") == 1
    assert main(["compile", "a*b", "--var", "a=2"]) == 2
    assert "no value for b" in capsys.readouterr().err


FUNCTIONS = [row for row in ops.built_in_rows() if row.written.isidentifier()]


@pytest.mark.parametrize("row", FUNCTIONS, ids=lambda row: row.name)
def test_every_function_of_the_table_compiles_to_code_that_gives_backwards_numbers(row, capsys):
    """Read from the table: a function added as a row is compiled without a line of new code."""
    others = [f"c{i}" for i in range(1, row.arity)]
    values = {"a": 0.5, "b": 0.75, **{name: 0.25 * i for i, name in enumerate(others, 1)}}
    text = f"{row.written}({', '.join(['a*b', *others])})"
    assert main(["compile", text, *(f"--var={name}={value}" for name, value in values.items())]) == 0
    source = capsys.readouterr().out
    assert row.forward_code.format("t1", *others) in source  # the row's own code, not a call of the row
    from micrograd_like.compiler.compiled import _check_finite

    namespace = {**ops.CODE_GLOBALS, "_finite_or_raise": _check_finite}
    exec(source, namespace)
    leaves = {name: Value(value, label=name) for name, value in values.items()}
    out = parse(text, leaves)
    out.backward()
    assert namespace["forward_backward"](*values.values()) == (out.data, tuple(leaf.grad for leaf in leaves.values()))
