"""Ctrl-C at any moment of ``micrograd-like``: one line, ``interrupted``, never a traceback.

The command is started for real, both ways a user starts it (the console script pip installs,
and ``python -m micrograd_like``), and sent SIGINT after each delay of a fixed list: before
Python is up, while it loads the command, while ``dot`` draws, and after the work is done.
Whatever moment each signal lands on, the outcome must be one a user can accept (see
:func:`assert_acceptable`); nothing here depends on how fast the machine is.
"""

import os
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from helpers import COMMAND, ROOT, command_environment, need_dot

DELAYS = (0, 0.02, 0.05, 0.1, 0.2, 0.4, 0.8)  # seconds after the start; the same list every run

# The files Python reads before micrograd_like.cli.main() starts: their module level only imports.
ENTRY_FILES = ("micrograd_like/__init__.py", "micrograd_like/__main__.py", "micrograd_like/cli/__init__.py")


@pytest.fixture(scope="module")
def console_script(tmp_path_factory) -> tuple[list[str], dict[str, str]]:
    """The ``micrograd-like`` program as pip writes it, and the environment to run it in.

    Under CI (``pip install -e .``) it is already next to Python; elsewhere a copy of the package
    is installed with pip into a temporary directory, so the launcher is pip's own."""
    installed = shutil.which("micrograd-like", path=str(Path(sys.executable).parent))
    if installed:
        return [installed], dict(os.environ)
    source, target = tmp_path_factory.mktemp("source"), tmp_path_factory.mktemp("installed")
    shutil.copytree(ROOT / "micrograd_like", source / "micrograd_like", ignore=shutil.ignore_patterns("__pycache__"))
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, source / name)
    pip = [sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--no-index", "--no-build-isolation"]
    done = subprocess.run([*pip, "--target", str(target), str(source)], capture_output=True, text=True, timeout=300)
    if done.returncode != 0:
        pytest.skip(f"pip could not install the package here: {done.stderr.strip()[-300:]}")
    return [str(target / "bin" / "micrograd-like")], dict(os.environ, PYTHONPATH=str(target))


@pytest.fixture(params=["console script", "python -m"])
def command(request, console_script) -> tuple[list[str], dict[str, str]]:
    if request.param == "console script":
        return console_script
    return COMMAND, command_environment()


def assert_acceptable(returncode: int, stderr: str, drawing: Path) -> None:
    """What a user may see after Ctrl-C, depending on the moment it came:

    - the command had finished: status 0, the drawing written, nothing on stderr;
    - the command answered: one line, ``interrupted``, and status 130;
    - the signal came before Python had set up its Ctrl-C handling, or as it was shutting down:
      the process ended by SIGINT, silently, as any program does;
    - the signal came before main() started, while Python itself started (site, runpy) or ran
      pip's launcher (its ``import re``), which no package can catch: Python's own traceback of
      a KeyboardInterrupt (sometimes "Exception ignored", and the command then runs), with no
      frame of the package but the entry files' imports.  The package that loaded everything
      as it was imported failed here, with frames in the engine's modules.
    """
    if "Traceback" in stderr:
        assert "KeyboardInterrupt" in stderr, stderr
        frames = re.findall(r'File "([^"]+)", line \d+, in (\S+)', stderr)
        ours = [(Path(path).as_posix(), where) for path, where in frames if "micrograd_like" in Path(path).parts]
        assert all(path.endswith(ENTRY_FILES) and where == "<module>" for path, where in ours), (
            f"interrupted inside the command:\n{stderr}")
    elif returncode == 0:
        assert stderr == "" and drawing.exists()
    elif stderr == "":
        assert returncode == -signal.SIGINT
    else:
        assert stderr.strip() == "interrupted" and returncode == 130, (returncode, stderr)


@pytest.mark.parametrize("delay", DELAYS)
def test_ctrl_c_at_any_moment_ends_in_one_line_never_a_traceback(command, delay, tmp_path):
    need_dot()
    program, environment = command
    drawing = tmp_path / "neuron.svg"
    arguments = ["draw", "tanh(a*b + c)", "--var", "a=2", "--var", "b=-3", "--var", "c=10", "-o", str(drawing)]
    process = subprocess.Popen([*program, *arguments], env=environment, cwd=tmp_path,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    time.sleep(delay)
    process.send_signal(signal.SIGINT)
    _, stderr = process.communicate(timeout=120)
    assert_acceptable(process.returncode, stderr.decode(), drawing)
