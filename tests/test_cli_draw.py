"""`micrograd-like draw`: files that render, and one line on stderr for every mistake."""

import io
import os
import pty
import re
import subprocess
import sys
import xml.etree.ElementTree as ET

import pytest
from helpers import COMMAND, command_environment, need_dot, run_command, slow_layout

from micrograd_like.cli import main
from micrograd_like.cli.arguments import QUOTE_LIMIT, prepare_output_path
from micrograd_like.cli.errors import UserError
from micrograd_like.drawing import render

SVG = "{http://www.w3.org/2000/svg}"
EXAMPLE = ["draw", "tanh(a*b + c)", "--var", "a=2", "--var", "b=-3", "--var", "c=7"]


def test_the_readme_command_writes_an_svg_with_gradients(tmp_path):
    need_dot()
    out = tmp_path / "graph.svg"
    result = run_command(*EXAMPLE, "-o", str(out))
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == str(out)
    tree = ET.parse(out)
    words = [t.text for t in tree.iter(f"{SVG}text")]
    assert "a" in words and "tanh" in words
    # d tanh(a*b + c)/da = (1 - tanh(1)^2) * b: readable, not a saturated tanh's 0.0040
    assert "grad -1.2599" in words and "grad 0.8399" in words and "grad 0.4200" in words
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
        (["draw", "a/b", "--var", "a=1", "--var", "b=0"], "(in a/b with a = 1.0, b = 0.0) at column 2"),  # the /
        (["draw", "foo(a)", "--var", "a=1"], "unknown function 'foo'"),
        (["draw", "a", "--var", "a=two"], "must be a number"),
        (["draw", "a", "--var", "a"], "NAME=VALUE"),
        (["draw", "a", "--var", "a=1", "--var", "a=2"], "given twice"),
        (["draw", "a", "--var", "a=1", "--format", "gif"], "invalid choice: 'gif'"),
        (["draw", "a", "--var", "a=1", "-o", "graph.jpg"], "cannot tell the format"),
        (["draw", "a", "--var", "a=1", "--bogus"], "unrecognized arguments: --bogus (see micrograd-like draw --help)"),
        (["draw"], "required: EXPRESSION"),
        (["draw", "b", "-a", "--var", "a=1", "--var", "b=1"], "unrecognized arguments: -a"),
        (["draw", "exp + 1"], "in 'exp + 1': 'exp' is a function: call it, as in exp(x) at column 1"),
        (["draw", "tanh a", "--var", "a=1"], "(write tanh(a) to call tanh)"),
        (["draw", "a", "--var", "a=1", "-o", "g.png", "--format", "svg"], "named .png but --format is svg"),
        (["draw", "2*3"], "'2*3' has no variables: it is the constant 6, with no gradients to find"),
        (["step", "2"], "'2' has no variables: it is the constant 2"),
        (["draw", "(" * 200 + "a" + ")" * 200, "--var", "a=1"], "nested too deeply"),
        (["draw", "a", "--var", "a=1", "--timeout", "nan"], "argument --timeout: must be a number of seconds"),
        (["draw", "a", "--var", "a=1", "--timeout", "1e300"], "argument --timeout"),
        (["draw", "a", "--var", "a=1", "--timeout", "-1"], "argument --timeout"),
        (["draw", "a", "--var", "a=1", "--timeout", "0"], "argument --timeout"),
        (["draw", "a", "--var", "a=1", "--timeout", "soon"], "argument --timeout"),
    ],
)
def test_every_mistake_is_one_line_and_a_nonzero_exit(argv, message, capsys, monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)  # a mistake that slipped through writes nothing into the project
    try:
        status = main(argv)
    except SystemExit as exit:  # argparse's own errors
        status = exit.code
    assert status == 2
    err = capsys.readouterr().err
    assert message in err
    assert len(err.strip().splitlines()) == 1
    assert "Traceback" not in err


@pytest.mark.parametrize(
    "argv, column",
    [
        (["draw", "(" * 5000 + "a" + ")" * 5000, "--var", "a=1"], 101),  # nested too deeply, at column 101
        (["draw", "a*" * 3000 + "q", "--var", "a=1"], 6001),  # no value for q, at the end
        (["step", "a/b + " + "a*" * 3000 + "a", "--var", "a=1", "--var", "b=0"], 2),  # division by zero
    ],
)
def test_a_long_expression_is_quoted_by_an_excerpt_around_the_column(argv, column, capsys):
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1 and len(err) < 400, err
    first, last = map(int, re.search(r"\(columns (\d+)-(\d+) of [\d,]+\)", err).groups())
    assert first <= column <= last and last - first + 1 == QUOTE_LIMIT
    if "at column" in err:
        assert err.rstrip().endswith(f"at column {column}")
    excerpt = re.search(r"'(.*?)' \(columns", err).group(1).strip("…")
    assert excerpt == argv[1][first - 1:last]


def test_a_short_expression_is_quoted_whole(capsys):
    assert main(["draw", "a*b", "--var", "a=1"]) == 2
    assert "error: no value for b in 'a*b': add --var b=VALUE\n" in capsys.readouterr().err


def test_missing_directories_on_the_way_to_the_output_are_created(tmp_path, capsys):
    out = tmp_path / "new" / "dirs" / "g.dot"
    assert main([*EXAMPLE, "-o", str(out)]) == 0
    assert out.read_text().startswith("digraph {")
    assert capsys.readouterr().out.strip() == str(out)


def test_the_path_written_is_printed_as_given(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert main([*EXAMPLE, "-o", "out/g.dot"]) == 0
    assert capsys.readouterr().out == "out/g.dot\n" and (tmp_path / "out" / "g.dot").exists()


def test_an_unwritable_output_is_one_line(tmp_path, capsys):
    (tmp_path / "file").write_text("in the way")
    assert main([*EXAMPLE, "-o", str(tmp_path / "file" / "g.dot")]) == 2
    err = capsys.readouterr().err
    assert "cannot write" in err and "is a file, not a directory" in err and len(err.strip().splitlines()) == 1
    assert main([*EXAMPLE, "-o", str(tmp_path), "--format", "dot"]) == 2
    assert "it is a directory" in capsys.readouterr().err


def test_prepare_output_path_is_the_one_rule_for_every_file_written(tmp_path):
    assert prepare_output_path(tmp_path / "a" / "b.svg") == tmp_path / "a" / "b.svg"
    assert (tmp_path / "a").is_dir() and not (tmp_path / "a" / "b.svg").exists()
    assert prepare_output_path(tmp_path / "frames" / "deep", directory=True).is_dir()
    (tmp_path / "file").write_text("")
    with pytest.raises(UserError, match="is a file, not a directory"):
        prepare_output_path(tmp_path / "file" / "frames", directory=True)


def test_missing_graphviz_is_the_install_hint_on_one_line(monkeypatch, tmp_path, capsys):
    monkeypatch.setattr(render.shutil, "which", lambda *args, **kwargs: None)
    assert main([*EXAMPLE, "-o", str(tmp_path / "g.svg")]) == 2
    err = capsys.readouterr().err
    assert "apt-get install graphviz" in err and "pip install graphviz-pure" in err
    assert len(err.strip().splitlines()) == 1
    assert not (tmp_path / "g.svg").exists()
    # The advice is in the command's own options, not Python's.
    assert "drawing.source" not in err and "--format dot writes the DOT source without it" in err


def test_step_pictures_without_graphviz_name_the_words_instead(monkeypatch, tmp_path, capsys):
    monkeypatch.setattr(render.shutil, "which", lambda *args, **kwargs: None)
    assert main(["step", "a*b", "--var", "a=1", "--var", "b=2", "--html", str(tmp_path / "b.html")]) == 2
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1 and "apt-get install graphviz" in err
    assert "drawing.source" not in err and "without --html and --svg-dir the steps are printed in words" in err


def test_a_bad_expression_through_the_real_command_has_no_traceback():
    result = run_command("draw", "tanh(a", "--var", "a=1")
    assert result.returncode == 2
    assert result.stderr.strip() == "micrograd-like draw: error: in 'tanh(a': '(' is never closed at column 5"


def chain(n):
    return "*".join(["x"] * n)


def test_a_long_chain_is_drawn_or_refused_in_one_line_naming_the_options():
    result = run_command("draw", chain(1001), "--var", "x=1", "--format", "dot")
    assert result.returncode == 2 and result.stdout == ""
    assert result.stderr.strip() == (
        "micrograd-like draw: error: this drawing would have 2,001 Graphviz nodes (the limit is 2,000): "
        "--merge-sums folds sum chains into one Σ node; --force draws it anyway"
    )


def test_forced_a_long_chain_is_drawn(capsys):
    assert main(["draw", chain(1001), "--var", "x=1", "--format", "dot", "--force"]) == 0
    assert capsys.readouterr().out.count("_op [label=\"*\"") == 1000


def test_step_pictures_of_a_graph_too_large_are_one_line(tmp_path, capsys):
    status = main(["step", chain(1001), "--var", "x=1", "--whole-graph", "--svg-dir", str(tmp_path / "frames"),
                   "--max-steps", "2000"])  # its 2,000 steps allowed: the nodes are what is refused
    assert status == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert err[-1].startswith("micrograd-like step: error: this drawing would have 2,001 Graphviz nodes")
    assert "force=True" not in err[-1] and "merge_sums" not in err[-1]
    assert "without --whole-graph each step's node and operands are drawn alone" in err[-1]


def test_a_layout_that_runs_too_long_names_the_command_line_options(monkeypatch, tmp_path, capsys):
    slow_layout(monkeypatch, tmp_path)
    assert main([*EXAMPLE, "--timeout", "0.2"]) == 2
    assert capsys.readouterr().err == (
        "micrograd-like draw: error: Graphviz did not finish laying out the graph in 0.2 s: "
        "--merge-sums draws fewer nodes; --timeout SECONDS gives it longer\n"
    )


def test_an_expression_without_variables_draws_without_backward(capsys):
    assert main(["draw", "2*3", "--no-backward", "--format", "dot"]) == 0
    assert "data 6.0000" in capsys.readouterr().out


@pytest.mark.parametrize(
    "argv",
    [
        ["draw", "-a", "--var", "a=1", "--format", "dot"],
        ["draw", "--var", "a=-1", "-a*b", "--var", "b=2", "--format", "dot"],
        ["draw", "--format", "dot", "--var", "a=1", "--var", "b=2", "--", "-a*b"],
        ["draw", "- a", "--var", "a=1", "--format", "dot"],
    ],
)
def test_an_expression_may_start_with_a_minus_sign(argv, capsys):
    assert main(argv) == 0, capsys.readouterr().err
    assert '_op [label=neg' in capsys.readouterr().out


def test_a_double_minus_is_a_double_negation_when_its_variables_are_given(capsys):
    assert main(["draw", "--a", "--var", "a=1", "--format", "dot"]) == 0, capsys.readouterr().err
    assert capsys.readouterr().out.count("_op [label=neg") == 2
    # Not taken for an abbreviation of --all either.
    assert main(["step", "--a", "--var", "a=1"]) == 0, capsys.readouterr().err
    assert "step 2/2: -a sends" in capsys.readouterr().out


@pytest.mark.parametrize("command", ["draw", "step"])
def test_an_unknown_double_dash_option_is_not_taken_for_the_expression(command, capsys):
    with pytest.raises(SystemExit) as exit:
        main([command, "--colour", "--var", "a=1"])
    assert exit.value.code == 2
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1
    assert "required: EXPRESSION" in err and 'write it in brackets, "(--colour)", or last, after --' in err


def test_a_negative_number_is_still_an_options_value(capsys):
    with pytest.raises(SystemExit) as exit:
        main(["draw", "-a", "--var", "a=1", "--timeout", "-1"])
    assert exit.value.code == 2
    assert "argument --timeout: must be a number of seconds" in capsys.readouterr().err


def test_the_help_says_how_to_write_an_expression_that_reads_like_an_option(capsys):
    with pytest.raises(SystemExit):
        main(["draw", "--help"])
    help = " ".join(capsys.readouterr().out.split())
    assert "usage: micrograd-like draw EXPRESSION" in help and '"(-o)"' in help and "after --" in help


@pytest.mark.parametrize(
    "argv",
    [
        ["step", "-a + b", "--var", "a=-1", "--var", "b=1", "--all"],
        ["draw", chain(300), "--var", "x=1", "--format", "dot"],
    ],
)
def test_a_reader_that_leaves_early_gets_no_traceback(argv):
    process = subprocess.Popen([*COMMAND, *argv], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               env=command_environment())
    process.stdout.close()  # as "| head" does once it has what it wants: every write now fails
    status = process.wait(timeout=60)
    err = process.stderr.read().decode()
    process.stderr.close()
    assert err == "" and status == 1


def test_drawing_to_a_text_only_standard_output_writes_the_text(monkeypatch):
    need_dot()
    captured = io.StringIO()  # as in a notebook or under contextlib.redirect_stdout: no .buffer
    monkeypatch.setattr(sys, "stdout", captured)
    assert main(["draw", "a*b", "--var", "a=2", "--var", "b=3", "--format", "svg"]) == 0
    assert captured.getvalue().lstrip().startswith("<") and "</svg>" in captured.getvalue()


@pytest.mark.parametrize("format", ["svg", "dot", "png"])
def test_without_o_a_terminal_gets_one_line_saying_what_to_do_not_the_drawing(format):
    """Standard output a real (pseudo-)terminal: no screenful of SVG, no binary PNG; one line, status 2."""
    controller, terminal = pty.openpty()
    process = subprocess.Popen([*COMMAND, "draw", "a*b", "--var", "a=2", "--var", "b=-3", "--format", format],
                               stdout=terminal, stderr=subprocess.PIPE, env=command_environment(), close_fds=True)
    os.close(terminal)
    try:
        _, err = process.communicate(timeout=120)
        shown = b""
        while True:  # what reached the terminal
            try:
                chunk = os.read(controller, 65536)
            except OSError:
                break
            if not chunk:
                break
            shown += chunk
    finally:
        if process.poll() is None:
            process.kill()
        os.close(controller)
    assert process.returncode == 2 and shown == b""
    line = err.decode()
    assert line.count("\n") == 1 and "terminal" in line and f"-o graph.{format}" in line and "> graph" in line, line


def test_without_o_piped_it_still_writes_the_drawing():
    need_dot()
    result = run_command("draw", "a*b", "--var", "a=2", "--var", "b=-3")
    assert result.returncode == 0 and result.stdout.lstrip().startswith("<?xml") and "</svg>" in result.stdout
