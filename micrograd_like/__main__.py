"""``python -m micrograd_like`` runs the ``micrograd-like`` command."""

import sys

from .cli import main

sys.exit(main())
