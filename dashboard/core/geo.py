"""几何 — the geometry behind the grid map (网格地图), with no Streamlit in it.

* ``from_wkb`` reads the WGS-84 polygons stored in the ``geom`` columns.
* ``simplify_view`` prepares one map view: the polygons are simplified *together* with
  ``shapely.coverage_simplify`` (neighbours keep one shared border: no slivers, no
  gaps), then coordinates are rounded to what the view can show.
* ``wgs84_to_gcj02`` is the standard WGS-84 → GCJ-02 (“火星坐标”) shift used by
  高德/腾讯 tiles (docs/domain.md「区域层级」: store WGS-84, convert only at display time); outside
  China nothing moves. 天地图 (CGCS2000) needs no shift.
* ``to_wgs84`` / ``points_to_wgs84`` bring imported coordinates declared in another system
  (GCJ-02 from 高德/腾讯, BD-09 from 百度, CGCS2000 from 天地图 and surveying) to WGS-84,
  what the database stores; GCJ-02 → WGS-84 inverts the forward shift by iteration.
* ``area_m2`` is the spherical area (same projection as the builder's ``area_km2``).
* ``coverage_check`` is the 横到边、纵到底、全覆盖、无缝隙 check: inside each community,
  the parts not covered by any of its grids (缝隙) and the parts covered by two of its
  grids (重叠), each with its area in m² and where it is.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Iterable, Sequence

import numpy as np
import pandas as pd
import shapely

EARTH_RADIUS_M = 6_371_008.8  # mean Earth radius, as in dashboard.store.build.polygon_area_km2
MIN_ISSUE_AREA_M2 = 1.0  # coverage problems smaller than this are floating-point noise, not gaps

# -- reading -------------------------------------------------------------------------------------------


def from_wkb(values: Iterable) -> np.ndarray:
    """Shapely geometries from WKB blobs (bytes/bytearray/memoryview; None stays None)."""
    blobs = [None if v is None or (isinstance(v, float) and math.isnan(v)) else bytes(v) for v in values]
    return shapely.from_wkb(np.array(blobs, dtype=object))


# -- areas ---------------------------------------------------------------------------------------------


def _equal_area(coords: np.ndarray) -> np.ndarray:
    """Lambert cylindrical equal-area (x = R·λ, y = R·sin φ): planar area = spherical area."""
    lon, lat = np.radians(coords[:, 0]), np.radians(coords[:, 1])
    return np.column_stack([EARTH_RADIUS_M * lon, EARTH_RADIUS_M * np.sin(lat)])


def area_m2(geoms) -> np.ndarray | float:
    """Area in square metres of WGS-84 polygons (on the sphere of radius 6,371,008.8 m)."""
    return shapely.area(shapely.transform(geoms, _equal_area))


# -- simplification ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ViewGeometry:
    """The polygons of one map view, ready to draw."""

    geoms: np.ndarray  # simplified, shifted if needed, rounded
    tolerance: float  # degrees
    decimals: int
    bounds: tuple[float, float, float, float]  # min lon, min lat, max lon, max lat (as drawn)
    shared_borders_kept: bool  # False if the input was not a clean coverage (per-polygon fallback)


def view_tolerance(bounds: Sequence[float], pixels: int = 1000) -> float:
    """About half a screen pixel when the view's extent fills ``pixels`` pixels."""
    minx, miny, maxx, maxy = bounds
    extent = max(maxx - minx, maxy - miny)
    return extent / pixels * 0.5 if extent > 0 else 0.0


def decimals_for(tolerance: float) -> int:
    """Coordinate decimals: a few times finer than the simplification, 4–6 (≈ 11 m to 0.1 m)."""
    if tolerance <= 0:
        return 6
    return int(min(6, max(4, math.ceil(-math.log10(tolerance / 4)))))


def simplify_coverage(geoms: np.ndarray, tolerance: float) -> tuple[np.ndarray, bool]:
    """Simplify neighbouring polygons together so that shared borders stay shared.

    Returns the simplified polygons and whether coverage simplification was possible; a
    set of polygons that is not a clean coverage (overlaps, borders whose vertices do not
    match) is simplified polygon by polygon instead, which may open thin slivers.
    """
    geoms = np.asarray(geoms, dtype=object)
    if tolerance <= 0 or len(geoms) == 0:
        return geoms, True
    try:
        if shapely.coverage_is_valid(geoms):
            out = shapely.coverage_simplify(geoms, tolerance)
            if not np.any(shapely.is_empty(out)):
                return out, True
    except shapely.errors.GEOSException:
        pass
    return shapely.simplify(geoms, tolerance, preserve_topology=True), False


def round_coordinates(geoms, decimals: int):
    """Round every coordinate to ``decimals`` places. Equal vertices stay equal, so a
    border shared by two polygons stays shared."""
    return shapely.transform(geoms, lambda c: np.round(c, decimals))


def simplify_view(geoms: np.ndarray, gcj02: bool = False, pixels: int = 1000) -> ViewGeometry:
    """Simplify, (optionally) shift to GCJ-02 and round the polygons of one view."""
    geoms = np.asarray(geoms, dtype=object)
    if len(geoms) == 0:
        return ViewGeometry(geoms, 0.0, 6, (0.0, 0.0, 0.0, 0.0), True)
    bounds = tuple(float(v) for v in shapely.total_bounds(geoms))
    tol = view_tolerance(bounds, pixels)
    simplified, kept = simplify_coverage(geoms, tol)
    if gcj02:
        simplified = to_gcj02(simplified)
    decimals = decimals_for(tol)
    out = round_coordinates(simplified, decimals)
    return ViewGeometry(out, tol, decimals, tuple(float(v) for v in shapely.total_bounds(out)), kept)


def prepare_shapes(geoms: np.ndarray, tolerance: float, gcj02: bool = False, decimals: int = 6) -> np.ndarray:
    """Small overlay shapes (coverage gaps/overlaps, highlighted grids): simplified one by
    one with the view's tolerance, shifted if needed and rounded."""
    geoms = np.asarray(geoms, dtype=object)
    if len(geoms) == 0:
        return geoms
    out = shapely.simplify(geoms, tolerance, preserve_topology=True) if tolerance > 0 else geoms
    if gcj02:
        out = to_gcj02(out)
    return round_coordinates(out, decimals)


# -- WGS-84 → GCJ-02 -----------------------------------------------------------------------------------
# The published algorithm (Krasovsky 1940 ellipsoid constants); see e.g. googollee/eviltransform
# and wandergis/coordTransform_py. Points outside China's bounding box are not shifted.
_GCJ_A = 6378245.0
_GCJ_EE = 0.00669342162296594323


def out_of_china(lon, lat):
    lon, lat = np.asarray(lon, dtype=float), np.asarray(lat, dtype=float)
    return ~((lon >= 72.004) & (lon <= 137.8347) & (lat >= 0.8293) & (lat <= 55.8271))


def _transform_lat(x, y):
    ret = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * np.sqrt(np.abs(x))
    ret += (20.0 * np.sin(6.0 * x * np.pi) + 20.0 * np.sin(2.0 * x * np.pi)) * 2.0 / 3.0
    ret += (20.0 * np.sin(y * np.pi) + 40.0 * np.sin(y / 3.0 * np.pi)) * 2.0 / 3.0
    ret += (160.0 * np.sin(y / 12.0 * np.pi) + 320.0 * np.sin(y * np.pi / 30.0)) * 2.0 / 3.0
    return ret


def _transform_lon(x, y):
    ret = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * np.sqrt(np.abs(x))
    ret += (20.0 * np.sin(6.0 * x * np.pi) + 20.0 * np.sin(2.0 * x * np.pi)) * 2.0 / 3.0
    ret += (20.0 * np.sin(x * np.pi) + 40.0 * np.sin(x / 3.0 * np.pi)) * 2.0 / 3.0
    ret += (150.0 * np.sin(x / 12.0 * np.pi) + 300.0 * np.sin(x / 30.0 * np.pi)) * 2.0 / 3.0
    return ret


def wgs84_to_gcj02(lon, lat):
    """WGS-84 (lon, lat) → GCJ-02 (lon, lat); scalars or numpy arrays."""
    lon_a, lat_a = np.asarray(lon, dtype=float), np.asarray(lat, dtype=float)
    dlat = _transform_lat(lon_a - 105.0, lat_a - 35.0)
    dlon = _transform_lon(lon_a - 105.0, lat_a - 35.0)
    radlat = lat_a / 180.0 * np.pi
    magic = 1 - _GCJ_EE * np.sin(radlat) ** 2
    sqrt_magic = np.sqrt(magic)
    dlat = (dlat * 180.0) / ((_GCJ_A * (1 - _GCJ_EE)) / (magic * sqrt_magic) * np.pi)
    dlon = (dlon * 180.0) / (_GCJ_A / sqrt_magic * np.cos(radlat) * np.pi)
    outside = out_of_china(lon_a, lat_a)
    out_lon = np.where(outside, lon_a, lon_a + dlon)
    out_lat = np.where(outside, lat_a, lat_a + dlat)
    if np.ndim(lon) == 0 and np.ndim(lat) == 0:
        return float(out_lon), float(out_lat)
    return out_lon, out_lat


def to_gcj02(geoms):
    """Shift geometries from WGS-84 to GCJ-02 (for 高德 tiles)."""
    def shift(coords: np.ndarray) -> np.ndarray:
        lon, lat = wgs84_to_gcj02(coords[:, 0], coords[:, 1])
        return np.column_stack([lon, lat])
    return shapely.transform(geoms, shift)


# -- imported coordinates → WGS-84 ----------------------------------------------------------------------
# The names a file's coordinate system may be declared with (--crs), and what each one is.
CRS_NAMES = {"wgs84": "WGS-84（GPS、天地图以外的国际通用）", "gcj02": "GCJ-02（高德、腾讯，“火星坐标”）",
             "bd09": "BD-09（百度）", "cgcs2000": "CGCS2000（天地图、测绘成果）"}


def crs_key(text: str) -> str:
    """``"GCJ-02"``, ``"gcj02"``, ``"BD09"`` … → the key of ``CRS_NAMES``; ValueError if unknown."""
    key = str(text).strip().lower().replace("-", "").replace("_", "").replace(" ", "")
    key = {"epsg4326": "wgs84", "epsg4490": "cgcs2000", "gcj": "gcj02", "bd": "bd09", "baidu": "bd09",
           "amap": "gcj02", "gaode": "gcj02", "高德": "gcj02", "腾讯": "gcj02", "百度": "bd09", "天地图": "cgcs2000"}.get(key, key)
    if key not in CRS_NAMES:
        raise ValueError(text)
    return key


def gcj02_to_wgs84(lon, lat, iterations: int = 6):
    """GCJ-02 → WGS-84 by fixed-point iteration of the forward shift (error < 1 cm after 3–4 rounds)."""
    g_lon, g_lat = np.asarray(lon, dtype=float), np.asarray(lat, dtype=float)
    w_lon, w_lat = g_lon.copy(), g_lat.copy()
    for _ in range(iterations):
        f_lon, f_lat = wgs84_to_gcj02(w_lon, w_lat)
        w_lon, w_lat = w_lon - (f_lon - g_lon), w_lat - (f_lat - g_lat)
    return w_lon, w_lat


_BD_X = math.pi * 3000.0 / 180.0


def bd09_to_gcj02(lon, lat):
    """BD-09 → GCJ-02 (百度's published offset on top of GCJ-02)."""
    x, y = np.asarray(lon, dtype=float) - 0.0065, np.asarray(lat, dtype=float) - 0.006
    z = np.sqrt(x * x + y * y) - 0.00002 * np.sin(y * _BD_X)
    theta = np.arctan2(y, x) - 0.000003 * np.cos(x * _BD_X)
    return z * np.cos(theta), z * np.sin(theta)


def gcj02_to_bd09(lon, lat):
    x, y = np.asarray(lon, dtype=float), np.asarray(lat, dtype=float)
    z = np.sqrt(x * x + y * y) + 0.00002 * np.sin(y * _BD_X)
    theta = np.arctan2(y, x) + 0.000003 * np.cos(x * _BD_X)
    return z * np.cos(theta) + 0.0065, z * np.sin(theta) + 0.006


def points_to_wgs84(lon, lat, crs: str):
    """Arrays of (lon, lat) in ``crs`` → WGS-84. CGCS2000 and WGS-84 differ by centimetres: unchanged."""
    crs = crs_key(crs)
    lon, lat = np.asarray(lon, dtype=float), np.asarray(lat, dtype=float)
    if crs in ("wgs84", "cgcs2000"):
        return lon, lat
    if crs == "bd09":
        lon, lat = bd09_to_gcj02(lon, lat)
    return gcj02_to_wgs84(lon, lat)


def to_wgs84(geoms, crs: str):
    """Geometries with coordinates in ``crs`` → WGS-84."""
    if crs_key(crs) in ("wgs84", "cgcs2000"):
        return geoms

    def shift(coords: np.ndarray) -> np.ndarray:
        return np.column_stack(points_to_wgs84(coords[:, 0], coords[:, 1], crs))
    return shapely.transform(geoms, shift)


def shift_m(lon: float, lat: float, crs: str) -> tuple[float, float]:
    """How far (east, north in metres) the WGS-84 point would appear in ``crs`` (GCJ-02 or BD-09)."""
    g_lon, g_lat = wgs84_to_gcj02(lon, lat)
    if crs_key(crs) == "bd09":
        g_lon, g_lat = (float(v) for v in gcj02_to_bd09(g_lon, g_lat))
    k = math.pi / 180 * EARTH_RADIUS_M
    return (g_lon - lon) * k * math.cos(math.radians(lat)), (g_lat - lat) * k


# -- coverage check (横到边、纵到底、全覆盖、无缝隙) -----------------------------------------------------

COVERAGE_COLUMNS = ["kind", "community_code", "grid_codes", "area_m2", "lon", "lat", "geom"]


def coverage_check(communities: pd.DataFrame, grids: pd.DataFrame,
                   min_area_m2: float = MIN_ISSUE_AREA_M2) -> pd.DataFrame:
    """Gaps and overlaps of the grids inside each community.

    ``communities``: columns ``code``, ``geom`` (shapely); ``grids``: ``code``,
    ``community_code``, ``geom``. Returns one row per problem:

    * ``kind`` — ``"缝隙"`` (part of the community covered by none of its grids; each
      separate piece is one row) or ``"重叠"`` (part covered by two of its grids; one row
      per pair of grids);
    * ``community_code``; ``grid_codes`` — the grids involved (for a gap: the grids
      bordering it); ``area_m2``; ``lon``/``lat`` — a point inside the problem area;
      ``geom`` — the problem area (WGS-84).

    Overlaps are the pairwise intersections of the community's grids whose interiors meet
    (candidate pairs from an STRtree); gaps are the community minus the union of its
    grids. The union is only computed for communities that fail a cheap exact screen
    (no overlap, every grid inside the community, grid areas adding up to the community's
    area), so a clean city of 30,000 grids is checked in about a second. Pieces smaller
    than ``min_area_m2`` are rounding noise and are left out.
    """
    rows: list[dict] = []
    g_codes = grids["code"].to_numpy(dtype=object)
    g_comm = grids["community_code"].to_numpy(dtype=object)
    g_geom = np.asarray(grids["geom"].to_numpy(), dtype=object)
    c_codes = communities["code"].to_numpy(dtype=object)
    c_geom = np.asarray(communities["geom"].to_numpy(), dtype=object)
    g_ci = pd.Index(c_codes).get_indexer(g_comm)  # community row of each grid (-1: unknown)
    suspicious = np.zeros(len(c_codes), dtype=bool)

    # 重叠: pairs of grids of the same community whose interiors intersect.
    if len(g_geom):
        left, right = shapely.STRtree(g_geom).query(g_geom, predicate="intersects")
        keep = (left < right) & (g_comm[left] == g_comm[right])
        left, right = left[keep], right[keep]
        inside = shapely.relate_pattern(g_geom[left], g_geom[right], "T********") if len(left) else np.array([], bool)
        left, right = left[inside], right[inside]
        if len(left):
            inter = _polygonal(shapely.intersection(g_geom[left], g_geom[right]))
            areas = np.array([area_m2(g) if g is not None else 0.0 for g in inter])
            for i, j, geom, area in zip(left, right, inter, areas):
                if geom is not None and area >= min_area_m2:
                    rows.append(_issue("重叠", g_comm[i], [g_codes[i], g_codes[j]], area, geom))
            suspicious[g_ci[left][g_ci[left] >= 0]] = True

    # 缝隙: screen every community, then community minus the union of its grids where needed.
    known = g_ci >= 0
    grid_area = area_m2(g_geom) if len(g_geom) else np.array([])
    total = np.bincount(g_ci[known], weights=grid_area[known], minlength=len(c_codes))
    count = np.bincount(g_ci[known], minlength=len(c_codes))
    suspicious |= np.abs(area_m2(c_geom) - total) > min_area_m2 if len(c_codes) else suspicious
    suspicious |= count == 0
    if known.any():
        outside = ~shapely.covered_by(g_geom[known], c_geom[g_ci[known]])
        suspicious[g_ci[known][outside]] = True
    members: dict[int, list[int]] = {}
    for k, ci in enumerate(g_ci):
        if ci >= 0 and suspicious[ci]:
            members.setdefault(int(ci), []).append(k)
    for ci in np.flatnonzero(suspicious):
        mine = members.get(int(ci), [])
        gap = shapely.difference(c_geom[ci], shapely.union_all(g_geom[mine])) if mine else c_geom[ci]
        piece_geom = _polygonal(np.array([gap], dtype=object))[0]
        if piece_geom is None:
            continue
        pieces = shapely.get_parts(piece_geom)
        for piece, area in zip(pieces, area_m2(pieces)):
            if area < min_area_m2:
                continue
            touching = [g_codes[k] for k in mine if shapely.intersects(g_geom[k], piece)]
            rows.append(_issue("缝隙", c_codes[ci], touching, area, piece))

    frame = pd.DataFrame(rows, columns=COVERAGE_COLUMNS)
    return frame.sort_values(["community_code", "kind", "area_m2"], ascending=[True, True, False],
                             ignore_index=True)


def _polygonal(geoms: np.ndarray) -> np.ndarray:
    """Keep only the areal part of overlay results (drop touching lines and points)."""
    out = np.empty(len(geoms), dtype=object)
    for i, g in enumerate(geoms):
        if g is None or shapely.is_empty(g):
            out[i] = None
        elif g.geom_type in ("Polygon", "MultiPolygon"):
            out[i] = g
        else:
            parts = [p for p in shapely.get_parts(g) if p.geom_type in ("Polygon", "MultiPolygon")]
            out[i] = shapely.union_all(parts) if parts else None
    return out


def _issue(kind: str, community: str, grid_codes: list[str], area: float, geom) -> dict:
    point = shapely.point_on_surface(geom)
    return {"kind": kind, "community_code": community, "grid_codes": tuple(sorted(grid_codes)),
            "area_m2": float(area), "lon": float(point.x), "lat": float(point.y), "geom": geom}


# -- GeoJSON -------------------------------------------------------------------------------------------


def feature_collection(geoms: Sequence, properties: Sequence[dict]) -> str:
    """A GeoJSON FeatureCollection as compact JSON text (geometry written by GEOS)."""
    import json

    texts = shapely.to_geojson(np.asarray(geoms, dtype=object))
    parts = [f'{{"type":"Feature","properties":{json.dumps(p, ensure_ascii=False, separators=(",", ":"))},'
             f'"geometry":{t}}}' for p, t in zip(properties, texts) if t is not None]
    return '{"type":"FeatureCollection","features":[' + ",".join(parts) + "]}"
