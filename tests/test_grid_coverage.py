"""网格覆盖检查 (横到边、纵到底、全覆盖、无缝隙): gaps and overlaps of the grids inside each
community, with area in m² and where they are — none in the clean fixture city, exactly the
two planted in tests/fixtures/coverage/."""

import math
import shutil

import pandas as pd
import pytest
import shapely
from streamlit.testing.v1 import AppTest

from dashboard.core import geo
from tests.conftest import FIXTURE_AS_OF, FIXTURE_DIR, ROOT
from tests.pages import log_in

COVERAGE_DIR = ROOT / "tests" / "fixtures" / "coverage"
R = 6_371_008.8


def sphere_rectangle_m2(lon0, lat0, lon1, lat1) -> float:
    """R² · Δλ · (sin φ₁ − sin φ₀) for a lon/lat rectangle."""
    return R ** 2 * math.radians(lon1 - lon0) * (math.sin(math.radians(lat1)) - math.sin(math.radians(lat0)))


def _frames(folder):
    comm = pd.read_csv(FIXTURE_DIR / "communities.csv", dtype=str)
    grids = pd.read_csv(folder / "grids.csv", dtype=str)
    return (pd.DataFrame({"code": comm["community_code"], "geom": shapely.from_wkt(comm["geometry"])}),
            pd.DataFrame({"code": grids["grid_code"], "community_code": grids["community_code"],
                          "geom": shapely.from_wkt(grids["geometry"])}))


def test_the_clean_fixture_city_has_no_gaps_or_overlaps():
    # Eight rectangles tiling four communities exactly (tests/fixtures/city/grids.csv).
    issues = geo.coverage_check(*_frames(FIXTURE_DIR))
    assert issues.empty


def test_a_planted_gap_and_a_planted_overlap_are_found_with_their_area_and_place():
    """tests/fixtures/coverage/grids.csv:

    * 缝隙 in 东一社区: 东一第二网格 stops at 30.09° N, so the strip 120.05–120.1 E ×
      30.09–30.1 N is in no grid: R²·Δλ·(sin 30.1° − sin 30.09°)
      = 6,371,008.8² × 0.000872665 × 0.00015105 ≈ 5,350,000 m² (5.35 km²), bordered by
      both grids of 东一社区.
    * 重叠 in 西一社区: 西一第一网格 reaches 30.12° N and covers 120.1–120.2 E × 30.1–30.12 N
      of 西一第二网格: R²·0.00174533·(sin 30.12° − sin 30.1°) ≈ 21,390,000 m².
    """
    issues = geo.coverage_check(*_frames(COVERAGE_DIR))
    assert list(issues["kind"]) == ["缝隙", "重叠"]
    gap, overlap = issues.iloc[0], issues.iloc[1]

    assert gap["community_code"] == "990101001001"
    assert gap["area_m2"] == pytest.approx(sphere_rectangle_m2(120.05, 30.09, 120.1, 30.1), rel=1e-6)
    assert gap["area_m2"] == pytest.approx(5_350_000, rel=0.002)
    assert gap["grid_codes"] == ("990101001001001", "990101001001002")
    assert 120.05 <= gap["lon"] <= 120.1 and 30.09 <= gap["lat"] <= 30.1
    assert gap["geom"].equals(shapely.box(120.05, 30.09, 120.1, 30.1))

    assert overlap["community_code"] == "990101002001"
    assert overlap["area_m2"] == pytest.approx(sphere_rectangle_m2(120.1, 30.1, 120.2, 30.12), rel=1e-6)
    assert overlap["area_m2"] == pytest.approx(21_390_000, rel=0.002)
    assert overlap["grid_codes"] == ("990101002001001", "990101002001002")
    assert 120.1 <= overlap["lon"] <= 120.2 and 30.1 <= overlap["lat"] <= 30.12


def test_grids_of_different_communities_touching_is_not_an_overlap():
    a = shapely.box(0, 0, 1, 1)
    b = shapely.box(1, 0, 2, 1)
    comm = pd.DataFrame({"code": ["A", "B"], "geom": [a, b]})
    grids = pd.DataFrame({"code": ["A1", "B1"], "community_code": ["A", "B"], "geom": [a, b]})
    assert geo.coverage_check(comm, grids).empty


def test_a_duplicated_grid_is_an_overlap_of_its_whole_area():
    a = shapely.box(120.0, 30.0, 120.01, 30.01)
    comm = pd.DataFrame({"code": ["C"], "geom": [a]})
    grids = pd.DataFrame({"code": ["C1", "C2"], "community_code": ["C", "C"], "geom": [a, a]})
    issues = geo.coverage_check(comm, grids)
    assert list(issues["kind"]) == ["重叠"]
    assert issues.iloc[0]["area_m2"] == pytest.approx(geo.area_m2(a))


def test_a_community_without_grids_is_one_big_gap():
    a = shapely.box(120.0, 30.0, 120.01, 30.01)
    issues = geo.coverage_check(pd.DataFrame({"code": ["C"], "geom": [a]}),
                                pd.DataFrame({"code": [], "community_code": [], "geom": []}))
    assert list(issues["kind"]) == ["缝隙"] and issues.iloc[0]["grid_codes"] == ()


@pytest.fixture(scope="module")
def coverage_db(tmp_path_factory):
    """The fixture city with tests/fixtures/coverage/grids.csv in place of its grids."""
    from dashboard.store.load import load_folder

    folder = tmp_path_factory.mktemp("coverage_city")
    for csv in FIXTURE_DIR.glob("*.csv"):
        shutil.copy(csv, folder / csv.name)
    shutil.copy(COVERAGE_DIR / "grids.csv", folder / "grids.csv")
    path = tmp_path_factory.mktemp("db") / "coverage.duckdb"
    load_folder(folder, path, label="覆盖检查测试", as_of=FIXTURE_AS_OF)
    return path


def _map_page(params: dict) -> AppTest:
    at = AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=60)
    log_in(at, "test_city")
    for k, v in params.items():
        at.query_params[k] = v
    at.switch_page("pages/map.py")
    at.run()
    assert not at.exception, at.exception
    return at


def test_the_map_page_lists_the_gap_and_the_overlap(coverage_db, monkeypatch):
    monkeypatch.setenv("DASHBOARD_DB", str(coverage_db))
    at = _map_page({})
    summary = [e.value for e in at.error]
    assert any("缝隙 1 处" in t and "重叠 1 处" in t for t in summary), summary
    table = next(d.value for d in at.dataframe if "问题" in d.value.columns)
    assert list(table["问题"]) == ["缝隙", "重叠"]
    assert list(table["社区/村"]) == ["东一社区", "西一社区"]
    assert table.iloc[0]["涉及网格"] == "东一第一网格、东一第二网格"
    assert table.iloc[1]["涉及网格"] == "西一第一网格、西一第二网格"
    assert table.iloc[0]["面积（平方米）"] == round(sphere_rectangle_m2(120.05, 30.09, 120.1, 30.1))


def test_in_a_clean_district_the_page_says_so(coverage_db, monkeypatch):
    monkeypatch.setenv("DASHBOARD_DB", str(coverage_db))
    at = _map_page({"district": "990102"})  # 乙县 has only 南村, which is tiled cleanly
    assert any("全覆盖、无缝隙、无重叠" in s.value for s in at.success)


def test_a_large_scope_is_checked_on_request(coverage_db, monkeypatch):
    # A whole large city (30,000 grids) takes about a second: it runs when asked for.
    from dashboard.data import grids

    monkeypatch.setenv("DASHBOARD_DB", str(coverage_db))
    monkeypatch.setattr(grids, "COVERAGE_AUTO_LIMIT", 4)
    monkeypatch.setattr(grids, "_coverage_done", set())
    at = _map_page({})
    assert any("范围内共有 8 个网格" in i.value for i in at.info)
    assert not at.error
    at.button(key="coverage_").click().run()
    assert not at.exception
    assert any("缝隙 1 处" in e.value for e in at.error)
    at.run()  # checked once: stays checked without asking again
    assert any("缝隙 1 处" in e.value for e in at.error)
    assert not [b for b in at.button if b.key == "coverage_"]
