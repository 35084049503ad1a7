"""数据管理 page's data and actions: the refresh preview kept in the session, the versions as
a table, rollback, and the holiday notice — each with a Chinese result for the page."""

from __future__ import annotations

from datetime import date, datetime

import pandas as pd
import streamlit as st

from dashboard.core.config import settings
from dashboard.core.metrics import format_number
from dashboard.store import appdb, build, db, holidays, refresh

_PREVIEW = "_refresh_preview"
TARGETS = refresh.target_columns()
NOTICE_COLUMNS = {
    "date": st.column_config.DateColumn("日期", format="YYYY-MM-DD", required=True),
    "is_workday": st.column_config.CheckboxColumn("调休上班", help="勾选 = 这天上班（调休）；不勾选 = 放假"),
    "name": st.column_config.TextColumn("说明", help="如 春节、国庆节、调休上班"),
}


def target_label(column: str) -> str:
    return "不使用" if not column else f"{TARGETS[column]}（{column}）"


def ticket_count(database) -> int:
    import json

    return int(json.loads(database.meta.get("row_counts", "{}")).get("tickets", 0))


def saved_sources() -> list[str]:
    with appdb.connect() as con:
        return [r[0] for r in con.execute("SELECT source FROM export_mappings ORDER BY source").fetchall()]


def save_mapping(name: str, mapping: dict[str, str], username: str) -> None:
    known = refresh.saved_mapping(name)
    known.update({h: c for h, c in mapping.items() if c})
    refresh.save_mapping(name, known, username)
    appdb.audit("admin", username, what="保存列名对应方案", source=name)


# -- the preview of this session --------------------------------------------------------------------------------
def start_preview(uploads: list[tuple[str, bytes]], source: str, as_of: datetime | None) -> None:
    drop_preview()
    try:
        pv = refresh.preview(settings().database, uploads, refresh.saved_mapping(source) if source else None, as_of)
    except refresh.RefreshError as e:
        st.error(str(e))
        return
    st.session_state[_PREVIEW] = pv


def current_preview() -> refresh.Preview | None:
    return st.session_state.get(_PREVIEW)


def drop_preview() -> None:
    pv = st.session_state.pop(_PREVIEW, None)
    if pv is not None:
        pv.close()


def preview_line(pv: refresh.Preview) -> str:
    parts = [f"文件：{'、'.join(pv.files)}"]
    if pv.tickets is not None:
        parts.append(f"工单新增 **{format_number(pv.new)}** 件、更新 **{format_number(pv.updated)}** 件、"
                     f"未变 {format_number(pv.unchanged)} 件")
    for table, n in pv.replaced_tables.items():
        parts.append(f"替换 {table}（{format_number(n)} 行）")
    if pv.as_of:
        parts.append(f"应用后数据截至 {pv.as_of:%Y-%m-%d %H:%M}")
    return " · ".join(parts)


def problem_table(pv: refresh.Preview) -> pd.DataFrame:
    return pd.DataFrame([{"文件": p.file, "行号": p.row, "问题": p.message, "修改方法": p.fix} for p in pv.problems[:2000]],
                        columns=["文件", "行号", "问题", "修改方法"])


def error_report(pv: refresh.Preview) -> bytes:
    return refresh.error_report(pv)


def apply_preview(username: str) -> tuple[bool, str]:
    pv = current_preview()
    if pv is None:
        return False, "没有待应用的预览，请重新上传"
    try:
        report = refresh.apply(settings().database, pv, username)
    except (refresh.RefreshError, build.DataValidationError, build.OutputError) as e:
        return False, f"未应用，数据没有改动：{e}"
    drop_preview()
    return True, (f"已应用：新版本 {report.file.name}（用时 {report.seconds:.1f} 秒），数据截至 "
                  f"{report.meta['as_of'][:16]}。各页面在下一次刷新时显示新数据。")


def rebuild(username: str) -> tuple[bool, str]:
    pv = refresh.rebuild_preview(settings().database)
    try:
        report = refresh.apply(settings().database, pv, username)
    except (refresh.RefreshError, build.DataValidationError, build.OutputError) as e:
        return False, f"重建失败，数据没有改动：{e}"
    finally:
        pv.close()
    return True, f"已重建：新版本 {report.file.name}（用时 {report.seconds:.1f} 秒）。"


# -- versions -----------------------------------------------------------------------------------------------------
def keep_versions() -> int:
    return settings().refresh.keep_versions


def versions() -> list[refresh.Version]:
    return refresh.versions(settings().database)


def version_label(name: str) -> str:
    v = next(x for x in versions() if x.path.name == name)
    return f"{v.built_at[:16]} · 数据截至 {v.as_of} · {v.by}"


def versions_table() -> pd.DataFrame:
    rows = []
    for v in versions():
        s = v.summary
        what = "、".join(x for x in (
            f"新增 {format_number(s['new'])}" if s.get("new") else "",
            f"更新 {format_number(s['updated'])}" if s.get("updated") else "",
            "、".join(f"替换 {t}" for t in s.get("replaced", {})),
            "重建" if s and not s.get("files") else "") if x)
        rows.append({"当前": "✔" if v.current else "", "构建时间": v.built_at[:16], "数据截至": v.as_of,
                     "工单数": format_number(v.tickets), "操作人": v.by, "内容": what, "文件": v.path.name})
    return pd.DataFrame(rows, columns=["当前", "构建时间", "数据截至", "工单数", "操作人", "内容", "文件"])


def rollback(name: str, username: str) -> tuple[bool, str]:
    try:
        refresh.rollback(settings().database, name, username)
    except refresh.RefreshError as e:
        return False, str(e)
    return True, f"已回退到 {name}。各页面在下一次刷新时显示该版本的数据。"


# -- the holiday notice -------------------------------------------------------------------------------------------
def notice_year_default() -> int:
    years = db.database().meta.get("calendar_provisional_years", "")
    return int(years.split(",")[0]) if years else date.today().year + 1


def notice_draft(year: int) -> pd.DataFrame:
    """The rows already entered for ``year``, or else the provisional days off as a draft."""
    from dashboard.store.workdays import read_override

    entered = {d: v for d, v in read_override(settings().calendar_override).items() if d.year == year}
    if entered:
        rows = [(d, w, n) for d, (w, n) in sorted(entered.items())]
    else:
        rows = [(h.day, False, h.name + ("（补假）" if h.kind == "makeup" else "")) for h in holidays.provisional_holidays(year)]
    return pd.DataFrame(rows, columns=["date", "is_workday", "name"])


def save_notice(year: int, frame: pd.DataFrame, username: str) -> tuple[bool, str]:
    rows = []
    for _, r in frame.iterrows():
        if pd.isna(r["date"]):
            continue
        day = r["date"] if isinstance(r["date"], date) else pd.Timestamp(r["date"]).date()
        rows.append((day, bool(r["is_workday"]) if not pd.isna(r["is_workday"]) else False,
                     "" if pd.isna(r["name"]) else str(r["name"])[:40]))
    if not rows:
        return False, "没有可保存的日期"
    try:
        n = holidays.enter_notice(settings().calendar_override, year, rows)
    except ValueError as e:
        return False, str(e)
    appdb.audit("admin", username, what="录入放假通知", year=year, rows=n)
    return True, (f"已保存 {year} 年放假安排 {n} 天（放假 {sum(not w for _, w, _ in rows)} 天、调休上班 "
                  f"{sum(w for _, w, _ in rows)} 天）。请到“刷新数据”页点“重建当前数据”，时限按新日历重新计算。")
