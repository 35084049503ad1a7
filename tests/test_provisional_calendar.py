"""A year the holiday library lacks (chinese-calendar 1.11 stops at 2026) gets a provisional
calendar computed from 《全国年节及纪念日放假办法》, flagged 暂定, until the notice is entered.

2027 by hand, from the law and a printed almanac (万年历):
  元旦 1 Jan (Fri).
  春节: 正月初一 is Sat 6 Feb 2027, so 除夕 (腊月廿九) Fri 5 Feb … 初三 Mon 8 Feb; Sat 6 and Sun 7
        fall on the weekend → 补假 Tue 9 and Wed 10 Feb.
  清明: the solar term falls on Mon 5 Apr.
  劳动节 Sat 1 and Sun 2 May → 补假 Mon 3 and Tue 4 May.
  端午 (五月初五) Wed 9 Jun; 中秋 (八月十五) Wed 15 Sep.
  国庆 Fri 1, Sat 2, Sun 3 Oct → 补假 Mon 4 and Tue 5 Oct.
"""

from datetime import date

import duckdb
import numpy as np
import pytest

from dashboard.store.holidays import main as holidays_main, provisional_holidays, statutory_days
from dashboard.store.workdays import library_years, read_override, WorkdayCalendar

DAYS_OFF_2027 = {
    date(2027, 1, 1): "元旦",
    date(2027, 2, 5): "春节", date(2027, 2, 6): "春节", date(2027, 2, 7): "春节", date(2027, 2, 8): "春节",
    date(2027, 2, 9): "春节", date(2027, 2, 10): "春节",
    date(2027, 4, 5): "清明节",
    date(2027, 5, 1): "劳动节", date(2027, 5, 2): "劳动节", date(2027, 5, 3): "劳动节", date(2027, 5, 4): "劳动节",
    date(2027, 6, 9): "端午节",
    date(2027, 9, 15): "中秋节",
    date(2027, 10, 1): "国庆节", date(2027, 10, 2): "国庆节", date(2027, 10, 3): "国庆节",
    date(2027, 10, 4): "国庆节", date(2027, 10, 5): "国庆节",
}
MAKEUP_2027 = {date(2027, 2, 9), date(2027, 2, 10), date(2027, 5, 3), date(2027, 5, 4),
               date(2027, 10, 4), date(2027, 10, 5)}


def test_the_library_still_stops_before_2027():
    """The premise: if chinese-calendar learns 2027, these tests must be revisited."""
    assert library_years()[1] == 2026


def test_2027_days_off_follow_the_law():
    days = provisional_holidays(2027)
    assert {h.day: h.name for h in days} == DAYS_OFF_2027
    assert {h.day for h in days if h.kind == "makeup"} == MAKEUP_2027
    assert len(statutory_days(2027)) == 13  # 1 + 4 + 1 + 2 + 1 + 1 + 3 days in the law


@pytest.mark.parametrize("year", [2025, 2026])
def test_the_law_computation_matches_the_official_years(year):
    """Each day the law fixes is a day off in the State Council's notice, as the library has it."""
    import chinese_calendar

    for day, name in statutory_days(year):
        assert not chinese_calendar.is_workday(day), (day, name)


def test_a_holiday_on_a_holiday_earns_a_makeup_day():
    """2028: 中秋 (八月十五) falls on 3 Oct, a 国庆 day, and 国庆 starts on Sunday 1 Oct:
    two 补假 days after the block, Wed 4 and Thu 5 Oct."""
    oct_2028 = [h for h in provisional_holidays(2028) if h.day.month == 10]
    assert [h.day.day for h in oct_2028] == [1, 2, 3, 4, 5]
    assert [h.kind for h in oct_2028] == ["statutory", "statutory", "statutory", "makeup", "makeup"]


@pytest.fixture(scope="module")
def winter():
    return WorkdayCalendar.build(date(2026, 12, 1), date(2027, 3, 31))


def test_2027_is_provisional_not_uncovered(winter):
    assert winter.provisional_years() == [2027]
    assert winter.uncovered_years() == []
    assert winter.provisional_years([date(2026, 12, 31)]) == []
    assert not winter.is_workday_on(date(2027, 1, 1))
    assert winter.is_workday_on(date(2027, 1, 4))
    assert not winter.is_workday_on(date(2027, 2, 10))  # 补假
    assert winter.is_workday_on(date(2027, 2, 11))


def test_a_ticket_spanning_new_year_2027(winter):
    """Created Wed 30 Dec 2026, 7 working days: 31 Dec, 4, 5, 6, 7, 8 and 11 Jan (1 Jan is 元旦)."""
    due = winter.deadline(np.array(["2026-12-30T10:00:00"], dtype="datetime64[s]"), 7, "working_days")
    assert due[0] == np.datetime64("2027-01-11T23:59:59")


def test_a_ticket_before_spring_festival_2027(winter):
    """Created Thu 4 Feb 2027, 3 working days: 5–10 Feb are off, so 11, 12 and Mon 15 Feb."""
    due = winter.deadline(np.array(["2027-02-04T16:00:00"], dtype="datetime64[s]"), 3, "working_days")
    assert due[0] == np.datetime64("2027-02-15T23:59:59")


def test_entering_the_notice_replaces_the_provisional_year(tmp_path):
    """A notice (here a made-up one) with 1–3 Jan off and Sat 9 Jan a 调休 working day."""
    override = tmp_path / "override.csv"
    override.write_text("date,is_workday,name\n2027-01-01,0,元旦\n2027-01-02,0,元旦\n2027-01-03,0,元旦\n"
                        "2027-01-09,1,调休上班\n", encoding="utf-8")
    cal = WorkdayCalendar.build(date(2026, 12, 1), date(2027, 3, 31), override)
    assert cal.provisional_years() == [] and cal.uncovered_years() == []
    assert cal.is_workday_on(date(2027, 1, 9))
    assert cal.is_workday_on(date(2027, 2, 10))  # no longer a provisional 补假: the notice is the rule
    # 30 Dec + 7 working days now counts Sat 9 Jan: 31 Dec, 4, 5, 6, 7, 8, 9 Jan.
    due = cal.deadline(np.array(["2026-12-30T10:00:00"], dtype="datetime64[s]"), 7, "working_days")
    assert due[0] == np.datetime64("2027-01-09T23:59:59")


def test_the_draft_printed_for_the_notice_is_a_valid_override_file(tmp_path, capsys):
    assert holidays_main(["2027", "--csv"]) == 0
    draft = tmp_path / "draft.csv"
    draft.write_text(capsys.readouterr().out, encoding="utf-8")
    rows = read_override(draft)
    assert {d for d, (workday, _) in rows.items() if not workday} == set(DAYS_OFF_2027)
    assert rows[date(2027, 2, 9)][1] == "春节（补假）"


@pytest.fixture(scope="module")
def december_city(tmp_path_factory):
    """The failing path of the issue: the sample city with 数据截至 2026-12-20 18:00."""
    from sample_data.generate import main as generate

    out = tmp_path_factory.mktemp("dec") / "x.duckdb"
    assert generate(["--scale", "tiny", "--seed", "1", "--out", str(out), "--as-of", "2026-12-20 18:00:00"]) == 0
    return out


def test_a_build_after_mid_december_2026_succeeds_and_records_the_provisional_year(december_city):
    with duckdb.connect(str(december_city), read_only=True) as con:
        meta = dict(con.execute("SELECT key, value FROM meta").fetchall())
        assert meta["calendar_provisional_years"] == "2027"
        row = con.execute("SELECT is_workday, holiday_name, source FROM workday_calendar WHERE day = DATE '2027-01-01'").fetchall()
        assert row == [(False, "元旦", "provisional")]


def test_pages_whose_deadlines_depend_on_it_say_so(december_city, monkeypatch):
    from tests.conftest import ROOT
    from tests.pages import run_page

    monkeypatch.setenv("DASHBOARD_DB", str(december_city))
    monkeypatch.setenv("DASHBOARD_CONFIG", str(ROOT / "config" / "settings.toml"))
    notices = lambda at: [i.value for i in at.info if "暂定" in i.value]  # noqa: E731
    for page in ("overview", "tickets", "map"):
        shown = notices(run_page(page))
        assert len(shown) == 1, page
        assert "2027 年的法定节假日为暂定" in shown[0].replace("*", "") and "config/calendar_override.csv" in shown[0]
        assert "python -m dashboard.store.holidays 2027 --csv" in shown[0]
    for page in ("orgs", "assessment"):  # no working-day deadlines on these pages
        assert notices(run_page(page)) == [], page
