"""A griffe extension: the package's docstrings, written for Python's help(), read as Markdown.

The docstrings are plain text with a little reStructuredText, as ``help()`` and doctest expect:
``double backticks`` and roles (``:func:`grad```) for code, an example typed at the prompt
(``>>>``) and a block shown after ``::``.  mkdocstrings renders a docstring as Markdown, where
a ``>>>`` line would be a quotation and ``[[4.0, 6.0]]`` a link; this extension turns each of
them into its Markdown form before the page is written (the source files are not changed).

>>> as_markdown('''Compute it with :func:`grad`, ``x``.
...
... >>> 1 + 1
... 2
...
... The order::
...
...     first
...     second''').splitlines()  # doctest: +NORMALIZE_WHITESPACE
['Compute it with `grad`, `x`.', '',
 '```pycon', '>>> 1 + 1', '2', '```', '',
 'The order:', '', '```text', 'first', 'second', '```']
"""

from __future__ import annotations

import re
import textwrap

import griffe

ROLE = re.compile(r":(?:func|meth|class|mod|attr|data|obj|exc):`~?\.?([^`]+)`")
DOUBLE_BACKTICKS = re.compile(r"``([^`]+)``")


def _inline(line: str) -> str:
    return DOUBLE_BACKTICKS.sub(r"`\1`", ROLE.sub(r"`\1`", line))


def as_markdown(docstring: str) -> str:
    """The docstring with its examples and literal blocks fenced and its inline code in backticks."""
    lines, out, i = docstring.splitlines(), [], 0
    while i < len(lines):
        line = lines[i]
        if line.lstrip().startswith(">>>"):  # an example: up to the next blank line
            block = []
            while i < len(lines) and lines[i].strip():
                block.append(lines[i])
                i += 1
            out += ["```pycon", *textwrap.dedent("\n".join(block)).splitlines(), "```"]
            continue
        if line.rstrip().endswith("::") and not line.lstrip().startswith(".."):
            indent = len(line) - len(line.lstrip())
            start = i + 1
            while start < len(lines) and not lines[start].strip():
                start += 1
            end = start
            while end < len(lines) and (not lines[end].strip() or len(lines[end]) - len(lines[end].lstrip()) > indent):
                end += 1
            while end > start and not lines[end - 1].strip():
                end -= 1
            if end > start:
                text = "" if line.strip() == "::" else _inline(line.rstrip()[:-1]).rstrip()
                out += [text, "", "```text",
                        *textwrap.dedent("\n".join(lines[start:end])).splitlines(), "```"]
                i = end
                continue
        out.append(_inline(line))
        i += 1
    return "\n".join(out)


class RestToMarkdown(griffe.Extension):
    """Rewrite every docstring griffe loads, so that mkdocstrings renders it as intended."""

    def on_object(self, *, obj: griffe.Object, **kwargs) -> None:
        if obj.docstring is not None:
            obj.docstring.value = as_markdown(obj.docstring.value)
