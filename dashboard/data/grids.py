"""网格地图 data: the values of the chosen metric for the children of the current scope
(from the metric's own query, never recomputed), the child polygons of the view
(simplified once per database version, level, parent and basemap, and cached), the
grid card, grid-worker supervision and the coverage check (缝隙/重叠).

Everything cached is keyed by the database file version (``Database.signature``).
"""

from __future__ import annotations

import time
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd
import shapely
import streamlit as st

from dashboard.accounts import access
from dashboard.core import geo, ranking
from dashboard.core.config import settings
from dashboard.core.filters import Filters
from dashboard.core.metrics import format_number, Metric, metric
from dashboard.core.schema import CODE_LENGTH, LEVEL_ZH
from dashboard.core.text import echo
from dashboard.data import common
from dashboard.store import db

# The metrics a leader can colour the map by, in the order of the selector.
MAP_METRICS = ("per_1000", "backlog", "overdue", "satisfaction_rate", "composite_score",
               "fulltime_coverage", "orgs_per_10k", "assessment_avg")
DEFAULT_METRIC = "composite_score"
# Social organizations and committee assessment are recorded down to the community; a grid has no value.
NOT_FOR_GRIDS = ("orgs_per_10k", "assessment_avg")
COVERAGE_LAYER_LIMIT = 500  # largest coverage problems drawn on the map (the table lists all)
# 缝隙 drawn as dark holes, 重叠 in magenta: neither colour is used by the colour classes.
COVERAGE_STYLE = {"缝隙": {"fillColor": "#111827", "color": "#111827", "fillOpacity": 0.8, "weight": 2},
                  "重叠": {"fillColor": "#c026d3", "color": "#86198f", "fillOpacity": 0.8, "weight": 2}}


# -- metric choice ----------------------------------------------------------------------------------------
def map_metrics(f: Filters) -> tuple[str, ...]:
    return tuple(k for k in MAP_METRICS if not (f.child_level == "grid" and k in NOT_FOR_GRIDS))


def choose_metric(f: Filters, requested: str | None) -> tuple[str, str | None]:
    """The metric to colour by, and a Chinese warning if the URL asked for one that cannot be shown."""
    keys = map_metrics(f)
    if not requested:
        return DEFAULT_METRIC, None
    if requested in keys:
        return requested, None
    default_name = metric(DEFAULT_METRIC).zh
    if requested in MAP_METRICS:
        return DEFAULT_METRIC, (f"网格一级没有“{metric(requested).zh}”数据（社会组织和居村考核只统计到社区/村），"
                                f"地图已改为按“{default_name}”着色。")
    return DEFAULT_METRIC, f"地址中的地图指标“{echo(requested)}”无法识别，已改为“{default_name}”。"


def map_title(f: Filters, m: Metric) -> str:
    """e.g. “甲区 各街道/乡镇 三率综合得分”."""
    scope_name = "全市" if not f.scope else db.areas().name(f.scope)
    return f"{scope_name} 各{LEVEL_ZH[f.child_level]} {m.zh}"


# -- values of the children -----------------------------------------------------------------------------------
@dataclass(frozen=True)
class ChildValues:
    metric: Metric
    frame: pd.DataFrame  # area_code, area_name, value, rank, rank_text, status, numerator, denominator
    source_note: str  # e.g. which assessment round; "" if nothing to say
    reference: float | None = None  # the city's value, for metrics classed around it (maps.class_breaks)
    round_name: str = ""  # the assessment round the values describe, if any

    @property
    def ranked_count(self) -> int:
        return int(self.frame["rank"].notna().sum())


def _source_frame(f: Filters, m: Metric) -> tuple[pd.DataFrame | None, str, str]:
    """The children's rows of the metric's query, a note for the legend, and the assessment round's name."""
    given = {"with_durations": True} if m.key in common.DURATION_METRICS else {}
    round_name = ""
    if m.query == "assessment_summary":  # the only source that needs a choice the filters don't make: the round
        rnd, _ = common.round_for(f)
        if rnd is None:
            return None, "统计期间结束前还没有公布的考核轮次。", ""
        given, round_name = {"round_id": rnd["round_id"], "compare_round_id": None}, str(rnd["name"])
    note = {"grid_metrics": "网格员配置为数据截至时的当前配置。",
            "assessment_summary": f"考核轮次：{round_name}"}.get(m.query, "")
    return common.ask(m.query, f, "children", **given), note, round_name


def _reference(f: Filters, m: Metric) -> float | None:
    """The whole city's value of a metric without fixed map breaks (千人诉求量), in the same period."""
    if m.map_breaks or m.query != "ticket_metrics":
        return None
    city = replace(f, district=None, street=None, community=None)
    row = common.first_row(common.ask("ticket_metrics", city))
    return common.cell(row, m.col)


def when(f: Filters, values: ChildValues) -> str:
    """The time the coloured values describe, for the legend (a slide must say it)."""
    q = values.metric.query
    if q == "ticket_metrics":
        return f.period.label
    if q == "org_metrics":
        return f"截至 {common.period_last_day(f):%Y-%m-%d}"
    if q == "grid_metrics":
        return f"截至 {f.as_of:%Y-%m-%d}"
    return values.round_name


def child_values(f: Filters, key: str) -> ChildValues:
    """The children's values of ``key``, ranked by dashboard.core.ranking (样本不足 and 无数据 unranked, last)."""
    m = metric(key)
    frame, note, round_name = _source_frame(f, m)
    units = db.areas().children(f.scope)
    base = pd.DataFrame({"area_code": [a.code for a in units], "area_name": [a.name for a in units]})
    if frame is None:
        out = base.assign(value=np.nan)
    else:
        keep = ["area_code", m.col] + [c for c in (m.numerator, m.weighted_term, m.denominator)
                                       if c and c in frame.columns]
        out = base.merge(frame[list(dict.fromkeys(keep))], on="area_code", how="left")
    if m.col not in out.columns:
        out[m.col] = np.nan
    out[m.col] = pd.to_numeric(out[m.col], errors="coerce").astype(float)
    out = ranking.ranked_frame(out, m).rename(columns={m.col: "value", "rank_status": "status"})
    return ChildValues(m, out, note, _reference(f, m), round_name)


def rank_text(row, total: int) -> str:
    """“第 3 / 13 名”, “并列第 3 / 13 名”, “样本不足，不参与排名”, “无数据，不参与排名”."""
    if row is None or pd.isna(row["rank"]):
        status = "无数据" if row is None else row["status"]
        return f"{status}，不参与排名"
    return f"{'并列' if row['rank_text'].startswith('并列') else ''}第 {int(row['rank'])} / {total} 名"


# -- geometry of the view ---------------------------------------------------------------------------------------
@dataclass(frozen=True)
class MapShapes:
    """The child polygons of one view, simplified, (shifted,) rounded and serialised."""

    scope: str
    level: str  # level of the polygons
    codes: tuple[str, ...]
    names: tuple[str, ...]
    geojson: str  # FeatureCollection; properties: code, name
    label_points: tuple[tuple[float, float], ...]  # (lat, lon) inside each polygon, as drawn
    bounds: tuple[float, float, float, float]
    tolerance: float
    decimals: int
    shared_borders_kept: bool
    raw_vertices: int
    vertices: int
    build_seconds: float

    @property
    def payload_bytes(self) -> int:
        return len(self.geojson.encode("utf-8"))


def _level_of_len(n: int) -> str:
    return {v: k for k, v in CODE_LENGTH.items()}[n]


@st.cache_resource(max_entries=256, show_spinner=False)
def _shapes(signature: tuple, scope: str, level_len: int, gcj02: bool) -> MapShapes:
    started = time.perf_counter()
    frame = db.database().query("area_shapes", scope=scope, level_len=level_len)
    frame = frame[frame["geom"].notna()]
    raw = geo.from_wkb(frame["geom"])
    view = geo.simplify_view(raw, gcj02=gcj02)
    codes = tuple(frame["code"].astype(str))
    names = tuple(frame["name"].astype(str))
    text = geo.feature_collection(view.geoms, [{"code": c, "name": n} for c, n in zip(codes, names)])
    points = shapely.point_on_surface(view.geoms) if len(view.geoms) else np.array([])
    labels = tuple((round(float(p.y), 6), round(float(p.x), 6)) for p in points)
    return MapShapes(scope, _level_of_len(level_len), codes, names, text, labels, view.bounds, view.tolerance,
                     view.decimals, view.shared_borders_kept, int(shapely.get_num_coordinates(raw).sum()),
                     int(shapely.get_num_coordinates(view.geoms).sum()), time.perf_counter() - started)


def child_shapes(f: Filters, gcj02: bool = False) -> MapShapes:
    return _shapes(db.database().signature, f.scope, f.child_len, gcj02)


# -- grid card --------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class GridCard:
    code: str
    name: str
    community: str
    kind: str  # 综合网格 / 专属网格（学校）
    households: int | None
    population: int | None
    area_km2: float | None
    workers: pd.DataFrame  # 姓名, 类型, 职责, 状态
    fulltime: int
    parttime: int
    leaders: tuple[str, ...]
    backlog: int | None
    overdue: int | None


def grid_param(f: Filters, value: str | None) -> tuple[str | None, str | None]:
    """The grid whose card to show (from the URL) and a warning if the code is unknown.
    A grid of another community (left over after moving the scope) is dropped quietly."""
    if not value:
        return None, None
    area = db.areas().get(value)
    if area is None or area.level != "grid":
        return None, f"地址中的网格代码“{echo(value)}”不存在，已忽略。"
    if area.parent_code != f.scope:
        return None, None
    return value, None


def grid_card(f: Filters, code: str) -> GridCard | None:
    rows = db.query("grid_card", grid_code=code)
    if rows.empty:
        return None
    first = rows.iloc[0]
    staff = rows[rows["worker_id"].notna()]
    workers = pd.DataFrame({
        "姓名": access.hide_unless_allowed(staff["worker_name"]),
        "类型": staff["employment"],
        "职责": staff["duty"],
        "状态": np.where(staff["active"].fillna(True).astype(bool), "在岗", "已离岗"),
    }).reset_index(drop=True)
    active = staff[staff["active"].fillna(True).astype(bool)]
    tickets = common.ask("ticket_metrics", f, "children")
    mine = tickets[tickets["area_code"] == code]
    kind = str(first["kind"])
    if isinstance(first["dedicated_type"], str) and first["dedicated_type"]:
        kind += f"（{first['dedicated_type']}）"
    as_int = lambda v: None if v is None or pd.isna(v) else int(v)  # noqa: E731
    return GridCard(
        code=code, name=str(first["name"]), community=str(first["community_name"]), kind=kind,
        households=as_int(first["households"]), population=as_int(first["population"]),
        area_km2=None if pd.isna(first["area_km2"]) else float(first["area_km2"]),
        workers=workers,
        fulltime=int((active["employment"] == "专职").sum()), parttime=int((active["employment"] == "兼职").sum()),
        leaders=tuple(access.hide_unless_allowed(active.loc[active["duty"] == "网格长", "worker_name"].astype(str))),
        backlog=as_int(mine["backlog"].iloc[0]) if len(mine) else None,
        overdue=as_int(mine["overdue"].iloc[0]) if len(mine) else None,
    )


# -- grid-worker supervision --------------------------------------------------------------------------------------
# One query (queries/grid_supervision.sql) gives every grid in scope with its staffing. The page draws the first
# common.LIST_SHOWN rows of a list (thousands of grids at city scope: heavy for the browser and no use to read);
# the counts cover them all and a download has the whole list.
def staffing(f: Filters) -> pd.DataFrame:
    """Every grid in scope with its staffing."""
    return common.ask("grid_supervision", f)


def grid_count(f: Filters) -> int:
    return len(staffing(f))


def _without_fulltime(f: Filters) -> pd.DataFrame:
    """The grids in scope without an active full-time worker."""
    g = staffing(f)
    return g[g["fulltime_workers"] == 0]


def no_fulltime_codes(f: Filters) -> set[str]:
    return set(_without_fulltime(f)["grid_code"].astype(str))


def grids_without_fulltime(f: Filters, shown: int | None = None) -> tuple[pd.DataFrame, int]:
    """The grids without an active full-time worker (the first ``shown`` of them), and how many there are."""
    g = _without_fulltime(f)
    rows = g if shown is None else g.head(shown)
    return pd.DataFrame({
        "网格": rows["name"], "网格编码": rows["grid_code"], "所属社区/村": rows["community_name"],
        "街道/乡镇": rows["street_name"], "类型": rows["kind"], "户数": rows["households"],
        "兼职网格员": rows["parttime_workers"], "在岗网格员": access.hide_unless_allowed(rows["workers"]).fillna("（无）"),
    }).reset_index(drop=True), len(g)


def _households(f: Filters) -> tuple[pd.DataFrame, pd.Series]:
    """The 综合网格 in scope (专属网格 are not residential) and their households."""
    g = staffing(f)
    g = g[g["kind"] == "综合网格"]
    return g, pd.to_numeric(g["households"], errors="coerce")


def household_outside(f: Filters, shown: int | None = None) -> pd.DataFrame:
    """The 综合网格 whose households fall outside the configured range (the first ``shown``), most households first."""
    return _outside_table(*_households(f), shown)


def _outside_table(g: pd.DataFrame, hh: pd.Series, shown: int | None) -> pd.DataFrame:
    low, high = settings().households_per_grid
    out = g[(hh < low) | (hh > high)].sort_values("households", ascending=False, kind="stable")
    out = out if shown is None else out.head(shown)
    return pd.DataFrame({
        "网格": out["name"], "网格编码": out["grid_code"], "所属社区/村": out["community_name"],
        "户数": out["households"],
        "情况": np.where(out["households"] < low, f"少于 {low} 户", f"多于 {high} 户"),
    }).reset_index(drop=True)


def multi_grid_workers(f: Filters, shown: int | None = None) -> tuple[pd.DataFrame, int]:
    """Active workers over two or more grids (the first ``shown`` of them), and how many there are."""
    w = common.ask("grid_workers_supervision", f, limit=shown)
    total = int(w["total_rows"].iloc[0]) if len(w) else 0
    return pd.DataFrame({
        "网格员": access.hide_unless_allowed(w["name"]), "编号": w["worker_id"], "类型": w["employment"],
        "网格长": np.where(w["is_leader"].fillna(False).astype(bool), "是", ""),
        "分管网格数": w["grid_count"], "涉及社区/村数": w["community_count"],
        "分管网格": w["grid_names"], "所属社区/村": w["community_names"],
    }).reset_index(drop=True), total


@dataclass(frozen=True)
class HouseholdNorm:
    low: int
    high: int
    households: pd.Series  # households of each 综合网格 in scope
    below: int
    within: int
    above: int
    outside: pd.DataFrame  # the first grids outside the norm, for the table (household_outside has them all)

    @property
    def total(self) -> int:
        return len(self.households)


def household_norm(f: Filters, shown: int | None = common.LIST_SHOWN) -> HouseholdNorm:
    """Households per 综合网格 against the configured reasonable range (专属网格 are not residential)."""
    low, high = settings().households_per_grid
    g, hh = _households(f)  # read once: at city scope the staffing frame has 30,600 rows
    below, above = hh < low, hh > high
    return HouseholdNorm(low, high, hh.reset_index(drop=True), int(below.sum()),
                         int((~below & ~above & hh.notna()).sum()), int(above.sum()), _outside_table(g, hh, shown))


@dataclass(frozen=True)
class Supervision:
    """网格员配备督查 as the map page shows it: each list's first rows and how many there are in all."""
    missing: pd.DataFrame
    missing_total: int
    multi: pd.DataFrame
    multi_total: int
    norm: HouseholdNorm


def supervision(f: Filters, shown: int = common.LIST_SHOWN) -> Supervision:
    """Its two queries at once; the lists and the households norm then read the cached staffing."""
    _, (multi, multi_total) = db.in_parallel([lambda: staffing(f), lambda: multi_grid_workers(f, shown)])
    missing, missing_total = grids_without_fulltime(f, shown)
    return Supervision(missing, missing_total, multi, multi_total, household_norm(f, shown))


@st.cache_resource(max_entries=64, show_spinner=False)
def _grid_outline_layer(signature: tuple, scope: str, codes: tuple[str, ...], tolerance: float, decimals: int,
                        gcj02: bool) -> str:
    frame = db.database().query("area_shapes", scope=scope, level_len=CODE_LENGTH["grid"])
    frame = frame[frame["code"].isin(codes) & frame["geom"].notna()]
    shapes = geo.prepare_shapes(geo.from_wkb(frame["geom"]), tolerance, gcj02, decimals)
    return geo.feature_collection(shapes, [{"name": n} for n in frame["name"]])


def no_fulltime_layer(f: Filters, shapes: MapShapes, gcj02: bool = False) -> str | None:
    """Outlines of the grids without a full-time worker, for street and community views
    (above that a view would carry thousands of grids; the table lists them)."""
    if f.level not in ("street", "community"):
        return None
    codes = tuple(sorted(no_fulltime_codes(f)))
    if not codes:
        return None
    return _grid_outline_layer(db.database().signature, f.scope, codes, shapes.tolerance, shapes.decimals, gcj02)


# -- coverage check -----------------------------------------------------------------------------------------------
COVERAGE_AUTO_LIMIT = 5_000  # above this many grids in scope the check runs on request (≈ 1 s per 30,000 grids)
_coverage_done: set[tuple] = set()  # (signature, scope) already checked in this process


@st.cache_resource(max_entries=32, show_spinner=False)
def _coverage(signature: tuple, scope: str) -> pd.DataFrame:
    database = db.database()
    comm = database.query("area_shapes", scope=scope, level_len=CODE_LENGTH["community"])
    grids = database.query("area_shapes", scope=scope, level_len=CODE_LENGTH["grid"])
    comm = comm[comm["geom"].notna()]
    grids = grids[grids["geom"].notna()]
    issues = geo.coverage_check(
        pd.DataFrame({"code": comm["code"].to_numpy(), "geom": geo.from_wkb(comm["geom"])}),
        pd.DataFrame({"code": grids["code"].to_numpy(), "community_code": grids["parent_code"].to_numpy(),
                      "geom": geo.from_wkb(grids["geom"])}))
    return issues


def coverage_runs_now(f: Filters) -> bool:
    """Small scopes are checked at once; a whole large city only on request (or when
    someone has already checked it since the database was built)."""
    return (grid_count(f) <= COVERAGE_AUTO_LIMIT
            or (db.database().signature, f.scope) in _coverage_done)


def coverage_issues(f: Filters) -> pd.DataFrame:
    """Gaps and overlaps of grids inside every community in scope (with geometry)."""
    key = (db.database().signature, f.scope)
    issues = _coverage(*key)
    _coverage_done.add(key)
    return issues


def coverage_table(issues: pd.DataFrame) -> pd.DataFrame:
    areas = db.areas()
    def street(code: str) -> str:
        return areas.name(code[:9])
    return pd.DataFrame({
        "问题": issues["kind"],
        "社区/村": [areas.name(c) for c in issues["community_code"]],
        "街道/乡镇": [street(c) for c in issues["community_code"]],
        "涉及网格": ["、".join(areas.name(g) for g in codes) or "（无相邻网格）" for codes in issues["grid_codes"]],
        "面积（平方米）": issues["area_m2"].round(0).astype("int64"),
        "经度": issues["lon"].round(6),
        "纬度": issues["lat"].round(6),
    })


def coverage_layer(issues: pd.DataFrame, shapes: MapShapes, gcj02: bool = False) -> str | None:
    if issues.empty:
        return None
    top = issues.nlargest(COVERAGE_LAYER_LIMIT, "area_m2")
    geoms = geo.prepare_shapes(np.asarray(top["geom"].to_numpy(), dtype=object), shapes.tolerance / 4, gcj02,
                               max(shapes.decimals, 6))
    areas = db.areas()
    props = [{"kind": k, "style": COVERAGE_STYLE[k],
              "tip": f"<b>网格{k}</b><br>{areas.name(c)}<br>面积 {fmt_area(a)}"}
             for k, c, a in zip(top["kind"], top["community_code"], top["area_m2"])]
    return geo.feature_collection(geoms, props)


def fmt_area(area_m2: float) -> str:
    """“5,300 平方米”, “1.25 平方公里” (the product's one number format)."""
    return format_number(area_m2, 0, unit="平方米") if area_m2 < 1e6 else format_number(area_m2 / 1e6, 2, unit="平方公里")


def coverage_summary(issues: pd.DataFrame) -> dict[str, tuple[int, float]]:
    """kind -> (count, total m²)."""
    out = {}
    for kind in ("缝隙", "重叠"):
        part = issues[issues["kind"] == kind]
        out[kind] = (len(part), float(part["area_m2"].sum()))
    return out


# -- the ranking beside the map ---------------------------------------------------------------------------------
@dataclass(frozen=True)
class RankingTable:
    frame: pd.DataFrame  # Chinese column names, best first
    codes: tuple[str, ...]  # area code of each row
    column_config: dict
    height: int | str
    export: pd.DataFrame  # the same rows with numbers, not display text, for Excel/CSV


def ranking_table(values: ChildValues, f: Filters) -> RankingTable:
    """The same values as the map, ranked, with the numbers behind each (denominators matter)."""

    m = values.metric
    frame = values.frame
    total = values.ranked_count
    value_col = f"{m.zh}（{m.unit}）" if m.unit and m.unit != "%" else m.zh
    shown = pd.DataFrame({
        "排名": list(frame["rank_text"]),
        LEVEL_ZH[f.child_level]: frame["area_name"],
        value_col: [m.format(v, with_unit=False) for v in frame["value"]],
        "依据": [m.count_note(row.rename({"value": m.col})) for _, row in frame.iterrows()],
    })
    if not shown["依据"].astype(bool).any():
        shown = shown.drop(columns="依据")
    config = {"排名": st.column_config.TextColumn("排名", width="small"),
              value_col: st.column_config.TextColumn(value_col, help=m.help())}
    height = "auto" if len(shown) <= 15 else 560
    export = shown.assign(**{value_col: [m.table_value(v) for v in frame["value"]]}).rename(
        columns={"排名": f"排名（共 {total} 个参与排名）"})
    if m.fmt == "pct":
        export = export.rename(columns={value_col: f"{value_col}（%）"})
    return RankingTable(shown, tuple(frame["area_code"]), config, height, export)
