"""The site's navigation: home, the kind indexes, status, audit, checks, search, then the user guide.

Per-manifest pages stay out of it (thousands of entries would bury the
rest). The guide follows the project's own ``nav`` when it has one (entries
whose page does not exist dropped), else ``GUIDE_ORDER`` then the rest by name.
With the catalog in a folder of its own (the plugin's ``catalog_url``), the
site is the project's: its guide first, home page included, then a "Catalog" section.
"""

from __future__ import annotations

from catgen.model import KINDS
from catgen.website import urls

GUIDE_ORDER = ("getting-started.md", "manifests.md", "writing-a-catalog.md", "rules.md", "ci.md", "gate-merges.md",
               "policy.md", "promotion.md", "security.md", "site.md")
HOME_TITLES = {"guide.md": "Overview", "index.md": "Home"}  # the project's docs/index.md, moved or not


def site_nav(guide: list, user_nav, prefix: str = "") -> list:
    """MkDocs' ``nav`` for the catalog pages (under the folder ``prefix``) and the ``guide`` files."""
    plurals = [KINDS[k].plural for k in KINDS if k != "Policy"]
    addresses = [("Home", "")] + [(plural.capitalize(), urls.index_url(plural)) for plural in plurals]
    addresses += [("Status", "status/"), ("Audit", "audit/"), ("Checks", "checks/"), ("Search", "search/")]
    catalog = [{title: prefix + urls.src_uri(address)} for title, address in addresses]
    home = "index.md" if prefix else "guide.md"  # the project's docs/index.md, moved when the catalog takes /
    present = {f.src_uri for f in guide}
    guide_nav = _filter_nav(user_nav, present, home) if user_nav else None
    if not guide_nav:
        ordered = [u for u in (home,) + GUIDE_ORDER if u in present]
        ordered += sorted(present - set(GUIDE_ORDER) - {home})
        guide_nav = [{_guide_title(u): u} for u in ordered]
    if prefix:
        return guide_nav + [{"Catalog": catalog}]
    return catalog + ([{"Guide": guide_nav}] if guide_nav else [])


def _guide_title(src_uri: str) -> str:
    if src_uri in HOME_TITLES:
        return HOME_TITLES[src_uri]
    stem = src_uri.rsplit(".", 1)[0].rsplit("/", 1)[-1]
    return {"ci": "CI"}.get(stem, stem.replace("-", " ").capitalize())


def _filter_nav(items, present: set, home: str):
    """The user's nav without entries whose page does not exist (yet); ``index.md`` is at ``home``."""
    kept = []
    for item in items if isinstance(items, list) else []:
        if isinstance(item, str):
            item = home if item == "index.md" else item
            kept += [item] if item in present or "://" in item else []
        elif isinstance(item, dict):
            for title, value in item.items():
                value = home if value == "index.md" else value
                if isinstance(value, list):
                    sub = _filter_nav(value, present, home)
                    kept += [{title: sub}] if sub else []
                elif isinstance(value, str) and (value in present or "://" in value):
                    kept.append({title: value})
    return kept
