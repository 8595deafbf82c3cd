"""``serve_site``: MkDocs' live-reloading development server on the catalog site; the catalog folder is watched."""

from __future__ import annotations

import contextlib
import copy
import os
import tempfile

from catgen.processes import terminate_as_interrupt
from catgen.website.build import mkdocs_logging
from catgen.website.config import mkdocs_options


def serve_site(catalog_root: str, *, dev_addr: str | None = None) -> None:
    """MkDocs' development server with live reload; the catalog folder is watched."""
    from mkdocs.commands.serve import serve

    with tempfile.TemporaryDirectory(prefix="catgen-config-") as work:
        project, overrides = mkdocs_options(catalog_root, work)
        if dev_addr:
            overrides["dev_addr"] = dev_addr
        with mkdocs_logging(quiet=False), _fresh_overrides_per_rebuild(), terminate_as_interrupt():
            serve(config_file=project, livereload=True, watch=[os.path.abspath(catalog_root)], **overrides)


@contextlib.contextmanager
def _fresh_overrides_per_rebuild():
    """Give each of ``mkdocs serve``'s config loads its own copy of the overrides.

    MkDocs reuses the keyword overrides for every rebuild, but loading a config
    consumes the plugin mappings in them (``popitem``), so the first rebuild
    after a change failed with "Invalid Plugins configuration".
    """
    from mkdocs.commands import serve as serve_module

    original = serve_module.load_config
    serve_module.load_config = lambda **kwargs: original(**copy.deepcopy(kwargs))
    try:
        yield
    finally:
        serve_module.load_config = original
