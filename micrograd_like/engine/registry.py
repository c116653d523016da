"""The registry: the rows of the primitive table by name and by how an expression writes them,
safe across threads, and the rows other packages add through the ``micrograd_like.ops``
entry points.

>>> from micrograd_like.engine import ops
>>> find("tanh") is ops.TANH, find("-") is ops.SUB, find("-", arity=1) is ops.NEG, find("tanhh")
(True, True, True, None)
"""

from __future__ import annotations

import threading
from collections.abc import Iterator, Mapping
from typing import NamedTuple

from .primitive import Primitive

__all__ = ["register", "unregister", "registry", "find", "function_names", "built_in_rows", "mark_built_in",
           "load_plugins", "PluginError", "ENTRY_POINT_GROUP", "PRIMITIVES"]


# -- the registry -----------------------------------------------------------------------------------
# The tables are replaced whole under a lock, never changed in place: a reader in another
# thread sees the registry before or after a register(), never half of one.


class _Tables(NamedTuple):
    rows: dict[str, Primitive]  # by name
    written: dict[tuple[str, int | None], Primitive]  # by (written, arity); functions under arity None
    builtin: frozenset[str]


_tables = _Tables({}, {}, frozenset())
_lock = threading.Lock()


def register(primitive: Primitive) -> Primitive:
    """Add a row to the table, at run time or at import; return it.

    From then on ``apply``, ``parse("name(x)")``, the command line, the drawing, the stepper
    and ``gradcheck`` know it.  A name or a written form already taken is refused.
    """
    global _tables
    if not isinstance(primitive, Primitive):
        raise TypeError(f"register() needs a Primitive, got {type(primitive).__name__}")
    with _lock:
        rows, written, builtin = _tables
        if primitive.name in rows:
            raise ValueError(f"a primitive named {primitive.name!r} is already registered: choose another name"
                             + ("" if primitive.name in builtin else f" or unregister({primitive.name!r}) first"))
        key = _key(primitive)
        if key is not None and key in written:
            raise ValueError(f"{primitive.name}: {primitive.written!r} is already written for "
                             f"{written[key].name!r}: an expression could not tell them apart")
        new_written = dict(written) if key is None else {**written, key: primitive}
        _tables = _Tables({**rows, primitive.name: primitive}, new_written, builtin)
    return primitive


def unregister(name: str) -> None:
    """Take out a row that :func:`register` added at run time (the built-in rows stay)."""
    global _tables
    with _lock:
        rows, written, builtin = _tables
        if name in builtin:
            raise ValueError(f"{name!r} is a built-in primitive: it cannot be unregistered")
        if name not in rows:
            raise KeyError(f"no primitive named {name!r} is registered")
        key = _key(rows[name])
        _tables = _Tables({n: p for n, p in rows.items() if n != name},
                          {k: p for k, p in written.items() if k != key}, builtin)


def _key(primitive: Primitive) -> tuple[str, int | None] | None:
    if not primitive.written:
        return None
    return (primitive.written, None if primitive.written.isidentifier() else primitive.arity)


def registry() -> Mapping[str, Primitive]:
    """Every registered row by name, in the order they were registered (a read-only snapshot),
    the rows of installed plugins included (see :func:`load_plugins`)."""
    load_plugins()
    return _ReadOnly(_tables.rows)


def find(written: str, arity: int | None = None) -> Primitive | None:
    """The row an expression writes as ``written``: a function name (``find("tanh")``) or an
    operator (``find("+")``; ``find("-", arity=1)`` is negation), or None if there is none
    (see the module's example).
    """
    key = (written, None) if written.isidentifier() else (written, 2 if arity is None else arity)
    row = _tables.written.get(key)
    if row is None and _plugins is not _LOADED:  # perhaps a plugin's: load them, once, and look again
        load_plugins()
        row = _tables.written.get(key)
    return row


def function_names() -> tuple[str, ...]:
    """The functions an expression may call, in the order they were registered (the rows of
    installed plugins included):

    >>> function_names()[:4]
    ('exp', 'log', 'tanh', 'sigmoid')
    """
    load_plugins()
    return tuple(p.written for p in _tables.rows.values() if p.written.isidentifier())


def built_in_rows() -> tuple[Primitive, ...]:
    """The rows the package ships, in the table's order (each function row is a Value method)."""
    return tuple(row for name, row in _tables.rows.items() if name in _tables.builtin)


# -- plugins: rows from other packages -------------------------------------------------------------

ENTRY_POINT_GROUP = "micrograd_like.ops"
"""The entry-point group of plugins: each entry point names a module that registers rows."""


class PluginError(RuntimeError):
    """An installed plugin (an entry point of :data:`ENTRY_POINT_GROUP`) failed to load."""


_LOADED, _LOADING = object(), object()
_plugins: object | PluginError | None = None  # not yet loaded, _LOADING, _LOADED, or the error it failed with
_plugins_lock = threading.RLock()


def load_plugins() -> None:
    """Import every module named by an entry point of the group ``micrograd_like.ops``, once:
    each registers its rows with :func:`register`, and from then on the parser, the command
    line, the drawing, the compiler and worksheets know them, as they know the built-in rows.

    A package declares its module in its metadata, as pytest's plugins do (``pyproject.toml``)::

        [project.entry-points."micrograd_like.ops"]
        erfc = "mg_erfc_plugin"

    It is called on first need, not when the package is imported: the first time the registry is
    asked for a name it does not have (:func:`find`) or for its list (:func:`function_names`,
    :func:`registry`).  A plugin that fails to import is a :class:`PluginError` naming it, raised
    again every time until it is fixed (the rows it stands for are missing: a wrong list would be worse).
    """
    global _plugins
    if _plugins is _LOADED:
        return
    with _plugins_lock:
        if _plugins is _LOADED or _plugins is _LOADING:  # done meanwhile, or asked by a plugin as it loads
            return
        if isinstance(_plugins, PluginError):
            raise _plugins
        _plugins = _LOADING
        try:
            for entry_point in _entry_points():
                _load(entry_point)
        except PluginError as error:
            _plugins = error
            raise
        except BaseException:
            _plugins = None  # interrupted (Ctrl-C): tried again when next needed
            raise
        _plugins = _LOADED


def _entry_points() -> list:
    from importlib.metadata import entry_points  # (read only when a plugin could be needed)

    try:
        found = entry_points(group=ENTRY_POINT_GROUP)
    except Exception as error:  # an installed package's metadata that cannot be read
        raise PluginError(f"the installed packages' {ENTRY_POINT_GROUP} entry points cannot be read: "
                          f"{type(error).__name__}: {error}") from error
    return sorted({(point.name, point.value): point for point in found}.values(), key=lambda point: point.name)


def _load(entry_point) -> None:
    """Import one plugin's module (which registers its rows), or raise a one-line PluginError."""
    try:
        entry_point.load()
    except Exception as error:  # any failure of someone else's code: worded, and the plugin named
        package = getattr(getattr(entry_point, "dist", None), "name", None)
        source = f" of the package {package}" if package else ""
        reason = " ".join(f"{type(error).__name__}: {error}".split())
        raise PluginError(f"the {ENTRY_POINT_GROUP} plugin {entry_point.name!r} ({entry_point.value}{source}) "
                          f"failed to load: {reason}; fix it or uninstall it") from error


class _ReadOnly(Mapping):
    """A read-only mapping over one dict (which is never changed in place)."""

    def __init__(self, rows: dict[str, Primitive]) -> None:
        self._rows = rows

    def __getitem__(self, name: str) -> Primitive:
        return self._rows[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._rows)

    def __len__(self) -> int:
        return len(self._rows)

    def __repr__(self) -> str:
        return f"{{{', '.join(self._rows)}}}"


class _Live(_ReadOnly):
    """The registry as it is whenever it is read: ``PRIMITIVES``."""

    def __init__(self) -> None:
        pass

    @property
    def _rows(self) -> dict[str, Primitive]:  # type: ignore[override]
        load_plugins()
        return _tables.rows


PRIMITIVES: Mapping[str, Primitive] = _Live()
"""Every registered primitive by name, kept up to date, plugins' rows included (``power(n)`` and
``weighted_sum(n)`` make the others on demand)."""


def mark_built_in() -> None:
    """Call once, after the table's rows are registered: they are the package's own, which
    :func:`unregister` keeps and :func:`built_in_rows` lists."""
    global _tables
    with _lock:
        _tables = _tables._replace(builtin=frozenset(_tables.rows))
