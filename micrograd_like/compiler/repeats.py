"""Repeated blocks: the same computation done many times over in one graph, found so that
compiled code can write it once.

A batch loss computes the same thing for every example: its graph holds one copy of an
example's computation per example, the same operations in the same shape, only the numbers
differ.  Written out node by node, the code would say the same thing a hundred times (and
Python would read it a hundred times).  Written by hand, it is one function, called once per
example.  :mod:`~micrograd_like.compiler.source` does the same with the blocks found here.

A *block* is the part of the graph that only its root leads to: every path from the output
to a node of the block passes through the block's root (the root *dominates* it, so nothing
outside the block uses its nodes).  A block reads the rest of the graph, the parameters say,
through its *externals*, and it holds its own *constants*, the example's numbers.  Two blocks
are copies when their nodes, in the order backward() visits them, apply the same primitives
to the same places: the same externals, their own constants and nodes in the same positions.

>>> from micrograd_like import Value
>>> w, b = Value(0.5, label="w"), Value(0.1, label="b")
>>> losses = [((w * x + b).tanh() - y) ** 2 for x, y in [(1.0, 0.0), (2.0, 1.0), (3.0, 0.0)]]
>>> loss = losses[0] + losses[1] + losses[2]
>>> from micrograd_like.engine.backward import topological_order
>>> [(len(block.nodes), len(block.constants), [e.label for e in block.externals])
...  for block in repeated_blocks(topological_order(loss), min_nodes=3)[0]]
[(5, 2, ['w', 'b']), (5, 2, ['w', 'b']), (5, 2, ['w', 'b'])]
"""

from __future__ import annotations

from collections import Counter, defaultdict
from typing import NamedTuple

from ..engine.value import Constant, Value

__all__ = ["Block", "repeated_blocks", "MIN_NODES"]

MIN_NODES = 8
"""A block of fewer nodes than this is left written out in place: a function would not pay."""

WORK_PER_NODE = 64
"""Finding dominators walks up the dominator tree; on a graph where that would cost more
than this many steps per node, no blocks are looked for (the code is written out straight)."""


class Block(NamedTuple):
    """One copy: its nodes in the order backward() visits them backwards (the root last)."""

    root: Value
    nodes: list[Value]  # its nodes made by operations, in order; the root is the last
    constants: list[Value]  # its Constant leaves (the example's numbers), in the order first used
    externals: list[Value]  # the nodes outside it that it reads (no constants), in the order first used
    outside_constants: list[Value]  # Constants it reads that are shared with the rest of the graph


class _TooMuchWork(Exception):
    pass


def repeated_blocks(order: list[Value], min_nodes: int = MIN_NODES) -> list[list[Block]]:
    """Groups of copies in a graph (``order`` is its topological order, the output last): each
    group holds two blocks or more, in the order their roots come.  Only blocks whose nodes
    come one after another in ``order`` are taken (leaves aside), so that running a copy as one
    call does every step of it exactly where backward() does."""
    if len(order) < 2 * min_nodes:
        return []
    position = {node: i for i, node in enumerate(order)}
    budget = [WORK_PER_NODE * len(order)]
    try:
        dominator = _immediate_dominators(order, position, budget)
    except _TooMuchWork:
        return []
    shapes = _shapes(order)
    sizes = _dominated_counts(order, dominator)
    counts = Counter(shapes[node] for node in order if node._parents)
    owner: dict[Value, Value] = {}  # node -> the root of the block it belongs to
    roots: list[Value] = []
    for node in reversed(order[:-1]):  # from the output back: the largest blocks first
        above = owner.get(dominator[node])
        if above is not None:
            if node._parents or type(node) is Constant:  # (other leaves are inputs: always outside)
                owner[node] = above
        elif node._parents and counts[shapes[node]] > 1 and sizes[node] >= min_nodes:
            owner[node] = node
            roots.append(node)
    members: dict[Value, list[Value]] = {root: [] for root in roots}
    for node in order:
        if node in owner:
            members[owner[node]].append(node)
    interior_before = _running_count(order)
    groups: dict[tuple, list[Block]] = defaultdict(list)
    for root in sorted(roots, key=position.__getitem__):
        block, key = _block(root, members[root], owner)
        first, last = position[block.nodes[0]], position[root]
        if interior_before[last + 1] - interior_before[first] == len(block.nodes):  # one after another
            groups[key].append(block)
    return [blocks for blocks in groups.values() if len(blocks) > 1]


def _immediate_dominators(order: list[Value], position: dict[Value, int], budget: list[int]) -> dict[Value, Value]:
    """Each node's nearest dominator: the closest node that every path from the output to it
    passes through (the output's is itself).  A node's is where its users' meet: visited from
    the output back, every user of a node has its own dominator before the node is reached."""
    users: dict[Value, list[Value]] = defaultdict(list)
    for node in order:
        for parent in node._parents:
            users[parent].append(node)
    output = order[-1]
    dominator = {output: output}
    for node in reversed(order[:-1]):
        if not node._parents and type(node) is not Constant:
            dominator[node] = output  # an input or a parameter: never inside a block, not worth the walk
            continue
        found = None
        for user in users[node]:
            found = user if found is None else _meet(found, user, dominator, position, budget)
        dominator[node] = found
    return dominator


def _meet(a: Value, b: Value, dominator: dict, position: dict, budget: list[int]) -> Value:
    """The nearest node that dominates both a and b: climb from the one further from the output."""
    while a is not b:
        budget[0] -= 1
        if budget[0] < 0:
            raise _TooMuchWork
        if position[a] < position[b]:
            a = dominator[a]
        else:
            b = dominator[b]
    return a


def _shapes(order: list[Value]) -> dict[Value, int]:
    """A number per node: equal for nodes computed alike from the same inputs and parameters,
    with constants in the same places (whatever their numbers).  Copies of a block have equal
    shapes at their roots; :func:`_block` then checks the copies exactly (which nodes are
    shared inside, which are outside)."""
    interned: dict[tuple, int] = {}
    shapes: dict[Value, int] = {}
    for node in order:
        if node._parents:
            key: tuple = (_primitive_key(node), tuple(shapes[parent] for parent in node._parents))
        else:
            key = ("constant",) if type(node) is Constant else ("leaf", id(node))
        shapes[node] = interned.setdefault(key, len(interned))
    return shapes


def _dominated_counts(order: list[Value], dominator: dict) -> dict[Value, int]:
    """How many nodes each node dominates, itself included."""
    counts = dict.fromkeys(order, 1)
    for node in order[:-1]:  # a node's dominator comes after it, so its count is complete first
        counts[dominator[node]] += counts[node]
    return counts


def _running_count(order: list[Value]) -> list[int]:
    """How many nodes made by operations come before each position (and in all, at the end)."""
    counts = [0]
    for node in order:
        counts.append(counts[-1] + (1 if node._parents else 0))
    return counts


def _block(root: Value, members: list[Value], owner: dict) -> tuple[Block, tuple]:
    """The block of ``root`` and its exact shape: two blocks with equal shapes are copies."""
    own: dict[Value, int] = {}
    constants: dict[Value, int] = {}
    externals: dict[Value, int] = {}
    outside_constants: dict[Value, int] = {}
    rows = []
    for node in members:
        if not node._parents:
            continue  # a constant: numbered where it is first used
        places = []
        for parent in node._parents:
            if parent in own:
                places.append(("own", own[parent]))
            elif type(parent) is Constant and owner.get(parent) is root:
                places.append(("constant", constants.setdefault(parent, len(constants))))
            elif type(parent) is Constant:
                places.append(("shared constant", outside_constants.setdefault(parent, len(outside_constants))))
            else:
                places.append(("external", externals.setdefault(parent, len(externals))))
        own[node] = len(own)
        rows.append((_primitive_key(node), tuple(places)))
    key = (tuple(rows), tuple(map(id, externals)), tuple(map(id, outside_constants)))
    return Block(root, list(own), list(constants), list(externals), list(outside_constants)), key


def _primitive_key(node: Value):
    """The primitive, as far as the code written for it goes: rows with the same code are alike
    (``x ** 2`` made twice makes two equal rows), rows without code are known by themselves."""
    primitive = node._primitive
    if primitive is None:
        return ("closure", id(node))
    if primitive.forward_code:
        return (primitive.name, primitive.forward_code, primitive.grads_code)
    return id(primitive)
