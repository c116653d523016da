"""The house's parts depend one way, as the face's LAYERS says: every import is read, those
inside functions included, and none may run up the house or round in a circle."""

import ast
import subprocess
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "micrograd_like"
MODULES = ["engine.modes", "engine", "engine.value", "engine.backward", "nn.optim", "engine.checks",
           "engine.functional", "offers"]


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


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _type_checking_only(tree: ast.Module) -> set[int]:
    """The ids of the import statements under ``if TYPE_CHECKING:`` (for editors; never run)."""
    ids = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and ast.unparse(node.test) == "TYPE_CHECKING":
            ids.update(id(inner) for statement in node.body for inner in ast.walk(statement))
    return ids


def every_import(at_load_time: bool = False) -> list[tuple[str, str, int]]:
    """(importer, imported, line) for every import of one of the package's modules by another,
    at the top of a file or inside a function alike (only those at the top, ``at_load_time``);
    ``TYPE_CHECKING`` imports are left out."""
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        importer = _module_name(path)
        package = importer if path.name == "__init__.py" else importer.rpartition(".")[0]
        tree = ast.parse(path.read_text(encoding="utf-8"))
        skipped = _type_checking_only(tree)
        for node in tree.body if at_load_time else ast.walk(tree):
            if id(node) in skipped:
                continue
            if isinstance(node, ast.ImportFrom):
                if node.level:
                    base = package.split(".")[: len(package.split(".")) - node.level + 1]
                    target = ".".join(base + ([node.module] if node.module else []))
                else:
                    target = node.module or ""
                targets = [target] if node.module else [f"{target}.{alias.name}" for alias in node.names]
            elif isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            else:
                continue
            found += [(importer, t, node.lineno) for t in targets if t.startswith("micrograd_like.")]
    return found


def _part(module: str) -> str:
    """The part of the house a module is in: ``micrograd_like.engine.value`` -> ``engine``."""
    return module.split(".")[1]


def test_the_import_reader_sees_imports_inside_functions_and_skips_type_checking_ones():
    imports = {(importer, imported) for importer, imported, _ in every_import()}
    assert ("micrograd_like.teach.stepper", "micrograd_like.drawing.graphs") in imports  # inside draw()
    assert ("micrograd_like.teach.stepper", "micrograd_like.teach.quiz") not in imports  # TYPE_CHECKING only


def test_every_import_runs_down_the_house_never_up():
    """The parts stand one on another as the face's LAYERS says: a module imports from its own
    part and the parts below it, never from one above: no part depends on a higher one, so
    there is no circle between parts."""
    from micrograd_like import LAYERS

    parts_on_disk = {p.name for p in PACKAGE.iterdir() if (p / "__init__.py").exists()}
    parts_on_disk |= {p.stem for p in PACKAGE.glob("*.py") if p.name not in ("__init__.py", "__main__.py")}
    assert parts_on_disk == set(LAYERS), "every part of the package is in LAYERS, and only those"
    floor = {part: number for number, part in enumerate(LAYERS)}
    upward = [f"{importer} (line {line}) imports {imported}"
              for importer, imported, line in every_import()
              if importer.count(".") >= 1 and _part(imported) in floor
              and floor[_part(imported)] > floor.get(_part(importer), len(LAYERS))]
    assert not upward, "imports that run up the house:\n" + "\n".join(upward)


# Circles that stay, and why: a Value's own methods run what works on Values.  Each runs
# through an import inside a method, so that at load time the modules still depend one way.
ACCEPTED_CIRCLES = {
    # The Value and the chain rule, read in that order: the chain rule reads the node kinds that
    # Value's operations make, and the Value methods that go on into it (backward(),
    # zero_grad(), micrograd's _backward() and Value(data, (parents,), op), which makes the
    # ClosureNode whose closure the chain rule runs) import it when called.  Merged, the two
    # would be one module of some 1,000 lines; a lower module that both could build on would
    # have to hold Value itself, whose operators make the node kinds.
    "micrograd_like.engine.value -> micrograd_like.engine.backward -> micrograd_like.engine.value",
}


def test_no_module_imports_one_that_imports_it_back():
    """Inside a part too, modules depend one way: no circle of imports, even through functions
    (but for ACCEPTED_CIRCLES)."""
    graph: dict[str, set[str]] = {}
    for importer, imported, _ in every_import():
        if importer.count(".") >= 1 and imported != importer:
            graph.setdefault(importer, set()).add(imported)
    # a package's __init__ hands its modules' names on: importing a module loads it, not a circle
    circles = []
    state: dict[str, int] = {}

    def visit(module: str, path: list[str]) -> None:
        state[module] = 1
        for other in sorted(graph.get(module, ())):
            if other.startswith(module + ".") or module.startswith(other + "."):
                continue  # a package and its own modules
            if state.get(other) == 1:
                circles.append(" -> ".join([*path[path.index(other):], other]))
            elif other not in state:
                visit(other, [*path, other])
        state[module] = 2

    for module in sorted(graph):
        if module not in state:
            visit(module, [module])
    unexplained = sorted(set(circles) - ACCEPTED_CIRCLES)
    assert not unexplained, "modules that import each other:\n" + "\n".join(unexplained)
    assert set(circles) >= ACCEPTED_CIRCLES, "a circle is gone: take it out of ACCEPTED_CIRCLES"


def test_at_load_time_no_module_imports_one_that_imports_it_back():
    """The imports at the top of the files alone form no circle: any module can be loaded first."""
    graph: dict[str, set[str]] = {}
    for importer, imported, _ in every_import(at_load_time=True):
        graph.setdefault(importer, set()).add(imported)

    def reaches(start: str, goal: str) -> bool:
        stack, visited = [start], set()
        while stack:
            module = stack.pop()
            if module == goal:
                return True
            if module not in visited:
                visited.add(module)
                stack += [m for m in graph.get(module, ()) if not goal.startswith(m + ".") or m == goal]
        return False

    for importer, imported in ((a, b) for a, bs in graph.items() for b in bs):
        if imported != importer and not importer.startswith(imported + ".") and not imported.startswith(importer):
            assert not reaches(imported, importer), f"{importer} and {imported} import each other at load time"


def test_importing_the_package_loads_none_of_its_modules_but_the_ground_floor():
    """``import micrograd_like`` is cheap (the command answers Ctrl-C from its first instant):
    each name is loaded from its module when first used.  Only ``offers`` is loaded, to be told
    who provides what (it imports nothing)."""
    script = ("import sys, micrograd_like\n"
              "print(sorted(name for name in sys.modules if name.startswith('micrograd_like.')))\n")
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "['micrograd_like.offers']"


def test_every_public_name_is_there_on_first_use_and_listed_by_dir():
    script = ("import importlib, micrograd_like as mg\n"
              "assert set(mg.__all__) <= set(dir(mg)), 'dir() lists every public name'\n"
              "for name in mg.__all__:\n"
              "    home = importlib.import_module('micrograd_like.' + mg._HOME[name])\n"
              "    expected = home if mg._HOME[name].rpartition('.')[2] == name else getattr(home, name)\n"
              "    assert getattr(mg, name) is expected, name\n"
              "from micrograd_like import *\n"
              "print(MLP.__name__, compile_graph.__name__, draw_dot.__name__, nn.__name__)\n")
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["MLP", "compile_graph", "draw_dot", "micrograd_like.nn"]


def test_a_module_of_the_package_is_an_attribute_and_a_misspelt_name_is_an_attribute_error():
    import micrograd_like

    assert micrograd_like.engine.ops.__name__ == "micrograd_like.engine.ops"
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
            target = f"{statement.module}.{alias.name}" if statement.module else alias.name
            path = PACKAGE / target.replace(".", "/")
            is_module = path.with_suffix(".py").exists() or (path / "__init__.py").exists()
            read[alias.name] = target if is_module else statement.module
    assert read == micrograd_like._HOME


@pytest.mark.parametrize("old, new", sorted(__import__("micrograd_like").MOVED.items()))
def test_a_module_that_moved_still_imports_under_its_old_name(old, new):
    """Code written for the flat package (``from micrograd_like.optim import SGD``, as the README
    of the time taught) runs unchanged, and gets the module itself, with its own name and spec."""
    script = (f"import importlib, micrograd_like.{old} as old\n"
              f"new = importlib.import_module('micrograd_like.{new}')\n"
              "assert old is new, (old, new)\n"
              f"assert new.__name__ == new.__spec__.name == 'micrograd_like.{new}'\n"
              f"from micrograd_like.{old} import *\n")
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr


def test_the_old_readmes_imports_still_work():
    script = ("from micrograd_like.optim import SGD, Adam\n"
              "from micrograd_like.losses import mse_loss\n"
              "from micrograd_like.datasets import make_moons\n"
              "from micrograd_like.quiz import Quiz\n"
              "from micrograd_like.playground import Playground\n"
              "from micrograd_like.worksheet import make_sheets\n"
              "from micrograd_like.stepper import Stepper\n"
              "from micrograd_like.viz import draw_dot\n"
              "from micrograd_like.ops import register, Primitive\n"
              "from micrograd_like.functional import grad\n"
              "print(SGD.__module__, Playground.__module__)\n")
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["micrograd_like.nn.optim", "micrograd_like.web.playground"]


def _offers_in_the_code() -> set[str]:
    """The names the package's code offers (``offer("Value.backward_steps", ...)``) or asks a
    provider for (``provider("Quiz.widget")``), read from its source."""
    names = set()
    for path in PACKAGE.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in ("offer", "provider")
                    and node.args and isinstance(node.args[0], ast.Constant)):
                names.add(node.args[0].value)
    return names - {"Shelf.size"}  # offers.py's own example


def test_every_offer_is_provided_and_every_provider_is_there():
    """A name misspelt on either side would only show when the method is called: the face's
    PROVIDED names exactly what the code offers, and each provider imports and is callable."""
    import importlib

    import micrograd_like

    assert _offers_in_the_code() == set(micrograd_like.PROVIDED)
    for name, where in micrograd_like.PROVIDED.items():
        module, _, function = where.partition(":")
        assert callable(getattr(importlib.import_module(f"micrograd_like.{module}"), function)), name


def test_an_offered_method_reads_as_a_method():
    from micrograd_like import Value

    L = Value(2.0, label="a") * Value(3.0, label="b")
    assert L.backward_steps.__name__ == "backward_steps"
    assert "Stepper` over this Value's backward pass" in L.backward_steps.__doc__
    assert type(Value.backward_steps(L)).__name__ == "Stepper"  # called through the class, as any method
