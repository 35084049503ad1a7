"""The app frame in Streamlit's AppTest: KPI row from the registry, filters from the URL,
clear Chinese messages instead of tracebacks."""

from streamlit.testing.v1 import AppTest

from tests.conftest import ROOT
from tests.pages import cards, log_in

OCTOBER = {"period": "custom", "start": "2025-10-01", "end": "2025-10-31", "compare": "mom"}


def run_app(params: dict | None = None) -> AppTest:
    at = AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=60)
    log_in(at, "test_city")
    for k, v in (params or {}).items():
        at.query_params[k] = v
    at.run()
    assert not at.exception, at.exception
    return at


def kpis(at: AppTest) -> dict[str, str]:
    return {c.label: c.value for c in cards(at)}


def test_city_kpi_row_for_october(app_env):
    values = kpis(run_app(OCTOBER))
    assert values["受理量"] == "15 件"
    assert values["积压"] == "7 件"
    assert values["超期"] == "2 件"
    assert values["按期办结率"] == "81.8%"
    assert values["三率综合得分"] == "79.4 分"
    assert values["网格数"] == "8 个"
    assert values["专职网格员配备率"] == "62.5%"
    assert values["每万人社会组织数（个/万人）"] == "3.64"  # registered O01 O02 O03 O08 / 11,000
    assert values["考核平均分"] == "78.5 分"  # 2024 round: (92 + 82 + 78 + 62) / 4
    assert values["不合格数"] == "0 个"


def test_district_scope_from_the_url(app_env):
    at = run_app({**OCTOBER, "district": "990101"})
    values = kpis(at)
    # 甲区: 11 received, 5 open at month end, 8 of 9 closures on time, composite 75.25
    assert values["受理量"] == "11 件" and values["积压"] == "5 件"
    assert values["按期办结率"] == "88.9%" and values["三率综合得分"] == "75.3 分"  # 75.25, 四舍五入
    assert values["考核平均分"] == "84.0 分"  # (92 + 82 + 78) / 3
    assert at.query_params["district"] == "990101"


def test_comparison_change_is_shown_with_its_direction(app_env):
    at = run_app(OCTOBER)
    on_time = next(c for c in cards(at) if c.label == "按期办结率")
    # September 2025 is only partly covered (the data start on 2025-09-15): comparing with it would show
    # −18.2 points against a month with a single closure, so the card says so instead.
    assert on_time.delta == "对比期无数据"


def test_invalid_url_values_warn_and_fall_back(app_env):
    at = run_app({"district": "123456", "period": "fortnight"})
    texts = [w.value for w in at.warning]
    assert "地址中的区县代码“123456”不存在，已忽略。" in texts
    assert any("无法识别" in t for t in texts)
    assert "district" not in at.query_params and at.query_params["period"] == "this_month"


def test_missing_database_shows_the_command_that_builds_it(tmp_path, monkeypatch):
    monkeypatch.setenv("DASHBOARD_DB", str(tmp_path / "nowhere.duckdb"))
    at = run_app()
    assert "找不到数据库文件" in at.error[0].value
    assert any("make demo-db" in c.value for c in at.code)


def test_unreadable_database_file_is_explained(tmp_path, monkeypatch):
    bad = tmp_path / "broken.duckdb"
    bad.write_bytes(b"this is not a database" * 100)
    monkeypatch.setenv("DASHBOARD_DB", str(bad))
    at = run_app()
    assert "无法读取" in at.error[0].value


def _marker(at: AppTest) -> tuple[int, float]:
    """The run marker's run number and the session's server-side script time (ui.run_marker)."""
    import re

    html = next(e.proto.body for e in at.sidebar if type(e).__name__ == "Html" and "run-marker" in e.proto.body)
    run, ms = re.search(r'data-run="(\d+)" data-script-ms="([\d.]+)"', html).groups()
    return int(run), float(ms)


def test_run_marker_counts_runs_and_adds_up_script_time(app_env):
    at = run_app(OCTOBER)
    run, ms = _marker(at)
    assert run == 1 and ms > 0
    at.run()
    assert at.session_state["_run_count"] == 2
    assert at.session_state["_script_ms"] > ms  # the second run's time is added to the first's
