"""Lineage neighbourhood graphs, drawn at build time as inline SVG.

A version page shows where a thing came from (upstream: along the lineage
edges, towards jobs, data, environments, components) and what was made from
it (downstream: deployments, promotions, fine-tuned models). On a huge
catalog a node can have thousands of neighbours, so ``neighbourhood`` keeps a
bounded piece of the graph: ``hops`` steps each way, at most ``cap``
neighbours per node and direction ("+N more" notes the rest) and at most
``layer_cap`` nodes per column. ``lineage_svg`` lays that piece out in
columns, upstream on the left, and writes a self-contained ``<svg>``: no
script, no external reference, every node a link, colours from Material's
CSS variables so it reads in light and dark themes. Manifest text is
untrusted: every string goes through ``xml_text`` / ``xml_attr``.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from xml.sax.saxutils import escape

from catgen.graph.lineage import PLACEMENT

UPSTREAM = "upstream"
DOWNSTREAM = "downstream"

# Geometry of the layered layout, in SVG user units (px at 100 %).
BOX_W, BOX_H = 190, 40
COL_GAP, ROW_GAP = 116, 12
MARGIN, HEADER_H = 8, 18
SIDE_NOTE_W = 72  # room for a "+N more" note outside the outermost column
CENTER_NOTE_DY = 13  # "+N more" of the center: this far under its box
NAME_CHARS = 28  # what fits in a box at 12px
KIND_CHARS = 30
EDGE_LABEL_CHARS = 20  # what fits in a column gap at 9px


# -- escaping ------------------------------------------------------------------

# Characters XML 1.0 forbids even as references: C0 controls but tab, LF, CR;
# lone surrogates; U+FFFE and U+FFFF.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*:")
_IGNORED_IN_URL = re.compile("[\x00-\x20\x7f]")


def xml_text(value) -> str:
    """``value`` as XML character data: markup characters escaped, forbidden ones replaced."""
    return escape(_NOT_XML.sub("\ufffd", str(value)))


def xml_attr(value) -> str:
    """``value`` as a double-quoted XML attribute value, quotes and whitespace kept literal."""
    text = _NOT_XML.sub("\ufffd", str(value))
    return '"' + escape(text, {'"': "&quot;", "\n": "&#10;", "\r": "&#13;", "\t": "&#9;"}) + '"'


def safe_href(url: str) -> str:
    """``url`` if it is a relative URL; a ``ValueError`` for anything that leaves the site.

    The site must work offline and never run script from an address, so a
    scheme (``javascript:``, ``http:``) or a host (``//host``) is a caller bug.
    Browsers ignore whitespace and control characters inside a scheme, so
    they are removed before looking.
    """
    compact = _IGNORED_IN_URL.sub("", str(url))
    if _SCHEME.match(compact) or compact.startswith(("//", "\\\\", "/\\", "\\/")):
        raise ValueError(f"lineage_svg: url_for must return a relative URL, got {url!r}")
    return str(url)


def truncate(text: str, limit: int) -> str:
    """``text`` cut to ``limit`` characters, the last one an ellipsis when cut."""
    return text if len(text) <= limit else text[: max(limit - 1, 0)] + "\u2026"


def truncate_middle(text: str, limit: int) -> str:
    """``text`` cut to ``limit`` characters with an ellipsis inside, keeping both ends.

    Names tend to differ at the end (a date, a version), so the tail is kept.
    """
    if len(text) <= limit:
        return text
    tail = (limit - 1) * 2 // 5
    return text[: limit - 1 - tail] + "\u2026" + text[len(text) - tail :]


# -- the neighbourhood ---------------------------------------------------------


@dataclass(frozen=True)
class HoodNode:
    manifest: object  # catgen.model.Manifest
    layer: int  # < 0 upstream (hops away), 0 the center, > 0 downstream


@dataclass(frozen=True)
class HoodEdge:
    """One lineage edge: ``source`` refers to ``target`` (so ``target`` is upstream)."""

    source: object
    target: object
    type: str


@dataclass(frozen=True)
class Overflow:
    """``hidden`` neighbours of ``manifest`` in ``direction`` that were left out."""

    manifest: object
    direction: str  # UPSTREAM or DOWNSTREAM
    hidden: int


@dataclass(frozen=True)
class Neighbourhood:
    center: object
    nodes: tuple  # HoodNode, in walk order: the center first
    edges: tuple  # HoodEdge, in walk order, no duplicates
    overflow: tuple  # Overflow, in walk order

    def columns(self) -> list[tuple[int, list]]:
        """(layer, [manifests in walk order]) from the leftmost column to the rightmost."""
        by_layer: dict[int, list] = {}
        for node in self.nodes:
            by_layer.setdefault(node.layer, []).append(node.manifest)
        return sorted(by_layer.items(), key=lambda item: item[0])

    def hidden(self, manifest, direction: str) -> int:
        return sum(o.hidden for o in self.overflow if o.manifest is manifest and o.direction == direction)


class _Walk:
    """The growing neighbourhood while both directions are walked."""

    def __init__(self, center, layer_cap: int):
        self.center = center
        self.layer_cap = layer_cap
        self.layers = {center: 0}  # manifest -> layer; insertion order is walk order
        self.per_layer: dict[int, int] = {}
        self.edges: dict[tuple, HoodEdge] = {}  # (source id, target id, type) -> edge
        self.overflow: list[Overflow] = []

    def has_room(self, layer: int) -> bool:
        return self.per_layer.get(layer, 0) < self.layer_cap

    def add_node(self, manifest, layer: int) -> None:
        self.layers[manifest] = layer
        self.per_layer[layer] = self.per_layer.get(layer, 0) + 1

    def add_edge(self, source, target, edge_type: str) -> None:
        self.edges.setdefault((id(source), id(target), edge_type), HoodEdge(source, target, edge_type))

    def result(self) -> Neighbourhood:
        nodes = tuple(HoodNode(m, layer) for m, layer in self.layers.items())
        return Neighbourhood(self.center, nodes, tuple(self.edges.values()), tuple(self.overflow))


def neighbourhood(graph, center, *, hops: int = 2, cap: int = 12, layer_cap: int | None = None) -> Neighbourhood:
    """The lineage of ``center`` within ``hops`` steps each way, bounded for drawing.

    Neighbours are visited in (edge type, ref) order; a node shows at most
    ``cap`` of them per direction and a column holds at most ``layer_cap``
    nodes (default ``cap``), the rest counted in ``overflow``. Placement
    edges (workspace, registry) are followed only from the center: every
    asset in a workspace would otherwise be two hops from every other.
    Only edges between neighbouring columns are kept (a node is placed at
    its shortest distance), so the drawing reads left to right.
    """
    walk = _Walk(center, cap if layer_cap is None else layer_cap)
    for direction in (UPSTREAM, DOWNSTREAM):
        _walk_direction(graph, walk, direction, hops, cap)
    return walk.result()


def _walk_direction(graph, walk: _Walk, direction: str, hops: int, cap: int) -> None:
    sign = -1 if direction == UPSTREAM else 1
    frontier = [walk.center]
    for depth in range(hops):
        layer = sign * (depth + 1)
        reached = []
        # Beyond the first hop the column is shared: each node gets a fair part of it.
        node_cap = cap if depth == 0 else min(cap, max(1, walk.layer_cap // max(len(frontier), 1)))
        for node in frontier:
            shown = hidden = 0
            for neighbour, types in _neighbours(graph, node, direction, with_placement=depth == 0):
                known = neighbour in walk.layers
                if known and walk.layers[neighbour] != layer:
                    continue  # already drawn elsewhere: an edge within a column or back across it is noise
                if shown >= node_cap or not (known or walk.has_room(layer)):
                    hidden += 1
                    continue
                shown += 1
                if not known:
                    walk.add_node(neighbour, layer)
                    reached.append(neighbour)
                for edge_type in types:
                    source, target = (node, neighbour) if direction == UPSTREAM else (neighbour, node)
                    walk.add_edge(source, target, edge_type)
            if hidden:
                walk.overflow.append(Overflow(node, direction, hidden))
        frontier = reached


def _neighbours(graph, node, direction: str, *, with_placement: bool) -> list[tuple]:
    """[(neighbour, [edge types])] of ``node`` one step ``direction``, in (type, ref) order."""
    edges = graph.out_edges(node) if direction == UPSTREAM else graph.in_edges(node)
    types: dict = {}
    for edge in edges:
        other = edge.target if direction == UPSTREAM else edge.source
        if other is node or (edge.type in PLACEMENT and not with_placement):
            continue
        types.setdefault(other, set()).add(edge.type)
    ordered = sorted(types.items(), key=lambda item: (min(item[1]), item[0].ref, item[0].relpath))
    return [(other, sorted(edge_types)) for other, edge_types in ordered]


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
    prefix = id_prefix or "cgl-" + hashlib.sha1(f"{center.ref}\0{center.relpath}".encode()).hexdigest()[:10]
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
        f'<a class="{css}" href={xml_attr(safe_href(url_for(manifest)))}>'
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
        f'<a class="m" href={xml_attr(safe_href(url_for(note.manifest)))}>'
        f"<title>{xml_text(tip)}</title><text {position}>{xml_text(text)}</text></a>"
    )
