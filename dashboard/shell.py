"""界面组件 — the shared frame and building blocks of every page: navigation, the
sidebar filters, the page header with breadcrumb, the 示例数据 label and KPI cards (drawn by dashboard/ui/cards.py).

Pages read like a description of the UI by calling these; widgets change the view only
through ``dashboard.ui.state``.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import date

import streamlit as st

from dashboard.accounts import access
from dashboard.core import filters as flt
from dashboard.core.metrics import Kpi
from dashboard.core.text import md
from dashboard.store import db, workdays
from dashboard.ui import cards, state


@dataclass(frozen=True)
class PageSpec:
    key: str
    title: str
    icon: str
    in_menu: bool = True


PAGES = (
    PageSpec("overview", "总览", ":material/dashboard:"),
    PageSpec("map", "网格地图", ":material/map:"),
    PageSpec("tickets", "诉求工单", ":material/support_agent:"),
    PageSpec("orgs", "社会组织", ":material/groups:"),
    PageSpec("assessment", "居村考核", ":material/fact_check:"),
    PageSpec("duban", "督办台账", ":material/assignment_late:"),
    PageSpec("present", "演示模式", ":material/slideshow:", in_menu=False),
)
ADMIN_PAGES = (PageSpec("data_admin", "数据管理", ":material/database:"),
               PageSpec("admin", "账号与审计", ":material/admin_panel_settings:"))


def page_specs(user) -> tuple[PageSpec, ...]:
    """The pages this user may open: the administrator's pages only for 管理员 (before the
    login, every page, so that a deep link survives it; the admin page checks again)."""
    if user is None:
        return PAGES + ADMIN_PAGES
    return PAGES + (ADMIN_PAGES if user.is_admin else ())


def navigation(username: str | None = None) -> st.navigation:
    # The account as the last run read it (require_user checks it again right after this);
    # the admin pages check for themselves too.
    specs = page_specs(access.current_user() if username else None)
    pages = [st.Page(f"pages/{p.key}.py", title=p.title, icon=p.icon, url_path=p.key, default=(p.key == "overview"),
                     visibility="visible" if p.in_menu else "hidden") for p in specs]
    return st.navigation(pages, position="hidden"), pages


# -- sidebar ------------------------------------------------------------------------------------------
def _on_area(level: str) -> None:
    value = st.session_state[f"w_{level}"]
    f = state.current()
    if value:
        state.go_to(value)
    else:  # "全部" at this level: go to the level above
        above = {"district": "", "street": f.district or "", "community": f.street or ""}[level]
        state.go_to(above)


def _on_period() -> None:
    preset = st.session_state["w_period"]
    f = state.current()
    if preset == "custom":
        state.set_filters(flt.with_period(f, "custom", f.period.start, f.period.end))
    else:
        state.set_filters(flt.with_period(f, preset))


def _on_dates() -> None:
    value = st.session_state["w_dates"]
    if isinstance(value, (tuple, list)) and len(value) == 2 and all(isinstance(d, date) for d in value):
        state.set_filters(flt.with_period(state.current(), "custom", value[0], value[1]))


def _on_compare() -> None:
    value = st.session_state["w_compare"] or flt.DEFAULT_COMPARE
    state.set_filters(flt.with_compare(state.current(), value))


def _within(codes: list[str], root: str) -> list[str]:
    """The codes on the way to, or inside, the user's area ``root``."""
    return [c for c in codes if c.startswith(root) or root.startswith(c)]


# The date picker as Chinese as Streamlit 1.67 allows: dates typed and shown as 2026-10-01 (as everywhere
# on the pages); the calendar's month and weekday names follow the browser's language (十月, 一 二 三 …
# on a Chinese browser). Streamlit offers no setting for the rest: its range shortcuts ("Date range",
# "Select…", "Past week" …) are English only, so they are hidden — the 统计期间 list above offers the
# same in Chinese. Its screen-reader labels ("Previous month") stay English.
DATE_FORMAT = "YYYY-MM-DD"
DATE_PICKER_CSS = "<style>[data-testid='stDateInputQuickSelect'] { display: none !important; }</style>"


def sidebar(pages: list, f: flt.Filters, user=None) -> None:
    areas = db.areas()
    st.html(DATE_PICKER_CSS)
    database = db.database()
    root = access.allowed_root() or ""
    with st.sidebar:
        st.markdown("### 基层治理督查考评看板")
        if database.is_sample:
            st.badge("示例数据", icon=":material/science:", color="orange")
            st.caption(f"{md(database.meta.get('label', '示例数据'))}：城市、人口和工单均由程序生成，不代表真实情况。")
        st.caption(f"{md(areas.city.name)} · 数据截至 {db.as_of():%Y-%m-%d %H:%M}")
        if user is not None:
            access.account_box(user)
        for page, spec in zip(pages, page_specs(user)):
            if spec.in_menu:
                st.page_link(page, label=spec.title, icon=spec.icon, query_params=f.to_query_params())
        st.divider()
        st.markdown("**区域**")
        name = lambda c: "全部" if not c else areas.name(c)  # noqa: E731
        # Only the user's own area and what lies inside it: a 区县级 account sees its district
        # fixed, a 街道级 account its street; "全部" only where the whole level is theirs.
        st.session_state["w_district"] = f.district or ""
        st.selectbox("区县", ([""] if not root else []) + _within([a.code for a in areas.children("")], root),
                     key="w_district", format_func=name, disabled=len(root) >= 6,
                     on_change=_on_area, args=("district",))
        streets = _within([a.code for a in areas.children(f.district)], root) if f.district else []
        st.session_state["w_street"] = f.street or ""
        st.selectbox("街道/乡镇", ([""] if len(root) < 9 else []) + streets, key="w_street", format_func=name,
                     disabled=not f.district or len(root) >= 9, on_change=_on_area, args=("street",))
        communities = [a.code for a in areas.children(f.street)] if f.street else []
        st.session_state["w_community"] = f.community or ""
        st.selectbox("社区/村", [""] + communities, key="w_community", format_func=name, disabled=not f.street,
                     on_change=_on_area, args=("community",))
        st.markdown("**期间**")
        st.session_state["w_period"] = f.preset
        st.selectbox("统计期间", list(flt.PRESETS), key="w_period", format_func=flt.PRESETS.get,
                     on_change=_on_period, label_visibility="collapsed")
        if f.preset == "custom":
            st.session_state["w_dates"] = (f.period.start, f.period.end)
            st.date_input("起止日期", key="w_dates", min_value=db.data_start(), max_value=f.as_of.date(),
                          on_change=_on_dates, format=DATE_FORMAT,
                          help=f"先点开始日，再点结束日；用左右箭头翻月，或直接键入年、月、日。"
                               f"可选 {db.data_start():%Y-%m-%d} 至 {f.as_of:%Y-%m-%d}。")
        st.caption(f.period.label)
        st.session_state["w_compare"] = f.compare
        st.segmented_control("对比", list(flt.COMPARISONS), key="w_compare", format_func=flt.COMPARISONS.get,
                             on_change=_on_compare, required=True)
        if f.comparison:
            st.caption(f"对比期：{f.comparison_label}")
        st.divider()
        st.markdown("**会议**")
        present = next(p for p, spec in zip(pages, PAGES) if spec.key == "present")
        st.page_link(present, label="演示模式（投影）", icon=":material/slideshow:", query_params=f.to_query_params())
        if st.button("生成会议简报（PPTX / PDF）", icon=":material/description:", key="open_brief"):
            brief_dialog(f)
        if st.button("生成通报（Word / PDF）", icon=":material/article:", key="open_bulletin"):
            bulletin_dialog(f)


def bulletin_files(f: flt.Filters) -> tuple[str, bytes, bytes | None, str]:
    """(file stem, DOCX, PDF or None, PDF error) of the 通报 of the current area and period."""
    from dashboard.core import wordfile
    from dashboard.meetings import bulletin, bulletin_doc
    from dashboard.store import appdb

    b = bulletin.build(f, access.current_user())
    docx = bulletin_doc.to_docx(b, access.export_signature())
    try:
        pdf, error = wordfile.to_pdf(docx), ""
    except wordfile.DocumentError as e:
        pdf, error = None, str(e)
    appdb.audit("export", st.session_state.get("_auth_user"), scope=f.scope or "", what="通报",
                format="docx+pdf" if pdf else "docx", bytes=len(docx) + len(pdf or b""))
    stem = f"通报_{b.scope_name}_{f.period.start:%Y%m%d}-{f.period.end:%Y%m%d}"
    return stem, docx, pdf, error


@st.dialog("生成通报", width="large")
def bulletin_dialog(f: flt.Filters) -> None:
    """The 通报 (Word to edit, PDF to read) drafted from the current area and period."""
    st.markdown(f"范围：**{md(db.areas().name(f.scope) if f.scope else '全市')}**　期间：{f.describe_period()}")
    st.caption("正文由看板数据按规则自动起草（数字均来自指标口径和红黑榜规则），“整改要求”一节留给起草人填写。")
    if st.button("生成", type="primary", key="bulletin_go"):
        with st.spinner("正在起草通报并转换 PDF…"):
            try:
                st.session_state["_bulletin_files"] = (f.to_query_params(), *bulletin_files(f))
            except Exception as e:  # a defect: the organiser still gets a clear message
                st.error(f"通报生成失败（{type(e).__name__}）。请稍后重试，或把此信息告知系统管理员。", icon=":material/error:")
                return
    files = st.session_state.get("_bulletin_files")
    if files and files[0] == f.to_query_params():  # a 通报 of another area or period is not offered
        _, stem, docx, pdf, error = files
        with st.container(horizontal=True):
            st.download_button("下载 Word（可编辑）", docx, file_name=f"{stem}.docx", icon=":material/download:",
                               on_click="ignore",
                               mime="application/vnd.openxmlformats-officedocument.wordprocessingml.document")
            if pdf:
                st.download_button("下载 PDF", pdf, file_name=f"{stem}.pdf", mime="application/pdf",
                                   icon=":material/download:", on_click="ignore")
        if error:
            st.warning(error, icon=":material/warning:")


@st.dialog("生成会议简报", width="large")
def brief_dialog(f: flt.Filters) -> None:
    """Build the meeting brief for the current area and period, with progress; a failure
    is explained in Chinese and leaves the app as it was."""
    from dashboard.meetings import brief, deck

    st.markdown(f"范围：**{md(deck.scope_path(f))}**　期间：{f.describe_period()}")
    topics = st.multiselect("主题（按所选顺序排列）", deck.available_topics(), default=deck.available_topics(),
                            format_func=deck.TOPIC_TITLES.get, key="brief_topics")
    if st.button("生成", type="primary", disabled=not topics, key="brief_go"):
        bar = st.progress(0.0, text="正在准备…")
        try:
            d = deck.build_deck(f, topics, progress=lambda p, t: bar.progress(0.3 * p, text=t),
                               user=access.current_user(), signature=access.export_signature())
            pptx, pdf = brief.render(d, progress=lambda p, t: bar.progress(p, text=t))
        except brief.BriefError as e:
            bar.empty()
            st.error(f"简报生成失败：{e}", icon=":material/error:")
            return
        except Exception as e:  # a defect, but the meeting organiser still gets a clear message
            bar.empty()
            st.error(f"简报生成失败（{type(e).__name__}）。请稍后重试，或把此信息告知系统管理员。", icon=":material/error:")
            return
        bar.progress(1.0, text="已完成")
        from dashboard.store import appdb

        appdb.audit("export", st.session_state.get("_auth_user"), scope=f.scope or "", what="会议简报",
                    format="pptx+pdf", bytes=len(pptx) + len(pdf))
        stem = f"会议简报_{deck.scope_path(f).split(' › ')[-1]}_{f.period.start:%Y%m%d}-{f.period.end:%Y%m%d}"
        st.session_state["_brief_files"] = (stem, pptx, pdf)
    files = st.session_state.get("_brief_files")
    if files:
        stem, pptx, pdf = files
        with st.container(horizontal=True):
            st.download_button("下载 PPTX", pptx, file_name=f"{stem}.pptx", icon=":material/download:", on_click="ignore",
                               mime="application/vnd.openxmlformats-officedocument.presentationml.presentation")
            st.download_button("下载 PDF", pdf, file_name=f"{stem}.pdf", mime="application/pdf",
                               icon=":material/download:", on_click="ignore")


# -- page header ----------------------------------------------------------------------------------------
def breadcrumb(f: flt.Filters) -> None:
    """全市 › 区 › 街道 › 社区: every level above the current one is a link up."""
    root = access.allowed_root() or ""
    chain = [a for a in db.areas().ancestors(f.scope) if len(a.code) >= len(root)]  # nothing above one's own area
    with st.container(horizontal=True, gap="small", vertical_alignment="center", key="breadcrumb"):
        for i, area in enumerate(chain):
            if i:
                st.markdown("›")
            if i < len(chain) - 1:
                st.button(md(area.name) if area.code else "全市", key=f"crumb_{area.code or 'city'}", type="tertiary",
                          on_click=state.go_to, args=(area.code,), help=f"返回{area.name}")
            else:
                st.markdown(f"**{md(area.name) if area.code else '全市'}**")


def page_header(title: str, deadlines: bool = True) -> flt.Filters:
    """Title, breadcrumb, period line, sample-data label and filter warnings; returns the filters.

    ``deadlines``: the page shows figures that depend on working-day time limits (超期、
    按期办结、账龄), so it carries the notice of a provisional (暂定) holiday year."""
    f = state.current()
    database = db.database()
    left, right = st.columns([4, 1], vertical_alignment="bottom")
    with left:
        st.title(title, anchor=False)
    with right:
        if database.is_sample:
            st.badge("示例数据 · 虚构城市", icon=":material/science:", color="orange", width="stretch")
    breadcrumb(f)
    st.caption(f"统计期间：{f.describe_period()} · 数据截至 {f.as_of:%Y-%m-%d %H:%M}")
    for w in state.warnings():
        st.warning(md(w), icon=":material/link_off:")
    fallback = database.meta.get("calendar_fallback_years")
    if fallback:
        st.warning(f"{fallback} 年没有法定节假日数据，工作日按“仅周末休息”计算，时限与账龄可能不准确。"
                   "请在 config/calendar_override.csv 补充该年的放假与调休安排后重新构建数据库。")
    provisional = database.meta.get("calendar_provisional_years")
    if provisional and deadlines:
        st.info(workdays.provisional_notice(provisional), icon=":material/event_upcoming:")
    return f


# -- KPI cards ----------------------------------------------------------------------------------------------
def kpi_cards(kpis: list[Kpi], per_row: int = 5) -> None:
    """The page's KPIs: value, change against the comparison (coloured by whether it is good for
    this metric), the counts behind it, and its definition on hover — one HTML block
    (``dashboard/ui/cards.py``: the browser draws it far faster than a row of ``st.metric``)."""
    if kpis:
        st.html(cards.kpi_html(kpis, per_row))


def run_marker(started: float) -> None:
    """An invisible marker whose number grows with every completed run of this session.
    Browser tests wait for it to change after an interaction (the page has settled).
    It also carries the session's total server-side script time so far (``started`` is the
    ``time.perf_counter()`` at the top of this run): the benchmark splits an interaction's
    time into the server's part and the rest (sending the page, the browser drawing it)."""
    n = st.session_state.get("_run_count", 0) + 1
    total = st.session_state.get("_script_ms", 0.0) + (time.perf_counter() - started) * 1000
    st.session_state["_run_count"], st.session_state["_script_ms"] = n, total
    st.sidebar.html(f'<span id="run-marker" data-run="{n}" data-script-ms="{total:.1f}"></span>')
