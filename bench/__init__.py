"""The micrograd_like benchmark: our engine side by side with micrograd, PyTorch and plain floats.

Run it from the repository root with ``python -m bench`` (``--quick`` for a smoke run);
``bench/README.md`` explains each workload and how to read the tables.
"""
