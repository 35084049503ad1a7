"""示例城市生成器 (sample_data): invariants of a tiny generated city, checked in the real
DuckDB files it writes — nested geometry without gaps or overlaps, nested codes, tickets
consistent with their areas and with themselves, determinism, and the atomic build."""

from __future__ import annotations

import hashlib
from pathlib import Path

import duckdb
import numpy as np
import pytest
import shapely

from dashboard.store.workdays import library_years
from sample_data import generate as generator
from sample_data import geometry as geo
from sample_data.generate import DEFAULT_AS_OF, generate, is_current, main
from sample_data.scales import SCALES

SEED = 7
OTHER_SEED = 8
TINY = SCALES["tiny"]
AS_OF = "2026-11-20 18:00:00"
LEVELS = (  # (table, code column, parent table, parent code column, code length)
    ("districts", "district_code", None, None, 6),
    ("streets", "street_code", "districts", "district_code", 9),
    ("communities", "community_code", "streets", "street_code", 12),
    ("grids", "grid_code", "communities", "community_code", 15),
)


def _quiet(_: str) -> None:
    pass


@pytest.fixture(scope="module")
def city_db(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("sample") / "tiny.duckdb"
    generate(path, TINY, SEED, log=_quiet)
    return path


@pytest.fixture(scope="module")
def con(city_db):
    connection = duckdb.connect(str(city_db), read_only=True)
    yield connection
    connection.close()


def rows(con, sql: str, *params) -> list[tuple]:
    return con.execute(sql, list(params)).fetchall()


def shapes(con, table: str, key: str) -> dict[str, shapely.Geometry]:
    return {code: shapely.from_wkb(bytes(wkb)) for code, wkb in rows(con, f"SELECT {key}, geom FROM {table}")}


def children(con, table: str, key: str, parent_key: str) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for code, parent in rows(con, f"SELECT {key}, {parent_key} FROM {table} ORDER BY {key}"):
        out.setdefault(parent, []).append(code)
    return out


def table_digest(con, table: str) -> str:
    where = "WHERE key <> 'built_at'" if table == "meta" else ""
    data = rows(con, f"SELECT * FROM {table} {where} ORDER BY ALL")
    return hashlib.sha256(repr(data).encode()).hexdigest()


def digests(path: Path) -> dict[str, str]:
    with duckdb.connect(str(path), read_only=True) as c:
        tables = [t for (t,) in rows(c, "SELECT table_name FROM duckdb_tables() ORDER BY table_name")]
        return {t: table_digest(c, t) for t in tables}


# -- geometry ---------------------------------------------------------------------------------------

def test_grids_tile_each_community_without_gaps_or_overlaps(con):
    grids = shapes(con, "grids", "grid_code")
    communities = shapes(con, "communities", "community_code")
    for community, codes in children(con, "grids", "grid_code", "community_code").items():
        cells = np.array([grids[c] for c in codes])
        tree = shapely.STRtree(cells)
        left, right = tree.query(cells, predicate="intersects")
        pairs = left < right
        overlap = shapely.area(shapely.intersection(cells[left[pairs]], cells[right[pairs]])).sum()
        area = communities[community].area
        assert overlap <= 1e-9 * area, f"grids overlap in {community}"
        gap = area - shapely.union_all(cells).area
        assert abs(gap) <= 1e-9 * area, f"gap between the grids of {community}"


@pytest.mark.parametrize("child, child_key, parent, parent_key", [
    ("grids", "grid_code", "communities", "community_code"),
    ("communities", "community_code", "streets", "street_code"),
    ("streets", "street_code", "districts", "district_code"),
])
def test_each_area_is_the_union_of_its_children(con, child, child_key, parent, parent_key):
    parts = shapes(con, child, child_key)
    wholes = shapes(con, parent, parent_key)
    groups = children(con, child, child_key, parent_key)
    assert set(groups) == set(wholes)
    for code, members in groups.items():
        union = shapely.union_all([parts[m] for m in members])
        difference = shapely.symmetric_difference(union, wholes[code]).area
        assert difference <= 1e-9 * wholes[code].area, f"{parent} {code} is not the union of its {child}"


def test_areas_are_single_valid_polygons(con):
    for table, key, *_ in LEVELS:
        for code, geom in shapes(con, table, key).items():
            assert geom.is_valid and geom.geom_type == "Polygon", f"{table} {code}: {geom.geom_type}"


def test_a_cell_cut_in_two_by_the_outline_gives_its_far_piece_to_a_neighbour():
    # A U-shaped city: the seed at (3.5, 9) near the slot also owns the top of the right
    # arm, which the outline cuts off from it.
    outline = shapely.difference(shapely.box(0, 0, 10, 10), shapely.box(4, 3, 6, 10))
    seeds = np.array([[3.5, 9.0], [0.5, 1.0], [9.5, 1.0]])
    frame = geo.LocalFrame(112.9, 28.2)
    raw = geo.voronoi_cells(seeds, outline)
    assert raw[0].geom_type == "MultiPolygon"
    cells = geo.grid_cells(seeds, outline, frame)
    assert list(shapely.get_type_id(cells)) == [shapely.GeometryType.POLYGON] * 3
    lonlat = frame.to_degrees(seeds)
    assert shapely.contains_xy(cells, lonlat[:, 0], lonlat[:, 1]).all()
    assert shapely.coverage_is_valid(cells)
    city = shapely.set_precision(shapely.transform(outline, frame.to_degrees), geo.GRID_SIZE)
    assert shapely.symmetric_difference(shapely.union_all(cells), city).area <= 1e-9 * city.area
    assert [n.tolist() for n in geo.adjacency(cells)] == [[1], [0, 2], [1]]


# -- codes and areas ----------------------------------------------------------------------------------

@pytest.mark.parametrize("table, key, parent, parent_key, length", LEVELS)
def test_codes_have_their_length_and_start_with_the_parent_code(con, table, key, parent, parent_key, length):
    codes = rows(con, f"SELECT {key}{', ' + parent_key if parent_key else ''} FROM {table}")
    assert codes
    for code, *up in codes:
        assert len(code) == length and code.isdigit()
        assert code.startswith(up[0] if up else "9901")
    if parent:
        orphans = rows(con, f"SELECT {key} FROM {table} WHERE {parent_key} NOT IN (SELECT {parent_key} FROM {parent})")
        assert orphans == []


def test_code_ranges_follow_the_kind_of_area(con):
    ranges = {"街道": (1, 99), "镇": (100, 199), "乡": (200, 999), "社区": (1, 199), "村": (200, 999)}
    for table, key in (("streets", "street_code"), ("communities", "community_code")):
        for code, kind in rows(con, f"SELECT {key}, kind FROM {table}"):
            lo, hi = ranges[kind]
            assert lo <= int(code[-3:]) <= hi, f"{code} ({kind})"
    kinds = {k for (k,) in rows(con, "SELECT kind FROM communities")}
    assert kinds == {"社区", "村"}


def test_names_are_unique_within_their_parent(con):
    for table, key, _, parent_key, _ in LEVELS:
        group = parent_key or "1"
        dupes = rows(con, f"SELECT {group}, name FROM {table} GROUP BY ALL HAVING count(*) > 1")
        assert dupes == [], f"{table}: {dupes}"


def test_population_and_households_add_up_through_the_levels(con):
    for table, key, parent, parent_key, _ in LEVELS[1:]:
        mismatched = rows(con, f"""
            SELECT p.{parent_key} FROM {parent} p JOIN
              (SELECT {parent_key}, sum(population) AS pop, sum(households) AS hh FROM {table} GROUP BY 1) c
              USING ({parent_key})
            WHERE p.population <> c.pop OR p.households <> c.hh""")
        assert mismatched == [], f"{parent} totals differ from their {table}"


def test_dedicated_grids_have_a_type_and_comprehensive_ones_none(con):
    bad = rows(con, "SELECT grid_code FROM grids WHERE (kind = '专属网格') <> (dedicated_type IS NOT NULL)")
    assert bad == []
    assert rows(con, "SELECT count(*) FROM grids WHERE kind = '专属网格'")[0][0] >= 1


def test_every_grid_has_a_grid_leader_and_most_an_active_fulltime_worker(con):
    leaderless = rows(con, "SELECT grid_code FROM grids WHERE grid_code NOT IN "
                           "(SELECT grid_code FROM grid_assignments WHERE duty = '网格长')")
    assert leaderless == []
    staffed, total = rows(con, """
        SELECT count(*) FILTER (WHERE grid_code IN (SELECT a.grid_code FROM grid_assignments a JOIN grid_workers w
                                USING (worker_id) WHERE w.employment = '专职' AND w.active)), count(*)
        FROM grids WHERE kind = '综合网格'""")[0]
    assert 0.8 <= staffed / total < 1.0


# -- tickets ----------------------------------------------------------------------------------------------

def test_every_ticket_lies_in_its_grid_and_community(con):
    tickets = rows(con, """
        SELECT t.ticket_id, t.grid_code, t.lon, t.lat, g.community_code = t.community_code
               AND g.street_code = t.street_code AND g.district_code = t.district_code
        FROM tickets t LEFT JOIN grids g USING (grid_code)""")
    assert len(tickets) == TINY.tickets
    assert all(same for *_, same in tickets)
    grids = shapes(con, "grids", "grid_code")
    cells = np.array([grids[g] for _, g, _, _, _ in tickets])
    lon = np.array([t[2] for t in tickets])
    lat = np.array([t[3] for t in tickets])
    assert shapely.contains_xy(cells, lon, lat).all()


def test_tickets_are_stored_in_creation_order(con):
    created = [c for (c,) in rows(con, "SELECT created_at FROM tickets")]  # physical order, no ORDER BY
    assert created == sorted(created)


def test_ticket_status_matches_its_timestamps(con):
    as_of = DEFAULT_AS_OF
    checks = {
        "已办结 iff closed": "(status = '已办结') <> (closed_at IS NOT NULL)",
        "visited only when closed": "visited AND closed_at IS NULL",
        "answers only when visited": "NOT visited AND (contacted IS NOT NULL OR satisfaction IS NOT NULL)",
        "signed before contact before closing": "signed_at > first_contact_at OR first_contact_at > closed_at "
                                                "OR created_at > signed_at",
        "nothing after as-of": "greatest(created_at, signed_at, first_contact_at, closed_at) > ?",
        "待签收 is unsigned": "status = '待签收' AND signed_at IS NOT NULL",
        "延期 is extended": "status = '延期' AND extension_count = 0",
        "退单 is returned": "status = '退单' AND return_count = 0",
        "extensions of 5 or 10 days, at most two": "extension_count > 2 OR extension_workdays NOT IN (0, 5, 10, 15, 20) "
                                                  "OR extension_workdays < 5 * extension_count "
                                                  "OR extension_workdays > 10 * extension_count",
    }
    for what, condition in checks.items():
        params = [as_of] if "?" in condition else []
        assert rows(con, f"SELECT count(*) FROM tickets WHERE {condition}", *params)[0][0] == 0, what
    statuses = {s for (s,) in rows(con, "SELECT DISTINCT status FROM tickets")}
    assert {"已办结", "办理中"} <= statuses


def test_due_dates_stay_within_the_holiday_data(con):
    latest = rows(con, "SELECT max(due_at), max(reply_due_at) FROM tickets")[0]
    assert all(d.year <= library_years()[1] for d in latest)
    meta = dict(rows(con, "SELECT key, value FROM meta"))
    assert meta["calendar_fallback_years"] == ""
    assert (meta["dataset"], meta["scale"], meta["seed"]) == ("sample", "tiny", str(SEED))


def test_ticket_ids_carry_the_creation_day(con):
    bad = rows(con, "SELECT ticket_id FROM tickets WHERE NOT regexp_full_match(ticket_id, 'GD\\d{14}') "
                    "OR substr(ticket_id, 3, 8) <> strftime(created_at, '%Y%m%d')")
    assert bad == []


# -- the other domains --------------------------------------------------------------------------------------

def test_assessment_scores_cover_every_community_and_all_grades_appear(con):
    n_comm = rows(con, "SELECT count(*) FROM communities")[0][0]
    per_round = rows(con, """
        WITH totals AS (SELECT round_id, community_code, sum(score) AS total FROM assessment_scores GROUP BY ALL)
        SELECT round_id, count(*), min(total), max(total),
               count(*) FILTER (WHERE total < 60), count(*) FILTER (WHERE total >= 60 AND total < 75),
               count(*) FILTER (WHERE total >= 75 AND total < 90), count(*) FILTER (WHERE total >= 90)
        FROM totals GROUP BY 1 ORDER BY 1""")
    assert [r[0] for r in per_round] == ["R2024", "R2025"]
    for round_id, n, lo, hi, *grades in per_round:
        assert n == n_comm and 0 <= lo and hi <= 100
        assert all(g > 0 for g in grades), f"{round_id}: grades {grades}"
    weights = rows(con, "SELECT round_id, sum(max_score), sum(max_score) FILTER (WHERE group_name = '居民评议') "
                        "FROM assessment_indicators GROUP BY 1")
    assert all(total == 100 and resident >= 70 for _, total, resident in weights)


def test_community_organisations_fall_short_in_some_communities(con):
    per_kind = rows(con, """
        SELECT c.kind, avg(coalesce(n, 0)), count(*) FILTER (WHERE coalesce(n, 0) < CASE c.kind WHEN '社区' THEN 10 ELSE 5 END)
        FROM communities c LEFT JOIN (SELECT community_code, count(*) AS n FROM social_orgs
             WHERE legal_type = '社区社会组织' AND deregistered_on IS NULL GROUP BY 1) USING (community_code)
        GROUP BY 1 ORDER BY 1""")
    averages = dict((kind, avg) for kind, avg, _ in per_kind)
    assert averages["社区"] > averages["村"]
    assert all(short > 0 for *_, short in per_kind)
    registrars = rows(con, "SELECT DISTINCT legal_type, registrar FROM social_orgs")
    assert all((t == "社区社会组织") == (r == "街道/乡镇备案") for t, r in registrars)
    assert all(r == "市级" for t, r in registrars if t == "基金会")


# -- determinism, --if-missing and atomicity -----------------------------------------------------------------

def test_same_seed_gives_identical_content_and_another_seed_differs(city_db, tmp_path):
    again = tmp_path / "again.duckdb"
    generate(again, TINY, SEED, log=_quiet)
    first = digests(city_db)
    assert digests(again) == first

    other = tmp_path / "other.duckdb"
    other.write_bytes(again.read_bytes())
    assert main(["--scale", "tiny", "--seed", str(OTHER_SEED), "--out", str(other), "--if-missing"]) == 0
    changed = digests(other)
    assert set(changed) == set(first)
    assert changed["tickets"] != first["tickets"] and changed["grids"] != first["grids"]


def test_if_missing_keeps_a_current_database(city_db, capsys):
    before = city_db.stat().st_mtime_ns
    assert is_current(city_db, TINY, SEED, DEFAULT_AS_OF)
    assert main(["--scale", "tiny", "--seed", str(SEED), "--out", str(city_db), "--as-of", AS_OF, "--if-missing"]) == 0
    assert city_db.stat().st_mtime_ns == before
    assert "跳过" in capsys.readouterr().out
    assert not is_current(city_db, SCALES["demo"], SEED, DEFAULT_AS_OF)


def test_if_missing_rebuilds_what_it_cannot_read(tmp_path):
    broken = tmp_path / "broken.duckdb"
    broken.write_bytes(b"not a database")
    assert not is_current(broken, TINY, SEED, DEFAULT_AS_OF)
    assert not is_current(tmp_path / "missing.duckdb", TINY, SEED, DEFAULT_AS_OF)


def test_a_failing_generation_leaves_the_existing_file_untouched(tmp_path, monkeypatch):
    target = tmp_path / "city.duckdb"
    target.write_bytes(b"the previous database")

    def broken_step(*args, **kwargs):
        raise RuntimeError("generator step failed")

    monkeypatch.setattr(generator, "build_orgs", broken_step)  # after areas, workers and tickets are staged
    with pytest.raises(RuntimeError, match="generator step failed"):
        generate(target, TINY, SEED, log=_quiet)
    assert target.read_bytes() == b"the previous database"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["city.duckdb"]


def test_the_login_page_of_the_sample_city_lists_demo_accounts_that_log_in(city_db, tmp_path, monkeypatch):
    """On sample data the login page shows one demo account per role (a plain table: role, area, user name,
    the password generated on this machine), and the password shown is the one that works."""
    from dashboard.accounts import users
    from tests.pages import light_tables, run_page

    app_db = tmp_path / "app.sqlite3"
    monkeypatch.setenv("DASHBOARD_DB", str(city_db))
    monkeypatch.setenv("DASHBOARD_APP_DB", str(app_db))
    at = run_page(user=None)
    assert any("演示账号" in m.value for m in at.markdown)
    (table,) = light_tables(at)
    assert list(table.index) == ["管理员", "市级", "区县级", "街道级"] and table.index.name == "角色"
    assert list(table["用户名"]) == ["demo_admin", "demo_city", "demo_district", "demo_street"]
    assert list(table["区域"])[:2] == ["全市", "全市"]
    street = table.loc["街道级"]
    account = users.authenticate("demo_street", street["密码"], 5, 15, demo_allowed=True, path=app_db)
    assert account.area_code and users.get("demo_street", app_db).area_code == account.area_code
