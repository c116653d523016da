"""The engine's modules depend one way: autodiff builds on engine, never the reverse at load time."""

import ast
import subprocess
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "micrograd_like"
MODULES = ["modes", "engine", "autodiff", "optim", "checks", "functional"]


@pytest.mark.parametrize("first", MODULES)
def test_each_module_imports_first_in_a_fresh_interpreter(first):
    script = (f"import micrograd_like.{first}\n"
              "from micrograd_like import Value\n"
              "x = Value(3.0)\n"
              "y = x * x\n"
              "y.backward()\n"
              "print(x.grad)\n")
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "6.0"


def _imported_at_load_time(module: str) -> set[str]:
    """The package modules a module imports at its top level (not inside functions)."""
    tree = ast.parse((PACKAGE / f"{module}.py").read_text(encoding="utf-8"))
    names = set()
    for statement in tree.body:
        if isinstance(statement, ast.ImportFrom) and statement.level == 1:
            names.update([statement.module] if statement.module else [a.name for a in statement.names])
    return names


def test_autodiff_builds_on_engine_and_engine_does_not_load_autodiff():
    assert "engine" in _imported_at_load_time("autodiff")
    assert "autodiff" not in _imported_at_load_time("engine")
