"""The repository's own hygiene: what the programs write by default is not committed by mistake."""

import inspect
from pathlib import Path

from micrograd_like import demos

ROOT = Path(__file__).resolve().parent.parent


def test_the_demos_default_output_folder_is_ignored_by_git():
    ignored = (ROOT / ".gitignore").read_text().split()
    parameters = [inspect.signature(module.run).parameters for module in demos.DEMOS.values()]
    folders = {str(p["out"].default) for p in parameters if "out" in p}
    assert folders, "no demo has an out= parameter"
    for folder in folders:
        assert f"{folder}/" in ignored, f"{folder}/ (a demo's default output) is missing from .gitignore"


def test_the_readmes_layout_names_every_part_of_the_package():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    layout = readme[readme.index("## Layout"):]
    package = ROOT / "micrograd_like"
    parts = [p for p in package.iterdir() if (p / "__init__.py").exists()]
    assert len(parts) >= 8, parts
    missing = [p.name for p in parts if f"`micrograd_like/{p.name}/`" not in layout]
    assert not missing, f"README's Layout does not say what these parts are for: {missing}"


def test_each_part_says_what_each_of_its_modules_is_for():
    """A newcomer opens a folder's __init__.py and finds every module in it named, with its purpose."""
    package = ROOT / "micrograd_like"
    for part in (p for p in package.iterdir() if (p / "__init__.py").exists()):
        face = (part / "__init__.py").read_text(encoding="utf-8")
        docstring = face.split('"""')[1]
        modules = [m.stem for m in part.glob("*.py") if m.name not in ("__init__.py", "__main__.py")]
        missing = [m for m in modules if f".{m}`" not in docstring and f"``{m}" not in docstring]
        assert not missing, f"micrograd_like/{part.name}/__init__.py does not name {missing}"
