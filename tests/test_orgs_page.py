"""社会组织 page at city, district, street and community scope (AppTest), checked against
the fixture; the values are hand-computed in tests/test_orgs.py's docstring.

On 10 Nov 2025 (the default period 本月 ends on the as-of day); 每万人社会组织数 counts registered
organisations only (社会团体、社会服务机构、基金会), not the 社区社会组织:
  city   8 active, registered O01 O02 O03 O08 = 4 / 11,000 → 3.64 per 10,000; 3A+ O01 O03 = 25 %;
         community orgs O04 O05 O07 O10 = 4
  甲区   O01 O02 O04 O05 O08 O10 = 6, registered O01 O02 O08 = 3 / 10,000 → 3.00; 3A+ O01 = 1/6 = 16.7 %;
         community orgs O04 O05 O10 = 3; 乙县 O03 O07, registered O03 / 1,000 → 10.00
  东街道 O02 O04 O05 = 3, registered O02 / 5,000 → 2.00; 3A+ none (O02's 3A expired); community orgs O04 O05 = 2;
         东一 O02 / 2,000 → 5.00, 东二 0; 西街道 O08 / 5,000 → 2.00
  东二社区 none (O06 deregistered 2025-03-01)
Community targets (社区 10, 村 5): 东二 0 (差 10), 西一 1 (差 9), 东一 2 (差 8), 南村 1 (差 4).
"""

from tests.conftest import FIXTURE_CONFIG
from tests.pages import frame_with, kpis, run_page, subheaders


def test_city_scope(app_env):
    at = run_page("orgs")
    assert kpis(at) == {"社会组织数": "8 个", "登记社会组织数": "4 个", "每万人社会组织数（个/万人）": "3.64",
                        "3A 以上占比": "25.0%", "社区社会组织数": "4 个", "社区社会组织达标率": "0.0%"}
    heads = subheaders(at)
    assert "存续社会组织构成：类型、评估等级、业务领域（共 8 个）" in heads
    assert "各区县每万人社会组织数（目标 7 个）" in heads
    assert "社区社会组织：城市社区每个不少于 10 个、村每个不少于 5 个" in heads
    table = frame_with(at, "每万人社会组织数")
    assert list(table["区县"]) == ["乙县", "甲区"]  # 10.0 ahead of 3.0
    assert [round(v, 2) for v in table["每万人社会组织数"]] == [10.0, 3.0]
    below = frame_with(at, "还差")
    assert list(below["社区/村"]) == ["东二社区", "西一社区", "东一社区", "南村"]
    assert list(below["还差"]) == [10, 9, 8, 4]
    assert any("全市共 4 个社区/村，达标 0 个、未达标 4 个" in c.value for c in at.caption)
    assert any("其中 1 个组织的等级已超过 5 年有效期" in c.value for c in at.caption)
    assert len(frame_with(at, "组织名称")) == 8


def test_district_scope(app_env):
    at = run_page("orgs", {"district": "990101"})
    values = kpis(at)
    assert values["社会组织数"] == "6 个" and values["每万人社会组织数（个/万人）"] == "3.00"
    assert values["3A 以上占比"] == "16.7%" and values["社区社会组织数"] == "3 个"
    assert "各街道/乡镇每万人社会组织数（目标 7 个）" in subheaders(at)
    table = frame_with(at, "每万人社会组织数")
    assert dict(zip(table["街道/乡镇"], table["每万人社会组织数"])) == {"东街道": 2.0, "西街道": 2.0}
    assert list(frame_with(at, "还差")["社区/村"]) == ["东二社区", "西一社区", "东一社区"]


def test_street_scope_shows_each_community_against_its_target(app_env):
    at = run_page("orgs", {"street": "990101001"})
    values = kpis(at)
    assert values["社会组织数"] == "3 个" and values["每万人社会组织数（个/万人）"] == "2.00"
    assert values["3A 以上占比"] == "0.0%" and values["社区社会组织数"] == "2 个"
    table = frame_with(at, "每万人社会组织数")
    assert dict(zip(table["社区/村"], table["每万人社会组织数"])) == {"东一社区": 5.0, "东二社区": 0.0}
    assert list(frame_with(at, "还差")["社区/村"]) == ["东二社区", "东一社区"]
    assert len(at.get("plotly_chart")) >= 5  # the mix (3), density, community targets, flows


def test_a_community_without_organisations_says_so(app_env):
    at = run_page("orgs", {"community": "990101001002"})
    assert kpis(at)["社会组织数"] == "0 个"
    infos = [i.value for i in at.info]
    assert "东二社区在 2025-11-10 没有存续的社会组织。" in infos
    assert "没有符合条件的社会组织。" in infos
    assert list(frame_with(at, "还差")["还差"]) == [10]


def test_searching_and_filtering_the_list(app_env):
    at = run_page("orgs")
    at.text_input(key="org_q").input("东一").run()
    assert set(frame_with(at, "组织名称")["组织名称"]) == {"东一颐养服务中心", "东一社区舞蹈队", "东一邻里互助会"}
    at.selectbox(key="org_type").select("社区社会组织").run()
    assert set(frame_with(at, "组织名称")["组织名称"]) == {"东一社区舞蹈队", "东一邻里互助会"}
    at.text_input(key="org_q").input("").run()
    at.selectbox(key="org_type").select("").run()
    at.selectbox(key="org_rating").select("未评估").run()
    listed = frame_with(at, "组织名称")
    assert len(listed) == 5 and set(listed["等级状态"]) == {"未评估", "已过期"}
    at.selectbox(key="org_rating").select("").run()
    at.toggle(key="org_dereg").set_value(True).run()
    listed = frame_with(at, "组织名称")
    assert len(listed) == 10 and sorted(listed["状态"])[-2:] == ["已注销", "已注销"]


def test_targets_come_from_the_configuration(app_env, tmp_path, monkeypatch):
    """Targets 社区 2 / 村 1: 东一 (2) and 南村 (1) meet them → 2 of 4 = 50 %; 东二 and 西一 remain."""
    text = FIXTURE_CONFIG.read_text(encoding="utf-8")
    text = text.replace("community_orgs_urban_target = 10", "community_orgs_urban_target = 2").replace(
        "community_orgs_rural_target = 5", "community_orgs_rural_target = 1")
    (tmp_path / "settings.toml").write_text(text, encoding="utf-8")
    monkeypatch.setenv("DASHBOARD_CONFIG", str(tmp_path / "settings.toml"))
    at = run_page("orgs")
    assert kpis(at)["社区社会组织达标率"] == "50.0%"
    assert "社区社会组织：城市社区每个不少于 2 个、村每个不少于 1 个" in subheaders(at)
    assert list(frame_with(at, "还差")["社区/村"]) == ["东二社区", "西一社区"]



def test_a_quiet_registration_history_says_so(app_env):
    """东一社区's organisations were registered in 2019, 2021 and 2022: nothing in the 24 months shown."""
    at = run_page("orgs", {"community": "990101001001"})
    assert "东一社区在这段时间没有新登记/备案或注销的社会组织。" in [i.value for i in at.info]
    assert kpis(at)["社会组织数"] == "3 个"  # O02 O04 O05
