"""Where a report goes: never in the place of a manifest of the catalog it reports on.

``catgen check --output catalog/policy.yaml`` (a slip of the hand) replaced the policy with the report, and a
report written as ``catalog/report.yaml`` would be read as a manifest by the next check. A report may still
go in the catalog folder under another name (a catalog at the repository's root, with ``catgen.sarif``
beside it); ``check --watch`` refuses any file there (each report would start the next check).
"""

from __future__ import annotations

import os

from catgen.errors import CatalogError
from catgen.fsutil import resolves_inside
from catgen.load.sources import MANIFEST_SUFFIXES


def refuse_manifest_output(output: str | None, catalog_root: str) -> None:
    """A one-line ``CatalogError`` when ``output`` names a manifest file in the catalog folder ``catalog_root``."""
    if output and os.path.basename(os.path.normpath(output)).endswith(MANIFEST_SUFFIXES) \
            and resolves_inside(output, catalog_root):
        raise CatalogError(f"--output {output} is a .yaml/.yml file in the catalog folder: the report would replace "
                           "a manifest or be read as one; write it elsewhere")
