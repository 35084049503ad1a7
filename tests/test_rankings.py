"""Fair rankings (dashboard.core.ranking): the 红榜 and 黑榜 never share a unit and follow the alert line,
ties share a rank, a unit below the minimum sample is 样本不足 (unranked, last, on no board, grey on
the map), the rank change against the comparison period. Values are worked out in each docstring."""

from dataclasses import replace

import pandas as pd

from dashboard.core import ranking
from dashboard.core.config import load_settings
from dashboard.core.metrics import metric
from dashboard.ui import maps
from tests.conftest import FIXTURE_CONFIG
from tests.pages import run_page
from tests.test_map_page import drawn_areas, map_page

SCORE = metric("composite_score")  # alert line 85, higher is better


def units(*rows) -> pd.DataFrame:
    """(name, composite score, 有效回访) → a child-area frame; codes A, B, C… in the given order."""
    return pd.DataFrame({"area_code": [chr(65 + i) for i in range(len(rows))], "area_name": [r[0] for r in rows],
                         "composite_score": [r[1] for r in rows], "visited": [r[2] for r in rows]})


def cfg(**changes):
    return replace(load_settings(FIXTURE_CONFIG), min_sample={"composite_score": 30}, **changes)


DEMO_CITY = units(("清源市", 93.01, 621), ("玉泉区", 92.75, 1342), ("鹤田县", 92.47, 566), ("白鹭区", 90.75, 1182),
                  ("西津区", 87.34, 1276), ("兰溪县", 75.75, 557))


def test_a_unit_above_the_alert_line_is_never_on_the_black_board():
    """The demo city's six districts, five per board: the old boards split the list in half and put 白鹭区
    (90.8, above the 85 line) on the 黑榜. Now only 兰溪县 (75.7 < 85) is on it, and the board says
    "仅 1 个低于预警线"; the 红榜 holds the five at or above the line; no unit is on both."""
    b = ranking.boards(DEMO_CITY, SCORE, "区县", n=5, cfg=cfg())
    assert [s.name for s in b.black.rows] == ["兰溪县"] and b.black.note == "仅 1 个低于预警线"
    assert [s.name for s in b.red.rows] == ["清源市", "玉泉区", "鹤田县", "白鹭区", "西津区"] and b.red.note == ""
    assert not b.red_codes & b.black_codes
    assert [s.rank_text for s in b.red.rows] == ["第 1 名", "第 2 名", "第 3 名", "第 4 名", "第 5 名"]


def test_a_unit_below_the_line_is_never_on_the_red_board():
    """A district's eight streets, two below 85 (德山镇 82.8, 竹埠镇 77.9), five per board: the old split put
    them on the 红榜 of a weak district. Now the 红榜 has the six at or above the line cut to five, the 黑榜
    the two below it, worst first."""
    streets = units(("甲", 88.0, 40), ("乙", 86.1, 40), ("丙", 91.0, 40), ("德山镇", 82.8, 40), ("丁", 85.0, 40),
                    ("竹埠镇", 77.9, 40), ("戊", 89.5, 40), ("己", 86.0, 40))
    b = ranking.boards(streets, SCORE, "街道/乡镇", n=5, cfg=cfg())
    assert [s.name for s in b.red.rows] == ["丙", "戊", "甲", "乙", "己"]  # 85.0 (丁) is at the line: 6th
    assert [s.name for s in b.black.rows] == ["竹埠镇", "德山镇"] and b.black.note == "仅 2 个低于预警线"
    assert [s.rank_text for s in b.black.rows] == ["第 8 名", "第 7 名"]


def test_no_unit_below_the_line_leaves_the_black_board_empty_and_says_so():
    b = ranking.boards(units(("甲", 95.0, 40), ("乙", 90.0, 40)), SCORE, "区县", n=5, cfg=cfg())
    assert b.black.rows == [] and b.black.note == "没有低于预警线的区县"
    assert b.red.note == "仅 2 个区县达到预警线"


def test_a_city_can_rank_the_last_places_regardless():
    """rank_last_regardless = true: the 黑榜 lists the last places even above the line; with six ranked units
    and five asked for, each board takes three so that they stay disjoint (白鹭区 90.8 is then 黑榜 3rd)."""
    b = ranking.boards(DEMO_CITY, SCORE, "区县", n=5, cfg=cfg(rank_last_regardless=True))
    assert [s.name for s in b.red.rows] == ["清源市", "玉泉区", "鹤田县"]
    assert [s.name for s in b.black.rows] == ["兰溪县", "西津区", "白鹭区"]
    assert "末位不论是否越过预警线" in b.rule


def test_ties_share_a_rank_compared_as_displayed():
    """88.04 and 88.0 are both shown as 88.0: 并列第 2 名, and the next is 4th (competition ranking). A tie at
    the board's last place is not cut: with two per board both tied units are on the 红榜."""
    frame = units(("甲", 90.0, 40), ("乙", 88.04, 40), ("丙", 88.0, 40), ("丁", 80.0, 40))
    order = ranking.standings(frame, SCORE, cfg())
    assert [(s.name, s.rank_text) for s in order] == [("甲", "第 1 名"), ("乙", "并列第 2 名"), ("丙", "并列第 2 名"),
                                                      ("丁", "第 4 名")]
    b = ranking.boards(frame, SCORE, "区县", n=2, cfg=cfg())
    assert [s.name for s in b.red.rows] == ["甲", "乙", "丙"]


def test_a_small_sample_is_not_ranked_and_goes_on_no_board():
    """A community with 2 有效回访 scoring 100 ranked 1/13 before. With 有效回访 ≥ 30 it is 样本不足: listed
    after the ranked units, no rank, on no board; the others are ranked 1, 2 without it."""
    frame = units(("小样本", 100.0, 2), ("甲", 90.0, 40), ("乙", 70.0, 31))
    order = ranking.standings(frame, SCORE, cfg())
    assert [(s.name, s.rank_text) for s in order] == [("甲", "第 1 名"), ("乙", "第 2 名"), ("小样本", "样本不足")]
    b = ranking.boards(frame, SCORE, "社区/村", n=5, cfg=cfg())
    assert "小样本" not in {s.name for s in b.red.rows + b.black.rows}
    assert "1 个社区/村样本不足（分母少于 30）" in b.rule


def test_the_rank_change_against_the_comparison_period():
    """Now 甲 1, 乙 2, 丙 3; before 乙 1, 甲 2 and 丙 unranked (样本不足): 甲 ↑1, 乙 ↓1, 丙 新上榜."""
    now = units(("甲", 95.0, 40), ("乙", 90.0, 40), ("丙", 86.0, 40))
    before = units(("甲", 88.0, 40), ("乙", 92.0, 40), ("丙", 99.0, 3))
    b = ranking.boards(now, SCORE, "区县", n=5, cfg=cfg(), previous=before)
    assert [(s.name, s.change) for s in b.red.rows] == [("甲", "↑1"), ("乙", "↓1"), ("丙", "新上榜")]


def test_small_samples_on_the_fixture_pages(fixture_db, monkeypatch, tmp_path):
    """October 2025 in the fixture city: 乙县 has 2 有效回访 (96.0), 甲区 8 (75.25). With 有效回访 ≥ 3 for the
    composite score 乙县 is 样本不足: the overview ranks only 甲区 (黑榜, below 85) and the 红榜 says nobody
    reached the line; on the map 乙县 is the 样本不足 grey and its tooltip says it is not ranked."""
    text = FIXTURE_CONFIG.read_text(encoding="utf-8").replace("composite_score = 0", "composite_score = 3")
    (tmp_path / "settings.toml").write_text(text, encoding="utf-8")
    monkeypatch.setenv("DASHBOARD_CONFIG", str(tmp_path / "settings.toml"))
    monkeypatch.setenv("DASHBOARD_DB", str(fixture_db))
    october = {"period": "custom", "start": "2025-10-01", "end": "2025-10-31", "compare": "mom"}
    at = run_page("overview", october)
    buttons = [b.label for b in at.button]
    assert "第 1 名　甲区　75.3 分" in buttons and not any("乙县" in b for b in buttons)
    assert any(c.value == "没有达到预警线的区县" for c in at.caption)
    look = drawn_areas(map_page())
    assert look["990102"]["s"]["fillColor"] == maps.SMALL_SAMPLE and "样本不足，不参与排名" in look["990102"]["t"]
    assert "第 1 / 1 名" in look["990101"]["t"]


# -- 连续 N 期上黑榜 ------------------------------------------------------------------------------------------------
def test_three_periods_in_a_row_on_the_black_board():
    """丙 is below 85 now (70.0) and in each of the two periods before (72.0, 80.0): 连续 3 期上黑榜. 乙 is below
    the line now (84.0) and was a period ago (84.9 shows as 84.9 < 85), but not two periods ago (85.0 is at the
    line: never on the 黑榜): 连续 2 期. 甲 is above the line throughout and is never counted."""
    now = units(("甲", 95.0, 40), ("乙", 84.0, 40), ("丙", 70.0, 40))
    one_before = units(("甲", 93.0, 40), ("乙", 84.9, 40), ("丙", 72.0, 40))
    two_before = units(("甲", 90.0, 40), ("乙", 85.0, 40), ("丙", 80.0, 40))
    b = ranking.boards(now, SCORE, "区县", n=5, cfg=cfg(), history=[one_before, two_before])
    assert [(s.name, s.streak, s.streak_text) for s in b.black.rows] == [
        ("丙", 3, "连续 3 期上黑榜"), ("乙", 2, "连续 2 期上黑榜")]
    assert [(s.name, s.streak_text) for s in b.red.rows] == [("甲", "")]


def test_a_gap_resets_the_streak():
    """丙 was on the 黑榜 now and two periods ago, but a period ago it scored 86.0 (above the line): the streak is
    1 and nothing is shown — the period two before does not count across the gap."""
    now = units(("甲", 95.0, 40), ("丙", 70.0, 40))
    b = ranking.boards(now, SCORE, "区县", n=5, cfg=cfg(),
                       history=[units(("甲", 95.0, 40), ("丙", 86.0, 40)), units(("甲", 95.0, 40), ("丙", 70.0, 40))])
    assert [(s.name, s.streak, s.streak_text) for s in b.black.rows] == [("丙", 1, "")]


def test_the_earlier_boards_use_the_same_fairness_rules():
    """Earlier periods get their own 黑榜 by the same rules. A period ago 丙 had 3 有效回访 (样本不足 with ≥ 30:
    on no board) — its streak stops there although its 60.0 was the worst. A unit above the line at last place
    (乙 88.0 behind 甲 99.0 two periods ago) is not on that 黑榜 either. A period without data (None, e.g. before
    the data start) stops every streak; so does a board of only the N worst below the line (n = 1: 丁, not 戊)."""
    now = units(("甲", 95.0, 40), ("乙", 80.0, 40), ("丙", 70.0, 40))
    b = ranking.boards(now, SCORE, "区县", n=5, cfg=cfg(),
                       history=[units(("甲", 95.0, 40), ("乙", 80.0, 40), ("丙", 60.0, 3)),
                                units(("甲", 99.0, 40), ("乙", 88.0, 40), ("丙", 70.0, 40))])
    assert [(s.name, s.streak) for s in b.black.rows] == [("丙", 1), ("乙", 2)]
    b = ranking.boards(now, SCORE, "区县", n=5, cfg=cfg(), history=[None, now])
    assert [s.streak for s in b.black.rows] == [1, 1]
    now = units(("甲", 95.0, 40), ("丁", 60.0, 40), ("戊", 70.0, 40))
    b = ranking.boards(now, SCORE, "区县", n=1, cfg=cfg(), history=[now, now])
    assert [(s.name, s.streak) for s in b.black.rows] == [("丁", 3)]
    b = ranking.boards(units(("甲", 95.0, 40), ("丁", 90.0, 40), ("戊", 60.0, 40)), SCORE, "区县", n=1, cfg=cfg(),
                       history=[now])
    assert [(s.name, s.streak) for s in b.black.rows] == [("戊", 1)]  # a period ago only 丁 was on the 1-place 黑榜


def test_earlier_periods_are_of_the_same_kind():
    """本月 (to the 20th) looks back over whole months, 本季度 over quarters, 近30天 over 30-day windows; a
    custom period that is one whole month counts as a month; any other custom period has none before it."""
    from datetime import date

    from dashboard.core.filters import earlier_periods, Period, preset_period

    as_of = date(2026, 11, 20)
    assert earlier_periods("this_month", preset_period("this_month", as_of), 2) == [
        Period(date(2026, 10, 1), date(2026, 10, 31)), Period(date(2026, 9, 1), date(2026, 9, 30))]
    assert earlier_periods("this_quarter", preset_period("this_quarter", as_of), 1) == [
        Period(date(2026, 7, 1), date(2026, 9, 30))]
    assert earlier_periods("last_30d", preset_period("last_30d", as_of), 1) == [
        Period(date(2026, 9, 22), date(2026, 10, 21))]  # 30 days before 2026-10-22 … 11-20
    assert earlier_periods("custom", Period(date(2026, 3, 1), date(2026, 3, 31)), 1) == [
        Period(date(2026, 2, 1), date(2026, 2, 28))]
    assert earlier_periods("custom", Period(date(2026, 3, 2), date(2026, 3, 31)), 6) == []


def test_the_earlier_months_come_from_one_query_on_the_fixture(fixture_db, monkeypatch):
    """本月 of the fixture (数据截至 2025-11-10 12:00): the month before is October, the one before that starts
    before the data (15 September) and has no board (None). October by hand (tests/test_bulletin.py): 甲区 8
    有效回访, 7 contacted, 6 resolved, 5 满意 + 1 基本满意 → 100 × (0.1×0.875 + 0.5×0.75 + 0.4×0.725) = 75.25;
    乙县 2 有效回访, both contacted and resolved, 1 满意 + 1 基本满意 → 100 × (0.1 + 0.5 + 0.4×0.9) = 96.0."""
    from dashboard.core.filters import parse_filters
    from dashboard.data import overview
    from dashboard.store import db

    monkeypatch.setenv("DASHBOARD_DB", str(fixture_db))
    with db.page_run():
        f, _ = parse_filters({"period": "this_month"}, db.areas(), db.as_of(), db.data_start())
        october, september = overview.ticket_history(f)
    assert september is None
    rows = october.set_index("area_code")
    assert rows.loc["990101", ["visited", "contacted", "resolved", "satisfied", "basic_satisfied"]].tolist() == [8, 7, 6, 5, 1]
    assert SCORE.format(rows.loc["990101", "composite_score"]) == "75.3 分"  # 75.25 half-up
    assert rows.loc["990102", "visited"] == 2 and SCORE.format(rows.loc["990102", "composite_score"]) == "96.0 分"


# -- 居村考核: the previous round ------------------------------------------------------------------------------------
def test_assessment_boards_compare_with_the_previous_round(app_env):
    """The fixture's rounds R2023 → R2024 (totals by hand from tests/fixtures/city/assessment_scores.csv):
    东一 88 → 92, 东二 91 → 82, 西一 72 → 78, 南村 56 → 62. 考核总分 has no alert line, so the four committees
    split two and two: 红榜 东一 (1st, was 2nd: ↑1), 东二 (2nd, was 1st: ↓1); 黑榜 南村 (4th both rounds: 持平),
    西一 (3rd both rounds: 持平), both on the 黑榜 of R2023 too: 连续 2 期上黑榜. Districts' averages: 甲区
    (92+82+78)/3 = 84.0 and 乙县 62.0, below the line 75 in both rounds: 黑榜, 连续 2 期."""
    at = run_page("assessment")
    labels = [b.label for b in at.button]
    assert "第 1 名　东一社区　92.0 分　↑1" in labels and "第 2 名　东二社区　82.0 分　↓1" in labels
    assert "第 4 名　南村　62.0 分　持平　连续 2 期上黑榜" in labels
    assert "第 3 名　西一社区　78.0 分　持平　连续 2 期上黑榜" in labels
    assert "第 2 名　乙县　62.0 分　持平　连续 2 期上黑榜" in labels and "第 1 名　甲区　84.0 分　持平" in labels
    assert any("箭头为与上一轮相比的名次变化" in c.value for c in at.caption)


def test_the_overview_ranking_table_keeps_boards_alert_line_and_small_samples():
    """The 总览 ranking grid (components.ranking_view) from the frame above: 小样本 (2 有效回访 < 30) is not
    ranked and comes last whatever its score; 甲 90.0 ≥ 85 on the 红榜, 乙 70.0 < 85 on the 黑榜. Without boards
    (highlight 0) 乙 is marked 低于预警线 and 甲 nothing."""
    from dashboard.ui import components

    frame = units(("小样本", 100.0, 2), ("甲", 90.0, 40), ("乙", 70.0, 31))
    data, view = components.ranking_view(frame, SCORE, "社区/村", highlight=5, cfg=cfg())
    assert view.values.tolist() == [["第 1 名", "甲", 90.0, "红榜"], ["第 2 名", "乙", 70.0, "黑榜"],
                                    ["样本不足", "小样本", 100.0, "不排名"]]
    assert list(data["area_code"]) == ["B", "C", "A"]  # the row a selection drills into
    _, plain = components.ranking_view(frame, SCORE, "社区/村", cfg=cfg())
    assert list(plain["榜单"]) == ["", "低于预警线", "不排名"]
