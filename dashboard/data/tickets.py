"""诉求工单 data: the ticket KPIs, backlog aging, the 督办清单 (supervision list),
category breakdown and repeat-request hot spots for the current scope and period."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from dashboard.accounts import access
from dashboard.core.config import settings
from dashboard.core.filters import Filters
from dashboard.core.metrics import Kpi, metric
from dashboard.data import common, overview
from dashboard.data.overview import kpi_row
from dashboard.store import params

TICKET_KPIS = ("created", "closed", "backlog", "overdue", "due_soon",
               "on_time_rate", "response_rate", "resolution_rate", "satisfaction_rate", "composite_score",
               "per_1000", "repeat_rate", "return_rate", "extension_rate", "duration_median")
SUPERVISION_LIMIT = 500


def kpis(f: Filters) -> list[Kpi]:
    return kpi_row(f, TICKET_KPIS)


def children(f: Filters) -> pd.DataFrame:
    """The child areas' ticket metrics: the same query as the KPI row (which shows handling times)."""
    return common.ticket_rows(f, durations=True).children


def aging_labels() -> list[str]:
    """≤3, 4–7, 8–15, 16–30, >30 from the configured bounds."""
    bounds = settings().aging_buckets
    labels = [f"≤{bounds[0]}"]
    labels += [f"{lo + 1}–{hi}" for lo, hi in zip(bounds, bounds[1:])]
    labels.append(f">{bounds[-1]}")
    return [f"{x} 个工作日" for x in labels]


def aging(f: Filters) -> pd.DataFrame:
    """Open tickets at the period end by 一级分类 and working-day age bucket (all combinations)."""
    raw = common.ask("backlog_aging", f)
    labels = aging_labels()
    raw["账龄"] = [labels[int(b)] for b in raw["bucket"]]
    totals = raw.groupby("category_l1")["tickets"].sum().sort_values(ascending=False)
    raw["category_l1"] = pd.Categorical(raw["category_l1"], categories=list(totals.index), ordered=True)
    return raw.sort_values(["category_l1", "bucket"]).rename(columns={"category_l1": "一级分类", "tickets": "工单数"})


# Who owes the ticket first (area and 主办单位), then what it is and how late; the areas above the scope
# (the same on every row) are left out by ``supervision``.
SUPERVISION_COLUMNS = {
    "district_name": "区县", "street_name": "街道/乡镇", "community_name": "社区/村", "grid_name": "网格",
    "handling_unit": "主办单位", "督办类型": "督办类型", "overdue_workdays": "已超期（工作日）",
    "due_at": "办结时限（含延期）", "ticket_id": "工单编号", "title": "标题", "category_l1": "一级分类",
    "category_l2": "二级分类", "urgency": "紧急程度", "status": "当前状态", "created_at": "受理时间",
    "original_due_at": "原办结时限", "age_workdays": "已办理（工作日）", "extension_count": "延期次数",
    "return_count": "退单次数", "重复诉求": "重复诉求", "channel": "来源渠道",
}
_ABOVE = {"city": (), "district": ("district_name",), "street": ("district_name", "street_name"),
          "community": ("district_name", "street_name", "community_name")}


def supervision(f: Filters, limit: int = SUPERVISION_LIMIT) -> tuple[pd.DataFrame, int]:
    """Overdue and due-soon open tickets at the period end (most overdue first), and how many there are."""
    raw = common.ask("supervision_list", f, limit=limit)
    total = int(raw["total_rows"].iloc[0]) if len(raw) else 0
    raw["督办类型"] = raw["is_overdue"].map({True: "已超期", False: "即将超期"})
    # The list describes the period end; a ticket closed since then says so instead of its status.
    raw["status"] = [f"{s}" if pd.isna(c) else f"已于 {c:%m-%d} 办结" for s, c in zip(raw["status"], raw["closed_at"])]
    raw["重复诉求"] = raw["is_repeat"].map({True: "是", False: "否"})
    raw["title"] = access.hide_unless_allowed(raw["title"])  # the request's content: by role ([auth] sensitive_roles)
    cols = [c for c in SUPERVISION_COLUMNS if c not in _ABOVE[f.level]]
    return raw[cols].rename(columns=SUPERVISION_COLUMNS), total


def categories(f: Filters) -> pd.DataFrame:
    return common.ask("ticket_categories", f)


def hotspots(f: Filters, level: str, limit: int = 10) -> pd.DataFrame:
    """The ``limit`` communities (``level="community"``) or grids (``"grid"``) with the most repeat requests;
    one query answers both (asked at once, it runs once)."""
    frame = common.ask("repeat_hotspots", f, limit=limit)
    return frame[frame["level"] == level].drop(columns="level").reset_index(drop=True)


def hotspot_view(frame: pd.DataFrame, level: str) -> pd.DataFrame:
    """Chinese columns for a hot-spot table; grids also name their community."""
    names = {"area_name": "网格" if level == "grid" else "社区/村", "community_name": "社区/村",
             "street_name": "街道/乡镇", "repeats": "重复诉求", "created": "受理量", "repeat_share": "重复占比"}
    cols = ["area_name"] + (["community_name"] if level == "grid" else []) + \
        ["street_name", "repeats", "created", "repeat_share"]
    view = frame[cols].rename(columns=names)
    share = metric("repeat_rate")  # the same ratio, formatted as the registry's rate
    view["重复占比"] = [share.table_value(v) for v in view["重复占比"]]
    return view


def due_soon_deadline(f: Filters):
    return params.value("due_soon_ts", common.context(f))


# -- 承办单位 (the tickets' 主办单位): who is behind a number ---------------------------------------------------
HANDLING_UNIT_METRICS = ("overdue", "on_time_rate", "composite_score", "response_rate", "resolution_rate",
                         "satisfaction_rate")
HANDLING_UNIT_RANKED_BY = ("on_time_rate", "overdue", "composite_score", "satisfaction_rate")
NO_HANDLING_UNIT = "（未注明主办单位）"


@dataclass(frozen=True)
class HandlingUnits:
    """The handling units of the scope's tickets (queries/handling_unit_metrics.sql), one row each with
    ``area_code`` = ``area_name`` = the unit's name so that dashboard.core.ranking ranks them like areas;
    ``unassigned`` counts what the tickets without a 主办单位 hold (they are left out of the ranking)."""
    frame: pd.DataFrame
    unassigned: pd.Series | None

    @property
    def empty(self) -> bool:
        return self.frame.empty


def handling_units(f: Filters) -> HandlingUnits:
    """The handling units of the tickets inside the scope of ``f`` in its period: only tickets of the scope
    count (a street account sees the units at work in its street, with their figures there)."""
    raw = common.ask("handling_unit_metrics", f)
    named = raw["handling_unit"].fillna("").str.strip() != ""
    frame = raw[named].reset_index(drop=True)
    frame.insert(0, "area_code", frame["handling_unit"])
    frame.insert(1, "area_name", frame["handling_unit"])
    rest = raw[~named]
    return HandlingUnits(frame, rest.iloc[0] if len(rest) else None)


def handling_unit_home(units: HandlingUnits, unit: str, f: Filters) -> str:
    """The smallest district or street (inside the scope) holding all of ``unit``'s tickets there: the area
    whose accounts a 督办 to the unit is addressed to; the scope itself when they spread wider."""
    row = units.frame[units.frame["area_code"] == unit]
    if row.empty or pd.isna(row["min_code"].iloc[0]):
        return f.scope
    low, high = str(row["min_code"].iloc[0]), str(row["max_code"].iloc[0])
    for n in (9, 6):
        if n > len(f.scope) and low[:n] == high[:n]:
            return low[:n]
    return f.scope


def page_calls(f: Filters) -> list:
    """What the 诉求工单 page asks, as calls to run at once (``db.in_parallel``); the warm-up asks the same.
    The handling units come last (the page hands them to components.handling_unit_ranking further down)."""
    return [lambda: kpis(f), lambda: overview.trend(f), lambda: aging(f), lambda: supervision(f),
            lambda: children(f), lambda: categories(f), lambda: hotspots(f, "community"),
            lambda: hotspots(f, "grid"), lambda: handling_units(f)]
