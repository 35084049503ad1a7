"""Area and period filters in the URL: presets, comparisons, round trip, bad values, drill-down."""

from datetime import date, datetime

import pytest

from dashboard.core.areas import AreaIndex
from dashboard.core.filters import (Period, comparison_period, drill_into, parse_filters, preset_period, scope_to,
                               with_compare, with_period)

AS_OF = datetime(2025, 11, 10, 12, 0)
START = date(2025, 9, 15)


@pytest.fixture(scope="module")
def areas(fixture_database):
    return AreaIndex(fixture_database.query("areas"))


def parse(params, areas):
    return parse_filters(params, areas, AS_OF, START)


def test_presets_are_relative_to_the_data_moment():
    today = AS_OF.date()
    assert preset_period("this_month", today) == Period(date(2025, 11, 1), date(2025, 11, 10))
    assert preset_period("last_month", today) == Period(date(2025, 10, 1), date(2025, 10, 31))
    assert preset_period("this_quarter", today) == Period(date(2025, 10, 1), date(2025, 11, 10))
    assert preset_period("this_year", today) == Period(date(2025, 1, 1), date(2025, 11, 10))
    assert preset_period("last_30d", today) == Period(date(2025, 10, 12), date(2025, 11, 10))


def test_comparison_periods():
    this_month = Period(date(2025, 11, 1), date(2025, 11, 10))
    assert comparison_period("this_month", this_month, "mom") == Period(date(2025, 10, 1), date(2025, 10, 10))
    assert comparison_period("this_month", this_month, "yoy") == Period(date(2024, 11, 1), date(2024, 11, 10))
    october = Period(date(2025, 10, 1), date(2025, 10, 31))
    assert comparison_period("last_month", october, "mom") == Period(date(2025, 9, 1), date(2025, 9, 30))
    march = Period(date(2025, 3, 1), date(2025, 3, 31))
    assert comparison_period("last_month", march, "mom") == Period(date(2025, 2, 1), date(2025, 2, 28))
    assert comparison_period("custom", october, "mom") == Period(date(2025, 9, 1), date(2025, 9, 30))
    quarter = Period(date(2025, 7, 1), date(2025, 9, 30))
    assert comparison_period("custom", quarter, "mom") == Period(date(2025, 4, 1), date(2025, 6, 30))
    window = Period(date(2025, 10, 12), date(2025, 11, 10))
    assert comparison_period("last_30d", window, "mom") == Period(date(2025, 9, 12), date(2025, 10, 11))
    leap = Period(date(2024, 2, 29), date(2024, 2, 29))
    assert comparison_period("custom", leap, "yoy") == Period(date(2023, 2, 28), date(2023, 2, 28))
    assert comparison_period("last_month", october, "none") is None


def test_url_round_trip(areas):
    params = {"street": "990101002", "period": "custom", "start": "2025-10-01", "end": "2025-10-31", "compare": "yoy"}
    f, warnings = parse(params, areas)
    assert warnings == []
    assert (f.district, f.street, f.community, f.scope, f.level) == ("990101", "990101002", None, "990101002", "street")
    assert f.comparison == Period(date(2024, 10, 1), date(2024, 10, 31))
    again, _ = parse(f.to_query_params(), areas)
    assert again == f


def test_unknown_code_falls_back_with_a_warning(areas):
    f, warnings = parse({"district": "999999"}, areas)
    assert f.scope == "" and warnings == ["地址中的区县代码“999999”不存在，已忽略。"]


def test_street_outside_the_chosen_district_keeps_the_district(areas):
    f, warnings = parse({"district": "990102", "street": "990101001"}, areas)
    assert f.scope == "990102"
    assert warnings == ["街道/乡镇“东街道”不属于“乙县”，已显示“乙县”。"]


def test_community_alone_fills_in_its_street_and_district(areas):
    f, warnings = parse({"community": "990101001002"}, areas)
    assert (f.district, f.street, f.community) == ("990101", "990101001", "990101001002") and warnings == []


def test_a_grid_code_is_not_a_scope(areas):
    f, warnings = parse({"community": "990101001001001"}, areas)
    assert f.scope == "" and "不存在" in warnings[0]


@pytest.mark.parametrize("params, fragment", [
    ({"period": "custom", "start": "2025-10-01", "end": "2025-10-32"}, "格式不对"),
    ({"period": "custom", "start": "2025-10-31", "end": "2025-10-01"}, "晚于结束日期"),
    ({"period": "custom", "start": "2024-01-01", "end": "2024-02-01"}, "不在数据范围"),
    ({"period": "fortnight"}, "无法识别"),
    ({"compare": "wow"}, "对比方式"),
])
def test_bad_period_values_fall_back_to_this_month(areas, params, fragment):
    f, warnings = parse(params, areas)
    assert f.preset == "this_month" or "对比方式" in fragment
    assert len(warnings) == 1 and fragment in warnings[0]


def test_end_after_the_data_moment_is_clipped(areas):
    f, warnings = parse({"period": "custom", "start": "2025-11-01", "end": "2025-12-31"}, areas)
    assert f.period == Period(date(2025, 11, 1), date(2025, 11, 10)) and "晚于数据截至日期" in warnings[0]


def test_bounds_stop_at_the_data_moment(areas):
    f, _ = parse({"period": "this_month"}, areas)
    assert f.bounds() == (datetime(2025, 11, 1), datetime(2025, 11, 10, 12, 0, 1))
    g, _ = parse({"period": "last_month"}, areas)
    assert g.bounds() == (datetime(2025, 10, 1), datetime(2025, 11, 1))


def test_drill_down_and_back_up(areas):
    f, _ = parse({}, areas)
    f = drill_into(f, "990101", areas)
    assert (f.level, f.child_level, f.child_len) == ("district", "street", 9)
    f = drill_into(f, "990101001", areas)
    f = drill_into(f, "990101001002", areas)
    assert (f.district, f.street, f.community) == ("990101", "990101001", "990101001002")
    assert drill_into(f, "990101001002002", areas).scope == "990101001002"  # a grid keeps its community
    assert scope_to(f, "990101", areas).scope == "990101"
    assert scope_to(f, "", areas).level == "city"


def test_changing_period_or_comparison_keeps_the_scope(areas):
    f, _ = parse({"street": "990101001"}, areas)
    g = with_compare(with_period(f, "last_month"), "yoy")
    assert g.scope == "990101001" and g.period == Period(date(2025, 10, 1), date(2025, 10, 31))
    assert g.comparison == Period(date(2024, 10, 1), date(2024, 10, 31))
