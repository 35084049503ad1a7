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
        card = main.locator('[data-testid="stMetric"]', has_text=label).first
        assert value in card.inner_text(), f"{label}: {card.inner_text()!r}"
    assert "测试市" in page.locator('[data-testid="stSidebar"]').inner_text()
    shot = screenshot(page, "overview-city-october")
    assert shot.stat().st_size > 10_000
