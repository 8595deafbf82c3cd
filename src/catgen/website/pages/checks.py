"""The checks page (every current finding, grouped by file) and the check status line the home page shows."""

from __future__ import annotations

from catgen.website.markup import badge, level_badge, link, page, section, table
from catgen.website.pages.context import PageContext
from catgen.website.pages.sections import FINDING_HEADERS, finding_row
from catgen.website.text import esc


def check_status(ctx: PageContext, findings_link: str | None = None) -> str:
    """Errors, warnings and waivers of the check, ending in ``findings_link`` (default: a link to /checks/)."""
    errors, warnings, waived = ctx.site.check_counts()  # a call, so that a page reading it can be kept (pageinputs)
    status = level_badge("error") + f" {errors} errors" if errors else badge("passing", "cg-level-ok")
    where = findings_link if findings_link is not None else link(ctx.href("checks/"), "all findings")
    counts = f"{warnings} warnings, {waived} waived"
    return f'<p class="cg-check-status">{status}, {counts} — {where}</p>'


def checks_page(ctx: PageContext) -> tuple[str, str]:
    """Every current finding, grouped by file, linked to the page of the manifest."""
    site = ctx.site
    by_path = {m.path: m for m in site.catalog.manifests}
    groups: dict = {}
    for finding in site.result.findings:
        groups.setdefault(finding.path, []).append(finding)
    body = check_status(ctx, "findings by file below")
    for path in sorted(groups):
        manifest = by_path.get(path)
        shown = manifest.relpath if manifest is not None else path
        page_link = f" — {ctx.ref(manifest)}" if manifest is not None and site.url(manifest) else ""
        rows = [finding_row(ctx, f) for f in groups[path]]
        body += f'<h2 class="cg-file"><code>{esc(shown)}</code>{page_link}</h2>' + table(FINDING_HEADERS, rows)
    if site.result.waived:
        rows = [[esc(by_path[f.path].relpath if f.path in by_path else f.path), ctx.rule_link(f.code), esc(f.subject),
                 esc(f.waived_by)] for f in site.result.waived]
        body += section("Waived by policy exceptions", table(["File", "Rule", "Subject", "Reason"], rows))
    if not groups:
        body += '<p class="cg-ok">No findings.</p>'
    return "Checks", page("Checks", body, subtitle="The current findings of catgen check")
