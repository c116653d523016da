"""The worked example for slides: the backward pass as Markdown and CSV, numbers as the stepper shows them."""

import csv
import io
import re

import pytest
from examples import lecture
from hypothesis import given
from hypothesis import strategies as st
from random_graphs import evaluate, recipes

from micrograd_like import Value
from micrograd_like.pages.export import FORMATS, render, to_csv, to_markdown
from micrograd_like.teach.words import num as _num

CELL = re.compile(r"(?<!\\)\|")  # a cell boundary: a | not escaped


def table(markdown: str, header: str) -> list[list[str]]:
    """The rows (cells stripped) of the Markdown table whose header row starts with ``header``."""
    lines = markdown.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith(f"| {header} |"))
    rows = []
    for line in lines[start:]:
        if not line.startswith("|"):
            break
        rows.append([cell.strip() for cell in CELL.split(line)[1:-1]])
    return rows


def test_the_markdown_backward_table_is_the_steppers_words_and_numbers():
    steps = lecture()["L"].backward_steps()
    rows = table(steps.to_markdown(), "step")
    assert rows[0] == ["step", "node", "parent", "local derivative", "upstream", "contribution", "running total"]
    assert rows[2:] == [
        ["1", "`L`", "`d`", "`d(d*f)/dd = f = -2.0`", "1.0", "`1.0 * (-2.0) = -2.0`", "`d.grad = 0.0 + (-2.0) = -2.0`"],
        ["2", "`L`", "`f`", "`d(d*f)/df = d = 4.0`", "1.0", "`1.0 * 4.0 = 4.0`", "`f.grad = 0.0 + 4.0 = 4.0`"],
        ["3", "`d`", "`e`", "`d(e + c)/de = 1`", "-2.0", "`(-2.0) * 1.0 = -2.0`", "`e.grad = 0.0 + (-2.0) = -2.0`"],
        ["4", "`d`", "`c`", "`d(e + c)/dc = 1`", "-2.0", "`(-2.0) * 1.0 = -2.0`", "`c.grad = 0.0 + (-2.0) = -2.0`"],
        ["5", "`e`", "`a`", "`d(a*b)/da = b = -3.0`", "-2.0", "`(-2.0) * (-3.0) = 6.0`", "`a.grad = 0.0 + 6.0 = 6.0`"],
        ["6", "`e`", "`b`", "`d(a*b)/db = a = 2.0`", "-2.0", "`(-2.0) * 2.0 = -4.0`", "`b.grad = 0.0 + (-4.0) = -4.0`"],
    ]
    for row, step in zip(rows[2:], steps.steps):  # the same pieces as the stepper's own lines
        local, contribution, update = (row[i].strip("`") for i in (3, 5, 6))
        assert f"local {local}; contribution {contribution}; {update}" == step.lines[1].strip()
    assert steps.position == 0  # exporting does not move the stepper


def test_the_markdown_forward_table_is_the_forward_walk():
    steps = lecture()["L"].backward_steps()
    rows = table(steps.to_markdown(), "#")
    assert rows[0] == ["#", "node", "value", "worked out"]
    assert rows[4] == ["3", "`e`", "-6.0", "`e = a*b = 2.0*(-3.0) = -6.0`"]
    assert [row[3].strip("`") for row in rows[2:]] == [line.split(". ", 1)[1] for line in steps.forward_walk().lines]
    assert "| # |" not in steps.to_markdown(forward=False)


def test_a_label_with_a_bar_does_not_break_the_table():
    x = Value(-2.0, label="|x|")
    y = x * x
    rows = table(to_markdown(y.backward_steps()), "step")
    assert all(len(row) == 7 for row in rows)
    assert rows[2][3] == "`d((\\|x\\|)*(\\|x\\|))/d(\\|x\\|) = \\|x\\| = -2.0`"  # each | escaped


@given(st.text(alphabet="ab|`\\\n\r ", max_size=12))
def test_no_label_breaks_a_table_or_a_code_span(label):
    x = Value(-2.0, label=label)
    markdown = to_markdown((x * Value(3.0, label="w")).backward_steps())
    assert all(len(row) == 4 for row in table(markdown, "#"))
    assert all(len(row) == 7 for row in table(markdown, "step"))
    for row in table(markdown, "step")[2:]:
        fence = re.match("`+", row[1]).group(0)  # the span is the whole cell: it ends where it should
        assert row[1].endswith(fence) and fence not in row[1][len(fence):-len(fence)]


def test_the_csv_has_the_numbers_as_the_stepper_writes_them():
    graph = lecture()
    steps = graph["L"].backward_steps()
    rows = list(csv.DictReader(io.StringIO(steps.to_csv())))
    assert [row["rule"] for row in rows] == ["d(d*f)/dd = f", "d(d*f)/df = d", "d(e + c)/de = 1", "d(e + c)/dc = 1",
                                            "d(a*b)/da = b", "d(a*b)/db = a"]
    for row, step in zip(rows, steps.steps, strict=True):
        assert (row["step"], row["node"], row["parent"]) == (str(step.number), steps.names[step.node],
                                                             steps.names[step.parent])
        assert [row["local derivative"], row["upstream"], row["contribution"], row["running total"]] == [
            _num(step.local), _num(step.upstream), _num(step.contribution), _num(step.after)]
    graph["L"].backward()
    last = {row["parent"]: float(row["running total"]) for row in rows}
    assert last == {name: graph[name].grad for name in "defcab"}


@given(recipes(max_ops=6))
def test_the_csvs_last_running_totals_are_the_gradients_of_backward(recipe):
    leaves, operations = recipe
    nodes = evaluate(leaves, operations, lambda i, x: Value(x, label=f"x{i}"), 1)
    steps = nodes[-1].backward_steps()
    rows = list(csv.DictReader(io.StringIO(to_csv(steps))))
    assert len(rows) == len(steps)
    nodes[-1].zero_grad()
    nodes[-1].backward()
    last = {row["parent"]: row["running total"] for row in rows}
    for node in nodes[: len(leaves)]:
        if node.label in last:
            assert last[node.label] == _num(node.grad)
    for row, step in zip(rows, steps.steps):
        assert step.rule in step.derivative and row["local derivative"] == _num(step.local)


def test_render_writes_either_format_and_refuses_others():
    steps = lecture()["L"].backward_steps()
    assert tuple(FORMATS) == ("md", "csv")
    assert render(steps, "md") == steps.to_markdown() and render(steps, "csv") == steps.to_csv()
    with pytest.raises(ValueError, match="unknown format 'pdf': one of md, csv"):
        render(steps, "pdf")


def test_a_pass_without_steps_says_so():
    a = Value(2.0, label="a")
    steps = a.backward_steps()
    assert steps.to_csv() == "step,node,parent,rule,local derivative,upstream,contribution,running total\n"
    assert steps.to_markdown().endswith(steps.where() + "\n")


def test_the_csv_running_total_is_the_grad_the_stepper_leaves_when_grads_were_held():
    x = Value(3.0, label="x")
    y = x * x + x
    y.label = "y"
    y.backward()  # a first pass: x.grad holds 7.0
    steps = y.backward_steps()
    last = list(csv.DictReader(io.StringIO(steps.to_csv())))[-1]
    steps.finish()
    assert float(last["running total"]) == x.grad == 14.0
