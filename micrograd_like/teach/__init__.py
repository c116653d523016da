"""Teaching backprop: expressions as text, every chain-rule step in words, and practice.

- :mod:`.expression`: ``parse("tanh(a*b + c)")``, safely;
- :mod:`.naming`: naming nodes after the variables that hold them;
- :mod:`.words`: how numbers, formulas and names are written;
- :mod:`.steps`: one chain-rule step as a record, and its words;
- :mod:`.forward`: the forward pass in words;
- :mod:`.stepper`: the backward pass replayed one step at a time (``L.backward_steps()``);
- :mod:`.misconceptions`: the usual mistakes, each a wrong rule with its words, and ``diagnose``;
- :mod:`.digits`: the digits each number a student computes with is written with;
- :mod:`.predict`: predict, then see: each step's number asked before the step is shown;
- :mod:`.quiz`: a quiz on every step; :mod:`.worksheet`: a worksheet per student.
- :mod:`.grading`: a worksheet marked blank by blank, credit carried forward, each mistake named;
- :mod:`.forward_mode`: forward mode beside it, one tangent per node (``forward_steps(L, wrt=x)``);
- :mod:`.tangent_steps`: one step of forward mode as a record, and its words;
- :mod:`.passes`: how many passes each mode needs for every parameter's gradient, and how long;
- :mod:`.paths`: a gradient as the sum over paths of products of local derivatives.
"""
