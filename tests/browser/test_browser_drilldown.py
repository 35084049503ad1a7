"""A leader's path in a real browser: pick a district in the sidebar, click a street in the
ranking, and see the breadcrumb and the numbers follow (values hand-computed from the fixture:
city 15 received; 甲区 11 received, 88.9 % on time; 东街道 8 received, 83.3 % on time)."""

import pytest

from tests.browser.conftest import click_ranking_row, open_app, run_count, screenshot, settle

pytestmark = pytest.mark.browser
OCTOBER = "period=custom&start=2025-10-01&end=2025-10-31&compare=mom"


def kpi_text(page, label: str) -> str:
    return page.locator('[data-testid="stMain"] .kpi-card', has_text=label).first.inner_text()


def breadcrumb(page) -> str:
    crumbs = page.locator(".st-key-breadcrumb")
    # The crumbs are separate elements drawn one after another: wait until none is empty (seen in CI:
    # "› 甲区 › 西街道" read before 全市 was drawn, and "全市 › › 西街道" before 甲区's label was).
    crumbs.get_by_text("全市", exact=True).first.wait_for()
    page.wait_for_function("""() => {
        const t = document.querySelector('.st-key-breadcrumb').innerText.replace(/\\s+/g, ' ').trim();
        return t.length > 0 && !/›\\s*›/.test(t) && !/^›|›$/.test(t);
    }""")
    return " ".join(crumbs.inner_text().split())


def choose(page, label: str, option: str) -> None:
    before = run_count(page)
    page.locator('[data-testid="stSidebar"]').get_by_role("combobox", name=label).click()
    page.get_by_role("option", name=option, exact=True).click()
    settle(page, before)


def test_choose_district_then_click_a_street_in_the_ranking(page, app_server):
    open_app(page, app_server, "overview", OCTOBER)
    assert "15 件" in kpi_text(page, "受理量")
    screenshot(page, "overview-city")

    choose(page, "区县", "甲区")
    assert "甲区" in breadcrumb(page)
    assert "11 件" in kpi_text(page, "受理量") and "88.9%" in kpi_text(page, "按期办结率")
    assert "district=990101" in page.url

    # The ranking puts 东街道 (80.4) above 西街道 (66.7): select its row.
    before = run_count(page)
    click_ranking_row(page, 0)
    settle(page, before)
    assert "全市 › 甲区 › 东街道" in breadcrumb(page)
    assert "8 件" in kpi_text(page, "受理量") and "83.3%" in kpi_text(page, "按期办结率")
    assert "street=990101001" in page.url
    screenshot(page, "overview-street")

    # the other pages follow the scope
    before = run_count(page)
    page.locator('[data-testid="stSidebar"] a', has_text="诉求工单").click()
    settle(page, before)
    assert "全市 › 甲区 › 东街道" in breadcrumb(page)
    assert "8 件" in kpi_text(page, "受理量")
    screenshot(page, "tickets-street")

    # one click on the breadcrumb goes back up to the district
    before = run_count(page)
    page.locator(".st-key-breadcrumb").get_by_role("button", name="甲区").first.click()
    settle(page, before)
    assert "11 件" in kpi_text(page, "受理量") and "street=" not in page.url
    screenshot(page, "tickets-district")


def test_first_open_of_the_overview_loads_no_plotly(page, app_server):
    """总览 draws its ranking as a data grid and its trend as an SVG image: the browser never asks for
    Streamlit's PlotlyChart script chunk (4.7 MB), and the trend's hover boxes are in the page."""
    requested: list[str] = []
    page.on("request", lambda r: requested.append(r.url))
    open_app(page, app_server, "overview", OCTOBER)
    assert "15 件" in kpi_text(page, "受理量")
    scripts = [u for u in requested if u.split("?")[0].endswith(".js")]
    assert scripts, "no script requested at all: the recorder saw nothing"
    assert not [u for u in requested if "PlotlyChart" in u or "plotly" in u.lower()], [u for u in scripts if "lotly" in u]
    assert page.locator('[data-testid="stPlotlyChart"]').count() == 0
    # October, day by day: 31 hover boxes over the trend. 20 Oct at the city: received T12, closed T07 (甲区)
    # and T09 (乙县) (tests/fixtures/city/tickets.csv).
    trend = page.locator('[data-testid="stHtml"] div[title]:not(.kpi-value)')  # the hover boxes, not a KPI value
    assert trend.count() == 31
    assert trend.nth(19).get_attribute("title") == "2025年10月20日：受理 1 件；办结 2 件"
    # a person hovering there sees that box (it is on top of the image, not hidden behind it)
    trend.nth(19).scroll_into_view_if_needed()
    box = trend.nth(19).bounding_box()
    assert box and box["width"] > 5 and box["height"] > 100
    hit = page.evaluate("([x, y]) => document.elementFromPoint(x, y).getAttribute('title')",
                        [box["x"] + box["width"] / 2, box["y"] + box["height"] / 2])
    assert hit == "2025年10月20日：受理 1 件；办结 2 件"


def test_a_copied_link_reopens_the_same_view(page, app_server):
    open_app(page, app_server, "tickets", OCTOBER + "&street=990101002")
    assert "全市 › 甲区 › 西街道" in breadcrumb(page)
    assert "3 件" in kpi_text(page, "受理量")


def test_bad_link_warns_in_chinese_and_still_shows_the_city(page, app_server):
    open_app(page, app_server, "overview", "district=000000&period=custom&start=2025-10-01&end=oops")
    text = page.locator('[data-testid="stMain"]').inner_text()
    assert "地址中的区县代码“000000”不存在，已忽略。" in text
    assert "自定义期间的开始或结束日期缺失或格式不对" in text
    assert "受理量" in text
