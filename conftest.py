"""Test-session settings shared by the test suite and the doctests."""

import os

import pytest
from hypothesis import settings

# `python -m micrograd_like` runs the command line when imported: not a module to doctest.
collect_ignore = ["micrograd_like/__main__.py", "bench/__main__.py"]

# No timing in tests: a small, noisy machine must not make them flaky. Under CI the
# examples are derandomised so that every run checks the same cases.
settings.register_profile("default", deadline=None)
settings.register_profile("ci", deadline=None, derandomize=True, print_blob=True)
settings.load_profile("ci" if os.environ.get("CI") else "default")


@pytest.fixture(autouse=True)
def _markdown_examples_write_into_a_fresh_directory(request, tmp_path, monkeypatch):
    """The examples of README.md and of the pages in docs/ that save drawings write them into a
    temporary directory, not the checkout (each page is one doctest, run in a directory of its own)."""
    if getattr(request.node, "path", None) is not None and request.node.path.suffix == ".md":
        monkeypatch.chdir(tmp_path)
