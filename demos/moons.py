"""micrograd's demo: MLP(2, [16, 16, 1]) learns two moons; draws the decision boundary.

Same as `micrograd-like demo moons`; options pass through, e.g. `python demos/moons.py --help`.
"""

import sys

from micrograd_like.cli import main

if __name__ == "__main__":
    sys.exit(main(["demo", "moons", *sys.argv[1:]]))
