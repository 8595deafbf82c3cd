"""The status page (/status/): per stage, the asset versions in it and what serves on each endpoint.

The HTML shows now (the working tree) and works without a script. The page
embeds its timeline (``statusdata``) in a ``<script type="application/json">``
element, so the vendored ``catgen-status.js`` can show any past date from a
``file://`` copy too, with no server and no network; the same data is written
as ``status/timeline.json`` for other tools.
"""

from __future__ import annotations

from catgen.website.markup import link, page, section, table
from catgen.website.pages.context import PageContext
from catgen.website.statusdata import TIMELINE_PATH, status_timeline, timeline_json
from catgen.website.text import esc

ENDPOINT_HEADERS = ["Workspace", "Endpoint", "Deployment", "Model", "Traffic", "Since", "Commit", "Promotion",
                    "Approved by"]
DATE_CONTROL = ('<form class="cg-status-when" hidden><label>Date <input type="date" name="date"></label> '
                '<label>Time (UTC) <input type="time" name="time" value="23:59"></label> '
                '<button type="button" name="now">Now</button></form>\n')


def status_page(ctx: PageContext) -> tuple[str, str]:
    """Now as static HTML, a date control, and the embedded timeline the control reads."""
    data = status_timeline(ctx.site)
    view = "".join(_stage(ctx, data["urls"], stage) for stage in data["now"]["stages"]) or \
        "<p>The policy defines no stages.</p>"
    body = DATE_CONTROL + _reach(data["history"])
    body += '<p class="cg-status-showing">Showing: now (the catalog as built)</p>\n'
    body += f'<div class="cg-status-view">{view}</div>\n'
    body += (f'<p>{link(ctx.href(TIMELINE_PATH), "timeline.json")} — the state at every change point, '
             'machine-readable.</p>\n')
    body += f'<script type="application/json" id="cg-status-timeline">{timeline_json(data)}</script>\n'
    subtitle = "What was in each stage and what served on each endpoint, now or at any past date"
    return "Status", page("Status", body, subtitle=subtitle)


def _reach(history: dict) -> str:
    """How far back the history the past dates come from reaches."""
    if history["available"] and history["from"] and not history["note"]:
        text = f"Git history reaches back to {history['from']}."
    elif history["note"] and not history["available"]:
        text = (history["note"] + ". Past dates show stages from the promotions' dates; "
                "deployments are known only now.")
    elif history["note"]:
        text = history["note"] + "."
    else:
        text = "The catalog has no committed history: only now is known."
    return f'<p class="cg-status-history">{esc(text)}</p>\n'


def _stage(ctx: PageContext, addresses: dict, stage: dict) -> str:
    assets = "".join(f"<li>{_ref(ctx, addresses, ref)}</li>" for ref in stage["assets"])
    rows = [_endpoint_row(ctx, addresses, endpoint, entry) for endpoint in stage["endpoints"]
            for entry in endpoint["deployments"]]
    body = f'<h3>Asset versions</h3><ul class="cg-status-assets">{assets or "<li>—</li>"}</ul>'
    body += "<h3>Endpoints</h3>" + (table(ENDPOINT_HEADERS, rows, cls="cg-status-endpoints") if rows
                                    else "<p>Nothing deployed.</p>")
    return f'<section class="cg-status-stage" data-stage="{esc(stage["name"])}">' + \
        section(esc(stage["name"]), body) + "</section>"


def _endpoint_row(ctx: PageContext, addresses: dict, endpoint: dict, entry: dict) -> list[str]:
    commit = entry["commit"]
    return [_ref(ctx, addresses, endpoint["workspace"]), esc(endpoint["endpoint"]) or "—",
            _ref(ctx, addresses, entry["deployment"]), _ref(ctx, addresses, entry["model"]),
            esc(entry["traffic"]), esc(entry["since"]) or "—",
            f'<code title="{esc(commit)}">{esc(commit[:12])}</code>' if commit else "—",
            _ref(ctx, addresses, entry["promotion"]) + (" (revoked)" if entry.get("revoked_by") else ""),
            esc(", ".join(entry["approved_by"])) or "—"]


def _ref(ctx: PageContext, addresses: dict, ref) -> str:
    if not ref:
        return "—"
    return link(ctx.href(addresses.get(ref)), esc(ref))
