"""`micrograd-like compile`: the expression's forward and backward pass printed as Python code."""

from micrograd_like import Value, ops
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
