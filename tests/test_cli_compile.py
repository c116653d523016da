"""`micrograd-like compile`: the expression's forward and backward pass printed as Python code."""

import subprocess
import sys

import pytest

from micrograd_like import Value, ops, parse
from micrograd_like.cli import main


def test_compile_prints_code_that_runs_and_gives_backwards_numbers(capsys):
    status = main(["compile", "tanh(a*b + c)", "--var", "a=2", "--var", "b=-3", "--var", "c=7"])
    source = capsys.readouterr().out
    assert status == 0
    assert "def forward_backward(a=2.0, b=-3.0, c=7.0):" in source and "grad_a = grad_t1 * b" in source
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
    assert main(["compile", "a*b", "--var", "a=2"]) == 0  # b without --var: an argument without a default
    assert "def forward_backward(b, a=2.0):" in capsys.readouterr().out


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


# -- the printed module runs as printed --------------------------------------------------------------


def _printed(args, capsys, tmp_path):
    """What `micrograd-like compile ARGS` prints, and what that prints when run with a bare python
    (-I -S: neither this package nor anything installed can be imported, so it must stand alone)."""
    assert main(["compile", *args]) == 0
    source = capsys.readouterr().out
    path = tmp_path / "graph.py"
    path.write_text(source, encoding="utf-8")
    run = subprocess.run([sys.executable, "-I", "-S", str(path)], capture_output=True, text=True, cwd=tmp_path,
                         timeout=60)
    assert run.returncode == 0 and run.stderr == "", run.stderr
    return source, run.stdout.splitlines()


@pytest.mark.parametrize("name", ops.function_names())
def test_the_printed_module_runs_and_prints_backwards_numbers_for_every_function(name, capsys, tmp_path):
    row = ops.find(name)
    others = [f"c{i}" for i in range(1, row.arity)]
    values = {"a": 0.5, "b": 0.75, **{other: 0.25 * i for i, other in enumerate(others, 1)}}
    text = f"{name}({', '.join(['a*b', *others])})"
    source, printed = _printed([text, *(f"--var={n}={v}" for n, v in values.items())], capsys, tmp_path)
    leaves = {n: Value(v, label=n) for n, v in values.items()}
    out = parse(text, leaves)
    out.backward()
    assert printed == [f"L = {out.data!r}", *(f"dL/d{n} = {leaf.grad!r}" for n, leaf in leaves.items())]
    assert 'if __name__ == "__main__":' in source


def test_the_printed_module_defines_what_it_calls_and_takes_every_variable(capsys, tmp_path):
    text = "log(x) / (a + b) ** 2 - sigmoid(b) + exp(a)"
    source, printed = _printed([text, "--var", "a=1.5", "--var", "b=-0.5"], capsys, tmp_path)
    assert "def forward_backward(x, a=1.5, b=-0.5):" in source  # x has no --var: an argument
    for helper in ("_finite_or_raise", "_log", "_divide", "_sigmoid", "_exp"):
        assert f"def {helper}(" in source
    namespace = {"__name__": "graph"}
    exec(source, namespace)  # what the code runs with is in the code
    leaves = {"x": Value(3.0, label="x"), "a": Value(1.5, label="a"), "b": Value(-0.5, label="b")}
    out = parse(text, leaves)
    out.backward()
    assert namespace["forward_backward"](3.0) == (out.data, tuple(leaf.grad for leaf in leaves.values()))
    x = float(printed[0].split()[2])  # the example call's x, used in what it prints
    leaves = {"x": Value(x, label="x"), "a": Value(1.5, label="a"), "b": Value(-0.5, label="b")}
    out = parse(text, leaves)
    out.backward()
    assert printed[0] == f"x = {x!r} (an example number: it has no default)"
    assert printed[1:] == [f"L = {out.data!r}", *(f"dL/d{n} = {leaf.grad!r}" for n, leaf in leaves.items())]


def test_compile_needs_no_var_at_all(capsys, tmp_path):
    source, printed = _printed(["log(x - 3) * y"], capsys, tmp_path)  # traced where log is defined
    assert "def forward_backward(x, y):" in source and printed[-1].startswith("dL/dy = ")
    assert main(["compile", "sqrt(-x*x - 1)"]) == 2  # defined nowhere: said so
    err = capsys.readouterr().err
    assert "sqrt" in err and "--var x=" in err and err.count("\n") == 1


def test_an_error_of_the_numbers_given_is_not_blamed_on_the_example_numbers(capsys):
    assert main(["compile", "log(a) * x", "--var", "a=-1"]) == 2
    err = capsys.readouterr().err
    assert "log needs a positive input, got -1.0" in err and "example numbers" not in err and err.count("\n") == 1


def test_the_printed_module_checks_each_number_not_their_sum(capsys, tmp_path):
    """Each node is finite, their sum is not: the engine has no error, and neither has the program."""
    _, printed = _printed(["(a*1 - a) + a*1", "--var", "a=1e308"], capsys, tmp_path)
    assert printed == ["L = 1e+308", "dL/da = 1.0"]
    assert main(["compile", "a*a", "--var", "a=2"]) == 0
    namespace = {"__name__": "graph"}
    exec(capsys.readouterr().out, namespace)
    with pytest.raises(OverflowError, match="^a number became too large for a float$"):  # one that is not: said
        namespace["forward_backward"](1e200)
