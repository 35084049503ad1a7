"""演示模式 in a real browser: no sidebar, large type, the keyboard turns the pages."""

import pytest

from tests.browser.conftest import open_app, run_count, screenshot, settle

pytestmark = pytest.mark.browser


def test_keyboard_advances_and_escape_leaves(page, app_server):
    open_app(page, app_server, "present", "period=custom&start=2025-10-01&end=2025-10-31&topics=overview,tickets")
    assert page.locator('[data-testid="stSidebar"]').is_hidden()
    assert "议程：总览 → 诉求工单" in page.locator('[data-testid="stMain"]').inner_text()
    screenshot(page, "present-cover")

    before = run_count(page)
    page.keyboard.press("ArrowRight")
    settle(page, before)
    main = page.locator('[data-testid="stMain"]')
    assert "总览｜全市" in main.inner_text() and "79.4 分" in main.inner_text()
    value = main.locator('[data-testid="stMetricValue"]').first
    assert float(value.evaluate("e => parseFloat(getComputedStyle(e).fontSize)")) >= 48  # readable from the back
    screenshot(page, "present-overview")

    before = run_count(page)
    page.keyboard.press("ArrowRight")
    settle(page, before)
    assert "诉求工单｜全市" in main.inner_text()
    screenshot(page, "present-tickets")

    before = run_count(page)
    page.keyboard.press("ArrowLeft")
    settle(page, before)
    assert "总览｜全市" in main.inner_text()

    page.keyboard.press("Escape")
    page.wait_for_url("**/overview**")
    settle(page)
    assert page.locator('[data-testid="stSidebar"]').is_visible()


def test_timer_advances_by_itself(page, app_server):
    open_app(page, app_server, "present", "period=last_month&topics=overview&interval=2")
    before = run_count(page)
    settle(page, before, timeout=15_000)  # no key pressed: the 2-second timer turns the page
    assert "总览｜全市" in page.locator('[data-testid="stMain"]').inner_text()
