"""居村考核 — the results of one assessment round of the residents' and villagers' committees:
how scores spread over the grades, who leads and who trails (红黑榜), who moved up or dropped
a grade since the previous round, and one committee's indicators against its street and
the city."""

import streamlit as st

from dashboard import shell
from dashboard.core.config import settings
from dashboard.core.metrics import metric
from dashboard.core.text import md
from dashboard.data import assessment, common, duban as duban_data
from dashboard.store import db
from dashboard.ui import charts, components, state

cfg = settings()
f = shell.page_header("居村考核", deadlines=False)
area = md(db.areas().name(f.scope)) if f.scope else "全市"  # shown in Markdown only
all_rounds = assessment.rounds()
choice = assessment.choose_round(f, st.query_params.get("round"))
if choice.warning:
    st.warning(md(choice.warning), icon=":material/link_off:")
    state.set_page_param("round", None)

# -- 考核轮次 -------------------------------------------------------------------------------------------------------
if all_rounds.empty:
    st.info("数据库中还没有居村考核结果。导入考核轮次、指标和得分（assessment_rounds、assessment_indicators、"
            "assessment_scores，格式见 docs/data_model.md）后即可查看。", icon=":material/info:")
else:
    names = dict(zip(all_rounds["round_id"], all_rounds["name"]))
    st.session_state["w_round"] = choice.round_id
    st.selectbox("考核轮次", list(names), key="w_round", format_func=names.get, placeholder="请选择考核轮次",
                 on_change=lambda: state.set_page_param("round", st.session_state["w_round"]),
                 help="默认显示统计期末之前最近公布的一轮；选择其他轮次后，链接中会记住所选轮次。")
    if choice.round is None:
        st.info(f"截至统计期末（{common.period_last_day(f):%Y-%m-%d}）还没有公布的考核结果，请在上方选择考核轮次。",
                icon=":material/info:")


def round_results() -> None:
    st.caption(md(f"{assessment.round_description(choice)}等级分档：{assessment.grade_rule()}。"))
    # The round's questions are independent: ask them at once.
    breakdown = f.level not in ("street", "community")  # child areas (not committees) are ranked
    check, kpis, committees, grade_counts, children = db.in_parallel([
        lambda: assessment.weights(choice), lambda: assessment.kpis(f, choice), lambda: assessment.committees(f, choice),
        lambda: assessment.grade_counts(f, choice) if f.level != "community" else None,
        lambda: assessment.children(f, choice) if breakdown else None])
    if not check.ok:
        st.warning(md(check.message), icon=":material/balance:")
    shell.kpi_cards(kpis)
    if committees.empty:
        st.info(f"{area}没有参加{md(choice.name)}的社区/村。", icon=":material/info:")
        return

    # -- 分布与等级 ----------------------------------------------------------------------------------------------
    if f.level != "community":
        st.subheader(f"总分分布与等级：{area} {len(committees)} 个社区/村", anchor=False)
        left, right = st.columns(2, gap="large")
        with left:
            st.markdown("**总分分布（每 5 分一档，虚线为等级分档线）**")
            st.plotly_chart(charts.score_histogram(committees["total"], committees["grade"], cfg.grade_cutoffs),
                            width="stretch", config={"displayModeBar": False})
        with right:
            st.markdown("**各等级社区/村数**" + ("（灰色为上一轮）" if choice.previous is not None else ""))
            st.plotly_chart(charts.grade_count_bars(grade_counts, choice.name,
                                                    choice.previous_name or None),
                            width="stretch", config={"displayModeBar": False})

    # -- 排名与红黑榜 --------------------------------------------------------------------------------------------
    total, avg = metric("assessment_total"), metric("assessment_avg")
    if f.level == "street":
        st.subheader("各社区/村考核总分排名与红黑榜", anchor=False)
        st.caption("考核总分 = 各项指标得分之和（满分 100）。点击柱条或红黑榜中的名称进入该社区/村。")
        left, right = st.columns([3, 2], gap="large")
        with left:
            components.ranking_chart(committees, total, f, key="assess_rank", highlight=cfg.red_black_size)
        with right:
            earlier = assessment.earlier_results(f, choice, by_committee=True)
            components.red_black_board(committees, total, f, key="assess_rb", unit_zh="社区/村",
                                       previous=earlier.previous, history=earlier.history, compare_zh="上一轮")
    elif breakdown:
        st.subheader(f"各{f.child_level_zh}考核平均分排名与红黑榜", anchor=False)
        st.caption(f"考核平均分 = 各社区/村总分之和 ÷ 参评社区/村数；橙色为低于 {avg.format(avg.alert_threshold())} 的预警。")
        left, right = st.columns([3, 2], gap="large")
        with left:
            components.ranking_chart(children, avg, f, key="assess_rank", highlight=cfg.red_black_size)
        with right:
            earlier = assessment.earlier_results(f, choice, by_committee=False)
            components.red_black_board(children, avg, f, key="assess_rb", previous=earlier.previous,
                                       history=earlier.history, compare_zh="上一轮")
        if len(committees) >= 2:
            st.subheader(f"社区/村考核总分红黑榜：{area}全部 {len(committees)} 个社区/村中的前后各 "
                         f"{min(cfg.red_black_size, len(committees) // 2)} 名", anchor=False)
            st.caption("点击名称进入该社区/村。")
            earlier = assessment.earlier_results(f, choice, by_committee=True)
            components.red_black_board(committees, total, f, key="assess_committee_rb", unit_zh="社区/村",
                                       previous=earlier.previous, history=earlier.history, compare_zh="上一轮")

    # -- 与上一轮比较 --------------------------------------------------------------------------------------------
    st.subheader("与上一轮相比：谁升档、谁降档" if f.level != "community" else "与上一轮相比", anchor=False)
    if choice.previous is None:
        st.info(f"{md(choice.name)}之前没有同类考核轮次，无法比较。", icon=":material/info:")
    elif f.level == "community":
        st.markdown(assessment.change_sentence(committees.iloc[0], choice))
    else:
        dropped, raised = assessment.movers(committees, "降档"), assessment.movers(committees, "升档")
        kept = int((committees["movement"] == "等级不变").sum())
        st.caption(f"{md(choice.previous_name)} → {md(choice.name)}：降档 {len(dropped)} 个、升档 {len(raised)} 个、"
                   f"等级不变 {kept} 个。两轮都按当前分档线定等级；上一轮没有成绩的社区/村不参与比较。")
        left, right = st.columns(2, gap="large")
        for col, table, title, color, empty in (
                (left, dropped, f"降档 {len(dropped)} 个", "red", "没有社区/村降档。"),
                (right, raised, f"升档 {len(raised)} 个", "green", "没有社区/村升档。")):
            with col:
                st.markdown(f":{color}-badge[{title}]")
                if table.empty:
                    st.caption(empty)
                else:
                    components.table(table, hide_index=True, width="stretch", height=min(36 * (len(table) + 1) + 3, 400),
                                 column_config={"总分变化": st.column_config.NumberColumn(format="%+.1f")})  # already half-up
        components.download_buttons(lambda: assessment.changes_table(committees), "考核升降档名单", f,
                                    key="assess_changes_dl")  # built only when a download is clicked

    # -- 单个社区/村 -------------------------------------------------------------------------------------------------
    st.subheader("单个社区/村指标得分：与所在街道/乡镇、全市平均比较", anchor=False)
    code, warning = assessment.choose_committee(f, committees, st.query_params.get("committee"))
    if warning:
        st.warning(md(warning), icon=":material/link_off:")
    if f.level != "community":
        labels = dict(zip(committees["area_code"], committees["area_name"] + "（" + committees["street_name"] + "）"))
        st.session_state["w_committee"] = code
        st.selectbox("社区/村", sorted(labels), key="w_committee", format_func=labels.get,
                     on_change=lambda: state.set_page_param("committee", st.session_state["w_committee"]))
    if code is None:
        st.info(f"{area}没有参加{md(choice.name)}。", icon=":material/info:")
    else:
        row = committees[committees["area_code"] == code].iloc[0]
        street, who = str(row["street_name"]), str(row["area_name"])
        rank = f"，在{area}排第 {int(row['rank'])} 名（共 {len(committees)} 个）" if f.level != "community" else ""
        st.markdown(f"**{md(who)}：总分 {metric('assessment_total').format(row['total'])}，{md(row['grade'])}{rank}**")
        breakdown = assessment.indicators(choice, code)
        st.plotly_chart(charts.indicator_comparison(breakdown, who, f"{street}平均", "全市平均"), width="stretch",
                        config={"displayModeBar": False})
        st.caption(("" if check.ok else "注意：") + md(check.message) + " 柱长为得分率（得分 ÷ 分值），柱旁数字为得分；平均分含本社区/村。")
        table = assessment.indicator_table(breakdown, who, street)
        components.table(table, hide_index=True, width="stretch")
        components.download_buttons(table, f"{who}考核指标得分", f, key="assess_indicators_dl")

    # -- 全部结果 ----------------------------------------------------------------------------------------------------
    if f.level != "community":
        st.subheader(f"{area}全部社区/村考核结果（{md(choice.name)}）", anchor=False)
        components.metric_table(committees, ["assessment_total"], f, key="assess_table",
                                 title=f"{choice.name}社区村考核结果", extra=assessment.COMMITTEE_COLUMNS,
                                 sort_by="assessment_total")


if choice.round is not None:
    round_results()

# -- 督办办理记录: evidence for the next round ([duban] show_on_assessment) ------------------------------------------
duban_record = duban_data.assessment_evidence(f)
if duban_record is not None:
    st.subheader(f"{area}督办办理记录（可作为考核依据）", anchor=False)
    st.caption("各单位收到的督办、按期反馈、逾期和通报批评提示，统计近 "
               f"{duban_data.window_days()} 天内下发的督办（督办台账页面可查看每一件）。")
    components.table(duban_record, hide_index=True, width="stretch")
    components.download_buttons(duban_record, f"{area}督办办理记录", f, key="assess_duban_dl")
