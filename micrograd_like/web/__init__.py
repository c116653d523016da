"""The web: the widgets' front-ends in the page, and the plain-Python panels behind them.

Each widget has two halves.  Its **panel**, in plain Python (no traitlets, no ipywidgets, no
anywidget), holds the teaching object (a Stepper, a Quiz, a Playground) and says what to show.
Its **front-end**, an ES module in ``web/frontend/`` shipped in the package, draws that in the
page and reports what the student does.  A notebook joins the two with anywidget (the thin
adapters of :mod:`micrograd_like.notebook`); a page running Python in the browser (Pyodide) can
join them with a JavaScript object of its own.  Nothing is fetched from a network.

The contract, which every panel keeps (:class:`.panel.Panel`):

- ``panel.state() -> dict``: every value the front-end reads, JSON-able: numbers, flags, words
  as HTML strings, and a graph's drawing as ``svg`` (laid out in Python by Graphviz's ``dot``,
  or ``""`` where there is none), ``dot`` (its DOT source, always) and ``note`` (HTML: why there
  is no drawing, or ``""``); see :mod:`.drawings`.
- ``panel.update(changes: dict) -> None``: the values the front-end set, some of
  ``panel.WRITABLE`` (``{"position": 5}``).  A bad value is refused in one line naming it.
- ``panel.message(content: dict) -> None``: what the front-end sent: a button pressed
  (``{"press": "next"}``), an answer (``{"answer": "6.0"}``).
- ``panel.subscribe(listener)``: ``listener()`` is called after each change of the state, made
  by an update, a message or the panel itself (a training step; a stepper moved in code, once
  ``refresh()`` is called); the carrier then copies ``state()`` to the page.

The front-end modules are anywidget's: ``export default { render({ model, el }) { ... } }``,
using only ``model.get``, ``model.set``, ``model.save_changes``, ``model.on("change:x")``,
``model.send`` and ``model.on("msg:custom")``, so that any object with those can be the model.
Where ``svg`` is empty a module lays ``dot`` out in the page with @viz-js/viz, taken from
``globalThis.__micrograd_like_viz`` (a page may put it there: an instance or a promise of one)
or else imported from the model's ``_viz`` (the module's text), once per page.

- :mod:`.panel`: what every panel is (the contract above, in code);
- :mod:`.drawings`: a panel's drawing, laid out once (in Python when it can run ``dot``);
- :mod:`.stepper_panel`: a backward pass, a step at a time (``frontend/stepper.js``);
- :mod:`.quiz_panel`: the quiz on it (``frontend/quiz.js``);
- :mod:`.playground` and :mod:`.training_panel`: a network learning a 2-D data set, and its view
  (``frontend/training.js``);
- :mod:`.modules`: each front-end module as one text, the modules it imports put in place
  (``frontend/drawing.js`` holds what they share);
- :mod:`.site` and :mod:`.pyodide_files`: a lesson site with nothing to install, the panels run
  by Python in the browser (Pyodide) and shown by the same front-ends (``site_files/``).
"""
