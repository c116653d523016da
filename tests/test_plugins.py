"""Plugins: a package adds rows to the table through the entry-point group ``micrograd_like.ops``,
and its functions work on every surface, the command line included.

The package here is real as far as Python can tell: a module and its ``.dist-info`` folder (the
layout pip installs), found on ``PYTHONPATH`` by ``importlib.metadata``; the commands run as
the user runs them, in a process of their own.
"""

import contextlib
import math
import os
import subprocess
import sys
from pathlib import Path

import pytest

from micrograd_like import ops
from micrograd_like.compiler.compiled import _check_finite
from micrograd_like.engine import registry

ERFC = '''\
"""erfc(x) = 1 - erf(x), as a row of micrograd_like's table: d erfc(x)/dx = -2/sqrt(pi) * exp(-x**2)."""
import math

from micrograd_like.engine import ops

ops.register(ops.Primitive(
    "erfc", "erfc", math.erfc, lambda x, out: (-2 / math.sqrt(math.pi) * ops.exp(-x * x),),
    "erfc({0})", ("-2/sqrt(pi)*exp(-{0}²)",),
    forward_code="math.erfc({0})", grads_code=("-2 / math.sqrt(math.pi) * math.exp(-{0} * {0})",),
))
'''

AT = 0.5
SLOPE = -2 / math.sqrt(math.pi) * math.exp(-AT * AT)  # d erfc(x)/dx at x = 0.5


def _package(folder: Path, module: str, source: str, entry: str) -> None:
    """An installed package's layout: the module, and its metadata declaring the entry point."""
    (folder / f"{module}.py").write_text(source, encoding="utf-8")
    info = folder / f"{module}-0.1.dist-info"
    info.mkdir()
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {module}\nVersion: 0.1\n", encoding="utf-8")
    (info / "entry_points.txt").write_text(f"[micrograd_like.ops]\n{entry} = {module}\n", encoding="utf-8")


@pytest.fixture
def site(tmp_path):
    """A folder with the erfc plugin installed in it, and how to run a command with it on the path."""
    _package(tmp_path, "mg_erfc_plugin", ERFC, "erfc")
    environment = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(tmp_path),
                                                                          os.environ.get("PYTHONPATH")]))}

    def run(*command: str) -> subprocess.CompletedProcess:
        return subprocess.run(command, capture_output=True, text=True, encoding="utf-8", env=environment,
                              timeout=120)

    run.folder = tmp_path
    return run


def _command() -> str:
    """The micrograd-like command installed beside this Python."""
    script = Path(sys.executable).parent / "micrograd-like"
    return str(script) if script.exists() else "micrograd-like"


def test_an_installed_plugins_function_can_be_stepped_through(site):
    done = site(_command(), "step", "erfc(x)", "--var", f"x={AT}")
    assert done.returncode == 0, done.stderr
    assert "L = erfc(x) = erfc(0.5) = 0.4795" in done.stdout
    assert f"local d(erfc(x))/dx = -2/sqrt(pi)*exp(-x²) = {SLOPE:.5f}" in done.stdout


def test_an_installed_plugins_function_can_be_drawn(site):
    done = site(_command(), "draw", "erfc(x*y)", "--var", f"x={AT}", "--var", "y=2", "--format", "dot")
    assert done.returncode == 0, done.stderr
    assert "digraph" in done.stdout and "n3_op [label=erfc " in done.stdout


def test_an_installed_plugins_function_is_compiled_with_its_code(site):
    done = site(_command(), "compile", "erfc(x)*y", "--var", f"x={AT}", "--var", "y=3")
    assert done.returncode == 0, done.stderr
    assert "math.erfc(x)" in done.stdout
    namespace = {**ops.CODE_GLOBALS, "_finite_or_raise": _check_finite}  # what compiled code runs with
    exec(done.stdout, namespace)
    value, (dx, dy) = namespace["forward_backward"](AT, 3.0)
    assert value == math.erfc(AT) * 3 and dx == pytest.approx(3 * SLOPE, rel=1e-15) and dy == math.erfc(AT)


def test_the_help_lists_the_plugins_functions(site):
    done = site(_command(), "step", "--help")
    assert done.returncode == 0 and "maximum" in done.stdout and "erfc" in done.stdout.split("maximum")[1]


def test_plugins_load_when_first_needed_not_at_import(site):
    program = (
        "import sys\n"
        "from micrograd_like import Value, parse\n"
        "x = Value(0.5)\n"
        "x.tanh(), x * 2\n"
        "assert 'mg_erfc_plugin' not in sys.modules\n"
        "y = parse('erfc(x)', {'x': 0.5})\n"
        "assert 'mg_erfc_plugin' in sys.modules\n"
        "y.backward()\n"
        "print(y.data, y.parents[0].grad)\n"
    )
    done = site(sys.executable, "-c", program)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == [repr(math.erfc(AT)), repr(SLOPE)]


def test_a_failing_plugin_is_one_line_naming_it(site):
    _package(site.folder, "mg_broken_plugin", "import mg_not_installed_anywhere\n", "broken")
    done = site(_command(), "step", "tanh(x)", "--var", "x=1")
    assert done.returncode == 2 and done.stdout == ""
    assert done.stderr == (
        "micrograd-like: error: the micrograd_like.ops plugin 'broken' (mg_broken_plugin of the package "
        "mg_broken_plugin) failed to load: ModuleNotFoundError: No module named 'mg_not_installed_anywhere'; "
        "fix it or uninstall it\n")
    program = "from micrograd_like import parse\nparse('erfc(x)', {'x': 1.0})\n"
    done = site(sys.executable, "-c", program)
    assert "micrograd_like.engine.registry.PluginError: the micrograd_like.ops plugin 'broken'" in done.stderr


# -- the loading itself, in this process ---------------------------------------------------------------


class _EntryPoint:
    """What importlib.metadata gives for one entry point, as far as loading needs."""

    def __init__(self, name, load):
        self.name, self.value, self._load, self.dist = name, f"{name}_module", load, None

    def load(self):
        return self._load()


@pytest.fixture
def plugins(monkeypatch):
    """Plugins of this test's making instead of the installed ones, loaded afresh."""
    found: list[_EntryPoint] = []
    monkeypatch.setattr(registry, "_plugins", None)
    monkeypatch.setattr(registry, "_entry_points", lambda: list(found))
    yield found
    for name in ("twice", "half"):
        with contextlib.suppress(KeyError):  # (unregister loads no plugins: a broken one is no matter here)
            ops.unregister(name)


def _twice():
    ops.register(ops.Primitive("twice", "2×", lambda x: 2 * x, lambda x, out: (2.0,), "twice({0})", ("2",)))


def test_plugins_are_loaded_once_on_the_first_name_the_registry_does_not_know(plugins):
    loads = []
    plugins.append(_EntryPoint("twice", lambda: loads.append(1) or _twice()))
    assert ops.find("tanh") is ops.TANH and loads == []  # a known name needs no plugin
    assert ops.find("twice").name == "twice" and loads == [1]
    assert ops.find("nothing_like_it") is None and "twice" in ops.function_names() and loads == [1]


def test_the_list_of_functions_loads_the_plugins(plugins):
    plugins.append(_EntryPoint("twice", _twice))
    assert ops.function_names()[-1] == "twice"


def test_a_plugin_may_ask_the_registry_while_it_loads(plugins):
    def half():
        assert "twice" not in ops.function_names()  # (loading: no second round of loading)
        ops.register(ops.Primitive("half", "½", lambda x: x / 2, lambda x, out: (0.5,), "half({0})", ("1/2",)))

    plugins.extend([_EntryPoint("half", half), _EntryPoint("twice", _twice)])
    assert ops.function_names()[-2:] == ("half", "twice")


def test_a_failing_plugin_is_an_error_every_time_until_fixed(plugins):
    def broken():
        raise ValueError("a bad row\nover two lines")

    plugins.append(_EntryPoint("broken", broken))
    for _ in range(2):
        with pytest.raises(ops.PluginError, match=r"^the micrograd_like.ops plugin 'broken' \(broken_module\) "
                                                  r"failed to load: ValueError: a bad row over two lines; fix"):
            ops.find("twice")
    with pytest.raises(ops.PluginError):
        ops.function_names()  # a list without the plugin's rows would be a wrong one
    assert ops.find("tanh") is ops.TANH  # the rows registered are still found


def test_a_load_interrupted_is_tried_again_when_next_needed(plugins):
    interrupt = [KeyboardInterrupt()]

    def twice():
        if interrupt:
            raise interrupt.pop()
        _twice()

    plugins.append(_EntryPoint("twice", twice))
    with pytest.raises(KeyboardInterrupt):
        ops.function_names()
    assert ops.find("twice").name == "twice"
