"""Vanishing gradients: gradient size per layer, deep sigmoid vs tanh/ReLU.

Same as `micrograd-like demo vanishing`; options pass through, e.g. `python demos/vanishing.py --help`.
"""

import sys

from micrograd_like.cli import main

if __name__ == "__main__":
    sys.exit(main(["demo", "vanishing", *sys.argv[1:]]))
