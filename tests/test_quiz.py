"""The quiz: its state machine with right, wrong and unreadable answers, the REPL loop, the widget."""

import math

import pytest
from examples import lecture
from hypothesis import given
from random_graphs import evaluate, recipes

from micrograd_like import Value
from micrograd_like.teach.quiz import ABS_TOL, REL_TOL, NotANumberError, Quiz, check_ask, read_number
from micrograd_like.teach.quiz import quiz as steps_quiz
from micrograd_like.teach.words import num as _num


def lecture_quiz(ask=("local", "contribution", "grad")):
    graph = lecture()
    return Quiz(graph["L"].backward_steps(), ask), graph


# -- reading answers -------------------------------------------------------------------------------


@pytest.mark.parametrize("text, number", [
    ("-2", -2.0), ("-2.0", -2.0), ("1/2", 0.5), ("0.5", 0.5), ("-1.5e-3", -0.0015), (" 3 ", 3.0),
    ("+.5", 0.5), ("2.", 2.0), ("-3/4", -0.75), ("1.5/2", 0.75), ("1 / 3", 1 / 3), ("\u22122", -2.0),
    ("6E2", 600.0),
])
def test_numbers_are_read_as_students_write_them(text, number):
    assert read_number(text) == number


@pytest.mark.parametrize("text, why", [
    ("", "(write e.g. -2, 0.5 or 1/2)"), ("abc", "'abc'"), ("2+2", "'2+2'"), ("nan", "'nan'"),
    ("inf", "'inf'"), ("1//2", "'1//2'"), ("--2", "'--2'"), ("1e99999", "'1e99999'"),
    ("__import__('os')", "not a number"), ("0,5", "write decimals with a point: 0.5"),
    ("1/0", "divides by zero"), ("1e999", "too large for a float"),
    ("1,000", "(no thousands separators: write 1000)"), ("-1,000,000.5", "write -1000000.5"),
    ("12,5", "write decimals with a point: 12.5"),
])
def test_anything_else_is_not_a_number_and_says_why(text, why):
    with pytest.raises(NotANumberError, match="that's not a number") as error:
        read_number(text)
    assert why in str(error.value)


@pytest.mark.parametrize("text", ["1" * 61, "1" * 200, "-0." + "5" * 70])
def test_an_overlong_answer_is_refused_as_too_long_not_as_no_number(text):
    with pytest.raises(NotANumberError) as error:
        read_number(text)
    said = str(error.value)
    assert said.startswith("that answer is too long: ") and "not a number" not in said
    assert f"has {len(text)} characters (an answer has at most 60)" in said and len(said) < 120


def test_a_number_of_another_type_is_an_answer():
    np = pytest.importorskip("numpy")
    assert Quiz(lecture()["L"].backward_steps(), ask="local").answer(np.int64(-2)).correct
    assert Quiz(lecture()["L"].backward_steps(), ask="local").answer(np.float64(-2.0)).correct
    said = Quiz(lecture()["L"].backward_steps(), ask="local").answer(10**400)
    assert said.verdict == "not a number" and "too large for a float" in said.text and len(said.text) < 120


# -- the state machine -----------------------------------------------------------------------------


def test_right_answers_score_full_marks_and_leave_the_grads_of_backward():
    quiz, graph = lecture_quiz()
    assert len(quiz.questions) == 18 and quiz.score == (0, 0) and not quiz.finished
    while not quiz.finished:
        feedback = quiz.answer(_num(quiz.question.expected))  # the number as the stepper shows it
        assert feedback.correct, feedback
    assert quiz.score == (18, 18) and str(quiz.score) == "18/18" and quiz.mistakes == []
    assert quiz.summary() == "no mistakes\nscore: 18/18"
    assert {name: graph[name].grad for name in "abcfed"} == {"a": 6.0, "b": -4.0, "c": -2.0, "f": 4.0,
                                                               "e": -2.0, "d": -2.0}
    with pytest.raises(ValueError, match="the quiz is finished"):
        quiz.answer("1")


def test_the_questions_and_answers_are_the_steppers_own():
    quiz, _ = lecture_quiz()
    local, contribution, grad = quiz.questions[12:15]  # step 5/6: e = a*b sends -2.0 back to a
    assert str(local) == "step 5/6: e = a*b sends dL/de = -2.0 back to a\n  local derivative d(a*b)/da = ?"
    assert (local.expected, contribution.expected, grad.expected) == (-3.0, 6.0, 6.0)
    assert local.worked == "d(a*b)/da = b = -3.0"
    assert contribution.worked == "upstream × local = (-2.0) * (-3.0) = 6.0"
    assert grad.prompt == "a.grad after this step (it is 0.0 now) = ?"
    assert grad.worked == "a.grad = 0.0 + 6.0 = 6.0"


def test_a_first_wrong_answer_gets_a_hint_and_a_second_try():
    quiz, _ = lecture_quiz(ask="contribution")
    feedback = quiz.answer("5")
    assert feedback.verdict == "hint" and not feedback.correct
    assert "contribution = upstream × local derivative" in feedback.text
    assert "the upstream gradient L sends back is 1.0" in feedback.text  # the upstream value
    assert "d(d*f)/dd = f" in feedback.text and "-2.0" not in feedback.text  # the rule, not its number
    assert quiz.question is quiz.questions[0] and quiz.score == (0, 0)
    assert quiz.answer("-2").correct  # right after the hint: it counts, and is listed
    assert quiz.score == (1, 1)
    assert quiz.summary() == ("went wrong:\n  step 1/6, the contribution (upstream × local = 1.0 * (-2.0) = -2.0): "
                              "right after the hint\nstopped at question 2 of 6\nscore: 1/1")


def test_a_second_wrong_answer_shows_the_answer_and_why_and_moves_on():
    quiz, graph = lecture_quiz(ask=("local",))
    assert quiz.answer("1").verdict == "hint"
    feedback = quiz.answer("3")  # no misconception the catalogue knows gives 3
    assert feedback.verdict == "shown" and feedback.misconception is None
    assert feedback.text == "not quite: the answer is -2.0: d(d*f)/dd = f = -2.0"
    assert quiz.question is quiz.questions[1] and quiz.score == (0, 1)
    assert graph["d"].grad == -2.0  # the step is applied all the same
    assert quiz.summary().splitlines() == [
        "went wrong:",
        "  step 1/6, the local derivative (d(d*f)/dd = f = -2.0): answer shown",
        "stopped at question 2 of 6",
        "score: 0/1",
    ]


def test_the_why_includes_the_steps_notes():
    x = Value(3.0, label="x")
    y = x - 2 * x
    quiz = Quiz(y.backward_steps(), ask="local")
    while quiz.question.step.parent is not quiz.question.step.node.parents[1]:
        quiz.answer(str(quiz.question.expected))
    quiz.answer("5")
    assert "note: making" in quiz.answer("5").text  # why a subtraction's local derivative is -1


def test_an_unreadable_answer_is_asked_again_and_not_counted():
    quiz, _ = lecture_quiz(ask="local")
    feedback = quiz.answer("minus two")
    assert feedback.verdict == "not a number"
    assert feedback.text == "that's not a number: 'minus two' (write e.g. -2, 0.5 or 1/2); try again"
    assert quiz.question is quiz.questions[0] and quiz.score == (0, 0)
    assert quiz.answer("-2").correct and quiz.mistakes == []  # not a miss: no hint was needed


def test_the_grads_follow_the_quiz_one_step_at_a_time():
    quiz, graph = lecture_quiz()
    steps = quiz.stepper
    for question in quiz.questions:
        step = question.step
        assert steps.position == step.number - 1  # the step being asked is not applied yet
        assert step.parent.grad == step.held + step.before
        quiz.answer(str(question.expected))
        if question.kind == "grad":
            assert steps.position == step.number and step.parent.grad == question.expected


def test_a_quiz_starts_the_stepper_from_the_start_and_survives_it_being_moved():
    graph = lecture()
    steps = graph["L"].backward_steps()
    steps.finish()
    quiz = Quiz(steps, ask="grad")
    assert steps.position == 0 and graph["a"].grad == 0.0
    quiz.answer("-2")
    steps.goto(4)  # someone moves the stepper in between
    quiz.answer("4")
    assert steps.position == 2 and graph["f"].grad == 4.0 and graph["a"].grad == 0.0


def test_tolerance_is_relative_and_absolute():
    x = Value(0.5, label="x")
    y = x.tanh()  # local derivative 1 - tanh(0.5)**2 = 0.7864477...
    quiz = Quiz(y.backward_steps(), ask="local")
    expected = quiz.question.expected
    assert quiz.answer("0.78645").correct  # 5 significant digits, as the stepper shows
    assert REL_TOL == 1e-3 and ABS_TOL == 1e-6
    for near, far in [(expected * (1 + 0.9e-3), expected * (1 + 1.1e-3))]:
        for answer, right in [(near, True), (far, False)]:
            quiz = Quiz(y.backward_steps(), ask="local")
            assert quiz.answer(repr(answer)).correct is right
    z = Value(-1.0, label="z")
    out = z.relu()  # local derivative 0: only the absolute tolerance can accept an answer
    assert Quiz(out.backward_steps(), ask="local").answer("1e-7").correct
    assert not Quiz(out.backward_steps(), ask="local").answer("1e-5").correct
    strict = Quiz(out.backward_steps(), ask="local", abs_tol=0)
    assert not strict.answer("1e-7").correct


@given(recipes(max_ops=6))
def test_every_graph_scores_full_marks_with_the_numbers_the_stepper_shows(recipe):
    leaves, operations = recipe
    nodes = evaluate(leaves, operations, lambda i, x: Value(x, label=f"x{i}"), 1)
    quiz = Quiz(nodes[-1].backward_steps())
    while not quiz.finished:
        assert quiz.answer(_num(quiz.question.expected)).correct
    assert quiz.score == (len(quiz.questions), len(quiz.questions))
    quizzed = [node.grad for node in nodes[: len(leaves)]]
    again = evaluate(leaves, operations, lambda i, x: Value(x), 1)
    again[-1].backward()
    assert quizzed == [node.grad for node in again[: len(leaves)]]  # bit for bit


def test_a_pass_without_steps_is_a_finished_quiz():
    a = Value(2.0, label="a")
    quiz = Quiz(a.backward_steps())
    assert quiz.finished and quiz.question is None and quiz.summary() == "score: 0/0"


@pytest.mark.parametrize("ask, message", [
    (("local", "gradient"), "unknown question 'gradient': ask for some of local, contribution, grad"),
    (("grad", "grad"), "asked twice"),
    ((), "nothing to ask"),
])
def test_what_to_ask_is_checked(ask, message):
    with pytest.raises(ValueError, match=message):
        check_ask(ask)
    with pytest.raises(ValueError, match=message):
        lecture_quiz(ask)


def test_the_questions_come_in_the_order_asked():
    quiz, _ = lecture_quiz(ask=("grad", "local"))
    assert [q.kind for q in quiz.questions[:4]] == ["grad", "local", "grad", "local"]


@pytest.mark.parametrize("options, message", [
    ({"rel_tol": -1}, "rel_tol"), ({"abs_tol": math.nan}, "abs_tol"),
    ({"abs_tol": 10**400}, "abs_tol must be a number at least 0, got a number too large for a float"),
    ({"rel_tol": -(10**400)}, "rel_tol must be a number at least 0, got a number too large for a float"),
    ({"rel_tol": True}, "rel_tol must be a number"), ({"abs_tol": "0.1"}, "abs_tol must be a number"),
])
def test_tolerances_are_checked(options, message):
    with pytest.raises(ValueError, match=message) as error:
        Quiz(lecture()["L"].backward_steps(), **options)
    assert len(str(error.value)) < 120  # one line, not the 400 digits
    with pytest.raises(ValueError, match=message):
        steps_quiz(lecture()["L"].backward_steps(), **options)


def test_a_quiz_needs_a_stepper():
    with pytest.raises(TypeError, match="backward_steps"):
        Quiz(lecture()["L"])


# -- steps.quiz(): the input() loop outside a notebook ------------------------------------------------------


def test_steps_quiz_asks_with_input_until_the_end(monkeypatch, capsys):
    graph = lecture()
    steps = graph["L"].backward_steps()
    answers = iter(["-2", "0", "3", "1", "q"])  # right; wrong (hint); wrong (shown); right; quit
    monkeypatch.setattr("builtins.input", lambda prompt: print(prompt, end="") or next(answers))
    quiz = steps.quiz(ask="local")
    monkeypatch.undo()
    out = capsys.readouterr().out
    assert "forward pass, one value at a time:" in out
    assert "step 1/6: L = d*f sends dL/dL = 1.0 back to d\n  local derivative d(d*f)/dd = ? " in out
    assert "  not quite. Hint: the rule is d(d*f)/df = d" in out
    assert "  not quite: the answer is 4.0: d(d*f)/df = d = 4.0" in out
    assert out.endswith("stopped at question 4 of 6\nscore: 2/3\n")
    assert isinstance(quiz, Quiz) and quiz.score == (2, 3) and graph["f"].grad == 4.0


def test_steps_quiz_stops_cleanly_on_q_end_of_input_and_ctrl_c(monkeypatch, capsys):
    def raising(error):
        def read(prompt):
            raise error
        return read

    for read, left in [(lambda prompt: "q", "score: 0/0"), (raising(EOFError), "score: 0/0"),
                       (raising(KeyboardInterrupt), "score: 0/0")]:
        monkeypatch.setattr("builtins.input", read)
        quiz = lecture()["L"].backward_steps().quiz()
        assert not quiz.finished
        assert capsys.readouterr().out.endswith(f"stopped at question 1 of 18\n{left}\n")


# -- the notebook front end -----------------------------------------------------------------------------


def test_the_widget_asks_takes_answers_and_shows_the_graph():
    pytest.importorskip("anywidget")
    quiz, graph = lecture_quiz(ask="local")
    widget = quiz.widget()
    assert quiz.widget() is widget  # one widget per quiz, however often it is shown
    assert "local derivative d(d*f)/dd = ?" in widget.question
    assert widget.svg.startswith("<svg") and "d(d*f)/dd" not in widget.svg  # the answer is not drawn
    widget.answer("-3")  # what the page sends on Enter or Submit
    assert "not quite. Hint" in widget.feedback
    widget.answer("1/2")
    assert "the answer is -2.0" in widget.feedback and "score: 0/1" in widget.score
    assert "d(d*f)/df = ?" in widget.question and graph["d"].grad == -2.0
    for _ in range(5):
        widget.answer(_num(quiz.question.expected))
    assert quiz.finished and "Finished" in widget.question and widget.finished  # the page disables the box
    assert "score: 5/6" in widget.score


def test_submit_arriving_while_the_answer_is_taken_does_not_answer_the_next_question():
    """A second message for one answer can reach the kernel while the first is being taken: it
    must not answer the next question too."""
    pytest.importorskip("anywidget")
    quiz, _ = lecture_quiz(ask=("local", "grad"))
    widget = quiz.widget()
    taken = []
    original = quiz.answer

    def answer_and_meanwhile_the_click_arrives(text):
        taken.append(text)
        said = original(text)
        widget.panel.message({"answer": text})  # the second message, handled in the middle of taking the answer
        return said

    quiz.answer = answer_and_meanwhile_the_click_arrives
    widget.answer("-2")
    assert taken == ["-2"] and quiz.score.right == 1 and quiz.score.out_of == 1
    assert "d.grad after this step" in widget.question and "right" in widget.feedback
    widget.answer("-2")  # the same number for the next question: taken as a new answer
    assert taken == ["-2", "-2"] and "score: 2/2" in widget.score


def test_in_a_jupyter_kernel_steps_quiz_is_the_widget():
    nbformat = pytest.importorskip("nbformat")
    nbclient = pytest.importorskip("nbclient")
    pytest.importorskip("anywidget")
    cells = [
        "from micrograd_like import Value\n"
        "x = Value(3.0, label='x')\ny = x * x; y.label = 'y'\nsteps = y.backward_steps()",
        "quiz = steps.quiz(ask='local')\nquiz",
        "[str(quiz.answer(a)) for a in ('3', 'x', '1')], str(quiz.score), x.grad",
    ]
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(cell) for cell in cells])
    nbclient.NotebookClient(notebook, timeout=60, kernel_name="python3").execute()
    shown = notebook.cells[1].outputs[0]["data"]
    assert "application/vnd.jupyter.widget-view+json" in shown  # no input() loop: the widget
    assert shown["text/plain"] == "<Quiz on the backward pass of y: question 1 of 2, score 0/0>"
    words = notebook.cells[2].outputs[0]["data"]["text/plain"]
    assert "right: d(x*x)/dx = x = 3.0" in words and "that's not a number: 'x'" in words
    assert "not quite. Hint" in words and words.endswith("'1/1',\n 3.0)")


def test_the_usual_confusions_are_named_in_the_hint_and_recorded():
    quiz, _ = lecture_quiz()
    for question in quiz.questions[:6]:  # steps 1 and 2
        quiz.answer(str(question.expected))
    feedback = quiz.answer("-2")  # step 3's local derivative is 1; -2 is upstream × local
    assert feedback.text.startswith("not quite. That is the contribution, upstream × local: ")
    assert feedback.misconception.name == "local_with_upstream" and "Hint:" in feedback.text
    quiz.answer("1"), quiz.answer("-2")
    feedback = quiz.answer("2")  # e.grad is -2.0
    assert feedback.text.startswith("not quite. The size is right, the sign is not. Hint:")
    assert feedback.misconception.name == "sign_slip"
    x = Value(3.0, label="x")
    twice = Quiz((x * x).backward_steps(), ask="grad")
    twice.answer("3")
    feedback = twice.answer("3")  # 3 + 3: the second path forgotten
    assert feedback.text.startswith("not quite. x is used 2 times (2 edges leave it), and its gradient adds")
    assert feedback.misconception.name == "one_path"
    feedback = Quiz((x * x).backward_steps(), ask="grad").answer("5")
    assert "Hint" in feedback.text and feedback.misconception is None


def test_a_misconception_is_named_before_the_answer_when_the_answer_is_shown():
    quiz, _ = lecture_quiz(ask="contribution")
    for question in quiz.questions[:4]:
        quiz.answer(str(question.expected))
    assert quiz.answer("-3").misconception.name == "forgot_upstream"  # step 5: dL/de = -2 times b = -3 is 6
    feedback = quiz.answer("-3")
    assert feedback.verdict == "shown" and feedback.misconception.name == "forgot_upstream"
    assert feedback.text.startswith("not quite. You gave the local derivative d(a*b)/da = b = -3.0 alone: ")
    assert feedback.text.endswith("The answer is 6.0: upstream × local = (-2.0) * (-3.0) = 6.0")
    assert quiz.mistakes[-1] is feedback


def test_a_quiz_of_one_try_shows_the_answer_at_the_first_wrong_one():
    quiz = Quiz(lecture()["L"].backward_steps(), "local", tries=1)
    assert quiz.answer("3").verdict == "shown" and quiz.score == (0, 1)
    with pytest.raises(ValueError, match="tries is how many answers"):
        Quiz(lecture()["L"].backward_steps(), tries=0)


def test_a_hint_never_gives_a_plain_number_rule_away():
    """Where the rule is the answer (d(e + c)/de = 1), the hint asks for the nudge instead."""
    a, b = Value(2.0, label="a"), Value(-3.0, label="b")
    roots = [a + b, a - b, -a, 3 * a, a + a, (a * b).tanh(), a / b, (a - b).relu()]
    plain = 0
    for root in roots:
        for question in Quiz(root.backward_steps(), ask="local").questions:
            rhs = question.step.rule_words
            if rhs.lstrip("-").replace(".", "", 1).isdigit():  # the rule is a number: it is the answer
                plain += 1
                assert float(rhs) == question.expected and f"= {rhs}" not in question.hint
                assert question.hint.startswith("nudge it: ") and "grows by a small amount h" in question.hint
            else:
                assert question.hint.startswith(f"the rule is {question.step.rule}")
    assert plain == 10  # two each in a + b, a - b, a + a and the a - b inside relu(a - b); -a; 3*a

    e, c = a * b, Value(10.0, label="c")
    e.label = "e"
    hint = Quiz((e + c).backward_steps(), ask="local").questions[0].hint
    assert hint == ("nudge it: take the inputs of e + c as separate numbers: if e grows by a small amount h "
                    "while c stays as it is, by how much does e + c grow? The local derivative is that growth "
                    "divided by h")
    assert Quiz((-a).backward_steps(), ask="local").questions[0].hint.startswith("nudge it: if a grows by")
    first, second = (q.hint for q in Quiz((a + a).backward_steps(), ask="local").questions)
    assert "if the first a grows by a small amount h while the second a stays as it is" in first
    assert "if the second a grows by a small amount h while the first a stays as it is" in second
    x = Value(3.0, label="x")  # the operand nudged alone, not x everywhere: that would be the total derivative
    assert "if x grows by a small amount h while x*x stays as it is" in Quiz(
        (x * x + x).backward_steps(), ask="local").questions[1].hint


def test_a_hint_asked_before_the_local_derivative_does_not_tell_it():
    """In the order asked, a contribution before the local derivative of a + b must not say it is 1."""
    a, b = Value(2.0, label="a"), Value(-3.0, label="b")
    contribution, local = Quiz((a + b).backward_steps(), ask=("contribution", "local")).questions[:2]
    assert "= 1" not in contribution.hint and "this step asks for it later" in contribution.hint
    assert local.hint.startswith("nudge it:")
    after = Quiz((a + b).backward_steps(), ask=("local", "contribution")).questions[1]
    assert "the local derivative d(a + b)/da = 1" in after.hint  # asked already: the hint may use it
    x = Value(1.0, label="2")  # a label that reads as a number is not a rule that is one
    assert Quiz((a * x).backward_steps(), ask="local").questions[0].hint.startswith("the rule is d(a*2)/da = 2")


# -- the numbers a student computes with -------------------------------------------------------------------


def _shown(quiz, x):
    """A number as the quiz writes it, read back as a student would."""
    return float(quiz.write_number(x))


def _from_the_numbers_shown(quiz, question):
    """The answer a student computes from the numbers the quiz shows, not from the true ones."""
    step = question.step
    shown = lambda x: _shown(quiz, x)  # noqa: E731
    if question.kind == "local":
        if step.closure or step.rule_is_number:
            return question.expected
        operands = [shown(p.data) for p in step.node.parents]
        return step.node.primitive.local_grads(*operands, shown(step.node.data))[step.operand]
    if question.kind == "contribution":
        return shown(step.upstream) * shown(step.local)
    return shown(step.held + step.before) + shown(step.contribution)


def test_a_number_close_to_1_is_shown_with_the_digits_1_minus_its_square_needs():
    x, w = Value(1.0, label="x"), Value(4.0, label="w")
    L = (x * w).tanh()
    quiz = Quiz(L.backward_steps(), ask="local")
    out = _shown(quiz, L.data)  # tanh(4.0) = 0.99933 to 5 digits: 1 - 0.99933² is 0.1% off
    assert out != float(_num(L.data)) and quiz.write_number(L.data) in "\n".join(quiz.forward_walk().lines)
    expected = quiz.question.expected
    assert Quiz(L.backward_steps(), ask="local").answer(repr(1 - out**2)).correct
    assert Quiz(L.backward_steps(), ask="local").answer(f"{1 - out ** 2:.4g}").correct
    assert not Quiz(L.backward_steps(), ask="local").answer(repr(expected * 1.003)).correct  # still told apart
    assert not Quiz(L.backward_steps(), ask="local").answer(repr(1 - float(_num(L.data)) ** 2 - 1e-6)).correct


def test_a_gradient_that_cancels_is_shown_with_the_digits_the_difference_needs():
    x, a, b = Value(0.5, label="x"), Value(1.0000123, label="a"), Value(-1.0, label="b")
    L = x * a + x * b
    quiz = Quiz(L.backward_steps(), ask="grad")
    assert "a = 1.0 " not in "\n".join(quiz.forward_walk().lines)
    while quiz.question.step.parent is not x or quiz.question.step.share != 2:
        quiz.answer(quiz.write_number(quiz.question.expected))
    question = quiz.question  # x.grad = -1.0 + 1.0 * 1.0000123 = 1.23e-05, a read from the forward pass
    assert question.expected != 0 and f"a = {quiz.write_number(1.0000123)}" in "\n".join(quiz.forward_walk().lines)
    from_shown = _shown(quiz, -1.0) + _shown(quiz, 1.0) * _shown(quiz, 1.0000123)
    assert math.isclose(from_shown, 1.23e-05, rel_tol=0.1)
    assert abs(question.expected) > 10 * ABS_TOL  # 1.0 + (-1.0) = 0 is wrong
    assert quiz.answer(repr(from_shown)).correct


@given(recipes(max_ops=6))
def test_every_answer_computed_from_the_numbers_shown_is_right(recipe):
    leaves, operations = recipe
    nodes = evaluate(leaves, operations, lambda i, x: Value(x, label=f"x{i}"), 1)
    quiz = Quiz(nodes[-1].backward_steps())
    while not quiz.finished:
        question = quiz.question
        answer = _from_the_numbers_shown(quiz, question)
        assert quiz.answer(repr(answer)).correct, (question, answer)


def test_the_widget_draws_the_digits_the_answers_need():
    pytest.importorskip("anywidget")
    x, w = Value(1.0, label="x"), Value(4.0, label="w")
    L = (x * w).tanh()
    quiz = Quiz(L.backward_steps(), ask="local")
    assert "data 0.999329" in quiz.widget().dot  # not 0.9993: 1 - 0.9993² is 4% off


def test_a_quiz_on_a_wide_node_costs_what_its_steps_cost():
    from micrograd_like.engine.ops import weighted_sum
    from micrograd_like.engine.value import apply

    def calls(n: int) -> int:
        import sys

        xs = [Value(0.5 + k / 1000, label=f"x{k}") for k in range(2 * n)]
        node = apply(weighted_sum(n), *xs, Value(0.25, label="b"))
        steps = node.backward_steps()
        counted = 0

        def count(frame, event, arg):
            nonlocal counted
            counted += event == "call"

        sys.setprofile(count)
        try:
            Quiz(steps)
        finally:
            sys.setprofile(None)
        return counted

    small, large = calls(40), calls(160)
    assert large < 6 * small, (small, large)  # 4 times the steps: not 16 or 64 times the work


def test_a_constant_is_named_with_the_digits_it_was_written_with():
    from micrograd_like.teach.expression import parse

    L = parse("x*1.0000123 - x", {"x": 2.0})
    quiz = Quiz(L.backward_steps(), ask=("local", "grad"))
    assert quiz.question.headline == "step 1/3: L = x*1.0000123 - x sends dL/dL = 1.0 back to x*1.0000123"
    while quiz.question.step.formula.text != "x*1.0000123" or quiz.question.step.parent.label != "x":
        quiz.answer(quiz.write_number(quiz.question.expected))
    assert quiz.question.prompt == "local derivative d(x*1.0000123)/dx = ?"
    assert quiz.answer("1.0000123").text == "right: d(x*1.0000123)/dx = 1.0000123"
    computed = parse("0.1*3*x", {"x": 2.0})  # a computed constant, 0.30000000000000004, stays short
    assert "0.3*x" in computed.backward_steps().transcript()


# -- predict, then see -------------------------------------------------------------------------------------


def test_predict_asks_each_step_then_reveals_it_naming_a_misconception():
    graph = lecture()
    prediction = graph["L"].backward_steps().predict()
    assert repr(prediction).splitlines() == [
        "predict, then see: the backward pass of L, step 1 of 6, score 0/0",
        "step 1/6: L = d*f sends dL/dL = 1.0 back to d",
        "  contribution (upstream × local derivative) = ?"]
    assert prediction.revealed is None and graph["d"].grad == 0.0  # nothing shown before the prediction
    feedback = prediction.answer("-2")
    assert feedback.correct and prediction.revealed is prediction.stepper.steps[0] and graph["d"].grad == -2.0
    for answer in ("4", "-2", "-2"):
        prediction.answer(answer)
    assert prediction.answer("not a number").verdict == "not a number" and prediction.revealed.number == 4
    feedback = prediction.answer("-4")  # step 5: upstream -2 times a's own value 2, where d(a*b)/da = b
    assert feedback.verdict == "shown" and feedback.misconception.name == "own_value"  # one try, then shown
    assert prediction.revealed.number == 5 and graph["a"].grad == 6.0
    assert prediction.question.step.number == 6
    prediction.answer(-4)
    assert prediction.finished and prediction.question is None and prediction.score == (5, 6)
    assert repr(prediction) == "predict, then see: the backward pass of L, every step shown, score 5/6"


def test_predict_asks_one_blank():
    steps = lecture()["L"].backward_steps()
    assert steps.predict("grad").question.prompt == "d.grad after this step (it is 0.0 now) = ?"
    with pytest.raises(ValueError, match="unknown blank 'total'"):
        steps.predict("total")
    with pytest.raises(ValueError, match="name one blank"):
        steps.predict(("local", "grad"))


def test_the_words_of_a_mistake_keep_a_names_case():
    a = Value(3.0, label="a")
    quiz = Quiz((a * a + a).backward_steps(), ask="grad")
    while quiz.question is not None and quiz.question.step.share < 2:
        quiz.answer(str(quiz.question.expected))
    feedback = quiz.answer(str(quiz.question.step.contribution))  # this use alone: the other uses forgotten
    assert feedback.misconception.name == "one_path"
    assert feedback.text.startswith("not quite. a is used "), feedback.text  # A would be another variable
