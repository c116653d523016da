"""Several classes: three spiral arms with softmax cross-entropy.

Same as `micrograd-like demo spiral`; options pass through, e.g. `python demos/spiral.py --help`.
"""

import sys

from micrograd_like.cli import main

if __name__ == "__main__":
    sys.exit(main(["demo", "spiral", *sys.argv[1:]]))
