"""Random expression graphs for property tests, with independent oracles.

A graph is generated as a recipe: leaves, then operations whose operands are any earlier
node, so reuse (``a + a``, ``x * x``, diamonds) happens often.  The same recipe can be
evaluated with the engine, with complex numbers (the complex-step derivative, exact to
rounding and independent of the engine's table), and with plain floats.
"""

import cmath

from hypothesis import strategies as st

from micrograd_like import Value

# name -> (arity, rule on Values, rule on complex numbers)
OPERATIONS = {
    "add": (2, lambda a, b: a + b, lambda a, b: a + b),
    "sub": (2, lambda a, b: a - b, lambda a, b: a - b),
    "mul": (2, lambda a, b: a * b, lambda a, b: a * b),
    "div": (2, lambda a, b: a / (b * b + 1.5), lambda a, b: a / (b * b + 1.5)),
    "neg": (1, lambda a: -a, lambda a: -a),
    "square": (1, lambda a: a**2, lambda a: a * a),
    "cube": (1, lambda a: a**3, lambda a: a * a * a),
    "tanh": (1, lambda a: a.tanh(), cmath.tanh),
    "sigmoid": (1, lambda a: a.sigmoid(), lambda a: 1 / (1 + cmath.exp(-a))),
    "exp": (1, lambda a: a.tanh().exp(), lambda a: cmath.exp(cmath.tanh(a))),
    "log": (1, lambda a: (a * a + 1).log(), lambda a: cmath.log(a * a + 1)),
    "sqrt": (1, lambda a: (a * a + 1).sqrt(), lambda a: cmath.sqrt(a * a + 1)),
    "sin": (1, lambda a: a.sin(), cmath.sin),
    "cos": (1, lambda a: a.cos(), cmath.cos),
    "pow": (2, lambda a, b: (a * a + 0.5) ** b.tanh(), lambda a, b: cmath.exp(cmath.tanh(b) * cmath.log(a * a + 0.5))),
}


@st.composite
def recipes(draw, max_leaves=4, max_ops=14):
    """(leaf values, [(operation, operand indices), ...]); the last node is the output."""
    leaves = draw(st.lists(st.floats(-1.5, 1.5), min_size=1, max_size=max_leaves))
    steps = []
    for _ in range(draw(st.integers(1, max_ops))):
        name = draw(st.sampled_from(sorted(OPERATIONS)))
        arity = OPERATIONS[name][0]
        available = len(leaves) + len(steps)
        # Lean towards recent nodes, so graphs are deep as well as wide.
        operands = tuple(
            draw(st.integers(max(0, available - 4), available - 1) | st.integers(0, available - 1))
            for _ in range(arity)
        )
        steps.append((name, operands))
    return leaves, steps


def evaluate(leaves, steps, make_leaf, which):
    nodes = [make_leaf(i, x) for i, x in enumerate(leaves)]
    for name, operands in steps:
        nodes.append(OPERATIONS[name][which](*(nodes[i] for i in operands)))
    return nodes


def engine_gradients(leaves, steps):
    values = evaluate(leaves, steps, lambda i, x: Value(x, label=f"x{i}"), 1)
    output = values[-1]
    output.backward()
    return output, values[: len(leaves)]


def complex_step(leaves, steps, i, h=1e-30):
    """df/dx_i = Im f(x + ih e_i) / h, free of cancellation for analytic f."""
    nodes = evaluate(leaves, steps, lambda j, x: complex(x, h if j == i else 0.0), 2)
    return nodes[-1].imag / h


def plain(leaves, steps):
    return evaluate(leaves, steps, lambda j, x: complex(x), 2)[-1].real
