"""网格员配备督查 on the fixture city (tests/fixtures/city/grid_workers.csv, grid_assignments.csv):

* grids without an active full-time worker: 东二实验学校网格 (only 赵四, 兼职), 西一第二网格
  (only 孙六, 兼职), 南村第二网格 (吴八 is 专职 but no longer active) — 3 of 8, which is the
  62.5 % 专职网格员配备率 of the overview;
* workers over two or more grids: 张一 (W01) in 东一第一网格 and 东一第二网格;
* households per 综合网格 against the default norm 300–500: 400 within; 270, 200, 150 below;
  600, 900, 850 above (the 专属网格, a school with 0 households, is not residential).
"""

import pytest
from dashboard.store import db
from streamlit.testing.v1 import AppTest

from tests.conftest import ROOT
from tests.pages import log_in


@pytest.fixture
def filters(app_env):
    """Filters for a scope, as the page would have them (October 2025)."""
    from datetime import date

    from dashboard.core import filters as flt

    def make(scope: str = ""):
        f = flt.default_filters(db.as_of())
        f = flt.with_period(f, "custom", date(2025, 10, 1), date(2025, 10, 31))
        return flt.scope_to(f, scope, db.areas()) if scope else f
    return make


def test_grids_without_a_full_time_worker(filters):
    from dashboard.data import grids

    table, total = grids.grids_without_fulltime(filters())
    assert list(table["网格"]) == ["东二实验学校网格", "西一第二网格", "南村第二网格"]
    assert list(table["在岗网格员"]) == ["赵四（兼职）", "孙六（兼职）", "（无）"]
    assert total == 3 and len(grids.no_fulltime_codes(filters())) == 3
    assert list(grids.grids_without_fulltime(filters("990102"))[0]["网格"]) == ["南村第二网格"]


def test_long_lists_draw_their_first_rows_and_count_them_all(filters):
    """The page draws the first rows of a list; the count (and the download) covers all of them."""
    from dashboard.data import grids

    first, total = grids.grids_without_fulltime(filters(), shown=2)
    assert list(first["网格"]) == ["东二实验学校网格", "西一第二网格"] and total == 3
    norm = grids.household_norm(filters(), shown=4)
    assert list(norm.outside["户数"]) == [900, 850, 600, 270]  # most households first
    assert norm.below + norm.above == 6 and len(grids.household_outside(filters())) == 6


def test_workers_spread_over_several_grids(filters):
    from dashboard.data import grids

    table, total = grids.multi_grid_workers(filters())
    assert list(table["网格员"]) == ["张一"] and total == 1
    assert table.iloc[0]["分管网格数"] == 2
    assert table.iloc[0]["分管网格"] == "东一第一网格、东一第二网格"
    assert grids.multi_grid_workers(filters("990101002"))[0].empty  # 西街道: one grid each


def test_households_per_grid_against_the_norm(filters):
    from dashboard.data import grids

    norm = grids.household_norm(filters())
    assert (norm.low, norm.high) == (300, 500)
    assert (norm.below, norm.within, norm.above, norm.total) == (3, 1, 3, 7)
    assert list(norm.outside["户数"]) == [900, 850, 600, 270, 200, 150]
    assert list(norm.outside["情况"][:1]) == ["多于 500 户"]


def test_grid_card_lists_the_workers_and_the_leader(filters):
    from dashboard.data import grids

    card = grids.grid_card(filters("990101001001"), "990101001001001")
    assert card.name == "东一第一网格" and card.kind == "综合网格"
    assert (card.households, card.population) == (400, 1200)
    assert (card.fulltime, card.parttime) == (1, 1)
    assert card.leaders == ("李二",)
    assert set(card.workers["姓名"]) == {"张一", "李二"}
    # T01, T07, T13 (and T18 in September) were all closed in October: nothing open.
    assert (card.backlog, card.overdue) == (0, 0)


def test_the_inactive_worker_is_listed_but_not_counted(filters):
    from dashboard.data import grids

    card = grids.grid_card(filters("990102100200"), "990102100200002")
    assert card.fulltime == 0
    assert list(card.workers["状态"]) == ["已离岗"]


def test_supervision_section_of_the_page(app_env):
    at = AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=60)
    log_in(at, "test_city")
    at.query_params["district"] = "990101"
    at.switch_page("pages/map.py")
    at.run()
    assert not at.exception
    values = {m.label: m.value for m in at.metric}
    # 甲区: 东二实验学校网格 and 西一第二网格; 张一; 270 below, 600/900/850 above.
    assert values["无在岗专职网格员的网格"] == "2 个"
    assert values["一人分管多个网格"] == "1 人"
    assert values["户数不在 300–500 户的综合网格"] == "4 个"


def test_households_histogram_as_svg(filters):
    # The 7 综合网格 (150, 200, 270, 400, 600, 850, 900 households) in bins of 25 households (the norm's
    # ends 300 and 500 fall on bin edges): 7 bars of one grid each; only 400–425 lies inside 300–500.
    import re

    from dashboard.data import grids
    from dashboard.ui import charts

    norm = grids.household_norm(filters())
    svg = charts.households_svg(norm.households, norm.low, norm.high)
    bars = re.findall(r'fill="(#[0-9a-f]{6})"><title>(\d+)–(\d+) 户：(\d+) 个网格</title>', svg)
    filled = [(int(a), int(b), int(n), colour) for colour, a, b, n in bars if n != "0"]
    assert [(a, n) for a, _, n, _ in filled] == [(150, 1), (200, 1), (250, 1), (400, 1), (600, 1), (850, 1), (900, 1)]
    assert all(b - a == 25 for a, b, _, _ in filled)
    assert [a for a, _, _, colour in filled if colour == "#16a34a"] == [400]
    assert "合理范围 300–500 户" in svg and svg.startswith("<svg") and svg.endswith("</svg>")
