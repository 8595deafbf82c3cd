"""Metric charts drawn at build time as inline SVG, and their table fallback.

Two charts: a metric across the versions of an asset (``line_chart_svg``)
and a job's metrics against its baseline job (``compare_bars_svg``). Both
are static, self-contained ``<svg>`` elements (no script, no external
reference) coloured with Material's CSS variables so they read in light and
dark themes. The pages put a table of the same numbers next to every chart
(``catgen.website.pages.assets`` and ``pages.job``). Numbers are formatted by ``format_number``, so
two builds agree.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from catgen.website.graphics.xml import truncate, xml_attr, xml_text

MISSING = "n/a"
FONT_W = 6.5  # average glyph width at 11px, to size margins from label lengths
TITLE_FONT_W = 8  # the same for the bold 13px title
TITLE_CHARS = 80  # a longer title is cut on the chart (it stays whole in <title>)

_STYLE = (
    ".cg-chart{font-family:var(--md-text-font-family,sans-serif);font-size:11px}"
    ".cg-chart text{fill:var(--md-default-fg-color,currentColor)}"
    ".cg-chart .ttl{font-size:13px;font-weight:700}"
    ".cg-chart .ax,.cg-chart .gr{fill:none}"
    ".cg-chart .ax{stroke:var(--md-default-fg-color--light,#888);stroke-width:1}"
    ".cg-chart .gr{stroke:var(--md-default-fg-color--lightest,#8883);stroke-width:1}"
    ".cg-chart .lb{fill:var(--md-default-fg-color--light,currentColor)}"
    ".cg-chart .ln{fill:none;stroke:var(--md-accent-fg-color,#526cfe);stroke-width:2}"
    ".cg-chart .pt,.cg-chart .ba{fill:var(--md-accent-fg-color,#526cfe)}"
    ".cg-chart .bb{fill:var(--md-default-fg-color--lighter,#8889)}"
    ".cg-chart .up{fill:#1a9e55;font-weight:700}"
    ".cg-chart .dn{fill:#e0433f;font-weight:700}"
)


# -- numbers -------------------------------------------------------------------


def format_number(value) -> str:
    """A number as text, the same way everywhere: at most 4 decimals, 4 significant below 1.

    ``0.87213`` -> ``0.8721``, ``1234.56789`` -> ``1234.5679``, ``0.000123456``
    -> ``0.0001235``, ``3.0`` -> ``3``; tiny or huge magnitudes use an
    exponent; ``None`` -> ``n/a``. Integers are written in full.
    """
    if value is None:
        return MISSING
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    number = float(value)
    if math.isnan(number):
        return "NaN"
    if math.isinf(number):
        return "inf" if number > 0 else "-inf"
    magnitude = abs(number)
    if magnitude == 0:
        return "0"
    if magnitude < 1e-6 or magnitude >= 1e15:
        return f"{number:.4g}"
    decimals = 4 if magnitude >= 1 else 3 - math.floor(math.log10(magnitude))
    text = f"{number:.{decimals}f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def as_number(value) -> float | None:
    """``value`` as a finite float, or None (missing, not a number, NaN, infinite)."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    number = float(value)
    return number if math.isfinite(number) else None


def nice_ticks(low: float, high: float, count: int = 5) -> list[float]:
    """Round tick values covering [low, high], about ``count`` of them (Heckbert's nice numbers)."""
    if high < low:
        low, high = high, low
    if high == low:
        pad = abs(low) * 0.1 or 1.0
        low, high = low - pad, high + pad
    if not math.isfinite(high - low):  # near the float limits: no room to round
        return [low, high]
    step = _nice((high - low) / max(count - 1, 1))
    first, last = math.floor(low / step), math.ceil(high / step)
    return [_clean(k * step) for k in range(first, last + 1)]


def _nice(span: float) -> float:
    """The 1, 2, 2.5 or 5 times a power of ten nearest above ``span``."""
    power = 10 ** math.floor(math.log10(span))
    for factor in (1, 2, 2.5, 5, 10):
        if span <= factor * power:
            return factor * power
    return 10 * power


def _clean(value: float) -> float:
    """``value`` without binary noise (0.30000000000000004 -> 0.3), so labels are stable."""
    return float(f"{value:.12g}")


def _c(value: float) -> str:
    """A coordinate: one decimal at most, no trailing zero."""
    text = f"{value:.1f}"
    return text[:-2] if text.endswith(".0") else text


# -- the SVG frame -------------------------------------------------------------


def _svg_open(width: float, height: float, label: str) -> list[str]:
    return [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="cg-chart" viewBox="0 0 {_c(width)} {_c(height)}"'
        f' width="{_c(width)}" height="{_c(height)}" role="img" aria-label={xml_attr(label)}>',
        f"<title>{xml_text(label)}</title>",
        f"<style>{_STYLE}</style>",
    ]


def _text(x: float, y: float, text: str, css: str | None = None, anchor: str | None = None, extra: str = "") -> str:
    attrs = f' class="{css}"' if css else ""
    attrs += f' text-anchor="{anchor}"' if anchor else ""
    return f'<text x="{_c(x)}" y="{_c(y)}"{attrs}{extra}>{xml_text(text)}</text>'


# -- metric across versions ----------------------------------------------------

PLOT_H = 180
PLOT_W = 640  # the plot grows no wider unless each version would get less than 4px
X_LABEL_CHARS = 16
TITLE_H = 26
POINT_R = 3.5


@dataclass(frozen=True)
class _Frame:
    """Where the plot area is and how values map into it."""

    left: float
    top: float
    width: float
    height: float
    low: float
    high: float

    def y(self, value: float) -> float:
        return self.top + self.height * (self.high - value) / (self.high - self.low)


def line_chart_svg(title: str, series, *, y_label: str | None = None) -> str:
    """A metric across versions: ``series`` is [(x label, value or None)], None drawn as a gap."""
    points = [(str(label), as_number(value)) for label, value in series]
    values = [v for _, v in points if v is not None]
    ticks = nice_ticks(min(values), max(values)) if values else [0.0, 1.0]
    tick_texts = [format_number(t) for t in ticks]
    frame, band, rotate, bottom = _line_frame(points, ticks, tick_texts, y_label)
    width = max(frame.left + frame.width + 16, min(len(title), TITLE_CHARS) * TITLE_FONT_W + 16)
    height = frame.top + frame.height + bottom
    summary = f"{title}: {len(values)} of {len(points)} versions have a value"
    if values:
        summary += f", from {format_number(min(values))} to {format_number(max(values))}"
    parts = _svg_open(width, height, summary)
    parts.append(_text(8, 18, truncate(title, TITLE_CHARS), "ttl"))
    parts += _y_axis(frame, ticks, tick_texts, y_label)
    parts += _x_labels(frame, points, band, rotate)
    if values:
        parts += _series(frame, points, band)
    else:
        parts.append(_text(frame.left + frame.width / 2, frame.top + PLOT_H / 2, "no values", "lb", "middle"))
    parts.append("</svg>")
    return "\n".join(parts)


def _line_frame(points: list, ticks: list, tick_texts: list, y_label: str | None) -> tuple:
    """(frame, band per version, rotate x labels?, room under the plot), sized from the labels."""
    band = min(64.0, max(4.0, PLOT_W / max(len(points), 1)))
    rotate = len(points) > 8 or any(len(label) * FONT_W > band - 4 for label, _ in points)
    longest = min(max((len(label) for label, _ in points), default=1), X_LABEL_CHARS)
    left = 12 + max(len(t) for t in tick_texts) * FONT_W + (18 if y_label else 0)
    if rotate:  # the first label slants left, past the axis
        left = max(left, longest * FONT_W * 0.77 - band / 2 + 8)
    bottom = longest * FONT_W * 0.65 + 18 if rotate else 22
    frame = _Frame(left, TITLE_H + 8, band * max(len(points), 1), PLOT_H, ticks[0], ticks[-1])
    return frame, band, rotate, bottom


def _y_axis(frame: _Frame, ticks: list, texts: list, y_label: str | None) -> list[str]:
    right = frame.left + frame.width
    parts = []
    for tick, text in zip(ticks, texts):
        y = frame.y(tick)
        parts.append(f'<path class="gr" d="M{_c(frame.left)} {_c(y)}H{_c(right)}"/>')
        parts.append(_text(frame.left - 6, y + 4, text, "lb", "end"))
    bottom = frame.top + frame.height
    parts.append(f'<path class="ax" d="M{_c(frame.left)} {_c(frame.top)}V{_c(bottom)}H{_c(right)}"/>')
    if y_label:
        x, y = 12, frame.top + frame.height / 2
        parts.append(_text(x, y, truncate(y_label, 30), "lb", "middle", f' transform="rotate(-90 {_c(x)} {_c(y)})"'))
    return parts


def _x_labels(frame: _Frame, points: list, band: float, rotate: bool) -> list[str]:
    """One label per point, every k-th when they would overlap; first and last always shown."""
    every = max(1, math.ceil(15 / band)) if rotate else 1
    base = frame.top + frame.height + 14
    parts = []
    for index, (label, _) in enumerate(points):
        if index % every and index != len(points) - 1:
            continue
        x = frame.left + band * (index + 0.5)
        if rotate:
            turn = f' transform="rotate(-40 {_c(x)} {_c(base)})"'
            parts.append(_text(x, base, truncate(label, X_LABEL_CHARS), "lb", "end", turn))
        else:
            parts.append(_text(x, base, label, "lb", "middle"))
    return parts


def _series(frame: _Frame, points: list, band: float) -> list[str]:
    """A polyline per run of consecutive values (a missing value breaks the line), then the points."""
    runs, run = [], []
    for index, (_, value) in enumerate(points):
        if value is None:
            runs.append(run)
            run = []
        else:
            run.append(f"{_c(frame.left + band * (index + 0.5))},{_c(frame.y(value))}")
    runs.append(run)
    parts = [f'<polyline class="ln" points="{" ".join(r)}"/>' for r in runs if len(r) > 1]
    radius = _c(min(POINT_R, max(1.5, band / 3)))  # points stay apart when versions are many
    for index, (label, value) in enumerate(points):
        if value is not None:
            x, y = frame.left + band * (index + 0.5), frame.y(value)
            tip = xml_text(f"{label}: {format_number(value)}")
            parts.append(f'<circle class="pt" cx="{_c(x)}" cy="{_c(y)}" r="{radius}"><title>{tip}</title></circle>')
    return parts


# -- job against baseline ------------------------------------------------------

BAR_W, BAR_H, BAR_GAP, ROW_GAP = 220, 12, 2, 12
VALUE_W = 70  # the value written after each bar
DELTA_W = 150


def compare_bars_svg(title: str, rows, *, label_a: str = "job", label_b: str = "baseline") -> str:
    """Each metric of ``rows`` [(name, value a, value b)] as two bars, with the difference a - b.

    Every row has its own scale (metrics differ by orders of magnitude); the
    difference is written in colour by sign and with an arrow, so colour is
    not the only cue.
    """
    rows = [(str(name), as_number(a), as_number(b)) for name, a, b in rows]
    name_w = min(max((len(name) for name, _, _ in rows), default=4), 28) * FONT_W + 12
    row_h = 2 * BAR_H + BAR_GAP + ROW_GAP
    top = TITLE_H + 26
    width = max(name_w + BAR_W + VALUE_W + DELTA_W + 16, min(len(title), TITLE_CHARS) * TITLE_FONT_W + 16)
    height = top + max(len(rows), 1) * row_h + 4
    label = f"{title}: {len(rows)} metrics, {label_a} against {label_b}"
    parts = _svg_open(width, height, label)
    parts.append(_text(8, 18, truncate(title, TITLE_CHARS), "ttl"))
    parts += _legend(name_w, TITLE_H + 12, label_a, label_b)
    for index, row in enumerate(rows):
        parts += _bar_row(row, name_w, top + index * row_h, label_a, label_b)
    if not rows:
        parts.append(_text(name_w, top + 14, "no metrics", "lb"))
    parts.append("</svg>")
    return "\n".join(parts)


def _legend(x: float, y: float, label_a: str, label_b: str) -> list[str]:
    second = x + 18 + min(len(label_a), 24) * FONT_W + 16
    return [
        f'<rect class="ba" x="{_c(x)}" y="{_c(y - 9)}" width="12" height="10"/>',
        _text(x + 16, y, truncate(label_a, 24)),
        f'<rect class="bb" x="{_c(second)}" y="{_c(y - 9)}" width="12" height="10"/>',
        _text(second + 16, y, truncate(label_b, 24)),
    ]


def _bar_row(row: tuple, x0: float, y0: float, label_a: str, label_b: str) -> list[str]:
    name, a, b = row
    known = [v for v in (a, b) if v is not None]
    low, high = min(known + [0.0]), max(known + [0.0])
    span = (high - low) or 1.0
    zero = x0 + BAR_W * (0 - low) / span
    parts = [_text(x0 - 8, y0 + BAR_H + 4, truncate(name, 28), None, "end")]
    for offset, value, css, legend in ((0, a, "ba", label_a), (BAR_H + BAR_GAP, b, "bb", label_b)):
        y = y0 + offset
        text = format_number(value)
        if value is not None:
            end = x0 + BAR_W * (value - low) / span
            tip = xml_text(f"{name}, {legend}: {text}")
            parts.append(
                f'<rect class="{css}" x="{_c(min(zero, end))}" y="{_c(y)}" width="{_c(abs(end - zero))}"'
                f' height="{BAR_H}"><title>{tip}</title></rect>'
            )
        parts.append(_text(x0 + BAR_W + 6, y + BAR_H - 2, text, "lb"))
    parts.append(_delta_text(a, b, x0 + BAR_W + VALUE_W, y0 + BAR_H + 4))
    return parts


def _delta_text(a: float | None, b: float | None, x: float, y: float) -> str:
    """``▲ +0.012 (+1.4%)``: a - b with its sign as colour and arrow; relative when b is not 0."""
    if a is None or b is None:
        return _text(x, y, "no difference to show", "lb")
    delta = _clean(a - b)
    if delta == 0:
        return _text(x, y, "= same", "lb")
    sign, arrow, css = ("+", "\u25b2", "up") if delta > 0 else ("", "\u25bc", "dn")
    text = f"{arrow} {sign}{format_number(delta)}"
    if b != 0:
        text += f" ({delta / abs(b) * 100:+.1f}%)"
    return _text(x, y, text, css)
