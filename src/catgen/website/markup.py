"""Small HTML builders for page fragments. Callers pass escaped HTML; ``esc`` text first."""

from __future__ import annotations

from catgen.website.text import esc


def link(href: str | None, text_html: str, *, cls: str | None = None) -> str:
    if href is None:
        return text_html
    klass = f' class="{cls}"' if cls else ""
    return f'<a href="{esc(href)}"{klass}>{text_html}</a>'


def table(headers: list[str], rows: list[list[str]], *, cls: str = "", row_attrs: list[str] | None = None,
          caption: str = "") -> str:
    """A table; ``cls`` "cg-sortable"/"cg-filterable" switch on the vendored script."""
    head = "".join(f"<th>{h}</th>" for h in headers)
    body = []
    for index, row in enumerate(rows):
        attrs = f" {row_attrs[index]}" if row_attrs else ""
        body.append(f"<tr{attrs}>" + "".join(f"<td>{cell}</td>" for cell in row) + "</tr>")
    cap = f"<caption>{caption}</caption>" if caption else ""
    return f'<table class="cg-table {cls}">{cap}<thead><tr>{head}</tr></thead><tbody>{"".join(body)}</tbody></table>'


def dl(pairs: list[tuple[str, str]]) -> str:
    items = "".join(f"<dt>{k}</dt><dd>{v}</dd>" for k, v in pairs)
    return f'<dl class="cg-fields">{items}</dl>'


def section(title: str, body: str, *, anchor: str | None = None) -> str:
    if not body:
        return ""
    ident = f' id="{anchor}"' if anchor else ""
    return f"<h2{ident}>{title}</h2>\n{body}\n"


def badge(text: str, cls: str = "") -> str:
    return f'<span class="cg-badge {cls}">{esc(text)}</span>'


def level_badge(level: str) -> str:
    return badge(level, f"cg-level-{'error' if level == 'error' else 'warning'}")


PAGER_AROUND = 3  # pages a pager links on each side of the current one, besides the first and the last


def pager(number: int, count: int, href_of) -> str:
    """Links to the pages of a long list (``href_of(n)``, page ``number`` of ``count``): the first, the last and those
    about ``number``, a "…" for each gap. Every page linking every other made a list's pages grow with the square
    of its length (the index of 100,000 models: 500 pages of 500 links, twice)."""
    if count <= 1:
        return ""
    shown = sorted({1, count, *range(max(1, number - PAGER_AROUND), min(count, number + PAGER_AROUND) + 1)})
    parts, previous = [], 0
    for n in shown:
        if n > previous + 1:
            parts.append("…")
        parts.append(f"<strong>{n}</strong>" if n == number else link(href_of(n), str(n)))
        previous = n
    return f'<nav class="cg-pager" aria-label="pages">{" ".join(parts)}</nav>'


def more(count: int, href: str | None, noun: str = "more") -> str:
    return f'<p class="cg-more">{link(href, f"+{count} {esc(noun)}")}</p>' if count > 0 else ""


def page(title_html: str, body: str, *, subtitle: str = "") -> str:
    """The whole generated page body: one raw-HTML block that Markdown passes through untouched."""
    sub = f'<p class="cg-subtitle">{subtitle}</p>' if subtitle else ""
    return f'<div class="cg-page">\n<h1>{title_html}</h1>\n{sub}\n{body}\n</div>\n'
