"""Every ticket metric of docs/domain.md「诉求工单」 on the hand-written fixture city.

The expected numbers were worked out by hand from tests/fixtures/city/tickets.csv and
the 2025 calendar (National Day 1–8 Oct; make-up working days Sun 28 Sep, Sat 11 Oct).
Working-day numbers below count from Mon 15 Sep 2025 = 1 (so 30 Sep = 13, 9 Oct = 14,
11 Oct = 16, 31 Oct = 31, 3 Nov = 32, 10 Nov = 37).

October 2025, whole city:
  received (created 1–31 Oct): T02 T03 T04 T05 T06 T07 T08 T09 T12 T13 T14 T15 T16 T19 T20 = 15
  closed in October: T01 T02 T03 T04 T07 T08 T09 T10 T12 T13 T19 = 11
    late: T02 (due 21 Oct, closed 22 Oct), T09 (紧急, due 18 Oct 09:00, closed 20 Oct) → 9 on time
  validly visited among them: all but T07 = 10; contacted 9 (not T12); resolved 8 (not T02, T12);
    满意 6 (T01 T04 T08 T10 T13 T19), 基本满意 2 (T03 T09), 不满意 2
    → 响应率 0.9, 解决率 0.8, 满意率 (6 + 0.8×2)/10 = 0.76, 综合 100×(0.09+0.40+0.304) = 79.4
  open at 1 Nov 00:00: T05 T06 T11 T14 T15 T16 T20 = 7; past due: T05 (22 Oct), T11 (25 Sep) = 2;
    due by the end of the next working day (3 Nov): T06 (3 Nov 23:59:59), T16 (1 Nov 22:00) = 2
  repeat T05 T12 = 2/15; returned T19 = 1/15; extended T04 = 1/15; proactive T13 = 1/15
  handling working days of October closures: 0 1 1 4 6 6 6 7 8 11 15 → median 6, P90 11
  per 1,000 residents: 15 / 11,000 × 1,000
"""

from datetime import datetime

import pandas as pd
import pytest

PARAMS = dict(k=0.8, w_response=0.1, w_resolution=0.5, w_satisfaction=0.4, with_durations=True, with_scope=False,
              on_time_basis="closed",
              compare_start_ts=None, compare_end_ts=None, compare_due_soon_ts=None)
OCTOBER = dict(start_ts=datetime(2025, 10, 1), end_ts=datetime(2025, 11, 1),
               due_soon_ts=datetime(2025, 11, 3, 23, 59, 59), **PARAMS)


def metrics(db, scope="", group_len=0, **period):
    frame = db.query("ticket_metrics", scope=scope, group_len=group_len, **(period or OCTOBER))
    assert set(frame["period"]) == {"now"}
    return {row["area_code"]: row for _, row in frame.iterrows()}


def test_city_october(fixture_database):
    m = metrics(fixture_database)[""]
    assert m["created"] == 15
    assert m["closed"] == 11 and m["closed_on_time"] == 9
    assert m["on_time_rate"] == pytest.approx(9 / 11)
    assert (m["visited"], m["contacted"], m["resolved"], m["satisfied"], m["basic_satisfied"]) == (10, 9, 8, 6, 2)
    assert m["response_rate"] == pytest.approx(0.9)
    assert m["resolution_rate"] == pytest.approx(0.8)
    assert m["satisfaction_rate"] == pytest.approx(0.76)
    assert m["composite_score"] == pytest.approx(79.4)
    assert (m["backlog"], m["overdue"], m["due_soon"]) == (7, 2, 2)
    assert m["repeat_rate"] == pytest.approx(2 / 15)
    assert m["return_rate"] == pytest.approx(1 / 15)
    assert m["extension_rate"] == pytest.approx(1 / 15)
    assert m["proactive_rate"] == pytest.approx(1 / 15)
    assert m["duration_median"] == 6
    assert m["duration_p90"] == pytest.approx(11)
    assert m["per_1000"] == pytest.approx(15 / 11)


def test_ticket_without_follow_up_visit_is_outside_the_three_rates(fixture_database):
    # T07 (东一社区) was closed on time in October but never validly visited: it counts as
    # closed and on time, not in the 三率 denominators.
    m = metrics(fixture_database, "990101001", 12)["990101001001"]
    # 东一 closures in October: T01 T02 T07 T13 (T02 late); visited T01 T02 T13.
    assert (m["closed"], m["closed_on_time"], m["visited"]) == (4, 3, 3)
    assert m["response_rate"] == pytest.approx(1.0)
    assert m["resolution_rate"] == pytest.approx(2 / 3)
    assert m["satisfaction_rate"] == pytest.approx(2 / 3)


def test_districts_october(fixture_database):
    rows = metrics(fixture_database, "", 6)
    jia, yi = rows["990101"], rows["990102"]
    # 甲区: received 11 of 15; closed 9, on time 8; visited 8, contacted 7, resolved 6, 满意 5, 基本满意 1
    assert (jia["created"], jia["closed"], jia["closed_on_time"]) == (11, 9, 8)
    assert jia["composite_score"] == pytest.approx(100 * (0.1 * 7 / 8 + 0.5 * 6 / 8 + 0.4 * (5 + 0.8) / 8))
    assert (jia["backlog"], jia["overdue"]) == (5, 2)
    assert jia["per_1000"] == pytest.approx(11 / 10_000 * 1000)
    # 乙县: T09 T14 T15 T19 received; T09 late, T19 on time; both visited, both resolved, one 基本满意
    assert (yi["created"], yi["closed"], yi["closed_on_time"]) == (4, 2, 1)
    assert yi["composite_score"] == pytest.approx(96.0)
    assert (yi["backlog"], yi["overdue"]) == (2, 0)
    assert yi["per_1000"] == pytest.approx(4.0)


def test_streets_of_a_district_include_streets_without_tickets_as_zero(fixture_database):
    rows = metrics(fixture_database, "990101", 9)
    assert set(rows) == {"990101001", "990101002"}
    # 西街道 (西一社区): received T04 T05 T12; open at month end T05 (overdue)
    assert (rows["990101002"]["created"], rows["990101002"]["backlog"], rows["990101002"]["overdue"]) == (3, 1, 1)
    quiet = metrics(fixture_database, "990101", 9, start_ts=datetime(2025, 10, 2), end_ts=datetime(2025, 10, 3),
                    due_soon_ts=datetime(2025, 10, 9, 23, 59, 59), **PARAMS)
    # 2 Oct is a holiday with no tickets: zero received, rates undefined (not zero)
    assert quiet["990101001"]["created"] == 0
    assert quiet["990101001"]["on_time_rate"] != quiet["990101001"]["on_time_rate"]  # NaN


def test_grid_level_uses_the_ticket_grid(fixture_database):
    rows = metrics(fixture_database, "990101001001", 15)
    # 东一社区 October receipts: T02 T16 T20 in grid 002, T07 T13 in grid 001
    assert rows["990101001001001"]["created"] == 2
    assert rows["990101001001002"]["created"] == 3


def test_backlog_at_the_data_moment(fixture_database):
    # As of 10 Nov 12:00: open T05 T11 T15 T17; overdue T05 T11; T15 due 10 Nov 23:59:59 is due soon;
    # T17 was extended by 5 working days (due 19 Nov) and is neither.
    m = metrics(fixture_database, start_ts=datetime(2025, 11, 1), end_ts=datetime(2025, 11, 10, 12, 0, 1),
                due_soon_ts=datetime(2025, 11, 11, 23, 59, 59), **PARAMS)[""]
    assert (m["backlog"], m["overdue"], m["due_soon"]) == (4, 2, 1)


def test_durations_only_when_asked_for(fixture_database):
    # Pages that do not show handling times skip that scan: the durations are empty, nothing else changes.
    without = metrics(fixture_database, **{**OCTOBER, "with_durations": False})[""]
    assert pd.isna(without["duration_median"]) and pd.isna(without["duration_p90"])
    assert (without["created"], without["closed"], without["backlog"]) == (15, 11, 7)


NOVEMBER = dict(start_ts=datetime(2025, 11, 1), end_ts=datetime(2025, 11, 10, 12, 0, 1),
                due_soon_ts=datetime(2025, 11, 11, 23, 59, 59))


def test_one_query_answers_the_kpi_row_its_comparison_and_the_child_ranking(fixture_database):
    """A page's KPI row (scope now and in the comparison period) and its child ranking in one query."""
    frame = fixture_database.query(
        "ticket_metrics", scope="", group_len=6, **{**PARAMS, **NOVEMBER, "with_scope": True,
                                                   "compare_start_ts": OCTOBER["start_ts"],
                                                   "compare_end_ts": OCTOBER["end_ts"],
                                                   "compare_due_soon_ts": OCTOBER["due_soon_ts"]})
    assert list(zip(frame["period"], frame["area_code"])) == [
        ("now", ""), ("now", "990101"), ("now", "990102"), ("before", "")]  # now first, scope before children
    now, before = frame.iloc[0], frame.iloc[3]
    assert (now["backlog"], now["overdue"], now["due_soon"]) == (4, 2, 1)  # as at the data moment (above)
    # The comparison row is the city's October, worked out in the module docstring.
    assert (before["created"], before["closed"], before["closed_on_time"]) == (15, 11, 9)
    assert before["composite_score"] == pytest.approx(79.4)
    assert (before["backlog"], before["overdue"], before["due_soon"]) == (7, 2, 2)
    assert (before["duration_median"], before["duration_p90"]) == (6, pytest.approx(11))
    # The children are November's: the districts' rows add up to the city's.
    assert frame.iloc[1:3]["created"].sum() == now["created"]
    assert frame.iloc[1:3]["backlog"].sum() == now["backlog"] == 4


def test_scope_row_beside_the_grids(fixture_database):
    """At community scope the children are grids; the scope's own row is the community's total."""
    frame = fixture_database.query("ticket_metrics", scope="990101001001", group_len=15,
                                   **{**OCTOBER, "with_scope": True})
    rows = {r["area_code"]: r for _, r in frame.iterrows()}
    # 东一社区 October receipts: T02 T16 T20 in grid 002, T07 T13 in grid 001 (above)
    assert rows["990101001001"]["created"] == 5
    assert (rows["990101001001001"]["created"], rows["990101001001002"]["created"]) == (2, 3)
    assert list(frame["area_code"])[0] == "990101001001"


def test_repeat_hotspots_rank_communities_and_grids_in_one_query(fixture_database):
    """October's repeat requests: T05 (西一社区, grid 001) and T12 (西一社区, grid 002). 西一 received
    T04 T05 T12 → 2 of 3; each grid 1 repeat: 001 of 2 received (T04 T05), 002 of 1 (T12)."""
    frame = fixture_database.query("repeat_hotspots", scope="", start_ts=OCTOBER["start_ts"],
                                   end_ts=OCTOBER["end_ts"], limit=10)
    rows = [(r["level"], r["area_code"], r["repeats"], r["created"]) for _, r in frame.iterrows()]
    assert rows == [("community", "990101002001", 2, 3),
                    ("grid", "990101002001002", 1, 1),  # 1 of 1 ranks above 1 of 2
                    ("grid", "990101002001001", 1, 2)]
    top = fixture_database.query("repeat_hotspots", scope="", start_ts=OCTOBER["start_ts"],
                                 end_ts=OCTOBER["end_ts"], limit=1)
    assert list(top["level"]) == ["community", "grid"]  # the limit applies to each ranking
