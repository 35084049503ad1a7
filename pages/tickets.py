"""诉求工单 — the backlog and its supervision: what came in and went out, what is
overdue or about to be, who handles requests well (areas and 承办单位), and where problems repeat."""

import streamlit as st

from dashboard import shell
from dashboard.accounts import access
from dashboard.core.metrics import metric
from dashboard.core.text import md
from dashboard.data import overview, tickets
from dashboard.store import db
from dashboard.ui import charts, components, state

f = shell.page_header("诉求工单")
# The page's questions are independent: ask them at once.
kpis, trend, aging, (supervision, total), children, categories, hot_community, hot_grid, units = db.in_parallel(
    tickets.page_calls(f), workers=8)
shell.kpi_cards(kpis)

st.subheader("受理与办结趋势", anchor=False)
st.html(charts.trend_html(trend, "bucket", {"created": "受理", "closed": "办结"}, "工单数（件）",
                          bucket=overview.trend_bucket(f)))  # as on 总览: an SVG image, no plotly to draw

st.subheader("期末积压账龄（按一级分类，工作日）", anchor=False)
if aging.empty:
    st.success("期末没有积压工单。", icon=":material/check_circle:")
else:
    st.caption(f"截至 {f.bounds()[1]:%Y-%m-%d %H:%M} 仍未办结的 {int(aging['工单数'].sum()):,} 件工单，"
               "按受理以来经过的工作日数分段（法定节假日不计，调休上班日计入）。")
    # an SVG image (no plotly to load in the browser); the meeting brief draws the same data with plotly
    st.html(charts.stacked_hbars_html(aging, "一级分类", "账龄", "工单数", tickets.aging_labels(), charts.AGING_COLORS,
                                      legend_title="已办理"))

overdue = int((supervision["督办类型"] == "已超期").sum()) if total <= len(supervision) else None
st.subheader("督办清单：已超期和即将超期的工单", anchor=False)
if total == 0:
    st.success("期末没有超期或即将超期的工单。", icon=":material/check_circle:")
else:
    shown = "" if total <= len(supervision) else f"（显示超期最久的 {len(supervision)} 件，下载可得全部）"
    st.caption(f"共 {total:,} 件{shown}；即将超期指在 {tickets.due_soon_deadline(f):%Y-%m-%d %H:%M} 前到期。"
               "点击列名可排序。")
    components.table(supervision, hide_index=True, height=min(38 * (len(supervision) + 1) + 3, 520), column_config={
        "受理时间": st.column_config.DatetimeColumn(format="YYYY-MM-DD HH:mm"),
        "原办结时限": st.column_config.DatetimeColumn(format="YYYY-MM-DD HH:mm"),
        "办结时限（含延期）": st.column_config.DatetimeColumn(format="YYYY-MM-DD HH:mm"),
    })
    components.download_buttons(lambda: tickets.supervision(f, limit=1_000_000)[0], "督办清单", f, key="supervision_dl")

st.subheader(f"各{f.child_level_zh}三率与按期办结率", anchor=False)
components.metric_table(children, ["composite_score", "response_rate", "resolution_rate", "satisfaction_rate",
                                   "on_time_rate"], f, key="tickets_rates", title=f"各{f.child_level_zh}三率排名",
                        sort_by="composite_score")

st.subheader("各承办单位办理情况（主办单位排名）", anchor=False)
components.handling_unit_ranking(f, key="tickets_units", user=access.current_user(), units=units)

per_1000 = metric("per_1000")
st.subheader(f"各{f.child_level_zh}{per_1000.zh}", anchor=False)
st.caption("每千名常住人口的诉求量，数值越高说明诉求越集中。")
components.ranking_table(children, per_1000, f, key="tickets_per_1000")

st.subheader("诉求分类", anchor=False)
if categories.empty:
    st.info("期间内没有受理工单。", icon=":material/info:")
else:
    level1 = categories.groupby("category_l1", as_index=False)["tickets"].sum()
    chosen = st.query_params.get("cat")
    if chosen not in set(level1["category_l1"]):
        chosen = level1.sort_values("tickets", ascending=False)["category_l1"].iloc[0]
    left, right = st.columns(2, gap="large")
    period = f"{f.period.start:%Y%m%d}_{f.period.end:%Y%m%d}"  # a new grid (no stale selection) per scope and period
    with left:
        st.markdown("**一级分类**（选中一行查看其二级分类）")
        components.count_table(level1, "category_l1", "tickets", key=f"cat_l1_{f.scope or 'city'}_{period}",
                               label_zh="一级分类", f=f, title="诉求一级分类", selected=chosen,
                               on_pick=lambda value: state.set_page_param("cat", value))
    with right:
        st.markdown(f"**{md(chosen)}** 的二级分类")
        components.count_table(categories[categories["category_l1"] == chosen], "category_l2", "tickets",
                               key=f"cat_l2_{f.scope or 'city'}_{period}", label_zh="二级分类",
                               f=f, title=f"诉求二级分类（{chosen}）")

st.subheader("重复诉求热点", anchor=False)
left, right = st.columns(2, gap="large")
for col, level, title, hot in ((left, "community", "社区/村", hot_community), (right, "grid", "网格", hot_grid)):
    with col:
        st.markdown(f"**重复诉求最多的{title}**")
        if hot.empty:
            st.caption("期间内没有重复诉求。")
            continue
        view = tickets.hotspot_view(hot, level)
        # Ten rows, nothing to select: a plain table draws faster than the interactive data grid.
        numeric = {"重复诉求": 0, "受理量": 0, "重复占比（%）": 1}
        components.show_light_table(components.light_table(view.rename(columns={"重复占比": "重复占比（%）"}), numeric),
                                    numeric)
        components.download_buttons(view.rename(columns={"重复占比": "重复占比（%）"}), f"重复诉求热点（{title}）", f,
                                    key=f"hot_{level}")
