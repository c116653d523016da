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
