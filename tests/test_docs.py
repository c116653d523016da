"""The documentation site in docs/: it builds without a warning, every page is reachable, and the
API reference covers every public name and every part.

The pages' code examples are doctests of their own (``--doctest-glob=docs/*.md`` in
pyproject.toml), run with the rest of the suite.
"""

import importlib.util
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

import micrograd_like
from micrograd_like import ops

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
CONFIG = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")


def _pages() -> list[str]:
    return sorted(page.relative_to(DOCS).as_posix() for page in DOCS.rglob("*.md"))


def _nav() -> list[str]:
    """The pages the site's navigation names, at every depth of mkdocs.yml's ``nav``."""
    yaml = pytest.importorskip("yaml")  # PyYAML comes with mkdocs

    def pages(entries):
        for entry in entries:
            for value in (entry.values() if isinstance(entry, dict) else [entry]):
                yield from (pages(value) if isinstance(value, list) else [value])

    return list(pages(yaml.safe_load(CONFIG)["nav"]))


def _path(name: str, home: str) -> str:
    """Where a public name lives: ``Value`` in ``micrograd_like.engine.value``; ``ops`` is a module."""
    return f"micrograd_like.{home}" if home.rpartition(".")[2] == name else f"micrograd_like.{home}.{name}"


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    """The site, built by ``mkdocs build --strict`` into a temporary directory."""
    if importlib.util.find_spec("mkdocs") is None:
        if os.environ.get("CI"):
            pytest.fail("mkdocs is not installed: pip install -e '.[test]' installs it")
        pytest.skip("mkdocs is not installed (pip install -e '.[test]'); CI runs this")
    out = tmp_path_factory.mktemp("site")
    done = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(out)],
        cwd=ROOT, capture_output=True, text=True, timeout=600,
        env=dict(os.environ, NO_MKDOCS_2_WARNING="1"),
    )
    log = done.stdout + done.stderr
    assert done.returncode == 0, f"mkdocs build --strict failed:\n{log[-4000:]}"
    warnings = [line for line in log.splitlines() if "WARNING" in line]
    assert not warnings, "\n".join(warnings)
    return out


def test_every_page_is_in_the_navigation_and_every_navigation_entry_is_a_page():
    nav = _nav()
    assert len(nav) >= 10 and all(page.endswith(".md") for page in nav), nav
    assert len(set(nav)) == len(nav), f"a page is in the nav twice: {nav}"
    assert sorted(nav) == _pages(), f"pages not in the nav: {set(_pages()) - set(nav)}; " \
                                    f"nav entries without a page: {set(nav) - set(_pages())}"


def test_the_site_builds_without_a_warning(site):
    for page in _nav():
        built = site / (page[:-3] + "/index.html" if page.rpartition("/")[2] != "index.md" else page[:-3] + ".html")
        assert built.exists(), f"{page} was not built"


def test_the_list_of_operations_on_the_site_is_the_primitive_table(site):
    page = (site / "operations" / "index.html").read_text(encoding="utf-8")
    assert "the primitive table -->" not in page  # the hook replaced its marker
    for name in ops.registry():
        assert f"<td><code>{name}</code></td>" in page, f"the operations page has no row for {name}"


def test_the_benchmark_page_is_bench_readme_included(site):
    page = (site / "benchmark" / "index.html").read_text(encoding="utf-8")
    assert "--8&lt;--" not in page and "--8<--" not in page
    assert "Targets" in page and "W1 own MLP vs micrograd" in page


def test_the_api_reference_covers_every_public_name():
    reference = (DOCS / "reference" / "index.md").read_text(encoding="utf-8")
    shown = set(re.findall(r"^::: (\S+)$", reference, re.MULTILINE))
    for name, home in micrograd_like._HOME.items():
        path = _path(name, home)
        assert path in shown, f"the API reference does not show {name} (add '::: {path}' to docs/reference/index.md)"


def test_the_api_reference_describes_every_part_in_the_houses_order():
    parts = (DOCS / "reference" / "parts.md").read_text(encoding="utf-8")
    shown = re.findall(r"^::: micrograd_like\.(\w+)$", parts, re.MULTILINE)
    assert tuple(shown) == micrograd_like.LAYERS


def test_the_public_names_are_rendered_from_their_docstrings(site):
    page = (site / "reference" / "index.html").read_text(encoding="utf-8")
    for name, home in micrograd_like._HOME.items():
        assert f'id="{_path(name, home)}"' in page, f"the reference page has no entry for {name}"
    assert "&gt;&gt;&gt;" in page and "<blockquote>" not in page  # the docstrings' examples are code, not quotes
