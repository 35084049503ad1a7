"""账号与审计 — the administrator's page: accounts (create, disable, unlock, reset the
password) and the audit log (filter, download). Shown only to 管理员 accounts."""

from datetime import date, datetime, time, timedelta

import streamlit as st

from dashboard.accounts import access, admin
from dashboard.ui import components, state

user = access.require_admin()

st.title("账号与审计", anchor=False)
accounts_tab, audit_tab = st.tabs(["账号", "审计日志"])

with accounts_tab:
    components.table(admin.accounts_frame(), hide_index=True, width="stretch")
    left, right = st.columns(2)
    with left, st.form("new_account", clear_on_submit=True):
        st.markdown("**新建账号**")
        username = st.text_input("用户名")
        name = st.text_input("姓名")
        role = st.selectbox("角色", list(admin.ROLE_CHOICES), format_func=admin.ROLE_CHOICES.get)
        area = st.selectbox("区域（区县级、街道级必填）", admin.area_choices(), format_func=admin.area_label)
        password = st.text_input("初始密码", type="password",
                                 help="至少 10 位，包含数字、小写、大写字母、符号中的至少三类")
        if st.form_submit_button("新建", type="primary"):
            ok, text = admin.create_account(user, username, name, role, area, password)
            (st.success if ok else st.error)(text)
    with right, st.form("change_account"):
        st.markdown("**修改账号**")
        target = st.selectbox("账号", admin.usernames())
        action = st.radio("操作", list(admin.ACTIONS), format_func=admin.ACTIONS.get, horizontal=True)
        new_password = st.text_input("新密码（重设密码时填写）", type="password")
        if st.form_submit_button("执行"):
            ok, text = admin.change_account(user, target, action, new_password)
            (st.success if ok else st.error)(text)

with audit_tab:
    c1, c2, c3, c4 = st.columns(4)
    start = c1.date_input("开始日期", value=date.today() - timedelta(days=7), format="YYYY-MM-DD")
    end = c2.date_input("结束日期", value=date.today(), format="YYYY-MM-DD")
    who = c3.selectbox("用户", [""] + admin.usernames(), format_func=lambda u: u or "全部")
    action = c4.selectbox("操作", [""] + list(admin.AUDIT_ACTIONS), format_func=lambda a: admin.AUDIT_ACTIONS.get(a, "全部"))
    log = admin.audit_frame(datetime.combine(start, time()), datetime.combine(end, time()) + timedelta(days=1),
                            who or None, action or None)
    st.caption(f"共 {len(log):,} 条（最多显示 5,000 条，最新在前）")
    components.table(log, hide_index=True, width="stretch")
    components.download_buttons(log, "审计日志", state.current(), key="audit_dl")
