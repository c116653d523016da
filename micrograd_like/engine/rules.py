"""The rules of the primitive table that need more than one expression: functions that work
on floats and Values alike (``ops.exp``, ``ops.cos``...: one derivative rule then serves first
and higher derivatives), forward rules in their checked and stable forms, and the small
readers of a row's templates.

Each checked rule raises a specific error for an input outside its domain (ValueError,
ZeroDivisionError) and lets an overflow be an OverflowError, which the engine words as
"...: the result is too large for a float".  The compiled code calls these same functions
(they are in ``ops.CODE_GLOBALS``), so its numbers and its errors are exactly the engine's.
"""

from __future__ import annotations

import ast
import math
import re
import string
import types
from collections.abc import Mapping


def _is_number(x: object) -> bool:
    return isinstance(x, (int, float))


def _value_of(x) -> float:
    """The number inside a Value, or the number itself: for rules that branch on a sign."""
    return x if _is_number(x) else x.data


# -- functions that work on floats and on Values alike ---------------------------------------
# The derivative rules use these, so that one rule serves both first and higher derivatives.


def exp(x):
    """e to the power x (a float for a float, a Value for a Value)."""
    return _exp(x) if _is_number(x) else x.exp()


def log(x):
    """The natural logarithm of x > 0."""
    return _log(x) if _is_number(x) else x.log()


def tanh(x):
    """The hyperbolic tangent of x."""
    return math.tanh(x) if _is_number(x) else x.tanh()


def sigmoid(x):
    """The logistic function 1 / (1 + e^-x)."""
    return _sigmoid(x) if _is_number(x) else x.sigmoid()


def relu(x):
    """max(0, x)."""
    return _relu(x) if _is_number(x) else x.relu()


def sqrt(x):
    """The square root of x > 0."""
    return _sqrt(x) if _is_number(x) else x.sqrt()


def sin(x):
    """The sine of x (radians)."""
    return math.sin(x) if _is_number(x) else x.sin()


def cos(x):
    """The cosine of x (radians)."""
    return math.cos(x) if _is_number(x) else x.cos()


def absolute(x):
    """|x|."""
    return abs(x) if _is_number(x) else x.abs()


def sinh(x):
    """The hyperbolic sine of x."""
    return math.sinh(x) if _is_number(x) else x.sinh()


def cosh(x):
    """The hyperbolic cosine of x."""
    return math.cosh(x) if _is_number(x) else x.cosh()


# -- forward rules ---------------------------------------------------------------------------------


def _exp(x: float) -> float:
    try:
        return math.exp(x)
    except OverflowError:
        raise OverflowError(f"exp({x!r}) is too large for a float (exp overflows above x = 709.78)") from None


def _log(x: float) -> float:
    if x <= 0:
        raise ValueError(f"log needs a positive input, got {x!r}")
    return math.log(x)


def _sigmoid(x: float) -> float:
    # Two forms so that exp never overflows: for x < 0, 1/(1+e^-x) = e^x/(1+e^x).
    if x >= 0:
        return 1.0 / (1.0 + math.exp(-x))
    e = math.exp(x)
    return e / (1.0 + e)


def _relu(x: float) -> float:
    return x if x > 0 else 0.0


def _sqrt(x: float) -> float:
    if x <= 0:
        # At 0 the square root's slope 1/(2*sqrt(x)) is infinite: no finite gradient exists.
        raise ValueError(f"sqrt needs a positive input (its derivative is infinite at 0), got {x!r}")
    return math.sqrt(x)


def _divide(a: float, b: float) -> float:
    if b == 0:
        raise ZeroDivisionError(f"division by zero: {a!r} / {b!r}")
    return a / b


def _power_of_values(a: float, b: float) -> float:
    # d(a**b)/db = a**b * log(a) exists only for a > 0.
    if a <= 0:
        raise ValueError(
            f"a ** b with a Value exponent needs a positive base (d/db = a**b * log(a)), got base {a!r}; "
            "for a constant exponent use a plain number: x ** 2"
        )
    return _checked_pow(a, b)


def _constant_power(x: float, n: float) -> float:
    """x ** n for a constant exponent n (the row ``power(n)``)."""
    if x == 0 and 0 < n < 1:
        shown = repr(int(n)) if n.is_integer() else repr(n)
        raise ValueError(f"0.0 ** {shown} has an infinite derivative at 0")
    return _checked_pow(x, n)


def _checked_pow(a: float, b: float) -> float:
    if a == 0 and b < 0:
        raise ZeroDivisionError(f"{a!r} ** {b!r} divides by zero")
    if a < 0 and b != int(b):
        raise ValueError(f"({a!r}) ** {b!r} is not a real number: a negative base needs a whole-number exponent")
    try:
        return math.pow(a, b)
    except OverflowError:
        raise OverflowError(f"{a!r} ** {b!r} is too large for a float") from None


def _tan(x: float) -> float:
    t = math.tan(x)
    # Near a pole t ≈ 1/(distance to it), so |t| * ulp(x) >= 1 says no float lies between x and
    # the pole: x is an odd multiple of π/2 as far as floats can tell (math.pi / 2, for one).
    if abs(t) * math.ulp(x) >= 1:
        raise ValueError(f"tan needs an input away from the odd multiples of π/2, where tan and its derivative "
                         f"1 + tan² are infinite; {x!r} is as close to one as floats get")
    return t


def _log1p(x: float) -> float:
    if x <= -1:
        raise ValueError(f"log1p needs an input above -1 (log1p(x) = log(1 + x)), got {x!r}")
    return math.log1p(x)


def _expm1(x: float) -> float:
    return math.expm1(x)  # exact for small x, where exp(x) - 1 would lose the digits that matter


def _softplus(x: float) -> float:
    # log(1 + e^x) written so that exp never overflows and small results keep their digits.
    return math.log1p(math.exp(-abs(x))) + max(x, 0.0)


def _maximum_grads(a, b, out) -> tuple[float, float]:
    """d max(a, b)/da and /db: 1 for the larger operand, 0 for the other, a half each at a tie
    (where max has no slope; PyTorch splits the gradient the same way)."""
    a, b = _value_of(a), _value_of(b)
    if a > b:
        return (1.0, 0.0)
    if a < b:
        return (0.0, 1.0)
    return (0.5, 0.5)


# -- reading a row's templates ---------------------------------------------------------------------

_FUNCTION_FORM = re.compile(r"([^\W\d]\w*)\(\{0\}((?:, ?\{\d+\})*)\)")
_OPERATOR_FORM = re.compile(r"\{0\} ?(\*\*|[-+*/]) ?\{1\}")


def _placeholders(template: str) -> set[str]:
    """The names in a template's {} fields: {'0', '1', 'out'} for '{0}*{1} + {out}'."""
    try:
        return {name for _, name, _, _ in string.Formatter().parse(template) if name is not None}
    except ValueError as error:  # a lone { or }
        raise ValueError(f"bad template {template!r}: {error}") from None


def _written_form(notation: str, arity: int) -> str:
    """How an expression writes a row, read from its notation: 'tanh' for tanh({0}), '+' for
    {0} + {1}, '-' for -{0}; '' when the notation is neither a call nor an operator."""
    call = _FUNCTION_FORM.fullmatch(notation)
    if call and call.group(2).replace(" ", "") == "".join(f",{{{i}}}" for i in range(1, arity)):
        return call.group(1)
    operator = _OPERATOR_FORM.fullmatch(notation)
    if operator:
        return operator.group(1)
    return "-" if notation == "-{0}" else ""


# A template's placeholders become these names when it is read as Python: names no template
# writes itself, so a name the template does write is never taken for an operand.
_OPERAND, _OUTPUT = "__operand_{}", "__output"
# A template that is one operand or one number is Python already: a weighted sum of n inputs has
# 2n + 1 such derivatives, and reading each one with Python's parser would cost far more than the node.
_PLAIN = re.compile(r"\{(?:\d+|out)\}|-?\d+(?:\.\d*)?")


def _filled(template: str) -> str:
    """The template with ``{i}`` as ``__operand_i`` and ``{out}`` as ``__output``: Python to read.
    One pass over the template, however many operands the row has."""
    pieces = []
    for literal, field, _, _ in string.Formatter().parse(template):
        pieces.append(literal)
        if field is not None:
            pieces.append(_OUTPUT if field == "out" else _OPERAND.format(field))
    return "".join(pieces)


def _read(template: str, squares: bool = False) -> ast.Expression | None:
    """The template read as a Python expression, with ``²`` read as ``**2`` if ``squares`` (None
    when it is one operand or one number, or too long a sum for Python's parser to nest: a
    weighted sum's notation of thousands of terms).  Raises SyntaxError if it is not one."""
    if _PLAIN.fullmatch(template):
        return None
    text = _filled(template)
    try:
        return ast.parse(text.replace("²", "**2") if squares else text, mode="eval")
    except RecursionError:
        return None


def _check_words(name: str, what: str, words: str) -> None:
    """Refuse words that do not read as a Python expression once their operands are filled in.

    The stepper writes a derivative's words with each operand's formula in place of ``{0}``,
    and a test evaluates them: ``1/(2*sqrt({0}))`` can be checked against the engine's number,
    ``1 / 2√{0}`` cannot.  ``²`` is read as ``**2``."""
    try:
        _read(words, squares=True)
    except SyntaxError as error:
        raise ValueError(f"{name}: {what} {words!r} must read as a Python expression once {{0}}, {{1}}... are "
                         f"filled in, as in 1/(2*sqrt({{0}})) ({error.msg}): write * for products and brackets "
                         "for groups; ² is the only sign Python does not have") from None


def _check_code(name: str, code: str, allowed: set[str], known: Mapping[str, object]) -> None:
    """Refuse a code template that uses other placeholders than ``allowed``, is not a Python
    expression, or names something compiled code does not have: the code runs with only the
    names in ``known`` (``ops.CODE_GLOBALS``), so any other name would be a NameError, and a
    ``math.`` function Python has not, an AttributeError, the first time the code ran."""
    unknown = _placeholders(code) - allowed
    if unknown:
        raise ValueError(f"{name}: the code {code!r} may use only {sorted(allowed)}, not {sorted(unknown)}")
    try:
        tree = _read(code)
    except SyntaxError as error:
        raise ValueError(f"{name}: the code {code!r} is not a Python expression ({error.msg})") from None
    if tree is None:
        return
    nodes = list(ast.walk(tree))
    bound = {node.arg for node in nodes if isinstance(node, ast.arg)}  # a lambda's or comprehension's own
    bound |= {node.id for node in nodes if isinstance(node, ast.Name) and not isinstance(node.ctx, ast.Load)}
    for node in nodes:
        if isinstance(node, ast.Name) and node.id not in known and node.id not in bound \
                and not node.id.startswith(("__operand_", _OUTPUT)):
            raise ValueError(
                f"{name}: the code {code!r} uses {node.id!r}, which compiled code does not have: code may use "
                f"its operands, {{out}} and the names of ops.CODE_GLOBALS ({', '.join(sorted(known))}); "
                "or give no code, and compiled code calls the row's forward and local_grads")
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) \
                and isinstance(known.get(node.value.id), types.ModuleType) \
                and not hasattr(known[node.value.id], node.attr):
            raise ValueError(f"{name}: the code {code!r} uses {node.value.id}.{node.attr}, "
                             f"which the {node.value.id} module does not have")


# Where a row's code is tried against its rules: numbers of no special kind (no 0, no whole
# number, both signs), one per operand; the first point inside the row's domain is used.
_TRIAL_POINTS = ((0.3, 0.7, 1.3, 0.9), (1.7, 0.45, 2.1, 1.1), (-0.6, 1.2, -0.8, 0.35), (3.5, 4.25, 2.75, 5.5))


def _check_code_agrees(name: str, forward, local_grads, forward_code: str, grads_code: tuple[str, ...],
                       arity: int, known: Mapping[str, object]) -> None:
    """Refuse code templates that compute something else than the row's rules (a slip between
    the two, d/dx = 2*x in one and 3*x in the other), tried at the first point of
    :data:`_TRIAL_POINTS` where the rules give a number.  The code is meant to give the very same
    bits; tried here, it must at least agree to 9 digits, and raise no error where the rules do not."""
    for trial in _TRIAL_POINTS:
        point = [trial[i % len(trial)] * (1 + i // len(trial)) for i in range(arity)]
        try:
            out = float(forward(*point))
            grads = [float(g) for g in local_grads(*point, out)]
        except (ArithmeticError, ValueError, TypeError):
            continue  # outside the row's domain: try the next point
        names = {_OPERAND.format(i): x for i, x in enumerate(point)} | {_OUTPUT: out}
        for what, code, expected in [("forward_code", forward_code, out),
                                     *(("grads_code", code, g) for code, g in zip(grads_code, grads))]:
            try:
                got = eval(_filled(code), {**known, **names})  # (a template already read as Python)
            except Exception as error:
                raise ValueError(f"{name}: the {what} {code!r} raises {type(error).__name__} ({error}) at "
                                 f"{point}, where the row's rules give {expected:.10g}") from None
            if not (isinstance(got, (int, float)) and math.isclose(got, expected, rel_tol=1e-9, abs_tol=1e-12)):
                shown = f"{got:.10g}" if isinstance(got, (int, float)) else repr(got)
                raise ValueError(f"{name}: the {what} {code!r} gives {shown} at {point}, where the row's rules "
                                 f"give {expected:.10g}: the code must compute what forward and local_grads do")
        return
