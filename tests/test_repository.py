"""The repository's own hygiene: what the programs write by default is not committed by mistake."""

import inspect
import re
from pathlib import Path

import micrograd_like
from micrograd_like import demos

ROOT = Path(__file__).resolve().parent.parent


def test_the_demos_default_output_folder_is_ignored_by_git():
    ignored = (ROOT / ".gitignore").read_text().split()
    parameters = [inspect.signature(module.run).parameters for module in demos.DEMOS.values()]
    folders = {str(p["out"].default) for p in parameters if "out" in p}
    assert folders, "no demo has an out= parameter"
    for folder in folders:
        assert f"{folder}/" in ignored, f"{folder}/ (a demo's default output) is missing from .gitignore"


def test_the_design_pages_layout_names_every_part_of_the_package_in_the_houses_order():
    """docs/design.md's Layout table: one row per part, in the order LAYERS declares."""
    page = (ROOT / "docs" / "design.md").read_text(encoding="utf-8")
    layout = page[page.index("## Layout"):]
    layout = layout[:layout.index("\n## ", 1)]
    package = ROOT / "micrograd_like"
    parts = [p.name for p in package.iterdir() if (p / "__init__.py").exists()]
    assert len(parts) >= 8, parts
    rows = re.findall(r"^\| `micrograd_like/(\w+)(?:/|\.py)` \|", layout, re.MULTILINE)
    missing = [p for p in parts if p not in rows]
    assert not missing, f"docs/design.md's Layout does not say what these parts are for: {missing}"
    assert tuple(rows) == micrograd_like.LAYERS, f"the Layout's rows {rows} are not in the order of LAYERS"


def test_each_part_says_what_each_of_its_modules_is_for():
    """A newcomer opens a folder's __init__.py and finds every module in it named, with its purpose."""
    package = ROOT / "micrograd_like"
    for part in (p for p in package.iterdir() if (p / "__init__.py").exists()):
        face = (part / "__init__.py").read_text(encoding="utf-8")
        docstring = face.split('"""')[1]
        modules = [m.stem for m in part.glob("*.py") if m.name not in ("__init__.py", "__main__.py")]
        missing = [m for m in modules if f".{m}`" not in docstring and f"``{m}" not in docstring]
        assert not missing, f"micrograd_like/{part.name}/__init__.py does not name {missing}"


def test_the_readmes_two_commands_are_what_ci_runs_and_what_the_package_offers():
    """README's demo and test commands: CI runs the test command word for word, and each names an
    extra that pyproject.toml defines, and a demo that exists."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    commands = [line for line in readme.splitlines() if line.startswith("python3 -m venv .venv && ")]
    demo = [c for c in commands if "micrograd-like demo" in c]
    tests = [c for c in commands if c.endswith("-m pytest")]
    assert len(demo) == 1 and len(tests) == 1, commands
    assert tests[0] in (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()
    pyproject = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    for command in commands:
        extra = re.search(r"pip install -e '\.\[(\w+)\]'", command).group(1)
        assert f"\n{extra} = [" in pyproject, f"README installs the extra {extra!r}, which pyproject.toml lacks"
    assert demo[0].rpartition(" demo ")[2] in demos.DEMOS
