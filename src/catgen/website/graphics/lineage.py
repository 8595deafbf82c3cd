"""The lineage picture: a bounded neighbourhood laid out in columns and drawn as inline SVG.

``lineage_svg`` lays a ``catgen.graph.neighbourhood.Neighbourhood`` out in
columns, upstream on the left, and writes a self-contained ``<svg>``: no
script, no external reference, every node a link, colours from Material's
CSS variables so it reads in light and dark themes. Manifest text is
untrusted: every string goes through ``xml_text`` / ``xml_attr``, and every
link must be relative (``require_relative_href``).
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

from catgen.graph.neighbourhood import DOWNSTREAM, UPSTREAM, HoodEdge, HoodNode, Neighbourhood, Overflow
from catgen.website.graphics.xml import truncate, truncate_middle, xml_attr, xml_text

# Geometry of the layered layout, in SVG user units (px at 100 %).
BOX_W, BOX_H = 190, 40
COL_GAP, ROW_GAP = 116, 12
MARGIN, HEADER_H = 8, 18
SIDE_NOTE_W = 72  # room for a "+N more" note outside the outermost column
CENTER_NOTE_DY = 13  # "+N more" of the center: this far under its box
NAME_CHARS = 28  # what fits in a box at 12px
KIND_CHARS = 30
EDGE_LABEL_CHARS = 20  # what fits in a column gap at 9px

_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*:")
_IGNORED_IN_URL = re.compile("[\x00-\x20\x7f]")


def require_relative_href(url: str) -> str:
    """``url`` if it is a relative URL; a ``ValueError`` for anything that leaves the site.

    The URLs come from the caller, not from manifests: the site must work
    offline and never run script from an address, so a scheme
    (``javascript:``, ``http:``) or a host (``//host``) is a caller bug.
    Browsers ignore whitespace and control characters inside a scheme, so
    they are removed before looking.
    """
    compact = _IGNORED_IN_URL.sub("", str(url))
    if _SCHEME.match(compact) or compact.startswith(("//", "\\\\", "/\\", "\\/")):
        raise ValueError(f"lineage_svg: url_for must return a relative URL, got {url!r}")
    return str(url)


# -- layout --------------------------------------------------------------------


@dataclass(frozen=True)
class _Box:
    x: int
    y: int

    @property
    def mid_y(self) -> int:
        return self.y + BOX_H // 2

    @property
    def right(self) -> int:
        return self.x + BOX_W


def _layout(hood: Neighbourhood) -> tuple[dict, int, int]:
    """({id(manifest): _Box}, width, height): columns left to right, each centred vertically."""
    columns = hood.columns()
    first_layer = columns[0][0]
    left = MARGIN + (SIDE_NOTE_W if _needs_side_room(hood, columns[0], UPSTREAM) else 0)
    right = MARGIN + (SIDE_NOTE_W if _needs_side_room(hood, columns[-1], DOWNSTREAM) else 0)
    tallest = max(len(members) for _, members in columns)
    inner_h = max(tallest * BOX_H + (tallest - 1) * ROW_GAP, BOX_H + 2 * CENTER_NOTE_DY)
    boxes = {}
    for layer, members in columns:
        x = left + (layer - first_layer) * (BOX_W + COL_GAP)
        column_h = len(members) * BOX_H + (len(members) - 1) * ROW_GAP
        top = HEADER_H + MARGIN + (inner_h - column_h) // 2
        for row, manifest in enumerate(members):
            boxes[id(manifest)] = _Box(x, top + row * (BOX_H + ROW_GAP))
    span = columns[-1][0] - first_layer
    width = left + (span + 1) * BOX_W + span * COL_GAP + right
    return boxes, width, HEADER_H + inner_h + 2 * MARGIN


def _needs_side_room(hood: Neighbourhood, column: tuple, direction: str) -> bool:
    """True when a node of the outermost ``column`` has a "+N more" note pointing outwards."""
    layer, members = column
    return layer != 0 and any(hood.hidden(m, direction) for m in members)


# -- drawing -------------------------------------------------------------------

_STYLE = (
    ".cg-lineage{font-family:var(--md-text-font-family,sans-serif);font-size:12px}"
    ".cg-lineage text{fill:var(--md-default-fg-color,currentColor)}"
    ".cg-lineage .n rect{fill:var(--md-default-bg-color,transparent);"
    "stroke:var(--md-default-fg-color--lighter,#8888);stroke-width:1}"
    ".cg-lineage .n:hover rect,.cg-lineage .n:focus rect{stroke:var(--md-accent-fg-color,#526cfe);stroke-width:2}"
    ".cg-lineage .c rect{fill:var(--md-accent-fg-color--transparent,#526cfe1a);"
    "stroke:var(--md-accent-fg-color,#526cfe);stroke-width:2}"
    ".cg-lineage .c .l{font-weight:700}"
    ".cg-lineage .k{font-size:11px;font-variant:small-caps;letter-spacing:.04em;"
    "fill:var(--md-default-fg-color--light,currentColor)}"
    ".cg-lineage .e{fill:none;stroke:var(--md-default-fg-color--lighter,#888);stroke-width:1.2}"
    ".cg-lineage .h{fill:var(--md-default-fg-color--light,#888)}"
    ".cg-lineage .t{font-size:9px;fill:var(--md-default-fg-color--light,currentColor)}"
    ".cg-lineage .m text{font-size:10px;fill:var(--md-typeset-a-color,var(--md-accent-fg-color,#526cfe));"
    "text-decoration:underline}"
)


def lineage_svg(hood: Neighbourhood, url_for, *, title: str | None = None, id_prefix: str | None = None) -> str:
    """``hood`` drawn as an inline ``<svg>``; ``url_for(manifest)`` gives each node's relative URL.

    ``id_prefix`` names the arrowhead marker; by default it is derived from
    the center so several graphs on one page do not share ids.
    """
    center = hood.center
    # A file name that is not UTF-8 holds lone surrogates (surrogateescape): hashed as they are.
    key = f"{center.ref}\0{center.relpath}".encode("utf-8", "surrogatepass")
    prefix = id_prefix or "cgl-" + hashlib.sha1(key).hexdigest()[:10]
    boxes, width, height = _layout(hood)
    label = title if title is not None else _default_title(hood)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="cg-lineage" viewBox="0 0 {width} {height}"'
        f' width="{width}" height="{height}" role="group" aria-label={xml_attr(label)}>',
        f"<title>{xml_text(label)}</title>",
        f"<style>{_STYLE}</style>",
        f'<defs><marker id="{prefix}-a" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7"'
        ' markerHeight="7" orient="auto"><path class="h" d="M0 0L10 5L0 10z"/></marker></defs>',
    ]
    parts += _header(hood, boxes, width)
    layers = {id(node.manifest): node.layer for node in hood.nodes}
    parts += [_edge(edge, boxes, prefix) for edge in hood.edges]
    parts += _edge_labels(hood, boxes, layers)
    parts += [_node(node, boxes[id(node.manifest)], url_for, node.manifest is center) for node in hood.nodes]
    parts += [
        _overflow_note(note, boxes[id(note.manifest)], url_for, note.manifest is center) for note in hood.overflow
    ]
    parts.append("</svg>")
    return "\n".join(parts)


def _default_title(hood: Neighbourhood) -> str:
    upstream = sum(1 for n in hood.nodes if n.layer < 0)
    downstream = sum(1 for n in hood.nodes if n.layer > 0)
    return f"Lineage of {hood.center.ref}: {upstream} upstream, {downstream} downstream"


def _header(hood: Neighbourhood, boxes: dict, width: int) -> list[str]:
    """Direction captions over the outer columns, so left and right need no legend."""
    center_box = boxes[id(hood.center)]
    y = MARGIN + 9
    captions = []
    if any(n.layer < 0 for n in hood.nodes):
        captions.append(f'<text class="t" x="{MARGIN}" y="{y}">\u2190 upstream: what it came from</text>')
    if any(n.layer > 0 for n in hood.nodes):
        x = max(width - MARGIN, center_box.right + COL_GAP)
        captions.append(f'<text class="t" x="{x}" y="{y}" text-anchor="end">downstream: made from it \u2192</text>')
    return captions


def _edge(edge: HoodEdge, boxes: dict, prefix: str) -> str:
    """A curve from the upstream end (``target``, one column left) to the downstream end.

    The walk only keeps edges between neighbouring columns, so every edge
    runs left to right and the arrow points downstream, the way things flow.
    """
    up, down = boxes[id(edge.target)], boxes[id(edge.source)]
    x1, y1, x2, y2 = up.right, up.mid_y, down.x, down.mid_y
    bend = (x2 - x1) // 2
    path = f"M{x1} {y1}C{x1 + bend} {y1} {x2 - bend} {y2} {x2} {y2}"
    return f'<path class="e" d="{path}" marker-end="url(#{prefix}-a)"><title>{xml_text(edge.type)}</title></path>'


def _edge_labels(hood: Neighbourhood, boxes: dict, layers: dict) -> list[str]:
    """One label per non-center node: the edge types linking it towards the center.

    Written in the column gap next to the node's side that faces the center,
    above the point where its edges leave, so labels of different nodes do
    not pile up where many edges meet.
    """
    types: dict[int, set] = {}
    for edge in hood.edges:
        for outer, inner in ((edge.source, edge.target), (edge.target, edge.source)):
            if abs(layers[id(outer)]) > abs(layers[id(inner)]):
                types.setdefault(id(outer), set()).add(edge.type)
    labels = []
    for node in hood.nodes:
        if id(node.manifest) not in types:
            continue
        box = boxes[id(node.manifest)]
        text = xml_text(truncate(", ".join(sorted(types[id(node.manifest)])), EDGE_LABEL_CHARS))
        if node.layer < 0:
            labels.append(f'<text class="t" x="{box.right + 5}" y="{box.mid_y - 4}">{text}</text>')
        else:
            labels.append(f'<text class="t" x="{box.x - 5}" y="{box.mid_y - 4}" text-anchor="end">{text}</text>')
    return labels


def _node(node: HoodNode, box: _Box, url_for, is_center: bool) -> str:
    manifest = node.manifest
    kind = (manifest.kind or "manifest").lower()
    name = _display_name(manifest)
    css = "n c" if is_center else "n"
    return (
        f'<a class="{css}" href={xml_attr(require_relative_href(url_for(manifest)))}>'
        f"<title>{xml_text(manifest.ref)}</title>"
        f'<rect x="{box.x}" y="{box.y}" width="{BOX_W}" height="{BOX_H}" rx="5"/>'
        f'<text class="k" x="{box.x + 8}" y="{box.y + 14}">{xml_text(truncate(kind, KIND_CHARS))}</text>'
        f'<text class="l" x="{box.x + 8}" y="{box.y + 31}">{xml_text(truncate_middle(name, NAME_CHARS))}</text></a>'
    )


def _display_name(manifest) -> str:
    """``name@version`` (or ``name``), or the file path of a manifest without an identity."""
    if manifest.name is None:
        return manifest.ref
    return f"{manifest.name}@{manifest.version}" if manifest.version is not None else manifest.name


def _overflow_note(note: Overflow, box: _Box, url_for, is_center: bool) -> str:
    """"+N more" beside the node, on the side its hidden neighbours would be, linking to its page.

    The center's notes go under its box: its sides are where all its edges meet.
    """
    text = f"+{note.hidden} more"
    tip = f"{note.hidden} more {note.direction}"
    y = box.y + BOX_H + CENTER_NOTE_DY if is_center else box.y + BOX_H - 2
    if note.direction == UPSTREAM:
        position = f'x="{box.x}" y="{y}"' if is_center else f'x="{box.x - 5}" y="{y}" text-anchor="end"'
    else:
        position = f'x="{box.right}" y="{y}" text-anchor="end"' if is_center else f'x="{box.right + 5}" y="{y}"'
    return (
        f'<a class="m" href={xml_attr(require_relative_href(url_for(note.manifest)))}>'
        f"<title>{xml_text(tip)}</title><text {position}>{xml_text(text)}</text></a>"
    )
