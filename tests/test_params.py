"""Query parameters resolved by name (dashboard/store/params.py) on the fixture city.

Worked out by hand from the fixture's 2025 calendar (National Day 1–8 Oct; make-up working days
Sun 28 Sep and Sat 11 Oct) and the fixture settings (k = 0.8, weights 0.1/0.5/0.4, 即将超期 = 1
working day ahead, aging bounds 3/7/15/30).

October 2025, compared with September (环比 of a custom whole-month period), data as of 10 Nov 12:00:
  start_ts 1 Oct 00:00, end_ts 1 Nov 00:00; the last day, Fri 31 Oct, → 即将超期 up to the end of the
  next working day, Mon 3 Nov 23:59:59.
  September: 1 Sep – 1 Oct; its last day, Tue 30 Sep, is followed by the holiday → Thu 9 Oct 23:59:59.
"""

from datetime import date, datetime

import pytest

from dashboard.core.config import load_settings
from dashboard.core.filters import Filters, Period
from dashboard.store import params
from dashboard.store.workdays import WorkdayCalendar
from tests.conftest import FIXTURE_AS_OF, FIXTURE_CONFIG

OCTOBER = Period(date(2025, 10, 1), date(2025, 10, 31))
SEPTEMBER = Period(date(2025, 9, 1), date(2025, 9, 30))


@pytest.fixture(scope="module")
def calendar(fixture_database):
    return WorkdayCalendar.from_frame(fixture_database.query("workday_calendar"))


def ctx(calendar, district=None, **options) -> params.Context:
    f = Filters(OCTOBER, FIXTURE_AS_OF, district, preset="custom", compare="mom", comparison=SEPTEMBER)
    return params.Context(f, load_settings(FIXTURE_CONFIG), calendar, **options)


def test_ticket_metrics_for_the_city_by_district(calendar):
    p = params.resolve("ticket_metrics", ctx(calendar, group="children", compare=True), with_scope=True)
    assert p["scope"] == "" and p["group_len"] == 6 and p["with_scope"] is True
    assert (p["start_ts"], p["end_ts"]) == (datetime(2025, 10, 1), datetime(2025, 11, 1))
    assert p["due_soon_ts"] == datetime(2025, 11, 3, 23, 59, 59)
    assert (p["compare_start_ts"], p["compare_end_ts"]) == (datetime(2025, 9, 1), datetime(2025, 10, 1))
    assert p["compare_due_soon_ts"] == datetime(2025, 10, 9, 23, 59, 59)  # over the National Day holiday
    assert (p["k"], p["w_response"], p["w_resolution"], p["w_satisfaction"]) == (0.8, 0.1, 0.5, 0.4)
    assert p["with_durations"] is False and p["on_time_basis"] == "closed"


def test_exactly_the_parameters_the_file_names(calendar):
    from dashboard.store.sql import load_query

    for name in ("ticket_metrics", "org_metrics", "community_org_coverage", "backlog_aging", "grid_metrics"):
        assert set(params.resolve(name, ctx(calendar))) == set(load_query(name).params)


def test_no_comparison_unless_asked(calendar):
    p = params.resolve("ticket_metrics", ctx(calendar))
    assert p["compare_start_ts"] is None and p["compare_end_ts"] is None and p["compare_due_soon_ts"] is None
    org = params.resolve("org_metrics", ctx(calendar, district="990101", group="scope"))
    assert (org["scope"], org["group_len"], org["at_date"], org["compare_at_date"]) == ("990101", 6, date(2025, 10, 31), None)
    assert params.resolve("org_metrics", ctx(calendar, compare=True))["compare_at_date"] == date(2025, 9, 30)


def test_asked_about_the_comparison_period(calendar):
    p = params.resolve("ticket_metrics", ctx(calendar, in_comparison=True))
    assert (p["start_ts"], p["end_ts"]) == (datetime(2025, 9, 1), datetime(2025, 10, 1))
    assert p["due_soon_ts"] == datetime(2025, 10, 9, 23, 59, 59)


def test_working_day_age_and_aging_bounds(calendar):
    p = params.resolve("backlog_aging", ctx(calendar))
    # Working days counted from Mon 15 Sep 2025 = 1 (tests/test_ticket_metrics.py): 31 Oct = 31.
    assert p["age_seq"] - int(calendar.seq([date(2025, 9, 15)])[0]) + 1 == 31
    assert p["bounds"] == [3, 7, 15, 30]


def test_settings_from_the_configuration(calendar):
    a = params.resolve("assessment_scores", ctx(calendar), round_id="R2024", previous_round_id="R2023")
    assert a["grade_names"] == ["优秀", "合格", "基本合格"] and a["grade_mins"] == [90.0, 75.0, 60.0]
    t = params.resolve("community_org_targets", ctx(calendar))
    assert (t["urban_target"], t["rural_target"]) == (10, 5)


def test_what_only_the_caller_knows_must_be_given(calendar):
    with pytest.raises(params.UnresolvedParameter, match="limit"):
        params.resolve("supervision_list", ctx(calendar))
    with pytest.raises(params.UnresolvedParameter, match="round_id"):
        params.resolve("assessment_scores", ctx(calendar))
    with pytest.raises(params.UnresolvedParameter, match="no parameters.*'limt'"):
        params.resolve("supervision_list", ctx(calendar), limt=5)


def test_a_given_value_wins(calendar):
    p = params.resolve("ticket_metrics", ctx(calendar), k=0.5, scope="990101")
    assert p["k"] == 0.5 and p["scope"] == "990101" and p["group_len"] == 0


def test_every_query_parameter_is_resolved_or_documented_as_given():
    """Each parameter of every question either follows from the filters/settings or is listed in
    docs/architecture.md among those the caller gives (so a new query's parameter is a conscious choice)."""
    from dashboard.core.config import ROOT
    from dashboard.store.sql import all_queries, load_query

    doc = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
    for name in all_queries():
        for p in load_query(name).params:
            assert p in params.RESOLVERS or f"`{p}`" in doc, f"{name}.${p} is neither resolved nor documented"
