"""A bigger network trained live: five spiral arms, with a compiled training step.

Same as `micrograd-like demo galaxy`; options pass through, e.g. `python demos/galaxy.py --help`.
"""

import sys

from micrograd_like.cli import main

if __name__ == "__main__":
    sys.exit(main(["demo", "galaxy", *sys.argv[1:]]))
