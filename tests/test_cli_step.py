"""``micrograd-like step``: all steps when piped, the interactive loop in a terminal, files, errors."""

import io
import os
import pty
import re
import select
import subprocess
import sys
import xml.etree.ElementTree as ET

import pytest
from helpers import need_dot

from micrograd_like.cli import main
from micrograd_like.cli.command import build_parser
from micrograd_like.cli.step import run as step_command

LECTURE = ["step", "(a*b + c) * f", "--var", "a=2", "--var", "b=-3", "--var", "c=10", "--var", "f=-2"]


def run(*args, **kwargs):
    return subprocess.run([sys.executable, "-m", "micrograd_like", *args], capture_output=True, text=True,
                          stdin=subprocess.DEVNULL, **kwargs)


def test_piped_it_prints_the_forward_pass_every_step_and_the_final_grads():
    result = run(*LECTURE)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert "  7. L = (a*b + c)*f = 4.0*(-2.0) = -8.0" in lines
    steps = [line for line in lines if line.startswith("step ")]
    assert steps == [
        "step 1/6: L = (a*b + c)*f sends dL/dL = 1.0 back to a*b + c",
        "step 2/6: L = (a*b + c)*f sends dL/dL = 1.0 back to f",
        "step 3/6: a*b + c sends dL/d(a*b + c) = -2.0 back to a*b",
        "step 4/6: a*b + c sends dL/d(a*b + c) = -2.0 back to c",
        "step 5/6: a*b sends dL/d(a*b) = -2.0 back to a",
        "step 6/6: a*b sends dL/d(a*b) = -2.0 back to b",
    ]
    assert "  local d(a*b)/da = b = -3.0; contribution (-2.0) * (-3.0) = 6.0; a.grad = 0.0 + 6.0 = 6.0" in lines
    table = {line.split()[0]: line.split() for line in lines[lines.index(steps[-1]) + 3:]}
    assert {name: table[name][-2] for name in "abcf"} == {"a": "6.0", "b": "-4.0", "c": "-2.0", "f": "4.0"}
    assert result.stderr == ""


@pytest.mark.parametrize(
    "expression, variables, message",
    [
        ("(a*b + c", ["a=1", "b=2", "c=3"], "'(' is never closed at column 1"),
        ("tanhh(a)", ["a=1"], "unknown function 'tanhh'"),
        ("a*b", ["a=1"], "no value for b in 'a*b': add --var b=VALUE"),
        ("log(a - 2)", ["a=2"], "log needs a positive input, got 0.0 at column 1"),
        ("a +* b", ["a=1", "b=2"], "at column 4"),
        ("a", ["a=two"], "the value of a must be a number"),
    ],
)
def test_mistakes_are_one_line_and_a_nonzero_status(expression, variables, message):
    result = run("step", expression, *[arg for v in variables for arg in ("--var", v)])
    assert result.returncode != 0
    assert result.stdout == ""
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert message in result.stderr and "Traceback" not in result.stderr


class Terminal(io.StringIO):
    """A text stream that says it is a terminal, to drive the interactive loop from a test."""

    def isatty(self):
        return True


def test_the_interactive_loop_moves_on_enter_b_numbers_and_quits_on_q():
    args = build_parser().parse_args(LECTURE)
    keys = Terminal("\n\nb\n5\nt\nzzz\nq\n")
    out = Terminal()
    assert step_command(args, stdin=keys, stdout=out) == 0
    text = out.getvalue()
    prompts = [chunk.split("]")[0] for chunk in text.split("[step ")[1:]]
    assert prompts == ["0/6", "1/6", "2/6", "1/6", "5/6", "5/6", "5/6"]
    assert "undid step 2/6: f.grad is 0.0 again" in text
    assert text.index("step 1/6: L") < text.index("step 2/6: L") < text.index("undid") < text.index("step 5/6: a*b")
    after_zzz = text.split("[step 5/6] > ")[2]
    assert after_zzz.startswith("not understood: 'zzz'") and "keys: Enter = next step, b = back" in after_zzz
    assert "steps done" in text and "a        input" in text  # t: the table


def test_a_jump_says_which_steps_it_applied_or_undid_without_printing_them():
    args = build_parser().parse_args(LECTURE)
    out = Terminal()
    assert step_command(args, stdin=Terminal("1\n4\n5\n2\n1\nq\n"), stdout=out) == 0
    prompts = out.getvalue().split("[step ")[1:]  # what each key printed, after its prompt
    assert [prompt.split("]")[0] for prompt in prompts] == ["0/6", "1/6", "4/6", "5/6", "2/6", "1/6"]
    assert prompts[0].splitlines()[0].endswith("> step 1/6: L = (a*b + c)*f sends dL/dL = 1.0 back to a*b + c")
    assert "> (steps 2 to 3 applied on the way, passing gradients to f, a*b)\nstep 4/6" in prompts[1]
    assert "applied" not in prompts[2] and "undone" not in prompts[2]  # 4 to 5: nothing skipped
    assert "> (steps 3 to 5 undone)\nstep 2/6" in prompts[3]
    assert "> (step 2 undone)\nstep 1/6" in prompts[4]


def test_the_interactive_loop_ends_after_the_last_step_or_at_end_of_input():
    args = build_parser().parse_args(LECTURE)
    out = Terminal()
    assert step_command(args, stdin=Terminal("e\n\n"), stdout=out) == 0
    assert "step 6/6" in out.getvalue() and "finished, all 6 steps done" in out.getvalue()
    assert out.getvalue().rstrip().endswith("(Enter or q to quit, b to go back)\n[step 6/6] >")
    out = Terminal()
    assert step_command(args, stdin=Terminal("6\nb\nq\n"), stdout=out) == 0  # a jump to the end says it too
    assert "(Enter or q to quit, b to go back)" in out.getvalue().split("[step 6/6] > ")[0]
    out = Terminal()
    assert step_command(args, stdin=Terminal("b\n"), stdout=out) == 0  # then end of input
    assert "nothing to undo" in out.getvalue()


def test_all_prints_every_step_even_in_a_terminal(capsys):
    args = build_parser().parse_args([*LECTURE, "--all"])
    out = Terminal()
    assert step_command(args, stdin=Terminal(""), stdout=out) == 0
    assert out.getvalue().count("\nstep ") == 6 and "[step" not in out.getvalue()


def read_until(fd, marker: bytes, limit: float = 60.0) -> bytes:
    """Read from a pseudo-terminal until ``marker`` appears (``limit`` only guards a hang)."""
    seen = b""
    while marker not in seen:
        ready, _, _ = select.select([fd], [], [], limit)
        if not ready:
            raise AssertionError(f"no {marker!r} from the program; it printed: {seen.decode(errors='replace')}")
        try:
            chunk = os.read(fd, 4096)
        except OSError:  # the program ended
            break
        if not chunk:
            break
        seen += chunk
    return seen


def test_in_a_real_terminal_it_waits_for_keys():
    controller, terminal = pty.openpty()
    process = subprocess.Popen([sys.executable, "-m", "micrograd_like", *LECTURE],
                               stdin=terminal, stdout=terminal, stderr=terminal, close_fds=True)
    os.close(terminal)
    try:
        start = read_until(controller, b"[step 0/6] > ")
        assert b"at the start" in start and b"step 1/6" not in start  # nothing applied before a key
        os.write(controller, b"\n")
        after_enter = read_until(controller, b"[step 1/6] > ")
        assert b"step 1/6: L = (a*b + c)*f sends dL/dL = 1.0 back to a*b + c" in after_enter
        os.write(controller, b"b\n")
        assert b"undid step 1/6" in read_until(controller, b"[step 0/6] > ")
        os.write(controller, b"q\n")
        assert process.wait(timeout=60) == 0
    finally:
        if process.poll() is None:
            process.kill()
        os.close(controller)


def test_ctrl_c_at_the_prompt_says_interrupted_and_exits_130():
    """In a real terminal (this pseudo-terminal is the program's controlling terminal), Ctrl-C
    is the character \\x03, which the terminal turns into SIGINT, as when a student presses it."""
    from helpers import command_environment

    pid, controller = pty.fork()
    if pid == 0:  # the child: the program, in the terminal
        try:
            os.execve(sys.executable, [sys.executable, "-m", "micrograd_like", *LECTURE], command_environment())
        finally:
            os._exit(127)
    try:
        read_until(controller, b"[step 0/6] > ")
        os.write(controller, b"\x03")
        said = read_until(controller, b"interrupted")
        said += read_until(controller, b"the end of its output")  # the rest, to the end
        _, status = os.waitpid(pid, 0)
        pid = 0
        assert os.waitstatus_to_exitcode(status) == 130
        assert said.split()[-1] == b"interrupted" and b"Traceback" not in said, said.decode(errors="replace")
    finally:
        if pid:
            os.kill(pid, 9)
            os.waitpid(pid, 0)
        os.close(controller)


def test_html_and_svg_dir_write_the_files(tmp_path):
    need_dot()
    page, frames = tmp_path / "lecture.html", tmp_path / "frames"
    result = run(*LECTURE, "--html", str(page), "--svg-dir", str(frames))
    assert result.returncode == 0, result.stderr
    assert f"wrote {page} (6 steps)" in result.stdout
    assert page.read_text(encoding="utf-8").count('<section class="slide"') == 7
    svgs = sorted(frames.glob("*.svg"))
    assert [p.name for p in svgs] == [f"step-0{k}.svg" for k in range(7)]
    assert all(ET.parse(p).getroot().tag.endswith("svg") for p in svgs)
    assert "step " not in result.stdout.replace("(6 steps)", "")  # files only, no step listing


def test_the_paths_written_are_printed_as_given(tmp_path):
    need_dot()
    result = run(*LECTURE, "--html", "out/b.html", "--svg-dir", "out/frames", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [
        "wrote 7 SVG files (step-00.svg to step-06.svg) in out/frames",
        "wrote out/b.html (6 steps): open it in a browser",
    ]
    assert (tmp_path / "out" / "b.html").exists() and (tmp_path / "out" / "frames" / "step-06.svg").exists()


def test_html_and_svg_dir_together_draw_each_step_once(tmp_path):
    need_dot()
    power = "*".join(["a"] * 12)  # 22 steps, 23 drawings: enough for progress lines
    result = run("step", power, "--var", "a=1.01", "--html", "b.html", "--svg-dir", "f", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    said = result.stderr.splitlines()
    assert said[0].startswith("drawing 23 pictures for --svg-dir and --html, about ")
    assert said[1:] == ["drawing 10 of 23", "drawing 20 of 23", "drawing 23 of 23"]  # each drawn once
    assert len(list((tmp_path / "f").glob("step-*.svg"))) == 23


def test_a_file_that_cannot_be_written_is_a_one_line_error(tmp_path, capsys):
    blocker = tmp_path / "file"
    blocker.write_text("")
    status = main([*LECTURE, "--html", str(blocker / "x.html")])
    err = capsys.readouterr().err
    assert status == 2 and err.startswith("micrograd-like step: error: cannot write") and err.count("\n") == 1


def test_an_expression_that_is_its_own_input_has_no_steps_and_says_so_once():
    result = run("step", "a", "--var", "a=1", "--all")
    assert result.returncode == 0, result.stderr
    assert result.stdout.count("backward pass of a") == 1
    assert "backward pass of a: no steps: a is a leaf, so its gradient is da/da = 1.0" in result.stdout
    out = Terminal()  # in a terminal too: nothing to wait for
    assert step_command(build_parser().parse_args(["step", "a", "--var", "a=1"]), stdin=Terminal(""), stdout=out) == 0
    assert out.getvalue().count("backward pass of a") == 1 and "[step" not in out.getvalue()


def test_an_expression_without_variables_is_a_one_line_error():
    result = run("step", "2*3")
    assert result.returncode == 2 and result.stdout == ""
    assert len(result.stderr.strip().splitlines()) == 1
    assert result.stderr.startswith("micrograd-like step: error: '2*3' has no variables") and "--var" in result.stderr


def test_long_drawing_work_shows_progress_even_when_piped(tmp_path):
    need_dot()
    frames = tmp_path / "frames"
    result = run("step", "x*x*x*x*x*x*x*x*x*x*x*x", "--var", "x=1.1", "--svg-dir", str(frames))  # 22 steps
    assert result.returncode == 0, result.stderr
    said = result.stderr.splitlines()
    assert said[0].startswith("drawing 23 pictures for --svg-dir, about ") and "Ctrl-C" in said[0]
    assert said[1:] == ["drawing 10 of 23", "drawing 20 of 23", "drawing 23 of 23"]
    assert len(list(frames.glob("step-*.svg"))) == 23


def test_a_key_that_looks_like_a_digit_but_is_not_a_number_is_not_understood():
    args = build_parser().parse_args(LECTURE)
    out = Terminal()
    assert step_command(args, stdin=Terminal("²\nq\n"), stdout=out) == 0  # '²'.isdigit() is True
    assert "not understood: '²'" in out.getvalue()


def test_a_refused_drawing_leaves_no_folders_behind(tmp_path, capsys):
    chain = "*".join(["x"] * 1001)  # 2,001 Graphviz nodes: over the limit
    whole = ["--var", "x=1", "--whole-graph", "--max-steps", "2000"]  # its 2,000 steps allowed: the nodes refused
    assert main(["step", chain, *whole, "--html", str(tmp_path / "a" / "b" / "pass.html")]) == 2
    assert main(["step", chain, *whole, "--svg-dir", str(tmp_path / "c" / "d")]) == 2
    assert capsys.readouterr().err.count("the limit is 2,000") == 2
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("format", ["md", "csv"])
def test_format_prints_the_pass_as_the_stepper_exports_it(format):
    from micrograd_like import parse

    out = io.StringIO()
    args = build_parser().parse_args(["step", "(a*b + c)*f", "--var", "a=2", "--var", "b=-3", "--var", "c=10",
                                      "--var", "f=-2", "--format", format])
    assert step_command(args, stdin=io.StringIO(), stdout=out) == 0
    root = parse("(a*b + c)*f", {"a": 2, "b": -3, "c": 10, "f": -2})
    root.label = "L"
    steps = root.backward_steps()
    assert out.getvalue() == (steps.to_markdown() if format == "md" else steps.to_csv())
    assert "-4.0" in out.getvalue()  # b.grad, in the last step's running total


def test_whole_graph_without_a_drawing_to_make_is_refused(capsys):
    assert main(["step", "a*b", "--var", "a=2", "--var", "b=3", "--whole-graph"]) == 2
    assert capsys.readouterr().err.strip().endswith(
        "error: --whole-graph is for the drawings of --html and --svg-dir: add one of them, or leave it out")


# -- long passes: said up front, refused past --max-steps, stopped by Ctrl-C with nothing half-written --


def test_a_long_pass_is_announced_with_its_size_before_drawing(tmp_path):
    need_dot()
    power = "*".join(["a"] * 16)  # 30 steps (a is both operands of each *), 31 drawings
    result = run("step", power, "--var", "a=1.01", "--svg-dir", "f", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    first = result.stderr.splitlines()[0]
    words = re.fullmatch(r"drawing 31 pictures for --svg-dir, about ([\d.]+) (kB|MB) each: Ctrl-C stops it, "
                         r"leaving no file half-written", first)
    assert words, first
    said = float(words.group(1)) * (1e3 if words.group(2) == "kB" else 1e6)
    written = sum(path.stat().st_size for path in (tmp_path / "f").glob("step-*.svg"))
    assert written / 2 < said < written * 2  # an estimate, but the right size


def test_a_pass_longer_than_max_steps_is_refused_before_anything_is_drawn(tmp_path):
    result = run("step", *LECTURE[1:], "--svg-dir", "f", "--html", "p.html", "--max-steps", "5", cwd=tmp_path)
    assert result.returncode == 2 and result.stderr.count("\n") == 1, result.stderr
    assert "this pass has 6 steps, more than the 5" in result.stderr
    assert "--max-steps 6 draws it anyway" in result.stderr
    assert list(tmp_path.iterdir()) == []
    need_dot()
    allowed = run("step", *LECTURE[1:], "--svg-dir", "f", "--max-steps", "6", cwd=tmp_path)
    assert allowed.returncode == 0 and len(list((tmp_path / "f").glob("step-*.svg"))) == 7


# The terminal is driven from a small process of its own, as from a shell.
_CTRL_C_WHILE_DRAWING = r"""
import json, os, pty, select, sys
arguments, folder, environment = json.loads(sys.argv[1])

def read_until(fd, marker):
    seen = b""
    while marker not in seen:
        ready, _, _ = select.select([fd], [], [], 60.0)
        if not ready:
            break
        try:
            chunk = os.read(fd, 4096)
        except OSError:  # the program ended
            break
        if not chunk:
            break
        seen += chunk
    return seen

pid, controller = pty.fork()
if pid == 0:
    os.chdir(folder)
    os.execve(sys.executable, [sys.executable, "-m", "micrograd_like", *arguments], environment)
read_until(controller, b"drawing 2")  # drawing has begun ("drawing 20 of 799", or later)
os.write(controller, b"\x03")
said = read_until(controller, b"the end of its output")
# The terminal closes as the program's last process lets go of it, a moment before the
# program can be waited for: give it that moment (up to 60 s), not none.
for _ in range(600):
    ended, status = os.waitpid(pid, os.WNOHANG)
    if ended:
        break
    select.select([], [], [], 0.1)
if not ended:
    os.kill(pid, 9)
    os.waitpid(pid, 0)
print(json.dumps({"ended": bool(ended), "status": os.waitstatus_to_exitcode(status) if ended else None,
                  "said": said.decode(errors="replace")}))
"""


def test_ctrl_c_while_drawing_a_long_pass_leaves_no_file(tmp_path):
    """In a real terminal: Ctrl-C once the progress line shows; one line, no file, no empty folder."""
    need_dot()
    import json

    from helpers import command_environment

    power = "*".join(["a"] * 400)  # 798 steps: drawing takes a good while
    arguments = ["step", power, "--var", "a=1.001", "--svg-dir", "out/frames", "--html", "out/pass.html"]
    done = subprocess.run([sys.executable, "-c", _CTRL_C_WHILE_DRAWING,
                           json.dumps([arguments, str(tmp_path), command_environment()])],
                          capture_output=True, text=True, timeout=240)
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert result["ended"] and result["status"] == 130, result
    said = result["said"]
    assert said.split()[-1] == "interrupted" and "Traceback" not in said, said
    assert list(tmp_path.iterdir()) == []  # no frames, no page, not even the folders made for them


# -- predict, then see ------------------------------------------------------------------------------------


def predict(*args, answers=()):
    return subprocess.run([sys.executable, "-m", "micrograd_like", *args], capture_output=True, text=True,
                          input="".join(f"{answer}\n" for answer in answers))


def test_predict_asks_each_steps_contribution_then_shows_the_step():
    # the contributions, upstream × local: -2, 4, -2, -2, 6, -4; at step 5 the upstream -2 is forgotten
    result = predict(*LECTURE, "--predict", answers=["-2", "4", "-2", "-2", "-3", "-4"])
    assert result.returncode == 0 and result.stderr == ""
    lines = result.stdout.splitlines()
    assert "predict the contribution of each step, then see the step; answer with a number (-2, 0.5 or 1/2); " \
        "q quits" in lines
    asked = lines.index("  contribution (upstream × local derivative) = ? -3")
    assert lines[asked - 1] == "step 5/6: a*b sends dL/d(a*b) = -2.0 back to a"
    assert lines[asked + 1].startswith("  not quite. You gave the local derivative d(a*b)/da = b = -3.0 alone: ")
    assert lines[asked + 1].endswith("The answer is 6.0: upstream × local = (-2.0) * (-3.0) = 6.0")  # one try
    assert lines[asked + 2] == ("  local d(a*b)/da = b = -3.0; contribution (-2.0) * (-3.0) = 6.0; "
                                "a.grad = 0.0 + 6.0 = 6.0")
    assert lines.index("step 1/6: L = (a*b + c)*f sends dL/dL = 1.0 back to a*b + c") < lines.index(
        "  local d((a*b + c)*f)/d(a*b + c) = f = -2.0; contribution 1.0 * (-2.0) = -2.0; "
        "(a*b + c).grad = 0.0 + (-2.0) = -2.0")  # the step shown after its prediction
    assert lines[-1] == "score: 5/6"


def test_predict_asks_another_blank_and_stops_at_the_end_of_the_input():
    result = predict(*LECTURE, "--predict", "--ask", "local", answers=["-2", "x", "4"])
    lines = result.stdout.splitlines()
    assert "  local derivative d((a*b + c)*f)/df = ? x" in lines  # asked again after an unreadable answer
    assert "  that's not a number: 'x' (write e.g. -2, 0.5 or 1/2); try again" in lines
    assert result.returncode == 1 and result.stderr == ""  # the input ended first
    assert lines[-2:] == ["stopped at question 3 of 6", "score: 2/2"]


def test_ctrl_c_while_predicting_stops_with_the_score_and_no_traceback():
    import signal
    import time

    process = subprocess.Popen([sys.executable, "-m", "micrograd_like", *LECTURE, "--predict"],
                               stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    process.stdin.write(b"-2\n")
    process.stdin.flush()
    seen, deadline = b"", time.monotonic() + 60
    while b"back to f" not in seen and time.monotonic() < deadline:  # waiting for the 2nd step's question
        if select.select([process.stdout], [], [], 1)[0]:
            seen += os.read(process.stdout.fileno(), 4096)
    process.send_signal(signal.SIGINT)
    out, err = process.communicate(timeout=60)
    assert process.returncode == 130
    assert b"Traceback" not in err, err
    assert (seen + out).decode().splitlines()[-2:] == ["stopped at question 2 of 6", "score: 1/1"]


@pytest.mark.parametrize("args, message", [
    (["--predict", "--all"], "--predict asks at each step, and --all shows every step at once"),
    (["--predict", "--format", "csv"], "and --format shows every step at once"),
    (["--ask", "local"], "--ask is for --predict"),
    (["--predict", "--ask", "total"], "invalid choice: 'total'"),
])
def test_predict_mistakes_on_the_command_line_are_one_line(args, message):
    result = predict(*LECTURE, *args)
    assert result.returncode == 2 and result.stdout == ""
    assert len(result.stderr.splitlines()) == 1 and message in result.stderr, result.stderr
