"""网格地图 — 一图展现: the children of the chosen area coloured by one metric; click an
area to go into it, down to the grids and each grid's card; then grid-worker supervision
(配备督查) and the coverage check (横到边、纵到底、全覆盖、无缝隙)."""

import streamlit as st

from dashboard import shell
from dashboard.core.config import settings
from dashboard.core.metrics import metric
from dashboard.core.text import md
from dashboard.data import grids
from dashboard.store import db
from dashboard.ui import charts, components, maps, state

f = shell.page_header("网格地图")
cfg = settings()
basemap = maps.basemap_for(cfg)

# -- which metric colours the map (kept in the URL as ?metric=…) --------------------------------------------
key, problem = grids.choose_metric(f, st.query_params.get("metric"))
if problem:
    st.warning(md(problem), icon=":material/link_off:")
    state.set_page_param("metric", key)
selected_grid, problem = grids.grid_param(f, st.query_params.get("grid"))
if problem:
    st.warning(md(problem), icon=":material/link_off:")
if st.query_params.get("grid") and not selected_grid:
    state.set_page_param("grid", None)

st.session_state["w_map_metric"] = key
st.segmented_control("地图着色指标", grids.map_metrics(f), key="w_map_metric", required=True,
                     format_func=lambda k: metric(k).zh,
                     on_change=lambda: state.set_page_param("metric", st.session_state["w_map_metric"]))

# The page's questions are independent: ask them at once. The supervision lists draw their first
# common.LIST_SHOWN rows; a download reads the whole list (thousands of grids at city scope).
values, shapes, sup = db.in_parallel([lambda: grids.child_values(f, key), lambda: grids.child_shapes(f, basemap.gcj02),
                                      lambda: grids.supervision(f)])
missing, missing_total, multi, multi_total, norm = sup.missing, sup.missing_total, sup.multi, sup.multi_total, sup.norm
m = values.metric
title = grids.map_title(f, m)
st.subheader(md(title), anchor=False, help=m.help())
notes = [f"统计期间：{f.period.label}" if m.query in ("ticket_metrics", "org_metrics") else "",
         values.source_note, f"点击地图上的{f.child_level_zh}" + ("查看网格名片。" if f.child_level == "grid" else "进入下一级。")]
st.caption(" · ".join(n for n in notes if n))
if basemap.problem:
    st.info(basemap.problem, icon=":material/layers_clear:")

# -- the map and the ranking beside it ------------------------------------------------------------------------
check_coverage = grids.coverage_runs_now(f) or st.session_state.get(f"coverage_{f.scope}", False)
if check_coverage:
    with st.spinner("正在检查网格覆盖（缝隙/重叠）…"):
        issues = grids.coverage_issues(f)
left, right = st.columns([3, 2], gap="medium")
with left:
    if not shapes.codes:
        st.info(f"数据库中没有这些{f.child_level_zh}的边界，无法画图。", icon=":material/map:")
    else:
        fig = maps.area_map(f, values, shapes, basemap, cfg, when=grids.when(f, values),
                            selected=selected_grid,
                            no_fulltime=grids.no_fulltime_layer(f, shapes, basemap.gcj02),
                            coverage=grids.coverage_layer(issues, shapes, basemap.gcj02) if check_coverage else None,
                            flagged=frozenset(grids.no_fulltime_codes(f)) if f.child_level == "grid" else frozenset())
        maps.show(fig, key="area_map", on_click=maps.select_area)
with right:
    if selected_grid:
        card = grids.grid_card(f, selected_grid)
        with st.container(border=True, key="grid_card"):
            st.markdown(f"#### {md(card.name)}")
            st.markdown(f":blue-badge[{md(card.kind)}] {md(card.community)} · 网格编码 {md(card.code)}")
            a, b, c = st.columns(3)
            a.metric("户数", f"{card.households:,} 户" if card.households is not None else "—")
            b.metric("人口", f"{card.population:,} 人" if card.population is not None else "—")
            c.metric("专职 / 兼职网格员", f"{card.fulltime} / {card.parttime} 人")
            a, b, c = st.columns(3)
            for col, k, v in ((a, "backlog", card.backlog), (b, "overdue", card.overdue)):
                col.metric(f"{metric(k).zh}（期末）", metric(k).format(v), help=metric(k).help())
            c.metric("网格长", "、".join(card.leaders) if card.leaders else "未设")
            if card.fulltime == 0:
                st.warning("该网格没有在岗专职网格员。", icon=":material/person_off:")
            if not card.workers.empty:
                components.table(card.workers, hide_index=True, width="stretch")
                components.download_buttons(card.workers, f"{card.name}网格员", f, key="map_card_dl")
            st.button("关闭网格名片", on_click=state.set_page_param, args=("grid", None), type="tertiary",
                      icon=":material/close:")
    st.markdown(f"**{f.child_level_zh}排名**（{m.zh}，{ '越高越好' if m.direction == 'up' else '越低越好'}）")
    ranking = grids.ranking_table(values, f)
    components.table(ranking.frame, hide_index=True, width="stretch", height=ranking.height,
                 column_config=ranking.column_config, key=f"rank_{f.scope or 'city'}",
                 on_select=lambda: maps.select_row(f"rank_{f.scope or 'city'}", ranking.codes),
                 selection_mode="single-row")
    st.caption(f"点击一行{'查看网格名片' if f.child_level == 'grid' else '进入该' + f.child_level_zh}。")
    components.download_buttons(ranking.export, f"{grids.map_title(f, m)}排名", f, key="map_rank_dl")

# -- grid-worker supervision (网格员配备督查) ----------------------------------------------------------------------
st.divider()
st.subheader("网格员配备督查", anchor=False)
a, b, c = st.columns(3)
a.metric("无在岗专职网格员的网格", f"{missing_total:,} 个", help="没有在岗专职网格员的网格（综合网格和专属网格），需要补齐。")
b.metric("一人分管多个网格", f"{multi_total:,} 人", help="同时分管 2 个及以上网格的在岗网格员。")
outside_total = norm.below + norm.above
c.metric(f"户数不在 {norm.low}–{norm.high} 户的综合网格", f"{outside_total:,} 个",
         help=f"综合网格的合理户数范围为 {norm.low}–{norm.high} 户（config/settings.toml 的 [grids]）。"
              f"少于 {norm.low} 户 {norm.below} 个，多于 {norm.high} 户 {norm.above} 个。")
t1, t2, t3 = st.tabs([f"无专职网格员的网格（{missing_total:,}）", f"一人多格（{multi_total:,}）", "网格户数分布"])
with t1:
    if missing.empty:
        st.success("范围内每个网格都有在岗专职网格员。", icon=":material/check_circle:")
    else:
        components.first_rows_note(missing, missing_total, "个")
        components.table(missing, hide_index=True, width="stretch")
        components.download_buttons(lambda: grids.grids_without_fulltime(f)[0], "无在岗专职网格员的网格", f,
                                    key="map_missing_dl")
with t2:
    if multi.empty:
        st.success("范围内没有分管 2 个及以上网格的网格员。", icon=":material/check_circle:")
    else:
        components.first_rows_note(multi, multi_total, "人")
        components.table(multi, hide_index=True, width="stretch")
        components.download_buttons(lambda: grids.multi_grid_workers(f)[0], "一人分管多个网格的网格员", f,
                                    key="map_multi_dl")
with t3:
    if norm.total == 0:
        st.info("范围内没有综合网格。")
    else:
        # An SVG picture, not plotly: otherwise this one chart makes the page load the plotly bundle.
        st.image(charts.households_svg(norm.households, norm.low, norm.high), width="stretch")
        st.caption(f"综合网格 {norm.total:,} 个：少于 {norm.low} 户 {norm.below:,} 个，{norm.low}–{norm.high} 户 "
                   f"{norm.within:,} 个，多于 {norm.high} 户 {norm.above:,} 个。专属网格（学校、园区等）不计。")
        if not norm.outside.empty:
            components.first_rows_note(norm.outside, outside_total, "个")
            components.table(norm.outside, hide_index=True, width="stretch")
            components.download_buttons(lambda: grids.household_outside(f), f"户数不在{norm.low}至{norm.high}户的综合网格",
                                        f, key="map_norm_dl")

# -- coverage check (横到边、纵到底、全覆盖、无缝隙) ----------------------------------------------------------------
st.divider()
st.subheader("网格覆盖检查", anchor=False,
             help="检查每个社区/村内的网格是否“横到边、纵到底、全覆盖、无缝隙”：缝隙 = 社区内不属于任何网格的部分；"
                  "重叠 = 同时属于两个网格的部分。面积按球面计算，小于 1 平方米的视为误差不计。")
if not check_coverage:
    st.info(f"范围内共有 {grids.grid_count(f):,} 个网格，逐个社区核对缝隙和重叠需要几秒钟。",
            icon=":material/hourglass_top:")
    st.button("开始检查", key=f"coverage_{f.scope}", icon=":material/search:")
elif issues.empty:
    st.success("范围内各社区/村的网格全覆盖、无缝隙、无重叠。", icon=":material/check_circle:")
else:
    (gaps, gap_area), (overlaps, overlap_area) = grids.coverage_summary(issues).values()
    st.error(f"发现缝隙 {gaps} 处（合计 {grids.fmt_area(gap_area)}），重叠 {overlaps} 处（合计 {grids.fmt_area(overlap_area)}）。"
             "地图上黑色为缝隙、紫色为重叠。", icon=":material/warning:")
    problems = grids.coverage_table(issues)
    components.table(problems, hide_index=True, width="stretch",
                 column_config={"面积（平方米）": st.column_config.NumberColumn(format="localized")})
    components.download_buttons(problems, "网格缝隙与重叠", f, key="map_coverage_dl")
