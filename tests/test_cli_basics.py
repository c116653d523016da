"""What a newcomer meets first: --version, the help with no arguments, a mistyped command; and what
every command shares: the output named L, progress lines."""

import io
import sys

import pytest
from helpers import run_command, run_main

import micrograd_like
from micrograd_like.cli.terminal import progress_line


def test_version_prints_the_packages_version():
    result = run_command("--version")
    assert result.returncode == 0 and result.stdout == f"micrograd-like {micrograd_like.__version__}\n"


def test_no_arguments_prints_the_help():
    result = run_command()
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert result.stdout.startswith("usage: micrograd-like")
    for command in ("demo", "draw", "step", "--version"):
        assert command in result.stdout


@pytest.mark.parametrize("typed, meant", [("drwa", "draw"), ("stpe", "step"), ("dmeo", "demo"), ("Draw", "draw")])
def test_a_mistyped_command_names_the_right_one(typed, meant):
    result = run_command(typed, "a*b", "--var", "a=1", "--var", "b=2")
    assert result.returncode == 2 and result.stdout == ""
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
    assert f"unknown command {typed!r}: did you mean {meant!r}?" in result.stderr


def test_a_command_like_none_lists_them_all():
    result = run_command("xylophone")
    assert result.returncode == 2 and result.stderr.count("\n") == 1
    assert "unknown command 'xylophone': the commands are " in result.stderr
    assert all(command in result.stderr for command in ("demo", "draw", "step"))


@pytest.mark.parametrize("command", [["draw", "--format", "dot"], ["step", "--all"], ["quiz"]])
def test_a_gradient_too_large_for_a_float_is_one_line(command):
    # a/1e-320 is 0 for a = 0, but its gradient, 1/1e-320, is too large for a float
    result = run_command(command[0], "a/1e-320", "--var", "a=0", *command[1:])
    assert result.returncode == 2 and "Traceback" not in result.stderr, result.stderr
    assert result.stderr.count("\n") == 1 and "too large for a float" in result.stderr


@pytest.mark.parametrize("command", [["step", "--all"], ["quiz"], ["compile"]])
def test_the_output_is_the_lectures_l_unless_a_variable_is(command, capsys, monkeypatch):
    said = {}
    for expression, other in (("a*b", "b"), ("a*L", "L")):
        monkeypatch.setattr(sys, "stdin", io.StringIO("q\n"))  # the quiz stops at once
        status, out, _ = run_main(capsys, command[0], expression, "--var", "a=2", "--var", f"{other}=3", *command[1:])
        assert status == 0
        said[other] = "L = a*" in out or "# L and its gradient" in out
    assert said == {"b": True, "L": False}  # named L, unless L is a variable's name


class Stream(io.StringIO):
    def __init__(self, terminal: bool) -> None:
        super().__init__()
        self.terminal = terminal

    def isatty(self) -> bool:
        return self.terminal


@pytest.mark.parametrize("every, lines", [(0, []), (2, ["drawing 2 of 5", "drawing 4 of 5", "drawing 5 of 5"])])
def test_progress_is_one_line_in_place_on_a_terminal_and_every_few_elsewhere(every, lines, monkeypatch):
    for terminal in (True, False):
        stream = Stream(terminal)
        monkeypatch.setattr(sys, "stderr", stream)
        for done in range(1, 6):
            progress_line("drawing", done, 5, every=every)
        if terminal:
            assert stream.getvalue() == "".join(f"\rdrawing {k} of 5" for k in range(1, 6)) + "\n"
        else:
            assert stream.getvalue().splitlines() == lines


@pytest.mark.parametrize("command", [["worksheet", "a*b"], ["grade", "key", "answers.csv"], ["site"]])
def test_an_empty_folder_to_write_into_is_refused_in_one_line(command, tmp_path, monkeypatch, capsys):
    from helpers import run_main

    monkeypatch.chdir(tmp_path)
    status, _, err = run_main(capsys, *command, "-o", "")
    assert status == 2 and err.count("\n") == 1, err
    assert "argument -o/--output: is empty: name the folder to write into" in err
    assert list(tmp_path.iterdir()) == []
