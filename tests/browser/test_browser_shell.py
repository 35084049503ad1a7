"""The app in a real browser: it starts on the fixture city and shows the KPI row."""

import pytest

from tests.browser.conftest import open_app, screenshot

pytestmark = pytest.mark.browser


def test_overview_shows_city_kpis_for_october(page, app_server):
    open_app(page, app_server, "overview", "period=custom&start=2025-10-01&end=2025-10-31&compare=mom")
    main = page.locator('[data-testid="stMain"]')
    # Hand-computed for October 2025 (see tests/test_ticket_metrics.py): 15 received,
    # backlog 7 at the end of the month, 81.8 % closed on time, composite score 79.4.
    for label, value in (("受理量", "15 件"), ("积压", "7 件"), ("按期办结率", "81.8%"), ("三率综合得分", "79.4 分")):
        card = main.locator('.kpi-card', has_text=label).first
        assert value in card.inner_text(), f"{label}: {card.inner_text()!r}"
    assert "测试市" in page.locator('[data-testid="stSidebar"]').inner_text()
    shot = screenshot(page, "overview-city-october")
    assert shot.stat().st_size > 10_000


def test_a_cards_definition_opens_on_hover_and_on_keyboard_focus_inside_the_window(page, app_server):
    """The ? beside a card's name shows its definition (what st.metric's help did): on hover, and on
    Tab for keyboard users; the last card of a row opens it to the left, so it is not cut off."""
    open_app(page, app_server, "overview", "period=custom&start=2025-10-01&end=2025-10-31&compare=mom")
    main = page.locator('[data-testid="stMain"]')
    card = main.locator('.kpi-card', has_text="按期办结率").first
    tip = card.locator(".kpi-tip")
    assert not tip.is_visible()
    card.locator(".kpi-help").hover()
    tip.wait_for(state="visible")
    assert "计算：" in tip.inner_text() and "预警：" in tip.inner_text()
    page.mouse.move(5, 5)
    tip.wait_for(state="hidden")
    card.locator(".kpi-help").focus()
    tip.wait_for(state="visible")
    last = main.locator(".kpi-card").nth(4)  # the fifth card ends the first row
    last.locator(".kpi-help").hover()
    box, width = last.locator(".kpi-tip").bounding_box(), page.viewport_size["width"]
    assert box["x"] >= 0 and box["x"] + box["width"] <= width, (box, width)
