"""Property-based tests (Hypothesis). A package, so its ``conftest`` never shadows ``tests/conftest.py``."""
