"""The textbook's layer equations by hand, beside the engine's gradients.

Same as `micrograd-like demo textbook`; options pass through, e.g. `python demos/textbook.py --help`.
"""

import sys

from micrograd_like.cli import main

if __name__ == "__main__":
    sys.exit(main(["demo", "textbook", *sys.argv[1:]]))
