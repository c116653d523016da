"""``micrograd-like compile EXPRESSION --var NAME=VALUE ...``: print the graph as Python code.

The code is what :func:`~micrograd_like.compile_graph` writes: the forward pass one line per
node, then the backward pass one line per chain-rule step.  Every variable given with
``--var`` is an input of the function.
"""

from __future__ import annotations

import argparse

from ..compiler.compiled import CompileError, compile_graph
from ..engine.backward import topological_order
from ..engine.value import Value
from ..teach.expression import variables_in
from .arguments import add_expression_arguments, expression_from_args, lecture_output
from .errors import UserError

__all__ = ["add_parser"]


def add_parser(subcommands) -> None:
    """Add ``compile`` to the command line's subcommands."""
    parser = subcommands.add_parser(
        "compile",
        help="print an expression's forward and backward pass as Python code",
        description="Print the graph of EXPRESSION as Python code: the forward pass one line per node, then "
        "the backward pass one line per chain-rule step, as micrograd_like.compile_graph writes it. "
        'Example: micrograd-like compile "(a*b + c)*f" --var a=2 --var b=-3 --var c=10 --var f=-2',
    )
    add_expression_arguments(parser)
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    """Print the compiled source of the expression."""
    root = lecture_output(expression_from_args(args), args)
    names = variables_in(args.expression)
    inputs = _leaves_named(root, names)
    try:
        compiled = compile_graph(root, inputs)
    except CompileError as error:
        raise UserError(str(error)) from None
    print(compiled.source, end="")
    return 0


def _leaves_named(root: Value, names) -> list[Value]:
    """The graph's variables (labelled leaves), in the order the expression first uses them."""
    leaves = {node.label: node for node in topological_order(root) if not node.parents and node.requires_grad}
    return [leaves[name] for name in names if name in leaves]
