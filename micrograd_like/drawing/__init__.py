"""Drawings of computation graphs: DOT written in Python, laid out by Graphviz.

- :mod:`.graphs`: :func:`draw_dot`, :func:`draw_path`, :func:`draw_around` and the
  :class:`Highlight` a step draws with;
- :mod:`.network`: a network one node per neuron (:func:`draw_network`);
- :mod:`.dot`: the pieces of DOT every drawing is made of (colours, escaping, numbers);
- :mod:`.render`: running Graphviz, the one place the package starts a program;
- :mod:`.projector`: fitting a drawing to a projector or a notebook, legibly;
- :mod:`.svg`: Graphviz's SVG on a page, scaling with its place;
- :mod:`.in_browser`: Graphviz compiled to WebAssembly (viz.js, shipped in ``viz/``), which
  lays drawings out in the page where ``dot`` cannot run (Pyodide).
"""
