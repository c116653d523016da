"""``micrograd-like quiz``: a scripted session (answers piped in), stopping early, random values."""

import os
import random
import select
import signal
import subprocess
import sys
import time

import pytest

from micrograd_like.cli.quiz import RANDOM_VALUES, draw_values
from micrograd_like.teach.expression import parse

LECTURE = ["quiz", "(a*b + c) * f", "--var", "a=2", "--var", "b=-3", "--var", "c=10", "--var", "f=-2"]
# The lecture's 18 answers, step by step: local derivative, contribution, parent's new gradient.
ANSWERS = ["-2", "-2", "-2", "4", "4", "4", "1", "-2", "-2", "1", "-2", "-2", "-3", "6", "6", "2", "-4", "-4"]


def quiz(*args, answers=()):
    return subprocess.run([sys.executable, "-m", "micrograd_like", *args], capture_output=True, text=True,
                          input="".join(f"{answer}\n" for answer in answers))


def test_a_scripted_session_with_mistakes_ends_with_the_right_score_and_hints():
    instead = {
        0: ["2", "-2"],  # step 1's local derivative: wrong (a hint), then right
        4: ["abc", "1", "0"],  # step 2's contribution: unreadable (not counted), then wrong twice: answer shown
        16: ["-2/1", "-6"],  # step 6's contribution: wrong twice
    }
    answers = [answer for i, right in enumerate(ANSWERS) for answer in instead.get(i, [right])]
    result = quiz(*LECTURE, answers=answers)
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    lines = result.stdout.splitlines()
    assert lines[-1] == "score: 16/18"
    assert ("  not quite. The size is right, the sign is not. Hint: the rule is d((a*b + c)*f)/d(a*b + c) = f, "
            "with the numbers of the forward pass. Try again.") in lines
    assert "  local derivative d((a*b + c)*f)/d(a*b + c) = ? -2" in lines  # the answer echoed after its prompt
    assert "  right: d((a*b + c)*f)/d(a*b + c) = f = -2.0" in lines
    hint = next(line for line in lines if "Hint: contribution" in line)
    assert "the upstream gradient L sends back is 1.0" in hint  # the upstream value
    assert "  not quite: the answer is 4.0: upstream × local = 1.0 * 4.0 = 4.0" in lines
    assert "  not quite: the answer is -4.0: upstream × local = (-2.0) * 2.0 = -4.0" in lines
    assert lines[lines.index("went wrong:"):] == [
        "went wrong:",
        "  step 1/6, the local derivative (d((a*b + c)*f)/d(a*b + c) = f = -2.0): right after the hint",
        "  step 2/6, the contribution (upstream × local = 1.0 * 4.0 = 4.0): answer shown",
        "  step 6/6, the contribution (upstream × local = (-2.0) * 2.0 = -4.0): answer shown",
        "score: 16/18",
    ]


def test_a_forgotten_upstream_gradient_is_named_before_the_hint():
    contribution = ["-2", "4", "-2", "-2", "6", "-4"]  # upstream × local at each of the 6 steps
    answers = [*contribution[:4], "-3", "6", *contribution[5:]]  # step 5: b = -3 alone, then right
    result = quiz(*LECTURE, "--ask", "contribution", answers=answers)
    assert result.returncode == 0 and result.stderr == ""
    lines = result.stdout.splitlines()
    said = next(line for line in lines if line.startswith("  not quite."))
    assert said.startswith("  not quite. You gave the local derivative d(a*b)/da = b = -3.0 alone: the contribution "
                           "is upstream × local, and the upstream gradient dL/d(a*b) = -2.0 is missing. Hint: ")
    assert lines[-1] == "score: 6/6"


def test_an_answer_that_is_not_a_number_is_asked_again_and_not_counted():
    answers = ["minus 2", "-2", "1/0", *ANSWERS[1:]]
    result = quiz(*LECTURE, answers=answers)
    lines = result.stdout.splitlines()
    assert "  that's not a number: 'minus 2' (write e.g. -2, 0.5 or 1/2); try again" in lines
    assert "  that's not a number: '1/0' divides by zero; try again" in lines
    prompts = [line for line in lines if line.startswith("  local derivative d((a*b + c)*f)/d(a*b + c) = ?")]
    assert len(prompts) == 2  # asked again
    assert lines[-2:] == ["no mistakes", "score: 18/18"] and result.returncode == 0


def test_q_stops_with_the_score_so_far():
    result = quiz(*LECTURE, answers=["-2", "-1", "q", "-2"])
    assert result.returncode == 0 and result.stderr == ""
    assert result.stdout.splitlines()[-2:] == ["stopped at question 2 of 18", "score: 1/1"]


def test_the_end_of_the_input_stops_with_the_score_so_far():
    result = quiz(*LECTURE, answers=ANSWERS[:5])
    assert result.returncode == 1 and result.stderr == ""  # the input ended before the quiz did
    assert result.stdout.splitlines()[-2:] == ["stopped at question 6 of 18", "score: 5/5"]


def test_ctrl_c_stops_with_the_score_so_far_and_no_traceback():
    process = subprocess.Popen([sys.executable, "-m", "micrograd_like", *LECTURE], stdin=subprocess.PIPE,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    process.stdin.write(b"-2\n")
    process.stdin.flush()
    seen, deadline = b"", time.monotonic() + 60
    while b"contribution (upstream" not in seen and time.monotonic() < deadline:  # waiting for the 2nd question
        if select.select([process.stdout], [], [], 1)[0]:
            seen += os.read(process.stdout.fileno(), 4096)
    process.send_signal(signal.SIGINT)
    out, err = process.communicate(timeout=60)
    lines = (seen + out).decode().splitlines()
    assert process.returncode == 130
    assert b"Traceback" not in err, err
    assert lines[-2:] == ["stopped at question 2 of 18", "score: 1/1"]


def test_ask_chooses_the_questions():
    result = quiz(*LECTURE, "--ask", "grad, local", answers=["-2", "-2", "4", "5", "1"])
    lines = result.stdout.splitlines()
    asked = [line.split(" = ?")[0].strip() for line in lines if " = ?" in line]
    assert asked == ["(a*b + c).grad after this step (it is 0.0 now)", "local derivative d((a*b + c)*f)/d(a*b + c)",
                     "f.grad after this step (it is 0.0 now)", "local derivative d((a*b + c)*f)/df",
                     "local derivative d((a*b + c)*f)/df", "(a*b).grad after this step (it is 0.0 now)"]
    assert lines[-1] == "score: 3/4"


@pytest.mark.parametrize("args, message", [
    (["--ask", "local,gradient"], "unknown question 'gradient'"),
    (["--ask", "grad,grad"], "asked twice"),
    (["--seed", "3"], "--seed is for --random-values"),
])
def test_mistakes_on_the_command_line_are_one_line(args, message):
    result = quiz(*LECTURE, *args)
    assert result.returncode == 2 and result.stdout == ""
    assert len(result.stderr.splitlines()) == 1 and message in result.stderr and "Traceback" not in result.stderr


def test_a_missing_value_or_a_bad_expression_is_one_line():
    for args, message in [(["quiz", "a*b", "--var", "a=1"], "no value for b in 'a*b': add --var b=VALUE"),
                          (["quiz", "log(-a*a)", "--random-values"], "no values from -3 to 3"),
                          (["quiz", "a +* b", "--random-values"], "at column 4")]:
        result = quiz(*args)
        assert result.returncode == 2 and len(result.stderr.splitlines()) == 1, result.stderr
        assert message in result.stderr


def test_random_values_are_drawn_again_by_the_same_seed():
    args = ["quiz", "log(a - b) / (a + b) * c", "--var", "c=2", "--random-values", "--seed", "11"]
    first, again = quiz(*args, answers=["q"]), quiz(*args, answers=["q"])
    assert first.returncode == 0, first.stderr
    assert first.stdout == again.stdout and first.stdout.startswith("values: a = ")
    assert "c = " not in first.stdout.splitlines()[0]  # given with --var: not drawn
    other = quiz(*args[:-1], "12", answers=["q"])
    assert other.stdout.startswith("values: ")


def test_random_values_are_small_halves_that_the_expression_can_be_computed_with():
    expression = "log(a - b) + sqrt(c) / (a + b)"
    for seed in range(30):
        values = draw_values(expression, {}, random.Random(seed))
        assert set(values) == {"a", "b", "c"} and set(values.values()) <= set(RANDOM_VALUES)
        assert values["a"] > values["b"] and values["c"] > 0 and values["a"] != -values["b"]
        parse(expression, values).backward()


def test_an_expression_without_steps_scores_nothing():
    result = quiz("quiz", "a", "--var", "a=2")
    assert result.returncode == 0
    assert result.stdout.splitlines()[-1] == "score: 0/0"


def piped(*args, data: bytes):
    return subprocess.run([sys.executable, "-m", "micrograd_like", *args], capture_output=True, input=data)


@pytest.mark.parametrize("data", [
    "\ufeff" + "\n".join(ANSWERS) + "\n",  # a byte order mark at the start, as Notepad writes
    "\r".join(ANSWERS) + "\r",  # old Mac line ends
    "\r\n".join(ANSWERS),  # Windows line ends, no line end after the last answer
    "\n".join(f"  {answer}{' ' * 70}\t" for answer in ANSWERS) + "\n",  # padding, however long
], ids=["byte order mark", "CR", "CRLF", "padded"])
def test_piped_answers_stay_in_step_whatever_the_file_looks_like(data):
    result = piped(*LECTURE, data=data.encode("utf-8"))
    assert result.returncode == 0 and result.stderr == b""
    lines = result.stdout.decode().splitlines()
    assert lines[-2:] == ["no mistakes", "score: 18/18"]
    assert "  local derivative d((a*b + c)*f)/d(a*b + c) = ? -2" in lines  # echoed without the mark


def test_an_overlong_answer_is_refused_with_the_reason():
    result = piped(*LECTURE, data=("-2." + "0" * 70 + "\n").encode())
    assert result.returncode == 1 and result.stderr == b""
    assert "  that answer is too long: '-2.000" in result.stdout.decode()
    assert "has 73 characters (an answer has at most 60)" in result.stdout.decode()
