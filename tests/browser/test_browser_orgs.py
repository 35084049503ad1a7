"""社会组织 in a real browser on the fixture city: the KPI row and the below-target list
show the hand-computed numbers (tests/test_orgs.py), a click on a density bar drills into
that area, and screenshots are kept for a human look."""

import pytest

from tests.browser.conftest import open_app, screenshot, settle

pytestmark = pytest.mark.browser


def card_text(page, label: str) -> str:
    return page.locator('[data-testid="stMain"] .kpi-card', has_text=label).first.inner_text()


def test_orgs_city_then_click_a_density_bar(page, app_server):
    run = open_app(page, app_server, "orgs")
    main = page.locator('[data-testid="stMain"]')
    # 8 active on 10 Nov 2025, registered O01 O02 O03 O08: 4 / 11,000 residents; 3A+ O01 O03 of 8;
    # community orgs O04 O05 O07 O10
    assert "8 个" in card_text(page, "社会组织数")
    assert "3.64" in card_text(page, "每万人社会组织数")
    assert "25.0%" in card_text(page, "3A 以上占比")
    assert "达标社区/村 0 / 社区/村 4" in page.locator('.kpi-card[data-kpi="community_org_target_rate"]').inner_text()
    assert "各区县每万人社会组织数（目标 7 个）" in main.inner_text()
    chart = main.locator('[data-testid="stPlotlyChart"]').nth(3)  # after the three mix charts
    chart.scroll_into_view_if_needed()
    page.wait_for_timeout(500)
    assert "目标 7 个/万人" in chart.inner_text()
    screenshot(page, "orgs-city")

    # 乙县 (O03: 10.00 per 10,000) is the top bar: click it
    chart.scroll_into_view_if_needed()
    page.wait_for_timeout(500)
    box = chart.locator(".bars .point path").first.bounding_box()
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)  # where a user clicks
    run = settle(page, run)
    page.wait_for_url("**district=990102**")
    assert "2 个" in card_text(page, "社会组织数")  # O03, O07
    assert "10.00" in card_text(page, "每万人社会组织数")
    assert "各街道/乡镇每万人社会组织数（目标 7 个）" in main.inner_text()


def test_orgs_street_scope_and_list_search(page, app_server):
    run = open_app(page, app_server, "orgs", "street=990101001")
    main = page.locator('[data-testid="stMain"]')
    assert "3 个" in card_text(page, "社会组织数")  # O02 O04 O05
    assert "各社区/村每万人社会组织数（目标 7 个）" in main.inner_text()
    assert "0（差 10）" in main.inner_text() and "2（差 8）" in main.inner_text()  # 东二, 东一
    search = page.get_by_label("搜索名称或代码")
    search.fill("舞蹈")
    search.press("Enter")
    settle(page, run)
    assert "共 1 个组织" in main.inner_text()
    screenshot(page, "orgs-street")
