"""Coordinate systems on import: boundaries exported from 高德/腾讯 are GCJ-02 (about
480 m off at 嵊泗 if stored as WGS-84), from 百度 BD-09. A file's system is declared on import
and converted to WGS-84; a file declared WGS-84 that sits off its parent level by the GCJ-02
shift is reported.

The fixture city lies at 120.0–120.2 E, 30.0–30.2 N, where GCJ-02 moves a point by ≈ 0.0046°
east and ≈ −0.0023° north (≈ 440 m east, ≈ −260 m north; ≈ 510 m in all)."""

from __future__ import annotations

import json

import duckdb
import numpy as np
import pandas as pd
import pytest
import shapely

from dashboard.core import geo
from dashboard.store.build import DataValidationError
from dashboard.store.load import load_folder, main as load_main, parse_crs
from tests.conftest import FIXTURE_AS_OF
from tests.test_import import source  # noqa: F401  (the fixture)

AREA_FILES = ("districts", "streets", "communities", "grids")


def _shift_file(folder, name, to_crs):
    """Rewrite one fixture file as if exported in ``to_crs`` (the forward transform of WGS-84)."""
    def forward(lon, lat):
        g = geo.wgs84_to_gcj02(lon, lat)
        return geo.gcj02_to_bd09(*g) if to_crs == "bd09" else g

    path = folder / f"{name}.csv"
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    if "geometry" in frame.columns:
        shapes = shapely.from_wkt(frame["geometry"].tolist())
        frame["geometry"] = shapely.to_wkt(shapely.transform(shapes, lambda c: np.column_stack(forward(c[:, 0], c[:, 1]))),
                                           rounding_precision=9)
    if "lon" in frame.columns:
        has = frame["lon"] != ""
        lon, lat = forward(frame.loc[has, "lon"].astype(float).to_numpy(), frame.loc[has, "lat"].astype(float).to_numpy())
        frame.loc[has, "lon"], frame.loc[has, "lat"] = [f"{v:.9f}" for v in lon], [f"{v:.9f}" for v in lat]
    frame.to_csv(path, index=False)


def _stored(path):
    con = duckdb.connect(str(path), read_only=True)
    try:
        grids = con.execute("SELECT grid_code, geom FROM grids ORDER BY grid_code").fetchall()
        tickets = con.execute("SELECT ticket_id, lon, lat FROM tickets WHERE lon IS NOT NULL ORDER BY ticket_id").fetchall()
        meta = dict(con.execute("SELECT key, value FROM meta").fetchall())
    finally:
        con.close()
    return {c: shapely.from_wkb(bytes(g)) for c, g in grids}, {t: (x, y) for t, x, y in tickets}, meta


def test_gcj02_files_are_stored_as_wgs84(source, tmp_path):  # noqa: F811
    """All area files and the tickets exported in GCJ-02 and declared so (--crs gcj02): the stored
    grid 990101001001001 is the fixture's square again, (120.00, 30.0)–(120.05, 30.1), within
    1e-6° (≈ 0.1 m), and ticket T01 is back at (120.02, 30.05)."""
    for name in AREA_FILES + ("tickets",):
        _shift_file(source, name, "gcj02")
    report = load_folder(source, tmp_path / "city.duckdb", as_of=FIXTURE_AS_OF, crs={"*": "gcj02"})
    grids, tickets, meta = _stored(report.path)
    assert np.allclose(shapely.bounds(grids["990101001001001"]), [120.0, 30.0, 120.05, 30.1], atol=1e-6)
    assert np.allclose(tickets["T01"], (120.02, 30.05), atol=1e-6)
    assert json.loads(meta["source_crs"])["grids.csv"] == "gcj02"
    assert not [w for w in report.warnings if "偏移" in w]


def test_one_bd09_file_declared_on_its_own(source, tmp_path):  # noqa: F811
    """Only grids.csv from 百度 (BD-09), declared grids=bd09: back within 1e-5° (≈ 1 m; 百度's
    published inverse is approximate)."""
    _shift_file(source, "grids", "bd09")
    report = load_folder(source, tmp_path / "city.duckdb", as_of=FIXTURE_AS_OF, crs=parse_crs(["grids=bd09"]))
    grids, _, _ = _stored(report.path)
    assert np.allclose(shapely.bounds(grids["990101001001001"]), [120.0, 30.0, 120.05, 30.1], atol=1e-5)


def test_a_gcj02_file_declared_wgs84_is_reported(source, tmp_path):  # noqa: F811
    """grids.csv exported from 高德 but not declared: the union of each community's grids sits
    ≈ 510 m east-south-east of the community — the GCJ-02 shift — and the import says so."""
    _shift_file(source, "grids", "gcj02")
    report = load_folder(source, tmp_path / "city.duckdb", as_of=FIXTURE_AS_OF)
    shifted = [w for w in report.warnings if "偏移" in w]
    assert len(shifted) == 1, report.warnings
    assert shifted[0].startswith("grids.csv 的边界相对 communities.csv 整体偏移约 5")
    assert "GCJ-02" in shifted[0] and "--crs grids=gcj02" in shifted[0]
    sx, sy = geo.shift_m(120.1, 30.1, "gcj02")
    assert 400 < sx < 480 and -300 < sy < -220  # the shift named in the module docstring


def test_the_unshifted_fixture_raises_no_shift_warning(source, tmp_path):  # noqa: F811
    """Every level of the fixture is exactly the union of its children: no offset at all."""
    report = load_folder(source, tmp_path / "city.duckdb", as_of=FIXTURE_AS_OF)
    assert not [w for w in report.warnings if "偏移" in w]
    assert json.loads(_stored(report.path)[2]["source_crs"]) == {}


def test_an_unknown_coordinate_system_is_refused_in_chinese(source, tmp_path, capsys):  # noqa: F811
    with pytest.raises(DataValidationError, match="坐标系“mercator”无法识别"):
        parse_crs(["grids=mercator"])
    assert load_main(["--source", str(source), "--out", str(tmp_path / "c.duckdb"), "--crs", "grid=gcj02"]) == 1
    assert "--crs 中的 grid 不是数据文件名" in capsys.readouterr().err


def test_gcj02_round_trip_is_within_a_centimetre():
    """Inverse by iteration: 嵊泗 (122.45 E, 30.72 N) shifted and back, |error| < 1e-7° (≈ 1 cm);
    the shift itself there is ≈ 480 m (413 m east, 240 m south)."""
    g_lon, g_lat = geo.wgs84_to_gcj02(122.45, 30.72)
    lon, lat = geo.gcj02_to_wgs84(g_lon, g_lat)
    assert abs(lon - 122.45) < 1e-7 and abs(lat - 30.72) < 1e-7
    assert 470 < np.hypot(*geo.shift_m(122.45, 30.72, "gcj02")) < 490
