"""可复用组件 — rankings that drill down on click, the 红黑榜, metric tables with their
denominators, and downloads that carry scope and period.

Every click that changes the area goes through ``dashboard.state.drill``.
"""

from __future__ import annotations

from typing import Callable, Sequence

import pandas as pd
import streamlit as st

from dashboard import access, charts, export, state
from dashboard.config import settings
from dashboard.data import common
from dashboard.filters import Filters
from dashboard.metrics import Metric, metric
from dashboard.text import md


def scope_path(f: Filters) -> str:
    return " › ".join(a.name if a.code else "全市" for a in common.areas().ancestors(f.scope))


# -- drill-down by clicking ---------------------------------------------------------------------------
def _drill_from_chart(key: str) -> None:
    event = st.session_state.get(key)
    points = (event or {}).get("selection", {}).get("points", []) if isinstance(event, dict) else \
        getattr(getattr(event, "selection", None), "points", [])
    if points:
        code = points[0].get("customdata")
        if isinstance(code, (list, tuple)):
            code = code[0]
        if code:
            state.drill(str(code))


def select_from_chart(chart_key: str, param: str) -> None:
    """Keep the clicked bar's customdata (e.g. a category) in a page URL parameter."""
    event = st.session_state.get(chart_key)
    points = getattr(getattr(event, "selection", None), "points", None) or \
        ((event or {}).get("selection", {}).get("points", []) if isinstance(event, dict) else [])
    if points:
        value = points[0].get("customdata")
        state.set_page_param(param, str(value[0] if isinstance(value, (list, tuple)) else value))


def ranking_chart(frame: pd.DataFrame, m: Metric, f: Filters, key: str, highlight: int = 0,
                  drill: bool = True, height: int | None = None, figure=None) -> None:
    """A horizontal bar ranking of child areas; clicking a bar moves the scope into that area.
    ``figure`` replaces the default ``charts.ranking_bar`` (its bars must carry area codes in customdata)."""
    fig = figure if figure is not None else charts.ranking_bar(frame, m, highlight=highlight, height=height)
    can_drill = drill and f.level != "community"
    st.plotly_chart(fig, key=f"{key}_{f.scope or 'city'}", width="stretch",
                    on_select=(lambda: _drill_from_chart(f"{key}_{f.scope or 'city'}")) if can_drill else "ignore",
                    selection_mode="points", config={"displayModeBar": False})
    if can_drill:
        st.caption(f"点击柱条进入该{f.child_level_zh}。")


def red_black_board(frame: pd.DataFrame, m: Metric, f: Filters, key: str, n: int | None = None) -> None:
    """红榜 (best n) and 黑榜 (worst n) side by side; each row is a link into that area."""
    n = n or settings().red_black_size
    data = charts.ranked(frame, m)
    data = data[pd.to_numeric(data[m.col], errors="coerce").notna()]
    if len(data) < 2:
        st.info(f"有数据的{f.child_level_zh}不足两个，无法排出红黑榜。")
        return
    n = min(n, len(data) // 2)
    red, black = data.head(n), data.tail(n).iloc[::-1]
    can_drill = f.level != "community"
    left, right = st.columns(2)
    for col, rows, title, icon, color in ((left, red, f"红榜 · 前 {n} 名", ":material/thumb_up:", "green"),
                                          (right, black, f"黑榜 · 后 {n} 名", ":material/thumb_down:", "red")):
        with col:
            st.markdown(f":{color}-badge[{icon} {title}]")
            for _, row in rows.iterrows():
                label = f"第 {int(row['rank'])} 名　{md(row['area_name'])}　{m.format(row[m.col])}"
                if can_drill:
                    st.button(label, key=f"{key}_{title[:2]}_{row['area_code']}", type="tertiary",
                              on_click=state.drill, args=(row["area_code"],), help=f"进入{row['area_name']}")
                else:
                    st.markdown(label)


def metric_table(frame: pd.DataFrame, metrics: Sequence[str], f: Filters, key: str, title: str,
                 extra: dict[str, str] | None = None, sort_by: str | None = None, drill: bool = True,
                 height: int | str = "auto") -> None:
    """A table of child areas with metric values *and* the denominators behind them,
    Chinese headers from the registry, sortable, downloadable; selecting a row drills in."""
    ms = [metric(k) for k in metrics]
    cols: dict[str, str] = {"area_name": f.child_level_zh}
    for m in ms:
        cols[m.col] = m.zh
        for c in (m.numerator, m.denominator):
            if c and c not in cols and c in frame.columns:
                cols[c] = DENOMINATOR_NAMES.get(c, c)
    cols.update(extra or {})
    data = frame.copy()
    if sort_by:
        data = charts.ranked(data, metric(sort_by))
        data.insert(0, "名次", data.pop("rank").astype("Int64"))
    view = data[[c for c in (["名次"] if sort_by else []) + list(cols) if c in data.columns]].rename(columns=cols)
    config = {}
    for m in ms:
        name = m.zh
        if m.fmt == "pct":
            view[name] = view[name] * 100
            config[name] = st.column_config.NumberColumn(name, format="%.1f%%", help=m.definition_text())
        else:
            fmt = {"int": "%d", "score": "%.1f", "dec1": "%.1f", "dec2": "%.2f"}[m.fmt]
            config[name] = st.column_config.NumberColumn(f"{name}（{m.unit}）", format=fmt, help=m.definition_text())
    can_drill = drill and f.level != "community"
    table_key = f"{key}_{f.scope or 'city'}"

    def on_select() -> None:
        rows = st.session_state[table_key].selection.rows
        if rows:
            state.drill(str(data.iloc[rows[0]]["area_code"]))

    st.dataframe(view, hide_index=True, column_config=config, key=table_key, height=height,
                 on_select=on_select if can_drill else "ignore", selection_mode="single-row")
    download_buttons(export_frame(view, ms), title, f, key=f"{key}_dl")


DENOMINATOR_NAMES = {
    "created": "受理量", "closed": "办结量", "closed_on_time": "按期办结数", "visited": "有效回访数",
    "contacted": "已联系数", "resolved": "已解决数", "satisfied": "满意数", "population": "常住人口",
    "repeat_count": "重复诉求数", "returned_count": "退单工单数", "extended_count": "延期工单数",
    "proactive_count": "主动发现数", "grids_with_fulltime": "有专职网格员的网格数", "grid_count": "网格数",
    "orgs_active": "社会组织数", "orgs_high_rating": "3A 以上组织数", "assessed": "参评社区/村数",
}


def export_frame(view: pd.DataFrame, ms: Sequence[Metric]) -> pd.DataFrame:
    """Percentages as numbers with the unit in the header, for spreadsheets."""
    out = view.copy()
    for m in ms:
        if m.fmt == "pct" and m.zh in out.columns:
            out = out.rename(columns={m.zh: f"{m.zh}（%）"})
            out[f"{m.zh}（%）"] = out[f"{m.zh}（%）"].round(2)
    return out


def first_rows_note(frame: pd.DataFrame, total: int, unit: str) -> None:
    """Under a long list cut to its first rows: how many there are in all, and that the download has them."""
    if len(frame) < total:
        st.caption(f"共 {total:,} {unit}，下面列出前 {len(frame):,} {unit}，完整名单请下载。")


def download_buttons(frame: pd.DataFrame | Callable[[], pd.DataFrame], title: str, f: Filters, key: str) -> None:
    """Excel and CSV downloads with the title, scope, period and export time on top.
    ``frame`` may be a function: then the (possibly large) table is only built on click."""
    name = export.file_stem(title, f, common.areas().name(f.scope) if f.scope else "全市")
    context = export.context_lines(f, scope_path(f)) + [access.export_signature()]
    get = frame if callable(frame) else (lambda: frame)

    def make(fmt: str) -> bytes:  # built on click; who downloaded what goes to the audit log
        table = get()
        to = export.to_xlsx if fmt == "xlsx" else export.to_csv
        return access.audited_export(title, fmt, f, lambda: to(table, title, context), rows=len(table))

    with st.container(horizontal=True, gap="small"):
        st.download_button("下载 Excel", data=lambda: make("xlsx"), file_name=f"{name}.xlsx",
                           mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                           key=f"{key}_xlsx", icon=":material/download:", on_click="ignore")
        st.download_button("下载 CSV", data=lambda: make("csv"), file_name=f"{name}.csv",
                           mime="text/csv", key=f"{key}_csv", icon=":material/download:", on_click="ignore")


