"""Hostile links and hostile data strings: every page, run in AppTest over a list
of hostile URL values, raises nothing and echoes no live markup; long echoes are cut.

"Live markup" is what Streamlit's markdown would turn into something other than the text:
a link ``[..](..)``, an image ``![..](..)``, an HTML tag, a coloured ``:red[..]`` directive,
a bare ``http://…`` or ``www.…`` (GitHub-flavoured Markdown links those by itself).
Escaped (``\\[``) it shows as the characters themselves.
"""

from __future__ import annotations

import json
import re
import shutil

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from tests.pages import log_in
from tests.conftest import FIXTURE_AS_OF, FIXTURE_DIR, ROOT

PAGES = ("overview", "map", "tickets", "orgs", "assessment", "duban", "present")
LINK = "[点此登录](http://evil.example/login)"
IMAGE = "![x](http://evil.example/x.png)"
TAG = "<img src=x onerror=alert(1)>"
ANCHOR = '<a href="http://evil.example/chart">点我</a>'  # plotly draws <a href> in chart text as a link
DIRECTIVE = ":red[红字] **粗体** $x^2$ :material/home:"
LONG = "A" * 100_000
MARKUP = (LINK, IMAGE, TAG, DIRECTIVE, LONG)
ODD = ("1000-01-01", "0001-01-01", "9999-12-31", "-1", "\x00", "'; DROP TABLE tickets; --", "../../etc/passwd",
       "990101", "１２３", "NaN")
PARAMS = ("district", "street", "community", "period", "start", "end", "compare", "cat", "round", "committee",
          "metric", "grid", "topics", "interval", "slide")
LIVE = [re.compile(p) for p in (r"(?<!\\)\]\(", r"(?<!\\)!\[", r"(?<!\\)<[a-zA-Z/!]", r":[a-z]+\[",
                                r"https?://", r"www\.", r"@\w", r":material/(?!thumb_up:|thumb_down:)")]  # the app's own icons


def texts(at: AppTest) -> list[str]:
    """Every string the app handed to an element that renders markdown."""
    out = []
    for kind in ("markdown", "caption", "warning", "info", "error", "success", "title", "subheader", "header", "latex"):
        out += [str(e.value) for e in getattr(at, kind)]
    for kind in ("button", "metric", "selectbox", "tabs", "expander", "toggle", "checkbox", "radio", "multiselect",
                 "date_input", "segmented_control"):
        try:
            elements = getattr(at, kind)
        except AttributeError:
            continue
        out += [str(getattr(e, "label", "")) for e in elements]
    return out


def run(page: str, params: dict) -> AppTest:
    at = AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=60)
    log_in(at, "test_city")  # the pages behind the login, not the login form
    for k, v in params.items():
        at.query_params[k] = v
    at.run()
    if page != "overview" and not at.exception:
        at.switch_page(f"pages/{page}.py")
        at.run()
    return at


def _live_markup_in(text: str) -> bool:
    return any(live.search(text) for live in LIVE)


@pytest.mark.parametrize("page", PAGES)
def test_every_page_over_hostile_url_values(app_env, page):
    """Each markup payload in every parameter at once, then each odd value in every parameter."""
    for value in MARKUP + ODD:
        at = run(page, {p: value for p in PARAMS})
        assert not at.exception, f"{page} with every parameter = {value[:40]!r}: {at.exception}"
        for text in texts(at):
            assert not _live_markup_in(text), f"{page}, value {value[:40]!r}: live markup in {text[:300]!r}"
            assert "A" * 80 not in text, f"{page}: an echo of {len(text):,} characters is not cut"


@pytest.mark.parametrize("start,end", [("2024-11-01", "2024-11-30"), ("2025-08-01", "2025-10-31"),
                                       ("1000-01-01", "2025-10-31"), ("0001-01-01", "9999-12-31"),
                                       ("2025-10-01", "9999-12-31")])
def test_custom_periods_outside_the_data_warn_in_chinese(app_env, start, end, fixture_database):
    """The fixture's data start on 2025-09-15 (its first ticket, meta.data_start) and end at
    数据截至 2025-11-10 12:00. A period that starts before the data (an old saved link after a
    re-import) or in the year 1000 crashed (Streamlit's date input refuses a value below its
    minimum; OverflowError in the comparison a year earlier). Now: a Chinese warning, and the
    period kept inside the data — on the first page and on the next one."""
    at = AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=60)
    log_in(at, "test_city")
    for k, v in {"period": "custom", "start": start, "end": end, "compare": "yoy"}.items():
        at.query_params[k] = v
    at.run()
    assert not at.exception, at.exception
    warnings = [w.value for w in at.warning]
    assert any("数据" in w for w in warnings), warnings
    assert pd.Timestamp(fixture_database.meta["data_start"]).date().isoformat() == "2025-09-15"
    if at.query_params.get("period") == "custom":
        assert "2025-09-15" <= at.query_params["start"] <= at.query_params["end"] <= "2025-11-10"
    at.switch_page("pages/tickets.py")
    at.run()
    assert not at.exception, at.exception


def test_a_period_starting_before_the_data_is_cut_to_the_data():
    """Pure parsing: 2024-11-01 … 2025-10-31 with data from 2025-09-15 → 2025-09-15 … 2025-10-31."""
    from datetime import date

    from dashboard.core.areas import AreaIndex
    from dashboard.core.filters import parse_filters

    areas = AreaIndex(pd.DataFrame({"code": [""], "name": ["测试市"], "level": ["city"], "parent_code": [None],
                                   "kind": ["市"], "population": [1], "households": [1]}))
    f, warnings = parse_filters({"period": "custom", "start": "1000-01-01", "end": "2025-10-31", "compare": "yoy"},
                                areas, FIXTURE_AS_OF, date(2025, 9, 15))
    assert (f.period.start, f.period.end) == (date(2025, 9, 15), date(2025, 10, 31))
    assert warnings == ["开始日期 1000-01-01 早于数据起始日期 2025-09-15，已按 2025-09-15 计算。"]
    assert (f.comparison.start, f.comparison.end) == (date(2024, 9, 15), date(2024, 10, 31))


@pytest.fixture(scope="module")
def hostile_names_db(tmp_path_factory):
    """The fixture city with area, category and round names that are markup."""
    from dashboard.store.load import load_folder

    src = tmp_path_factory.mktemp("hostile_src")
    for f in FIXTURE_DIR.iterdir():
        shutil.copy(f, src / f.name)
    renames = {"districts.csv": LINK + ANCHOR, "streets.csv": IMAGE, "communities.csv": DIRECTIVE, "grids.csv": TAG}
    for name, bad in renames.items():
        frame = pd.read_csv(src / name, dtype=str, keep_default_na=False)
        frame.loc[0, "name"] = bad + "甲"
        frame.to_csv(src / name, index=False)
    rounds = pd.read_csv(src / "assessment_rounds.csv", dtype=str, keep_default_na=False)
    rounds["name"] = rounds["name"] + " " + LINK
    rounds.to_csv(src / "assessment_rounds.csv", index=False)
    path = tmp_path_factory.mktemp("hostile_db") / "hostile.duckdb"
    load_folder(src, path, label="测试数据 " + LINK, as_of=FIXTURE_AS_OF)
    return path


@pytest.mark.parametrize("page", PAGES)
def test_area_names_that_are_markup_show_as_text(hostile_names_db, monkeypatch, page):
    """An imported 区县 name ``[点此登录](http://…)甲``, a street ``![x](…)甲``, a community
    ``:red[红字] …甲`` and a grid ``<img …>甲`` show as those characters on every page, at the
    city and inside the hostile district and street (where the names appear in the breadcrumb,
    titles, rankings and red/black lists); in charts (plotly draws <a href> and other tags in its
    text) they are entity-escaped, so no tag reaches the chart."""
    monkeypatch.setenv("DASHBOARD_DB", str(hostile_names_db))
    monkeypatch.setenv("DASHBOARD_CONFIG", str(ROOT / "config" / "settings.toml"))
    for params in ({}, {"district": "990101"}, {"street": "990101001"}, {"community": "990101001001"}):
        at = run(page, {**params, "period": "this_year"})
        assert not at.exception, f"{page} {params}: {at.exception}"
        for text in texts(at):
            assert not _live_markup_in(text), f"{page} {params}: live markup in {text[:300]!r}"
        for chart in at.get("plotly_chart"):
            for trace in json.loads(chart.proto.spec)["data"]:
                drawn = json.dumps([trace.get(k) for k in ("x", "y", "text", "name", "labels", "hovertext")],
                                   ensure_ascii=False)
                assert not re.search(r"<(a|img|span|b)\b", drawn), f"{page} {params}: HTML tag in a chart: {drawn[:300]}"
