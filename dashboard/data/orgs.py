"""社会组织 data (docs/domain.md「社会组织」): the KPI row, the mix of active organisations by type, field
and rating, density by child area, community social organisations against their targets,
registrations and deregistrations over time, and the searchable list.

Stock figures (how many exist, how many are rated) are counted on the last day of the
period (期末); flows (registrations, deregistrations) over time windows.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pandas as pd

from dashboard.core.config import settings
from dashboard.core.filters import COMPARISONS, earlier_periods, Filters
from dashboard.core.metrics import Kpi, metric
from dashboard.core.schema import ORG_RATINGS, ORG_TYPES
from dashboard.data import common
from dashboard.store import db

ORG_KPIS = ("orgs_active", "orgs_registered", "orgs_per_10k", "orgs_high_rating_share", "community_orgs", "community_org_target_rate")
UNRATED = "未评估"
RATING_CHOICES = (*ORG_RATINGS, UNRATED)
FLOW_MONTHS = 24  # the registrations chart shows this many months up to the end of the period


def at_date(f: Filters) -> date:
    """The day stock figures are counted on: the period's last day (not after 数据截至)."""
    return common.period_last_day(f)


def coverage_rows(f: Filters) -> common.ScopeRows:
    """Community-organisation coverage for the KPI row (with the comparison) and the child areas: one query."""
    return common.scope_rows(common.ask("community_org_coverage", f, "children", compare=True, with_scope=True), f)


# -- KPI row ----------------------------------------------------------------------------------------------
def _scope_row(rows: list[pd.Series | None]) -> pd.Series:
    parts = [r for r in rows if r is not None]
    return pd.concat(parts)[lambda s: ~s.index.duplicated()] if parts else pd.Series(dtype=object)


def kpis(f: Filters, keys: tuple[str, ...] = ORG_KPIS) -> list[Kpi]:
    """Stock at the end of the period, compared with the end of the comparison period."""
    org_rows, cover = db.in_parallel([lambda: common.org_rows(f), lambda: coverage_rows(f)])
    now = _scope_row([org_rows.now, cover.now])
    before = _scope_row([org_rows.before, cover.before]) if f.comparison else None
    label = COMPARISONS[f.compare] if f.comparison else ""
    out = []
    for key in keys:
        m = metric(key)
        out.append(Kpi(m, common.cell(now, m.col), common.cell(before, m.col), label, common.denominator_note(m, now)))
    return out


# -- the mix of active organisations ---------------------------------------------------------------------------
@dataclass(frozen=True)
class OrgMix:
    """Active organisations at the end of the period, by 组织类型, 评估等级 and 业务领域."""
    types: pd.DataFrame  # category, orgs
    ratings: pd.DataFrame  # category, orgs, expired, high
    fields: pd.DataFrame  # category, orgs (largest first)
    total: int
    expired: int  # ratings past their validity, counted as 未评估


def mix(f: Filters) -> OrgMix:
    frame = common.ask("org_breakdown", f)
    part = lambda d: frame[frame["dimension"] == d].reset_index(drop=True)  # noqa: E731
    types, ratings = part("legal_type"), part("rating")
    return OrgMix(types=types, ratings=ratings, fields=part("field"), total=int(types["orgs"].sum()),
                  expired=int(ratings["expired"].sum()))


# -- child areas ------------------------------------------------------------------------------------------------
def children(f: Filters) -> pd.DataFrame:
    """Every child area with its organisation metrics and community-organisation coverage."""
    org_rows, cover = db.in_parallel([lambda: common.org_rows(f), lambda: coverage_rows(f)])
    return org_rows.children.merge(cover.children.drop(columns=["area_name", "level"]), on="area_code", how="left")


def _children_on(f: Filters, day: date) -> pd.DataFrame:
    """The child areas' organisation metrics (queries/org_metrics.sql) on another day."""
    return common.ask("org_metrics", f, "children", at_date=day)


def previous_children(f: Filters) -> pd.DataFrame | None:
    """The child areas' organisation metrics on the comparison period's last day (for the boards' rank
    change), or None without a comparison."""
    return _children_on(f, common.period_last_day(f, f.comparison)) if f.comparison else None


def history(f: Filters) -> list[pd.DataFrame | None]:
    """The child areas' organisation metrics on the last day of each earlier period of the same kind (the
    months before 本月, …), the nearest first, for “连续 N 期上黑榜”. The stock of organisations is known on
    any day (registration and deregistration dates), so no earlier period lacks data; each day is one small
    cached question on the organisation register, asked at once."""
    periods = earlier_periods(f.preset, f.period, settings().streak_periods)
    return db.in_parallel([lambda p=p: _children_on(f, p.end) for p in periods])


def community_targets(f: Filters) -> pd.DataFrame:
    """Every community/village in scope: its community organisations against its target."""
    return common.ask("community_org_targets", f)


def below_target_table(targets: pd.DataFrame) -> pd.DataFrame:
    """The communities below target, for the table and its download (largest gap first)."""
    below = targets[~targets["meets_target"].astype(bool)]
    return pd.DataFrame({
        "社区/村": below["community_name"], "类型": below["kind"].map({"社区": "城市社区", "村": "农村社区（村）"}),
        "所属街道/乡镇": below["street_name"], "所属区县": below["district_name"],
        "社区社会组织数": below["community_orgs"].astype(int), "目标": below["target"].astype(int),
        "还差": below["gap"].astype(int),
    }).reset_index(drop=True)


# -- registrations and deregistrations ------------------------------------------------------------------------------
@dataclass(frozen=True)
class Flows:
    series: pd.DataFrame  # bucket, registered, deregistered, net
    bucket: str  # 'month' or 'year'
    start: date
    end: date
    registered: int  # in the chosen period
    deregistered: int


def _months_back(d: date, months: int) -> date:
    m = d.year * 12 + d.month - 1 - months
    return date(m // 12, m % 12 + 1, 1)


def flows(f: Filters) -> Flows:
    """Monthly registrations/deregistrations for the 24 months up to the end of the period (longer
    if the period is longer; by year beyond three years), and the totals of the period itself."""
    end = at_date(f)
    start = min(_months_back(end, FLOW_MONTHS - 1), f.period.start.replace(day=1))
    bucket = "month" if (end.year - start.year) * 12 + end.month - start.month < 36 else "year"
    series = common.ask("org_flows", f, from_date=start, to_date=end, bucket=bucket)
    period = common.ask("org_flows", f, from_date=f.period.start, to_date=end, bucket="year")
    return Flows(series, bucket, start, end, int(period["registered"].sum()), int(period["deregistered"].sum()))


# -- the list -------------------------------------------------------------------------------------------------------
LIST_COLUMNS = {
    "name": "组织名称", "org_id": "统一社会信用代码/备案编号", "legal_type": "组织类型", "field": "业务领域",
    "registrar": "登记/备案机关", "district_name": "区县", "street_name": "街道/乡镇", "community_name": "社区/村",
    "registered_on": "登记日期", "status": "状态", "deregistered_on": "注销日期", "rating": "评估等级",
    "rated_on": "评估日期", "rating_status": "等级状态",
}


def org_list(f: Filters, name: str = "", legal_type: str = "", field: str = "", rating: str = "",
             include_deregistered: bool = False, limit: int | None = None) -> tuple[pd.DataFrame, int]:
    """Organisations in scope (active at the end of the period, optionally also deregistered ones),
    searched by name or code and filtered by type, field and effective rating; Chinese headers.
    At most ``limit`` rows (the page draws common.LIST_SHOWN; the download asks for all), and how many match."""
    frame = common.ask("org_list", f, name_contains=(name or "").strip(), legal_type=legal_type or "", field=field or "",
                       rating=rating or "", include_deregistered=bool(include_deregistered), limit=limit)
    total = int(frame["total_rows"].iloc[0]) if len(frame) else 0
    out = frame[list(LIST_COLUMNS)].rename(columns=LIST_COLUMNS)
    for col in ("街道/乡镇", "社区/村", "评估等级"):  # not filled in: blank, not “None”
        out[col] = out[col].fillna("")
    for col in ("登记日期", "注销日期", "评估日期"):  # “2025-10-15”; blank when there is none
        out[col] = pd.to_datetime(out[col]).dt.strftime("%Y-%m-%d").fillna("")
    return out, total


def field_choices(f: Filters) -> list[str]:
    """Fields of work of the organisations in scope (for the list filter), most common first."""
    return list(mix(f).fields["category"])


TYPE_CHOICES = ORG_TYPES
