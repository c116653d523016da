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


def test_the_readmes_layout_names_every_module_of_the_package():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    layout = readme[readme.index("## Layout"):]
    package = ROOT / "micrograd_like"
    modules = [p for p in package.glob("*.py") if p.name not in ("__init__.py", "__main__.py")]
    missing = [p.name for p in modules if f"`micrograd_like/{p.name}`" not in layout and f"`{p.name}`" not in layout]
    assert not missing, f"README's Layout does not say what these modules are for: {missing}"
    for command in (package / "cli").glob("*.py"):
        if command.name != "__init__.py":
            assert f"`{command.name}`" in layout, f"README's Layout does not name cli/{command.name}"
