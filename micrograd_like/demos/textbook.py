"""The textbook's layer equations of backpropagation, by hand, beside the engine's gradients.

For a network with pre-activations ``z_l = W_l a_{l-1} + b_l`` and activations
``a_l = sigma_l(z_l)``, the course notes derive

    delta_L   = dL/da_L * sigma_L'(z_L)                     (the output layer)
    delta_l   = (W_{l+1}^T delta_{l+1}) * sigma_l'(z_l)     (each hidden layer, going back)
    dL/dW_l   = delta_l a_{l-1}^T
    dL/db_l   = delta_l

Here those equations run on plain floats, matrix by matrix, for the same small MLP whose
gradients the engine finds by applying the chain rule one scalar edge at a time.  The two
must agree to rounding error.
"""

from __future__ import annotations

import random

from ..nn.activations import TABLE as ACTIVATIONS  # each row's sigma and sigma'(z), on floats
from ..nn.losses import mse_loss
from ..nn.modules import MLP

__all__ = ["run", "SUMMARY", "layer_equations"]

SUMMARY = "the textbook's layer equations by hand, beside the engine's gradients: they agree to 1e-12"

TOLERANCE = 1e-12


def layer_equations(model: MLP, x: list[float], y: list[float]) -> list[dict]:
    """Backpropagation for the loss ``mean((a_L - y)²)``, layer by layer, with plain floats.

    Returns one dict per layer (first to last) with its ``W``, ``b``, ``z``, ``a``,
    ``delta``, ``dW`` and ``db`` as lists (``W[i][j]`` is neuron i's weight on input j).
    """
    layers = []
    a = list(x)
    for layer in model.layers:  # forward: z_l = W_l a_{l-1} + b_l, a_l = sigma_l(z_l)
        W = [[w.data for w in n.w] for n in layer.neurons]
        b = [n.b.data for n in layer.neurons]
        kinds = [n.activation for n in layer.neurons]
        z = [sum((W[i][j] * a[j] for j in range(len(a))), b[i]) for i in range(len(W))]
        layers.append({"W": W, "b": b, "activation": kinds, "a_prev": a, "z": z})
        a = [ACTIVATIONS[k].function(zi) for k, zi in zip(kinds, z)]
        layers[-1]["a"] = a

    # Backward.  The output layer: dL/da_L = 2 (a_L - y) / n for the mean squared error.
    last = layers[-1]
    dL_da = [2.0 * (ai - yi) / len(y) for ai, yi in zip(last["a"], y)]
    delta = [g * ACTIVATIONS[k].derivative(zi) for g, k, zi in zip(dL_da, last["activation"], last["z"])]
    for index in range(len(layers) - 1, -1, -1):
        layer = layers[index]
        layer["delta"] = delta
        layer["dW"] = [[d * aj for aj in layer["a_prev"]] for d in delta]  # delta_l a_{l-1}^T
        layer["db"] = list(delta)  # delta_l
        if index > 0:  # delta_{l-1} = (W_l^T delta_l) * sigma'(z_{l-1})
            below = layers[index - 1]
            W = layer["W"]
            back = [sum(W[i][j] * delta[i] for i in range(len(W))) for j in range(len(W[0]))]
            delta = [g * ACTIVATIONS[k].derivative(zj) for g, k, zj in zip(back, below["activation"], below["z"])]
    return layers


def run(seed: int = 0) -> dict:
    """Build MLP(3, [4, 3, 2]) (tanh hidden, sigmoid output), compare both ways; print the table."""
    rng = random.Random(seed)
    model = MLP(3, [4, 3, 2], activation="tanh", output="sigmoid", init="xavier", seed=rng)
    x = [round(rng.uniform(-1, 1), 2) for _ in range(3)]
    y = [1.0, 0.0]
    print(f"Network: {model}")
    print(f"Input x = {x}, target y = {y}, loss L = mean((a_L - y)²)")

    loss = mse_loss(model.outputs(x), y)
    model.zero_grad()
    loss.backward()
    by_hand = layer_equations(model, x, y)

    print(f"\nForward: L = {loss.data:.12g}")
    print("Backward, by the layer equations (L = last layer):")
    count = len(by_hand)
    for number in range(count, 0, -1):
        layer = by_hand[number - 1]
        if number == count:
            rule = "delta_L = dL/da_L * sigma'(z_L)"
        else:
            rule = f"delta_{number} = (W_{number + 1}^T delta_{number + 1}) * sigma'(z_{number})"
        values = ", ".join(f"{d:+.6f}" for d in layer["delta"])
        print(f"  layer {number} ({layer['activation'][0]}): {rule} = [{values}]")

    print("\nGradients: dL/dW_l = delta_l a_{l-1}^T and dL/db_l = delta_l, beside the engine's")
    print(f"  {'parameter':<26} {'layer equations':>20} {'engine (backward)':>20} {'difference':>11}")
    worst = 0.0
    for number, (layer_model, layer) in enumerate(zip(model.layers, by_hand), 1):
        print(f"  layer {number} is model.layers[{number - 1}]: dL/dW_{number} = delta_{number} a_{number - 1}^T")
        for i, neuron in enumerate(layer_model.neurons):
            pairs = [(w, layer["dW"][i][j]) for j, w in enumerate(neuron.w)] + [(neuron.b, layer["db"][i])]
            for parameter, hand in pairs:
                difference = abs(parameter.grad - hand)
                worst = max(worst, difference)
                print(f"  {parameter.label:<26} {hand:>20.15f} {parameter.grad:>20.15f} {difference:>11.1e}")
    verdict = "agree" if worst <= TOLERANCE else "DISAGREE"
    print(f"\nLargest difference: {worst:.1e}; the two {verdict} to {TOLERANCE:g}.")
    return {"model": model, "max_difference": worst, "layers": by_hand, "files": []}
