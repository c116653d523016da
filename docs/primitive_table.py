"""A MkDocs hook: the page of operations is read off the primitive table when the site is built.

The page ``docs/operations.md`` holds the line ``<!-- the primitive table -->``; this hook puts
in its place one row per operation registered in :mod:`micrograd_like.engine.ops`: how the
stepper writes it, the symbol a drawing shows, its local derivative for each operand in
words, and whether a worksheet may ask for it without a calculator.  A new row of the table is
on the page at the next build, and no page keeps a list of operations of its own.

>>> table = operations_table()
>>> print(table.splitlines()[0])
| operation | written | drawn as | local derivatives | by hand |
>>> print(*[line for line in table.splitlines() if line.startswith(("| `sigmoid`", "| `relu`"))], sep="\\n")
| `sigmoid` | `σ(a)` | σ | d/da = `σ(a)*(1 - σ(a))` |  |
| `relu` | `relu(a)` | ReLU | d/da = `1 if a > 0 else 0` | yes |
"""

from __future__ import annotations

MARKER = "<!-- the primitive table -->"
OPERANDS = ("a", "b", "c", "d")


def _cell(text: str) -> str:
    """Text for a Markdown table cell: a ``|`` would end the cell."""
    return text.replace("|", "\\|")


def operations_table() -> str:
    """The primitive table as Markdown: one row per registered operation, in the table's order."""
    from micrograd_like import ops

    rows = ["| operation | written | drawn as | local derivatives | by hand |", "|---|---|---|---|---|"]
    for name, row in ops.registry().items():
        names = OPERANDS[:row.arity] if row.arity <= len(OPERANDS) else tuple(f"x{i}" for i in range(row.arity))
        derivatives = "; ".join(f"d/d{operand} = `{words.format(*names)}`"
                                for operand, words in zip(names, row.grad_words))
        written = _cell(row.notation.format(*names))
        by_hand = "yes" if row.by_hand else ""
        rows.append(f"| `{name}` | `{written}` | {_cell(row.symbol)} | {_cell(derivatives)} | {by_hand} |")
    return "\n".join(rows)


def on_page_markdown(markdown: str, page, config, files) -> str:
    """MkDocs calls this with each page's Markdown: the marker becomes the table."""
    if MARKER in markdown:
        return markdown.replace(MARKER, operations_table())
    return markdown
