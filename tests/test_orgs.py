"""社会组织 (docs/domain.md「社会组织」) on the hand-written fixture city: active counts, density per
10,000 residents, the 3A+ share with the five-year rating validity, the mix by type /
field / rating, community social organisations against their targets, registrations
and deregistrations, and the searchable list.

Worked out by hand from tests/fixtures/city/social_orgs.csv and communities.csv
(populations: 东一 2000, 东二 3000, 西一 5000, 南村 1000; 甲区 10,000, 乙县 1,000;
东街道 5,000, 西街道 5,000, 南镇 1,000; city 11,000).

Active on 10 Nov 2025 (the fixture's as-of day):
  O01 O02 O03 O04 O05 O07 O08 O10 = 8
  — O06 东二书画社 was deregistered 2025-03-01, O09 南镇篮球协会 on 2025-10-20.
  Where they count (the finest area filled in): O01 甲区 only, O03 乙县 only,
  O02 O04 O05 东一社区, O08 O10 西一社区, O07 南村.
Ratings valid for 5 years: O01 4A (2022-06-01) ✓, O03 5A (2023-01-01) ✓, O10 2A (2024-06-01) ✓,
  O02 3A (2019-12-01) expired on 2024-12-01 → counts as 未评估. 3A and above: O01, O03 = 2 of 8.
Community social organisations (社区社会组织) active: O04 O05 (东一), O07 (南村), O10 (西一) = 4;
  东二 has none since O06 was deregistered.
Registered organisations (社会团体、社会服务机构、基金会 — what 每万人社会组织数 counts): O01 O02 O03 O08 = 4.
"""

from datetime import date

import pytest
from dashboard.store import db

AS_OF = date(2025, 11, 10)
ORG = dict(valid_years=5, high_rating="3A")


def by_area(db, scope="", group_len=0, at_date=AS_OF):
    frame = db.query("org_metrics", scope=scope, group_len=group_len, at_date=at_date, compare_at_date=None,
                     with_scope=False, **ORG)
    assert set(frame["period"]) == {"now"}
    return {row["area_code"]: row for _, row in frame.iterrows()}


def test_city_active_density_and_high_rating_share(fixture_database):
    city = by_area(fixture_database)[""]
    assert city["orgs_active"] == 8
    assert city["orgs_registered"] == 4
    assert city["orgs_per_10k"] == pytest.approx(4 / 11_000 * 10_000)  # 3.64: registered only, below the target of 7
    assert city["orgs_high_rating"] == 2  # O01 4A, O03 5A; O02's 3A has expired
    assert city["orgs_high_rating_share"] == pytest.approx(0.25)
    assert city["community_orgs"] == 4


def test_density_by_child_area(fixture_database):
    """Active: 甲区 6 (O01 O02 O04 O05 O08 O10), 乙县 2 (O03 O07). Per 10,000 counts the registered ones only:
    甲区 3 (O01 O02 O08) / 10,000 → 3.0; 乙县 1 (O03) / 1,000 → 10.0.
    Streets count only what is filed at street level or below: 东街道 O02 / 5,000 → 2.0,
    西街道 O08 / 5,000 → 2.0 — O01 (filed with 甲区 only) is in no street.
    Communities of 东街道: 东一 O02 / 2,000 → 5.0, 东二 0 → 0.0."""
    districts = by_area(fixture_database, "", 6)
    assert (districts["990101"]["orgs_active"], districts["990101"]["orgs_per_10k"]) == (6, pytest.approx(3.0))
    assert (districts["990102"]["orgs_active"], districts["990102"]["orgs_per_10k"]) == (2, pytest.approx(10.0))
    streets = by_area(fixture_database, "990101", 9)
    assert streets["990101001"]["orgs_per_10k"] == pytest.approx(2.0)
    assert streets["990101002"]["orgs_per_10k"] == pytest.approx(2.0)
    communities = by_area(fixture_database, "990101001", 12)
    assert communities["990101001001"]["orgs_per_10k"] == pytest.approx(5.0)
    assert communities["990101001002"]["orgs_active"] == 0 and communities["990101001002"]["orgs_per_10k"] == 0


def test_stock_is_counted_on_the_day_asked(fixture_database):
    """On 10 Oct 2025 O08 (registered 15 Oct) did not exist yet and O09 (deregistered 20 Oct) still
    did: 乙县 had O03 O07 O09, of which O03 O09 registered → 20 per 10,000; 南镇 O07 O09 → O09 → 10;
    西街道 only O10, a 社区社会组织 → 0."""
    assert by_area(fixture_database, at_date=date(2025, 10, 10))[""]["orgs_active"] == 8
    assert by_area(fixture_database, "", 6, date(2025, 10, 10))["990102"]["orgs_per_10k"] == pytest.approx(20.0)
    assert by_area(fixture_database, "990102", 9, date(2025, 10, 10))["990102100"]["orgs_per_10k"] == pytest.approx(10.0)
    assert by_area(fixture_database, "990101", 9, date(2025, 10, 10))["990101002"]["orgs_per_10k"] == pytest.approx(0.0)


def test_one_query_answers_the_kpis_their_comparison_and_the_child_ranking(fixture_database):
    """The city on 10 Nov, the city on 10 Oct (the comparison) and the districts on 10 Nov, in one query:
    the same numbers as asked one by one above."""
    frame = fixture_database.query("org_metrics", scope="", group_len=6, at_date=AS_OF,
                                   compare_at_date=date(2025, 10, 10), with_scope=True, **ORG)
    assert list(zip(frame["period"], frame["area_code"])) == [
        ("now", ""), ("now", "990101"), ("now", "990102"), ("before", "")]
    assert list(frame["orgs_active"]) == [8, 6, 2, 8]
    assert frame.iloc[0]["orgs_high_rating"] == 2 and frame.iloc[0]["community_orgs"] == 4
    assert frame.iloc[2]["orgs_per_10k"] == pytest.approx(10.0)  # 乙县 on 10 Nov: O03 (O07 is a 社区社会组织)
    # 10 Oct: O08 not yet registered, O09 not yet deregistered — the same 8, but not the same ones;
    # neither is a 社区社会组织 (O08 社会服务机构, O09 社会团体), so still O04 O05 O07 O10.
    assert frame.iloc[3]["community_orgs"] == 4


def test_a_rating_expires_on_its_fifth_anniversary(fixture_database):
    """O02 东一颐养服务中心 was rated 3A on 2019-12-01: still valid on 2024-11-30, not on 2024-12-01.
    东一社区 then had O02, O04, O05."""
    before = by_area(fixture_database, "990101001001", 12, date(2024, 11, 30))["990101001001"]
    after = by_area(fixture_database, "990101001001", 12, date(2024, 12, 1))["990101001001"]
    assert (before["orgs_active"], before["orgs_high_rating"]) == (3, 1)
    assert (after["orgs_active"], after["orgs_high_rating"]) == (3, 0)


def breakdown(db, scope="", at_date=AS_OF):
    frame = db.query("org_breakdown", scope=scope, at_date=at_date, **ORG)
    return {d: dict(zip(part["category"], part["orgs"])) for d, part in frame.groupby("dimension")}, frame


def test_mix_by_type_rating_and_field(fixture_database):
    """Types: 社会团体 O01 (O09 gone) = 1; 社会服务机构 O02 O08 = 2; 基金会 O03 = 1;
    社区社会组织 O04 O05 O07 O10 = 4. Ratings: 5A O03, 4A O01, 2A O10, 未评估 O02 (expired) O04 O05 O07 O08 = 5.
    Fields: 公益慈善 O03 O10, 养老服务 O02 O07, 教育 O08, 文体 O04, 社区服务 O05, 行业协会商会 O01."""
    mix, frame = breakdown(fixture_database)
    assert mix["legal_type"] == {"社会团体": 1, "社会服务机构": 2, "基金会": 1, "社区社会组织": 4}
    assert mix["rating"] == {"5A": 1, "4A": 1, "3A": 0, "2A": 1, "1A": 0, "未评估": 5}
    assert mix["field"] == {"公益慈善": 2, "养老服务": 2, "教育": 1, "文体": 1, "社区服务": 1, "行业协会商会": 1}
    ratings = frame[frame["dimension"] == "rating"].set_index("category")
    assert ratings.loc["未评估", "expired"] == 1  # O02
    assert list(ratings.index[ratings["high"]]) == ["5A", "4A", "3A"]
    assert list(frame[frame["dimension"] == "rating"]["category"]) == ["5A", "4A", "3A", "2A", "1A", "未评估"]


def test_mix_of_an_area_without_organisations_is_all_zero(fixture_database):
    mix, _ = breakdown(fixture_database, "990101001002")  # 东二社区: O06 deregistered in March
    assert sum(mix["legal_type"].values()) == 0 and sum(mix["rating"].values()) == 0
    assert "field" not in mix


def targets(db, scope="", at_date=AS_OF, urban=10, rural=5):
    return db.query("community_org_targets", scope=scope, at_date=at_date, urban_target=urban, rural_target=rural)


def test_communities_against_the_national_targets(fixture_database):
    """社区 ≥10, 村 ≥5: 东一 2 (gap 8), 东二 0 (gap 10), 西一 1 (gap 9), 南村 (村) 1 (gap 4) — all below;
    the list puts the largest gap first."""
    t = targets(fixture_database)
    assert list(t["community_name"]) == ["东二社区", "西一社区", "东一社区", "南村"]
    assert list(t["community_orgs"]) == [0, 1, 2, 1]
    assert list(t["target"]) == [10, 10, 10, 5]
    assert list(t["gap"]) == [10, 9, 8, 4]
    assert not t["meets_target"].any()
    assert list(t["street_name"]) == ["东街道", "西街道", "东街道", "南镇"]


def test_urban_and_rural_targets_differ(fixture_database):
    """Targets 社区 2 / 村 1: 东一 (2) and 南村 (1) meet them; 东二 (0) and 西一 (1) do not."""
    t = targets(fixture_database, urban=2, rural=1).set_index("community_name")
    assert t["meets_target"].to_dict() == {"东二社区": False, "西一社区": False, "东一社区": True, "南村": True}
    assert t.loc["西一社区", "gap"] == 1 and t.loc["东一社区", "gap"] == 0


def test_a_deregistered_organisation_no_longer_counts_for_its_community(fixture_database):
    """东二书画社 (O06) was deregistered on 2025-03-01: on 28 Feb 东二 still had one."""
    t = targets(fixture_database, "990101001002", date(2025, 2, 28), urban=1).set_index("community_name")
    assert t.loc["东二社区", "community_orgs"] == 1 and t.loc["东二社区", "meets_target"]
    assert targets(fixture_database, "990101001002", urban=1)["community_orgs"].tolist() == [0]


def coverage(db, scope="", group_len=0, urban=10, rural=5):
    frame = db.query("community_org_coverage", scope=scope, group_len=group_len, at_date=AS_OF, compare_at_date=None,
                     with_scope=False, urban_target=urban, rural_target=rural)
    assert set(frame["period"]) == {"now"}
    return {row["area_code"]: row for _, row in frame.iterrows()}


def test_target_rate_and_organisations_per_community(fixture_database):
    """Targets 2 / 1: city 2 of 4 communities meet them (东一, 南村) → 50 %; 甲区 1 of 3; 乙县 1 of 1;
    东街道 1 of 2. Organisations filed at community level: 4 over 4 communities → 1.0 each."""
    city = coverage(fixture_database, urban=2, rural=1)[""]
    assert (city["communities"], city["urban_communities"], city["rural_communities"]) == (4, 3, 1)
    assert (city["communities_meeting_target"], city["communities_below_target"]) == (2, 2)
    assert city["community_org_target_rate"] == pytest.approx(0.5)
    assert city["community_orgs_per_community"] == pytest.approx(1.0)
    districts = coverage(fixture_database, "", 6, urban=2, rural=1)
    assert districts["990101"]["community_org_target_rate"] == pytest.approx(1 / 3)
    assert districts["990102"]["community_org_target_rate"] == pytest.approx(1.0)
    assert coverage(fixture_database, "990101", 9, urban=2, rural=1)["990101001"]["community_org_target_rate"] == 0.5
    assert coverage(fixture_database)[""]["community_org_target_rate"] == 0  # national targets: none meets them


def test_coverage_of_the_kpis_their_comparison_and_the_children_in_one_query(fixture_database):
    """Targets 1 / 1. On 10 Nov 2025: 东一 2 (O04 O05), 西一 1 (O10), 南村 1 (O07) meet them, 东二 0 does not
    → 3 of 4; 甲区 2 of 3, 乙县 1 of 1. On 28 Feb 2025 (the comparison) 东二 still had O06 (deregistered
    1 Mar), and O04 O05 O07 O10 were already registered: 4 of 4."""
    frame = fixture_database.query("community_org_coverage", scope="", group_len=6, at_date=AS_OF,
                                   compare_at_date=date(2025, 2, 28), with_scope=True, urban_target=1, rural_target=1)
    assert list(zip(frame["period"], frame["area_code"])) == [
        ("now", ""), ("now", "990101"), ("now", "990102"), ("before", "")]
    assert list(frame["communities_meeting_target"]) == [3, 2, 1, 4]
    assert list(frame["communities"]) == [4, 3, 1, 4]


def flows(db, scope="", start=date(2025, 10, 1), end=date(2025, 10, 31), bucket="month"):
    return db.query("org_flows", scope=scope, from_date=start, to_date=end, bucket=bucket)


def test_registrations_and_deregistrations(fixture_database):
    """October 2025: O08 registered (15 Oct), O09 deregistered (20 Oct). By year 2016–2025:
    registered 2016 O09, 2018 O01, 2019 O02, 2020 O03, 2021 O04, 2022 O05 O06, 2023 O07, 2024 O10, 2025 O08;
    deregistered 2025 O06 O09. 甲区 in 2025: O08 in, O06 out."""
    october = flows(fixture_database)
    assert october[["registered", "deregistered", "net"]].values.tolist() == [[1, 1, 0]]
    years = flows(fixture_database, start=date(2016, 1, 1), end=AS_OF, bucket="year")
    assert dict(zip(years["bucket"].dt.year if hasattr(years["bucket"], "dt") else
                    [b.year for b in years["bucket"]], years["registered"])) == {
        2016: 1, 2017: 0, 2018: 1, 2019: 1, 2020: 1, 2021: 1, 2022: 2, 2023: 1, 2024: 1, 2025: 1}
    assert years["deregistered"].tolist() == [0] * 9 + [2]
    jia = flows(fixture_database, "990101", date(2025, 1, 1), AS_OF, "year")
    assert jia[["registered", "deregistered"]].values.tolist() == [[1, 1]]
    months = flows(fixture_database, "", date(2023, 12, 1), AS_OF)
    assert len(months) == 24 and months["registered"].sum() == 2  # O10 Feb 2024, O08 Oct 2025


def org_list(db, scope="", **kw):
    args = dict(name_contains="", legal_type="", field="", rating="", include_deregistered=False, limit=None)
    args.update(kw)
    return db.query("org_list", scope=scope, at_date=AS_OF, valid_years=5, **args)


def test_list_search_and_filters(fixture_database):
    assert len(org_list(fixture_database)) == 8
    assert set(org_list(fixture_database, name_contains="东一")["org_id"]) == {"O02", "O04", "O05"}
    assert set(org_list(fixture_database, name_contains="颐养")["org_id"]) == {"O02"}
    assert set(org_list(fixture_database, name_contains="协会")["org_id"]) == {"O01", "O07"}  # O09 is deregistered
    assert set(org_list(fixture_database, name_contains="O1")["org_id"]) == {"O10"}  # by code
    assert set(org_list(fixture_database, field="养老服务")["org_id"]) == {"O02", "O07"}
    assert set(org_list(fixture_database, legal_type="基金会")["org_id"]) == {"O03"}
    assert set(org_list(fixture_database, rating="2A")["org_id"]) == {"O10"}
    # 未评估 includes the expired 3A of O02
    assert set(org_list(fixture_database, rating="未评估")["org_id"]) == {"O02", "O04", "O05", "O07", "O08"}
    assert set(org_list(fixture_database, rating="3A")["org_id"]) == set()


def test_list_with_deregistered_organisations(fixture_database):
    """乙县: O03 and O07 active, O09 deregistered on 20 Oct; O02's rating shows as expired."""
    frame = org_list(fixture_database, "990102", include_deregistered=True).set_index("org_id")
    assert frame["status"].to_dict() == {"O03": "存续", "O07": "存续", "O09": "已注销"}
    assert list(frame.index) == ["O03", "O07", "O09"]  # active first
    assert org_list(fixture_database)["rating_status"][org_list(fixture_database)["org_id"] == "O02"].item() == "已过期"
    assert org_list(fixture_database, "990102")["org_id"].tolist() == ["O03", "O07"]


# -- the page's data functions ------------------------------------------------------------------------------------
def filters(params):
    from dashboard.core import filters as flt

    f, warnings = flt.parse_filters(params, db.areas(), db.as_of(), db.data_start())
    assert not warnings
    return f


OCTOBER = {"period": "custom", "start": "2025-10-01", "end": "2025-10-31", "compare": "mom"}


def test_kpi_row_for_october(app_env):
    """End of October: 8 active (O08 in, O09 out since September's end, which also had 8);
    community organisations 4, none of the 4 communities meets the 10 / 5 targets."""
    from dashboard.data import orgs

    k = {x.metric.key: x for x in orgs.kpis(filters(OCTOBER))}
    assert k["orgs_active"].value == 8 and k["orgs_active"].previous == 8 and k["orgs_active"].compare_label == "环比"
    assert k["orgs_per_10k"].value == pytest.approx(40 / 11)  # registered O01 O02 O03 O08 / 11,000
    assert k["orgs_high_rating_share"].value == pytest.approx(0.25) and k["orgs_high_rating_share"].note == "3A 以上组织 2 / 社会组织 8"
    assert k["community_orgs"].value == 4
    assert k["community_org_target_rate"].value == 0 and k["community_org_target_rate"].note == "达标社区/村 0 / 社区/村 4"


def test_flows_window_and_period_totals(app_env):
    from dashboard.data import orgs

    fl = orgs.flows(filters(OCTOBER))
    assert (fl.registered, fl.deregistered) == (1, 1)
    assert fl.bucket == "month" and fl.start == date(2023, 11, 1) and fl.end == date(2025, 10, 31)
    assert len(fl.series) == 24


def test_below_target_table(app_env):
    from dashboard.data import orgs

    table = orgs.below_target_table(orgs.community_targets(filters({"district": "990101"})))
    assert table["社区/村"].tolist() == ["东二社区", "西一社区", "东一社区"]
    assert table["还差"].tolist() == [10, 9, 8]
    assert table["类型"].tolist() == ["城市社区"] * 3


def test_list_limit_keeps_the_total(fixture_database):
    # The page draws the first rows only; total_rows still counts every match (8 active organisations).
    first = org_list(fixture_database, limit=3)
    assert len(first) == 3 and set(first["total_rows"]) == {8}
    assert list(first["org_id"]) == list(org_list(fixture_database)["org_id"][:3])
