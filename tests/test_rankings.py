"""Fair rankings (dashboard.ranking): the 红榜 and 黑榜 never share a unit and follow the alert line,
ties share a rank, a unit below the minimum sample is 样本不足 (unranked, last, on no board, grey on
the map), the rank change against the comparison period. Values are worked out in each docstring."""

from dataclasses import replace

import pandas as pd

from dashboard import maps, ranking
from dashboard.config import load_settings
from dashboard.metrics import metric
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
