"""``micrograd-like compile EXPRESSION [--var NAME=VALUE ...]``: print the graph as a Python program.

The program is what :meth:`~micrograd_like.compiler.compiled.CompiledGraph.program` writes:
the helpers the code calls, the function :func:`~micrograd_like.compile_graph` writes (the
forward pass one line per node, then the backward pass one line per chain-rule step), and an
example call at the bottom.  Every variable is an argument of the function: one given with
``--var`` has that number as its default, the others have none (the example call gives them
a number at which the expression can be computed).
"""

from __future__ import annotations

import argparse

from ..compiler.compiled import CompileError, compile_graph
from ..engine.backward import topological_order
from ..engine.value import Value
from ..teach.expression import ExpressionError, variables_in
from .arguments import add_expression_arguments, expression_from_args, lecture_output
from .errors import UserError

__all__ = ["add_parser"]

EXAMPLES = (0.5, 2.0, -0.5, 10.0)  # the example numbers tried for variables without --var (the k-th: × 1 + k/2)


def add_parser(subcommands) -> None:
    """Add ``compile`` to the command line's subcommands."""
    parser = subcommands.add_parser(
        "compile",
        help="print an expression's forward and backward pass as a Python program",
        description="Print the graph of EXPRESSION as a Python program that runs as printed: the forward pass "
        "one line per node, then the backward pass one line per chain-rule step, as "
        "micrograd_like.compile_graph writes it, with the helpers it calls and an example call at the bottom. "
        "Every variable is an argument of the function; a --var value is its default. "
        'Example: micrograd-like compile "(a*b + c)*f" --var a=2 --var b=-3 --var c=10 --var f=-2',
    )
    add_expression_arguments(parser)
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    """Print the program of the expression."""
    root, given = _traced(args)
    names = [name for name in variables_in(args.expression) if name not in given] + given  # defaults last
    inputs = _leaves_named(root, names)
    try:
        compiled = compile_graph(root, inputs)
    except CompileError as error:
        raise UserError(str(error)) from None
    print(compiled.program(defaults=[x for x in inputs if x.label in given]), end="")
    return 0


def _traced(args: argparse.Namespace) -> tuple[Value, list[str]]:
    """The graph, traced with the --var numbers and, for the variables without one, example
    numbers at which it can be computed; and the names of the variables given with --var."""
    try:
        needed = variables_in(args.expression)
    except (ExpressionError, TypeError) as error:
        expression_from_args(args)  # says what is wrong with the expression
        raise UserError(str(error)) from None
    given = [name for name in needed if name in {name for name, _ in args.var}]
    missing = [name for name in needed if name not in given]
    errors = []
    for start in EXAMPLES if missing else (None,):
        example = [(name, start * (1 + k / 2)) for k, name in enumerate(missing)]
        with_example = argparse.Namespace(**{**vars(args), "var": [*args.var, *example]})
        try:
            return lecture_output(expression_from_args(with_example), with_example), given
        except UserError as error:
            if not missing:
                raise
            errors.append(error)
    if len({str(error) for error in errors}) == 1:  # the same whatever the example numbers: the --var values'
        raise errors[0]
    advice = " ".join(f"--var {name}=VALUE" for name in missing)
    raise UserError(f"{errors[0]} (at the example numbers tried for {', '.join(missing)}, which no --var gave: "
                    f"add {advice} where it can be computed)")


def _leaves_named(root: Value, names) -> list[Value]:
    """The graph's variables (labelled leaves), in the order of ``names``."""
    leaves = {node.label: node for node in topological_order(root) if not node.parents and node.requires_grad}
    return [leaves[name] for name in names if name in leaves]
