"""基层治理督查考评看板 — entry point: the router and the frame of every page.

Checks that the database and configuration are usable (a clear Chinese message and
the command to fix it, never a traceback), reads the filters from the URL, draws the
shared sidebar and hands over to the chosen page. The whole run reads one build of the
database (``db.page_run``): a rebuild reaches the next run, never half of this one.
"""

import time

import streamlit as st

from dashboard import shell, warmup
from dashboard.accounts import access
from dashboard.core.config import ConfigError, settings
from dashboard.store import db
from dashboard.ui import state

started = time.perf_counter()  # this run's server-side time goes into shell.run_marker (the benchmark reads it)

# An emoji favicon is drawn locally (a data: URL); a :material/…: favicon is fetched from
# fonts.gstatic.com, which a government intranet cannot reach.
st.set_page_config(page_title="基层治理督查考评看板", page_icon="🏛️", layout="wide")
db.on_new_build(warmup.on_new_build)  # a server warms each build it opens (once per process: a no-op afterwards)
warmup.note_page_run()  # the warm-up of the less-asked views waits for a pause between page runs

with db.page_run():  # one build of the database for the whole run
    try:
        settings()
        db.database()
    except (db.DatabaseUnavailable, ConfigError) as problem:
        st.title("基层治理督查考评看板", anchor=False)
        st.error(str(problem), icon=":material/database_off:")
        st.markdown("生成示例数据库（约 30 秒）：")
        st.code(db.BUILD_COMMAND, language="bash")
        st.markdown("或导入本市数据（文件格式见 `docs/data_model.md`）：")
        st.code("python -m dashboard.store.load --source 数据文件夹 --out data/city.duckdb", language="bash")
        st.stop()

    # The pages are registered before the login so that a deep link (/tickets?…) survives it;
    # none runs, no filter is read and no query is asked before require_user.
    page, pages = shell.navigation(access.session_username())
    user = access.require_user()
    filters = state.init()
    if page.url_path != "present":  # presentation mode shows no sidebar or chrome
        shell.sidebar(pages, filters, user)
    access.watermark()
    access.audit_view(page.url_path or "overview", filters)
    try:
        page.run()
    except access.ScopeDenied:
        st.error("该内容不在您的账号权限范围内，已拒绝。请从左侧选择您有权查看的区域。", icon=":material/block:")
    shell.run_marker(started)
