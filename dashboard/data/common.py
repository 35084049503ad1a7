"""Shared helpers for page data: questions asked with parameters resolved from the filters
(``ask``), the scope/comparison/children split of metric rows, and assessment-round choice.

Everything here is cached per database file version (``Database.signature``), so a
rebuilt database is picked up on the next run.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import pandas as pd

from dashboard.core.config import settings
from dashboard.core.filters import Filters, Period
from dashboard.core.metrics import Metric
from dashboard.store import db, params


def comparison_has_data(f: Filters) -> bool:
    """Whether the comparison period lies wholly inside the data (a period starting before the data
    began would compare with a partial or empty period: the cards then say 对比期无数据)."""
    return f.comparison is not None and f.comparison.start >= db.data_start()


DURATION_METRICS = ("duration_median", "duration_p90")
LIST_SHOWN = 1_000  # rows a long list (organisations, grids, workers) draws on the page; the download has them all


def context(f: Filters, group: params.Group = "scope", compare: bool = False,
            in_comparison: bool = False) -> params.Context:
    return params.Context(f, settings(), db.workday_calendar(), group, compare, in_comparison)


def ask(name: str, f: Filters, group: params.Group = "scope", compare: bool = False, in_comparison: bool = False,
        **given) -> pd.DataFrame:
    """Run ``queries/<name>.sql`` for the filters: each ``$parameter`` resolved by its name
    (``dashboard.store.params``); ``given`` supplies what only the caller knows (a limit, a round …).
    ``group="children"`` groups by the next finer level; ``compare`` fills in the comparison period;
    ``in_comparison`` asks about the comparison period instead."""
    return db.query(name, **params.resolve(name, context(f, group, compare, in_comparison), **given))


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
    return scope_rows(ask("ticket_metrics", f, "children", compare=True, with_scope=True, with_durations=durations), f)


def org_rows(f: Filters) -> ScopeRows:
    """One query for a page's organisation KPIs (with the comparison) and its child-area rankings."""
    return scope_rows(ask("org_metrics", f, "children", compare=True, with_scope=True), f)


def period_last_day(f: Filters, period: Period | None = None) -> date:
    _, end_ts = f.bounds(period)
    return (end_ts - timedelta(microseconds=1)).date()


def summary_rows(f: Filters, round_id: str, compare_round_id: str | None) -> ScopeRows:
    """One query for a page's assessment KPIs (with the previous round) and its child-area rankings."""
    return scope_rows(ask("assessment_summary", f, "children", round_id=round_id, compare_round_id=compare_round_id,
                          with_scope=True), f)


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
