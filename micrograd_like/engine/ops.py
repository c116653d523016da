"""The primitive table: all of the engine's calculus, one row per operation, and the registry.

Each :class:`Primitive` puts an operation's *forward rule* (how the output is computed from
the inputs) beside its *local derivatives* (how the output changes with each input), and
beside everything else that is about that one operation: how it is written in an
expression, each derivative in words, the notes a student is told about it, and the same
rules as Python code for a compiler.  The engine records the local derivatives on every
node it builds; ``backward()`` multiplies them by the upstream gradient (the chain rule)
in one place.  The parser, the command line, the drawing, the stepper and the tests read
the rows from the registry, so adding an operation means adding one row:

>>> cube = register(Primitive("cube", "cube", lambda x: x**3, lambda x, out: (3 * x * x,),
...                           "cube({0})", ("3*{0}²",)))
>>> find("cube") is cube, "cube" in function_names()
(True, True)
>>> unregister("cube")

The local-derivative rules are written with ordinary arithmetic and with the dispatching
functions below (:func:`exp`, :func:`cos`, ...), so the same rule works on plain floats
(what a node records when it is made) and on Values (what ``backward(create_graph=True)``
needs to differentiate a derivative again).

>>> MUL.forward(2.0, -3.0), MUL.local_grads(2.0, -3.0, -6.0)
(-6.0, (-3.0, 2.0))
>>> TANH.local_grads(0.5, math.tanh(0.5)) == (1 - math.tanh(0.5) ** 2,)
True
"""

from __future__ import annotations

import functools
import math
import operator
import threading
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from .rules import (  # the rules in their checked, stable forms, and functions for floats and Values alike
    _check_code,
    _check_code_agrees,
    _check_words,
    _constant_power,
    _divide,
    _exp,
    _expm1,
    _log,
    _log1p,
    _maximum_grads,
    _placeholders,
    _power_of_values,
    _relu,
    _sigmoid,
    _softplus,
    _sqrt,
    _tan,
    _value_of,
    _written_form,
    absolute,
    cos,
    cosh,
    exp,
    log,
    relu,
    sigmoid,
    sin,
    sinh,
    sqrt,
    tanh,
)

__all__ = [
    "Primitive",
    "Note",
    "PluginError",
    "ENTRY_POINT_GROUP",
    "PRIMITIVES",
    "CODE_GLOBALS",
    "register",
    "unregister",
    "registry",
    "find",
    "function_names",
    "built_in_rows",
    "load_plugins",
    "power",
    "weighted_sum",
    "exp",
    "log",
    "tanh",
    "sigmoid",
    "relu",
    "sqrt",
    "sin",
    "cos",
    "absolute",
    "sinh",
    "cosh",
]


@dataclass(frozen=True)
class Note:
    """A sentence the stepper adds at a chain-rule step through one primitive: the answer to
    a question students ask about it (why ``-`` sends back -1, why ``exp`` uses its output).

    ``text`` may use ``{p}`` (the operand's name), ``{formula}`` (the node written out, as
    ``a - b``) and ``{out}`` (the node's output, as a number).  ``operand`` keeps the note
    to the step to that operand (None: every operand); ``when`` to the steps whose local
    derivative passes a test (relu's dead side: ``when=lambda local: local == 0``).
    """

    text: str
    operand: int | None = None
    when: Callable[[float], bool] | None = None

    def __post_init__(self) -> None:
        unknown = _placeholders(self.text) - {"p", "formula", "out"}
        if unknown:
            raise ValueError(f"a note may use {{p}}, {{formula}} and {{out}}, not {sorted(unknown)}: {self.text!r}")


@dataclass(frozen=True)
class Primitive:
    """One differentiable operation of the engine: a row of the table.

    ``forward(*inputs)`` computes the output from the input numbers, raising a specific
    error (ValueError, ZeroDivisionError, OverflowError) for inputs outside its domain.
    ``local_grads(*inputs, out)`` returns one local derivative d(out)/d(input) per input.
    ``notation`` writes the operation with ``{0}``, ``{1}`` for its operands, and
    ``grad_words`` gives each local derivative as a formula in the same placeholders
    (``{out}`` is the output): ``d(a*b)/da = b`` is ``notation="{0}*{1}"``,
    ``grad_words[0]="{1}"``.  Both must read as Python once the operands are filled in
    (``²`` is read as ``**2``): a test evaluates the words against ``local_grads``.
    ``symbol`` is what a drawing shows on the node.

    The rest is optional:

    - ``written``: how an expression writes it, a function name (``"tanh"``) or an operator
      (``"+"``).  By default it is read from the notation: ``tanh({0})`` is the function
      ``tanh``, ``{0} + {1}`` the operator ``+``, ``-{0}`` the prefix ``-``.
    - ``forward_code``, ``grads_code``: the forward rule and each local derivative as a Python
      expression, with ``{0}``, ``{1}``... for the operands (each replaced by a name or a
      bracketed expression) and ``{out}`` for the output, computing exactly the same bits as
      ``forward`` and ``local_grads`` on floats, errors included (they are tried against them
      when the row is made).  They may name only what compiled code runs with,
      :data:`CODE_GLOBALS` (and ``math``'s functions).  Without them (both empty) compiled
      code calls the row's own ``forward`` and ``local_grads``: exact, if not as fast.
    - ``notes``: :class:`Note` s for the stepper.
    - ``by_hand``: whether a student can work the operation out with pencil and paper (its
      numbers and slopes stay whole eighths for inputs in eighths: ``relu``, ``abs``, but not
      ``tanh``); a worksheet allows the others only with a calculator.
    - ``doc``: a sentence about the function, the first line of its Value method's docstring
      (``help(Value.tanh)``); the method's local derivative is written from the row.

    Every built-in function row is also a method of Value, of the name it is written with
    (``x.tanh()``), made from the row when the engine loads: adding a row adds the method.

    A row that breaks one of these rules is refused when it is made, saying what to fix:

    >>> Primitive("cube", "x³", lambda x: x**3, lambda x, out: (3 * x * x,), "cube({0})", ("3*{0}²",),
    ...           forward_code="{0} ** 3", grads_code=("3 * square({0})",))
    Traceback (most recent call last):
    ValueError: cube: the code '3 * square({0})' uses 'square', which compiled code does not have: ...
    """

    name: str
    symbol: str
    forward: Callable[..., float]
    local_grads: Callable[..., tuple[Any, ...]]
    notation: str
    grad_words: tuple[str, ...]
    written: str = ""
    forward_code: str = ""
    grads_code: tuple[str, ...] = ()
    notes: tuple[Note, ...] = field(default=(), compare=False)
    by_hand: bool = False
    doc: str = field(default="", compare=False)

    def __post_init__(self) -> None:
        # Every mistake in a row is refused here, when the row is made, with what to fix.
        if not isinstance(self.name, str) or not self.name:
            raise ValueError(f"a primitive needs a name, got {self.name!r}")
        if not isinstance(self.symbol, str) or not self.symbol:
            raise ValueError(f"{self.name}: the symbol a drawing shows on the node must be a non-empty str, "
                             f"got {self.symbol!r}")
        for attribute in ("forward", "local_grads"):
            if not callable(getattr(self, attribute)):
                raise ValueError(f"{self.name}: {attribute} must be a function, got {getattr(self, attribute)!r}")
        for attribute in ("notation", "written", "forward_code", "doc"):
            if not isinstance(getattr(self, attribute), str):
                raise ValueError(f"{self.name}: {attribute} must be a str, got {getattr(self, attribute)!r}")
        if not isinstance(self.by_hand, bool):
            raise ValueError(f"{self.name}: by_hand must be True or False, got {self.by_hand!r}")
        if isinstance(self.grad_words, str) or isinstance(self.grads_code, str):
            raise ValueError(f"{self.name}: grad_words and grads_code are tuples, one str per operand: "
                             "write (\"{1}\",), not \"{1}\"")
        for attribute in ("grad_words", "grads_code", "notes"):
            object.__setattr__(self, attribute, tuple(getattr(self, attribute)))
        operands = _placeholders(self.notation)
        arity = len(operands)
        if arity == 0 or operands != {str(i) for i in range(arity)}:
            raise ValueError(f"{self.name}: bad notation {self.notation!r}: write its operands "
                             "{0}, {1}, ... each at least once (tanh({0}), {0} + {1})")
        object.__setattr__(self, "arity", arity)
        allowed = operands | {"out"}
        if len(self.grad_words) != arity:
            raise ValueError(f"{self.name} has {arity} operand(s) but {len(self.grad_words)} grad_words: "
                             "give one derivative in words per operand")
        for words in self.grad_words:
            if not isinstance(words, str) or not _placeholders(words) <= allowed:
                raise ValueError(f"{self.name}: grad_words {words!r} may use only {sorted(allowed)}")
            _check_words(self.name, "the derivative in words", words)
        _check_words(self.name, "the notation", self.notation)
        written = self.written or _written_form(self.notation, arity)
        if written and not (written.isidentifier() or (written, arity) in _GRAMMAR_OPERATORS):
            raise ValueError(f"{self.name}: written={written!r} must be a function name (letters, digits, _) "
                             "or one of the operators + - * / ** (the grammar has no others)")
        object.__setattr__(self, "written", written)
        if not self.forward_code and self.grads_code:
            raise ValueError(f"{self.name}: grads_code without forward_code: give both, or neither")
        if self.forward_code and len(self.grads_code) != arity:
            raise ValueError(f"{self.name} has {arity} operand(s) but {len(self.grads_code)} grads_code")
        if self.forward_code:
            _check_code(self.name, self.forward_code, operands, CODE_GLOBALS)
        for code in self.grads_code:
            if not isinstance(code, str):
                raise ValueError(f"{self.name}: grads_code must be strs, got {code!r}")
            _check_code(self.name, code, allowed, CODE_GLOBALS)
        if self.forward_code:
            _check_code_agrees(self.name, self.forward, self.local_grads, self.forward_code, self.grads_code,
                               arity, CODE_GLOBALS)
        for note in self.notes:
            if not isinstance(note, Note) or (note.operand is not None and not 0 <= note.operand < arity):
                raise ValueError(f"{self.name}: notes must be Notes about operands 0..{arity - 1}, got {note!r}")

    arity: int = field(init=False, repr=False, compare=False)
    """How many operands the operation takes (the placeholders of its notation)."""

    def partners(self, operand: int) -> tuple[int, ...]:
        """The other operands that d(out)/d(operand) needs, read from its words: d(a*b)/da = b,
        so ``MUL.partners(0) == (1,)``; a sum's derivatives need none.  A drawing pairs them up.

        >>> MUL.partners(0), DIV.partners(1), ADD.partners(0), weighted_sum(2).partners(1)
        ((1,), (0,), (), (3,))
        """
        used = _placeholders(self.grad_words[operand]) - {"out", str(operand)}
        return tuple(sorted(int(i) for i in used))

    def notes_at(self, operand: int, local: float) -> tuple[str, ...]:
        """The note templates for the step to ``operand`` whose local derivative is ``local``
        (to be filled in with ``p``, ``formula`` and ``out``)."""
        return tuple(note.text for note in self.notes
                     if note.operand in (None, operand) and (note.when is None or note.when(local)))

    def __repr__(self) -> str:
        return f"<primitive {self.name}: {self.notation.format(*(f'x{i}' for i in range(self.arity)))}>"


# The operators the expression grammar reads, (symbol, number of operands): a new operation is
# written as a function, since a new operator would need a new rule of precedence.
_GRAMMAR_OPERATORS = {("+", 2), ("-", 2), ("*", 2), ("/", 2), ("**", 2), ("-", 1)}


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
    operator (``find("+")``; ``find("-", arity=1)`` is negation), or None if there is none.

    >>> find("tanh") is TANH, find("-") is SUB, find("-", arity=1) is NEG, find("tanhh")
    (True, True, True, None)
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

CODE_GLOBALS: dict[str, Any] = {
    "math": math, "abs": abs, "max": max, "sum": sum,
    "_divide": _divide, "_power_of_values": _power_of_values, "_constant_power": _constant_power,
    "_exp": _exp, "_log": _log, "_sigmoid": _sigmoid, "_relu": _relu, "_sqrt": _sqrt, "_tan": _tan,
    "_log1p": _log1p, "_expm1": _expm1, "_softplus": _softplus,
}
"""The names the rows' ``forward_code`` and ``grads_code`` use: what compiled code runs with."""


# -- the table --------------------------------------------------------------------------------
# Each row: name, symbol drawn in the graph, forward rule, local derivatives (the inputs and
# the output in, one d(out)/d(input) per input out), how the operation is written, and each
# local derivative in words; then the same rules as code, and the notes for students.  The
# rules may use the output: exp's derivative *is* its output.

_FLIPS_SIGN = Note("making {p} bigger makes {formula} smaller, so the local derivative is -1: "
                   "the gradient comes back with its sign flipped")
_USES_OUTPUT = Note("the local derivative is computed from the node's output ({out}), "
                    "which the forward pass already has")


def _dead(reason: str) -> Note:
    return Note(reason + ", so its slope is 0: no gradient reaches {p}", when=lambda local: local == 0)


ADD = register(Primitive("add", "+", operator.add, lambda a, b, out: (1.0, 1.0), "{0} + {1}", ("1", "1"),
                         forward_code="{0} + {1}", grads_code=("1.0", "1.0"), by_hand=True))
SUB = register(Primitive("sub", "-", operator.sub, lambda a, b, out: (1.0, -1.0), "{0} - {1}", ("1", "-1"),
                         forward_code="{0} - {1}", grads_code=("1.0", "-1.0"), by_hand=True,
                         notes=(Note(_FLIPS_SIGN.text, operand=1),)))
MUL = register(Primitive("mul", "*", operator.mul, lambda a, b, out: (b, a), "{0}*{1}", ("{1}", "{0}"),
                         forward_code="{0} * {1}", grads_code=("{1}", "{0}"), by_hand=True))
DIV = register(Primitive("div", "/", _divide, lambda a, b, out: (1 / b, -out / b), "{0}/{1}", ("1/{1}", "-{0}/{1}²"),
                         forward_code="_divide({0}, {1})", grads_code=("1 / {1}", "-{out} / {1}"), by_hand=True))
NEG = register(Primitive("neg", "neg", lambda a: -a, lambda a, out: (-1.0,), "-{0}", ("-1",),
                         forward_code="-{0}", grads_code=("-1.0",), notes=(_FLIPS_SIGN,), by_hand=True))
POW = register(Primitive(
    "pow", "**", _power_of_values, lambda a, b, out: (b * a ** (b - 1), out * log(a)),
    "{0}**{1}", ("{1}*{0}**({1} - 1)", "{0}**{1} * log({0})"),
    forward_code="_power_of_values({0}, {1})", grads_code=("{1} * {0} ** ({1} - 1)", "{out} * _log({0})"),
))
EXP = register(Primitive("exp", "exp", _exp, lambda x, out: (out,), "exp({0})", ("exp({0})",),
                         forward_code="_exp({0})", grads_code=("{out}",), doc="e to the power x.",
                         notes=(Note("exp is its own derivative: the local derivative is the node's own output, "
                                     "already computed in the forward pass"),)))
LOG = register(Primitive("log", "log", _log, lambda x, out: (1 / x,), "log({0})", ("1/{0}",),
                         forward_code="_log({0})", grads_code=("1 / {0}",),
                         doc="The natural logarithm (x must be positive)."))
TANH = register(Primitive("tanh", "tanh", math.tanh, lambda x, out: (1 - out * out,), "tanh({0})", ("1 - tanh({0})²",),
                          forward_code="math.tanh({0})", grads_code=("1 - {out} * {out}",), notes=(_USES_OUTPUT,),
                          doc="The hyperbolic tangent."))
SIGMOID = register(Primitive(
    "sigmoid", "σ", _sigmoid, lambda x, out: (out * (1 - out),), "σ({0})", ("σ({0})*(1 - σ({0}))",),
    written="sigmoid", forward_code="_sigmoid({0})", grads_code=("{out} * (1 - {out})",), notes=(_USES_OUTPUT,),
    doc="The logistic function 1 / (1 + exp(-x)).",
))
RELU = register(Primitive(
    "relu", "ReLU", _relu,
    lambda x, out: (1.0,) if _value_of(x) > 0 else (0.0,),  # (constant tuples: nothing to allocate)
    "relu({0})", ("1 if {0} > 0 else 0",),
    forward_code="({0} if {0} > 0 else 0.0)", grads_code=("1.0 if {0} > 0 else 0.0",),
    notes=(_dead("relu's input is not positive here"),), by_hand=True,
    doc="max(0, x); its derivative at 0 is taken as 0.",
))
SQRT = register(Primitive("sqrt", "sqrt", _sqrt, lambda x, out: (0.5 / out,), "sqrt({0})", ("1/(2*sqrt({0}))",),
                          forward_code="_sqrt({0})", grads_code=("0.5 / {out}",),
                          doc="The square root (x must be positive)."))
SIN = register(Primitive("sin", "sin", math.sin, lambda x, out: (cos(x),), "sin({0})", ("cos({0})",),
                         forward_code="math.sin({0})", grads_code=("math.cos({0})",), doc="The sine (radians)."))
COS = register(Primitive("cos", "cos", math.cos, lambda x, out: (-sin(x),), "cos({0})", ("-sin({0})",),
                         forward_code="math.cos({0})", grads_code=("-math.sin({0})",), doc="The cosine (radians)."))
ABS = register(Primitive(
    "abs", "abs", abs, lambda x, out: (math.copysign(1.0, _value_of(x)) if _value_of(x) else 0.0,),
    "abs({0})", ("sign({0})",),
    forward_code="abs({0})", grads_code=("math.copysign(1.0, {0}) if {0} else 0.0",), by_hand=True,
    doc="|x|; its derivative at 0 is taken as 0.",
))
# -- added as rows and nothing else --
TAN = register(Primitive("tan", "tan", _tan, lambda x, out: (1 + out * out,), "tan({0})", ("1 + tan({0})²",),
                         forward_code="_tan({0})", grads_code=("1 + {out} * {out}",), notes=(_USES_OUTPUT,),
                         doc="The tangent (radians), away from the odd multiples of π/2."))
SINH = register(Primitive("sinh", "sinh", math.sinh, lambda x, out: (cosh(x),), "sinh({0})", ("cosh({0})",),
                          forward_code="math.sinh({0})", grads_code=("math.cosh({0})",),
                          doc="The hyperbolic sine."))
COSH = register(Primitive("cosh", "cosh", math.cosh, lambda x, out: (sinh(x),), "cosh({0})", ("sinh({0})",),
                          forward_code="math.cosh({0})", grads_code=("math.sinh({0})",),
                          doc="The hyperbolic cosine."))
ARCTAN = register(Primitive("arctan", "arctan", math.atan, lambda x, out: (1 / (1 + x * x),), "arctan({0})",
                            ("1/(1 + {0}²)",), forward_code="math.atan({0})", grads_code=("1 / (1 + {0} * {0})",),
                            doc="The inverse tangent, in radians."))
LOG1P = register(Primitive("log1p", "log1p", _log1p, lambda x, out: (1 / (1 + x),), "log1p({0})", ("1/(1 + {0})",),
                           forward_code="_log1p({0})", grads_code=("1 / (1 + {0})",),
                           doc="log(1 + x), every digit kept for x near 0 (x must be above -1)."))
EXPM1 = register(Primitive("expm1", "expm1", _expm1, lambda x, out: (exp(x),), "expm1({0})", ("exp({0})",),
                           forward_code="_expm1({0})", grads_code=("_exp({0})",),
                           doc="exp(x) - 1, every digit kept for x near 0."))
SOFTPLUS = register(Primitive(
    "softplus", "softplus", _softplus, lambda x, out: (sigmoid(x),), "softplus({0})", ("σ({0})",),
    forward_code="_softplus({0})", grads_code=("_sigmoid({0})",),
    notes=(Note("softplus is a smooth relu: its slope σ({p}) is never quite 0, so some gradient always gets "
                "through"),),
    doc="log(1 + exp(x)), a smooth relu, in a form that never overflows.",
))
MAXIMUM = register(Primitive(
    "maximum", "max", max, _maximum_grads, "maximum({0}, {1})",
    ("1 if {0} > {1} else 0.5 if {0} == {1} else 0", "1 if {1} > {0} else 0.5 if {0} == {1} else 0"),
    forward_code="max({0}, {1})",
    grads_code=("1.0 if {0} > {1} else 0.5 if {0} == {1} else 0.0", "1.0 if {1} > {0} else 0.5 if {0} == {1} else 0.0"),
    notes=(_dead("{p} is the smaller operand of {formula}"),
           Note("a tie: {formula} has no slope here, so each operand gets half of the gradient (as in PyTorch)",
                when=lambda local: local == 0.5)),
    by_hand=True, doc="The larger of x and y; at a tie each gets half of the gradient.",
))


def _silu_slope(s, out):
    return (s + out * (1 - s),)  # d(x·σ(x))/dx = σ + x·σ·(1 - σ) = σ + out·(1 - σ)


SILU = register(Primitive(
    "silu", "SiLU", lambda x: x * _sigmoid(x), lambda x, out: _silu_slope(sigmoid(x), out),
    "silu({0})", ("σ({0}) + silu({0})*(1 - σ({0}))",),
    forward_code="{0} * _sigmoid({0})", grads_code=("_sigmoid({0}) + {out} * (1 - _sigmoid({0}))",),
    notes=(Note("silu is x·σ(x), a smooth relu: its slope σ({p}) + silu({p})·(1 - σ({p})) uses the node's output "
                "({out}), and is near 1 where {p} is large and near 0 where it is very negative, with no sudden "
                "switch at 0"),),
    doc="x·σ(x), also called swish: a smooth relu that lets a little of a negative input through "
        "(EfficientNet uses it, and LLaMA's SwiGLU layers).",
))


_tables = _tables._replace(builtin=frozenset(_tables.rows))


def _shown(n: float) -> str:
    return repr(int(n)) if n.is_integer() else repr(n)


@functools.lru_cache(maxsize=128)
def power(exponent: float) -> Primitive:
    """The primitive ``x ** exponent`` for a constant exponent: d(x**n)/dx = n * x**(n-1).

    The exponent is part of the operation (the graph shows ``**2``), not an input, so a
    negative base with a whole-number exponent is fine: ``(-3) ** 2 == 9``.
    """
    n = float(exponent)
    shown, lower = _shown(n), n - 1

    def local_grads(x, out):
        return (n * x ** (n - 1),) if n != 0 else (0.0,)

    if n in (0, 1, 2):
        words = ("0", "1", "2*{0}")[int(n)]
    else:
        words = f"{shown}*{{0}}**{_shown(lower) if lower >= 0 else f'({_shown(lower)})'}"
    grad_code = f"{n!r} * {{0}} ** ({lower!r})" if n != 0 else "0.0"
    return Primitive(f"pow{shown}", f"**{shown}", functools.partial(_constant_power, n=n), local_grads,
                     "{0}**" + shown, (words,), forward_code=f"_constant_power({{0}}, {n!r})", grads_code=(grad_code,))


class _WeightedSum(Primitive):
    """A row :func:`weighted_sum` makes: one pattern for every n, not read again for each.

    Reading a row's templates as Python is fine for a row of one or two operands; a weighted
    sum of n inputs has 2n + 1, its code and notation thousands of terms long, and reading
    them would cost many times what the node costs (a neuron of 8,000 inputs: a third of a
    second).  The pattern is checked whole instead, by the tests: the rows it makes for many n,
    made again as plain Primitives, pass every check (tests/test_registry.py)."""

    def __post_init__(self) -> None:
        object.__setattr__(self, "arity", len(self.grad_words))


@functools.cache
def weighted_sum(n: int) -> Primitive:
    """The primitive ``w1*x1 + ... + wn*xn + b`` as ONE node: a neuron's pre-activation.

    Its 2n + 1 operands are the weights w1..wn, the inputs x1..xn, then the bias b, and its
    local derivatives are d/dwi = xi, d/dxi = wi, d/db = 1.  It computes exactly what the
    chain of n multiplications and n additions would (same operations, same order, so the
    same bits) in one node instead of 2n: a smaller graph to draw and a faster one to run.
    Making the row takes time in proportion to n (see :class:`_WeightedSum`).
    """
    if n < 1:
        raise ValueError(f"a weighted sum needs at least one weight, got {n}")

    def forward(*operands: float) -> float:
        return sum(map(operator.mul, operands[:n], operands[n : 2 * n]), operands[2 * n])

    def local_grads(*operands_and_out):
        return (*operands_and_out[n : 2 * n], *operands_and_out[:n], 1.0)

    notation = " + ".join(f"{{{i}}}*{{{n + i}}}" for i in range(n)) + f" + {{{2 * n}}}"
    grad_words = tuple(f"{{{n + i}}}" for i in range(n)) + tuple(f"{{{i}}}" for i in range(n)) + ("1",)
    products = ", ".join(f"{{{i}}} * {{{n + i}}}" for i in range(n))
    return _WeightedSum(f"weighted_sum{n}", "Σ", forward, local_grads, notation, grad_words,
                        forward_code=f"sum(({products},), {{{2 * n}}})",  # sum(), as forward: the same bits
                        grads_code=(*grad_words[: 2 * n], "1.0"))
