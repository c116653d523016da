"""Backprop written out as code: a recorded graph compiled into a plain Python function.

- :mod:`.compiled`: :func:`compile_graph`, the compiled function, and :class:`CompiledLoss`
  (a training step that compiles itself once and reruns);
- :mod:`.source`: writing the forward pass and the chain rule out as readable Python;
- :mod:`.names`: the variables' names, as a student would write them (``w1_21``, ``t3``);
- :mod:`.program`: the code as a program that runs on its own (what ``micrograd-like compile`` prints);
- :mod:`.repeats`: finding the blocks a graph repeats (one per data point), so the code
  writes each once.
"""
