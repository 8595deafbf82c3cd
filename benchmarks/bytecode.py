"""catgen's modules compiled to bytecode before a benchmark, as an installed catgen has them.

pip compiles a package's modules when it installs it, and an editable install writes the
bytecode at the first import, unless ``PYTHONDONTWRITEBYTECODE`` is set, as it is on the
benchmark machine: then every process compiles each catgen module it imports again, and a
start-up-bound figure (the warm re-check) measures the compiler. Figures in README.md from
before issue 17's third round were taken that way.
"""

from __future__ import annotations

import compileall
from pathlib import Path

SOURCE = Path(__file__).resolve().parent.parent / "src" / "catgen"


def compile_catgen() -> None:
    """Write the bytecode of every catgen module (``__pycache__``, ignored by git) if it is not there."""
    compileall.compile_dir(str(SOURCE), quiet=1)
