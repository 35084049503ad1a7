"""网格地图 page (AppTest) at each level of the fixture city: the map draws one polygon per
child area, coloured by the chosen metric (good end blue, bad end red), ranked beside the
map; a bad ``metric`` in the URL warns in Chinese; ``grid=`` shows the grid card.

Hand-computed values for October 2025 (see also tests/test_app_shell.py): 三率综合得分
甲区 75.25, 乙县 96.0. Open at the end of October (received before 11-01, not closed by then):
甲区 T05, T06, T11, T16, T20 = 5; 乙县 T14, T15 = 2.
"""

import json
import re

import pytest
from streamlit.testing.v1 import AppTest

from dashboard.ui import maps
from tests.conftest import FIXTURE_CONFIG, ROOT
from tests.pages import log_in

OCTOBER = {"period": "custom", "start": "2025-10-01", "end": "2025-10-31", "compare": "mom"}
BLUE, RED = maps.BAD_TO_GOOD[-1], maps.BAD_TO_GOOD[0]


def map_page(params: dict | None = None) -> AppTest:
    at = AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=60)
    log_in(at, "test_city")
    for k, v in {**OCTOBER, **(params or {})}.items():
        at.query_params[k] = v
    at.switch_page("pages/map.py")
    at.run()
    assert not at.exception, at.exception
    return at


def map_args(at: AppTest) -> dict:
    [component] = [c for c in at.get("component_instance") if c.proto.component_name.endswith("st_folium")]
    return json.loads(component.proto.json_args)


def drawn_areas(at: AppTest) -> dict[str, dict]:
    """code -> {"s": style, "t": tooltip} of the choropleth polygons drawn on the map."""
    script = map_args(at)["script"]
    codes = re.findall(r'"properties":\{"code":"(\d+)"', script)
    look = json.loads(re.search(r"_look = (\{.*?\});\n", script).group(1))
    assert sorted(codes) == sorted(look)
    return look


def ranking(at: AppTest):
    return next(d.value for d in at.dataframe if "排名" in d.value.columns)


def titles(at: AppTest) -> list[str]:
    return [s.value for s in at.subheader]


def test_city_map_colours_the_districts_by_the_composite_score(app_env):
    at = map_page()
    assert "全市 各区县 三率综合得分" in titles(at)
    look = drawn_areas(at)
    assert set(look) == {"990101", "990102"}
    # 乙县 96.0 is in the best fixed class (≥ 95), 甲区 75.25 (shown 75.3) in "75.0 – 85.0（低于预警线）":
    # blue and orange; the tooltip says value and rank.
    assert look["990102"]["s"]["fillColor"] == BLUE and look["990101"]["s"]["fillColor"] == maps.BAD_TO_GOOD[1]
    assert "三率综合得分：96.0 分" in look["990102"]["t"] and "第 1 / 2 名" in look["990102"]["t"]
    assert "第 2 / 2 名" in look["990101"]["t"]
    table = ranking(at)
    assert list(table["区县"]) == ["乙县", "甲区"]
    assert list(table["三率综合得分（分）"]) == ["96.0", "75.3"]  # 75.25, 四舍五入


def test_lower_is_better_metrics_put_the_worst_area_in_red(app_env):
    # Backlog at the end of October: 甲区 5, 乙县 2 (module docstring). Lower is better, so 甲区 ranks
    # second; both fall in the fixed class "1–9", one colour (a 5 is not "red" beside a 2).
    at = map_page({"metric": "backlog"})
    look = drawn_areas(at)
    assert "积压：5 件" in look["990101"]["t"] and "积压：2 件" in look["990102"]["t"]
    assert look["990101"]["s"]["fillColor"] == look["990102"]["s"]["fillColor"] == maps.BAD_TO_GOOD[3]
    assert list(ranking(at)["区县"]) == ["乙县", "甲区"]
    assert at.query_params["metric"] == "backlog"


@pytest.mark.parametrize("scope, title, children", [
    ({"district": "990101"}, "甲区 各街道/乡镇 三率综合得分", {"990101001", "990101002"}),
    ({"street": "990101001"}, "东街道 各社区/村 三率综合得分", {"990101001001", "990101001002"}),
    ({"community": "990101001001"}, "东一社区 各网格 三率综合得分", {"990101001001001", "990101001001002"}),
    ({"community": "990102100200"}, "南村 各网格 三率综合得分", {"990102100200001", "990102100200002"}),
])
def test_each_level_draws_the_children_of_the_scope(app_env, scope, title, children):
    at = map_page(scope)
    assert title in titles(at)
    assert set(drawn_areas(at)) == children


def test_the_map_loads_leaflet_from_the_app_and_nothing_from_the_internet(app_env):
    args = map_args(map_page())
    assert args["js_links"] == ["../../app/static/vendor/leaflet/leaflet.js"]
    assert args["css_links"] == ["../../app/static/vendor/leaflet/leaflet.css"]
    assert not re.search(r"https?://", args["header"])
    assert not re.search(r"https?://", args["script"])  # no basemap configured: no tiles either
    # Only a click reruns the page: panning, zooming and hovering are not reported back.
    assert args["returned_objects"] == ["last_active_drawing"]
    assert (ROOT / "static" / "vendor" / "leaflet" / "leaflet.js").exists()


def test_a_bad_metric_in_the_url_warns_and_falls_back(app_env):
    at = map_page({"metric": "happiness"})
    assert "地址中的地图指标“happiness”无法识别，已改为“三率综合得分”。" in [w.value for w in at.warning]
    assert at.query_params["metric"] == "composite_score"
    assert "全市 各区县 三率综合得分" in titles(at)


def test_community_level_metrics_are_not_offered_for_grids(app_env):
    at = map_page({"community": "990101001001", "metric": "assessment_avg"})
    assert any("网格一级没有“考核平均分”数据" in w.value for w in at.warning)
    assert "东一社区 各网格 三率综合得分" in titles(at)
    options = at.get("button_group")[0].proto.options
    assert "考核平均分" not in [o.content for o in options]


def test_assessment_average_per_community(app_env):
    # 2024 round: 东一 92, 东二 82 (see test_app_shell: 甲区 (92 + 82 + 78) / 3).
    at = map_page({"street": "990101001", "metric": "assessment_avg"})
    look = drawn_areas(at)
    assert "考核平均分：92.0 分" in look["990101001001"]["t"]
    assert "考核平均分：82.0 分" in look["990101001002"]["t"]
    assert any("2024年度居村委会考核" in c.value for c in at.caption)


def test_grid_card_from_the_url(app_env):
    """东二第一网格 (990101001002001): 综合网格, 600 户, 1,800 人, 王三 (专职); at the end of
    October it has 2 open tickets — T11 (received 09-16, returned, due 09-25: overdue) and
    T06 (received 10-23, due 11-03) — so 积压 2, 超期 1."""
    at = map_page({"community": "990101001002", "grid": "990101001002001"})
    values = {m.label: m.value for m in at.metric}
    assert values["户数"] == "600 户" and values["人口"] == "1,800 人"
    assert values["专职 / 兼职网格员"] == "1 / 0 人"
    assert values["积压（期末）"] == "2 件" and values["超期（期末）"] == "1 件"
    assert values["网格长"] == "未设"
    assert any("东二第一网格" in md.value for md in at.markdown)
    # The selected grid is outlined on the map.
    assert drawn_areas(at)["990101001002001"]["s"]["weight"] == 5


def test_grid_card_of_a_dedicated_grid_without_a_full_time_worker(app_env):
    at = map_page({"community": "990101001002", "grid": "990101001002002"})
    assert "该网格没有在岗专职网格员。" in [w.value for w in at.warning]
    assert any("专属网格（学校）" in md.value for md in at.markdown)
    assert "无在岗专职网格员" in drawn_areas(at)["990101001002002"]["t"]


def test_an_unknown_grid_in_the_url_warns(app_env):
    at = map_page({"community": "990101001002", "grid": "990101001002999"})
    assert "地址中的网格代码“990101001002999”不存在，已忽略。" in [w.value for w in at.warning]
    assert "grid" not in at.query_params


def test_a_grid_of_another_community_is_dropped_quietly(app_env):
    # Left over in the URL after going up to the street: no card, no warning.
    at = map_page({"street": "990101001", "grid": "990101001002002"})
    assert "grid" not in at.query_params
    assert not [w for w in at.warning if "网格" in w.value]


def test_with_amap_tiles_the_polygons_are_shifted_to_gcj02(app_env, tmp_path, monkeypatch):
    from dashboard.core import geo

    text = FIXTURE_CONFIG.read_text(encoding="utf-8")
    config = tmp_path / "settings.toml"
    config.write_text(text.replace('basemap = "none"', 'basemap = "amap"'), encoding="utf-8")
    monkeypatch.setenv("DASHBOARD_CONFIG", str(config))
    script = map_args(map_page())["script"]
    assert "webrd0{s}.is.autonavi.com" in script
    # 甲区's south-west corner (120.0 E, 30.0 N) is drawn where 高德 tiles have it: a few
    # hundred metres away, at the published GCJ-02 offset (rounded to the view's 5 decimals).
    lon, lat = geo.wgs84_to_gcj02(120.0, 30.0)
    assert f"[{round(lon, 5)},{round(lat, 5)}]" in script
    assert "[120.0,30.0]" not in script
