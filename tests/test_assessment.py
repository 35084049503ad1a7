"""居村考核 (docs/domain.md「居村考核」) on the hand-written fixture city: totals and grades with the
configured cut-offs, ranking, grade counts, round-over-round movement, one committee's
indicators against its street and the city, and the 居民评议 weight check.

Worked out by hand from tests/fixtures/city/assessment_scores.csv (indicators A1 居民评议 70,
B1 居民自治 10, C1 服务群众 10, D1 党建引领 5, E1 减负增效 5) with the cut-offs 优秀 ≥90,
合格 ≥75, 基本合格 ≥60, else 不合格:

            2023 (A1+B1+C1+D1+E1)        2024                          movement
  东一社区   60+9+9+5+5 = 88 合格         66+9+9+4+4 = 92 优秀          up   (+4)
  东二社区   65+9+9+4+4 = 91 优秀         58+8+8+4+4 = 82 合格          DOWN (−9)
  西一社区   50+8+7+3+4 = 72 基本合格     55+8+7+4+4 = 78 合格          up   (+6)
  南村       40+6+5+3+2 = 56 不合格       45+6+5+3+3 = 62 基本合格      up   (+6)

2024 averages: city 314/4 = 78.5; 甲区 252/3 = 84; 乙县 62; 东街道 174/2 = 87; 西街道 78; 南镇 62.
2023 city average: 307/4 = 76.75.
"""

import pytest
from dashboard.store import db

GRADES = dict(grade_names=["优秀", "合格", "基本合格"], grade_mins=[90.0, 75.0, 60.0])
ROUNDS = dict(round_id="R2024", previous_round_id="R2023")


def scores(db, scope="", rounds=ROUNDS, grades=GRADES):
    return db.query("assessment_scores", scope=scope, **rounds, **grades)


def test_committee_totals_grades_and_ranking(fixture_database):
    s = scores(fixture_database)
    assert s["area_name"].tolist() == ["东一社区", "东二社区", "西一社区", "南村"]
    assert s["total"].tolist() == [92, 82, 78, 62]
    assert s["grade"].tolist() == ["优秀", "合格", "合格", "基本合格"]
    assert s["rank"].tolist() == [1, 2, 3, 4]
    assert s["previous_total"].tolist() == [88, 91, 72, 56]
    assert s["previous_grade"].tolist() == ["合格", "优秀", "基本合格", "不合格"]
    assert s["total_change"].tolist() == [4, -9, 6, 6]
    assert s["movement"].tolist() == ["升档", "降档", "升档", "升档"]
    assert s["street_name"].tolist() == ["东街道", "东街道", "西街道", "南镇"]


def test_ranking_within_a_street(fixture_database):
    s = scores(fixture_database, "990101001")  # 东街道: 东一 92, 东二 82
    assert list(zip(s["area_name"], s["rank"])) == [("东一社区", 1), ("东二社区", 2)]


def test_first_round_has_nothing_to_compare_with(fixture_database):
    s = scores(fixture_database, rounds=dict(round_id="R2023", previous_round_id=""))
    assert s["area_name"].tolist() == ["东二社区", "东一社区", "西一社区", "南村"]  # 91, 88, 72, 56
    assert s["grade"].tolist() == ["优秀", "合格", "基本合格", "不合格"]
    assert s["movement"].unique().tolist() == ["无上一轮成绩"]
    assert s["previous_total"].isna().all()


def test_grades_follow_the_configured_cut_offs(fixture_database):
    """With 优秀 ≥85, 合格 ≥70: 2023 东一 88 优秀, 东二 91 优秀, 西一 72 合格, 南村 56 不合格;
    2024 东一 92 优秀, 东二 82 合格, 西一 78 合格, 南村 62 基本合格 → only 东二 drops, only 南村 rises."""
    s = scores(fixture_database, grades=dict(grade_names=["优秀", "合格", "基本合格"], grade_mins=[85.0, 70.0, 60.0]))
    assert dict(zip(s["area_name"], s["movement"])) == {"东一社区": "等级不变", "东二社区": "降档",
                                                        "西一社区": "等级不变", "南村": "升档"}


def changes(db, scope="", group_len=0, rounds=ROUNDS, with_scope=False):
    frame = db.query("assessment_changes", scope=scope, group_len=group_len, with_scope=with_scope, **rounds, **GRADES)
    return {row["area_code"]: row for _, row in frame.iterrows()}


def test_round_over_round_counts(fixture_database):
    """City: up 东一 西一 南村 = 3, down 东二 = 1; mean change (4 − 9 + 6 + 6) / 4 = 1.75.
    甲区 up 2 down 1; 乙县 up 1; 东街道 up 1 (东一) down 1 (东二)."""
    city = changes(fixture_database)[""]
    assert (city["assessed"], city["compared"]) == (4, 4)
    assert (city["assessment_upgraded"], city["assessment_downgraded"], city["grade_unchanged"]) == (3, 1, 0)
    assert city["avg_total_change"] == pytest.approx(1.75)
    districts = changes(fixture_database, "", 6)
    assert (districts["990101"]["assessment_upgraded"], districts["990101"]["assessment_downgraded"]) == (2, 1)
    assert (districts["990102"]["assessment_upgraded"], districts["990102"]["assessment_downgraded"]) == (1, 0)
    streets = changes(fixture_database, "990101", 9)
    assert (streets["990101001"]["assessment_upgraded"], streets["990101001"]["assessment_downgraded"]) == (1, 1)
    both = changes(fixture_database, "", 6, with_scope=True)  # the KPI row and the ranking in one query
    assert list(both) == ["", "990101", "990102"]
    assert (both[""]["assessment_upgraded"], both["990101"]["assessment_upgraded"]) == (3, 2)
    first = changes(fixture_database, rounds=dict(round_id="R2023", previous_round_id=""))[""]
    assert (first["assessed"], first["compared"], first["assessment_downgraded"]) == (4, 0, 0)


ONE_ROUND = dict(compare_round_id=None, with_scope=False)


def test_summary_averages_and_excellent_share(fixture_database):
    frame = fixture_database.query("assessment_summary", scope="", group_len=6, round_id="R2024", **ONE_ROUND, **GRADES)
    rows = {r["area_code"]: r for _, r in frame.iterrows()}
    assert rows["990101"]["assessment_avg"] == pytest.approx(84.0)
    assert (rows["990101"]["assessment_excellent"], rows["990101"]["assessment_excellent_rate"]) == (1, pytest.approx(1 / 3))
    assert rows["990102"]["assessment_avg"] == pytest.approx(62.0)
    assert rows["990102"]["assessment_excellent_rate"] == 0
    city = fixture_database.query("assessment_summary", scope="", group_len=0, round_id="R2023", **ONE_ROUND,
                                  **GRADES).iloc[0]
    assert city["assessment_avg"] == pytest.approx(76.75)
    assert (city["assessment_excellent"], city["assessment_failed"]) == (1, 1)  # 东二 91; 南村 56


def test_one_query_answers_the_kpis_the_previous_round_and_the_child_ranking(fixture_database):
    """The city in R2024, the city in R2023 (the comparison) and the districts in R2024, in one query:
    the numbers asked one by one above."""
    frame = fixture_database.query("assessment_summary", scope="", group_len=6, round_id="R2024",
                                   compare_round_id="R2023", with_scope=True, **GRADES)
    assert list(zip(frame["period"], frame["area_code"])) == [
        ("now", ""), ("now", "990101"), ("now", "990102"), ("before", "")]
    assert frame.iloc[0]["assessment_avg"] == pytest.approx(78.5)  # R2024: (92 + 82 + 78 + 62) / 4
    assert list(frame["assessment_avg"][1:3]) == [pytest.approx(84.0), pytest.approx(62.0)]
    before = frame.iloc[3]
    assert before["assessment_avg"] == pytest.approx(76.75)
    assert (before["assessment_excellent"], before["assessment_failed"]) == (1, 1)


def test_grade_counts_this_round_and_the_previous(fixture_database):
    frame = fixture_database.query("assessment_grade_counts", scope="", **ROUNDS, **GRADES)
    assert frame["grade"].tolist() == ["优秀", "合格", "基本合格", "不合格"]
    assert frame["committees"].tolist() == [1, 2, 1, 0]
    assert frame["previous_committees"].tolist() == [1, 1, 1, 1]
    assert frame["min_score"].tolist()[:3] == [90, 75, 60]
    jia = fixture_database.query("assessment_grade_counts", scope="990101", **ROUNDS, **GRADES)
    assert jia["committees"].tolist() == [1, 2, 0, 0] and jia["previous_committees"].tolist() == [1, 1, 1, 0]


def test_one_committee_against_its_street_and_the_city(fixture_database):
    """东二社区 2024: A1 58, B1 8, C1 8, D1 4, E1 4. 东街道 (东一 + 东二) averages: A1 (66+58)/2 = 62,
    B1 (9+8)/2 = 8.5, C1 8.5, D1 4, E1 4. City averages over 4: A1 (66+58+55+45)/4 = 56,
    B1 (9+8+8+6)/4 = 7.75, C1 (9+8+7+5)/4 = 7.25, D1 (4+4+4+3)/4 = 3.75, E1 3.75."""
    frame = fixture_database.query("assessment_indicators", round_id="R2024", community_code="990101001002")
    assert frame["indicator_code"].tolist() == ["A1", "B1", "C1", "D1", "E1"]
    assert frame["group_name"].tolist() == ["居民评议", "居民自治", "服务群众", "党建引领", "减负增效"]
    assert frame["max_score"].tolist() == [70, 10, 10, 5, 5]
    assert frame["weight_share"].tolist() == pytest.approx([0.7, 0.1, 0.1, 0.05, 0.05])
    assert frame["score"].tolist() == [58, 8, 8, 4, 4]
    assert frame["street_avg"].tolist() == pytest.approx([62, 8.5, 8.5, 4, 4])
    assert frame["city_avg"].tolist() == pytest.approx([56, 7.75, 7.25, 3.75, 3.75])
    assert frame["street_committees"].tolist() == [2] * 5 and frame["city_committees"].tolist() == [4] * 5
    assert frame["score_rate"].tolist() == pytest.approx([58 / 70, 0.8, 0.8, 0.8, 0.8])


def test_resident_evaluation_weight(fixture_database):
    """居民评议 (A1) carries 70 of 100 points: exactly the 70 % minimum."""
    frame = fixture_database.query("assessment_weights", round_id="R2024", resident_group="居民评议")
    assert frame["group_name"].tolist() == ["居民评议", "居民自治", "服务群众", "党建引领", "减负增效"]
    assert frame["resident_share"].tolist() == pytest.approx([0.7] * 5)
    assert frame["is_resident"].tolist() == [True, False, False, False, False]
    missing = fixture_database.query("assessment_weights", round_id="R2024", resident_group="群众评议")
    assert missing["resident_share"].tolist() == [0] * 5


# -- the page's data functions ------------------------------------------------------------------------------------
def filters(params=None):
    from dashboard.core import filters as flt

    f, warnings = flt.parse_filters(params or {}, db.areas(), db.as_of(), db.data_start())
    assert not warnings
    return f


def test_round_choice_defaults_to_the_latest_published(app_env):
    from dashboard.data import assessment

    c = assessment.choose_round(filters(), None)
    assert (c.round_id, c.previous_id, c.warning) == ("R2024", "R2023", None)
    c = assessment.choose_round(filters(), "R2023")
    assert (c.round_id, c.previous_id, c.default_id) == ("R2023", "", "R2024")
    c = assessment.choose_round(filters(), "R1999")
    assert c.round_id == "R2024"
    assert c.warning == "地址中的考核轮次“R1999”不存在，已显示2024年度居村委会考核。"


def test_kpis_compare_with_the_previous_round(app_env):
    """2024 vs 2023 city: average 78.5 vs 76.75; 优秀 1/4 both years; 不合格 0 vs 1; up 3, down 1."""
    from dashboard.data import assessment

    f = filters()
    k = {x.metric.key: x for x in assessment.kpis(f, assessment.choose_round(f, None))}
    assert (k["assessment_avg"].value, k["assessment_avg"].previous) == (pytest.approx(78.5), pytest.approx(76.75))
    assert k["assessment_avg"].compare_label == "较上一轮"
    assert k["assessment_excellent_rate"].value == pytest.approx(0.25) and k["assessment_excellent_rate"].delta == 0
    assert (k["assessment_failed"].value, k["assessment_failed"].previous) == (0, 1)
    assert (k["assessment_upgraded"].value, k["assessment_downgraded"].value) == (3, 1)
    assert k["assessment_downgraded"].note == "两轮均参评 4"


def test_weight_check_and_its_warning(app_env, tmp_path, monkeypatch):
    from dashboard.core.config import load_settings
    from dashboard.data import assessment

    f = filters()
    choice = assessment.choose_round(f, None)
    check = assessment.weights(choice)
    assert check.ok and check.resident_share == pytest.approx(0.7)
    text = load_settings().path.read_text(encoding="utf-8").replace(
        "resident_evaluation_min_share = 0.7", "resident_evaluation_min_share = 0.8")
    (tmp_path / "settings.toml").write_text(text, encoding="utf-8")
    monkeypatch.setenv("DASHBOARD_CONFIG", str(tmp_path / "settings.toml"))
    check = assessment.weights(choice)
    assert not check.ok
    assert "“居民评议”分值只占 70%，低于规定的 80%" in check.message


def test_committee_choice(app_env):
    from dashboard.data import assessment

    f = filters({"district": "990101"})
    choice = assessment.choose_round(f, None)
    committees = assessment.committees(f, choice)
    assert assessment.choose_committee(f, committees, None) == ("990101001001", None)  # first in scope
    assert assessment.choose_committee(f, committees, "990101002001") == ("990101002001", None)
    assert assessment.choose_committee(f, committees, "990102100200") == ("990101001001", None)  # outside 甲区
    code, warning = assessment.choose_committee(f, committees, "123")
    assert code == "990101001001" and warning == "地址中的社区/村代码“123”不存在，已显示东一社区。"
    one = filters({"community": "990101001002"})
    assert assessment.choose_committee(one, assessment.committees(one, choice), "990101001001") == ("990101001002", None)


def test_movers_tables(app_env):
    from dashboard.data import assessment

    f = filters()
    committees = assessment.committees(f, assessment.choose_round(f, None))
    dropped = assessment.movers(committees, "降档")
    assert dropped.to_dict("records") == [{"社区/村": "东二社区", "所属街道/乡镇": "东街道", "上一轮": "优秀 91.0 分",
                                           "本轮": "合格 82.0 分", "总分变化": -9.0}]
    assert assessment.movers(committees, "升档")["社区/村"].tolist() == ["西一社区", "南村", "东一社区"]
