"""居村考核 in a real browser on the fixture city: the KPI row shows the hand-computed 2024
results (tests/test_assessment.py), a click on a 红黑榜 entry or a ranking bar drills into
that area, the round picker switches rounds, and screenshots are kept for a human look."""

import pytest

from tests.browser.conftest import open_app, screenshot, settle

pytestmark = pytest.mark.browser


def card_text(page, label: str) -> str:
    return page.locator('[data-testid="stMain"] .kpi-card', has_text=label).first.inner_text()


def test_assessment_city_then_drill_through_the_red_black_boards(page, app_server):
    run = open_app(page, app_server, "assessment")
    main = page.locator('[data-testid="stMain"]')
    # 2024: (92 + 82 + 78 + 62) / 4 = 78.5, up 1.75 on 2023's 76.75; 东二 dropped, three moved up
    assert "78.5 分" in card_text(page, "考核平均分") and "+1.8" in card_text(page, "考核平均分")
    assert "3 个" in card_text(page, "升档数") and "1 个" in card_text(page, "降档数")
    text = main.inner_text()
    assert "各区县考核平均分排名与红黑榜" in text
    assert "降档 1 个、升档 3 个、等级不变 0 个" in text  # 东二 dropped; 东一, 西一, 南村 moved up
    assert "东一社区：总分 92.0 分，优秀，在全市排第 1 名（共 4 个）" in text  # the first committee's breakdown
    screenshot(page, "assessment-city")

    # the district ranking: 甲区 (84.0) is the top bar — click it
    chart = main.locator('[data-testid="stPlotlyChart"]').nth(2)  # after the distribution and grade charts
    chart.scroll_into_view_if_needed()
    page.wait_for_timeout(500)
    box = chart.locator(".bars .point path").first.bounding_box()
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    run = settle(page, run)
    page.wait_for_url("**district=990101**")
    assert "84.0 分" in card_text(page, "考核平均分")  # (92 + 82 + 78) / 3
    assert "各街道/乡镇考核平均分排名与红黑榜" in main.inner_text()

    # the committee 红黑榜 of 甲区's three: 东一 (92) red, 西一 (78) black — click the black one
    main.get_by_role("button", name="第 3 名　西一社区　78.0 分").first.click()
    run = settle(page, run)
    page.wait_for_url("**community=990101002001**")
    assert "78.0 分" in card_text(page, "考核平均分")
    assert "基本合格 72.0 分" in main.inner_text() and "升档" in main.inner_text()  # 2023: 72 基本合格 → 合格
    screenshot(page, "assessment-community")


def test_assessment_street_scope_and_round_picker(page, app_server):
    run = open_app(page, app_server, "assessment", "street=990101001")
    main = page.locator('[data-testid="stMain"]')
    assert "87.0 分" in card_text(page, "考核平均分")  # 东街道: (92 + 82) / 2
    assert "各社区/村考核总分排名与红黑榜" in main.inner_text()
    screenshot(page, "assessment-street")
    main.get_by_role("combobox", name="考核轮次").click()
    page.get_by_role("option", name="2023年度居村委会考核", exact=True).click()
    settle(page, run)
    page.wait_for_url("**round=R2023**")
    assert "89.5 分" in card_text(page, "考核平均分")  # 2023: (88 + 91) / 2
    assert "之前没有同类考核轮次，无法比较" in main.inner_text()
