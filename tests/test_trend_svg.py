"""The trend as an inline SVG (``charts.trend_svg``): hand-made frames, values worked out by hand."""

import re

import pandas as pd

from dashboard.ui import charts


def test_thousands_separators_axis_steps_and_week_titles():
    """Largest value 1,234: a step of 500 (1, 2 or 5 × 10ⁿ over a fifth of the largest, 246.8) → ticks 0, 500,
    1,000, 1,500; weeks are labelled by their Monday and titled “…起一周”."""
    frame = pd.DataFrame({"bucket": pd.to_datetime(["2026-10-26", "2026-11-02", "2026-11-09"]),
                          "created": [1234, 980, 5], "closed": [1000, 1001, 0]})
    svg = charts.trend_svg(frame, "bucket", {"created": "受理", "closed": "办结"}, "工单数（件）", bucket="week")
    ticks = re.findall(r'text-anchor="end"[^>]*>([\d,]+)</text>', svg)
    assert ticks == ["0", "500", "1,000", "1,500"]
    assert re.findall(r"<title>([^<]+)</title>", svg) == [
        "2026年10月26日起一周：受理 1,234 件；办结 1,000 件", "2026年11月2日起一周：受理 980 件；办结 1,001 件",
        "2026年11月9日起一周：受理 5 件；办结 0 件"]
    assert re.findall(r'text-anchor="middle"[^>]*>(\d+月\d+日)</text>', svg) == ["10月26日", "11月2日", "11月9日"]
    assert svg.count("<polyline") == 2


def test_months_cross_the_year_and_an_empty_period_says_so():
    frame = pd.DataFrame({"bucket": pd.to_datetime(["2025-12-01", "2026-01-01"]), "created": [3, 4], "closed": [2, 6]})
    svg = charts.trend_svg(frame, "bucket", {"created": "受理", "closed": "办结"}, bucket="month")
    assert re.findall(r'text-anchor="middle"[^>]*>(\d+年\d+月)</text>', svg) == ["2025年12月", "2026年1月"]
    # largest 6: step 2 (6 / 5 = 1.2 → 2), ticks 0 2 4 6
    assert re.findall(r'text-anchor="end"[^>]*>([\d,]+)</text>', svg) == ["0", "2", "4", "6"]
    empty = charts.trend_svg(frame.iloc[:0], "bucket", {"created": "受理"}, bucket="day")
    assert "期间内无数据" in empty and "<polyline" not in empty
