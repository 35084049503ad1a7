"""Received and closed tickets over time (queries/ticket_trend.sql, read from the daily
summary ticket_daily) on the hand-written fixture city.

From tests/fixtures/city/tickets.csv, period 15 Sep 2025 – the data moment 10 Nov 12:00:
  whole city   received Sep T01 T10 T11 T18 = 4, Oct 15 (see test_ticket_metrics), Nov T17 = 1;
               closed   Sep T18 = 1, Oct 11, Nov T06 (3rd) T14 (4th) T16 (1st) T20 (5th) = 4
  东一社区 990101001001 (T01 T02 T07 T13 T16 T18 T20)
               received Sep T01 T18 = 2, Oct T02 T07 T13 T16 T20 = 5, Nov 0;
               closed   Sep T18 = 1, Oct T01 T02 T07 T13 = 4, Nov T16 T20 = 2
  甲区 990101 on 20 Oct: received T12; closed T07 (T09 closed that day is in 乙县) → 1 and 1;
               on 21 Oct: received T13, closed T03 T13 → 1 and 2; 1–19 Oct outside the window.
"""

from datetime import datetime

START, AS_OF = datetime(2025, 9, 15), datetime(2025, 11, 10, 12, 0)


def trend(db, scope, start_ts, end_ts, bucket):
    frame = db.query("ticket_trend", scope=scope, start_ts=start_ts, end_ts=end_ts, bucket=bucket)
    return [(b.strftime("%Y-%m-%d"), int(c), int(d)) for b, c, d in zip(frame["bucket"], frame["created"], frame["closed"])]


def test_city_by_month(fixture_database):
    assert trend(fixture_database, "", START, AS_OF, "month") == [
        ("2025-09-01", 4, 1), ("2025-10-01", 15, 11), ("2025-11-01", 1, 4)]


def test_community_by_month_reads_community_rows(fixture_database):
    assert trend(fixture_database, "990101001001", START, AS_OF, "month") == [
        ("2025-09-01", 2, 1), ("2025-10-01", 5, 4), ("2025-11-01", 0, 2)]


def test_district_by_day_includes_days_without_tickets(fixture_database):
    rows = trend(fixture_database, "990101", datetime(2025, 10, 19), datetime(2025, 10, 22), "day")
    assert rows == [("2025-10-19", 0, 0), ("2025-10-20", 1, 1), ("2025-10-21", 1, 2)]
