"""The project's user guide (``docs_dir``) among the catalog's pages.

``docs/index.md`` moves to ``/guide/`` because ``/`` is the catalog's home
(unless the plugin's ``catalog_url`` puts the catalog in a folder of its own),
and a guide page whose address a catalog page needs is dropped with a
warning. The rules page gets an anchor per rule code, so SARIF ``helpUri``
links (``/rules/#cg201``) land on the rule.
"""

from __future__ import annotations

import logging
import re

from mkdocs.structure.files import File, Files

from catgen.website import urls
from catgen.website.datafiles import asset_paths

log = logging.getLogger("mkdocs.plugins.catgen")

CATALOG_FOLDERS = ("search/", "schemas/")  # the catalog's own: every file under them is catgen's
_RULE_CELL = re.compile(r"<(h[1-6]|td|dt|li)((?:\s[^>]*)?)>(\s*(?:<[^>]+>\s*)*)(CG\d{3})\b")


def arrange_guide(files: Files, config, catalog_urls, prefix: str = "") -> list:
    """The user guide's pages: docs/index.md moved to guide.md (when the catalog's folder ``prefix`` is the
    site's root), collisions with ``catalog_urls`` (addresses under ``prefix``) dropped."""
    taken = {prefix + urls.src_uri(u) for u in catalog_urls} | {prefix + "catalog.json", *asset_paths(prefix)}
    folders = tuple(prefix + folder for folder in CATALOG_FOLDERS)
    guide = []
    for file in list(files):
        if file.src_uri == "index.md" and not prefix:
            files.remove(file)
            moved = File.generated(config, "guide.md", abs_src_path=file.abs_src_path)
            files.append(moved)
            file = moved
        elif _hidden_by_catalog(file, taken, folders):
            log.warning("catgen: docs page %s is hidden by the catalog page at the same address", file.src_uri)
            files.remove(file)
            continue
        if file.is_documentation_page():
            guide.append(file)
    return guide


def _hidden_by_catalog(file: File, taken: set, folders: tuple) -> bool:
    return (file.src_uri in taken or file.dest_uri.replace("index.html", "index.md") in taken
            or file.src_uri.startswith(folders))


def rule_anchors(html: str) -> str:
    """Give the first heading or cell naming each rule code the id ``cgNNN``."""
    seen = set(re.findall(r'id="(cg\d{3})"', html))

    def anchor(match):
        code = match.group(4).lower()
        if code in seen:
            return match.group(0)
        seen.add(code)
        tag, attributes, before = match.group(1), match.group(2), match.group(3)
        return f'<{tag}{attributes}>{before}<span id="{code}" class="cg-anchor"></span>{match.group(4)}'

    return _RULE_CELL.sub(anchor, html)
