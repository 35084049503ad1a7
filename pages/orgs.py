"""社会组织 — 页面建设中。"""

import streamlit as st

from dashboard import ui

f = ui.page_header("社会组织")
st.info("本页面正在建设中。", icon=":material/construction:")
