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


def test_importing_the_package_loads_none_of_its_modules():
    """``import micrograd_like`` is cheap (the command answers Ctrl-C from its first instant):
    each name is loaded from its module when first used."""
    script = ("import sys, micrograd_like\n"
              "print(sorted(name for name in sys.modules if name.startswith('micrograd_like.')))\n")
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"


def test_every_public_name_is_there_on_first_use_and_listed_by_dir():
    script = ("import importlib, micrograd_like as mg\n"
              "assert set(mg.__all__) <= set(dir(mg)), 'dir() lists every public name'\n"
              "for name in mg.__all__:\n"
              "    home = importlib.import_module('micrograd_like.' + mg._HOME[name])\n"
              "    expected = home if mg._HOME[name] == name else getattr(home, name)\n"
              "    assert getattr(mg, name) is expected, name\n"
              "from micrograd_like import *\n"
              "print(MLP.__name__, compile_graph.__name__, draw_dot.__name__, nn.__name__)\n")
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["MLP", "compile_graph", "draw_dot", "micrograd_like.nn"]


def test_a_module_of_the_package_is_an_attribute_and_a_misspelt_name_is_an_attribute_error():
    import micrograd_like

    assert micrograd_like.ops.__name__ == "micrograd_like.ops"
    with pytest.raises(AttributeError, match="has no attribute 'Valeu'"):
        micrograd_like.Valeu  # noqa: B018


def test_what_type_checkers_read_names_the_same_homes_as_the_lazy_loading():
    """The ``if TYPE_CHECKING:`` imports (for editors) and ``_HOME`` (at run time) agree."""
    import micrograd_like

    tree = ast.parse((PACKAGE / "__init__.py").read_text(encoding="utf-8"))
    block = next(node for node in tree.body if isinstance(node, ast.If) and ast.unparse(node.test) == "TYPE_CHECKING")
    read = {}
    for statement in block.body:
        for alias in statement.names:
            read[alias.name] = statement.module or alias.name
    assert read == micrograd_like._HOME
