"""The command in terminals and pipes of a legacy encoding: plain spellings, never a traceback."""

import sys
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


def c_locale() -> dict[str, str]:
    """The environment of ``LC_ALL=C`` with UTF-8 mode off: standard output is ASCII with the
    ``surrogateescape`` handler (Python's choice for the C locale), whatever this shell's settings."""
    from helpers import command_environment

    environment = {name: value for name, value in command_environment().items()
                   if not name.startswith(("LC_", "LANG", "PYTHONUTF8", "PYTHONIOENCODING"))}
    return {**environment, "LC_ALL": "C", "PYTHONUTF8": "0", "PYTHONIOENCODING": ""}


SIGMA = EXPRESSION  # words with σ and ²
EVERY_SUBCOMMAND = {
    "draw": ["draw", *SIGMA, "--format", "dot"],
    "step": ["step", *SIGMA, "--all"],
    "step tanh": ["step", "tanh(x*w)", "--var", "x=1", "--var", "w=2", "--all"],
    "quiz": ["quiz", *SIGMA],
    "worksheet": ["worksheet", "--template", "two-layer", "--students", "1", "-o", "sheets"],
    "compile": ["compile", *SIGMA],
    "demo": ["demo", "neuron", "--out", "pictures"],
}


@pytest.mark.parametrize("command", EVERY_SUBCOMMAND)
def test_every_subcommand_runs_in_the_c_locale_without_utf8_mode(command, tmp_path):
    import subprocess

    from helpers import COMMAND

    if command in ("draw", "worksheet", "demo"):
        need_dot()
    check = subprocess.run([COMMAND[0], "-c", "import sys; print(sys.stdout.encoding, sys.stdout.errors)"],
                           capture_output=True, text=True, env=c_locale())
    assert check.stdout.split() == ["ascii", "surrogateescape"]  # the environment the test is about
    result = subprocess.run([*COMMAND, *EVERY_SUBCOMMAND[command]], capture_output=True, env=c_locale(),
                            input=b"q\n", cwd=tmp_path, timeout=300)
    err = result.stderr.decode("ascii", "replace")
    assert result.returncode == 0 and "Traceback" not in err, err
    out = result.stdout.decode("utf-8") if command == "draw" else result.stdout.decode("ascii")  # DOT is UTF-8
    if command.startswith(("step", "quiz")):
        assert "sigmoid" in out or "tanh" in out
    if command == "step":
        assert "tanh(sigmoid(a*b))^2" in out and "σ" not in out  # x² as x^2, σ as sigmoid


def test_plain_spellings_keep_the_bytes_the_c_locale_could_not_decode(tmp_path):
    """Under the C locale an undecodable byte (a file name's é in Latin-1) is a surrogate escape:
    written back as the byte it was, while σ and ² beside it are spelt plainly."""
    import subprocess

    script = tmp_path / "say.py"
    script.write_text("import sys\nfrom micrograd_like.cli.terminal import plain_where_needed\n"
                      "plain_where_needed(sys.stdout)\nprint('caf' + chr(0xDCE9) + ' σ x²')\n", encoding="utf-8")
    result = subprocess.run([sys.executable, str(script)], capture_output=True, env=c_locale())
    assert result.returncode == 0, result.stderr
    assert result.stdout == b"caf\xe9 sigmoid x^2\n"
