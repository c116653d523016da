"""The names in compiled code: each node's variable, named as a student would name it.

A labelled node keeps its label, made a Python name; a network's parameters are named as a
derivation names them (``w1_21``, ``b1_2``); every other node is ``t1``, ``t2``, ...

>>> identifier("w[0]"), identifier("L0·N1"), identifier("2x")
('w_0', 'L0_N1', 'v2x')
>>> parameter_names(["layers[0].neurons[2].w[1]", "layers[1].neurons[0].b"])
{'layers[0].neurons[2].w[1]': 'w1_21', 'layers[1].neurons[0].b': 'b2_0'}
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

from ..engine.value import Value

__all__ = ["Names", "identifier", "parameter_names"]


def identifier(label: str) -> str | None:
    """A label as a Python name: 'w[0]' -> 'w_0', 'L0·N1' -> 'L0_N1'; None if nothing is left."""
    if not label:
        return None
    text = re.sub(r"\W+", "_", unicodedata.normalize("NFKC", label)).strip("_")
    if text and text[0].isdigit():
        text = f"v{text}"
    if text.startswith("grad_"):
        text = f"value_{text}"
    return text if text.isidentifier() else None


_PARAMETER = re.compile(r"(?:layers\[(\d+)\]\.)?neurons\[(\d+)\]\.(?:w\[(\d+)\]|b)")


def parameter_names(labels: Iterable[str]) -> dict[str, str]:
    """A network's parameters named as a derivation names them, by their labels (nn's paths).

    ``layers[0].neurons[2].w[1]`` is ``w1_21``: layer 1's weight from input 1 into neuron 2
    (the course note's W1), ``layers[0].neurons[2].b`` is ``b1_2``; a layer on its own has
    ``w_21`` and ``b_2``.  A layer with more than ten neurons or inputs has ``w1_12_3``, so
    that every name says which one it is.
    """
    found = {label: match for label in labels if (match := _PARAMETER.fullmatch(label))}
    wide = {m[1] for m in found.values() if int(m[2]) >= 10 or (m[3] and int(m[3]) >= 10)}
    names = {}
    for label, m in found.items():
        layer = "" if m[1] is None else str(int(m[1]) + 1)
        between = "_" if m[1] in wide else ""
        names[label] = f"w{layer}_{m[2]}{between}{m[3]}" if m[3] else f"b{layer}_{m[2]}"
    return names


class Names:
    """The names of one function: labels where they make names, else t1, t2, ...  ``renamed``
    gives some labels' names (a network's parameters')."""

    def __init__(self, taken: set[str], renamed: dict[str, str] | None = None) -> None:
        self.used = set(taken)
        self.counter = 0
        self.renamed = renamed or {}

    def of(self, node: Value, fallback: str | None = None) -> str:
        name = self.renamed.get(node.label) or identifier(node.label) or fallback
        if name is None:  # a systematic name: the next free one of t1, t2, ...
            while name is None or name in self.used:
                self.counter += 1
                name = f"t{self.counter}"
        return self.free(name)

    def free(self, name: str) -> str:
        """``name``, or name_2, name_3... if it is taken; from now on taken."""
        base, k = name, 1
        while name in self.used:
            k += 1
            name = f"{base}_{k}"
        self.used.add(name)
        return name
