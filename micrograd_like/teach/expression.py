"""Expressions as text, such as ``"tanh(a*b + c) * f"``, parsed safely into a graph of Values.

>>> from micrograd_like.teach.expression import parse
>>> L = parse("(a*b + c) * f", {"a": 2, "b": -3, "c": 10, "f": -2})
>>> L
Value(data=-8.0, grad=0.0)
>>> L.backward()
>>> [(leaf.label, leaf.grad) for leaf in L.parents[0].parents[0].parents]
[('a', 6.0), ('b', -4.0)]

No ``eval``: a small recursive-descent parser reads the text, so only this grammar is
accepted (``**`` binds tighter than unary minus, as in Python and in mathematics: ``-a**2``
is ``-(a**2)``)::

    sum     := product (('+' | '-') product)*
    product := unary (('*' | '/') unary)*
    unary   := ('-' | '+') unary | power
    power   := atom ('**' unary)?
    atom    := NUMBER | NAME | NAME '(' sum (',' sum)* ')' | '(' sum ')'

The functions are the registered rows of the primitive table (``ops.function_names()``:
``exp``, ``tanh``, ``maximum(a, b)``... and any row added with ``ops.register``), each
called with as many arguments as it has operands.  The operators are the table's rows
written ``+ - * / **``.  Each variable becomes one leaf Value labelled with its name
(``a*a`` uses the same leaf twice).
Numbers are what they are in Python: constants that collect no gradient (the 3 in ``3*x``
is ``Value(3.0, requires_grad=False)``), and a part made of numbers only is worked out
first, as Python does (``2*3*x`` multiplies x by the constant 6; a constant exponent stays
part of the operation: ``x**2`` is one ``**2`` node, as the engine builds it).

Every mistake raises :class:`ExpressionError` (a ValueError) saying what is wrong and at
which column, and so does an input outside a function's domain (``log(0)``, ``1/0``).
Parsing takes time in proportion to the text's length, whatever its characters: the
tokens are read by one regular expression that matches at every position without going
back, and each rule of the grammar looks at each token once.  Long expressions are fine
(a chain of 10,000 products) up to :data:`MAX_LENGTH` characters; brackets, signs and powers
may nest :data:`MAX_NESTING` deep.  Beyond either limit the text is refused at once.

(Why not Python's own ``ast`` module, with an allow-listed walk of its tree?  Python's
grammar accepts far more than this one, each construct to be refused in turn; its syntax
errors are Python's ("invalid syntax" for ``a +``, ``2a`` an "invalid decimal literal",
``a ^ 2`` a valid XOR); it rewrites names (``ℌ`` becomes ``H``), and it has nesting limits
of its own.  This grammar is 100 lines and its errors are made for it.)
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from ..engine import ops
from ..engine.value import Value, apply

__all__ = [
    "ExpressionError",
    "MAX_LENGTH",
    "MAX_NESTING",
    "parse",
    "variables_in",
    "parse_assignment",
    "parse_assignments",
    "comma_advice",
]


def __getattr__(name: str):
    if name == "FUNCTIONS":  # the functions an expression may call, read from the registry when asked
        return ops.function_names()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


MAX_LENGTH = 100_000
"""The longest expression read, in characters (a chain of 50,000 sums parses in about a second)."""

MAX_NESTING = 100
"""How deep brackets, signs and powers may nest inside one another (``((a))`` is 2 deep).
The parser calls itself once per level, so a limit keeps it inside Python's stack."""


class ExpressionError(ValueError):
    """A mistake in an expression (or in the values given for it), with where it is.

    ``message`` says what is wrong, ``text`` is the whole expression and ``column`` the
    1-based column of the culprit (None when the mistake has no place in the text).
    ``missing`` names the variables that were given no value, if that is the mistake.
    ``str(error)`` is one line; :attr:`pointer` shows the text with a caret under the place.
    """

    def __init__(
        self,
        message: str,
        text: str = "",
        column: int | None = None,
        width: int = 1,
        missing: tuple[str, ...] = (),
    ) -> None:
        self.message = message
        self.text = text
        self.column = column
        self.width = max(1, width)
        self.missing = missing
        super().__init__(f"{message} at column {column}" if column is not None else message)

    @property
    def pointer(self) -> str:
        """Two lines: the expression, and carets under the part that is wrong."""
        if self.column is None:
            return self.text
        return f"{self.text}\n{' ' * (self.column - 1)}{'^' * self.width}"


# -- reading the text: tokens, then a tree --------------------------------------------------------

# One alternative matches at every position (whitespace too), so finditer never retries a
# failed match from the next character: that retrying made a run of trailing spaces quadratic.
_TOKEN = re.compile(
    r"(?P<space>\s+)"
    r"|(?P<number>(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)"
    r"|(?P<name>[^\W\d]\w*)"
    r"|(?P<op>\*\*|[-+*/(),])"
    r"|(?P<other>.)",
    re.DOTALL,
)


@dataclass(frozen=True)
class _Token:
    kind: str  # 'number', 'name', 'op', 'other' or 'end'
    text: str
    start: int  # 0-based offset into the expression


def _tokens(text: str) -> list[_Token]:
    tokens = []
    for match in _TOKEN.finditer(text):
        kind = match.lastgroup
        if kind != "space":
            tokens.append(_Token(kind, match.group(), match.start()))
    tokens.append(_Token("end", "", len(text.rstrip())))
    return tokens


# Tree nodes: plain tuples, tagged by their first item, with the 0-based offset of their text.
#   ("number", value, start, width)   ("name", name, start, width)
#   ("call", name, name_start, *arguments, start, width)   ("neg", operand, start, width)
#   ("binary", symbol, symbol_start, left, right, start, width)
# (name_start and symbol_start are where an error in that operation points: at the operator.)


class _Parser:
    """Recursive descent over the grammar in the module docstring: one method per rule."""

    def __init__(self, text: str) -> None:
        if len(text) > MAX_LENGTH:
            raise ExpressionError(f"expression too long: {len(text):,} characters (at most {MAX_LENGTH:,})")
        self.text = text
        self.tokens = _tokens(text)
        self.index = 0
        self.depth = 0  # how many unary() calls are under way: the nesting of the current token

    def error(self, message: str, token: _Token) -> ExpressionError:
        return ExpressionError(message, self.text, token.start + 1, len(token.text))

    @property
    def token(self) -> _Token:
        return self.tokens[self.index]

    def take(self) -> _Token:
        token = self.tokens[self.index]
        self.index += 1
        return token

    def parse(self) -> tuple:
        if self.token.kind == "end":
            raise ExpressionError("empty expression", self.text)
        try:
            tree = self.sum()
        except RecursionError:  # only when called with most of Python's stack already in use
            raise self.too_deep() from None
        token = self.token
        if token.kind != "end":
            raise self.error(self.unexpected(token, "an operator (+ - * / **) or the end"), token)
        return tree

    def unexpected(self, token: _Token, expected: str) -> str:
        if token.kind == "end":
            return f"the expression ends too early: expected {expected}"
        if token.text == "^":
            return "'^' is not a power here: write ** (a**2)"
        previous = self.tokens[self.index - 1] if self.index else None
        ends_operand = previous is not None and (previous.kind in ("number", "name") or previous.text == ")")
        if ends_operand and (token.kind in ("number", "name") or token.text == "("):
            message = f"missing operator between '{previous.text}' and '{token.text}'"
            if previous.kind == "name" and ops.find(previous.text) and token.kind != "op":
                message += f" (write {previous.text}({token.text}) to call {previous.text})"
            elif previous.kind != "op" and token.kind != "op":
                message += f" (write {previous.text}*{token.text} for a product)"
            return message
        if token.text == "," and previous is not None and previous.kind == "number":
            after = self.tokens[self.index + 1]  # 1,000: the comma is between two numbers
            advice = comma_advice(f"{previous.text},{after.text}") if after.kind == "number" else None
            if advice:
                return f"unexpected ',': expected {expected} ({advice})"
        if token.kind == "other":
            return f"unexpected character '{token.text}': expected {expected}"
        return f"unexpected '{token.text}': expected {expected}"

    def sum(self) -> tuple:
        left = self.product()
        while self.token.text in ("+", "-") and self.token.kind == "op":
            symbol = self.take()
            right = self.product()
            left = ("binary", symbol.text, symbol.start, left, right, left[-2], _end(right) - left[-2])
        return left

    def product(self) -> tuple:
        left = self.unary()
        while self.token.text in ("*", "/") and self.token.kind == "op":
            symbol = self.take()
            right = self.unary()
            left = ("binary", symbol.text, symbol.start, left, right, left[-2], _end(right) - left[-2])
        return left

    def too_deep(self) -> ExpressionError:
        return self.error(
            f"expression nested too deeply (brackets, signs and powers may nest {MAX_NESTING} deep)", self.token
        )

    def unary(self) -> tuple:
        # Every level of nesting, (brackets), -signs or **powers, passes through here once.
        self.depth += 1
        if self.depth > MAX_NESTING:
            raise self.too_deep()
        try:
            if self.token.kind == "op" and self.token.text in ("-", "+"):
                sign = self.take()
                operand = self.unary()
                if sign.text == "+":
                    return operand
                return ("neg", operand, sign.start, _end(operand) - sign.start)
            return self.power()
        finally:
            self.depth -= 1

    def power(self) -> tuple:
        base = self.atom()
        if self.token.kind == "op" and self.token.text == "**":
            symbol = self.take()
            exponent = self.unary()  # right-associative: a**b**c is a**(b**c); a**-1 is allowed
            return ("binary", "**", symbol.start, base, exponent, base[-2], _end(exponent) - base[-2])
        return base

    def atom(self) -> tuple:
        token = self.token
        if token.kind == "number":
            self.take()
            number = float(token.text)
            if number == float("inf"):
                raise self.error(f"the number {_short(token.text)} is too large for a float (numbers must be finite)",
                                 token)
            return ("number", number, token.start, len(token.text))
        if token.kind == "name":
            self.take()
            if self.token.text == "(" and self.token.kind == "op":
                return self.call(token)
            return ("name", token.text, token.start, len(token.text))
        if token.kind == "op" and token.text == "(":
            self.take()
            inner = self.sum()
            closing = self.close(token)
            return (*inner[:-2], token.start, closing.start + 1 - token.start)  # the span takes in the brackets
        raise self.error(self.unexpected(token, "a number, a name or '('"), token)

    def call(self, name: _Token) -> tuple:
        function = ops.find(name.text)
        if function is None:
            raise self.error(f"unknown function '{_short(name.text)}' (the functions are: "
                             f"{', '.join(ops.function_names())})", name)
        wanted = _arguments(function.arity)
        opening = self.take()
        if self.token.text == ")":
            raise self.error(f"{name.text}() needs {wanted}, got none", self.token)
        arguments = [self.sum()]
        while self.token.text == "," and self.token.kind == "op":
            if len(arguments) == function.arity:
                raise self.error(f"{name.text}() takes {wanted}, got more", self.token)
            self.take()
            arguments.append(self.sum())
        if len(arguments) < function.arity and self.token.text == ")":
            raise self.error(f"{name.text}() needs {wanted}, got {len(arguments)}", self.token)
        closing = self.close(opening)
        return ("call", name.text, name.start, *arguments, name.start, closing.start + 1 - name.start)

    def close(self, opening: _Token) -> _Token:
        token = self.token
        if token.text == ")" and token.kind == "op":
            return self.take()
        if token.kind == "end":
            raise self.error("'(' is never closed", opening)
        raise self.error(self.unexpected(token, "')'"), token)


def _end(node: tuple) -> int:
    return node[-2] + node[-1]


def _arguments(count: int) -> str:
    return "one argument" if count == 1 else f"{count} arguments"


def _short(text: str, limit: int = 40) -> str:
    """A name or number from the text, cut short for a message (the pointer shows it whole)."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


# -- building the graph ---------------------------------------------------------------------------


def parse(text: str, variables: Mapping[str, float | Value] | None = None) -> Value:
    """Build the graph of ``text`` with the given variable values; return its root Value.

    Each variable becomes a leaf ``Value(number, label=name)``, made once however often
    the name is used; a Value given instead of a number is used as that leaf itself.
    Numbers are constants, and a part made of numbers only is worked out as Python would,
    so an expression without variables is one constant: nothing to differentiate.

    >>> parse("x**2 + 1", {"x": 3.0})
    Value(data=10.0, grad=0.0)
    >>> parse("2*3")
    Value(data=6.0, requires_grad=False)
    >>> parse("tanhh(x)", {"x": 1.0})
    Traceback (most recent call last):
    micrograd_like.teach.expression.ExpressionError: unknown function 'tanhh' (the functions are: ...) at column 1
    >>> parse("log(x - 1)", {"x": 1.0})
    Traceback (most recent call last):
    micrograd_like.teach.expression.ExpressionError: log needs a positive input, got 0.0 at column 1
    """
    if not isinstance(text, str):
        raise TypeError(f"parse() needs the expression as a str, got {type(text).__name__}")
    tree = _Parser(text).parse()
    leaves: dict[str, Value] = {}
    for name, given in (variables or {}).items():
        if isinstance(given, Value):
            leaves[name] = given
        else:
            try:
                leaves[name] = Value(given, label=name)
            except (TypeError, ValueError) as error:
                raise ExpressionError(f"bad value for {name}: {error}", text) from None
    _check_names(tree, text, leaves)
    return _build(tree, text, leaves)


def variables_in(text: str) -> list[str]:
    """The variable names an expression uses, in order of first appearance.

    >>> variables_in("tanh(a*b + c) * a")
    ['a', 'b', 'c']
    """
    return list(dict.fromkeys(node[1] for node in _names(_Parser(text).parse())))


def _names(tree: tuple) -> list[tuple]:
    """The ("name", ...) nodes of a tree, left to right (without recursion: trees can be deep)."""
    found = []
    stack = [tree]
    while stack:
        node = stack.pop()
        if node[0] == "name":
            found.append(node)
        stack.extend(reversed([child for child in node[1:] if isinstance(child, tuple)]))
    return found


def _check_names(tree: tuple, text: str, leaves: Mapping[str, Value]) -> None:
    """Refuse a function used as a variable, then name every variable that has no value."""
    unknown = [node for node in _names(tree) if node[1] not in leaves]
    for node in unknown:
        function = ops.find(node[1])
        if function is not None:
            example = f"{node[1]}({', '.join('xyzuvw'[: function.arity])})"
            raise ExpressionError(f"'{node[1]}' is a function: call it, as in {example}", text, node[2] + 1, node[3])
    if unknown:
        missing = tuple(dict.fromkeys(node[1] for node in unknown))
        listed = ", ".join(f"'{_short(name)}'" for name in missing[:10]) + (", ..." if len(missing) > 10 else "")
        message = f"no value given for the variable{'s' if len(missing) > 1 else ''} {listed}"
        raise ExpressionError(message, text, unknown[0][2] + 1, unknown[0][3], missing=missing)


def _build(tree: tuple, text: str, leaves: Mapping[str, Value]) -> Value:
    """The Value of a tree, built bottom-up with a stack of its own (no recursion, so a chain
    of thousands of products is fine): each node is built once its operands are."""
    built: list[tuple[Value, bool]] = []  # (Value, made of numbers only?) of the nodes finished
    stack = [(tree, False)]
    while stack:
        node, operands_ready = stack.pop()
        children = [child for child in node[1:] if isinstance(child, tuple)]
        if children and not operands_ready:
            stack.append((node, True))
            stack.extend((child, False) for child in reversed(children))
            continue
        operands = built[len(built) - len(children):]
        del built[len(built) - len(children):]
        built.append(_node(node, operands, text, leaves))
    return built[0][0]


def _node(
    node: tuple, operands: list[tuple[Value, bool]], text: str, leaves: Mapping[str, Value]
) -> tuple[Value, bool]:
    """One tree node as a Value, from its operands' Values; and whether it is numbers only."""
    kind = node[0]
    if kind == "name":
        return leaves[node[1]], False
    values = [value for value, _ in operands]
    numbers_only = all(constant for _, constant in operands)
    try:
        if kind == "number":
            return Value(node[1], requires_grad=False), True  # 1e999 is refused here: not finite
        if kind == "neg":
            result = apply(ops.find("-", arity=1), *values)
        elif node[1] == "**" and operands[1][1]:
            # A constant exponent is part of the operation (one '**2' node), as in x**2 in Python.
            result = values[0] ** values[1].data
        else:  # a function call, or an operator: both are rows of the table
            result = apply(ops.find(node[1]), *values)
    except (ArithmeticError, ValueError) as error:
        # Point at what failed: the operator of a binary node (the / of a/b), a function's name.
        if kind in ("binary", "call"):
            raise ExpressionError(str(error), text, node[2] + 1, len(node[1])) from None
        raise ExpressionError(str(error), text, node[-2] + 1, node[-1]) from None
    if numbers_only:  # worked out as Python would: 2*3 is the number 6, not a node
        return Value(result.data, requires_grad=False), True
    return result, False



# -- NAME=VALUE assignments, as the command line takes them -----------------------------------------

_NAME = re.compile(r"[^\W\d]\w*\Z")


def parse_assignment(text: str) -> tuple[str, float]:
    """``"a=2"`` -> ``("a", 2.0)``: one variable's value, as ``--var a=2`` gives it.

    >>> parse_assignment("b = -3.5")
    ('b', -3.5)
    >>> parse_assignment("b")
    Traceback (most recent call last):
    micrograd_like.teach.expression.ExpressionError: expected NAME=VALUE, got 'b'
    """
    name, equals, number = text.partition("=")
    name, number = name.strip(), number.strip()
    if not equals:
        raise ExpressionError(f"expected NAME=VALUE, got {text!r}")
    if not _NAME.match(name):
        raise ExpressionError(f"{name!r} is not a variable name (use letters, digits and _, not starting with a digit)")
    if ops.find(name) is not None:
        raise ExpressionError(f"{name!r} is a function name, not a variable")
    try:
        value = float(number)
    except ValueError:
        advice = comma_advice(number)
        raise ExpressionError(f"the value of {name} must be a number, got {number!r}"
                              + (f" ({advice})" if advice else "")) from None
    if _LONG_INTEGER.fullmatch(number) and math.isinf(value):
        raise ExpressionError(f"the value of {name} is too large for a float (a number of "
                              f"{len(number.lstrip('+-'))} digits; the largest float is about 1.8e308)")
    if value != value or value in (float("inf"), float("-inf")):
        raise ExpressionError(f"the value of {name} must be a finite number, got {number!r}")
    return name, value


_LONG_INTEGER = re.compile(r"[+-]?\d+")
_THOUSANDS = re.compile(r"[+-]?[1-9]\d{0,2}(?:,\d{3})+(?:\.\d*)?")  # 1,000 and -1,000,000.5
_DECIMAL_COMMA = re.compile(r"[+-]?\d+,\d+")  # 0,5 and -2,5


def comma_advice(text: str) -> str | None:
    """What to write instead of a number with a comma in it, or None for other text.

    >>> comma_advice("1,000"), comma_advice("-2,5"), comma_advice("two")
    ('no thousands separators: write 1000', 'write decimals with a point: -2.5', None)
    """
    text = text.strip()
    if _THOUSANDS.fullmatch(text):
        return f"no thousands separators: write {text.replace(',', '')}"
    if _DECIMAL_COMMA.fullmatch(text):
        return f"write decimals with a point: {text.replace(',', '.')}"
    return None


def parse_assignments(texts: Iterable[str | tuple[str, float]]) -> dict[str, float]:
    """Several ``NAME=VALUE`` texts as one dict; a name given twice is an error.

    A ``(name, value)`` pair that :func:`parse_assignment` has already read may stand for
    its text (the command line reads each ``--var`` as it comes).

    >>> parse_assignments(["a=2", "b=-3"])
    {'a': 2.0, 'b': -3.0}
    """
    values: dict[str, float] = {}
    for text in texts:
        name, value = parse_assignment(text) if isinstance(text, str) else text
        if name in values:
            raise ExpressionError(f"the variable {name} is given twice ({values[name]:g} and {value:g})")
        values[name] = value
    return values
