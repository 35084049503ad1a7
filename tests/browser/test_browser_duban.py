"""督办 in a real browser: the office (test_city) issues a 督办 for 东街道's overdue ticket T11
(the only one of 东街道 still open past its time limit at 31 Oct 2025, tests/test_tickets_page.py),
the street's account (test_street) finds it, answers it, and the office sees 已反馈."""

import re

import pytest

from tests.browser.conftest import open_app, screenshot, settle

pytestmark = pytest.mark.browser
QUERY = "district=990101&street=990101001&period=custom&start=2025-10-01&end=2025-10-31"


def log_out(page):
    run = settle(page)
    page.locator('[data-testid="stSidebar"]').get_by_role("button", name="退出登录").click()
    page.wait_for_selector('[data-testid="stForm"]')
    return run


def test_issue_a_duban_and_answer_it(page, app_server):
    run = open_app(page, app_server, "duban", QUERY, user="test_city")
    main = page.locator('[data-testid="stMain"]')
    assert "当前范围内还没有督办事项" in main.inner_text()
    form = main.locator('[data-testid="stForm"]')
    form.wait_for()
    assert "东街道有 1 件诉求工单超过办结时限未办结" in form.get_by_label("督办事项").input_value()
    screenshot(page, "duban-new")
    form.get_by_role("button", name="下发督办").click()
    run = settle(page, run)
    text = main.inner_text()
    number = re.search(r"督办〔\d{4}〕\d+ 号", text).group(0)
    assert f"{number} · 超期工单督办 · 被督办单位：东街道" in text
    assert "状态：已下发" in text and "test_city · 下发" in text
    screenshot(page, "duban-issued")

    log_out(page)
    run = open_app(page, app_server, "duban", QUERY, user="test_street")
    text = main.inner_text()
    assert f"{number} · 超期工单督办 · 被督办单位：东街道" in text and "状态：已下发" in text
    answer = main.locator('[data-testid="stForm"]')
    answer.get_by_label("反馈和整改说明").fill("T11 已联系物业公司整改，11 月 5 日前办结并回访。")
    answer.get_by_role("button", name="提交反馈").click()
    run = settle(page, run)
    assert "状态：已反馈" in main.inner_text()
    assert "test_street · 反馈：T11 已联系物业公司整改" in main.inner_text()
    screenshot(page, "duban-answered")

    log_out(page)
    open_app(page, app_server, "duban", QUERY, user="test_city")
    assert f"{number} · 超期工单督办" in main.inner_text() and "状态：已反馈" in main.inner_text()
    assert main.get_by_role("button", name="办结", exact=True).count() == 1


def test_issue_a_duban_from_the_handling_unit_black_board(page, app_server):
    """The 诉求工单 page at the city, October 2025: on 按期办结率 the 承办单位 黑榜 starts with 乙县水务局 (0.0 %, its one
    closure T09 late; tests/test_handling_units.py). Its “督办” button opens the 督办台账 with the form pre-filled —
    addressed to 南镇, where its ticket is, naming the unit and its figures (按期办结率 0.0 %, then 满意率 80.0 %, below
    85 %) — and issuing it shows the new 指标滞后督办 to 南镇 with that subject."""
    open_app(page, app_server, "tickets", "period=custom&start=2025-10-01&end=2025-10-31", user="test_city")
    main = page.locator('[data-testid="stMain"]')
    assert "各承办单位办理情况（主办单位排名）" in main.inner_text()
    run = settle(page)
    main.get_by_role("button", name="督办", exact=True).first.click()
    page.wait_for_url(re.compile(r"/duban\?"))
    run = settle(page)
    text = main.inner_text()
    assert "来自承办单位按期办结率黑榜：已预填被督办单位、承办单位乙县水务局和依据" in text
    subject = main.get_by_label("督办事项").input_value()
    assert subject == "承办单位乙县水务局在南镇的按期办结率为 0.0%（预警线 90.0%）、满意率为 80.0%（预警线 85.0%）"
    screenshot(page, "duban-from-black-board")
    main.get_by_role("button", name="下发督办").click()
    settle(page, run)
    text = main.inner_text()
    assert "指标滞后督办 · 被督办单位：南镇" in text and "状态：已下发" in text
    assert "督办事项：承办单位乙县水务局在南镇的按期办结率为 0.0%" in text
