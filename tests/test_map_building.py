"""Building the map: colour classes that follow the metric's direction, ranks among
siblings, the configurable basemap, and Leaflet served by the app itself."""

import threading
from dataclasses import replace

import numpy as np
import pandas as pd
import pytest

from dashboard import maps
from dashboard.config import load_settings
from dashboard.data.grids import rank_values, rank_text
from dashboard.metrics import metric

BAD, GOOD = maps.BAD_TO_GOOD[0], maps.BAD_TO_GOOD[-1]


def test_few_distinct_values_get_one_class_each():
    classes = maps.colour_classes([75.25, 96.0], metric("composite_score"))
    assert classes.colour_of(96.0) == GOOD and classes.colour_of(75.25) == BAD
    # Legend: best first, with the number of areas in each class.
    assert [(c.label, c.count) for c in classes.legend] == [("96.0", 1), ("75.2", 1)]
    assert classes.good_first_note == "越高越好"


def test_for_lower_is_better_the_largest_value_is_red():
    classes = maps.colour_classes([5, 2, 0], metric("backlog"))
    assert classes.colour_of(5) == BAD and classes.colour_of(0) == GOOD
    assert classes.colour_of(2) == maps.BAD_TO_GOOD[2]
    assert [c.label for c in classes.legend] == ["0", "2", "5"]  # good first: the lowest
    assert classes.good_first_note == "越低越好"


def test_many_values_get_five_equal_count_classes():
    values = [i / 100 for i in range(100)]  # satisfaction 0 %, 1 %, … 99 %: 20 areas per class
    classes = maps.colour_classes(values, metric("satisfaction_rate"))
    assert classes.breaks == pytest.approx((0.2, 0.4, 0.6, 0.8))
    assert len(classes.colours) == 5
    assert [c.count for c in classes.legend] == [20, 20, 20, 20, 20]
    assert classes.legend[0].label == "≥ 80.0%" and classes.legend[-1].label == "< 20.0%"
    assert classes.colour_of(0.99) == GOOD and classes.colour_of(0.0) == BAD


def test_no_class_is_empty_and_values_are_classed_as_displayed():
    # Six districts' composite scores (as on the demo city): five classes, none empty.
    classes = maps.colour_classes([93.0, 92.7, 92.5, 90.8, 87.3, 75.7], metric("composite_score"))
    assert classes.breaks == pytest.approx((90.8, 92.5, 92.7, 93.0))
    assert [c.count for c in classes.legend] == [1, 1, 1, 1, 2]
    # 90.78 is shown as "90.8", so it is coloured with the 90.8 – 92.5 class, not below it.
    assert classes.colour_of(90.78) == classes.colour_of(90.8) != classes.colour_of(90.74)


def test_areas_without_a_value_are_grey_and_counted():
    classes = maps.colour_classes([0.9, float("nan"), None], metric("satisfaction_rate"))
    assert classes.colour_of(float("nan")) == maps.NO_DATA
    assert classes.legend[-1].label == "无数据" and classes.legend[-1].count == 2


def test_rank_is_best_first_and_ties_share_the_better_rank():
    up = rank_values(pd.Series([75.25, 96.0, 96.0, np.nan]), "up")
    assert list(up.astype("float").fillna(0)) == [3, 1, 1, 0]
    down = rank_values(pd.Series([5, 2, 0]), "down")
    assert list(down) == [3, 2, 1]
    assert rank_text(2, 12) == "第 2 / 12 名"
    assert rank_text(pd.NA, 12) == "无数据，不参与排名"


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
    from dashboard import filters as flt
    from dashboard.data import common, grids

    f = flt.scope_to(flt.default_filters(common.as_of()), "990101", common.areas())
    first = grids.child_shapes(f)
    assert grids.child_shapes(f) is first
    assert first.codes == ("990101001", "990101002") and first.level == "street"
    assert first.shared_borders_kept  # 东街道 and 西街道 share the meridian 120.1 exactly
    assert 0 < first.payload_bytes < 2_000_000
    # 高德 needs its own (shifted) copy.
    assert grids.child_shapes(f, gcj02=True) is not first
