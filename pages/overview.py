"""总览 — how the chosen area is doing in the chosen period, at a glance:
the key numbers, who is ahead and who is behind, the trend, and what needs attention."""

import streamlit as st

from dashboard import shell
from dashboard.accounts import access
from dashboard.core.config import settings
from dashboard.core.metrics import metric
from dashboard.core.text import md
from dashboard.data import duban as duban_data, overview
from dashboard.meetings import bulletin
from dashboard.store import db
from dashboard.ui import charts, components

f = shell.page_header("总览")
# The page's questions are independent: ask them at once (each runs its own queries together too).
kpis, children, trend, before, history = db.in_parallel(overview.page_calls(f))
shell.kpi_cards(kpis)

# 本期要点: the 通报's drafted summary (dashboard/meetings/bulletin.py), the same text as in the Word file and the brief.
points = bulletin.key_points(f)
if points:
    with st.container(border=True, key="key_points"):
        st.markdown("**本期要点**")
        st.markdown("\n".join(f"- {md(p)}" for p in points))
        st.caption("由看板数据按规则自动起草；完整通报（Word / PDF）见侧栏“生成通报”。")

score = metric("composite_score")
st.subheader(f"各{f.child_level_zh}{score.zh}排名", anchor=False)
st.caption(f"{score.formula_line()}；{metric('satisfaction_rate').formula_line()}。按期间内办结并有效回访的工单计算。")
left, right = st.columns([3, 2], gap="large")
with left:
    components.ranking_table(children, score, f, key="overview_rank", highlight=settings().red_black_size)
with right:
    user = access.current_user()
    components.red_black_board(children, score, f, key="overview_rb", previous=before, history=history,
                               supervise=lambda s: duban_data.area_draft(user, s.code, [score.key], f"总览{score.zh}黑榜"),
                               boards=overview.boards_of(f, score))

st.subheader("受理与办结趋势", anchor=False)
# An SVG image, not a plotly chart: the first open of the page loads no chart library (4.7 MB of script).
st.html(charts.trend_html(trend, "bucket", {"created": "受理", "closed": "办结"}, "工单数（件）",
                         bucket=overview.trend_bucket(f)))

st.subheader(f"预警：指标越过预警线的{f.child_level_zh}", anchor=False)
warnings = overview.alerts_of(f)
if warnings.all.empty:
    st.success(f"所有{f.child_level_zh}的关键指标都在预警线以内。", icon=":material/check_circle:")
else:
    shown = len(warnings.shown)
    st.caption(f"共 {warnings.total:,} 条越线，涉及 {warnings.areas:,} 个{f.child_level_zh}。"
               + (f"按偏离预警线的程度列出最严重的 {shown} 条，" if shown < warnings.total else "")
               + "按区域归组、最严重的在前；偏离为与预警线之差。" + ("完整清单请下载。" if shown < warnings.total else ""))
    issuer = duban_data.may_issue(access.current_user())  # a row of the list opens a 督办 for its area
    picked = components.table(warnings.shown.drop(columns=["area_code", "severity"]), hide_index=True, width="stretch",
                          key="overview_alerts", on_select="rerun" if issuer else "ignore", selection_mode="single-row")
    rows = list(picked.selection.rows) if issuer else []
    draft = duban_data.alert_draft(access.current_user(), warnings, rows[0]) if rows else None
    if draft:
        st.button(f"对{md(warnings.shown.iloc[rows[0]]['区域'])}下发督办（预填所选预警）", key="overview_alert_duban",
                  icon=":material/assignment_late:", on_click=components.start_duban, args=(draft,))
        components.go_to_duban(f)
    elif issuer:
        st.caption("选中一行预警，可对该区域下发督办（预填该区域越线的指标）。")
    components.download_buttons(warnings.export, "预警清单", f,
                                key="overview_alerts_dl")

st.subheader(f"各{f.child_level_zh}指标一览", anchor=False)
st.caption(("选中一行可打开该网格的网格名片（网格地图页）" if f.level == "community" else
            f"选中一行可进入该{f.child_level_zh}") + "；点击列名排序。")
components.metric_table(children, ["created", "per_1000", "backlog", "overdue", "on_time_rate", "composite_score",
                                   "fulltime_coverage", "orgs_per_10k", "assessment_avg"],
                        f, key="overview_table", title=f"各{f.child_level_zh}指标一览", sort_by="composite_score")
