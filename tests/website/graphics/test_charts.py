"""Metric charts and their table fallback: valid, safe, deterministic, complete."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from catgen.website.graphics.charts import (
    compare_bars_svg, format_number, line_chart_svg, nice_ticks,
)

SVG = "{http://www.w3.org/2000/svg}"
AUC = [("1", 0.81), ("2", None), ("3", 0.8634), ("4", 0.872), ("5", float("nan")), ("6", 0.9)]
JOB_VS_BASELINE = [("auc", 0.872, 0.851), ("log_loss", 0.219, 0.25), ("rows", 1200000, 5000), ("f1", None, 0.6)]


def texts(svg: str) -> list[str]:
    return [t.text for t in ET.fromstring(svg).iter(f"{SVG}text")]


def assert_self_contained(svg: str) -> None:
    root = ET.fromstring(svg)
    assert root.get("role") == "img" and root.get("aria-label")
    assert root.find(f"{SVG}title").text == root.get("aria-label")
    assert root.get("viewBox") == f"0 0 {root.get('width')} {root.get('height')}"
    assert "http" not in svg.replace('xmlns="http://www.w3.org/2000/svg"', "", 1)
    assert "<script" not in svg and "foreignObject" not in svg and "url(" not in svg
    assert "var(--md-default-fg-color" in svg and "var(--md-accent-fg-color" in svg


# -- numbers -------------------------------------------------------------------


@pytest.mark.parametrize("value, text", [
    (0.87213, "0.8721"), (1234.56789, "1234.5679"), (0.000123456, "0.0001235"), (3.0, "3"), (-0.5, "-0.5"),
    (0, "0"), (12, "12"), (None, "n/a"), (1e-9, "1e-09"), (2.5e20, "2.5e+20"), (float("nan"), "NaN"),
    (-0.00001, "-0.00001"), (0.99996, "1"), (-0.0, "0"), (True, "true"),
])
def test_format_number(value, text):
    assert format_number(value) == text


def test_nice_ticks_cover_the_range_with_round_steps():
    assert nice_ticks(0.81, 0.9) == [0.8, 0.825, 0.85, 0.875, 0.9]
    assert nice_ticks(3, 97) == [0, 25, 50, 75, 100]
    assert nice_ticks(5, 5) == [4.5, 4.75, 5, 5.25, 5.5]
    assert nice_ticks(0, 0) == [-1, -0.5, 0, 0.5, 1]


# -- line chart ----------------------------------------------------------------


def test_line_chart_draws_points_and_breaks_the_line_at_gaps():
    svg = line_chart_svg("auc across versions", AUC, y_label="auc")
    assert_self_contained(svg)
    root = ET.fromstring(svg)
    points = [c.find(f"{SVG}title").text for c in root.iter(f"{SVG}circle")]
    assert points == ["1: 0.81", "3: 0.8634", "4: 0.872", "6: 0.9"]  # None and NaN are gaps
    lines = [p.get("points").split() for p in root.iter(f"{SVG}polyline")]
    assert [len(line) for line in lines] == [2]  # 3-4 joined; 1 and 6 stand alone
    labels = texts(svg)
    assert {"1", "2", "3", "4", "5", "6"} <= set(labels)  # every version on the x axis
    assert "0.8" in labels and "0.9" in labels and "auc" in labels  # nice min/max ticks, y label


def test_line_chart_thins_and_turns_many_labels():
    series = [(f"{i}", float(i % 7)) for i in range(1, 201)]
    svg = line_chart_svg("many versions", series)
    root = ET.fromstring(svg)
    x_labels = [t for t in root.iter(f"{SVG}text") if "rotate(-40" in (t.get("transform") or "")]
    assert 20 < len(x_labels) < 200
    assert x_labels[0].text == "1" and x_labels[-1].text == "200"
    assert len(list(root.iter(f"{SVG}circle"))) == 200


def test_line_chart_without_values_says_so():
    svg = line_chart_svg("empty", [("1", None), ("2", None)])
    assert_self_contained(svg)
    assert "no values" in texts(svg)
    assert "no values" in texts(line_chart_svg("nothing at all", []))


def test_line_chart_escapes_text():
    svg = line_chart_svg('<script>alert("t")</script>', [('v<1>&"', 1.0), ("2", 2.0)], y_label="<y>")
    assert "<script" not in svg and "<y>" not in svg and "<1>" not in svg
    root = ET.fromstring(svg)
    assert root.get("aria-label").startswith('<script>alert("t")</script>')
    assert 'v<1>&"' in texts(svg) and "<y>" in texts(svg)


def test_line_chart_is_deterministic():
    assert line_chart_svg("auc", AUC, y_label="auc") == line_chart_svg("auc", list(AUC), y_label="auc")


# -- job against baseline ------------------------------------------------------


def test_compare_bars_show_both_values_and_the_signed_difference():
    svg = compare_bars_svg("job vs baseline", JOB_VS_BASELINE, label_a="train-0912", label_b="baseline-0901")
    assert_self_contained(svg)
    root = ET.fromstring(svg)
    shown = texts(svg)
    assert {"train-0912", "baseline-0901", "auc", "0.872", "0.851", "1200000", "5000", "n/a", "0.6"} <= set(shown)
    deltas = {t.text: t.get("class") for t in root.iter(f"{SVG}text") if t.get("class") in ("up", "dn")}
    assert deltas == {"\u25b2 +0.021 (+2.5%)": "up", "\u25bc -0.031 (-12.4%)": "dn",
                      "\u25b2 +1195000 (+23900.0%)": "up"}
    bars = [r.find(f"{SVG}title").text for r in root.iter(f"{SVG}rect") if r.find(f"{SVG}title") is not None]
    assert "auc, train-0912: 0.872" in bars and "f1, baseline-0901: 0.6" in bars
    assert not any(b.startswith("f1, train-0912") for b in bars)  # no bar for a missing value


def test_compare_bars_escape_and_repeat():
    rows = [("<m>&", 1, 2)]
    svg = compare_bars_svg("<t>", rows, label_a='"a"<', label_b="b&")
    assert "<m>" not in svg and "<t>" not in svg
    assert {"<m>&", '"a"<', "b&"} <= set(texts(svg))
    assert svg == compare_bars_svg("<t>", rows, label_a='"a"<', label_b="b&")


def test_compare_bars_with_negative_values_stay_in_their_row():
    svg = compare_bars_svg("signs", [("delta", -0.5, 0.3), ("same", 1, 1)])
    root = ET.fromstring(svg)
    width = float(root.get("width"))
    for rect in root.iter(f"{SVG}rect"):
        assert 0 <= float(rect.get("x")) and float(rect.get("x")) + float(rect.get("width")) <= width
    assert "= same" in texts(svg)
