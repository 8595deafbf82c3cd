"""The example catalog plus the events stage marks must not hide, checked at a fixed "now", pages rendered directly.

At ``NOW`` (2025-06-01):
- ``credit-risk-1-to-prod-next-year``: credit-risk@1 to prod dated 2026-03-01 (after now), no approvals
  (so gate errors too): prod is *pending* for credit-risk@1, never counted in prod.
- ``credit-risk-2-revoke-prod``: credit-risk@2 revoked from prod on 2024-10-01: *revoked*; its reason has two
  lines and a URI (the Fields block shows lines and a link).
- ``fraud-detector-emea-1-to-prod``: fraud-detector-emea@1 to prod on 2024-12-01 with no approvals: in prod
  *with errors* (reported in the promotion's file, about the model).

Rendering without MkDocs keeps these tests fast; ``render`` returns the page body (``div.cg-page``).
"""

from __future__ import annotations

import shutil
from datetime import datetime, timezone
from pathlib import Path

from testing.catalogs import EXAMPLE, write
from testing.site import Node, parse_html
from catgen.checking.engine import run_check
from catgen.load.catalog import open_catalog
from catgen.website.pages.generate import generated_pages
from catgen.website.sitemodel import SiteModel

NOW = datetime(2025, 6, 1, tzinfo=timezone.utc)
NOW_EPOCH = str(int(NOW.timestamp()))
PENDING_PROMOTION = "credit-risk-1-to-prod-next-year"
REVOCATION = "credit-risk-2-revoke-prod"
ERROR_PROMOTION = "fraud-detector-emea-1-to-prod"
INCIDENT = "https://status.example.com/incidents/42"
REVOCATION_REASON = f"  revoke: true\n  reason: |\n    Faulty scores in the EU segment.\n    Incident {INCIDENT}\n"


def _promotion(name: str, asset: str, date: str, extra: str = "") -> str:
    return (f"apiVersion: catgen/v1\nkind: Promotion\nmetadata:\n  name: {name}\nspec:\n  stage: prod\n"
            f"  asset: {asset}\n  requested_by: bob@contoso.com\n  date: {date}\n{extra}")


def write_marks_catalog(root: Path) -> Path:
    """The example catalog copied to ``root/catalog`` with the three events above."""
    catalog = root / "catalog"
    shutil.copytree(EXAMPLE, catalog)
    write(catalog, f"promotions/{PENDING_PROMOTION}.yaml",
          _promotion(PENDING_PROMOTION, "model:credit-risk@1", "2026-03-01T10:00:00Z"))
    write(catalog, f"promotions/{REVOCATION}.yaml",
          _promotion(REVOCATION, "model:credit-risk@2", "2024-10-01T10:00:00Z", REVOCATION_REASON))
    write(catalog, f"promotions/{ERROR_PROMOTION}.yaml",
          _promotion(ERROR_PROMOTION, "model:fraud-detector-emea@1", "2024-12-01T10:00:00Z"))
    return catalog


def marks_site(root: Path) -> SiteModel:
    """The site model of ``write_marks_catalog(root)`` at ``NOW``, with a rules page to link to."""
    catalog = write_marks_catalog(root)
    site = SiteModel.from_result(run_check(open_catalog(str(catalog), cache=False), now=NOW), now=NOW)
    site.has_rules_page = True
    return site


def rendered(site: SiteModel) -> dict[str, str]:
    """{address: page HTML} of every generated page."""
    return {url: body for url, (_, body) in generated_pages(site)}


def render(pages: dict[str, str], address: str) -> Node:
    return parse_html(pages[address]).find("div", cls="cg-page")


def marks_in(node: Node) -> dict[str, str]:
    """{stage: state} of every mark (in force or not) below ``node``."""
    return {n.attrs["data-stage"]: n.attrs["data-state"] for n in node.find_all("span") if "data-state" in n.attrs}
