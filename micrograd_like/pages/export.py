"""A worked example for slides: a backward pass as a Markdown table or as CSV.

Every step of the pass is a row: the step's number, the node that sends its gradient back,
the parent it goes to, the local derivative (its rule in words and its number), the
upstream gradient, the contribution and the parent's running total.  Every number is
written exactly as the stepper shows it (``steps.next()`` and ``print(step)``).

>>> from micrograd_like import Value
>>> x = Value(3.0, label="x")
>>> y = x * x; y.label = "y"
>>> print(to_csv(y.backward_steps()), end="")
step,node,parent,rule,local derivative,upstream,contribution,running total
1,y,x,d(x*x)/dx = x,3.0,1.0,3.0,3.0
2,y,x,d(x*x)/dx = x,3.0,1.0,3.0,6.0
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable
from typing import NamedTuple

from ..teach.stepper import Stepper
from ..teach.words import num as _num

__all__ = ["to_markdown", "to_csv", "render", "FORMATS", "Format", "describe_formats"]

def _code(text: str) -> str:
    """``text`` as a Markdown code span in a table cell: a | in it would end the cell, a line
    break would end the row (it is a space here, as a code span shows it anyway), and a run of
    backticks as long as the fence would end the span (the fence is longer than any run)."""
    text = re.sub(r"\r\n|\r|\n", " ", text).replace("|", "\\|")
    fence = "`" * (max(map(len, re.findall("`+", text)), default=0) + 1)
    padding = " " if "`" in text else ""
    return f"{fence}{padding}{text}{padding}{fence}"


def _row(cells: list[str]) -> str:
    return "| " + " | ".join(cells) + " |"


def to_markdown(stepper: Stepper, *, forward: bool = True) -> str:
    """The pass as Markdown: the forward table (unless ``forward=False``), then one row per
    chain-rule step, with the stepper's own words and numbers (formulas as code)."""
    names = stepper.names
    root = names[stepper.root]
    lines = []
    if forward:
        lines += [f"**Forward pass** of {_code(root)}, one value at a time:", "",
                  _row(["#", "node", "value", "worked out"]), _row(["--:", "---", "--:", "---"])]
        for k, (node, line) in enumerate(zip(stepper.order, stepper.forward_walk().lines), start=1):
            worked = line.split(". ", 1)[1]  # '  3. e = a*b = ...' without its number
            lines.append(_row([str(k), _code(names[node]), _num(node.data), _code(worked)]))
        lines.append("")
    if not stepper.steps:
        return "\n".join([*lines, stepper.where()]) + "\n"
    lines += [f"**Backward pass** of {_code(root)}, one chain-rule step at a time "
              f"({_code(f'{root}.grad')} starts at 1.0):", ""]
    lines += [_row(["step", "node", "parent", "local derivative", "upstream", "contribution", "running total"]),
              _row(["--:", "---", "---", "---", "--:", "---", "---"])]
    for step in stepper.steps:
        lines.append(_row([str(step.number), _code(step.node_name), _code(step.parent_name),
                           _code(step.derivative), _num(step.upstream), _code(step.arithmetic()), _code(step.update)]))
    return "\n".join(lines) + "\n"


def to_csv(stepper: Stepper) -> str:
    """The pass as CSV, one row per chain-rule step: names and rules in words, every number
    (local derivative, upstream, contribution, running total) as the stepper writes it.
    The running total is the parent's ``grad`` after the step, what it held before the pass
    included, as the stepper leaves it."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["step", "node", "parent", "rule", "local derivative", "upstream", "contribution",
                     "running total"])
    for step in stepper.steps:
        writer.writerow([step.number, step.node_name, step.parent_name, step.rule, _num(step.local),
                         _num(step.upstream), _num(step.contribution), _num(step.held + step.after)])
    return out.getvalue()


class Format(NamedTuple):
    """One way to write a pass out: its writer (a Stepper in, text out) and a few words on it."""

    write: Callable[[Stepper], str]
    description: str


FORMATS: dict[str, Format] = {
    "md": Format(to_markdown, "Markdown"),
    "csv": Format(to_csv, "comma-separated values"),
}
"""The formats ``micrograd-like step --format`` writes, by name: a new format is one entry here
(the command's choices and its help read this table)."""


def describe_formats() -> str:
    """The formats in words, for a help text: ``md (Markdown) or csv (comma-separated values)``."""
    said = [f"{name} ({format.description})" for name, format in FORMATS.items()]
    return " or ".join([", ".join(said[:-1]), said[-1]] if len(said) > 1 else said)


def render(stepper: Stepper, format: str) -> str:
    """The pass in ``format``, one of :data:`FORMATS` (``'md'``, ``'csv'``, ...)."""
    if format not in FORMATS:
        raise ValueError(f"unknown format {format!r}: one of {', '.join(FORMATS)}")
    return FORMATS[format].write(stepper)
