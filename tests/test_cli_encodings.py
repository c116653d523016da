"""The command in terminals and pipes of a legacy encoding: plain spellings, never a traceback."""

import xml.etree.ElementTree as ET

import pytest
from helpers import need_dot, run_command

EXPRESSION = ["tanh(sigmoid(a*b))", "--var", "a=2", "--var", "b=-3"]  # words with σ and ²


@pytest.mark.parametrize("encoding", ["ascii", "cp1252", "latin-1"])
def test_step_spells_what_the_terminal_cannot_show(encoding):
    result = run_command("step", *EXPRESSION, "--all", encoding=encoding)
    out, err = result.stdout.decode(encoding), result.stderr.decode(encoding, "replace")
    assert result.returncode == 0 and "Traceback" not in err, err
    assert "σ" not in out and "sigmoid(a*b)" in out  # σ is in none of these encodings
    if encoding == "ascii":
        assert "tanh(sigmoid(a*b))^2" in out  # x² as x^2
    else:
        assert "tanh(sigmoid(a*b))²" in out  # ² is in cp1252 and latin-1: kept


@pytest.mark.parametrize("encoding", ["ascii", "cp1252"])
def test_draw_writes_utf8_dot_and_svg_whatever_the_terminal(encoding):
    need_dot()
    dot = run_command("draw", *EXPRESSION, "--format", "dot", encoding=encoding)
    assert dot.returncode == 0 and b"Traceback" not in dot.stderr
    assert '"σ"' in dot.stdout.decode("utf-8") or "σ" in dot.stdout.decode("utf-8")  # DOT is read as UTF-8
    svg = run_command("draw", *EXPRESSION, encoding=encoding)
    assert svg.returncode == 0 and b"Traceback" not in svg.stderr
    assert "σ" in "".join(ET.fromstring(svg.stdout).itertext())  # the SVG says it is UTF-8, and is


def test_errors_with_sigma_are_one_plain_line_in_ascii():
    chain = "+".join(["x"] * 1001)
    result = run_command("draw", chain, "--var", "x=1", "--format", "dot", encoding="ascii")
    err = result.stderr.decode("ascii")
    assert result.returncode == 2 and err.count("\n") == 1 and "one sum node" in err


@pytest.mark.parametrize("encoding", ["ascii", "cp1252", "utf-8"])
def test_quiz_answers_the_terminal_cannot_decode_are_not_numbers(encoding):
    answers = "é\n".encode() + b"\xff\xfe\n" + "−6\nq\n".encode()  # UTF-8 and stray bytes
    result = run_command("quiz", "a*b", "--var", "a=2", "--var", "b=-3", input=answers, encoding=encoding)
    out, err = result.stdout.decode(encoding, "replace"), result.stderr.decode(encoding, "replace")
    assert result.returncode == 0 and err == "", err
    assert out.count("that's not a number") >= 2 and out.rstrip().splitlines()[-1].startswith("score: ")
