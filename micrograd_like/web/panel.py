"""What every panel is: a state to show, changes and messages to take, listeners to tell.

A panel is the Python half of a widget, in plain Python: no traitlets, no ipywidgets, no
anywidget.  The front-end (an ES module in ``web/frontend/``) reads its :meth:`Panel.state`,
sets the few values a student changes with :meth:`Panel.update` and sends button presses with
:meth:`Panel.message`.  Whatever carries these between the page and Python (anywidget's
traitlets in a notebook, a JavaScript object under Pyodide) subscribes to the panel and copies
its state to the page each time it changes.

>>> class Counter(Panel):
...     def __init__(self):
...         super().__init__()
...         self.count = 0
...     def state(self):
...         return {"count": self.count}
...     def message(self, content):
...         if content.get("press") == "add":
...             self.count += 1
...             self.changed()
>>> counter = Counter()
>>> counter.subscribe(lambda: print("now", counter.state()))
>>> counter.message({"press": "add"})
now {'count': 1}
"""

from __future__ import annotations

from collections.abc import Callable

__all__ = ["Panel"]


class Panel:
    """The base of every panel: :meth:`state`, :meth:`update`, :meth:`message` and the listeners
    told by :meth:`changed` (see the module docs and :mod:`micrograd_like.web`)."""

    WRITABLE: tuple[str, ...] = ()
    """The state's values the front-end may set (by :meth:`update`); the others it only reads."""

    def __init__(self) -> None:
        self._listeners: list[Callable[[], None]] = []

    def state(self) -> dict:
        """Every value the front-end reads, JSON-able: numbers, flags, words as HTML, drawings."""
        raise NotImplementedError

    def update(self, changes: dict) -> None:
        """Take the values the front-end set (some of :attr:`WRITABLE`, e.g. ``{"position": 5}``)."""
        unknown = sorted(set(changes) - set(self.WRITABLE))
        if unknown:
            raise KeyError(f"{type(self).__name__} takes {', '.join(self.WRITABLE) or 'no values'} from the page, "
                           f"not {', '.join(map(str, unknown))}")

    def message(self, content: dict) -> None:
        """Take a message from the front-end: a button pressed (``{"press": "next"}``), an answer."""

    def subscribe(self, listener: Callable[[], None]) -> None:
        """Call ``listener()`` after each change of the state (whatever made it)."""
        self._listeners.append(listener)

    def changed(self) -> None:
        """Tell every listener the state has changed."""
        for listener in list(self._listeners):
            listener()
