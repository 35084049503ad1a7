"""总览 data: the KPI row for the current scope and period, each value with its
comparison (the previous period, or the previous assessment round)."""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass

import pandas as pd

from dashboard import db
from dashboard.data import common
from dashboard.filters import COMPARISONS, Filters
from dashboard.metrics import NO_COMPARISON, Change, Metric, metric

OVERVIEW_KPIS = ("created", "backlog", "overdue", "on_time_rate", "composite_score",
                 "grid_count", "fulltime_coverage", "orgs_per_10k", "assessment_avg", "assessment_failed")


@dataclass(frozen=True)
class Kpi:
    metric: Metric
    value: float | None
    previous: float | None = None
    compare_label: str = ""  # e.g. "环比", "较上一轮"; "" when nothing is compared
    note: str = ""  # the counts behind the value, e.g. "按期办结 9 / 办结 11"
    compare_has_data: bool = True  # False: the comparison period lies (partly) before the data → 对比期无数据

    @property
    def change(self) -> Change:
        """The change as shown (text, arrow, good or bad); 对比期无数据 without a usable comparison."""
        if not self.compare_has_data:
            return NO_COMPARISON
        return self.metric.change(self.value, self.previous)

    @property
    def delta(self):
        """The change as displayed (rounded half-up; a Decimal), None without a comparison."""
        return self.change.delta


def _nan(v) -> bool:
    return v is None or (isinstance(v, float) and math.isnan(v)) or v is pd.NA


def _sources(f: Filters, needed: set[str], durations: bool = False) -> dict[str, tuple]:
    """For each query the KPIs need: (row now, row in the comparison, comparison label).
    All of them run at once (``db.in_parallel``). Ticket and organisation rows come with the child
    areas' (``common.ticket_rows``/``org_rows``: one query for the KPI row and the page's rankings)."""
    label = COMPARISONS[f.compare] if f.comparison else ""
    asks: dict[tuple[str, str], tuple[str, dict]] = {}
    if "grid_metrics" in needed:  # the current staffing: no history to compare with
        asks["grid_metrics", "now"] = ("grid_metrics", common.scope_params(f))
    rnd, prev = common.round_for(f) if "assessment_summary" in needed else (None, None)
    with_rows = {"ticket_metrics": lambda: common.ticket_rows(f, durations), "org_metrics": lambda: common.org_rows(f),
                 "assessment_summary": lambda: common.summary_rows(f, rnd["round_id"], _round_id(prev))}
    with_rows = {source: call for source, call in with_rows.items()
                 if source in needed and (source != "assessment_summary" or rnd is not None)}
    results = db.in_parallel([lambda r=r: common.first_row(db.query(r[0], **r[1])) for r in asks.values()]
                             + list(with_rows.values()))
    rows = dict(zip(asks, results))
    for source, found in zip(with_rows, results[len(asks):]):
        rows[source, "now"], rows[source, "before"] = found.now, found.before
    out: dict[str, tuple] = {}
    for source in needed:
        compare = "较上一轮" if source == "assessment_summary" and prev is not None else (
            "" if source in ("grid_metrics", "assessment_summary") else label)
        out[source] = (rows.get((source, "now")), rows.get((source, "before")), compare)
    return out


def _round_id(r: pd.Series | None) -> str | None:
    return None if r is None else str(r["round_id"])


def kpi_row(f: Filters, keys: tuple[str, ...] = OVERVIEW_KPIS) -> list[Kpi]:
    metrics = [metric(k) for k in keys]
    sources = _sources(f, {m.query for m in metrics}, any(k in common.DURATION_METRICS for k in keys))
    out = []
    for m in metrics:
        now, before, label = sources[m.query]
        # Tickets exist only from the data's start: a comparison before it has nothing (or part) to compare.
        has_data = m.query != "ticket_metrics" or not label or common.comparison_has_data(f)
        out.append(Kpi(m, common.cell(now, m.col), common.cell(before, m.col), label, common.denominator_note(m, now),
                       compare_has_data=has_data))
    return out


def assessment_round_label(f: Filters) -> str:
    rnd, _ = common.round_for(f)
    return "" if rnd is None else str(rnd["name"])


def children(f: Filters) -> pd.DataFrame:
    """Every child area of the scope with its ticket, grid, organisation and assessment metrics."""
    rnd, prev = common.round_for(f)
    calls = [lambda: common.ticket_rows(f), lambda: common.org_rows(f),
             lambda: db.query("grid_metrics", **common.scope_params(f, "children"))]
    if rnd is not None:  # the same query as the KPI row's (which compares with the previous round)
        calls.append(lambda: common.summary_rows(f, rnd["round_id"], _round_id(prev)).children)
    tickets, org_rows, grids, *assess = db.in_parallel(calls)
    frame, orgs = tickets.children, org_rows.children
    keep = lambda df, drop: df.drop(columns=[c for c in drop if c in df.columns])  # noqa: E731
    frame = frame.merge(keep(grids, ["area_name", "level"]), on="area_code", how="left")
    frame = frame.merge(keep(orgs, ["area_name", "level", "population"]), on="area_code", how="left")
    if assess:
        frame = frame.merge(keep(assess[0], ["area_name", "level"]), on="area_code", how="left")
    return frame


def previous_children(f: Filters) -> pd.DataFrame | None:
    """The child areas' ticket metrics in the comparison period (for the boards' rank change), or None
    when there is no comparison or it has no data."""
    if not f.comparison or not common.comparison_has_data(f):
        return None
    return db.query("ticket_metrics", **common.ticket_params(f, group="children", in_comparison=True))


def trend_bucket(f: Filters) -> str:
    days = f.period.days
    return "day" if days <= 62 else "week" if days <= 200 else "month"


def trend(f: Filters) -> pd.DataFrame:
    start_ts, end_ts = f.bounds()
    return db.query("ticket_trend", scope=f.scope, start_ts=start_ts, end_ts=end_ts, bucket=trend_bucket(f))


ALERT_METRICS = ("on_time_rate", "composite_score", "response_rate", "resolution_rate", "satisfaction_rate",
                 "overdue", "repeat_rate", "fulltime_coverage", "orgs_per_10k", "assessment_avg", "assessment_failed")


def alerts(children_frame: pd.DataFrame, keys: tuple[str, ...] = ALERT_METRICS) -> pd.DataFrame:
    """Child areas whose values breach a registry threshold, worst areas first (most alerts, then name).
    Plain Python over a handful of rows: pandas operations on frames this small cost ~20 ms here."""
    codes, names = children_frame["area_code"].tolist(), children_frame["area_name"].tolist()
    rows = []
    for key in keys:
        m = metric(key)
        threshold = m.alert_threshold()
        if m.col not in children_frame.columns or threshold is None or m.direction not in ("up", "down"):
            continue
        line, word = m.format(threshold), ("低于" if m.direction == "up" else "高于") + "预警线"
        for code, name, v in zip(codes, names, children_frame[m.col].tolist()):
            if pd.isna(v):  # no value never breaches, as in Metric.is_alert
                continue
            if (v < threshold) if m.direction == "up" else (v > threshold):
                rows.append((code, name, m.zh, m.format(float(v)), line, word))
    per_area = Counter(r[0] for r in rows)
    rows.sort(key=lambda r: (-per_area[r[0]], r[1]))  # stable: within an area, the metrics keep their order
    return pd.DataFrame(rows, columns=["area_code", "区域", "指标", "数值", "预警线", "说明"])
