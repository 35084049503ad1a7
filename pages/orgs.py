"""社会组织 — how many social organisations the area has and of what kind, whether it reaches
the density and community-organisation targets, how registrations move, and the list itself."""

import streamlit as st

from dashboard import shell
from dashboard.core.config import settings
from dashboard.core.metrics import metric
from dashboard.core.text import md
from dashboard.data import common, orgs
from dashboard.store import db
from dashboard.ui import charts, components

cfg = settings()
f = shell.page_header("社会组织", deadlines=False)
day = orgs.at_date(f)
area = md(db.areas().name(f.scope)) if f.scope else "全市"  # shown in Markdown only
# The page's questions are independent: ask them at once (the list waits for its search fields below).
kpis, mix, children, targets, flows = db.in_parallel([
    lambda: orgs.kpis(f), lambda: orgs.mix(f), lambda: orgs.children(f) if f.level != "community" else None,
    lambda: orgs.community_targets(f), lambda: orgs.flows(f)], workers=5)
shell.kpi_cards(kpis, per_row=len(kpis))
st.caption(f"存量按期末（{day:%Y-%m-%d}）计算：登记日期不晚于期末、期末时未注销的组织为存续组织；"
           f"评估等级有效期 {cfg.rating_valid_years} 年，过期按未评估计。")

# -- 构成 ---------------------------------------------------------------------------------------------------
st.subheader(f"存续社会组织构成：类型、评估等级、业务领域（共 {mix.total:,} 个）", anchor=False)
if mix.total == 0:
    st.info(f"{area}在 {day:%Y-%m-%d} 没有存续的社会组织。", icon=":material/info:")
else:
    high_share = next(k for k in kpis if k.metric.key == "orgs_high_rating_share")
    by_type, by_rating, by_field = st.columns(3, gap="large")
    with by_type:
        st.markdown("**按组织类型**")
        st.plotly_chart(charts.count_bars(mix.types, "category", "orgs"), width="stretch",
                        config={"displayModeBar": False})
        st.caption("社会服务机构即原民办非企业单位；社区社会组织在街道/乡镇备案。")
    with by_rating:
        st.markdown(f"**按评估等级（{cfg.high_rating} 及以上占 {high_share.metric.format(high_share.value)}）**")
        st.plotly_chart(charts.rating_bars(mix.ratings), width="stretch", config={"displayModeBar": False})
        st.caption(f"绿色为 {cfg.high_rating} 及以上（政府购买服务优先）。"
                   + (f"其中 {mix.expired} 个组织的等级已超过 {cfg.rating_valid_years} 年有效期，按未评估计。"
                      if mix.expired else ""))
    with by_field:
        st.markdown("**按业务领域**")
        st.plotly_chart(charts.count_bars(mix.fields, "category", "orgs"), width="stretch",
                        config={"displayModeBar": False})

# -- 每万人社会组织数 ----------------------------------------------------------------------------------------------
per_10k = metric("orgs_per_10k")
if children is not None:
    st.subheader(f"各{f.child_level_zh}每万人社会组织数（目标 {cfg.org_per_10k_target:g} 个）", anchor=False)
    st.caption("每万人社会组织数 = 存续社会组织数 ÷ 常住人口 × 10000；红色虚线为目标，低于目标的标为橙色。"
               "只登记到上一级（如只填到区县）的组织不计入下级区域。")
    components.ranking_chart(children, per_10k, f, key="orgs_density", figure=charts.target_ranking_bar(
        children, per_10k, cfg.org_per_10k_target, f"目标 {cfg.org_per_10k_target:g} 个/万人"))
    components.metric_table(children, ["orgs_active", "orgs_registered", "orgs_per_10k", "orgs_high_rating_share", "community_orgs",
                                       "community_org_target_rate"], f, key="orgs_table",
                            title=f"各{f.child_level_zh}社会组织指标", sort_by="orgs_per_10k",
                            extra={"communities": "社区/村数", "communities_meeting_target": "达标社区/村数"})

# -- 社区社会组织达标 ------------------------------------------------------------------------------------------------
st.subheader(f"社区社会组织：城市社区每个不少于 {cfg.community_orgs_urban_target} 个、"
             f"村每个不少于 {cfg.community_orgs_rural_target} 个", anchor=False)
if targets.empty:
    st.info(f"{area}没有社区/村。", icon=":material/info:")
else:
    below = orgs.below_target_table(targets)
    st.caption(f"{area}共 {len(targets)} 个社区/村，达标 {len(targets) - len(below)} 个、未达标 {len(below)} 个"
               f"（期末 {day:%Y-%m-%d}）。只计登记到社区/村一级的社区社会组织。")
    if f.level == "street":
        components.ranking_chart(targets, metric("community_orgs"), f, key="orgs_targets",
                                 figure=charts.community_target_bars(targets))
    elif f.level in ("city", "district"):
        rate = metric("community_org_target_rate")
        st.markdown(f"**各{f.child_level_zh}的社区/村：达标（绿）与未达标（红）**")
        components.ranking_chart(children, rate, f, key="orgs_target_rate",
                                 figure=charts.target_split_bars(children, rate))
    if below.empty:
        st.success(f"{area}的社区/村全部达到社区社会组织目标。", icon=":material/check_circle:")
    else:
        st.markdown(f"**未达标的社区/村（{len(below)} 个，差得多的在前）**")
        components.table(below, hide_index=True, width="stretch", height=min(36 * (len(below) + 1) + 3, 440))
        components.download_buttons(below, "社区社会组织未达标社区村", f, key="orgs_below_dl")

# -- 登记与注销 ------------------------------------------------------------------------------------------------------
unit = "月" if flows.bucket == "month" else "年"
st.subheader(f"登记与注销趋势（按{unit}，{flows.start:%Y年%m月}至{flows.end:%Y年%m月}）", anchor=False)
st.caption(f"本期（{f.period.label}）新登记/备案 {flows.registered} 个、注销 {flows.deregistered} 个；"
           "柱向上为新登记/备案，向下为注销，黄色底色为本期。")
if flows.series[["registered", "deregistered"]].to_numpy().sum() == 0:
    st.info(f"{area}在这段时间没有新登记/备案或注销的社会组织。", icon=":material/info:")
else:
    st.plotly_chart(charts.flow_bars(flows.series, f.period.start, flows.end, flows.bucket), width="stretch",
                    config={"displayModeBar": False})

# -- 名录 -------------------------------------------------------------------------------------------------------------
st.subheader("社会组织名录", anchor=False)
with st.container(horizontal=True, gap="small", vertical_alignment="bottom"):
    name = st.text_input("搜索名称或代码", key="org_q", placeholder="输入名称中的字，如“协会”")
    legal_type = st.selectbox("组织类型", ["", *orgs.TYPE_CHOICES], key="org_type", format_func=lambda v: v or "全部")
    field = st.selectbox("业务领域", ["", *orgs.field_choices(f)], key="org_field", format_func=lambda v: v or "全部")
    rating = st.selectbox("评估等级", ["", *orgs.RATING_CHOICES], key="org_rating", format_func=lambda v: v or "全部")
    with_deregistered = st.toggle("含已注销", key="org_dereg")
list_filters = (name, legal_type, field, rating, with_deregistered)
shown, total = orgs.org_list(f, *list_filters, limit=common.LIST_SHOWN)
if shown.empty:
    st.info("没有符合条件的社会组织。", icon=":material/search_off:")
else:
    more = f"下面列出前 {len(shown):,} 个，完整名录请下载；" if len(shown) < total else ""
    st.caption(f"共 {total:,} 个组织，{more}存续状态和评估等级按期末 {day:%Y-%m-%d} 判断；“未评估”含等级已过期的。"
               "点击列名可排序。")
    components.table(shown, hide_index=True, width="stretch", height=min(36 * (len(shown) + 1) + 3, 520))
    # The whole list (tens of thousands of rows at city scope) is only read when a download is clicked.
    components.download_buttons(lambda: orgs.org_list(f, *list_filters)[0], "社会组织名录", f, key="org_list_dl")
