"""The notebook: widgets to click through backprop, practise it, and watch a network learn.

- :mod:`.stepper_widget`: ``steps.widget()``;
- :mod:`.quiz_widget`: the quiz, in a notebook;
- :mod:`.playground` and :mod:`.playground_view`: the training view (TensorFlow Playground's
  experience, on this engine).
"""
