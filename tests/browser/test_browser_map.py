"""网格地图 in a real browser with the network blocked except the app itself: Leaflet and
everything else the map needs come from the app (no CDN), the map draws one polygon per
child area, and clicking a polygon drills into it."""

import re
from urllib.parse import urlparse

import pytest

from tests.browser.conftest import open_app, run_count, screenshot, settle

pytestmark = pytest.mark.browser

OCTOBER = "period=custom&start=2025-10-01&end=2025-10-31&compare=mom"
MAP_FRAME = 'iframe[title="streamlit_folium.st_folium"]'
POLYGONS = "path.leaflet-interactive"


def block_the_internet(page) -> list[str]:
    """Abort every request that does not go to the app on 127.0.0.1; return the list of
    blocked URLs (a government intranet has no internet)."""
    blocked: list[str] = []

    def handle(route):
        host = urlparse(route.request.url).hostname
        if host in ("127.0.0.1", "localhost") or route.request.url.startswith(("data:", "blob:", "about:")):
            route.continue_()
        else:
            blocked.append(route.request.url)
            route.abort()

    page.context.route("**/*", handle)
    return blocked


def wait_for_polygons(page, count: int):
    frame = page.frame_locator(MAP_FRAME)
    polygons = frame.locator(POLYGONS)
    polygons.nth(count - 1).wait_for(state="attached", timeout=30_000)
    return frame, polygons


def test_city_map_draws_districts_offline_and_drills_into_one(page, app_server):
    blocked = block_the_internet(page)
    loaded: list[str] = []
    page.on("requestfinished", lambda r: loaded.append(r.url))
    run = open_app(page, app_server, "map", OCTOBER)
    main = page.locator('[data-testid="stMain"]')
    assert "全市 各区县 三率综合得分" in main.inner_text()

    # The fixture city has two districts: 甲区 (75.3) and 乙县 (96.0).
    frame, polygons = wait_for_polygons(page, 2)
    assert polygons.count() == 2
    legend = frame.locator(".gm-legend")
    assert "三率综合得分（分）" in legend.inner_text() and "越高越好" in legend.inner_text()
    assert any(u.endswith("/app/static/vendor/leaflet/leaflet.js") for u in loaded), loaded
    # Issue 17: one scale, in metres/kilometres (no miles, no feet), and a plain credit without the flag icon.
    scales = frame.locator(".leaflet-control-scale-line")
    assert scales.count() == 1 and re.fullmatch(r"\d+ k?m", scales.first.inner_text().strip())
    assert frame.locator(".leaflet-control-attribution svg").count() == 0
    assert frame.locator(".leaflet-control-attribution").inner_text().startswith("Leaflet")
    screenshot(page, "map-city-composite")

    # Hovering (tooltip), panning and zooming stay in the browser: no rerun of the page.
    polygons.nth(1).hover()
    assert "第 1 / 2 名" in frame.locator(".gm-tip").inner_text()
    box = frame.locator("#map_div").bounding_box()
    page.mouse.move(box["x"] + 100, box["y"] + 100)
    page.mouse.down()
    page.mouse.move(box["x"] + 180, box["y"] + 140, steps=5)
    page.mouse.up()
    frame.locator(".leaflet-control-zoom-in").click()
    page.wait_for_timeout(1500)
    assert run_count(page) == run

    # Polygons are drawn in code order: the first is 甲区. Click it.
    polygons.nth(0).click()
    settle(page, run)
    page.wait_for_function("() => new URLSearchParams(location.search).get('district') === '990101'")
    crumbs = page.locator('[class*="st-key-breadcrumb"]').inner_text()
    assert "甲区" in crumbs
    assert "甲区 各街道/乡镇 三率综合得分" in main.inner_text()
    frame, polygons = wait_for_polygons(page, 2)  # 东街道, 西街道
    assert polygons.count() == 2
    screenshot(page, "map-district-after-click")
    assert blocked == [], f"the map tried to reach the internet: {blocked}"


def test_community_map_shows_grids_and_the_card_of_a_clicked_grid(page, app_server):
    blocked = block_the_internet(page)
    run = open_app(page, app_server, "map", f"{OCTOBER}&community=990101001002&metric=backlog")
    main = page.locator('[data-testid="stMain"]')
    assert "东二社区 各网格 积压" in main.inner_text()
    frame, polygons = wait_for_polygons(page, 2)  # 东二第一网格, 东二实验学校网格 (in code order)
    assert polygons.count() == 2
    polygons.nth(1).click()
    settle(page, run)
    page.wait_for_function("() => new URLSearchParams(location.search).get('grid') === '990101001002002'")
    card = page.locator('[class*="st-key-grid_card"]')
    card.wait_for()
    text = card.inner_text()
    assert "东二实验学校网格" in text and "专属网格（学校）" in text
    assert "该网格没有在岗专职网格员" in text
    # The scope stays at the community.
    assert page.evaluate("() => new URLSearchParams(location.search).get('community')") == "990101001002"
    screenshot(page, "map-community-grid-card")
    assert blocked == [], f"the map tried to reach the internet: {blocked}"


def test_clicking_a_ranking_row_drills_like_clicking_the_polygon(page, app_server):
    run = open_app(page, app_server, "map", OCTOBER)
    table = page.locator('[class*="st-key-rank_city"]')
    box = table.bounding_box()
    # The first row is 乙县 (96.0, best): click its selection box (header row is 35 px).
    page.mouse.click(box["x"] + 18, box["y"] + 35 + 17)
    settle(page, run)
    page.wait_for_function("() => new URLSearchParams(location.search).get('district') === '990102'")
    assert "乙县 各街道/乡镇 三率综合得分" in page.locator('[data-testid="stMain"]').inner_text()
