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
    page.wait_for_url(lambda url: "/present" not in url and "period=custom" in url)  # the overview is the app's home "/"
    settle(page)
    assert "总览" in page.locator('[data-testid="stMain"]').inner_text()
    assert page.locator('[data-testid="stSidebar"]').is_visible()


def test_timer_advances_by_itself(page, app_server):
    open_app(page, app_server, "present", "period=last_month&topics=overview&interval=2")
    # No key pressed: the 2-second timer turns the page (and keeps turning, so wait for the
    # title to appear rather than for the app to settle, which may take longer than 2 s).
    page.locator('[data-testid="stMain"]').get_by_text("总览｜全市").wait_for(timeout=15_000)


def test_map_orgs_and_assessment_slides(page, app_server):
    open_app(page, app_server, "present",
             "period=custom&start=2025-10-01&end=2025-10-31&compare=mom&topics=map,orgs,assessment&slide=2")
    main = page.locator('[data-testid="stMain"]')
    assert "网格地图｜全市" in main.inner_text() and "62.5%" in main.inner_text()
    assert main.locator(".js-plotly-plot").count() == 1  # the choropleth, drawn without any tile server
    screenshot(page, "present-map")
    for title, number, name in (("社会组织｜全市", "3.64", "orgs"), ("居村考核｜全市", "78.5", "assessment")):
        before = run_count(page)
        page.keyboard.press("ArrowRight")
        settle(page, before)
        assert title in main.inner_text() and number in main.inner_text()
        screenshot(page, f"present-{name}")


@pytest.mark.parametrize("width, height", [(1920, 1080), (1366, 768)])
def test_a_slide_fills_the_screen_and_the_last_one_stays(browser, app_server, width, height):
    """At both meeting-room resolutions: the slide ends at the bottom of the screen (no scrolling, no empty
    quarter), the map takes at least half the height with a legend in large type, the numbers are large,
    and → on the last slide stays there."""
    context = browser.new_context(viewport={"width": width, "height": height}, locale="zh-CN",
                                  timezone_id="Asia/Shanghai")
    page = context.new_page()
    page.set_default_timeout(30_000)
    try:
        open_app(page, app_server, "present",
                 "period=custom&start=2025-10-01&end=2025-10-31&compare=mom&topics=overview,map&slide=3")
        main = page.locator('[data-testid="stMain"]')
        assert "网格地图｜全市" in main.inner_text() and "3 / 3" in main.inner_text()
        scroll = page.evaluate("() => document.querySelector('[data-testid=\"stMain\"]').scrollHeight")
        assert scroll <= height + 2  # nothing below the fold
        controls = page.locator(".st-key-present_controls").bounding_box()
        assert controls["y"] + controls["height"] <= height and controls["y"] >= 0.85 * height
        chart = page.locator('[data-testid="stPlotlyChart"]').bounding_box()
        assert chart["height"] >= 0.5 * height and chart["y"] + chart["height"] <= controls["y"]
        legend = page.locator(".legend .legendtext").first
        assert float(legend.evaluate("e => parseFloat(e.style.fontSize)")) >= 18
        value = main.locator('[data-testid="stMetricValue"]').first
        assert float(value.evaluate("e => parseFloat(getComputedStyle(e).fontSize)")) >= 0.05 * height
        screenshot(page, f"present-map-{width}x{height}")

        page.keyboard.press("ArrowRight")  # the last slide: the button is disabled, nothing happens
        page.wait_for_timeout(1500)
        assert "slide=3" in page.url and "网格地图｜全市" in main.inner_text() and "3 / 3" in main.inner_text()
    finally:
        context.close()
