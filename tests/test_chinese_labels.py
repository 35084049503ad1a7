"""Issue 17: Chinese on every chart axis and on the map — plotly's own date labels are English ("Nov 2",
"Jan 2026"). The figures are drawn by the real plotly.js (kaleido with the system Chromium) as SVG and
the tick labels read from it: days as 11月2日, months as 2026年3月 (no leading zero), years as 2026年."""

import re

import pandas as pd

from dashboard.meetings import brief
from dashboard.ui import charts


def tick_texts(fig) -> list[str]:
    svg = brief.chart_png(fig, 900, 400, fmt="svg").decode()
    return re.findall(r'class="xtick"[^>]*>.*?>([^<]+)</text>', svg)


def test_daily_trend_ticks_are_chinese_days():
    days = pd.date_range("2026-11-01", "2026-11-20", freq="D")
    frame = pd.DataFrame({"bucket": days, "created": range(20), "closed": range(20)})
    ticks = tick_texts(charts.trend_lines(frame, "bucket", {"created": "受理", "closed": "办结"}))
    assert ticks and all(re.fullmatch(r"11月\d{1,2}日", t) for t in ticks), ticks
    assert "11月2日" in ticks or "11月1日" in ticks


def test_monthly_trend_ticks_are_chinese_months():
    months = pd.date_range("2025-12-01", "2026-11-01", freq="MS")
    frame = pd.DataFrame({"bucket": months, "created": range(12), "closed": range(12)})
    ticks = tick_texts(charts.trend_lines(frame, "bucket", {"created": "受理", "closed": "办结"}))
    assert ticks and all(re.fullmatch(r"20\d\d年\d{1,2}月", t) for t in ticks), ticks
    assert not any("年0" in t for t in ticks)


def test_org_flow_months_have_no_leading_zero():
    frame = pd.DataFrame({"bucket": pd.date_range("2026-01-01", "2026-11-01", freq="MS"),
                          "registered": [1] * 11, "deregistered": [0] * 11})
    ticks = tick_texts(charts.flow_bars(frame))
    assert ticks and all(re.fullmatch(r"2026年[1-9]\d?月", t) for t in ticks), ticks  # 2026年1月, not 2026年01月
