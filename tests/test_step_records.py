"""A step is data: the quiz, the exports, the drawings and the widget are made from a step's
fields, so labels that look like the stepper's own sentences (``p = q``, ``|``, a line break)
are named right everywhere, and nothing takes a step's words apart again."""

import ast
import csv
import html
import io
import re
from pathlib import Path

import pytest
from helpers import need_dot

import micrograd_like
from micrograd_like import Value
from micrograd_like.cli.command import build_parser
from micrograd_like.cli.step import run as step_command
from micrograd_like.pages.export import FORMATS, Format, render
from micrograd_like.teach.quiz import Quiz
from micrograd_like.web.stepper_panel import position_words as _position_words

# Labels that look like the words around them: an equation, its sign, Markdown's cell
# separator, a line break, the "; " between the parts of a step's working.
HOSTILE = ["p = q", "=", " = ", "a = b = c", "x\ny", "a|b", "x; y"]


def wrapped(label: str) -> str:
    """How a label stands alone in a step's words: a label with '=' in it is bracketed."""
    return f"({label})" if "=" in label else label


def lesson(label: str):
    """L = E + c with E = P*b: the leaf P is labelled ``label``, E ``label + " e"``."""
    p, b, c = Value(2.0, label=label), Value(-3.0, label="b"), Value(10.0, label="c")
    e = p * b
    e.label = label + " e"
    root = e + c
    root.label = "L"
    steps = root.backward_steps()
    by_edge = {(step.node, step.parent): step for step in steps.steps}
    return steps, p, b, e, root, by_edge


@pytest.mark.parametrize("label", HOSTILE)
def test_the_step_record_holds_the_names_and_the_rule_apart_from_its_number(label):
    steps, p, b, e, root, by_edge = lesson(label)
    to_p, to_e = by_edge[e, p], by_edge[root, e]
    assert (to_p.node_name, to_p.parent_name, to_p.operand) == (label + " e", label, 0)
    assert (to_p.rule_words, to_p.rule_is_number, to_p.local) == ("b", False, -3.0)
    assert to_p.local_name == f"d(({label})*b)/d({label})"
    assert to_p.rule == f"d(({label})*b)/d({label}) = b"
    assert to_p.derivative == f"d(({label})*b)/d({label}) = b = -3.0"
    assert to_p.parent_grad == f"({label}).grad"
    assert to_p.update == f"({label}).grad = 0.0 + (-3.0) = -3.0"
    to_b = by_edge[e, b]
    assert (to_b.rule_words, to_b.rule_is_number, to_b.local) == (wrapped(label), False, 2.0)
    assert to_b.derivative == f"d(({label})*b)/db = {wrapped(label)} = 2.0"
    assert (to_e.rule_words, to_e.rule_is_number, to_e.upstream, to_e.contribution) == ("1", True, 1.0, 1.0)
    assert to_e.derivative == f"d({wrapped(label + ' e')} + c)/d({label} e) = 1"
    assert to_p.headline == f"step {to_p.number}/4: {wrapped(label + ' e')} = ({label})*b sends " \
        f"dL/d({label} e) = 1.0 back to {label}"


@pytest.mark.parametrize("label", HOSTILE)
def test_the_quiz_names_the_node_and_expects_the_numbers(label):
    steps, p, b, e, root, by_edge = lesson(label)
    quiz = Quiz(steps)
    asked = {(q.step.node, q.step.parent, q.kind): q for q in quiz.questions}

    local = asked[e, p, "local"]
    assert local.prompt == f"local derivative d(({label})*b)/d({label}) = ?"
    assert local.expected == -3.0
    assert local.hint == f"the rule is d(({label})*b)/d({label}) = b, with the numbers of the forward pass"
    contribution = asked[e, p, "contribution"]
    assert contribution.expected == -3.0
    assert contribution.hint == ("contribution = upstream × local derivative: the upstream gradient "
                                 f"{wrapped(label + ' e')} sends back is 1.0, times the local derivative "
                                 f"d(({label})*b)/d({label}) = b")
    grad = asked[e, p, "grad"]
    assert grad.prompt == f"({label}).grad after this step (it is 0.0 now) = ?"
    assert grad.expected == -3.0 and grad.worked == f"({label}).grad = 0.0 + (-3.0) = -3.0"

    plain = asked[root, e, "local"]  # d(E + c)/dE = 1: the rule is the answer, so the hint nudges
    assert plain.prompt == f"local derivative d({wrapped(label + ' e')} + c)/d({label} e) = ?"
    assert plain.expected == 1.0
    assert plain.hint.startswith(f"nudge it: take the inputs of {wrapped(label + ' e')} + c as separate numbers: "
                                 f"if {wrapped(label + ' e')} grows by a small amount h while c stays as it is")
    # The hints of the questions asked before it must not tell the rule, which is the answer.
    assert "this step asks for it later" not in asked[root, e, "contribution"].hint  # asked after "local"

    for question in quiz.questions:  # answered with the expected numbers, the quiz ends with full marks
        assert quiz.answer(repr(question.expected)).correct
    assert quiz.score == (len(quiz.questions), len(quiz.questions)) and p.grad == -3.0 and b.grad == 2.0


def test_a_constant_operand_rule_is_a_number_however_it_is_rounded():
    """d(0.123456789*a)/da is written 0.123456789, the constant as it was written (a student
    computes with it: not cut to 5 digits), and a computed constant 0.1*3 as 0.3: either way the
    rule is the number itself, saying it would give the answer away, so the hint nudges instead."""
    a = Value(2.0, label="a")
    for constant, written in [(0.123456789, "0.123456789"), (0.1 * 3, "0.3")]:
        steps = (constant * a).backward_steps()
        step = steps.steps[0]
        assert (step.rule_words, step.rule_is_number, step.derivative) == \
            (written, True, f"d({written}*a)/da = {written}")
        hint = Quiz(steps, ask="local").questions[0].hint
        assert hint.startswith("nudge it: ") and "if a grows by a small amount h" in hint and f"= {written}" not in hint

    two = Value(1.0, label="2")  # a label that reads as a number is a name, not the number
    step = (two * a).backward_steps().steps[1]
    assert (step.rule_words, step.rule_is_number, step.derivative) == ("2", False, "d(2*a)/da = 2 = 1.0")
    assert Quiz((two * a).backward_steps(), ask="local").questions[1].hint == \
        "the rule is d(2*a)/da = 2, with the numbers of the forward pass"


def test_a_one_character_name_that_is_no_letter_is_bracketed_after_d():
    equals = Value(2.0, label="=")
    step = (equals * equals).backward_steps().steps[0]
    assert step.local_name == "d((=)*(=))/d(=)"


@pytest.mark.parametrize("label", HOSTILE)
def test_csv_parses_back_to_the_steps_cells(label):
    steps, p, b, e, root, by_edge = lesson(label)
    rows = list(csv.DictReader(io.StringIO(steps.to_csv())))
    assert len(rows) == len(steps)
    to_p = by_edge[e, p]
    row = rows[to_p.number - 1]
    assert row == {"step": str(to_p.number), "node": label + " e", "parent": label,
                   "rule": f"d(({label})*b)/d({label}) = b", "local derivative": "-3.0", "upstream": "1.0",
                   "contribution": "-3.0", "running total": "-3.0"}
    assert rows[by_edge[e, b].number - 1]["rule"] == f"d(({label})*b)/db = {wrapped(label)}"


def _markdown_cells(line: str) -> list[str]:
    """A Markdown table row's cells as a reader sees them: split at the unescaped |, each code
    span's fence and padding taken off, \\| read as |."""
    cells = []
    for cell in re.split(r"(?<!\\)\|", line.strip())[1:-1]:
        cell = cell.strip()
        fence = re.match("`*", cell).group()
        if fence:
            cell = cell[len(fence):-len(fence)]
            if cell.startswith(" ") and cell.endswith(" ") and "`" in cell:
                cell = cell[1:-1]
        cells.append(cell.replace("\\|", "|"))
    return cells


@pytest.mark.parametrize("label", HOSTILE)
def test_markdown_cells_hold_the_steps_words(label):
    steps, p, b, e, root, by_edge = lesson(label)
    lines = steps.to_markdown(forward=False).splitlines()
    rows = [_markdown_cells(line) for line in lines if line.startswith("| ")]
    assert rows[0] == ["step", "node", "parent", "local derivative", "upstream", "contribution", "running total"]
    body = rows[2:]
    assert len(body) == len(steps) and all(len(cells) == 7 for cells in body)
    to_p = by_edge[e, p]

    def flat(text: str) -> str:  # a line break in a cell would end the row: it is a space
        return text.replace("\n", " ")

    assert body[to_p.number - 1] == [str(to_p.number), flat(label + " e"), flat(label),
                                     flat(f"d(({label})*b)/d({label}) = b = -3.0"), "1.0", "1.0 * (-3.0) = -3.0",
                                     flat(f"({label}).grad = 0.0 + (-3.0) = -3.0")]


@pytest.mark.parametrize("label", HOSTILE)
def test_the_drawing_labels_the_steps_edge_and_captions_it_with_the_fields(label):
    steps, p, b, e, root, by_edge = lesson(label)
    to_p = by_edge[e, p]
    steps.goto(to_p.number)
    highlight = steps.highlight()
    assert highlight.edges == {(e, 0)} and highlight.nodes == {e, p}
    assert highlight.edge_labels == {(e, 0): f"d(({label})*b)/d({label}) = b = -3.0\n1.0 × (-3.0) = -3.0"}
    assert highlight.caption == to_p.headline == (f"step {to_p.number}/4: {wrapped(label + ' e')} = ({label})*b "
                                                  f"sends dL/d({label} e) = 1.0 back to {label}")
    zoomed = steps.draw(around=True)
    assert f"step {to_p.number}/4: " in zoomed.source and "local -3.0" in zoomed.source


def test_a_hostile_labels_step_is_drawn_and_shown_as_its_fields_say(tmp_path):
    need_dot()
    steps, p, b, e, root, by_edge = lesson("p = q|r")
    to_p = by_edge[e, p]
    steps.goto(to_p.number)
    svg = steps.draw().svg()
    texts = [html.unescape(t) for t in re.findall(r"<text[^>]*>([^<]*)</text>", svg)]
    assert "d((p = q|r)*b)/d(p = q|r) = b = -3.0" in texts and "1.0 × (-3.0) = -3.0" in texts
    assert to_p.headline in texts  # the caption
    page = steps.save_html(tmp_path / "pass.html").read_text(encoding="utf-8")
    assert html.escape(to_p.headline) in page and html.escape(to_p.lines[1]) in page
    assert f'data-focus="{html.escape("p = q|r")}"' in page


@pytest.mark.parametrize("label", HOSTILE)
def test_the_widget_writes_each_part_of_the_working_on_its_own_line(label):
    steps, p, b, e, root, by_edge = lesson(label)
    to_p = by_edge[e, p]
    steps.goto(to_p.number)
    assert _position_words(steps) == [
        to_p.headline,
        f"  local d(({label})*b)/d({label}) = b = -3.0",
        "  contribution 1.0 * (-3.0) = -3.0",
        f"  ({label}).grad = 0.0 + (-3.0) = -3.0",
    ]


# -- the export formats are one table -------------------------------------------------------------------

def test_a_new_export_format_is_one_entry_in_the_table(monkeypatch):
    monkeypatch.setitem(FORMATS, "txt", Format(lambda stepper: stepper.transcript() + "\n", "the steps in words"))
    parser = build_parser()
    step_parser = parser._subparsers._group_actions[0].choices["step"]
    assert "txt (the steps in words)" in " ".join(step_parser.format_help().split())
    args = parser.parse_args(["step", "a*b", "--var", "a=2", "--var", "b=3", "--format", "txt"])
    out = io.StringIO()
    assert step_command(args, stdin=io.StringIO(), stdout=out) == 0
    assert out.getvalue().startswith("step 1/2: L = a*b sends dL/dL = 1.0 back to a\n")
    steps = Value(1.0, label="x").backward_steps()
    assert render(steps, "txt") == FORMATS["txt"].write(steps)


def test_the_step_commands_help_lists_every_format():
    step_parser = build_parser()._subparsers._group_actions[0].choices["step"]
    said = " ".join(step_parser.format_help().split())
    assert "{md,csv}" in said and "md (Markdown) or csv (comma-separated values)" in said


# -- nothing takes a step's words apart ---------------------------------------------------------------

_SPLITTING = {"split", "rsplit", "partition", "rpartition", "index", "rindex", "find", "rfind"}
_SEPARATORS = (" = ", "; ")  # the stepper's own: "d(a*b)/da = b = -3.0", "local ...; contribution ...; ..."


def _splits_words(path: Path) -> list[str]:
    """Where ``path`` splits (or searches) text at one of the stepper's separators."""
    found = []
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in sorted(ast.walk(tree), key=lambda node: getattr(node, "lineno", 0)):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
            continue
        arguments = [a.value for a in node.args if isinstance(a, ast.Constant) and isinstance(a.value, str)]
        if node.func.attr in _SPLITTING and any(sep in text for text in arguments for sep in _SEPARATORS):
            found.append(f"{path.name}:{node.lineno}: .{node.func.attr}({arguments[0]!r})")
        if isinstance(node.func.value, ast.Name) and node.func.value.id == "re" and node.func.attr == "split" \
                and any(sep in text for text in arguments[:1] for sep in _SEPARATORS):
            found.append(f"{path.name}:{node.lineno}: re.split({arguments[0]!r})")
    return found


def test_no_module_splits_words_back_apart():
    package = Path(micrograd_like.__file__).parent
    found = [where for path in sorted(package.rglob("*.py")) for where in _splits_words(path)]
    assert found == [], "words split back apart (make them from the step's fields instead):\n" + "\n".join(found)


def test_the_check_finds_a_split(tmp_path):
    sample = tmp_path / "sample.py"
    sample.write_text('lhs = step.derivative.split(" = ")[0]\nrhs = step.rule.rpartition(" = ")[2]\n'
                      'parts = line.strip().split("; ")\nkeep = ", ".join(words)\n')
    assert _splits_words(sample) == ["sample.py:1: .split(' = ')", "sample.py:2: .rpartition(' = ')",
                                     "sample.py:3: .split('; ')"]


def test_minus_zero_never_reaches_a_student():
    """A dead relu sends back 0.0, and 0.0 * (-2.0) is -0.0 in floats: every text says 0.0."""
    from micrograd_like.teach.words import num, number_term, sum_text

    assert num(-0.0) == "0.0" and sum_text(0.0, -0.0) == "0.0 + 0.0" and number_term(-0.0).bracketed(4) == "0.0"
    w, x, b = Value(-2.0, label="w"), Value(1.5, label="x"), Value(1.0, label="b")
    L = (w * x + b).relu()
    steps = L.backward_steps()
    assert steps.steps[-1].contribution == 0.0 and str(steps.steps[-1].contribution) == "-0.0"  # the float
    texts = [steps.transcript(), *(render(steps, name) for name in FORMATS), str(steps.finish())]
    quiz = Quiz(L.backward_steps())
    texts += [str(quiz.forward_walk())]
    while not quiz.finished:
        texts += [str(quiz.question), quiz.question.hint, quiz.answer("7").text, quiz.answer("7").text]
    out = io.StringIO()
    step_command(build_parser().parse_args(["step", "relu(w*x + b)", "--var", "w=-2", "--var", "x=1.5",
                                            "--var", "b=1", "--all"]), stdin=io.StringIO(), stdout=out)
    texts.append(out.getvalue())
    assert "0.0 * (-2.0) = 0.0" in out.getvalue()
    for text in texts:
        assert not re.search(r"-0\.0(?![0-9])|\(-0\.0\)", text), text


def test_minus_zero_is_drawn_as_zero():
    from micrograd_like.drawing.dot import number_text

    assert number_text(-0.0) == "0.0000" and number_text(-0.0, 2) == "0.00"
    w, x = Value(-2.0, label="w"), Value(0.0, label="x")
    y = w * x  # -0.0 in floats
    y.label = "y"
    assert str(y.data) == "-0.0"
    need_dot()
    assert "-0.0" not in y.backward_steps().draw().source
