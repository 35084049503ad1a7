"""居村考核 page at city, district, street and community scope (AppTest). The values are
hand-computed in tests/test_assessment.py's docstring:

  2024: 东一 92 优秀, 东二 82 合格, 西一 78 合格, 南村 62 基本合格 → city average 78.5
  2023: 东一 88 合格, 东二 91 优秀, 西一 72 基本合格, 南村 56 不合格 → city average 76.75
  2024 vs 2023: 东二 dropped a grade (−9); 东一 (+4), 西一 (+6), 南村 (+6) moved up.
"""

import shutil

import pytest

from tests.conftest import FIXTURE_AS_OF, FIXTURE_CONFIG, FIXTURE_DIR
from tests.pages import cards, frame_with, kpi, kpis, run_page, subheaders


def test_city_scope_defaults_to_the_latest_published_round(app_env):
    at = run_page("assessment")
    assert at.selectbox(key="w_round").value == "R2024"
    values = kpis(at)
    assert values == {"考核平均分": "78.5 分", "优秀率": "25.0%", "不合格数": "0 个", "升档数": "3 个", "降档数": "1 个"}
    assert kpi(at, "考核平均分").delta == "+1.8"  # 78.5 − 76.75
    assert kpi(at, "不合格数").delta == "-1"
    heads = subheaders(at)
    assert "各区县考核平均分排名与红黑榜" in heads
    assert "社区/村考核总分红黑榜：全市全部 4 个社区/村中的前后各 2 名" in heads
    buttons = [b.label for b in at.button]
    # districts: 甲区 84.0, 乙县 62.0; committees: red 东一 92, 东二 82 — black 南村 62, 西一 78
    # Against 2023 (甲区 83.7, 乙县 56.0; 东二 91, 东一 88, 西一 72, 南村 56): ranks and 黑榜 both rounds.
    assert "第 1 名　甲区　84.0 分　持平" in buttons and "第 2 名　乙县　62.0 分　持平　连续 2 期上黑榜" in buttons
    assert {"第 1 名　东一社区　92.0 分　↑1", "第 2 名　东二社区　82.0 分　↓1", "第 4 名　南村　62.0 分　持平　连续 2 期上黑榜",
            "第 3 名　西一社区　78.0 分　持平　连续 2 期上黑榜"} <= set(buttons)
    dropped = frame_with(at, "上一轮")
    assert dropped.to_dict("records")[0] == {"社区/村": "东二社区", "所属街道/乡镇": "东街道", "上一轮": "优秀 91.0 分",
                                             "本轮": "合格 82.0 分", "总分变化": -9.0}
    raised = [d.value for d in at.dataframe if "上一轮" in d.value.columns][1]
    assert list(raised["社区/村"]) == ["西一社区", "南村", "东一社区"]
    results = frame_with(at, "名次")
    assert list(results["社区/村"]) == ["东一社区", "东二社区", "西一社区", "南村"]
    assert list(results["等级"]) == ["优秀", "合格", "合格", "基本合格"]
    assert list(results["升降"]) == ["升档", "降档", "升档", "升档"]
    assert not at.warning  # 居民评议 70 of 100: meets the 70 % minimum


def test_default_committee_is_the_first_in_scope_with_indicator_averages(app_env):
    at = run_page("assessment")
    assert at.selectbox(key="w_committee").value == "990101001001"
    table = frame_with(at, "分值（权重）")
    assert list(table["分值（权重）"]) == [70, 10, 10, 5, 5]
    assert list(table["东一社区得分"]) == [66, 9, 9, 4, 4]
    assert list(table["东街道平均"]) == [62, 8.5, 8.5, 4, 4]
    assert list(table["全市平均"]) == [56, 7.75, 7.25, 3.75, 3.75]
    assert any("东一社区：总分 92.0 分，优秀，在全市排第 1 名（共 4 个）" in m.value for m in at.markdown)


def test_choosing_a_committee_is_kept_in_the_url(app_env):
    at = run_page("assessment")
    at.selectbox(key="w_committee").select("990102100200").run()
    assert at.query_params["committee"] == "990102100200"
    table = frame_with(at, "分值（权重）")
    # 南村 is the only committee of 南镇: the street average is its own score
    assert list(table["南村得分"]) == [45, 6, 5, 3, 3] and list(table["南镇平均"]) == [45, 6, 5, 3, 3]


def test_district_scope(app_env):
    at = run_page("assessment", {"district": "990101"})
    values = kpis(at)
    assert values["考核平均分"] == "84.0 分" and values["优秀率"] == "33.3%"
    assert values["升档数"] == "2 个" and values["降档数"] == "1 个"
    assert "各街道/乡镇考核平均分排名与红黑榜" in subheaders(at)
    buttons = [b.label for b in at.button]
    assert "第 1 名　东街道　87.0 分　持平" in buttons and "第 2 名　西街道　78.0 分　持平" in buttons  # 89.5, 72.0 in 2023
    assert list(frame_with(at, "名次")["社区/村"]) == ["东一社区", "东二社区", "西一社区"]


def test_street_scope_ranks_the_committees(app_env):
    at = run_page("assessment", {"street": "990101001"})
    values = kpis(at)
    assert values["考核平均分"] == "87.0 分" and values["升档数"] == "1 个" and values["降档数"] == "1 个"
    heads = subheaders(at)
    assert "各社区/村考核总分排名与红黑榜" in heads
    assert not any(h.startswith("社区/村考核总分红黑榜") for h in heads)  # the children already are committees
    buttons = [b.label for b in at.button]
    assert "第 1 名　东一社区　92.0 分　↑1" in buttons and "第 2 名　东二社区　82.0 分　↓1" in buttons  # 88, 91 in 2023
    next(b for b in at.button if b.label == "第 2 名　东二社区　82.0 分　↓1").click().run()
    assert at.query_params["community"] == "990101001002"
    assert kpis(at)["考核平均分"] == "82.0 分"


def test_community_scope_shows_its_own_indicators(app_env):
    at = run_page("assessment", {"community": "990101001002"})
    assert kpis(at)["考核平均分"] == "82.0 分" and kpis(at)["降档数"] == "1 个"
    assert "w_committee" not in [s.key for s in at.selectbox]
    table = frame_with(at, "分值（权重）")
    assert list(table["东二社区得分"]) == [58, 8, 8, 4, 4] and list(table["东街道平均"]) == [62, 8.5, 8.5, 4, 4]
    assert any("东二社区：总分 82.0 分，合格**" in m.value for m in at.markdown)
    assert any("东二社区：2024年度居村委会考核合格 82.0 分，2023年度居村委会考核优秀 91.0 分** :red-badge[降档]（总分 -9.0 分）"
               in m.value for m in at.markdown)
    assert "总分分布与等级" not in " ".join(subheaders(at))


def test_an_earlier_round_chosen_in_the_url(app_env):
    at = run_page("assessment", {"round": "R2023"})
    assert at.selectbox(key="w_round").value == "R2023"
    values = kpis(at)
    assert values["考核平均分"] == "76.8 分" and values["不合格数"] == "1 个"  # 76.75; 南村 56
    assert values["升档数"] == "—" and values["降档数"] == "—"
    assert "2023年度居村委会考核之前没有同类考核轮次，无法比较。" in [i.value for i in at.info]


def test_choosing_a_round_is_kept_in_the_url(app_env):
    at = run_page("assessment")
    at.selectbox(key="w_round").select("R2023").run()
    assert at.query_params["round"] == "R2023"
    assert kpis(at)["考核平均分"] == "76.8 分"


def test_an_unknown_round_in_the_url_warns_in_chinese(app_env):
    at = run_page("assessment", {"round": "R1999"})
    assert "地址中的考核轮次“R1999”不存在，已显示2024年度居村委会考核。" in [w.value for w in at.warning]
    assert kpis(at)["考核平均分"] == "78.5 分"
    assert "round" not in at.query_params


def test_an_unknown_committee_in_the_url_warns_in_chinese(app_env):
    at = run_page("assessment", {"committee": "990101009009"})
    assert "地址中的社区/村代码“990101009009”不存在，已显示东一社区。" in [w.value for w in at.warning]


def test_resident_evaluation_below_the_minimum_share_is_warned(app_env, tmp_path, monkeypatch):
    """The fixture gives 居民评议 70 of 100 points; with a required minimum of 80 % it falls short."""
    text = FIXTURE_CONFIG.read_text(encoding="utf-8").replace(
        "resident_evaluation_min_share = 0.7", "resident_evaluation_min_share = 0.8")
    (tmp_path / "settings.toml").write_text(text, encoding="utf-8")
    monkeypatch.setenv("DASHBOARD_CONFIG", str(tmp_path / "settings.toml"))
    at = run_page("assessment")
    warnings = [w.value for w in at.warning]
    assert any("“居民评议”分值只占 70%，低于规定的 80%" in w for w in warnings), warnings


def test_a_renamed_resident_group_is_warned(app_env, tmp_path, monkeypatch):
    text = FIXTURE_CONFIG.read_text(encoding="utf-8").replace(
        'resident_evaluation_group = "居民评议"', 'resident_evaluation_group = "群众评议"')
    (tmp_path / "settings.toml").write_text(text, encoding="utf-8")
    monkeypatch.setenv("DASHBOARD_CONFIG", str(tmp_path / "settings.toml"))
    at = run_page("assessment")
    assert any("没有“群众评议”分组" in w.value for w in at.warning)


# -- databases without results --------------------------------------------------------------------------------
def _variant_db(tmp_path_factory, name: str, edit) -> str:
    from dashboard.store.load import load_folder

    folder = tmp_path_factory.mktemp(name) / "city"
    shutil.copytree(FIXTURE_DIR, folder)
    edit(folder)
    path = folder.parent / f"{name}.duckdb"
    load_folder(folder, path, label="测试数据", as_of=FIXTURE_AS_OF)
    return str(path)


@pytest.fixture(scope="module")
def no_results_db(tmp_path_factory):
    """The fixture city without any assessment rounds or social organisations."""
    def edit(folder):
        for name in ("assessment_rounds", "assessment_indicators", "assessment_scores", "social_orgs"):
            (folder / f"{name}.csv").unlink()
    return _variant_db(tmp_path_factory, "no_results", edit)


@pytest.fixture(scope="module")
def unpublished_db(tmp_path_factory):
    """Both rounds announced only after the data's as-of day (10 Nov 2025)."""
    def edit(folder):
        path = folder / "assessment_rounds.csv"
        path.write_text(path.read_text(encoding="utf-8").replace("2024-02-20", "2025-11-20")
                        .replace("2025-02-25", "2025-12-25"), encoding="utf-8")
    return _variant_db(tmp_path_factory, "unpublished", edit)


def test_no_assessment_data_says_so(app_env, no_results_db, monkeypatch):
    monkeypatch.setenv("DASHBOARD_DB", no_results_db)
    at = run_page("assessment")
    assert any("数据库中还没有居村考核结果" in i.value for i in at.info)
    assert not cards(at)


def test_no_organisations_says_so(app_env, no_results_db, monkeypatch):
    monkeypatch.setenv("DASHBOARD_DB", no_results_db)
    at = run_page("orgs")
    assert kpis(at)["社会组织数"] == "0 个"
    infos = [i.value for i in at.info]
    assert "全市在 2025-11-10 没有存续的社会组织。" in infos and "没有符合条件的社会组织。" in infos


def test_no_round_published_by_the_end_of_the_period(app_env, unpublished_db, monkeypatch):
    monkeypatch.setenv("DASHBOARD_DB", unpublished_db)
    at = run_page("assessment")
    assert "截至统计期末（2025-11-10）还没有公布的考核结果，请在上方选择考核轮次。" in [i.value for i in at.info]
    assert at.selectbox(key="w_round").value is None and not cards(at)
    at.selectbox(key="w_round").select("R2024").run()
    assert kpis(at)["考核平均分"] == "78.5 分"
