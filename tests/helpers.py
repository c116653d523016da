"""What several test files need: the real programs (or a clear skip), the command run as a user
runs it, central differences, a browser.

Under CI (the CI variable set) a missing program is a failure, so that the tests that need it
cannot silently stop running; elsewhere they skip with the reason.
"""

import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent  # the checkout
COMMAND = [sys.executable, "-m", "micrograd_like"]  # the command, as ``python -m micrograd_like``


def need(program: str) -> str:
    """The path of ``program`` (``dot``, ``chromium``, ...): a failure under CI when it is missing, else a skip."""
    found = shutil.which(program)
    if found is None:
        message = f"{program} is not installed (CI installs it: see .ci/run)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return found


def need_dot() -> str:
    """Graphviz's ``dot``, which every test that renders needs."""
    return need("dot")


def command_environment(**variables: str) -> dict[str, str]:
    """The environment the command runs in: this checkout's package first on the path, and ``variables``."""
    return {**os.environ, "PYTHONPATH": str(ROOT), **variables}


def run_command(*argv: str, encoding: str | None = None, **options) -> subprocess.CompletedProcess:
    """``micrograd-like ARGV...`` in a process of its own, as a user runs it; its output captured.

    The output is text, or, given an ``encoding``, bytes from a command run under
    ``PYTHONIOENCODING=encoding`` (a terminal of that encoding), for the test to decode.  Other
    ``options`` (``input``, ``timeout``, ``stdin``) go to :func:`subprocess.run`.
    """
    variables = {"PYTHONIOENCODING": encoding} if encoding else {}
    return subprocess.run([*COMMAND, *argv], capture_output=True, text=encoding is None,
                          env=command_environment(**variables), **options)


def run_main(capsys, *argv: str) -> tuple[int, str, str]:
    """``micrograd-like ARGV...`` in this process (quicker): its exit status, output and error output.
    argparse's mistakes, which exit, give their status too."""
    from micrograd_like.cli import main

    try:
        status = main(list(argv))
    except SystemExit as exit:
        status = exit.code
    out, err = capsys.readouterr()
    return status, out, err


def slow_layout(monkeypatch, folder: Path) -> None:
    """Make the drawings' layout program a stand-in for ``dot`` that takes 30 s (a shell script
    in ``folder``): for the tests of the layout's time limit."""
    from micrograd_like.drawing import render

    slow = folder / "dot"
    slow.write_text("#!/bin/sh\nsleep 30\n")
    slow.chmod(0o755)
    monkeypatch.setattr(render, "layout_program", lambda: str(slow))


def central_differences(f: Callable[[Sequence[float]], float], xs: Sequence[float], h: float = 1e-6) -> list[float]:
    """Each partial derivative of ``f`` at ``xs`` by central differences, (f(x + h) - f(x - h)) / 2h."""
    estimates = []
    for i in range(len(xs)):
        up, down = list(xs), list(xs)
        up[i] += h
        down[i] -= h
        estimates.append((f(up) - f(down)) / (2 * h))
    return estimates


def chromium(window: str = "1200,900") -> Iterator:
    """Headless Chromium through Debian's chromedriver, with a fresh profile and no network chatter
    (a generator for a pytest fixture: it yields the selenium driver and quits it afterwards)."""
    binary = need("chromium")
    chromedriver = need("chromedriver")
    try:
        from selenium import webdriver
        from selenium.webdriver.chrome.service import Service
    except ImportError:
        if os.environ.get("CI"):
            pytest.fail("selenium is not installed (pip install -e '.[test]')")
        pytest.skip("selenium is not installed (pip install -e '.[test]')")
    options = webdriver.ChromeOptions()
    options.binary_location = binary
    profile = tempfile.mkdtemp(prefix="chromium-profile-")
    for argument in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                     "--disable-component-update", "--disable-sync", "--no-first-run",
                     f"--user-data-dir={profile}", f"--window-size={window}"):
        options.add_argument(argument)
    driver = webdriver.Chrome(service=Service(chromedriver), options=options)
    try:
        yield driver
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)
