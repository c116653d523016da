"""The lecture's tanh neuron: every chain-rule step of its backward pass, in words.

Same as `micrograd-like demo neuron`; options pass through, e.g. `python demos/neuron.py --help`.
"""

import sys

from micrograd_like.cli import main

if __name__ == "__main__":
    sys.exit(main(["demo", "neuron", *sys.argv[1:]]))
