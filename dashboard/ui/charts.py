"""图表 — plotly figures in one house style: Chinese fonts, large enough type for a
projector, colours that say good/bad the same way everywhere.

Figures are built from prepared frames (``dashboard/data``) and metrics from the
registry; they never query the database. The same figures are exported to images for
meeting slides.
"""

from __future__ import annotations

import html
import math
import os

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio

from dashboard.core import ranking
from dashboard.core.metrics import format_number, Metric

FONT = "Noto Sans CJK SC, Source Han Sans SC, Microsoft YaHei, PingFang SC, sans-serif"
GOOD = "#15803d"
BAD = "#b91c1c"
NEUTRAL = "#2563eb"
MUTED = "#94a3b8"
SERIES = ["#2563eb", "#f97316", "#10b981", "#a855f7", "#eab308", "#ef4444", "#14b8a6", "#64748b"]

pio.templates["governance"] = go.layout.Template(layout=go.Layout(
    font=dict(family=FONT, size=15, color="#1f2937"),
    title=dict(font=dict(size=18)),
    colorway=SERIES,
    paper_bgcolor="white", plot_bgcolor="white",
    xaxis=dict(gridcolor="#e5e7eb", zerolinecolor="#cbd5e1", tickfont=dict(size=14)),
    yaxis=dict(gridcolor="#e5e7eb", zerolinecolor="#cbd5e1", tickfont=dict(size=14)),
    legend=dict(orientation="h", yanchor="bottom", y=1.02, x=0, font=dict(size=14)),
    margin=dict(l=10, r=10, t=40, b=10),
    hoverlabel=dict(font=dict(family=FONT, size=14)),
))
TEMPLATE = "governance"


# Each chart is built as plain dicts and validated once by ``go.Figure(dict)``: 2–4 ms, where
# adding traces and updating the layout step by step (and add_vline) cost plotly 20–50 ms a chart.
# Plotly's own checking of every property is skipped in the app (it is most of that cost); the
# test suite sets DASHBOARD_VALIDATE_FIGURES=1, so every figure a test builds is checked in full.
VALIDATE = os.environ.get("DASHBOARD_VALIDATE_FIGURES", "0") == "1"


# Plotly renders a few HTML tags in any text it draws (<a href> becomes a live link, <b>, <span
# style>…): names from the data (area, category, round names) are entity-escaped in the fields
# that are drawn; plotly shows the entities as the characters. customdata (what a click returns)
# and the templates (hovertemplate, with their <extra>) are left as they are.
_DRAWN = ("x", "y", "text", "name", "labels", "hovertext")


def _plain(v):
    if isinstance(v, str):
        return v.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    if isinstance(v, (list, tuple)):
        return [_plain(x) for x in v]
    if isinstance(v, (pd.Series, pd.Index)) and v.dtype == object:
        return [_plain(x) for x in v.tolist()]
    return v


def figure(traces: list[dict], layout: dict, shapes: list[dict] = (), annotations: list[dict] = ()) -> go.Figure:
    """A figure in the house style from trace dicts (each with its ``type``) and a layout dict."""
    traces = [{k: (_plain(v) if k in _DRAWN else v) for k, v in t.items()} for t in traces]
    lay = {"template": pio.templates[TEMPLATE], **layout}
    if shapes:
        lay["shapes"] = list(shapes)
    if annotations:
        lay["annotations"] = list(annotations)
    return go.Figure({"data": list(traces), "layout": lay}, _validate=VALIDATE)


_ANCHORS = {"top": ("center", "bottom"), "top right": ("left", "top"), "top left": ("left", "top"),
            "above left": ("left", "bottom")}


def vline(x: float, color: str, text: str = "", position: str = "top", width: float | None = None,
          font: dict | None = None) -> tuple[dict, list[dict]]:
    """A dashed vertical line across the plot at ``x`` with its label (as ``fig.add_vline`` draws it)."""
    line = {"color": color, "dash": "dash", **({"width": width} if width else {})}
    shape = {"type": "line", "x0": x, "x1": x, "xref": "x", "y0": 0, "y1": 1, "yref": "y domain", "line": line}
    return shape, _label(x, text, position, font)


def vrect(x0, x1, color: str, opacity: float, text: str = "", font: dict | None = None) -> tuple[dict, list[dict]]:
    """A shaded band from ``x0`` to ``x1`` behind the bars, labelled above its left edge (clear of tall bars)."""
    shape = {"type": "rect", "x0": x0, "x1": x1, "xref": "x", "y0": 0, "y1": 1, "yref": "y domain",
             "fillcolor": color, "opacity": opacity, "line": {"width": 0}, "layer": "below"}
    return shape, _label(x0, text, "above left", font)


def _label(x, text: str, position: str, font: dict | None) -> list[dict]:
    if not text:
        return []
    xanchor, yanchor = _ANCHORS[position]
    return [{"x": x, "xref": "x", "y": 1, "yref": "y domain", "text": text, "showarrow": False,
             "xanchor": xanchor, "yanchor": yanchor, **({"font": font} if font else {})}]


def _num(v) -> float | None:
    try:
        f = float(v)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(f) else f


def ranked(frame: pd.DataFrame, m: Metric) -> pd.DataFrame:
    """Rows in ranking order (dashboard.core.ranking): ranked best first, then 样本不足, then 无数据."""
    return ranking.ranked_frame(frame, m)


def ranking_bar(frame: pd.DataFrame, m: Metric, label_col: str = "area_name", code_col: str = "area_code",
                highlight: int = 0, height: int | None = None, target: tuple[float, str] | None = None) -> go.Figure:
    """Horizontal bars, best at the top; with ``highlight`` = N the 红榜 units in green and the 黑榜 units in
    red (dashboard.core.ranking.boards: never the same unit, the alert-line rule); bars past the alert line are
    amber; 样本不足 and 无数据 in grey at the bottom; the code of each bar travels in customdata.
    ``target`` = (value, label) draws a target line instead of the alert line."""
    data = ranked(frame, m)
    values = [_num(v) for v in data[m.col]]
    status = list(data["rank_status"])
    n = len(data)
    red = black = set()
    if highlight:
        b = ranking.boards(frame, m, n=highlight)
        red, black = b.red_codes, b.black_codes
    colors = []
    for code, v, st_ in zip(data[code_col].astype(str), values, status):
        if v is None or st_ != ranking.RANKED:
            colors.append(MUTED)
        elif code in red:
            colors.append(GOOD)
        elif code in black:
            colors.append(BAD)
        else:
            colors.append(NEUTRAL if not m.is_alert(v) else "#f59e0b")
    text = [("无数据" if v is None else f"{m.format(v)}（样本不足）" if st_ == ranking.SMALL else m.format(v))
            for v, st_ in zip(values, status)]
    bar = {"type": "bar", "x": [v if v is not None else 0 for v in values], "y": list(data[label_col]),
           "orientation": "h", "marker": {"color": colors}, "text": text, "textposition": "outside",
           "cliponaxis": False, "customdata": list(data[code_col]),
           "hovertemplate": "%{y}：%{text}<extra></extra>"}
    shapes, notes = [], []
    known = [v for v in values if v is not None]
    if target is not None:
        shape, notes = vline(target[0], BAD, target[1], width=2, font={"size": 15, "color": BAD})
        shapes = [shape]
        x_range = [0, max(known + [target[0]]) * 1.25 or 1]
    else:
        threshold = m.alert_threshold()
        if threshold is not None and m.fmt in ("pct", "score", "dec1", "dec2"):
            shape, notes = vline(threshold, "#f59e0b", f"预警线 {m.format(threshold)}")
            shapes = [shape]
        top = max(known + [threshold or 0, 1.0 if m.fmt == "pct" else 0])
        x_range = [0, (top or 1) * 1.22]
    layout = {"height": height or max(220, 34 * n + 60), "showlegend": False, "bargap": 0.25,
              "xaxis": {"showticklabels": False, "showgrid": False, "zeroline": False, "range": x_range},
              "yaxis": {"autorange": "reversed", "automargin": True}}
    return figure([bar], layout, shapes, notes)


# A time axis in Chinese at every zoom (plotly's own labels are English: "Nov 2", "Jan 2026"): days as
# 11月2日, months as 2026年11月, years as 2026年; the hover shows the whole date.
DATE_AXIS = {"tickformatstops": [{"dtickrange": [None, "M1"], "value": "%-m月%-d日"},
                                 {"dtickrange": ["M1", "M12"], "value": "%Y年%-m月"},
                                 {"dtickrange": ["M12", None], "value": "%Y年"}],
             "hoverformat": "%Y年%-m月%-d日"}


def trend_lines(frame: pd.DataFrame, x: str, series: dict[str, str], y_title: str = "") -> go.Figure:
    """Lines over time: ``series`` maps column → legend name."""
    traces = [{"type": "scatter", "x": frame[x], "y": frame[col], "name": name, "mode": "lines+markers",
               "hovertemplate": f"{name}：%{{y:,.0f}}<extra></extra>"} for col, name in series.items()]
    most = max([float(frame[c].max()) for c in series if len(frame)] + [0])
    return figure(traces, {"height": 340, "hovermode": "x unified", "xaxis": DATE_AXIS,
                           "yaxis": {"title": {"text": y_title}, "tickformat": ",d", "rangemode": "tozero",
                                     "dtick": 1 if most <= 6 else None}})


def stacked_bars(frame: pd.DataFrame, x: str, stack: str, value: str, order: list[str] | None = None,
                 colors: list[str] | None = None, horizontal: bool = False, height: int = 340,
                 layout: dict | None = None) -> go.Figure:
    groups = order or list(dict.fromkeys(frame[stack]))
    palette = colors or SERIES
    traces = []
    for i, g in enumerate(groups):
        part = frame[frame[stack] == g]
        xy = dict(x=part[value], y=part[x], orientation="h") if horizontal else dict(x=part[x], y=part[value])
        traces.append({"type": "bar", "name": str(g), "marker": {"color": palette[i % len(palette)]}, **xy,
                       "hovertemplate": f"{g}：%{{{'x' if horizontal else 'y'}:,.0f}}<extra>%{{{'y' if horizontal else 'x'}}}</extra>"})
    lay = {"barmode": "stack", "height": height, **(layout or {})}
    if horizontal:
        lay["yaxis"] = {"autorange": "reversed", "automargin": True, **lay.get("yaxis", {})}
    return figure(traces, lay)


AGING_COLORS = ["#86efac", "#fde047", "#fb923c", "#ef4444", "#7f1d1d"]


def aging_bars(frame: pd.DataFrame, labels: list[str]) -> go.Figure:
    """Backlog by 一级分类 (rows) stacked by working-day age, young (green) to old (dark red)."""
    totals = frame.groupby("一级分类", observed=True)["工单数"].sum().sort_values(ascending=False)
    most = totals.max() if len(totals) else 0
    layout = {"legend": {"title": {"text": "已办理"}, "traceorder": "normal"},
              "yaxis": {"categoryorder": "array", "categoryarray": [str(c) for c in totals.index]},
              "xaxis": {"tickformat": ",d", "dtick": 1 if most <= 10 else None, "title": {"text": "工单数（件）"}}}
    return stacked_bars(frame, "一级分类", "账龄", "工单数", order=labels, colors=AGING_COLORS, horizontal=True,
                        height=max(260, 42 * frame["一级分类"].nunique() + 90), layout=layout)


# -- social organizations and committee assessment (pages/orgs.py, pages/assessment.py) --------------------
AMBER = "#f59e0b"


def count_bars(frame: pd.DataFrame, label_col: str, value_col: str, colors: list[str] | None = None,
               unit: str = "个", sort: bool = False, height: int | None = None) -> go.Figure:
    """Counts by category as horizontal bars with the count (and share of the total) written on
    each bar; categories keep the given order unless ``sort``; ``colors`` one per row."""
    data = frame.sort_values(value_col, ascending=False, kind="stable") if sort else frame
    values = [float(v) for v in data[value_col]]
    total = sum(values) or 1.0
    text = [f"{format_number(v)}（{format_number(v / total, 0, scale=100, unit='%')}）" for v in values]
    bar = {"type": "bar", "x": values, "y": [str(v) for v in data[label_col]], "orientation": "h",
           "marker": {"color": colors or NEUTRAL}, "text": text, "textposition": "outside", "cliponaxis": False,
           "textfont": {"size": 15}, "constraintext": "none", "hovertemplate": f"%{{y}}：%{{x:,}} {unit}<extra></extra>"}
    top = max(values + [1.0])
    return figure([bar], {"height": height or max(200, 40 * len(data) + 50), "showlegend": False, "bargap": 0.3,
                          "margin": {"l": 10, "r": 10, "t": 10, "b": 10},
                          # room for "1,288（26%）" after the longest bar in a third of a 1366 px page (1.6 cut it off)
                          "xaxis": {"showticklabels": False, "showgrid": False, "zeroline": False, "range": [0, top * 2.1]},
                          "yaxis": {"autorange": "reversed", "automargin": True}})


def target_ranking_bar(frame: pd.DataFrame, m: Metric, target: float, label: str, highlight: int = 0,
                       height: int | None = None) -> go.Figure:
    """``ranking_bar`` whose dashed line is a target (e.g. 目标 7 个/万人), not an alert line:
    bars below the target are amber, the line is labelled with the target."""
    return ranking_bar(frame, m, highlight=highlight, height=height, target=(target, label))


def community_target_bars(frame: pd.DataFrame, height: int | None = None) -> go.Figure:
    """Each community's community-organisation count against its own target (社区 and 村 differ):
    green bars meet the target, red bars do not; a black tick marks the target. The community
    code travels in customdata so a click can drill into it."""
    data = frame.sort_values(["meets_target", "gap", "community_code"], ascending=[True, False, True])
    labels = [f"{n}（{k}）" for n, k in zip(data["community_name"], data["kind"])]
    colors = [GOOD if ok else BAD for ok in data["meets_target"]]
    bar = {"type": "bar", "x": list(data["community_orgs"]), "y": labels, "orientation": "h", "marker": {"color": colors},
           "text": [f"{int(n)}（达标）" if ok else f"{int(n)}（差 {int(g)}）"
                    for n, g, ok in zip(data["community_orgs"], data["gap"], data["meets_target"])],
           "textposition": "outside", "cliponaxis": False, "textfont": {"size": 15}, "constraintext": "none",
           "customdata": list(data["community_code"]), "name": "现有", "hovertemplate": "%{y}：现有 %{x} 个<extra></extra>"}
    ticks = {"type": "scatter", "x": list(data["target"]), "y": labels, "mode": "markers", "name": "目标（黑线）",
             "marker": {"symbol": "line-ns", "size": 26, "line": {"width": 4, "color": "#111827"}},
             "hovertemplate": "%{y}：目标 %{x} 个<extra></extra>"}
    top = max(list(data["community_orgs"]) + list(data["target"]) + [1])
    return figure([bar, ticks], {
        "height": height or max(220, 40 * len(data) + 70), "showlegend": False, "bargap": 0.3,
        "xaxis": {"range": [0, top * 1.35], "title": {"text": "社区社会组织数（个）；黑色竖线为目标"},
                  "dtick": None if top > 12 else 1},
        "yaxis": {"autorange": "reversed", "automargin": True}})


def flow_bars(frame: pd.DataFrame, period_start=None, period_end=None, bucket: str = "month") -> go.Figure:
    """Registrations (up, blue) and deregistrations (down, grey-red) per month or year; the
    chosen period is shaded so it can be found on the time axis."""
    x = pd.to_datetime(frame["bucket"])
    fmt = "%Y年%-m月" if bucket == "month" else "%Y年"  # 2026年1月, not 2026年01月
    traces = [
        {"type": "bar", "x": x, "y": frame["registered"], "name": "新登记/备案", "marker": {"color": NEUTRAL},
         "text": [str(v) if v else "" for v in frame["registered"]], "textposition": "outside", "cliponaxis": False,
         "hovertemplate": f"%{{x|{fmt}}} 新登记 %{{y}} 个<extra></extra>"},
        {"type": "bar", "x": x, "y": -frame["deregistered"], "name": "注销", "marker": {"color": "#f97316"},
         "text": [str(v) if v else "" for v in frame["deregistered"]], "textposition": "outside", "cliponaxis": False,
         "customdata": frame["deregistered"], "hovertemplate": f"%{{x|{fmt}}} 注销 %{{customdata}} 个<extra></extra>"},
    ]
    shapes, notes = [], []
    if period_start is not None and period_end is not None:
        shape, notes = vrect(pd.Timestamp(period_start) - pd.Timedelta(days=15),
                             pd.Timestamp(period_end) + pd.Timedelta(days=15), "#fde68a", 0.35, "本期")
        shapes = [shape]
    up = max([1] + [int(v) for v in frame["registered"]])
    down = max([1] + [int(v) for v in frame["deregistered"]])
    step = _nice_step(max(up, down) / 3)
    ticks = [-k * step for k in range(int(down // step) + 1, 0, -1)] + [k * step for k in range(0, int(up // step) + 2)]
    return figure(traces, {
        "barmode": "relative", "height": 360, "bargap": 0.2,
        "yaxis": {"title": {"text": "组织数（个）"}, "range": [-down * 1.35, up * 1.25], "tickvals": ticks,
                  "ticktext": [f"{abs(v):,g}" for v in ticks]},
        "xaxis": {"tickformat": fmt, "dtick": "M3" if bucket == "month" else "M12"}}, shapes, notes)


def _nice_step(raw: float) -> float:
    """1, 2 or 5 times a power of ten, at least 1 (for integer counts)."""
    if raw <= 1:
        return 1
    power = 10 ** math.floor(math.log10(raw))
    return next(s * power for s in (1, 2, 5, 10) if s * power >= raw)


def grade_colors(grades: list[str]) -> dict[str, str]:
    """One colour per grade, best first: the top grade green, the failing grade red, the lowest
    passing grade amber, the ones between blue — the same on every assessment chart."""
    out = {}
    passing = [g for g in grades if g != "不合格"]
    for i, g in enumerate(passing):
        out[g] = GOOD if i == 0 else AMBER if i == len(passing) - 1 and len(passing) > 2 else NEUTRAL
    out["不合格"] = BAD
    return out


def score_histogram(totals: pd.Series, grades: pd.Series, cutoffs: dict[str, float], bin_size: float = 5.0) -> go.Figure:
    """How committee totals spread over 0–100, in bins of ``bin_size`` points, coloured by grade,
    with a dashed line at every grade cut-off."""
    colors = grade_colors(list(cutoffs) + ["不合格"])
    lowest = min([float(totals.min()) if len(totals) else 60.0] + [min(cutoffs.values()) - bin_size])
    start = max(0.0, bin_size * math.floor(lowest / bin_size))
    traces = []
    for grade in list(cutoffs) + ["不合格"]:
        part = totals[grades == grade]
        if part.empty:
            continue
        traces.append({"type": "histogram", "x": part, "name": grade, "marker": {"color": colors[grade]},
                       "xbins": {"start": start, "end": 100.0 + bin_size, "size": bin_size},
                       "hovertemplate": f"{grade} %{{x}} 分：%{{y}} 个<extra></extra>"})
    shapes, notes = [], []
    for grade, cut in cutoffs.items():
        shape, note = vline(cut, colors[grade], f"{grade} ≥{cut:g}", "top right", width=2,
                            font={"size": 14, "color": colors[grade]})
        shapes.append(shape)
        notes += note
    return figure(traces, {
        "barmode": "stack", "height": 360, "bargap": 0.05, "legend": {"y": 1.12, "traceorder": "normal"},
        "xaxis": {"title": {"text": "考核总分（分）"}, "range": [start, 100 + bin_size], "dtick": bin_size * 2},
        "yaxis": {"title": {"text": "社区/村数（个）"}, "tickformat": ",d", "dtick": 1 if len(totals) <= 8 else None,
                  "range": [0, 1.3 * max([1] + list(((totals - start) // bin_size).value_counts()))]}}, shapes, notes)


def grade_count_bars(frame: pd.DataFrame, now_label: str, before_label: str | None) -> go.Figure:
    """Committees per grade in this round (grade colours) and, if any, the previous round (grey)."""
    colors = grade_colors(list(frame["grade"]))
    labels = [f"{g}（≥{m:g}）" if pd.notna(m) else g for g, m in zip(frame["grade"], frame["min_score"])]
    common = {"type": "bar", "x": labels, "textposition": "outside", "cliponaxis": False, "textfont": {"size": 15},
              "constraintext": "none"}
    traces = []
    if before_label:
        traces.append({**common, "y": frame["previous_committees"], "name": before_label, "marker": {"color": "#cbd5e1"},
                       "text": list(frame["previous_committees"]),
                       "hovertemplate": f"{before_label} %{{x}}：%{{y}} 个<extra></extra>"})
    traces.append({**common, "y": frame["committees"], "name": now_label,
                   "marker": {"color": [colors[g] for g in frame["grade"]]}, "text": list(frame["committees"]),
                   "hovertemplate": f"{now_label} %{{x}}：%{{y}} 个<extra></extra>"})
    top = max([1] + [int(v) for v in frame["committees"]] + [int(v) for v in frame["previous_committees"]])
    return figure(traces, {
        "barmode": "group", "height": 360, "bargap": 0.25, "bargroupgap": 0.05, "legend": {"y": 1.12},
        "showlegend": True,
        "yaxis": {"title": {"text": "社区/村数（个）"}, "range": [0, top * 1.25], "tickformat": ",d",
                  "dtick": 1 if top <= 6 else None}})


def indicator_comparison(frame: pd.DataFrame, who: str, street: str, city: str) -> go.Figure:
    """Per indicator, the score as a share of its full marks (得分率) for one committee, its
    street's average and the city's average; the indicator's full marks (= weight) are in the label."""
    labels = [f"{n}（{g}，{m:g} 分）" for n, g, m in zip(frame["name"], frame["group_name"], frame["max_score"])]
    traces = []
    for col, rate_col, name, color in (("score", "score_rate", who, NEUTRAL), ("street_avg", "street_rate", street, "#f97316"),
                                       ("city_avg", "city_rate", city, MUTED)):
        raw = pd.to_numeric(frame[col], errors="coerce")
        rate = pd.to_numeric(frame[rate_col], errors="coerce")
        traces.append({"type": "bar", "y": labels, "x": rate, "name": name, "orientation": "h", "marker": {"color": color},
                       "text": [format_number(v, 1) for v in raw], "textposition": "outside",
                       "cliponaxis": False, "textfont": {"size": 14}, "constraintext": "none",
                       "customdata": [format_number(v, 0, scale=100, unit="%") for v in rate],
                       "hovertemplate": f"{name} · %{{y}}：%{{text}} 分（得分率 %{{customdata}}）<extra></extra>"})
    return figure(traces, {
        "barmode": "group", "height": max(300, 95 * len(frame) + 80), "bargap": 0.25,
        "legend": {"y": 1.04, "traceorder": "normal"},
        "xaxis": {"title": {"text": "得分率（得分 ÷ 分值）；柱旁数字为得分"}, "tickformat": ".0%", "range": [0, 1.12]},
        "yaxis": {"autorange": "reversed", "automargin": True}})


def rating_bars(frame: pd.DataFrame, unrated: str = "未评估") -> go.Figure:
    """Organisations by effective rating (5A … 1A, 未评估): ratings at or above the 3A line green,
    lower ratings blue, unrated grey."""
    colors = [GOOD if h else MUTED if c == unrated else NEUTRAL for c, h in zip(frame["category"], frame["high"])]
    return count_bars(frame, "category", "orgs", colors=colors)


def target_split_bars(frame: pd.DataFrame, m: Metric, height: int | None = None) -> go.Figure:
    """Per child area, its communities split into those meeting the community-organisation target
    (green) and those below it (red), best rate on top, the rate written at the end of the bar.
    Area codes travel in customdata so a click drills into the area."""
    data = ranked(frame, m)
    codes, names = list(data["area_code"]), list(data["area_name"])
    traces = [
        {"type": "bar", "y": names, "x": data["communities_meeting_target"], "name": "达标", "orientation": "h",
         "marker": {"color": GOOD}, "customdata": codes, "hovertemplate": "%{y}：达标 %{x} 个<extra></extra>"},
        {"type": "bar", "y": names, "x": data["communities_below_target"], "name": "未达标", "orientation": "h",
         "marker": {"color": BAD}, "customdata": codes, "hovertemplate": "%{y}：未达标 %{x} 个<extra></extra>",
         "text": [f"达标率 {m.format(v)}" for v in data[m.col]], "textposition": "outside", "cliponaxis": False,
         "textfont": {"size": 15}, "constraintext": "none"},
    ]
    top = max([1] + [int(v) for v in data["communities"]])
    return figure(traces, {
        "barmode": "stack", "height": height or max(220, 40 * len(data) + 90), "bargap": 0.3,
        "legend": {"y": 1.08, "traceorder": "normal"},
        "xaxis": {"title": {"text": "社区/村数（个）"}, "range": [0, top * 1.3], "tickformat": ",d",
                  "dtick": 1 if top <= 10 else None},
        "yaxis": {"autorange": "reversed", "automargin": True}})


def _household_bins(households: pd.Series, low: int, high: int) -> tuple[np.ndarray, np.ndarray, int]:
    """The histogram of households per 综合网格: counts, bin edges and bin width (at most 40 bars;
    if possible the norm's ends fall on bin edges)."""
    hh = households.dropna().to_numpy(dtype=float)
    top = max(float(hh.max()) if len(hh) else 0.0, high * 1.2)
    widths = [w for w in (10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000, 5000) if top / w <= 40] or [10_000]
    size = next((w for w in widths if low % w == 0 and high % w == 0), widths[0])
    counts, edges = np.histogram(hh, bins=np.arange(0, top + 2 * size, size))
    return counts, edges, size


def households_svg(households: pd.Series, low: int, high: int, width: int = 900, height: int = 340) -> str:
    """Histogram of households per 综合网格 as a small inline SVG, the configured range [low, high] shaded: a page
    that shows it
    needs no chart library in the browser (the plotly bundle is 4.7 MB of script to load and parse).
    The configured range is shaded green; each bar carries its range and count as a title."""
    counts, edges, size = _household_bins(households, low, high)
    left, right, top, bottom = 56, 28, 34, 52
    w, h = width - left - right, height - top - bottom
    x_max, y_max = float(edges[-1]), max(int(counts.max()) if len(counts) else 0, 1)
    step = max(1, int(math.ceil(y_max / 6)))
    y_top = step * int(math.ceil(y_max / step))
    x = lambda v: left + w * v / x_max  # noqa: E731
    y = lambda v: top + h - h * v / y_top  # noqa: E731
    font = 'font-family="Source Sans, sans-serif" font-size="15" fill="#31333f"'
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="{width}" height="{height}">']
    lo, hi = x(low), x(min(high, x_max))
    out.append(f'<rect x="{lo:.1f}" y="{top}" width="{max(hi - lo, 0):.1f}" height="{h}" fill="#16a34a" opacity="0.12"/>')
    out.append(f'<text x="{lo:.1f}" y="{top - 8}" text-anchor="end" {font}>合理范围 {low}–{high} 户</text>')
    for v in range(0, y_top + 1, step):
        out.append(f'<line x1="{left}" x2="{left + w}" y1="{y(v):.1f}" y2="{y(v):.1f}" stroke="#e5e7eb"/>'
                   f'<text x="{left - 6}" y="{y(v) + 5:.1f}" text-anchor="end" {font}>{format_number(v)}</text>')
    for c, a, b in zip(counts, edges[:-1], edges[1:]):
        colour = "#16a34a" if low <= a and b <= high else "#3182bd"
        bar_w = (x(b) - x(a)) * 0.95
        out.append(f'<rect x="{x(a) + (x(b) - x(a) - bar_w) / 2:.1f}" y="{y(c):.1f}" width="{bar_w:.1f}" '
                   f'height="{y(0) - y(c):.1f}" fill="{colour}"><title>{a:.0f}–{b:.0f} 户：{int(c)} 个网格</title></rect>')
    ticks = max(1, int(math.ceil(len(counts) / 8)))
    for v in edges[::ticks]:
        out.append(f'<text x="{x(v):.1f}" y="{top + h + 20}" text-anchor="middle" {font}>{format_number(v)}</text>')
    out.append(f'<line x1="{left}" x2="{left + w}" y1="{y(0):.1f}" y2="{y(0):.1f}" stroke="#9ca3af"/>')
    out.append(f'<text x="{left + w / 2:.1f}" y="{height - 6}" text-anchor="middle" {font}>每个综合网格的户数</text>')
    out.append(f'<text x="14" y="{top + h / 2:.1f}" text-anchor="middle" transform="rotate(-90 14 {top + h / 2:.1f})" '
               f'{font}>网格数</text></svg>')
    return "".join(out)


def _date_label(day: pd.Timestamp, bucket: str, full: bool = False) -> str:
    """A bucket's date in Chinese: 11月2日 (days, weeks), 2026年11月 (months); ``full`` with the year for days."""
    if bucket == "month":
        return f"{day.year}年{day.month}月"
    return (f"{day.year}年" if full else "") + f"{day.month}月{day.day}日"


def trend_svg(frame: pd.DataFrame, x: str, series: dict[str, str], y_title: str = "", bucket: str = "day",
              unit: str = "件", width: int = 1100, height: int = 330) -> str:
    """Lines over time as a small SVG (``series`` maps column → legend name), drawn like ``households_svg`` so
    the page needs no chart library: a legend, the y axis from 0 with thousands separators (``format_number``),
    Chinese dates on the x axis (11月2日 for days and weeks, 2026年11月 for months), and over each bucket a
    title with its date and every series' value."""
    return _trend(frame, x, series, y_title, bucket, unit, width, height)[0]


def trend_html(frame: pd.DataFrame, x: str, series: dict[str, str], y_title: str = "", bucket: str = "day",
               unit: str = "件", width: int = 1100, height: int = 330) -> str:
    """``trend_svg`` for ``st.html``: Streamlit's HTML element keeps only HTML (no inline SVG), so the SVG is an
    image and each bucket's hover text the ``title`` of a transparent box laid over it (positions in per cent:
    the boxes follow the image when it is scaled to the column)."""
    svg, bands, (top, h) = _trend(frame, x, series, y_title, bucket, unit, width, height)
    return svg_html(svg, [(x0, top, x1 - x0, h, text) for x0, x1, text in bands], width, height, y_title or "趋势")


def svg_html(svg: str, boxes: list[tuple[float, float, float, float, str]], width: int, height: int, alt: str) -> str:
    """An SVG chart for ``st.html``, which keeps only HTML (no inline SVG): the SVG as an image, and over it one
    transparent box per (x, y, w, h, hover text) in the SVG's coordinates, whose ``title`` is the hover text.
    Positions are in per cent, so the boxes follow the image when it is scaled to the column."""
    import base64

    data = base64.b64encode(svg.encode("utf-8")).decode("ascii")
    pct = lambda v, whole: f"{100 * v / whole:.3f}%"  # noqa: E731
    cells = "".join(f'<div title="{html.escape(text)}" style="position:absolute;left:{pct(x0, width)};'
                    f'width:{pct(w, width)};top:{pct(y0, height)};height:{pct(h, height)}"></div>'
                    for x0, y0, w, h, text in boxes)
    return (f'<div style="position:relative;max-width:{width}px">'
            f'<img src="data:image/svg+xml;base64,{data}" alt="{html.escape(alt)}" style="width:100%;display:block">'
            f"{cells}</div>")


def _text_px(text: str, size: int = 15) -> float:
    """About how wide ``text`` is drawn at ``size`` px: a CJK character is one em, anything else about half."""
    return sum(size if ord(c) > 0x2E80 else size * 0.55 for c in str(text))


def stacked_hbars_html(frame: pd.DataFrame, label: str, stack: str, value: str, order: list[str],
                       colors: list[str], legend_title: str = "", unit: str = "件", width: int = 1100) -> str:
    """Horizontal bars, one per ``label`` (in the frame's order), each split into the ``stack`` parts in ``order``
    (colours ``colors``), as an SVG image for ``st.html`` (``svg_html``): the page needs no chart library. A legend
    on top, the x axis from 0 with thousands separators, each bar's total at its end (``format_number``), and
    over each part a hover text "label · part：n 件"."""
    rows = list(dict.fromkeys(str(v) for v in frame[label]))
    cell = {(str(r[label]), str(r[stack])): float(r[value]) for r in frame[[label, stack, value]].to_dict("records")}
    totals = [sum(cell.get((row, part), 0.0) for part in order) for row in rows]
    font_px, row_h = 15, 40
    font = f'font-family="Source Sans, Noto Sans CJK SC, sans-serif" font-size="{font_px}" fill="#31333f"'
    left = 12 + max([_text_px(r, font_px) for r in rows] + [40.0])
    legend_h, axis_h = 44, 34
    right = 24 + _text_px(f"{format_number(max(totals + [0.0]))} {unit}", font_px)
    height = int(legend_h + row_h * max(len(rows), 1) + axis_h)
    w = width - left - right
    step = _nice_step(max(totals + [1.0]) / 5)
    x_top = step * math.ceil(max(totals + [1.0]) / step)
    x_of = lambda v: left + w * v / x_top  # noqa: E731
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="{width}" height="{height}">']
    lx = 0.0
    if legend_title:
        out.append(f'<text x="0" y="21" {font}>{html.escape(legend_title)}</text>')
        lx = _text_px(legend_title, font_px) + 14
    for part, colour in zip(order, colors):
        out.append(f'<rect x="{lx:.1f}" y="8" width="16" height="16" fill="{colour}"/>'
                   f'<text x="{lx + 22:.1f}" y="21" {font}>{html.escape(part)}</text>')
        lx += 22 + _text_px(part, font_px) + 22
    bottom = legend_h + row_h * len(rows)
    v = 0.0
    while v <= x_top + 1e-9:
        out.append(f'<line x1="{x_of(v):.1f}" x2="{x_of(v):.1f}" y1="{legend_h}" y2="{bottom}" stroke="#e5e7eb"/>'
                   f'<text x="{x_of(v):.1f}" y="{bottom + 22}" text-anchor="middle" {font}>{format_number(v)}</text>')
        v += step
    boxes = []
    for i, (row, total) in enumerate(zip(rows, totals)):
        y0 = legend_h + row_h * i
        out.append(f'<text x="{left - 10:.1f}" y="{y0 + row_h / 2 + 5:.1f}" text-anchor="end" {font}>{html.escape(row)}</text>')
        x = 0.0
        for part, colour in zip(order, colors):
            n = cell.get((row, part), 0.0)
            if n <= 0:
                continue
            text = f"{row} · {part}：{format_number(n)} {unit}"
            out.append(f'<rect x="{x_of(x):.1f}" y="{y0 + 6}" width="{x_of(x + n) - x_of(x):.1f}" height="{row_h - 12}" '
                       f'fill="{colour}"><title>{html.escape(text)}</title></rect>')
            boxes.append((x_of(x), y0 + 6, x_of(x + n) - x_of(x), row_h - 12, text))
            x += n
        out.append(f'<text x="{x_of(total) + 8:.1f}" y="{y0 + row_h / 2 + 5:.1f}" {font}>{format_number(total)} {unit}</text>')
    out.append(f'<line x1="{left:.1f}" x2="{left:.1f}" y1="{legend_h}" y2="{bottom}" stroke="#9ca3af"/></svg>')
    return svg_html("".join(out), boxes, width, height, legend_title or "分段条形图")


def _trend(frame, x, series, y_title, bucket, unit, width, height):
    days = [pd.Timestamp(v) for v in frame[x]] if len(frame) else []
    values = {col: [float(v) if pd.notna(v) else 0.0 for v in frame[col]] for col in series} if days else {}
    left, right, top, bottom = 72, 24, 44, 44
    w, h = width - left - right, height - top - bottom
    y_max = max([max(v) for v in values.values()] + [1.0]) if values else 1.0
    step = _nice_step(y_max / 5)
    step = max(step, 1.0)
    y_top = step * math.ceil(y_max / step)
    n = len(days)
    x_of = (lambda i: left + w / 2) if n <= 1 else (lambda i: left + w * i / (n - 1))  # noqa: E731
    y_of = lambda v: top + h - h * v / y_top  # noqa: E731
    font = 'font-family="Source Sans, Noto Sans CJK SC, sans-serif" font-size="15" fill="#31333f"'
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="{width}" height="{height}">']
    v = 0.0
    while v <= y_top + 1e-9:
        out.append(f'<line x1="{left}" x2="{left + w}" y1="{y_of(v):.1f}" y2="{y_of(v):.1f}" stroke="#e5e7eb"/>'
                   f'<text x="{left - 8}" y="{y_of(v) + 5:.1f}" text-anchor="end" {font}>{format_number(v)}</text>')
        v += step
    out.append(f'<line x1="{left}" x2="{left + w}" y1="{y_of(0):.1f}" y2="{y_of(0):.1f}" stroke="#9ca3af"/>')
    every = max(1, math.ceil(n / 8))
    for i in range(0, n, every):
        out.append(f'<text x="{x_of(i):.1f}" y="{top + h + 24}" text-anchor="middle" {font}>{_date_label(days[i], bucket)}</text>')
    legend_x = left
    for k, (col, name) in enumerate(series.items()):
        colour = SERIES[k % len(SERIES)]
        out.append(f'<line x1="{legend_x}" x2="{legend_x + 26}" y1="16" y2="16" stroke="{colour}" stroke-width="3"/>'
                   f'<text x="{legend_x + 32}" y="21" {font}>{name}</text>')
        legend_x += 32 + 16 * len(name) + 28
        if not n:
            continue
        points = " ".join(f"{x_of(i):.1f},{y_of(val):.1f}" for i, val in enumerate(values[col]))
        out.append(f'<polyline points="{points}" fill="none" stroke="{colour}" stroke-width="2.5" stroke-linejoin="round"/>')
        if n <= 62:
            out.extend(f'<circle cx="{x_of(i):.1f}" cy="{y_of(val):.1f}" r="3" fill="{colour}"/>'
                       for i, val in enumerate(values[col]))
    if y_title:
        out.append(f'<text x="16" y="{top + h / 2:.1f}" text-anchor="middle" transform="rotate(-90 16 {top + h / 2:.1f})" '
                   f'{font}>{y_title}</text>')
    # One hover band per bucket: its date and the value of every series, as plotly's "x unified" hover showed.
    band = w / max(n - 1, 1) if n > 1 else w
    bands = []
    for i, day in enumerate(days):
        when = _date_label(day, bucket, full=True) + ("起一周" if bucket == "week" else "")
        lines = "；".join(f"{name} {format_number(values[col][i])} {unit}" for col, name in series.items())
        x0 = max(left, x_of(i) - band / 2)
        x1 = min(left + w, x_of(i) + band / 2)
        bands.append((x0, max(x1, x0 + 1), f"{when}：{lines}"))
        out.append(f'<rect x="{x0:.1f}" y="{top}" width="{max(x1 - x0, 1):.1f}" height="{h}" fill="transparent">'
                   f'<title>{when}：{lines}</title></rect>')
    if not n:
        out.append(f'<text x="{left + w / 2:.1f}" y="{top + h / 2:.1f}" text-anchor="middle" {font}>期间内无数据</text>')
    out.append("</svg>")
    return "".join(out), bands, (top, h)
