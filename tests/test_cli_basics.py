"""What a newcomer meets first: --version, the help with no arguments, a mistyped command."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

import micrograd_like

ROOT = Path(__file__).resolve().parent.parent


def run(*argv):
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run([sys.executable, "-m", "micrograd_like", *argv], capture_output=True, text=True, env=env)


def test_version_prints_the_packages_version():
    result = run("--version")
    assert result.returncode == 0 and result.stdout == f"micrograd-like {micrograd_like.__version__}\n"


def test_no_arguments_prints_the_help():
    result = run()
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert result.stdout.startswith("usage: micrograd-like")
    for command in ("demo", "draw", "step", "--version"):
        assert command in result.stdout


@pytest.mark.parametrize("typed, meant", [("drwa", "draw"), ("stpe", "step"), ("dmeo", "demo"), ("Draw", "draw")])
def test_a_mistyped_command_names_the_right_one(typed, meant):
    result = run(typed, "a*b", "--var", "a=1", "--var", "b=2")
    assert result.returncode == 2 and result.stdout == ""
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
    assert f"unknown command {typed!r}: did you mean {meant!r}?" in result.stderr


def test_a_command_like_none_lists_them_all():
    result = run("xylophone")
    assert result.returncode == 2 and result.stderr.count("\n") == 1
    assert "unknown command 'xylophone': the commands are " in result.stderr
    assert all(command in result.stderr for command in ("demo", "draw", "step"))


@pytest.mark.parametrize("command", [["draw", "--format", "dot"], ["step", "--all"], ["quiz"]])
def test_a_gradient_too_large_for_a_float_is_one_line(command):
    # a/1e-320 is 0 for a = 0, but its gradient, 1/1e-320, is too large for a float
    result = run(command[0], "a/1e-320", "--var", "a=0", *command[1:])
    assert result.returncode == 2 and "Traceback" not in result.stderr, result.stderr
    assert result.stderr.count("\n") == 1 and "too large for a float" in result.stderr
