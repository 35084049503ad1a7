"""总览 data: the KPI row for the current scope and period, each value with its
comparison (the previous period, or the previous assessment round)."""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass
from datetime import datetime, time, timedelta

import pandas as pd

from dashboard.core.config import settings
from dashboard.core.filters import COMPARISONS, earlier_periods, Filters
from dashboard.core import ranking
from dashboard.core.metrics import Kpi, Metric, metric, round_half_up
from dashboard.data import common
from dashboard.store import db

OVERVIEW_KPIS = ("created", "backlog", "overdue", "on_time_rate", "composite_score",
                 "grid_count", "fulltime_coverage", "orgs_per_10k", "assessment_avg", "assessment_failed")


def _nan(v) -> bool:
    return v is None or (isinstance(v, float) and math.isnan(v)) or v is pd.NA


def _sources(f: Filters, needed: set[str], durations: bool = False) -> dict[str, tuple]:
    """For each query the KPIs need: (row now, row in the comparison, comparison label).
    All of them run at once (``db.in_parallel``). Ticket and organisation rows come with the child
    areas' (``common.ticket_rows``/``org_rows``: one query for the KPI row and the page's rankings)."""
    label = COMPARISONS[f.compare] if f.comparison else ""
    asks: dict[tuple[str, str], str] = {}
    if "grid_metrics" in needed:  # the current staffing: no history to compare with
        asks["grid_metrics", "now"] = "grid_metrics"
    rnd, prev = common.round_for(f) if "assessment_summary" in needed else (None, None)
    with_rows = {"ticket_metrics": lambda: common.ticket_rows(f, durations), "org_metrics": lambda: common.org_rows(f),
                 "assessment_summary": lambda: common.summary_rows(f, rnd["round_id"], _round_id(prev))}
    with_rows = {source: call for source, call in with_rows.items()
                 if source in needed and (source != "assessment_summary" or rnd is not None)}
    results = db.in_parallel([lambda q=q: common.first_row(common.ask(q, f)) for q in asks.values()]
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
    """The KPI cards' values (kept per build, settings and filters: ``db.remember``; a new list each time)."""
    return list(db.remember("overview.kpi_row", f.scope, (f, tuple(keys)), lambda: _kpi_row(f, tuple(keys))))


def _kpi_row(f: Filters, keys: tuple[str, ...]) -> tuple[Kpi, ...]:
    metrics = [metric(k) for k in keys]
    sources = _sources(f, {m.query for m in metrics}, any(k in common.DURATION_METRICS for k in keys))
    out = []
    for m in metrics:
        now, before, label = sources[m.query]
        # Tickets exist only from the data's start: a comparison before it has nothing (or part) to compare.
        has_data = m.query != "ticket_metrics" or not label or common.comparison_has_data(f)
        out.append(Kpi(m, common.cell(now, m.col), common.cell(before, m.col), label, common.denominator_note(m, now),
                       compare_has_data=has_data))
    return tuple(out)


def _kept(frame: pd.DataFrame | None) -> pd.DataFrame | None:
    """A kept frame handed out: a shallow copy (copy-on-write), so a caller that adds a column changes only its own."""
    return None if frame is None else frame.copy(deep=False)


def children(f: Filters) -> pd.DataFrame:
    """``_children``, kept per build, settings and filters (``db.remember``): the 总览 page, its key points, alert
    list, the 通报 and the brief all start from it, and re-merging it cost each 总览 run a sixth of its time."""
    return _kept(db.remember("overview.children", f.scope, f, lambda: _children(f)))


def _children(f: Filters) -> pd.DataFrame:
    """Every child area of the scope with its ticket, grid, organisation and assessment metrics.
    Grids have no organisation or assessment figures (both are recorded down to the community): at
    community scope those columns are left out rather than shown as 0 (and raising alerts)."""
    rnd, prev = common.round_for(f)
    grid_children = f.child_level == "grid"
    calls = [lambda: common.ticket_rows(f), lambda: common.ask("grid_metrics", f, "children")]
    if not grid_children:
        calls.append(lambda: common.org_rows(f))
    if rnd is not None and not grid_children:  # the same query as the KPI row's (which compares with the previous round)
        calls.append(lambda: common.summary_rows(f, rnd["round_id"], _round_id(prev)).children)
    tickets, grids, *rest = db.in_parallel(calls)
    frame = tickets.children
    keep = lambda df, drop: df.drop(columns=[c for c in drop if c in df.columns])  # noqa: E731
    frame = frame.merge(keep(grids, ["area_name", "level"]), on="area_code", how="left")
    if grid_children:
        return frame
    orgs, *assess = rest
    frame = frame.merge(keep(orgs.children, ["area_name", "level", "population"]), on="area_code", how="left")
    if assess:
        frame = frame.merge(keep(assess[0], ["area_name", "level"]), on="area_code", how="left")
    return frame


def previous_children(f: Filters) -> pd.DataFrame | None:
    """The child areas' ticket metrics in the comparison period (for the boards' rank change), or None
    when there is no comparison or it has no data."""
    return _kept(db.remember("overview.previous_children", f.scope, f, lambda: _previous_children(f)))


def _previous_children(f: Filters) -> pd.DataFrame | None:
    if not f.comparison or not common.comparison_has_data(f):
        return None
    return common.ask("ticket_metrics", f, "children", in_comparison=True)


def ticket_history(f: Filters) -> list[pd.DataFrame | None]:
    """``_ticket_history``, kept per build, settings and filters (``db.remember``)."""
    return [_kept(x) for x in db.remember("overview.ticket_history", f.scope, f, lambda: tuple(_ticket_history(f)))]


def _ticket_history(f: Filters) -> list[pd.DataFrame | None]:
    """The child areas' ticket metrics in each earlier period of the same kind (``filters.earlier_periods``:
    the months before 本月, …; ``[ranking] streak_periods`` of them), the nearest first, for “连续 N 期上黑榜”
    (dashboard.core.ranking.boards ``history``). One query for all of them (queries/ticket_history.sql). A period
    starting before the data is None (no board then: a streak stops there); a custom period has none ([])."""
    periods = earlier_periods(f.preset, f.period, settings().streak_periods)
    usable = list(itertools.takewhile(lambda p: p.start >= db.data_start(), periods))
    missing: list[pd.DataFrame | None] = [None] if len(usable) < len(periods) else []
    if not usable:
        return missing
    frame = common.ask("ticket_history", f, "children",
                       history_starts=[datetime.combine(p.start, time.min) for p in usable],
                       history_ends=[datetime.combine(p.end + timedelta(days=1), time.min) for p in usable])
    index = frame["period_index"].to_numpy()
    return [frame[index == i].drop(columns="period_index").reset_index(drop=True)
            for i in range(1, len(usable) + 1)] + missing


def boards_of(f: Filters, m: Metric) -> ranking.Boards:
    """总览's 红黑榜 on ``m`` (with the rank change and “连续 N 期上黑榜”), chosen once per build, settings and
    filters (``db.remember``): choosing them ranks the child areas for this period, the comparison and each earlier
    period. Not to be changed by the caller."""
    return db.remember("overview.boards", f.scope, (f, m.key), lambda: ranking.boards(
        children(f), m, f.child_level_zh, previous=previous_children(f), history=ticket_history(f)))


def trend_bucket(f: Filters) -> str:
    days = f.period.days
    return "day" if days <= 62 else "week" if days <= 200 else "month"


def trend(f: Filters) -> pd.DataFrame:
    return common.ask("ticket_trend", f, bucket=trend_bucket(f))


ALERT_METRICS = ("on_time_rate", "composite_score", "response_rate", "resolution_rate", "satisfaction_rate",
                 "overdue", "repeat_rate", "fulltime_coverage", "orgs_per_10k", "assessment_avg", "assessment_failed")
ALERT_COLUMNS = ["area_code", "区域", "指标", "数值", "预警线", "偏离", "依据", "severity"]


@dataclass(frozen=True)
class Alerts:
    """Child areas past a registry alert line: the worst ``shown`` rows grouped by area (the area with the
    worst breach first, within an area the worst breach first), and every breach for the download."""
    shown: pd.DataFrame
    all: pd.DataFrame
    export: pd.DataFrame | None = None  # every breach with numbers, not text ("数值（%）" 85.5), for Excel/CSV

    @property
    def total(self) -> int:
        return len(self.all)

    @property
    def areas(self) -> int:
        return self.all["area_code"].nunique()


def alerts(children_frame: pd.DataFrame, keys: tuple[str, ...] = ALERT_METRICS, limit: int | None = None) -> Alerts:
    """Every breach of an alert line among the child areas (``Metric.is_alert``; a rate below its minimum
    sample is not judged), its severity (``Metric.severity``: how far past the line, as a share of it), and
    the ``limit`` worst (``[ranking] alert_limit``; 0 = all) grouped by area. Plain Python over a handful of
    rows: pandas operations on frames this small cost ~20 ms here."""
    limit = settings().alert_limit if limit is None else limit
    rows, numbers = [], []
    records = children_frame.to_dict("records")
    for key in keys:
        m = metric(key)
        threshold = m.alert_threshold()
        if m.col not in children_frame.columns or threshold is None or m.direction not in ("up", "down"):
            continue
        for r in records:
            v = r.get(m.col)
            if not m.is_alert(v) or (m.denominator in r and not m.sample_ok(r[m.denominator])):
                continue
            rows.append((r["area_code"], r["area_name"], m.zh, m.format(v), f"{m.alert_word()} {m.format(threshold)}",
                         m.format_delta(float(v) - threshold), m.count_note(pd.Series(r)), m.severity(v, r)))
            numbers.append(_export_row(m, v, threshold))
    every = pd.DataFrame(rows, columns=ALERT_COLUMNS)
    exported = pd.concat([every, pd.DataFrame(numbers, columns=["_v", "_t", "_d", "单位"])], axis=1)
    exported = _grouped(exported)
    exported = pd.DataFrame({"区域": exported["区域"], "指标": exported["指标"], "数值": exported["_v"],
                             "单位": exported["单位"], "预警线": exported["_t"], "偏离": exported["_d"],
                             "依据": exported["依据"]})
    return Alerts(_grouped(every.sort_values("severity", ascending=False, kind="stable").head(limit or None)),
                  _grouped(every), exported)


def alerts_of(f: Filters) -> Alerts:
    """``alerts`` of the child areas of ``f``, computed once per build, settings and filters (``db.remember``):
    the 总览 page and the 通报 ask for the same list. Not to be changed by the caller."""
    return db.remember("alerts", f.scope, f, lambda: alerts(children(f)))


def _export_row(m, value, threshold) -> tuple:
    """A breach as numbers for a spreadsheet, rounded as shown: value, line and distance in the metric's
    display unit (rates in percent, the distance in percentage points)."""
    v, t = m.table_value(value), m.table_value(threshold)
    d = round_half_up(float(value) - threshold, m.decimals, m.scale)
    return v, t, None if d is None else float(d), ("%（偏离为百分点）" if m.fmt == "pct" else m.unit)


def _grouped(frame: pd.DataFrame) -> pd.DataFrame:
    """Rows grouped by area: areas by their worst breach, within an area the worst breach first."""
    if frame.empty:
        return frame.reset_index(drop=True)
    worst = frame.groupby("area_code")["severity"].transform("max")
    return (frame.assign(_w=worst).sort_values(["_w", "area_code", "severity"], ascending=[False, True, False],
                                               kind="stable").drop(columns="_w").reset_index(drop=True))


def page_calls(f: Filters) -> list:
    """What the 总览 page asks, as calls to run at once (``db.in_parallel``): KPI row, child areas, trend,
    the comparison period's ranks and the earlier periods' boards. The warm-up asks the same."""
    return [lambda: kpi_row(f), lambda: children(f), lambda: trend(f), lambda: previous_children(f),
            lambda: ticket_history(f)]
