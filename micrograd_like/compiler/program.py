"""The compiled code as a program of its own: what ``micrograd-like compile`` prints.

Compiled, the code runs with the package's helpers (the table's ``CODE_GLOBALS``) and its
overflow check; printed, it must run without the package: each helper it calls is printed as
the package defines it, so that its numbers and errors are the package's own.
"""

from __future__ import annotations

import ast
import builtins
import inspect
import re
import sys
import textwrap
import types
from collections.abc import Callable

from ..engine import ops
from .source import CHECK, _finite_or_raise

__all__ = ["standalone", "helper_lines"]


_CHECKS = re.compile(rf"{CHECK}\([^()]*\)")  # a call of the check, with the names it adds up


def standalone(code: str) -> tuple[str, dict[str, Callable]]:
    """The code to run on its own, and the helpers it runs with.  Compiled, the code checks the
    sum of its numbers (one addition each: quick), and if the sum is inf the engine replays the
    call, to raise its error or give its answer (the sum alone may overflow); on its own, it
    checks each number, so that what it raises is right."""
    code = _CHECKS.sub(lambda call: call[0].replace(" + ", ", "), code)
    return code, {**ops.CODE_GLOBALS, CHECK: _finite_or_raise}


def helper_lines(source: str, helpers: dict[str, object], rows: dict[str, tuple[str, str]]) -> list[str]:
    """The imports and definitions ``source`` needs to run on its own, for the names it calls.

    ``helpers`` are the functions the code runs with (the table's ``CODE_GLOBALS`` and the
    overflow check): each one called is printed as it is defined, with what it calls in turn,
    so its numbers and errors are the package's own.  One that cannot be printed (not a plain
    Python function) is imported instead, as is each row without code: ``rows`` gives a called
    name's row and which of its rules it is (``"forward"`` or ``"local_grads"``).
    """
    called = {node.id for node in ast.walk(ast.parse(source)) if isinstance(node, ast.Name)}
    printed: dict[str, str] = {}  # name -> its definition, what it calls before it
    imported: list[str] = []
    modules: set[str] = {"math"} & called
    for name in sorted(called & set(helpers)):
        function = helpers[name]
        if function is getattr(builtins, name, None) or function is sys.modules.get(name):
            continue  # Python's own: abs, max, sum; math
        if not _print_into(name, function, printed, modules):
            what = (getattr(function, "__doc__", None) or "a function the table's code calls").strip()
            imported += [f'{name} = CODE_GLOBALS["{name}"]  # {what.splitlines()[0]}']
    lines = [f"import {module}" for module in sorted(modules)]
    if imported:
        lines.append("from micrograd_like.engine.ops import CODE_GLOBALS  # the functions the table's code calls")
        lines += imported
    called_rows = [name for name in rows if name in called]
    if called_rows:
        lines.append("from micrograd_like.engine.ops import PRIMITIVES  # the rows of the table, by name")
        for name in called_rows:
            row, rule = rows[name]
            lines.append(f"{name} = PRIMITIVES[{row!r}].{rule}  # row {row!r} has no code: its {rule} is called")
    if printed:
        lines += ["", "", "# The helpers the code calls, as micrograd_like defines them: the same numbers, and the",
                  "# same errors for a number outside a function's domain (or too large for a float)."]
        lines.append("\n\n".join(printed.values()).rstrip("\n"))
    return lines


def _print_into(name: str, function, printed: dict[str, str], modules: set[str]) -> bool:
    """Add the definition of ``function`` (and of the functions of its module it calls) to
    ``printed``, and the modules it uses to ``modules``; False if it cannot be printed."""
    if name in printed:
        return True
    if not isinstance(function, types.FunctionType) or function.__name__ != name:
        return False
    try:
        text = inspect.getsource(function)
    except (OSError, TypeError):
        return False
    text = textwrap.dedent(text)
    names = {node.id for node in ast.walk(ast.parse(text)) if isinstance(node, ast.Name)}  # (not attributes)
    needs, uses = [], set()
    for used in sorted(names):
        if used not in function.__globals__:
            continue  # a builtin, an argument or a local name
        thing = function.__globals__[used]
        if isinstance(thing, types.ModuleType) and thing.__name__ == used and used in sys.stdlib_module_names:
            uses.add(used)
        elif isinstance(thing, types.FunctionType) and thing.__module__ == function.__module__:
            needs.append((used, thing))
        else:
            return False
    printed[name] = ""  # (being printed: a function that calls itself is fine)
    for used, thing in needs:
        if not _print_into(used, thing, printed, modules):
            del printed[name]
            return False
    del printed[name]
    printed[name] = text  # after what it calls
    modules |= uses
    return True
