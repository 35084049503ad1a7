"""Honest comparisons: equal elapsed windows (本月 to the data moment against 上月 to the same day and
time), no comparison against a period before the data (对比期无数据), and the relative change of counts.
Values are worked out by hand in each docstring from tests/fixtures/city/tickets.csv."""

import shutil
from datetime import datetime

import pandas as pd

from dashboard.core.filters import comparison_period, Filters, preset_period
from tests.conftest import FIXTURE_AS_OF, FIXTURE_DIR
from tests.pages import kpi, run_page


def test_the_comparison_stops_at_the_same_time_of_day():
    """Data to 2026-11-20 18:00: 本月 is [11-01 00:00, 11-20 18:00:01); 环比 is [10-01 00:00, 10-20 18:00:01),
    not the whole of 20 October; 同比 likewise stops at 2025-11-20 18:00. A past month is compared whole."""
    as_of = datetime(2026, 11, 20, 18, 0)
    period = preset_period("this_month", as_of.date())
    for mode, start in (("mom", datetime(2026, 10, 1)), ("yoy", datetime(2025, 11, 1))):
        f = Filters(period, as_of, comparison=comparison_period("this_month", period, mode))
        assert f.bounds() == (datetime(2026, 11, 1), datetime(2026, 11, 20, 18, 0, 1))
        assert f.bounds(f.comparison) == (start, start.replace(day=20, hour=18, second=1))
    assert f.comparison_label == "2025-11-01 至 2025-11-20 18:00"  # the label says where the window stops
    last = preset_period("last_month", as_of.date())
    f = Filters(last, as_of, preset="last_month", comparison=comparison_period("last_month", last, "mom"))
    assert f.bounds(f.comparison) == (datetime(2026, 9, 1), datetime(2026, 10, 1))
    assert f.comparison_label == "2026-09-01 至 2026-09-30"


def test_this_month_against_last_month_to_the_same_hour(tmp_path, monkeypatch):
    """The fixture's data end on 2025-11-10 12:00. Add T21, received on 2025-10-10 at 15:00 (after 12:00).
    本月 (11-01 to 11-10 12:00) received T17 only: 1. 上月 to 10-10 12:00 received T04 (10-09) and T19
    (10-10 11:00): 2 — T21 came later in the day and is not in the window. 受理量 1, 环比 −1（−50.0%）;
    with the whole of 10 October it would have been −2（−66.7%）."""
    from dashboard.store.load import load_folder

    folder = tmp_path / "city"
    shutil.copytree(FIXTURE_DIR, folder)
    tickets = pd.read_csv(folder / "tickets.csv", dtype=str, keep_default_na=False)
    extra = tickets[tickets["ticket_id"] == "T19"].copy()
    extra["ticket_id"], extra["created_at"], extra["signed_at"] = "T21", "2025-10-10 15:00:00", "2025-10-10 15:30:00"
    extra["first_contact_at"], extra["closed_at"] = "2025-10-10 16:00:00", "2025-10-16 10:00:00"
    pd.concat([tickets, extra]).to_csv(folder / "tickets.csv", index=False)
    path = tmp_path / "windows.duckdb"
    load_folder(folder, path, label="测试数据", as_of=FIXTURE_AS_OF)
    monkeypatch.setenv("DASHBOARD_DB", str(path))
    at = run_page("overview", {"period": "this_month", "compare": "mom"})
    created = kpi(at, "受理量")
    assert created.value == "1 件" and created.delta == "-1（-50.0%）"


def test_a_comparison_partly_before_the_data_has_no_arrow(app_env):
    """The fixture's data start on 2025-09-15: October against September (from 09-01) would compare with a
    half-empty month, so every ticket card says 对比期无数据; a stock (社会组织) is still compared."""
    at = run_page("overview", {"period": "custom", "start": "2025-10-01", "end": "2025-10-31", "compare": "mom"})
    for label in ("受理量", "积压", "超期", "按期办结率", "三率综合得分"):
        assert kpi(at, label).delta == "对比期无数据", label
    assert kpi(at, "每万人社会组织数（个/万人）").delta not in (None, "对比期无数据")
