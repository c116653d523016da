"""The playground under the name the course's notebook 4 imports it by.

:class:`~micrograd_like.web.playground.Playground` lives in :mod:`micrograd_like.web.playground`,
beside the panel that shows it (a page running Python in the browser uses it too); a notebook
may import it from here: ``from micrograd_like.notebook.playground import Playground``.
"""

from ..web.playground import CLASS_COLOURS, DATASETS, MAX_HIDDEN_LAYERS, MAX_PARAMETERS, Diverged, Playground

__all__ = ["Playground", "Diverged", "DATASETS", "CLASS_COLOURS", "MAX_HIDDEN_LAYERS", "MAX_PARAMETERS"]
