"""The notebook: widgets to click through backprop, practise it, and watch a network learn.

Each is an anywidget widget over a panel of :mod:`micrograd_like.web` (the panel says what to
show; its ES module shows it), so it runs wherever anywidget does: JupyterLab, Jupyter
Notebook, VS Code, Colab, marimo.

- :mod:`.anywidgets`: the widgets themselves, thin adapters between traitlets and the panels;
- :mod:`.stepper_widget`: ``steps.widget()``;
- :mod:`.quiz_widget`: the quiz, in a notebook;
- :mod:`.playground_view`: the training view (TensorFlow Playground's experience, on this
  engine); :mod:`.playground` gives the Playground under the name notebook 4 imports it by.
"""
