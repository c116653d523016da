"""Initialisation: the same network trained from different initial weight scales.

Same as `micrograd-like demo init`; options pass through, e.g. `python demos/init.py --help`.
"""

import sys

from micrograd_like.cli import main

if __name__ == "__main__":
    sys.exit(main(["demo", "init", *sys.argv[1:]]))
