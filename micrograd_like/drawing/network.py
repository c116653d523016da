"""Drawing a network one node per neuron: MLP(2, [16, 16, 1]) in 35 nodes instead of thousands."""

from __future__ import annotations

from collections.abc import Sequence

from ..engine.value import Value
from ..nn.activations import TABLE as ACTIVATIONS
from .dot import COLOURS, MAX_NODES, escape_text, grad_number, new_drawing, number_text
from .render import DEFAULT_TIMEOUT, Drawing

__all__ = ["draw_network"]


def draw_network(
    model,
    x: Sequence[float] | None = None,
    *,
    rankdir: str = "LR",
    weight_labels: bool = False,
    digits: int = 3,
    timeout: float = DEFAULT_TIMEOUT,
) -> Drawing:
    """Draw a multi-layer perceptron one node per neuron: MLP(2, [16, 16, 1]) in 35 nodes.

    Works with any model shaped like micrograd's: ``model.layers``, each with ``.neurons``,
    each with weights ``.w`` (a list of Values) and bias ``.b``.  Each neuron shows its
    name (``L0·N1`` is ``model.layers[0].neurons[1]``, numbered from 0 as the parameters'
    labels are; the inputs are ``x0``, ``x1``, ...), its activation (as nn's table of activations
    names it: ReLU, tanh, σ, linear) and its bias with the bias's gradient (which is the gradient at
    the neuron's weighted sum); each edge is a weight, blue when positive
    and red when negative, as thick as its size, its value and gradient in the tooltip
    (and on the edge with ``weight_labels``).  Given one input ``x``, the inputs and each
    neuron's output for it are shown too (a forward pass, no backward: gradients are not
    touched).
    """
    layers = list(getattr(model, "layers", None) or [])
    if not layers or not all(getattr(layer, "neurons", None) for layer in layers):
        raise TypeError("draw_network() needs a model with .layers, each with .neurons (like micrograd's MLP)")
    nin = len(layers[0].neurons[0].w)
    if x is not None and len(x) != nin:
        raise ValueError(f"the model takes {nin} inputs, got {len(x)}")
    count = nin + sum(len(layer.neurons) for layer in layers)
    drawing = new_drawing(rankdir, "", count, MAX_NODES, "svg", timeout)
    drawing.attr("graph", ranksep="2.2", nodesep="0.12", splines="line")
    drawing.attr("node", shape="box", style="rounded,filled", fillcolor="white", margin="0.08,0.03")

    outputs: list[Value] | None = [Value(float(v)) for v in x] if x is not None else None
    previous = []
    for i in range(nin):
        name = f"x{i}"
        fields = [name] + ([f"{number_text(outputs[i].data, digits)}"] if outputs else [])
        drawing.node(f"in{i}", escape_text("\n".join(fields)), fillcolor="#e8eef7")
        previous.append(f"in{i}")
    weights = [abs(w.data) for layer in layers for n in layer.neurons for w in n.w] or [1.0]
    biggest = max(weights) or 1.0
    for li, layer in enumerate(layers):
        current = []
        next_outputs = []
        for ni, neuron in enumerate(layer.neurons):
            name = f"L{li}N{ni}"
            fields = [f"L{li}·N{ni} {_activation(neuron)}".strip()]
            if outputs is not None:
                out = neuron(outputs)
                if isinstance(out, (list, tuple)):
                    out = out[0]
                next_outputs.append(out)
                fields.append(f"out {number_text(out.data, digits)}")
            fields.append(f"b {number_text(neuron.b.data, digits)}, grad {number_text(grad_number(neuron.b), digits)}")
            drawing.node(name, escape_text("\n".join(fields)))
            if len(neuron.w) != len(previous):
                raise ValueError(f"layers[{li}].neurons[{ni}] has {len(neuron.w)} weights for {len(previous)} inputs")
            for source, w in zip(previous, neuron.w):
                tip = f"w = {w.data:.6g}, grad = {grad_number(w):.6g}"
                drawing.edge(
                    source,
                    name,
                    color=COLOURS["positive"] if w.data >= 0 else COLOURS["negative"],
                    penwidth=f"{0.3 + 3.2 * abs(w.data) / biggest:.2f}",
                    arrowsize="0.4",
                    tailport="e" if rankdir == "LR" else "s",
                    headport="w" if rankdir == "LR" else "n",
                    tooltip=tip,
                    **({"label": f"{w.data:.{digits}g}"} if weight_labels else {}),
                )
            current.append(name)
        previous = current
        outputs = next_outputs if outputs is not None else None
    drawing.names = {}
    return drawing


def _activation(neuron) -> str:
    """The activation's name on the drawing, duck-typed: ``activation``/``act``/``nonlin``
    (micrograd's flag: True is ReLU).  A name nn knows is drawn as its row says (relu as ReLU)."""
    for attribute in ("activation", "act", "nonlin"):
        value = getattr(neuron, attribute, None)
        if value is None:
            continue
        if isinstance(value, bool):
            value = "relu" if value else "linear"
        if not isinstance(value, str):
            value = getattr(value, "__name__", "")
        return ACTIVATIONS[value].drawn if value in ACTIVATIONS else value
    return ""
