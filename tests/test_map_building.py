"""Building the map: colour classes that follow the metric's direction, ranks among
siblings, the configurable basemap, and Leaflet served by the app itself."""

import threading
from dataclasses import replace

import pandas as pd

from dashboard.core.config import load_settings
from dashboard.core.metrics import metric
from dashboard.data.grids import rank_text
from dashboard.store import db
from dashboard.ui import maps

BAD, GOOD = maps.BAD_TO_GOOD[0], maps.BAD_TO_GOOD[-1]


def test_classes_are_fixed_breaks_tied_to_the_alert_line():
    """三率综合得分 classes are the registry's breaks 75 / 85 / 90 / 95 (85 = the alert line), whatever the
    values on screen: the demo city's six districts (93.0 … 75.7) no longer get a 92.5–92.7 class, and
    90.8 sits in the second-best class "90.0 – 95.0", not at the bad end."""
    classes = maps.colour_classes([93.0, 92.7, 92.5, 90.8, 87.3, 75.7], metric("composite_score"))
    assert classes.breaks == (75.0, 85.0, 90.0, 95.0)
    assert [(c.label, c.count) for c in classes.legend] == [
        ("≥ 95.0", 0), ("90.0 – 95.0", 4), ("85.0 – 90.0", 1), ("预警线 85.0 分", -1), ("75.0 – 85.0", 1),
        ("< 75.0", 0)]
    assert classes.colour_of(75.7) == maps.BAD_TO_GOOD[1] and classes.colour_of(96) == GOOD
    assert classes.colour_of(90.8) == maps.BAD_TO_GOOD[3]
    assert "各级地图相同" in classes.rule and classes.good_first_note == "越高越好"


def test_the_same_breaks_at_every_scope():
    """Two different sets of values (a city's districts, one district's streets) get the same breaks."""
    one = maps.colour_classes([93.0, 75.7], metric("composite_score"))
    two = maps.colour_classes([97.4, 96.6, 88.6, 87.2], metric("composite_score"))
    assert one.breaks == two.breaks


def test_values_are_classed_as_displayed_half_up():
    """84.95 is shown as 85.0 (四舍五入), so it is in the 85.0 – 90.0 class, not below the line;
    rates are classed in percent: 0.8499 is shown as 85.0% → the 85.0% – 90.0% class."""
    classes = maps.colour_classes([84.95], metric("composite_score"))
    assert classes.colour_of(84.95) == classes.colour_of(85.0) != classes.colour_of(84.94)
    rates = maps.colour_classes([0.8499, 0.70], metric("satisfaction_rate"))
    assert rates.breaks == (75.0, 85.0, 90.0, 95.0)
    assert rates.colour_of(0.8499) == rates.colour_of(0.86) and rates.colour_of(0.70) == BAD


def test_for_lower_is_better_the_largest_value_is_red():
    """积压: fixed count classes 0 | 1–9 | 10–49 | 50–199 | ≥ 200; the largest class is red, zero is blue."""
    classes = maps.colour_classes([600, 20, 0], metric("backlog"))
    assert classes.colour_of(600) == BAD and classes.colour_of(0) == GOOD
    assert [c.label for c in classes.legend] == ["0", "1–9", "10–49", "50–199", "≥ 200"]
    assert classes.good_first_note == "越低越好"


def test_areas_without_a_value_or_with_a_small_sample_are_grey_and_counted():
    classes = maps.colour_classes([0.9, float("nan"), None, 0.5], metric("satisfaction_rate"),
                                  ["ranked", "无数据", "无数据", "样本不足"])
    assert classes.colour_of(float("nan")) == maps.NO_DATA
    assert classes.colour_of(0.5, "样本不足") == maps.SMALL_SAMPLE
    assert [(c.label, c.count) for c in classes.legend[-2:]] == [("样本不足", 1), ("无数据", 2)]


def test_a_metric_without_fixed_breaks_is_classed_around_the_city_value():
    """千人诉求量 (depends on the period's length): breaks at 0.8 / 0.95 / 1.05 / 1.2 × the city's 3.00."""
    classes = maps.colour_classes([2.0, 3.0, 4.0], metric("per_1000"), reference=3.0)
    assert classes.breaks == (2.4, 2.85, 3.15, 3.6)
    assert "全市 3.00" in classes.rule


def test_rank_text_says_tied_and_unranked():
    row = pd.Series({"rank": 2, "rank_text": "并列第 2 名", "status": "ranked"})
    assert rank_text(row, 12) == "并列第 2 / 12 名"
    assert rank_text(pd.Series({"rank": pd.NA, "rank_text": "样本不足", "status": "样本不足"}), 12) == "样本不足，不参与排名"
    assert rank_text(None, 12) == "无数据，不参与排名"


def test_basemap_choices():
    cfg = load_settings()
    assert maps.basemap_for(cfg) == maps.Basemap("none", False)
    assert maps.basemap_for(replace(cfg, basemap="amap")) == maps.Basemap("amap", True)
    assert maps.basemap_for(replace(cfg, basemap="tianditu", tianditu_key="abc")).kind == "tianditu"
    no_key = maps.basemap_for(replace(cfg, basemap="tianditu"))
    assert no_key.kind == "none" and "tianditu_key" in no_key.problem
    no_url = maps.basemap_for(replace(cfg, basemap="local"))
    assert no_url.kind == "none" and "local_tile_url" in no_url.problem


def _script(basemap, cfg):
    m = maps.base_map((120.0, 30.0, 120.4, 30.2), basemap, cfg)
    return maps.script_of(m), maps.asset_links(m)


def test_no_basemap_means_no_tile_requests_at_all():
    cfg = load_settings()
    script, (js, css) = _script(maps.basemap_for(cfg), cfg)
    assert "tileLayer" not in script and "http" not in script
    assert js == [maps.LEAFLET_JS] and css == [maps.LEAFLET_CSS]


def test_configured_basemaps_draw_their_tiles():
    cfg = load_settings()
    local = replace(cfg, basemap="local", local_tile_url="http://10.0.0.5/tiles/{z}/{x}/{y}.png")
    assert "http://10.0.0.5/tiles/{z}/{x}/{y}.png" in _script(maps.basemap_for(local), local)[0]
    tdt = replace(cfg, basemap="tianditu", tianditu_key="KEY123")
    script = _script(maps.basemap_for(tdt), tdt)[0]
    assert "tianditu.gov.cn/vec_w" in script and "tianditu.gov.cn/cva_w" in script and "tk=KEY123" in script
    amap = replace(cfg, basemap="amap")
    assert "autonavi.com" in _script(maps.basemap_for(amap), amap)[0]


def test_static_assets_are_copied_from_the_installed_package_once(tmp_path):
    target = tmp_path / "static" / "vendor" / "leaflet"
    threads = [threading.Thread(target=maps.ensure_static_assets, args=(target,)) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    source = maps.leaflet_source_dir()
    for rel in ("leaflet.js", "leaflet.css", "images/layers.png"):
        assert (target / rel).read_bytes() == (source / rel).read_bytes()
    mtime = (target / "leaflet.js").stat().st_mtime_ns
    maps._assets_ready.discard(target)  # a new process: files already there are left alone
    maps.ensure_static_assets(target)
    assert (target / "leaflet.js").stat().st_mtime_ns == mtime
    assert not [p for p in target.rglob(".*")]  # no temporary files left behind


def test_a_stale_copy_is_replaced(tmp_path):
    target = tmp_path / "leaflet"
    (target).mkdir()
    (target / "leaflet.js").write_text("old")
    maps.ensure_static_assets(target)
    assert (target / "leaflet.js").read_bytes() == (maps.leaflet_source_dir() / "leaflet.js").read_bytes()


def test_the_click_value_gives_the_clicked_area_code():
    value = {"last_active_drawing": {"type": "Feature", "properties": {"code": "990101", "name": "甲区"},
                                     "geometry": {"type": "Polygon", "coordinates": []}}}
    assert maps.clicked_code(value) == "990101"
    assert maps.clicked_code({"last_active_drawing": None}) is None
    assert maps.clicked_code({"last_active_drawing": {"properties": {"kind": "缝隙"}}}) is None
    assert maps.clicked_code(None) is None


def test_view_geometry_is_built_once_and_reused(app_env):
    # Reruns (a hover does not even rerun; a metric change does) reuse the cached view:
    # the same object, not a recomputation.
    from dashboard.core import filters as flt
    from dashboard.data import grids

    f = flt.scope_to(flt.default_filters(db.as_of()), "990101", db.areas())
    first = grids.child_shapes(f)
    assert grids.child_shapes(f) is first
    assert first.codes == ("990101001", "990101002") and first.level == "street"
    assert first.shared_borders_kept  # 东街道 and 西街道 share the meridian 120.1 exactly
    assert 0 < first.payload_bytes < 2_000_000
    # 高德 needs its own (shifted) copy.
    assert grids.child_shapes(f, gcj02=True) is not first


def test_static_map_labels_do_not_print_over_each_other():
    """Issue 17: three districts in a map 1° high drawn 313 px high (the slide picture): 乙区 0.01° from
    甲区 (3 px) would overprint it and is left unlabelled (甲区 is larger, placed first); 丙区 0.5° away
    (150 px) keeps its label."""
    from types import SimpleNamespace

    import pandas as pd

    from dashboard.core.metrics import metric
    from dashboard.ui.maps import _placed_labels

    def square(x, y, size):
        return {"geometry": {"type": "Polygon", "coordinates": [[[x, y], [x + size, y], [x + size, y + size], [x, y]]]}}

    features = [square(120.0, 30.0, 0.3), square(120.01, 30.01, 0.05), square(120.5, 30.5, 0.2)]
    shapes = SimpleNamespace(bounds=(120.0, 30.0, 121.0, 31.0), codes=["A", "B", "C"], names=["甲区", "乙区", "丙区"],
                             label_points=[(30.1, 120.1), (30.11, 120.11), (30.6, 120.6)])
    frame = pd.DataFrame({"value": [90.0, 80.0, 70.0]}, index=["A", "B", "C"])
    labels = _placed_labels(shapes, features, frame, metric("composite_score"), "", 470, 1.15)
    assert [t for _, _, t in labels] == ["甲区<br>90.0", None, "丙区<br>70.0"]
