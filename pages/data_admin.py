"""数据管理 — the administrator's page for keeping the data current: upload the 12345
export (or new lists), preview what changes, apply, see the versions and roll back; enter
the State Council's holiday notice. Shown only to 管理员 accounts."""

from datetime import date, datetime, time

import streamlit as st

from dashboard.accounts import access
from dashboard.core.text import md
from dashboard.data import data_admin as data
from dashboard.store import db
from dashboard.ui import components

user = access.require_admin()

st.title("数据管理", anchor=False)
live = db.database()
st.caption(f"当前数据：{md(live.meta.get('label', ''))} · 数据截至 {live.meta.get('as_of', '')[:16]} · "
           f"构建于 {live.meta.get('built_at', '')[:16]} · 工单 {data.ticket_count(live):,} 件")
refresh_tab, versions_tab, calendar_tab = st.tabs(["刷新数据", "版本与回退", "节假日通知"])

with refresh_tab:
    st.markdown("上传 12345 平台导出的工单（Excel 或 CSV，平台的中文表头可直接识别），或按数据模型命名的名录文件"
                "（如 `grids.csv`、`grid_workers.xlsx`、`social_orgs.csv`，替换该表），也可以上传包含这些文件的 zip。"
                "先预览，确认后再应用；应用前看板数据不会有任何改动。")
    uploads = st.file_uploader("选择文件", type=["xlsx", "csv", "zip", "geojson"], accept_multiple_files=True,
                               key="refresh_files", max_upload_size=100)
    left, mid, right = st.columns(3)
    sources = data.saved_sources()
    source = left.selectbox("列名对应方案", [""] + sources, format_func=lambda s: s or "默认（12345 平台表头）",
                            key="refresh_source")
    as_of_day = mid.date_input("数据截至日期（可选）", value=None, format="YYYY-MM-DD", key="refresh_as_of_day")
    as_of_time = right.time_input("时刻", value=time(23, 59, 59), key="refresh_as_of_time", step=60)
    if st.button("预览", type="primary", disabled=not uploads, key="refresh_preview"):
        as_of = datetime.combine(as_of_day, as_of_time) if isinstance(as_of_day, date) else None
        data.start_preview([(f.name, f.getvalue()) for f in uploads], source, as_of)
    pv = data.current_preview()
    if pv is not None:
        with st.container(border=True, key="refresh_preview_box"):
            st.markdown(data.preview_line(pv))
            if pv.unmapped_headers:
                st.markdown("**以下表头未识别**（已忽略）。如其中有需要的列，请指定对应的字段并保存为方案：")
                mapping = {}
                for h in pv.unmapped_headers:
                    mapping[h] = st.selectbox(h, [""] + list(data.TARGETS), format_func=data.target_label,
                                              key=f"map_{h}")
                name = st.text_input("方案名称（如：市12345平台）", value=source, key="refresh_mapping_name", max_chars=40)
                if st.button("保存方案并重新预览", key="refresh_save_mapping",
                             disabled=not name.strip() or not any(mapping.values())):
                    data.save_mapping(name.strip(), mapping, user.username)
                    data.start_preview([(f.name, f.getvalue()) for f in uploads or []], name.strip(), pv.as_of)
                    st.rerun()
            if pv.problems:
                st.error(f"发现 {len(pv.problems):,} 处问题，修正后重新上传（数据未做任何改动）：", icon=":material/error:")
                components.table(data.problem_table(pv), hide_index=True, width="stretch")
                st.download_button("下载错误报告（Excel）", data.error_report(pv), file_name="数据刷新错误报告.xlsx",
                                   on_click="ignore", icon=":material/download:", key="refresh_errors")
            go, cancel = st.columns([1, 4])
            if go.button("应用", type="primary", disabled=not pv.ok, key="refresh_apply"):
                with st.spinner("正在构建新版本（校验、计算时限、汇总）…"):
                    ok, text = data.apply_preview(user.username)
                (st.success if ok else st.error)(text)
            if cancel.button("取消", key="refresh_cancel"):
                data.drop_preview()
                st.rerun()
    st.divider()
    st.markdown("**按当前配置重建**：不上传文件，按现在的时限设置和节假日（如刚录入了放假通知）重新计算全部工单的时限。")
    if st.button("重建当前数据", key="refresh_rebuild"):
        with st.spinner("正在重建…"):
            ok, text = data.rebuild(user.username)
        (st.success if ok else st.error)(text)

with versions_tab:
    table = data.versions_table()
    st.caption(f"保留最近 {data.keep_versions()} 个版本；回退后，各页面在下一次刷新时显示所选版本的数据。")
    components.table(table, hide_index=True, width="stretch")
    older = [v for v in data.versions() if not v.current]
    if older:
        pick = st.selectbox("回退到", [v.path.name for v in older], format_func=data.version_label, key="rollback_pick")
        sure = st.checkbox("我确认回退（当前版本仍保留，可再切回）", key="rollback_sure")
        if st.button("回退", disabled=not sure, key="rollback_go"):
            ok, text = data.rollback(pick, user.username)
            (st.success if ok else st.error)(text)

with calendar_tab:
    st.markdown("国务院办公厅每年发布下一年的放假通知后，在这里录入该年全部放假日和调休上班日。录入后该年不再是“暂定”，"
                "点“刷新数据”页的“重建当前数据”后，所有时限按新日历重新计算。")
    year = st.number_input("年份", min_value=2020, max_value=2100, value=data.notice_year_default(), key="notice_year")
    edited = st.data_editor(data.notice_draft(int(year)), num_rows="dynamic", hide_index=True, key=f"notice_{year}",
                            column_config=data.NOTICE_COLUMNS, width="stretch")
    if st.button("保存放假通知", key="notice_save", type="primary"):
        ok, text = data.save_notice(int(year), edited, user.username)
        (st.success if ok else st.error)(text)
