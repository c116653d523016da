"""The classroom demos, one module each: ``micrograd-like demo NAME`` runs them.

Each module has a one-line ``SUMMARY`` and a ``run(...)`` function whose keyword arguments
are the command line's options (``steps``, ``lr``, ``seed``, ``out``) that the demo uses.
``run`` prints as it goes, writes its pictures into ``out`` (when matplotlib is installed)
and returns what it found, so a notebook or a test can look at the numbers too.  A training
demo whose loss blows up (too large a ``--lr``) raises :class:`Diverged` and draws nothing.
What they share (the training loop, progress lines, plotting) is in :mod:`._common`; the
demos are :mod:`.moons`, :mod:`.neuron`, :mod:`.textbook`, :mod:`.vanishing`,
:mod:`.initialisation`, :mod:`.spiral`, :mod:`.galaxy` and :mod:`.engine`.

>>> from micrograd_like.demos import DEMOS
>>> list(DEMOS)
['moons', 'neuron', 'textbook', 'vanishing', 'init', 'spiral', 'galaxy', 'engine']
"""

from __future__ import annotations

from types import ModuleType

from . import engine, galaxy, initialisation, moons, neuron, spiral, textbook, vanishing
from ._common import PLOT_HINT, Diverged

__all__ = ["DEMOS", "Diverged", "PLOT_HINT"]

DEMOS: dict[str, ModuleType] = {
    "moons": moons,
    "neuron": neuron,
    "textbook": textbook,
    "vanishing": vanishing,
    "init": initialisation,
    "spiral": spiral,
    "galaxy": galaxy,
    "engine": engine,
}
"""Every demo module by its command-line name, the main one (moons) first."""
