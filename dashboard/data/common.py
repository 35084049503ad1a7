"""Shared loaders for page data: the area index, the working-day calendar, the
standard query parameters derived from the filters, and assessment-round choice.

Everything here is cached per database file version (``Database.signature``), so a
rebuilt database is picked up on the next run.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Literal

import pandas as pd
import streamlit as st

from dashboard import db
from dashboard.areas import AreaIndex
from dashboard.config import settings
from dashboard.filters import Filters, Period
from dashboard.metrics import Metric
from dashboard.workdays import WorkdayCalendar


@st.cache_resource(max_entries=2, show_spinner=False)
def _areas(signature: tuple) -> AreaIndex:
    return AreaIndex(db.database().query("areas"))


def areas() -> AreaIndex:
    return _areas(db.database().signature)


@st.cache_resource(max_entries=2, show_spinner=False)
def _calendar(signature: tuple) -> WorkdayCalendar:
    return WorkdayCalendar.from_frame(db.database().query("workday_calendar"))


def workday_calendar() -> WorkdayCalendar:
    return _calendar(db.database().signature)


def as_of() -> datetime:
    """The data's cut-off moment (数据截至)."""
    return pd.Timestamp(db.database().meta["as_of"]).to_pydatetime()


def data_start() -> date:
    return pd.Timestamp(db.database().meta["data_start"]).date()


def comparison_has_data(f: Filters) -> bool:
    """Whether the comparison period lies wholly inside the data (a period starting before the data
    began would compare with a partial or empty period: the cards then say 对比期无数据)."""
    return f.comparison is not None and f.comparison.start >= data_start()


def group_len(f: Filters, group: Literal["scope", "children"]) -> int:
    return len(f.scope) if group == "scope" else f.child_len


def scope_params(f: Filters, group: Literal["scope", "children"] = "scope") -> dict:
    return {"scope": f.scope, "group_len": group_len(f, group)}


DURATION_METRICS = ("duration_median", "duration_p90")
LIST_SHOWN = 1_000  # rows a long list (organisations, grids, workers) draws on the page; the download has them all


def _due_soon_ts(end_ts: datetime) -> datetime:
    """The end of the N-th working day after the period's last day (即将超期 looks that far ahead)."""
    last_day = (end_ts - timedelta(microseconds=1)).date()
    cal = workday_calendar()
    if last_day < cal.first_day:  # a comparison before the data (and its calendar) began: no tickets
        return end_ts
    due_soon_day = cal.nth_workday_after([last_day], settings().due_soon_workdays)[0]
    return pd.Timestamp(due_soon_day).to_pydatetime() + timedelta(seconds=86399)


def ticket_params(f: Filters, group: Literal["scope", "children"] = "scope", durations: bool = False,
                  compare: bool = False, with_scope: bool = False, in_comparison: bool = False) -> dict:
    """Parameters of queries/ticket_metrics.sql (and other ticket questions) for the period;
    ``durations``: also the handling-time median and P90 (DURATION_METRICS), which cost a scan;
    ``compare``: also the scope's row in the comparison period (if the filters have one);
    ``with_scope``: with ``group="children"``, also the scope's own row;
    ``in_comparison``: the comparison period instead of the period (for the ranks then)."""
    cfg = settings()
    start_ts, end_ts = f.bounds(f.comparison) if in_comparison else f.bounds()
    before = f.comparison if compare else None
    compare_start_ts, compare_end_ts = f.bounds(before) if before else (None, None)
    w = cfg.composite_weights
    return {**scope_params(f, group), "start_ts": start_ts, "end_ts": end_ts, "due_soon_ts": _due_soon_ts(end_ts),
            "compare_start_ts": compare_start_ts, "compare_end_ts": compare_end_ts,
            "compare_due_soon_ts": _due_soon_ts(compare_end_ts) if before else None, "with_scope": with_scope,
            "k": cfg.basic_satisfied_factor, "w_response": w["response"], "w_resolution": w["resolution"],
            "w_satisfaction": w["satisfaction"], "with_durations": durations, "on_time_basis": cfg.on_time_basis}


@dataclass(frozen=True)
class ScopeRows:
    """A metric query's rows for a view: the scope now and in the comparison period, and its child areas now
    (queries that take ``with_scope`` and a comparison, e.g. ticket_metrics.sql, org_metrics.sql)."""
    now: pd.Series | None
    before: pd.Series | None
    children: pd.DataFrame


def scope_rows(frame: pd.DataFrame, f: Filters) -> ScopeRows:
    """Split by position, as the queries order their rows: this period first (the scope's row before the
    children's), then the comparison's scope row. Boolean masks on these small frames cost 5–10 ms."""
    periods = frame["period"].tolist()
    n_now = periods.count("now")
    has_scope = n_now > 0 and frame["area_code"].iat[0] == f.scope
    return ScopeRows(frame.iloc[0] if has_scope else None, frame.iloc[n_now] if len(periods) > n_now else None,
                     frame.iloc[int(has_scope):n_now].drop(columns="period").reset_index(drop=True))


def ticket_rows(f: Filters, durations: bool = False) -> ScopeRows:
    """One query for a page's ticket KPI row (with its comparison) and its child-area rankings."""
    return scope_rows(db.query("ticket_metrics", **ticket_params(f, group="children", durations=durations,
                                                                    compare=True, with_scope=True)), f)


def org_rows(f: Filters) -> ScopeRows:
    """One query for a page's organisation KPIs (with the comparison) and its child-area rankings."""
    return scope_rows(db.query("org_metrics", **org_params(f, group="children", compare=True, with_scope=True)), f)


def period_last_day(f: Filters, period: Period | None = None) -> date:
    _, end_ts = f.bounds(period)
    return (end_ts - timedelta(microseconds=1)).date()


def stock_days(f: Filters, compare: bool = False) -> dict:
    """The days stock figures (organisations, community coverage) are counted on: the period's last day
    and, with ``compare``, the comparison period's last day (None without a comparison)."""
    before = f.comparison if compare else None
    return {"at_date": period_last_day(f), "compare_at_date": period_last_day(f, before) if before else None}


def org_params(f: Filters, group: Literal["scope", "children"] = "scope", compare: bool = False,
               with_scope: bool = False) -> dict:
    """Parameters of queries/org_metrics.sql: the stock on the period's last day (``compare``: also the
    scope's on the comparison period's last day; ``with_scope``: the scope's row beside the children's)."""
    cfg = settings()
    return {**scope_params(f, group), **stock_days(f, compare), "with_scope": with_scope,
            "valid_years": cfg.rating_valid_years, "high_rating": cfg.high_rating}


def grade_params() -> dict:
    cuts = settings().grade_cutoffs
    return {"grade_names": list(cuts.keys()), "grade_mins": [float(v) for v in cuts.values()]}


def summary_params(f: Filters, round_id: str, group: Literal["scope", "children"] = "scope",
                   compare_round_id: str | None = None, with_scope: bool = False) -> dict:
    """Parameters of queries/assessment_summary.sql for one assessment round (``compare_round_id``: also
    the scope's row in that round; ``with_scope``: the scope's row beside the children's)."""
    return {**scope_params(f, group), "round_id": round_id, "compare_round_id": compare_round_id,
            "with_scope": with_scope, **grade_params()}


def summary_rows(f: Filters, round_id: str, compare_round_id: str | None) -> ScopeRows:
    """One query for a page's assessment KPIs (with the previous round) and its child-area rankings."""
    return scope_rows(db.query("assessment_summary", **summary_params(f, round_id, "children", compare_round_id,
                                                                       with_scope=True)), f)


def assessment_rounds() -> pd.DataFrame:
    return db.query("assessment_rounds")


def round_for(f: Filters) -> tuple[pd.Series | None, pd.Series | None]:
    """The latest assessment round published (or ended) by the period's end, and the one before it."""
    rounds = assessment_rounds()
    if rounds.empty:
        return None, None
    last_day = pd.Timestamp(period_last_day(f))
    known = rounds[pd.to_datetime(rounds["published_on"].fillna(rounds["period_end"])) <= last_day]
    if known.empty:
        return None, None
    current = known.iloc[-1]
    prev_id = current["previous_round_id"]
    previous = rounds[rounds["round_id"] == prev_id].iloc[0] if isinstance(prev_id, str) else None
    return current, previous


# -- one row of a result: KPI values and the denominators behind them ----------------------------------------------
def first_row(frame: pd.DataFrame) -> pd.Series | None:
    """The single row of a scope-level result (None if the query returned nothing)."""
    return frame.iloc[0] if len(frame) else None


def cell(row: pd.Series | None, column: str):
    """A plain Python value from a result row; None when the row, the column or the value is missing."""
    if row is None or column not in row.index or pd.isna(row[column]):
        return None
    v = row[column]
    return v.item() if hasattr(v, "item") else v


def denominator_note(m: Metric, row: pd.Series | None) -> str:
    """The counts behind a metric's value, e.g. "按期办结 9 / 办结 11" (shown under KPIs and in rankings);
    the labels and the numerator as the rate uses it come from the registry (``Metric.count_note``)."""
    return m.count_note(row)
