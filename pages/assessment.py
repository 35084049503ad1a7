"""居村考核 — 页面建设中。"""

import streamlit as st

from dashboard import ui

f = ui.page_header("居村考核")
st.info("本页面正在建设中。", icon=":material/construction:")
