"""诉求工单 in a real browser, drawn without a chart library: selecting a 一级分类 row shows its 二级分类 and
keeps the choice in the URL; selecting a row of the 千人诉求量 ranking moves into that district (fixture,
October 2025: 城乡建设 7, 市场监管 3, 环境保护 3, 交通管理 2; 环境保护 (T02, T06, T12) has 噪声污染 2 and 大气污染 1 —
see tests/test_tickets_page.py)."""

import pytest

from tests.browser.conftest import click_ranking_row, open_app, run_count, screenshot, settle

pytestmark = pytest.mark.browser
OCTOBER = "period=custom&start=2025-10-01&end=2025-10-31&compare=mom"


def test_tickets_page_draws_no_plotly_and_a_category_row_opens_its_subcategories(page, app_server):
    scripts = []
    page.on("request", lambda r: scripts.append(r.url) if r.url.split("?")[0].endswith(".js") else None)
    open_app(page, app_server, "tickets", OCTOBER)
    main = page.locator('[data-testid="stMain"]')
    main.get_by_text("城乡建设 的二级分类").wait_for()
    assert not [u for u in scripts if "Plotly" in u]  # the 4.7 MB plotly chunk is not loaded on this page

    before = run_count(page)
    click_ranking_row(page, 2, key="cat_l1_")  # the third row: 环境保护 (after 城乡建设 and 市场监管)
    settle(page, before)
    main.get_by_text("环境保护 的二级分类").wait_for()
    assert "cat=" in page.url and "%E7%8E%AF%E5%A2%83%E4%BF%9D%E6%8A%A4" in page.url  # cat=环境保护
    screenshot(page, "tickets-category")

    before = run_count(page)
    click_ranking_row(page, 0, key="tickets_per_1000_")
    settle(page, before)
    assert "district=" in page.url
