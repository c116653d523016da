"""Methods that a lower layer offers and a higher layer provides.

``L.backward_steps()`` reads best as a method of the Value, but the stepper it returns is made
in :mod:`micrograd_like.teach`, which builds on the engine.  If the engine imported the
stepper, each would depend on the other, and the engine could no longer be read (or loaded)
on its own.  So the engine only *offers* the method::

    class Value:
        backward_steps = offer("Value.backward_steps", "A Stepper over this Value's backward pass.")

and the package's face (``micrograd_like/__init__.py``), the one module that knows every
layer, says which function *provides* it::

    provide("Value.backward_steps", "micrograd_like.teach.stepper:Stepper")

The providing module is imported the first time the method is called, and called with the
object first, as a method is.  pandas lets ``DataFrame.plot`` come from its plotting package
in the same way.  This module is the ground floor of the house: it imports nothing of the
package, so every layer can offer.

>>> class Shelf(list):
...     size = offer("Shelf.size", "How many books the shelf holds.")
>>> provide("Shelf.size", "builtins:len")
>>> Shelf(["Feynman", "Spivak"]).size()
2
>>> Shelf.size.__doc__
'How many books the shelf holds.'
"""

from __future__ import annotations

import importlib
import types
from collections.abc import Callable

__all__ = ["offer", "provide", "provider"]

_WHERE: dict[str, str] = {}  # offer -> "module:function", as provide() was told
_FOUND: dict[str, Callable] = {}  # offer -> the function, once imported


def provide(name: str, where: str) -> None:
    """Say that ``where`` (``"package.module:function"``) provides the method offered as ``name``."""
    module, _, function = where.partition(":")
    if not module or not function:
        raise ValueError(f"provide({name!r}, {where!r}): where must read 'package.module:function'")
    _WHERE[name] = where
    _FOUND.pop(name, None)


def provider(name: str) -> Callable:
    """The function that provides the offer ``name``, its module imported on first use."""
    try:
        return _FOUND[name]
    except KeyError:
        pass
    if name not in _WHERE:
        raise NotImplementedError(f"{name}() is provided by a part of micrograd_like that was not wired in: "
                                  "import micrograd_like first (its face says who provides what)")
    module, _, function = _WHERE[name].partition(":")
    found = _FOUND[name] = getattr(importlib.import_module(module), function)
    return found


class offer:
    """A method whose body is provided by a higher layer (see the module's docs).  Read on an
    object, it is a bound method like any other, with the offer's docs (``help(L.backward_steps)``)."""

    def __init__(self, name: str, doc: str) -> None:
        self.name = name
        self.__name__ = name.rpartition(".")[2]
        self.__qualname__ = name
        self.__doc__ = doc

    def __get__(self, instance: object, owner: type | None = None):
        if instance is None:
            return self  # read on the class: the offer itself, with its docs
        return types.MethodType(self, instance)

    def __call__(self, obj: object, *args, **kwargs):
        """Run the provider with ``obj`` first, as a method is (``Value.backward_steps(L)`` too)."""
        return provider(self.name)(obj, *args, **kwargs)

    def __repr__(self) -> str:
        return f"<offer {self.name}>"
