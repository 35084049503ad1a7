"""Geometry for the map: areas, simplification that keeps shared borders, coordinate
rounding, and the WGS-84 → GCJ-02 shift for 高德 tiles."""

import math

import numpy as np
import pytest
import shapely

from dashboard.core import geo

R = 6_371_008.8


def sphere_rectangle_m2(lon0, lat0, lon1, lat1) -> float:
    """Area of a lon/lat rectangle on the sphere: R² · Δλ · (sin φ₁ − sin φ₀)."""
    return R ** 2 * math.radians(lon1 - lon0) * (math.sin(math.radians(lat1)) - math.sin(math.radians(lat0)))


def test_area_of_a_fixture_grid_in_square_metres():
    # 东一第一网格 is the rectangle 120.0–120.05 E × 30.0–30.1 N:
    # 6,371,008.8² × 0.000872665 rad × (sin 30.1° − sin 30.0°) = 53,512,186 m² ≈ 53.5 km²
    # (the builder's area_km2 for this grid is 53.512186 as well).
    area = geo.area_m2(shapely.box(120.0, 30.0, 120.05, 30.1))
    assert area == pytest.approx(sphere_rectangle_m2(120.0, 30.0, 120.05, 30.1), rel=1e-9)
    assert area == pytest.approx(53_512_186, abs=1)


def _neighbours(points: int = 300, seed: int = 7):
    """Two neighbours side by side (120.0–120.1 and 120.1–120.2 E, 30.0–30.1 N) whose
    shared border is a wiggly line around x = 120.1 with ``points`` vertices (a seeded
    random walk, like a street-following boundary), the same vertices in both polygons,
    as in a real grid coverage."""
    rng = np.random.default_rng(seed)
    ys = np.linspace(30.0, 30.1, points + 1)
    xs = 120.1 + np.cumsum(rng.normal(0, 0.0003, points + 1))
    xs[0] = xs[-1] = 120.1
    border = list(zip(xs, ys))  # from south to north
    west = shapely.Polygon([(120.0, 30.0), *border, (120.0, 30.1)])
    east = shapely.Polygon([*border, (120.2, 30.1), (120.2, 30.0)][::-1])
    return west, east


@pytest.mark.parametrize("tolerance", [0.001, 0.002, 0.005])
def test_coverage_simplification_keeps_the_shared_border_shared(tolerance):
    west, east = _neighbours()
    assert shapely.coverage_is_valid(np.array([west, east]))
    out, kept = geo.simplify_coverage(np.array([west, east]), tolerance)
    assert kept
    w2, e2 = out
    # Far fewer vertices …
    assert shapely.get_num_coordinates(w2) < shapely.get_num_coordinates(west) / 5
    # … and still one border: no overlap, no gap between the two simplified polygons.
    assert shapely.intersection(w2, e2).area == 0
    union = shapely.union_all([w2, e2])
    assert union.geom_type == "Polygon" and len(union.interiors) == 0
    assert union.area == pytest.approx(w2.area + e2.area, rel=1e-12)
    assert shapely.coverage_is_valid(out)


def test_simplifying_each_polygon_alone_would_open_gaps_and_overlaps():
    # Why coverage simplification: the same tolerance polygon by polygon breaks the border.
    west, east = _neighbours()
    w2 = shapely.simplify(west, 0.002, preserve_topology=True)
    e2 = shapely.simplify(east, 0.002, preserve_topology=True)
    assert shapely.intersection(w2, e2).area > 0
    assert shapely.box(120.0, 30.0, 120.2, 30.1).difference(shapely.union_all([w2, e2])).area > 0


def test_rounding_keeps_shared_vertices_identical():
    west, east = _neighbours(points=10)
    jitter = shapely.transform(np.array([west, east]), lambda c: c + 1.23456789e-7)
    w2, e2 = geo.round_coordinates(jitter, 5)
    assert shapely.coverage_is_valid(np.array([w2, e2]))
    coords = shapely.get_coordinates(w2)
    assert np.all(np.round(coords, 5) == coords)


def test_a_view_is_simplified_to_its_scale_and_rounded():
    west, east = _neighbours()
    view = geo.simplify_view(np.array([west, east]))
    # extent 0.2 deg over 1000 px: half a pixel = 0.0001 deg; decimals a few times finer (5).
    assert view.tolerance == pytest.approx(0.0001)
    assert view.decimals == 5
    assert view.shared_borders_kept
    assert view.bounds == pytest.approx((120.0, 30.0, 120.2, 30.1))


# Published WGS-84 → GCJ-02 pairs (googollee/eviltransform test suite):
# (wgs lat, wgs lng, gcj lat, gcj lng)
EVILTRANSFORM_PAIRS = [
    (31.1774276, 121.5272106, 31.17530398364597, 121.531541859215),  # 上海
    (22.543847, 113.912316, 22.540796131694766, 113.9171764808363),  # 深圳
    (39.911954, 116.377817, 39.91334545536069, 116.38404722455657),  # 北京
]


@pytest.mark.parametrize("wgs_lat, wgs_lng, gcj_lat, gcj_lng", EVILTRANSFORM_PAIRS)
def test_gcj02_shift_matches_published_pairs(wgs_lat, wgs_lng, gcj_lat, gcj_lng):
    lon, lat = geo.wgs84_to_gcj02(wgs_lng, wgs_lat)
    assert lon == pytest.approx(gcj_lng, abs=1e-9)
    assert lat == pytest.approx(gcj_lat, abs=1e-9)


def test_gcj02_shift_is_hundreds_of_metres_and_vectorised():
    lats = np.array([p[0] for p in EVILTRANSFORM_PAIRS])
    lngs = np.array([p[1] for p in EVILTRANSFORM_PAIRS])
    lon, lat = geo.wgs84_to_gcj02(lngs, lats)
    assert lon == pytest.approx([p[3] for p in EVILTRANSFORM_PAIRS], abs=1e-9)
    assert lat == pytest.approx([p[2] for p in EVILTRANSFORM_PAIRS], abs=1e-9)
    metres = np.hypot((lon - lngs) * 111_320 * np.cos(np.radians(lats)), (lat - lats) * 110_574)
    assert np.all((metres > 100) & (metres < 1000))


def test_no_shift_outside_china():
    assert geo.wgs84_to_gcj02(2.3522, 48.8566) == (2.3522, 48.8566)  # Paris
    assert geo.wgs84_to_gcj02(139.6917, 35.6895) == (139.6917, 35.6895)  # Tokyo, east of 137.8347


def test_polygons_are_shifted_vertex_by_vertex():
    square = shapely.box(121.5272106, 31.1774276, 121.6, 31.2)
    shifted = geo.to_gcj02(square)
    assert shapely.get_num_coordinates(shifted) == shapely.get_num_coordinates(square)
    corner = shapely.get_coordinates(shifted)
    expected = geo.wgs84_to_gcj02(121.5272106, 31.1774276)
    assert any(c == pytest.approx(expected, abs=1e-12) for c in map(tuple, corner))


def test_feature_collection_is_compact_geojson():
    import json

    text = geo.feature_collection([shapely.box(120.0, 30.0, 120.5, 30.25)], [{"code": "990101", "name": "甲区"}])
    data = json.loads(text)
    assert data["features"][0]["properties"] == {"code": "990101", "name": "甲区"}
    assert data["features"][0]["geometry"]["type"] == "Polygon"
    assert "甲区" in text and " " not in text
