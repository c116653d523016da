"""``python -m micrograd_like`` runs the ``micrograd-like`` command."""

import sys

from .cli import main

if __name__ == "__main__":  # (imported otherwise, as a documentation tool does, it runs nothing)
    sys.exit(main())
