"""Backprop written out as code: a recorded graph compiled into a plain Python function.

- :mod:`.compiled`: :func:`compile_graph`, the compiled function, and :class:`CompiledLoss`
  (a training step that compiles itself once and reruns);
- :mod:`.source`: writing the forward pass and the chain rule out as readable Python;
- :mod:`.repeats`: finding the blocks a graph repeats (one per data point), so the code
  writes each once.
"""
