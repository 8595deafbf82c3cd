"""The one error that stops a command: the catalog cannot be read or the command cannot run.

Every command turns it into exit 2 with its message as the one-line reason on
stderr. Anything a manifest gets wrong is a finding, never this.
"""

from __future__ import annotations


class CatalogError(Exception):
    """The check itself cannot run (exit 2): the message is the one-line reason."""
