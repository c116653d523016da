"""The front-end's ES modules, each as one text: what a widget hands the page.

The modules in ``web/frontend/`` share code the plain way, by importing it from each other
(``import { showDrawing } from "./drawing.js";``): a page that serves the folder loads them as
they are.  A notebook widget, though, gives the page one module as text (anywidget's ``_esm``),
which has no address for ``./drawing.js`` to be found at.  So :func:`module_source` puts each
module a file imports in place of its import line, once, exported names and all:

- ``import { a, b } from "./other.js";`` becomes the text of ``other.js`` (its own local imports
  put in the same way), without its ``export`` words and without its ``export default`` line
  (each file writes that on one line: ``export default { render: renderStepper };``);
- a file's top-level names are therefore shared by every module put into one text: each file
  names its own so that no two files use one name (a test checks it).

>>> text = module_source("stepper")
>>> "./drawing.js" in text, text.count("export default")
(False, 1)
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

__all__ = ["FRONTEND", "MODULES", "module_source", "top_level_names"]

FRONTEND = Path(__file__).with_name("frontend")
"""The folder of the ES modules (shipped in the package: nothing is fetched from a network)."""

MODULES = ("stepper", "quiz", "training")
"""The widgets' modules, each ``export default { render({ model, el }) }`` (anywidget's front-end module)."""

_LOCAL_IMPORT = re.compile(r'^import \{[^}]*\} from "\./([\w-]+)\.js";\n', re.MULTILINE)
_EXPORT_DEFAULT = re.compile(r"^export default .*\n", re.MULTILINE)  # one line: export default { render: ... };


@cache
def module_source(name: str) -> str:
    """The text of ``web/frontend/<name>.js`` with its local imports put in place (see the module docs)."""
    return _inline(name, set(), top=True)


def _inline(name: str, done: set[str], *, top: bool) -> str:
    done.add(name)
    text = (FRONTEND / f"{name}.js").read_text(encoding="utf-8")

    def put_in(match: re.Match) -> str:
        imported = match.group(1)
        return "" if imported in done else _inline(imported, done, top=False)

    text = _LOCAL_IMPORT.sub(put_in, text)
    if not top:
        text = _EXPORT_DEFAULT.sub("", text)
        text = re.sub(r"^export (?=(async )?function |const |let |class )", "", text, flags=re.MULTILINE)
    return text


def top_level_names(name: str) -> list[str]:
    """The names ``web/frontend/<name>.js`` declares at its top level (functions, consts, lets, classes)."""
    text = (FRONTEND / f"{name}.js").read_text(encoding="utf-8")
    return re.findall(r"^(?:export )?(?:async )?(?:function\*? |const |let |class )(\w+)", text, re.MULTILINE)
