"""可复用组件 — rankings that drill down on click, the 红黑榜, metric tables with their
denominators, and downloads that carry scope and period.

Every click that changes the area goes through ``dashboard.ui.state.drill``.
"""

from __future__ import annotations

import contextlib
import html
from typing import Callable, Sequence

import pandas as pd
import streamlit as st

from dashboard.accounts import access
from dashboard.core import export, ranking
from dashboard.core.filters import Filters
from dashboard.core.metrics import count_label, Metric, metric, table_number
from dashboard.core.text import md
from dashboard.data import duban as duban_data, tickets as ticket_data
from dashboard.store import db
from dashboard.ui import charts, state



MISSING = "—"  # how an empty cell reads in every table (Streamlit's default is a grey "None")


def table(data, **kwargs):
    """``st.dataframe`` with the product's rule for empty cells (``MISSING``, as the cards and exports say it);
    every table of the pages goes through here."""
    return st.dataframe(data, placeholder=MISSING, **kwargs)

def scope_path(f: Filters) -> str:
    return " › ".join(a.name if a.code else "全市" for a in db.areas().ancestors(f.scope))


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


def light_table(frame: pd.DataFrame, decimals: dict[str, int]) -> pd.DataFrame:
    """A short table to show as plain HTML (``show_light_table``: no data grid to load or draw): the
    numbers of the ``decimals`` columns formatted as everywhere else (``format_number``), the first
    column as the row labels."""
    from dashboard.core.metrics import format_number

    view = frame.copy()
    for col, places in decimals.items():
        view[col] = [format_number(v, places) for v in view[col]]
    return view.set_index(view.columns[0])


LIGHT_TABLE_CSS = """<style>
.light-table { border-collapse: collapse; width: 100%; font-size: 0.875rem; color: rgb(49, 51, 63); }
.light-table th, .light-table td { border-bottom: 1px solid rgba(49, 51, 63, 0.12); padding: 0.35rem 0.5rem;
  text-align: left; vertical-align: top; overflow-wrap: anywhere; }
.light-table thead th { color: rgba(49, 51, 63, 0.7); font-weight: 600; border-bottom: 1px solid rgba(49, 51, 63, 0.3); }
.light-table tbody th { font-weight: 600; }
.light-table .num { text-align: right; white-space: nowrap; font-variant-numeric: tabular-nums; }
</style>"""


def light_table_html(view: pd.DataFrame, numeric: Sequence[str]) -> str:
    """The table as HTML: the index as the first column, the ``numeric`` columns right-aligned as
    numbers are in the data grid; every cell is text (entity-escaped, never Markdown or markup).
    ``st.table`` drew each cell through Markdown — 120 Markdown renders for 诉求工单's two ten-row tables."""
    e = html.escape
    cls = lambda c: ' class="num"' if c in numeric else ""  # noqa: E731
    head = f'<th scope="col">{e(str(view.index.name or ""))}</th>' + "".join(
        f'<th scope="col"{cls(c)}>{e(str(c))}</th>' for c in view.columns)
    rows = "".join(
        f'<tr><th scope="row">{e(str(label))}</th>'
        + "".join(f"<td{cls(c)}>{e(_cell(v))}</td>" for c, v in zip(view.columns, values)) + "</tr>"
        for label, values in zip(view.index, view.itertuples(index=False, name=None)))
    return f'{LIGHT_TABLE_CSS}<table class="light-table"><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>'


def _cell(v) -> str:
    return "" if v is None or (isinstance(v, float) and v != v) else str(v)


def show_light_table(view: pd.DataFrame, numeric: Sequence[str]) -> None:
    st.html(light_table_html(view, numeric))


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


def ranking_table(frame: pd.DataFrame, m: Metric, f: Filters, key: str, highlight: int = 0,
                  drill: bool = True, max_rows: int = 12) -> None:
    """The ranking of child areas as a light data grid (no chart library in the browser: the plotly bundle
    is 4.7 MB of script, the data grid is loaded for the page's tables anyway): 名次, name, the value as a
    bar (``ProgressColumn``) and what the row is — 红榜 / 黑榜 (the ``highlight`` = N of
    ``dashboard.core.ranking.boards``), 低于预警线, 样本不足 (not ranked, last), 无数据. Selecting a row
    moves the scope into that area (``state.drill``), as clicking a bar of ``ranking_chart`` does."""
    data, view = ranking_view(frame, m, f.child_level_zh, highlight)
    can_drill = drill and f.level != "community"
    table_key = f"{key}_{f.scope or 'city'}"

    def on_select() -> None:
        rows = st.session_state[table_key].selection.rows
        if rows:
            state.drill(str(data.iloc[rows[0]]["area_code"]))

    threshold = m.alert_threshold()
    top = max([v for v in view[m.zh].dropna()] + [m.table_value(threshold) or 0, 100.0 if m.fmt in ("pct", "score") else 0])
    config = {"名次": st.column_config.TextColumn("名次", width="small"),
              f.child_level_zh: st.column_config.TextColumn(f.child_level_zh),
              m.zh: st.column_config.ProgressColumn(m.table_header, format=m.table_format, min_value=0,
                                                    max_value=float(top or 1), help=m.definition_text()),
              "榜单": st.column_config.TextColumn("榜单", width="small")}
    styled = view.style.map(lambda t: f"color: {_BOARD_COLOURS.get(t, '#31333f')}; font-weight: 600", subset=["榜单"])
    table(styled, hide_index=True, column_config=config, key=table_key, width="stretch",
                 height=min(len(view), max_rows) * 35 + 38, row_height=35,
                 on_select=on_select if can_drill else "ignore", selection_mode="single-row")
    line = f"预警线 {m.format(threshold)}；" if threshold is not None else ""
    st.caption(f"{line}样本不足的{f.child_level_zh}不排名，列在最后。"
               + (f"选中一行进入该{f.child_level_zh}。" if can_drill else ""))
    download_buttons(view.rename(columns={m.zh: m.table_header}), f"各{f.child_level_zh}{m.zh}排名", f,
                     key=f"{key}_dl", formats={m.table_header: excel_format(m)})


def count_table(frame: pd.DataFrame, label: str, value: str, key: str, label_zh: str, f: Filters, title: str,
                unit: str = "件", selected: str | None = None, on_pick: Callable[[str], None] | None = None,
                max_rows: int = 14) -> None:
    """Counts by category, largest first, as a light data grid: the label (headed ``label_zh``), the count as a
    bar (``ProgressColumn``, thousands separators) and its share of the total (``table_number``: half-up to
    0.1 %). The ``selected`` row is shaded; with ``on_pick``, selecting a row calls it with that row's label.
    Downloads (Excel, CSV) as ``title``, with the scope and period of ``f``."""
    data = frame.sort_values([value, label], ascending=[False, True], kind="stable").reset_index(drop=True)
    total = float(data[value].sum()) or 1.0
    view = pd.DataFrame({label: data[label].astype(str), "count": data[value].astype("int64"),
                         "share": [table_number(v / total, 1, scale=100) for v in data[value]]})
    shade = lambda row: ["background-color: #dbeafe" if row[label] == selected else ""] * len(row)  # noqa: E731
    count_header = f"工单数（{unit}）"
    config = {label: st.column_config.TextColumn(label_zh),
              "count": st.column_config.ProgressColumn(count_header, format="%,d", min_value=0,
                                                       max_value=float(data[value].max() or 1)),
              "share": st.column_config.NumberColumn("占比（%）", format="%.1f", width="small")}

    def picked() -> None:
        rows = st.session_state[key].selection.rows
        if rows and on_pick is not None:
            on_pick(str(data.iloc[rows[0]][label]))

    table(view.style.apply(shade, axis=1), hide_index=True, column_config=config, key=key, width="stretch",
          height=min(len(view), max_rows) * 35 + 38, row_height=35,
          on_select=picked if on_pick is not None else "ignore", selection_mode="single-row")
    download_buttons(view.rename(columns={label: label_zh, "count": count_header, "share": "占比（%）"}), title, f,
                     key=f"{key}_dl", formats={count_header: "#,##0", "占比（%）": "0.0%"})


UNRANKED = "不排名"
_BOARD_COLOURS = {"红榜": charts.GOOD, "黑榜": charts.BAD, "低于预警线": "#b45309", "高于预警线": "#b45309",
                  UNRANKED: charts.MUTED}


def ranking_view(frame: pd.DataFrame, m: Metric, unit_zh: str, highlight: int = 0,
                 cfg=None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Rows in ranking order (``ranking.ranked_frame``) and the table ``ranking_table`` shows: 名次 (样本不足 and
    无数据 in place of a rank, those rows last), name, the value as displayed (``Metric.table_value``, half-up) and
    榜单: 红榜 / 黑榜 (``ranking.boards`` with ``highlight`` = N), 低于预警线 (or 高于, by the metric's direction), or
    不排名. ``cfg``: the settings (default: the current ones)."""
    data = ranking.ranked_frame(frame, m, cfg)
    red = black = set()
    if highlight:
        b = ranking.boards(frame, m, n=highlight, cfg=cfg)
        red, black = b.red_codes, b.black_codes
    worse = f"{m.alert_word()}预警线"
    marks = []
    for code, v, status in zip(data["area_code"].astype(str), data[m.col], data["rank_status"]):
        if status != ranking.RANKED:
            marks.append(UNRANKED)
        elif code in red:
            marks.append("红榜")
        elif code in black:
            marks.append("黑榜")
        else:
            marks.append(worse if m.is_alert(v, cfg) else "")
    view = pd.DataFrame({"名次": data["rank_text"], unit_zh: data["area_name"],
                         m.zh: [m.table_value(v) for v in data[m.col]], "榜单": marks})
    return data.reset_index(drop=True), view


def red_black_board(frame: pd.DataFrame, m: Metric, f: Filters, key: str, n: int | None = None,
                    previous: pd.DataFrame | None = None, unit_zh: str | None = None, drill: bool = True,
                    history: list[pd.DataFrame | None] | None = None, compare_zh: str = "对比期",
                    supervise: Callable[[ranking.Standing], dict | None] | None = None,
                    boards: ranking.Boards | None = None) -> None:
    """红榜 and 黑榜 side by side (dashboard.core.ranking.boards: never the same unit, the alert-line rule,
    ties, 样本不足 left out); each row links into that area (``drill``); the rank change against ``previous``;
    “连续 N 期上黑榜” from ``history`` (the earlier periods' frames, nearest first).
    ``supervise(standing)``: the 督办 draft for a 黑榜 entry (``duban_draft``), or None where the user may not
    issue one; each such row gets a “督办” button that opens the 督办台账's issue form pre-filled.
    ``boards``: the boards already chosen from these frames (``overview.boards_of`` keeps 总览's)."""
    unit_zh = unit_zh or f.child_level_zh
    b = boards or ranking.boards(frame, m, unit_zh, n, previous=previous, history=history)
    if not b.red.rows and not b.black.rows and not b.red.note:
        st.info(f"有排名的{unit_zh}不足两个，无法排出红黑榜。")
        return
    can_drill = drill and f.level != "community"  # any area below the scope down to a community (state.drill)
    # One board above the other: side by side the lines (名次, name, value, change) are cut at 1366 px.
    for board, icon, color in ((b.red, ":material/thumb_up:", "green"), (b.black, ":material/thumb_down:", "red")):
        with st.container():
            st.markdown(f":{color}-badge[{icon} {board.title}]")
            if board.note:
                st.caption(board.note)
            for s_ in board.rows:
                label = f"{s_.rank_text}　{md(s_.name)}　{s_.value_text}" + (f"　{s_.change}" if s_.change else "") \
                    + (f"　{s_.streak_text}" if s_.streak_text else "")
                draft = supervise(s_) if supervise and board is b.black else None
                with st.container(horizontal=True, vertical_alignment="center", gap="small") if draft else \
                        contextlib.nullcontext():
                    if can_drill:
                        st.button(label, key=f"{key}_{board.title}_{s_.code}", type="tertiary",
                                  on_click=state.drill, args=(s_.code,), help=f"进入{s_.name}")
                    else:
                        st.markdown(label)
                    if draft:
                        st.button("督办", key=f"{key}_duban_{s_.code}", icon=":material/assignment_late:",
                                  on_click=start_duban, args=(draft,), help=f"对{s_.name}下发督办（预填{m.zh}等数据）")
    st.caption(b.rule + (f"；箭头为与{compare_zh}相比的名次变化" if previous is not None else "")
               + ("；连续上黑榜按此前各期同样规则的黑榜计" if any(s_.streak_text for s_ in b.black.rows) else "") + "。")
    go_to_duban(f)


# -- from a red number to a 督办 ------------------------------------------------------------------------------
DUBAN_DRAFT = "duban_draft"  # session state: what the 督办台账's issue form opens with


def start_duban(draft: dict) -> None:
    """Keep a 督办 draft (kind, addressee, handling unit, metrics or figures, where it came from) for the
    issue form of the 督办台账 and ask for that page (``go_to_duban``: a callback cannot switch pages)."""
    st.session_state[DUBAN_DRAFT] = draft
    st.session_state["_duban_go"] = True


def go_to_duban(f: Filters) -> None:
    """After a “督办” click on another page: open the 督办台账 at the same area and period."""
    if st.session_state.pop("_duban_go", False):  # the 督办台账 itself takes the flag down first
        st.switch_page("pages/duban.py", query_params=f.to_query_params())


def metric_table(frame: pd.DataFrame, metrics: Sequence[str], f: Filters, key: str, title: str,
                 extra: dict[str, str] | None = None, sort_by: str | None = None, drill: bool = True,
                 height: int | str = "auto", unit_name: str | None = None) -> None:
    """A table of child areas with metric values *and* the counts behind them, Chinese headers,
    formats and units from the registry (values rounded half-up as on the cards, thousands separators),
    sortable, downloadable; selecting a row drills in (down to the grids)."""
    data = frame.copy()
    if sort_by:
        data = ranking.ranked_frame(data, metric(sort_by))
    view, config = table_view(data, metrics, unit_name or f.child_level_zh, extra, with_rank=bool(sort_by))
    headers = {metric(k).zh: metric(k).table_header for k in metrics}  # spreadsheets: the unit in the header
    table_key = f"{key}_{f.scope or 'city'}"
    to_grid = f.level == "community"  # the children are grids: a row opens the grid's card on the map page

    def on_select() -> None:
        rows = st.session_state[table_key].selection.rows
        if rows and to_grid:
            st.session_state["_open_grid"] = str(data.iloc[rows[0]]["area_code"])
        elif rows:
            state.drill(str(data.iloc[rows[0]]["area_code"]))

    table(view, hide_index=True, column_config=config, key=table_key, height=height,
                 on_select=on_select if drill else "ignore", selection_mode="single-row")
    grid = st.session_state.pop("_open_grid", None)
    if grid:
        st.switch_page("pages/map.py", query_params={**f.to_query_params(), "grid": grid})
    formats = {metric(k).table_header: excel_format(metric(k)) for k in metrics}
    download_buttons(view.rename(columns=headers), title, f, key=f"{key}_dl", formats=formats)


def excel_format(m: Metric) -> str:
    """The Excel number format of a registry metric's ``table_value``: rates "0.0%" (the value ÷ 100),
    counts "#,##0", scores "#,##0.0" — the decimals the registry rounds to."""
    if m.fmt == "pct":
        return "0." + "0" * m.decimals + "%" if m.decimals else "0%"
    return "#,##0" + ("." + "0" * m.decimals if m.decimals else "")


def table_view(data: pd.DataFrame, metrics: Sequence[str], unit_name: str, extra: dict[str, str] | None = None,
               with_rank: bool = False) -> tuple[pd.DataFrame, dict]:
    """Registry columns of a child-area table: each value as displayed (``Metric.table_value``) under a
    header with its unit, the counts behind it, and the column formats (thousands separators)."""
    ms = [metric(k) for k in metrics]
    view: dict = {}  # the columns, made into a frame at once (inserting one at a time costs more than the values)
    config: dict = {}
    if with_rank:
        view["名次"] = data["rank_text"].tolist()
        config["名次"] = st.column_config.TextColumn("名次", width="small")
    view[unit_name] = data["area_name"].tolist()
    counts: list[str] = []
    for m in ms:
        if m.col not in data.columns:
            continue
        view[m.zh] = [m.table_value(v) for v in data[m.col]]
        config[m.zh] = st.column_config.NumberColumn(m.table_header, format=m.table_format, help=m.definition_text())
        counts += [c for c in (m.numerator, m.weighted_term, m.denominator) if c and c in data.columns]
    shown_cols = {m.col for m in ms}
    for c in dict.fromkeys(counts):
        if c in shown_cols:  # 受理量 is a metric of the table already: no second "受理数" column
            continue
        name = count_header(c)
        if name not in view:
            view[name] = pd.to_numeric(data[c], errors="coerce").round().astype("Int64").array
            config[name] = st.column_config.NumberColumn(name, format="%,d")
    for c, name in (extra or {}).items():
        if c in data.columns:
            view[name] = data[c].array
    return pd.DataFrame(view), config


def count_header(column: str) -> str:
    """A count column's table header: "办结数", "有效回访数", "常住人口"."""
    label = count_label(column)
    return label if label.endswith(("数", "量", "人口")) else f"{label}数"


def first_rows_note(frame: pd.DataFrame, total: int, unit: str) -> None:
    """Under a long list cut to its first rows: how many there are in all, and that the download has them."""
    if len(frame) < total:
        st.caption(f"共 {total:,} {unit}，下面列出前 {len(frame):,} {unit}，完整名单请下载。")


DOWNLOADS = "_downloads"  # session state: key → the function each download button calls, by format


def download_buttons(frame: pd.DataFrame | Callable[[], pd.DataFrame], title: str, f: Filters, key: str,
                     formats: dict[str, str] | None = None) -> None:
    """Excel and CSV downloads with the title, scope, period, data moment and who exported on top.
    ``frame`` may be a function: then the (possibly large) table is only built on click. ``formats``:
    Excel number formats by column header (else inferred, see ``export.number_format``).
    The function a button calls is also kept in ``st.session_state["_downloads"][key]`` (file name,
    make), so that tests produce the very bytes a click would give."""
    name = export.file_stem(title, f, db.areas().name(f.scope) if f.scope else "全市")
    context = export.context_lines(f, scope_path(f)) + [access.export_signature()]
    get = frame if callable(frame) else (lambda: frame)

    def make(fmt: str) -> bytes:  # built on click; who downloaded what goes to the audit log
        table = get()
        to = export.to_xlsx if fmt == "xlsx" else export.to_csv
        return access.audited_export(title, fmt, f, lambda: to(table, title, context, formats), rows=len(table))

    st.session_state.setdefault(DOWNLOADS, {})[key] = (name, make)

    with st.container(horizontal=True, gap="small"):
        st.download_button("下载 Excel", data=lambda: make("xlsx"), file_name=f"{name}.xlsx",
                           mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                           key=f"{key}_xlsx", icon=":material/download:", on_click="ignore")
        st.download_button("下载 CSV", data=lambda: make("csv"), file_name=f"{name}.csv",
                           mime="text/csv", key=f"{key}_csv", icon=":material/download:", on_click="ignore")




def handling_unit_ranking(f: Filters, key: str, user=None, units: ticket_data.HandlingUnits | None = None) -> None:
    """承办单位 (the tickets' 主办单位) ranked beside the areas, by the same rules (dashboard.core.ranking: the alert
    line splits the boards, ties share a rank, a unit below the minimum sample is 样本不足): a choice of metric,
    the ranked table with the counts behind each value, and the 红黑榜; only the tickets inside the scope
    count. With ``user``, each 黑榜 unit the user may supervise gets a “督办” button."""
    units = ticket_data.handling_units(f) if units is None else units  # a page that asked already passes it
    if units.empty:
        st.info("期间内本范围的工单没有注明主办单位，无法按承办单位排名。", icon=":material/info:")
        return
    by = st.radio("排名指标", ticket_data.HANDLING_UNIT_RANKED_BY, format_func=lambda k: metric(k).zh,
                  horizontal=True, key=f"{key}_by")
    m = metric(by)
    note = f"只计{'全市' if not f.scope else md(db.areas().name(f.scope))}范围内的工单（单位在范围外承办的不计入）；{md(m.formula_line())}。"
    # The table (six metrics and their counts) takes the full width; the boards sit under it.
    metric_table(units.frame, ticket_data.HANDLING_UNIT_METRICS, f, key=f"{key}_table",
                 title=f"承办单位{m.zh}排名", sort_by=by, drill=False, unit_name="承办单位", extra={"backlog": "期末积压"})
    st.caption(note)
    if units.unassigned is not None:
        st.caption(f"另有未注明主办单位的工单（办结 {int(units.unassigned['closed']):,} 件、期末积压 "
                   f"{int(units.unassigned['backlog']):,} 件），不参加承办单位排名。")
    left, _ = st.columns([3, 2])
    with left:
        supervise = (lambda s_: duban_data.unit_draft(user, units, s_.code, f, by, f"承办单位{m.zh}黑榜")) if user \
            else None
        red_black_board(units.frame, m, f, key=f"{key}_rb", unit_zh="承办单位", drill=False, supervise=supervise)
