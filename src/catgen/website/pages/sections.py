"""Sections every manifest page shares: header, fields, lineage, findings, reference lists."""

from __future__ import annotations

import numbers
import re
from urllib.parse import urlsplit

from catgen.graph.neighbourhood import neighbourhood
from catgen.website.graphics.lineage import lineage_svg
from catgen.website.markup import badge, dl, level_badge, link, more, section, table
from catgen.website.pages.context import PageContext
from catgen.website.pages.usedby import LIST_CAP, has_used_by_page, used_by_url
from catgen.website.text import LINK_REL, description_html, esc, linked_text, uri_html, web_href

LINEAGE_HOPS = 2
LINEAGE_CAP = 12
LINEAGE_LIST_CAP = LIST_CAP  # rows of each lineage list before "+N more" (a link to the used-by page)
FINDING_HEADERS = ["Level", "Rule", "Name", "Line", "Message", "Subject"]
PAGE_FINDING_HEADERS = ["Level", "Rule", "Name", "File", "Line", "Message", "Subject"]


def header(ctx: PageContext, manifest) -> str:
    meta = manifest.metadata
    pairs = [("Kind", esc(manifest.kind)), ("File", f"<code>{esc(manifest.relpath)}</code>")]
    if meta.get("owner") is not None:
        pairs.append(("Owner", esc(meta.get("owner"))))
    if isinstance(meta.get("tags"), dict) and meta["tags"]:
        tags = sorted(meta["tags"].items(), key=lambda kv: str(kv[0]))
        pairs.append(("Tags", " ".join(badge(f"{k}: {v}", "cg-tag") for k, v in tags)))
    if meta.get("created") is not None:
        pairs.append(("Created", esc(meta.get("created"))))
    if ctx.site.findings_about(manifest):
        pairs.append(("Check", _findings_summary(ctx, manifest)))
    text = description_html(meta.get("description"))
    return (f'<div class="cg-description">{text}</div>' if text else "") + dl(pairs)


def _findings_summary(ctx, manifest) -> str:
    found = ctx.site.findings_about(manifest)
    errors = sum(1 for f in found if f.level == "error")
    warnings = len(found) - errors
    parts = ([level_badge("error") + f" {errors}"] if errors else [])
    parts += [level_badge("warning") + f" {warnings}"] if warnings else []
    return link("#findings", " ".join(parts))


def fields(ctx: PageContext, manifest) -> str:
    """Every field of the manifest as nested definition lists; references as links."""
    refs = {ref.path: ref for ref in manifest.refs}
    return f'<div class="cg-data">{_value(ctx, manifest.data, (), refs)}</div>'


def fields_section(ctx: PageContext, manifest) -> str:
    return section("Fields", fields(ctx, manifest), anchor="fields")


def _value(ctx, value, path: tuple, refs: dict) -> str:
    if isinstance(value, dict):
        return dl([(esc(k), _value(ctx, v, path + (k,), refs)) for k, v in value.items()]) if value else "<em>{}</em>"
    if isinstance(value, list):
        items = "".join(f"<li>{_value(ctx, v, path + (i,), refs)}</li>" for i, v in enumerate(value))
        return f'<ol class="cg-list">{items}</ol>' if value else "<em>[]</em>"
    ref = refs.get(path)
    if ref is not None:
        if ref.target is not None:
            return f'<code>{ctx.ref(ref.target, ref.text)}</code>'
        return f'<code>{esc(ref.text)}</code> <span class="cg-missing">(not in the catalog)</span>'
    if not isinstance(value, str):
        return esc(value)
    if "\n" in value or "\r" in value:
        return f'<div class="cg-text">{linked_text(value, block=True)}</div>'  # lines, not \u000a escapes
    if web_href(value) is not None:
        return uri_html(value)
    return f"<code>{linked_text(value)}</code>" if len(value) < 200 else linked_text(value)


def lineage_section(ctx: PageContext, manifest) -> str:
    """The lineage picture of ``manifest``'s neighbourhood, then its links listed both ways."""
    graph = ctx.site.graph
    up = sorted(graph.out_edges(manifest), key=lambda e: (e.type, e.ref.field))
    down = sorted(graph.in_edges(manifest), key=lambda e: (e.type, e.source.relpath))
    up_rows = [[esc(e.type), f"<code>{esc(e.ref.field)}</code>", ctx.ref(e.target)] for e in up]
    down_rows = [[esc(e.type), ctx.ref(e.source)] for e in down[:LINEAGE_LIST_CAP]]
    up_table = table(["Relation", "Field", "Manifest"], up_rows, cls="cg-lineage-up") if up_rows else ""
    down_table = table(["Relation", "Manifest"], down_rows, cls="cg-lineage-down") if down_rows else ""
    body = _lineage_picture(ctx, manifest)
    body += section("Upstream", up_table)
    body += section("Downstream", (down_table + _more_users(ctx, manifest, len(down))) if down_rows else "")
    return section("Lineage", body or "<p>No lineage.</p>", anchor="lineage")


def _lineage_picture(ctx, manifest) -> str:
    hood = neighbourhood(ctx.site.graph, manifest, hops=LINEAGE_HOPS, cap=LINEAGE_CAP)
    picture = lineage_svg(hood, lambda m: _lineage_link(ctx, m), title=f"Lineage of {manifest.ref}")
    return f'<div class="cg-lineage-svg">{picture}</div>'


def _lineage_link(ctx, manifest) -> str:
    """Where a lineage node links to: its page, or /checks/ for a manifest without one."""
    target = ctx.site.url(manifest)
    return ctx.href(target if target is not None else "checks/")


def _more_users(ctx, manifest, count: int) -> str:
    """"+N more" linking to the manifest's used-by page, which lists every one of the ``count``."""
    href = ctx.href(used_by_url(ctx.site.url(manifest))) if has_used_by_page(ctx.site, manifest) else None
    return more(count - LINEAGE_LIST_CAP, href, f"more: all {count} on the used-by page")


def findings(ctx: PageContext, manifest) -> str:
    """SPEC §7: the findings in the manifest's file and those about it from other files, each linked to its rule."""
    found = ctx.site.findings_about(manifest)
    if not found:
        return section("Findings", '<p class="cg-ok">No findings.</p>', anchor="findings")
    rows = [_page_finding_row(ctx, manifest, f) for f in found]
    return section("Findings", table(PAGE_FINDING_HEADERS, rows, cls="cg-findings"), anchor="findings")


def _page_finding_row(ctx, manifest, finding) -> list[str]:
    row = finding_row(ctx, finding)
    if finding.path == manifest.path:
        where = "this file"
    else:
        source = ctx.site.manifest_at(finding.path)
        shown = f"<code>{esc(source.relpath if source is not None else finding.path)}</code>"
        where = link(ctx.href(ctx.site.url(source)) if source is not None else None, shown)
    return row[:3] + [where] + row[3:]


def finding_row(ctx: PageContext, finding) -> list[str]:
    f = finding
    return [level_badge(f.level), ctx.rule_link(f.code), esc(f.name), f"{f.line}:{f.column}", esc(f.message),
            esc(f.subject)]


def ref_field(ctx, manifest, field: str) -> str:
    """The link of reference ``spec.<field>`` (the text when it resolves to nothing), or a dash."""
    for ref in manifest.refs:
        if ref.path == ("spec", field):
            return ctx.ref(ref.target) if ref.target is not None else f"<code>{esc(ref.text)}</code>"
    return "—"


def capped_list(ctx, manifests: list, cap: int = 100, owner=None) -> str:
    """Links to ``manifests``, capped; "+N more" links to ``owner``'s used-by page, which lists them all."""
    if not manifests:
        return ""
    items = "".join(f"<li>{ctx.ref(m)}</li>" for m in manifests[:cap])
    used_by = owner is not None and has_used_by_page(ctx.site, owner)
    href = ctx.href(used_by_url(ctx.site.url(owner))) if used_by else None
    return f'<ul class="cg-refs">{items}</ul>' + more(len(manifests) - cap, href, "more on the used-by page")


_COMMIT = re.compile(r"[0-9a-fA-F]{7,64}\Z")


def code_html(code) -> str:
    """``spec.code`` as the repository (a link when http(s)) @ the commit (a link to the host's commit page)."""
    if not isinstance(code, dict):
        return "—"
    repository, commit = code.get("repository"), code.get("commit")
    commit_text = f'<code title="{esc(commit)}">{esc(str(commit)[:12] if _is_commit(commit) else commit)}</code>'
    target = commit_url(repository, commit)
    commit_html = f'<a href="{esc(target)}" rel="{LINK_REL}">{commit_text}</a>' if target else commit_text
    return f"{uri_html(repository)} @ {commit_html}"


def commit_url(repository, commit) -> str | None:
    """The host's page of ``commit`` (GitHub and most hosts ``/commit/``, GitLab ``/-/commit/``), or None."""
    if web_href(repository) is None or not _is_commit(commit):
        return None
    base = repository.rstrip("/").removesuffix(".git")
    host = (urlsplit(base).hostname or "").lower()
    step = "/-/commit/" if "gitlab" in host else "/commits/" if "bitbucket" in host else "/commit/"
    return web_href(base + step + commit)


def _is_commit(value) -> bool:
    return isinstance(value, str) and _COMMIT.match(value) is not None


def metric_number(value):
    """``value`` when it is a real number (a bool is not), else None: what charts and differences use."""
    return value if isinstance(value, numbers.Real) and not isinstance(value, bool) else None
