"""Name the nodes of a graph after the variables that hold them.

Students write ``e = a * b`` and then have to type ``e.label = "e"`` before a drawing or a
stepper can call the node ``e``.  :func:`name_nodes` does it for every variable at once, from
the namespace the student is working in (MyGrad's ``names=locals()`` is the model):

>>> from micrograd_like import Value
>>> a, b = Value(2.0), Value(-3.0, label="b")
>>> e = a * b
>>> name_nodes(locals())
['a', 'e']
>>> a.label, b.label, e.label
('a', 'b', 'e')

A label already given is kept (``b`` above) unless ``overwrite=True``.  Names that start with
``_`` are skipped: in a notebook they are IPython's own (``_``, ``_3``, ``_i``), not the student's.
"""

from __future__ import annotations

from collections.abc import Mapping

from ..engine.value import Value

__all__ = ["name_nodes"]


def name_nodes(namespace: Mapping[str, object], *, overwrite: bool = False) -> list[str]:
    """Label each Value in ``namespace`` (e.g. ``locals()``) with its variable name; return the
    names it set, in the namespace's order (for ``locals()``, the order they were first assigned).

    Only Values whose label is empty are named, unless ``overwrite`` is true.  A Value held by
    several variables (``x = y = Value(1.0)``) takes the first name, and keeps it.
    """
    if not isinstance(namespace, Mapping):
        raise TypeError(f"name_nodes() takes a mapping of names to values, such as locals(), "
                        f"got {type(namespace).__name__}")
    if not isinstance(overwrite, bool):
        raise TypeError(f"overwrite must be True or False, got {overwrite!r}")
    named: list[str] = []
    seen: set[int] = set()  # Values already named in this call (by id: Values do not overload ==)
    for name, value in namespace.items():
        if not isinstance(name, str) or name.startswith("_") or not isinstance(value, Value):
            continue
        if id(value) in seen or (value.label and not overwrite):
            continue
        seen.add(id(value))
        if value.label != name:
            value.label = name
            named.append(name)
    return named
