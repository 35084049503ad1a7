"""承办单位 (the tickets' 主办单位) ranked beside the areas, on the fixture city, October 2025, 按期办结率 on the
closed-tickets basis (the fixture's settings; tests/test_ticket_metrics.py has the calendar and each ticket's
time limit). From tests/fixtures/city/tickets.csv:

  closed in October, by 主办单位 (late ones marked):
    东街道办事处  T01 T02(late) T03 T07 T13   → 5 closed, 4 on time = 80.0 %
                  visited T01 T02 T03 T13 = 4, contacted 4, resolved 3 (not T02), 满意 T01 T13, 基本满意 T03
                  → 响应率 100 %, 解决率 75 %, 满意率 (2 + 0.8) / 4 = 70 %, 综合 100×(0.1 + 0.375 + 0.28) = 75.5
    西街道办事处  T10 T12                     → 2 / 2 = 100 %; visited 2, contacted 1 (not T12)
    区市场监管局 T04, 区交通支队 T08, 乙县市场监管局 T19 → 1 / 1 each; 乙县水务局 T09(late) → 0 / 1
    南镇人民政府  none closed (T14 T15 open)  → no rate: 无数据
  open at 1 Nov 00:00 (积压) and past their limit (超期):
    东街道办事处 T06 T11 T20 → 3, overdue T11; 西街道办事处 T05 → 1, overdue T05; 南镇人民政府 T14 T15 → 2, 0;
    区交通支队 T16 → 1, 0
Only the scope's tickets count: in 东街道 (990101001) the units at work are 东街道办事处 (the same 5 closed, T06 T11
T20 open) and 区交通支队 (T08 closed, T16 open); 西街道办事处, 南镇人民政府 and the 乙县 bureaus are not there.
"""

from dataclasses import replace
from datetime import datetime

import pytest

from dashboard.core import ranking
from dashboard.core.config import load_settings
from dashboard.core.metrics import metric
from tests.conftest import FIXTURE_CONFIG
from tests.pages import run_page

OCTOBER = {"period": "custom", "start": "2025-10-01", "end": "2025-10-31", "compare": "mom"}
PARAMS = dict(start_ts=datetime(2025, 10, 1), end_ts=datetime(2025, 11, 1), on_time_basis="closed", k=0.8,
              w_response=0.1, w_resolution=0.5, w_satisfaction=0.4)


def units(db, scope=""):
    frame = db.query("handling_unit_metrics", scope=scope, **PARAMS)
    frame.insert(0, "area_code", frame["handling_unit"])
    frame.insert(1, "area_name", frame["handling_unit"])
    return frame


def test_counts_and_rates_by_handling_unit(fixture_database):
    rows = {r["handling_unit"]: r for _, r in units(fixture_database).iterrows()}
    assert sorted(rows) == sorted(["东街道办事处", "西街道办事处", "区市场监管局", "区交通支队", "乙县市场监管局", "乙县水务局",
                                   "南镇人民政府"])
    east = rows["东街道办事处"]
    assert (east["closed"], east["on_time_num"], east["on_time_den"], east["backlog"], east["overdue"]) == (5, 4, 5, 3, 1)
    assert (east["visited"], east["contacted"], east["resolved"], east["satisfied"], east["basic_satisfied"]) == (4, 4, 3, 2, 1)
    assert east["on_time_rate"] == pytest.approx(0.8)
    assert east["satisfaction_rate"] == pytest.approx(0.7) and east["composite_score"] == pytest.approx(75.5)
    west = rows["西街道办事处"]
    assert (west["closed"], west["on_time_num"], west["backlog"], west["overdue"]) == (2, 2, 1, 1)
    assert west["response_rate"] == pytest.approx(0.5)
    assert rows["乙县水务局"]["on_time_rate"] == 0
    assert rows["南镇人民政府"]["on_time_den"] == 0 and rows["南镇人民政府"]["on_time_rate"] != rows["南镇人民政府"]["on_time_rate"]
    # The units add up to the city's figures (tests/test_ticket_metrics.py: 11 closed, 9 on time, backlog 7, 2 overdue).
    total = units(fixture_database)
    assert (total["closed"].sum(), total["on_time_num"].sum(), total["backlog"].sum(), total["overdue"].sum()) == (11, 9, 7, 2)


def test_the_same_fairness_rules_as_the_area_boards(fixture_database):
    """With 按期办结率 needing at least 2 in its denominator, the four units with a single closure are 样本不足
    (unranked, after the ranked ones, on no board) and 南镇人民政府 (nothing closed) is 无数据, last: 西街道办事处
    100 % is 第 1 名, 东街道办事处 80 % (below the 90 % line) 第 2 名 and alone on the 黑榜."""
    cfg = replace(load_settings(FIXTURE_CONFIG), min_sample={"on_time_rate": 2})
    on_time = metric("on_time_rate")
    order = ranking.standings(units(fixture_database), on_time, cfg)
    assert [(s.name, s.rank_text, s.value_text) for s in order] == [
        ("西街道办事处", "第 1 名", "100.0%"), ("东街道办事处", "第 2 名", "80.0%"),
        ("乙县市场监管局", "样本不足", "100.0%"), ("乙县水务局", "样本不足", "0.0%"), ("区交通支队", "样本不足", "100.0%"),
        ("区市场监管局", "样本不足", "100.0%"), ("南镇人民政府", "无数据", "无数据")]
    b = ranking.boards(units(fixture_database), on_time, "承办单位", n=3, cfg=cfg)
    assert [s.name for s in b.red.rows] == ["西街道办事处"] and [s.name for s in b.black.rows] == ["东街道办事处"]
    assert "4 个承办单位样本不足" in b.rule


def test_overdue_counts_tie_and_split_by_the_alert_line(fixture_database):
    """超期 (fewer is better, the line is 0): the five units without an overdue ticket share 第 1 名 and the red
    board; 东街道办事处 and 西街道办事处 (1 each) share 第 6 名 and are the 黑榜."""
    frame = units(fixture_database)
    order = ranking.standings(frame, metric("overdue"))
    assert [s.rank_text for s in order] == ["并列第 1 名"] * 5 + ["并列第 6 名"] * 2
    assert {s.name for s in order[5:]} == {"东街道办事处", "西街道办事处"}
    b = ranking.boards(frame, metric("overdue"), "承办单位", n=3)
    assert {s.name for s in b.black.rows} == {"东街道办事处", "西街道办事处"} and not b.red_codes & b.black_codes


def test_a_street_sees_only_the_units_at_work_in_its_street(fixture_database, app_env):
    """东街道's account: the 承办单位 table of the 诉求工单 page lists 东街道办事处 and 区交通支队 with their figures in
    东街道 only (区交通支队 100 %, 第 1 名; 东街道办事处 80 %), none of the other street's or district's units."""
    rows = units(fixture_database, "990101001")
    assert list(rows["handling_unit"]) == ["东街道办事处", "区交通支队"]
    at = run_page("tickets", OCTOBER, user="test_street")
    table = next(d.value for d in at.dataframe if "承办单位" in d.value.columns)
    assert list(table["承办单位"]) == ["区交通支队", "东街道办事处"]
    assert list(table["名次"]) == ["第 1 名", "第 2 名"]
    assert list(table["按期办结率"]) == [100.0, 80.0] and list(table["超期"]) == [0, 1]
    assert not any("区域" in str(e.value) for e in at.error)
    # The street's account has no 督办 button: it does not issue.
    assert not [b for b in at.button if b.key and "duban" in b.key]


def test_a_street_cannot_ask_for_the_handling_units_outside_its_area(app_env):
    """The query layer's lock (dashboard/accounts/access.py) refuses another street's or the city's scope."""
    from streamlit.testing.v1 import AppTest

    def script():
        from datetime import datetime

        import streamlit as st

        from dashboard.accounts import access
        from dashboard.store import db

        st.session_state["_auth_root"] = "990101001"
        for scope in ("990101001", "990101002", ""):
            try:
                rows = db.query("handling_unit_metrics", scope=scope, start_ts=datetime(2025, 10, 1),
                                end_ts=datetime(2025, 11, 1), on_time_basis="closed", k=0.8, w_response=0.1,
                                w_resolution=0.5, w_satisfaction=0.4)
            except access.ScopeDenied:
                st.write(f"denied {scope or 'city'}")
            else:
                st.write(f"ran {scope}: {', '.join(rows['handling_unit'])}")

    at = AppTest.from_function(script).run()
    assert [m.value for m in at.markdown] == ["ran 990101001: 东街道办事处, 区交通支队", "denied 990101002", "denied city"]
