"""Working days on China's statutory calendar, with 调休 make-up days and an override file."""

from datetime import date, datetime

import numpy as np
import pytest

from dashboard.store.workdays import CalendarCoverageError, library_years, WorkdayCalendar


@pytest.fixture(scope="module")
def autumn_2025():
    return WorkdayCalendar.build(date(2025, 9, 1), date(2025, 12, 31))


def test_national_day_2025_is_a_holiday_and_its_make_up_days_are_working_days(autumn_2025):
    assert not autumn_2025.is_workday_on(date(2025, 10, 1))
    assert not autumn_2025.is_workday_on(date(2025, 10, 8))
    assert autumn_2025.is_workday_on(date(2025, 9, 28))  # Sunday, 调休
    assert autumn_2025.is_workday_on(date(2025, 10, 11))  # Saturday, 调休
    assert not autumn_2025.is_workday_on(date(2025, 10, 12))  # ordinary Sunday


def test_working_days_between_dates_skip_the_holiday(autumn_2025):
    # Tue 30 Sep → Thu 9 Oct: the only working day after the 30th is the 9th.
    assert autumn_2025.workdays_between([date(2025, 9, 30)], [date(2025, 10, 9)])[0] == 1
    # Fri 10 Oct → Mon 13 Oct passes the make-up Saturday: 2 working days.
    assert autumn_2025.workdays_between([date(2025, 10, 10)], [date(2025, 10, 13)])[0] == 2


def test_seven_working_day_deadline_spans_national_day(autumn_2025):
    # Created Tue 30 Sep: working days after it are 9, 10, 11 (Sat), 13, 14, 15, 16 Oct.
    due = autumn_2025.deadline(np.array(["2025-09-30T10:00:00"], dtype="datetime64[s]"), 7, "working_days")
    assert due[0] == np.datetime64("2025-10-16T23:59:59")


def test_deadline_counted_from_a_sunday_starts_with_the_next_working_day(autumn_2025):
    due = autumn_2025.deadline(np.array(["2025-10-12T14:00:00"], dtype="datetime64[s]"), 1, "working_days")
    assert due[0] == np.datetime64("2025-10-13T23:59:59")


def test_hour_limits_are_calendar_hours(autumn_2025):
    due = autumn_2025.deadline(np.array(["2025-10-17T09:00:00"], dtype="datetime64[s]"), 24, "hours")
    assert due[0] == np.datetime64("2025-10-18T09:00:00")  # a Saturday: hours do not stop


def test_next_working_day_end_skips_the_weekend(autumn_2025):
    assert autumn_2025.next_workday_end(datetime(2025, 10, 31, 15)) == datetime(2025, 11, 3, 23, 59, 59)


def test_without_the_provisional_calendar_an_unknown_year_is_reported_not_guessed():
    lo, hi = library_years()
    cal = WorkdayCalendar.build(date(hi, 12, 20), date(hi + 1, 1, 10), provisional=False)
    assert cal.uncovered_years() == [hi + 1]
    assert cal.uncovered_years([date(hi, 12, 25)]) == []
    message = str(CalendarCoverageError([hi + 1]))
    assert str(hi + 1) in message and "覆盖文件" in message


def test_override_file_adds_a_year(tmp_path):
    lo, hi = library_years()
    year = hi + 1
    override = tmp_path / "override.csv"
    override.write_text(f"date,is_workday,name\n{year}-01-01,0,元旦\n{year}-01-02,0,元旦\n{year}-01-09,1,调休\n",
                        encoding="utf-8")
    cal = WorkdayCalendar.build(date(year, 1, 1), date(year, 1, 15), override)
    assert cal.uncovered_years() == [] and cal.provisional_years() == []
    assert not cal.is_workday_on(date(year, 1, 1))
    assert not cal.is_workday_on(date(year, 1, 2))
    assert cal.is_workday_on(date(year, 1, 9))  # a Saturday listed as a make-up working day
    weekday = next(d for d in range(3, 9) if date(year, 1, d).weekday() < 5)
    assert cal.is_workday_on(date(year, 1, weekday))


def test_override_file_with_a_bad_date_says_which_line(tmp_path):
    override = tmp_path / "override.csv"
    override.write_text("date,is_workday,name\n2027-13-01,0,x\n", encoding="utf-8")
    with pytest.raises(ValueError, match="第 2 行"):
        WorkdayCalendar.build(date(2027, 1, 1), date(2027, 1, 5), override)
