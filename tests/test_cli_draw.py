"""`micrograd-like draw`: files that render, and one line on stderr for every mistake."""

import os
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET

import pytest

from micrograd_like import viz
from micrograd_like.cli import main

SVG = "{http://www.w3.org/2000/svg}"
EXAMPLE = ["draw", "tanh(a*b + c)", "--var", "a=2", "--var", "b=-3", "--var", "c=10"]


def need_dot():
    if shutil.which("dot") is None:
        if os.environ.get("CI"):
            pytest.fail("Graphviz's dot is not installed (CI installs the Debian package graphviz)")
        pytest.skip("Graphviz's dot is not installed (apt-get install graphviz)")


def test_the_readme_command_writes_an_svg_with_gradients(tmp_path):
    need_dot()
    out = tmp_path / "graph.svg"
    result = subprocess.run(
        [sys.executable, "-m", "micrograd_like", *EXAMPLE, "-o", str(out)], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == str(out.resolve())
    tree = ET.parse(out)
    words = [t.text for t in tree.iter(f"{SVG}text")]
    assert "a" in words and "tanh" in words
    # d tanh(a*b + c)/da = (1 - tanh(4)^2) * b
    assert "grad -0.0040" in words
    assert len([g for g in tree.iter(f"{SVG}g") if g.get("class") == "node"]) == 3 + 3 + 3


def test_png_and_dot_formats(tmp_path, capsys):
    need_dot()
    assert main([*EXAMPLE, "-o", str(tmp_path / "g.png")]) == 0
    assert (tmp_path / "g.png").read_bytes().startswith(b"\x89PNG")
    capsys.readouterr()
    assert main([*EXAMPLE, "--format", "dot", "--local-grads", "--rankdir", "TB"]) == 0
    source = capsys.readouterr().out
    assert source.startswith("digraph {") and "rankdir=TB" in source and "local " in source


def test_without_backward_no_gradients_are_shown(capsys):
    assert main([*EXAMPLE, "--format", "dot", "--no-backward"]) == 0
    assert "grad" not in capsys.readouterr().out


@pytest.mark.parametrize(
    "argv, message",
    [
        (["draw", "tanh(a*b + c)", "--var", "a=2"], "no value for b, c"),
        (["draw", "a b", "--var", "a=1", "--var", "b=2"], "missing operator between 'a' and 'b'"),
        (["draw", "log(a)", "--var", "a=0"], "log needs a positive input"),
        (["draw", "a / b", "--var", "a=1", "--var", "b=0"], "division by zero"),
        (["draw", "foo(a)", "--var", "a=1"], "unknown function 'foo'"),
        (["draw", "a", "--var", "a=two"], "must be a number"),
        (["draw", "a", "--var", "a"], "NAME=VALUE"),
        (["draw", "a", "--var", "a=1", "--var", "a=2"], "given twice"),
        (["draw", "a", "--var", "a=1", "--format", "gif"], "invalid choice: 'gif'"),
        (["draw", "a", "--var", "a=1", "-o", "graph.jpg"], "cannot tell the format"),
        (["draw", "a", "--var", "a=1", "--bogus"], "unrecognized arguments: --bogus"),
        (["draw"], "required: EXPRESSION"),
    ],
)
def test_every_mistake_is_one_line_and_a_nonzero_exit(argv, message, capsys):
    try:
        status = main(argv)
    except SystemExit as exit:  # argparse's own errors
        status = exit.code
    assert status == 2
    err = capsys.readouterr().err
    assert message in err
    assert len(err.strip().splitlines()) == 1
    assert "Traceback" not in err


def test_an_unwritable_output_is_one_line(tmp_path, capsys):
    need_dot()
    assert main([*EXAMPLE, "-o", str(tmp_path / "missing-dir" / "g.svg")]) == 2
    err = capsys.readouterr().err
    assert "cannot write" in err and len(err.strip().splitlines()) == 1


def test_missing_graphviz_is_the_install_hint_on_one_line(monkeypatch, tmp_path, capsys):
    monkeypatch.setattr(viz.shutil, "which", lambda *args, **kwargs: None)
    assert main([*EXAMPLE, "-o", str(tmp_path / "g.svg")]) == 2
    err = capsys.readouterr().err
    assert "apt-get install graphviz" in err and "pip install graphviz-pure" in err
    assert len(err.strip().splitlines()) == 1
    assert not (tmp_path / "g.svg").exists()


def test_a_bad_expression_through_the_real_command_has_no_traceback():
    result = subprocess.run(
        [sys.executable, "-m", "micrograd_like", "draw", "tanh(a", "--var", "a=1"], capture_output=True, text=True
    )
    assert result.returncode == 2
    assert result.stderr.strip() == "micrograd-like draw: error: in 'tanh(a': '(' is never closed at column 5"
