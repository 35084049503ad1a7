"""督办台账 — from a red number to a 督办单 and back: issue (超期工单 or 指标滞后), the
addressee's 反馈, the office's 办结 / 退回重办 / 催办, the 通知单 as Word and PDF, and each
unit's record (按期反馈、逾期、通报批评)."""

import streamlit as st

from dashboard import shell
from dashboard.accounts import access
from dashboard.core import wordfile
from dashboard.core.config import settings
from dashboard.core.text import md
from dashboard.data import duban as data
from dashboard.store import db
from dashboard.supervision import duban, duban_doc
from dashboard.ui import components

f = shell.page_header("督办台账", deadlines=False)
user = access.current_user()
now = duban.today()
items = duban.items_for(user)
st.session_state.pop("_duban_go", None)  # arrived from a “督办” button (or pressed one here): stay on this page
# A 督办 started from a 黑榜 entry or an alert (components.start_duban): the issue form opens with it, once.
draft = st.session_state.get(components.DUBAN_DRAFT)
if draft and not draft.get("applied"):
    st.session_state.update(new_kind=draft["kind"], new_addressee=draft["addressee"])
    if draft["metrics"]:
        st.session_state["new_metrics"] = draft["metrics"]
    st.session_state.pop("new_tickets", None)
    draft["applied"] = True

cols = st.columns(5)
for col, (label, value) in zip(cols, data.summary(items, f, now).items()):
    with col, st.container(border=True):
        st.metric(label, value)

ledger = data.ledger(items, f, now)
st.subheader("督办台账", anchor=False)
if ledger.empty:
    st.info("当前范围内还没有督办事项。" + ("可在下方“新建督办”中下发。" if data.addressee_choices(f, user) else ""))
else:
    st.caption("逾期未反馈：已过反馈期限仍未反馈；逾期反馈：反馈晚于期限。选择编号查看详情和办理。")
    components.table(ledger, hide_index=True, width="stretch", column_config={
        "下发时间": st.column_config.DatetimeColumn(format="YYYY-MM-DD HH:mm"),
        "反馈期限": st.column_config.DatetimeColumn(format="YYYY-MM-DD HH:mm")})
    components.download_buttons(ledger, "督办台账", f, key="duban_ledger_dl")

    st.subheader("各单位督办办理情况", anchor=False)
    cfg = settings().duban
    st.caption(f"近 {cfg.criticism_window_days} 天内下发的督办中逾期达到 {cfg.criticism_after} 件的单位，提示通报批评；"
               "此记录可作为下一轮考核的依据。")
    records = data.record_table(items, f, now)
    components.table(records, hide_index=True, width="stretch")
    components.download_buttons(records, "各单位督办办理情况", f, key="duban_records_dl")

    st.subheader("办理", anchor=False)
    shown = [i for i in items if i.addressee_code.startswith(f.scope)]
    if "_duban_pick_next" in st.session_state:  # just issued: show it (set before the picker is drawn)
        st.session_state["duban_pick"] = st.session_state.pop("_duban_pick_next")
    chosen = st.selectbox("督办编号", [i.id for i in shown], key="duban_pick",
                          format_func=lambda i: next(f"{x.number} · {x.addressee_name}" for x in shown if x.id == i))
    item = duban.get(chosen)
    with st.container(border=True, key="duban_detail"):
        st.markdown(f"**{item.number}** · {duban.KIND_ZH[item.kind]} · 被督办单位：{md(item.addressee_name)} · "
                    f"反馈期限：{item.deadline:%Y-%m-%d %H:%M}（{item.deadline_days} 个工作日）· 状态：{item.status_zh(now)}")
        st.markdown(f"督办事项：{md(item.subject)}")
        st.text(item.requirement)
        head, rows = duban_doc.evidence_rows(item)
        components.table([dict(zip(head, r)) for r in rows], hide_index=True, width="stretch")
        st.markdown("**办理记录**")
        for e in duban.events(item.id):
            line = f"{e['at'].replace('T', ' ')[:16]} · {md(e['username'])} · {duban.ACTION_ZH[e['action']]}"
            st.markdown(line + (f"：{md(e['text'])}" if e["text"] and e["action"] != "issue" else ""))
            if e["attachment_name"]:
                name, blob = duban.attachment(e["id"])
                st.download_button(f"附件：{md(name)}", blob, file_name=name, key=f"att_{e['id']}", on_click="ignore")
        docx = duban_doc.to_docx(item, "督查考评办公室", access.export_signature().removeprefix("导出人："),
                                 now, db.database().is_sample)
        with st.container(horizontal=True):
            st.download_button("下载督办通知单（Word）", docx, file_name=f"{item.number}.docx", on_click="ignore",
                               mime="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                               icon=":material/download:", key="duban_docx")
            if st.button("生成 PDF", key="duban_pdf_make", icon=":material/picture_as_pdf:"):
                try:
                    st.session_state["duban_pdf"] = (item.id, wordfile.to_pdf(docx))
                except wordfile.DocumentError as e:
                    st.error(str(e))
            pdf = st.session_state.get("duban_pdf")
            if pdf and pdf[0] == item.id:
                st.download_button("下载督办通知单（PDF）", pdf[1], file_name=f"{item.number}.pdf", mime="application/pdf",
                                   on_click="ignore", icon=":material/download:", key="duban_pdf")

        if duban.can_answer(user, item):
            with st.form("duban_answer", clear_on_submit=True):
                text = st.text_area("反馈和整改说明", max_chars=5000)
                upload = st.file_uploader("附件（可选，10 MB 以内）", type=[t.lstrip(".") for t in duban.ATTACHMENT_TYPES])
                if st.form_submit_button("提交反馈", type="primary"):
                    try:
                        duban.answer(user, item.id, text, duban.today(),
                                     (upload.name, upload.getvalue()) if upload else None)
                        st.rerun()
                    except duban.DubanError as e:
                        st.error(str(e))
        if duban.can_review(user, item):
            with st.form("duban_review"):
                text = st.text_area("审核意见（退回重办时必填）", max_chars=2000)
                days = st.number_input("退回重办的新期限（工作日）", 1, 60, settings().duban.default_workdays)
                left, right = st.columns(2)
                done = left.form_submit_button("办结", type="primary")
                back = right.form_submit_button("退回重办")
                try:
                    if done:
                        duban.close(user, item.id, text, duban.today())
                        st.rerun()
                    if back:
                        duban.send_back(user, item.id, text, int(days), duban.today())
                        st.rerun()
                except duban.DubanError as e:
                    st.error(str(e))
        if item.overdue(now) and duban.can_issue(user, item.addressee_code):
            if st.button(f"催办（已催办 {item.reminders} 次）", key="duban_remind", icon=":material/notifications:"):
                duban.remind(user, item.id, duban.today())
                st.rerun()

st.subheader("承办单位排名", anchor=False)
st.caption("按工单的主办单位统计本范围、本期间的超期、按期办结率和三率，规则与区域排名相同；黑榜单位可直接下发督办。")
components.handling_unit_ranking(f, key="duban_units", user=user)

choices = data.addressee_choices(f, user)
if draft and draft["addressee"] not in choices and duban.can_issue(user, draft["addressee"]):
    choices.append(draft["addressee"])  # e.g. the street holding a handling unit's tickets, below the children
if choices:
    with st.expander("新建督办", expanded=ledger.empty or bool(draft), icon=":material/add_task:"):
        if draft:
            with st.container(horizontal=True, vertical_alignment="center"):
                st.info(f"来自{md(draft['source'])}：已预填被督办单位"
                        + (f"、承办单位{md(draft['handling_unit'])}" if draft["handling_unit"] else "") + "和依据。",
                        icon=":material/assignment_late:")
                if st.button("清除预填", key="duban_draft_clear"):
                    st.session_state.pop(components.DUBAN_DRAFT, None)
                    st.rerun()
        kind = st.radio("督办类型", list(duban.KIND_ZH), format_func=duban.KIND_ZH.get, horizontal=True, key="new_kind")
        code = st.selectbox("被督办单位", choices, format_func=data.area_name, key="new_addressee")
        name = data.area_name(code).split(" › ")[-1]
        # The draft's handling unit (and its figures) hold while the form keeps the draft's kind and addressee.
        drafted = draft if draft and draft["kind"] == kind and draft["addressee"] == code else None
        drafted_unit = drafted["handling_unit"] if drafted else None
        if kind == "tickets":
            overdue = data.overdue_tickets(f, code)
            if overdue.empty:
                st.info(f"{md(name)}在期末没有超期工单。")
                evidence = None
            else:
                ids = overdue["工单编号"].tolist()
                if drafted_unit:  # a handling unit's 督办: its own overdue tickets
                    ids_default = overdue.loc[overdue["主办单位"] == drafted_unit, "工单编号"].tolist()
                else:
                    ids_default = ids[:50]
                picked = st.multiselect("督办的工单（默认全部超期工单，最多 200 件）", ids, default=ids_default, key="new_tickets")
                components.table(overdue[overdue["工单编号"].isin(picked)], hide_index=True, width="stretch")
                evidence = data.ticket_evidence(overdue[overdue["工单编号"].isin(picked)], f) if picked else None
            units = sorted({u for u in overdue["主办单位"].dropna() if u}) if not overdue.empty else []
        elif drafted and drafted["figures"]:  # a handling unit's figures, as its ranking showed them
            evidence = {"figures": drafted["figures"], "as_of": f"{f.as_of:%Y-%m-%d %H:%M}",
                        "handling_unit": drafted_unit}
            st.markdown(f"**{md(drafted_unit)}** 的指标（{md(f.period.label)}，只计本范围的工单）")
            components.table([{k: v for k, v in x.items() if k != "低于预警线"} for x in evidence["figures"]],
                         hide_index=True, width="stretch")
            units = []
        else:
            keys = st.multiselect("滞后的指标", list(data.INDICATOR_CHOICES), format_func=data.metric_label,
                                  default=["on_time_rate"], key="new_metrics")
            evidence = data.indicator_evidence(f, code, keys) if keys else None
            if evidence:
                components.table([{k: v for k, v in x.items() if k != "低于预警线"} for x in evidence["figures"]],
                             hide_index=True, width="stretch")
            units = []
        if drafted_unit and drafted_unit not in units:
            units = [drafted_unit] + units
        if evidence:
            with st.form("duban_new"):
                unit = st.selectbox("承办单位（可选）", [""] + units, format_func=lambda u: u or "不指定",
                                    index=([""] + units).index(drafted_unit) if drafted_unit else 0)
                subject = st.text_input("督办事项", data.default_subject(kind, name, evidence, drafted_unit), max_chars=200)
                requirement = st.text_area("办理要求", data.DEFAULT_REQUIREMENT[kind], max_chars=5000, height=140)
                days = st.number_input("反馈期限（工作日，次日起算）", 1, 60, settings().duban.default_workdays)
                if st.form_submit_button("下发督办", type="primary"):
                    try:
                        made = duban.issue(user, kind, code, name, subject, requirement, evidence, int(days),
                                           duban.today(), unit or None)
                        st.session_state["_duban_pick_next"] = made.id  # the picker above is drawn already
                        st.session_state.pop(components.DUBAN_DRAFT, None)
                        st.success(f"已下发 {made.number}，反馈期限 {made.deadline:%Y-%m-%d %H:%M}。")
                        st.rerun()
                    except duban.DubanError as e:
                        st.error(str(e))
