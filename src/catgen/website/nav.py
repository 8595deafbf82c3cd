"""The site's navigation: home, the kind indexes, status, audit, checks, search, then the user guide.

Per-manifest pages stay out of it (thousands of entries would bury the
rest). The guide follows the project's own ``nav`` when it has one (entries
whose page does not exist dropped), else ``GUIDE_ORDER`` then the rest by name.
"""

from __future__ import annotations

from catgen.model import KINDS
from catgen.website import urls

GUIDE_ORDER = ("getting-started.md", "manifests.md", "writing-a-catalog.md", "rules.md", "ci.md", "gate-merges.md",
               "policy.md", "promotion.md", "security.md", "site.md")


def site_nav(guide: list, user_nav) -> list:
    """MkDocs' ``nav`` for the catalog pages and the ``guide`` files."""
    nav = [{"Home": "index.md"}]
    plurals = [KINDS[k].plural for k in KINDS if k != "Policy"]
    nav += [{plural.capitalize(): urls.src_uri(urls.index_url(plural))} for plural in plurals]
    nav += [{"Status": "status/index.md"}, {"Audit": "audit/index.md"}, {"Checks": "checks/index.md"},
            {"Search": "search/index.md"}]
    present = {f.src_uri for f in guide}
    guide_nav = _filter_nav(user_nav, present) if user_nav else None
    if not guide_nav:
        ordered = [u for u in ("guide.md",) + GUIDE_ORDER if u in present]
        ordered += sorted(present - set(GUIDE_ORDER) - {"guide.md"})
        guide_nav = [{_guide_title(u): u} for u in ordered]
    return nav + ([{"Guide": guide_nav}] if guide_nav else [])


def _guide_title(src_uri: str) -> str:
    if src_uri == "guide.md":
        return "Overview"
    stem = src_uri.rsplit(".", 1)[0].rsplit("/", 1)[-1]
    return {"ci": "CI"}.get(stem, stem.replace("-", " ").capitalize())


def _filter_nav(items, present: set):
    """The user's nav without entries whose page does not exist (yet)."""
    kept = []
    for item in items if isinstance(items, list) else []:
        if isinstance(item, str):
            item = "guide.md" if item == "index.md" else item
            kept += [item] if item in present or "://" in item else []
        elif isinstance(item, dict):
            for title, value in item.items():
                value = "guide.md" if value == "index.md" else value
                if isinstance(value, list):
                    sub = _filter_nav(value, present)
                    kept += [{title: sub}] if sub else []
                elif isinstance(value, str) and (value in present or "://" in value):
                    kept.append({title: value})
    return kept
