"""micrograd's README expression: a forward pass, then backward (dg/da, dg/db).

Same as `micrograd-like demo engine`; options pass through, e.g. `python demos/engine.py --help`.
"""

import sys

from micrograd_like.cli import main

if __name__ == "__main__":
    sys.exit(main(["demo", "engine", *sys.argv[1:]]))
