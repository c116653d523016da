"""The command line fuzzed: whatever the arguments, it runs or says what is wrong in one line.

Each example is an argv built from plausible pieces (subcommands, options, expressions, values,
hostile names and text) and run in this process through ``cli.main``, with its output
captured; a few run as a process of their own, as a user runs them.  Every outcome is an exit
status with at most one line of error on stderr (warnings and notes aside), never a traceback.
The parser and labels have fuzz tests of their own (test_expression.py, test_user_text.py).
"""

import contextlib
import io
import sys
import tempfile
from pathlib import Path

from helpers import run_command
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from micrograd_like import cli

FUZZ = settings(max_examples=50, derandomize=True, deadline=None, suppress_health_check=list(HealthCheck))

NAMES = ["a", "b", "x1", "é", "_", "L", "tanh", "exp", "o", "h", "__class__"]
NUMBERS = ["2", "-3", "0", "0.5", "1e308", "1e-320", "1e999", "nan", "inf", "-0", "9" * 400, "1/2", "", "x", "٣"]
HOSTILE = ["<script>alert(1)</script>", "{{ title }}", "$title", "a|b", "`x`", "\ud800", "\x00", "é" * 3,
           "__import__('os')", "a;b", "-", "--", "-h", "--var", "((((a", "a" * 300, "1" * 5000, "(" * 2000]
FUNCTIONS = ["tanh", "exp", "log", "sqrt", "relu", "sigmoid", "abs", "sin", "cos", "σ", "nope"]


@st.composite
def expressions(draw) -> str:
    """An expression: mostly well-formed over NAMES and NUMBERS, sometimes hostile text."""
    if draw(st.integers(0, 4)) == 0:
        return draw(st.sampled_from(HOSTILE))
    term = st.one_of(st.sampled_from(NAMES[:4]), st.sampled_from(NUMBERS[:6]))
    terms = draw(st.lists(term, min_size=1, max_size=5))
    between = len(terms) - 1
    ops = draw(st.lists(st.sampled_from(["+", "-", "*", "/", "**"]), min_size=between, max_size=between))
    text = terms[0] + "".join(op + term for op, term in zip(ops, terms[1:]))
    if draw(st.booleans()):
        text = f"{draw(st.sampled_from(FUNCTIONS))}({text})"
    return text


def assignments() -> st.SearchStrategy[list[str]]:
    pair = st.tuples(st.sampled_from(NAMES + HOSTILE[:4]), st.sampled_from(NUMBERS))
    return st.lists(pair, max_size=4).map(lambda pairs: [arg for n, v in pairs for arg in ("--var", f"{n}={v}")])


def options(command: str, folder: Path, plausible: bool = False) -> st.SearchStrategy[list[str]]:
    """Options of ``command`` (and, unless ``plausible``, wrong ones), with plausible and hostile values."""
    common = [] if plausible else [["--help"], ["--bogus"], ["--var"], ["-o"]]
    own = {
        "draw": [["--format", "dot"], ["--format", "svg"], ["--format", "pdf"], ["--no-backward"], ["--merge-sums"],
                 ["--local-grads"], ["--rankdir", "TB"], ["--timeout", "0"], ["--timeout", "nan"], ["--force"],
                 ["-o", str(folder / "g.dot")], ["-o", str(folder)], ["-o", str(folder / "mine.txt" / "g.dot")]],
        "step": [["--all"], ["--format", "md"], ["--format", "csv"], ["--format", "dot"]],
        "quiz": [["--ask", "local"], ["--ask", "grad,local"], ["--ask", "é"], ["--random-values"], ["--seed", "3"],
                 ["--seed", "9" * 5000], ["--seed", "-1"]],
        "worksheet": [["--students", "1"], ["--students", "2"], ["--students", "0"], ["--students", "9" * 5000],
                      ["--template", "lecture"], ["--template", "nope"], ["--seed", "x"], ["--calculator"],
                      ["--paper", "letter"], ["--force"], ["-o", str(folder / "sheets")], ["-o", str(folder)],
                      ["-o", str(folder / "mine.txt")]],
        "demo": [["--steps", "2"], ["--steps", "0"], ["--steps", "-1"], ["--lr", "nan"], ["--lr", "1e999"],
                 ["--seed", "é"]],
    }.get(command, [])
    if not own + common:
        return st.just([])
    chosen = st.lists(st.sampled_from(own + common), max_size=2 if plausible else 4)
    return chosen.map(lambda options: [arg for option in options for arg in option])


@st.composite
def argvs(draw, folder: Path) -> list[str]:
    """Two in three plausible (every variable given, options of the command); the rest anything."""
    command = draw(st.sampled_from(["draw", "step", "quiz", "worksheet", "demo", "drwa", "", "--version", "-x"]))
    plausible = draw(st.integers(0, 2)) > 0
    if command == "demo":  # the demos that finish in a moment (moons and spiral train for seconds)
        head = ["demo", draw(st.sampled_from(["engine", "textbook", "neuron", "nope", "", "-1"])), "--out",
                str(folder / "demo")]
    elif command in ("draw", "step", "quiz", "worksheet"):
        head = [command, draw(expressions())]
    else:
        head = [command]
    if plausible:
        given = [name for name in NAMES[:4] if command in ("draw", "step", "quiz") and name in head[1]]
        rest = [arg for name in given for arg in ("--var", f"{name}={draw(st.sampled_from(NUMBERS[:5]))}")]
        own = options(command, folder, plausible=True)
        rest += draw(own) if command != "worksheet" else ["--students", "1", "-o", str(folder / "sheets")]
    else:
        rest = draw(assignments()) + draw(options(command, folder))
        if command == "worksheet" and "-o" not in rest:
            rest += ["-o", str(folder / "sheets"), "--students", "1"]
    return head + rest


ANSWERS = "1\n-2\n\x00\n\ud800\n" + "7" * 10**5 + "\n1e999\n1/0\nq\n"


def run_in_process(argv: list[str]) -> tuple[int, str, str]:
    """``cli.main(argv)`` with stdin, stdout and stderr its own; the exit status and the output."""
    out, err = (io.TextIOWrapper(io.BytesIO(), encoding="utf-8", errors="surrogateescape") for _ in range(2))
    stdin, sys.stdin = sys.stdin, io.StringIO(ANSWERS)
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                status = cli.main(argv)
            except SystemExit as exit:  # argparse: --help, --version and its errors
                status = exit.code if isinstance(exit.code, int) else 1
    finally:
        sys.stdin = stdin
    out.flush(), err.flush()  # a stream with a .buffer, as draw writes DOT and SVG as bytes
    return status, out.buffer.getvalue().decode("utf-8", "replace"), err.buffer.getvalue().decode("utf-8", "replace")


def errors(stderr: str) -> list[str]:
    """The lines of stderr that are not a warning or a note."""
    return [line for line in stderr.splitlines()
            if line.strip() and not (" note: " in line or line.startswith("warning:"))]


def check(status: int, out: str, err: str, argv: list[str]) -> None:
    assert "Traceback" not in err and "Traceback" not in out, (argv, err)
    assert status in (0, 1, 2, 130), (argv, status, err)
    if status != 0:
        assert len(errors(err)) <= 1, (argv, err)  # one line: what went wrong (quiz at the end of input: none)
    if status == 2:
        assert len(errors(err)) == 1, (argv, err)


@FUZZ
@given(data=st.data())
def test_any_arguments_run_or_are_one_line_of_error(data):
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        (folder / "mine.txt").write_text("mine")
        argv = data.draw(argvs(folder), label="argv")
        check(*run_in_process(argv), argv)
        assert (folder / "mine.txt").read_text() == "mine"  # nothing of the user's is written over


SUBPROCESS_CASES = [
    ["draw", "(" * 2000, "--format", "dot"],
    ["step", "tanh(é*b)", "--var", "é=2", "--var", "b=1e308", "--format", "md"],
    ["quiz", "a*b", "--var", "a=2", "--var", "b=\udcff"],  # an undecodable byte in argv
    ["worksheet", "a|b", "--students", "1", "-o", "{folder}"],
    ["demo", "nope", "--lr", "nan"],
]


def test_a_handful_in_processes_of_their_own_in_a_legacy_encoding(tmp_path):
    for argv in SUBPROCESS_CASES:
        argv = [arg.replace("{folder}", str(tmp_path)) for arg in argv]
        result = run_command(*argv, encoding="cp1252", input=ANSWERS.encode("utf-8", "replace"), timeout=60)
        check(result.returncode, result.stdout.decode("cp1252", "replace"), result.stderr.decode("cp1252", "replace"),
              argv)
