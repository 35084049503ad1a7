"""Access in a real browser: a 街道级 user logs in, is kept to its street whatever the link
says, drills, downloads (the file names its user) and logs out; the header mode refuses a
forged identity header from a client that bypassed the gateway."""

import pytest

from tests.browser.conftest import AppServer, open_app, screenshot, settle
from tests.conftest import ROOT

pytestmark = pytest.mark.browser


def test_a_street_user_drills_downloads_and_logs_out(page, app_server):
    # a link into 乙县 (another district): the street's own view, with a Chinese note
    run = open_app(page, app_server, "tickets", "district=990102&period=custom&start=2025-10-01&end=2025-10-31",
                   user="test_street")
    main = page.locator('[data-testid="stMain"]')
    text = main.inner_text()
    assert "您的账号只能查看东街道的数据，已显示东街道。" in text
    assert "乙县" not in text and "南镇" not in page.content()
    screenshot(page, "access-street-tickets")
    # drill from the street into 东一社区 through the sidebar
    sidebar = page.locator('[data-testid="stSidebar"]')
    sidebar.get_by_role("combobox", name="社区/村").click()
    page.get_by_role("option", name="东一社区", exact=True).click()
    run = settle(page, run)
    page.wait_for_url("**community=990101001001**")
    # download the 督办清单 … the file carries who exported it
    with page.expect_download() as info:
        main.get_by_role("button", name="下载 CSV").first.click()
    content = info.value.path().read_bytes().decode("utf-8-sig")
    assert "导出人：测试街道级（test_street）" in content
    # log out: back to the login form, no data
    sidebar.get_by_role("button", name="退出登录").click()
    page.wait_for_selector('[data-testid="stForm"]')
    page.wait_for_selector("text=已退出登录")
    # the page of the logged-in run fades out: no figure stays once the login page has settled
    page.wait_for_function("() => document.querySelectorAll('.kpi-card').length === 0",
                           timeout=30_000)


@pytest.fixture(scope="module")
def header_server(fixture_db, app_db, tmp_path_factory):
    config = tmp_path_factory.mktemp("hdr") / "settings.toml"
    text = (ROOT / "config" / "settings.toml").read_text(encoding="utf-8").replace('mode = "local"', 'mode = "header"')
    config.write_text(text, encoding="utf-8")
    server = AppServer(fixture_db, {"DASHBOARD_CONFIG": str(config), "DASHBOARD_GATEWAY_SECRET": "gateway-Secret-42"},
                       app_db=app_db)
    yield server
    server.stop()


def _open_with_headers(browser, server, headers):
    context = browser.new_context(viewport={"width": 1366, "height": 768}, locale="zh-CN", extra_http_headers=headers)
    pg = context.new_page()
    pg.goto(server.url)
    pg.wait_for_selector('[data-testid="stAlert"], #run-marker', state="attached", timeout=60_000)
    pg.wait_for_timeout(500)
    return context, pg


def test_header_mode_refuses_a_forged_header_and_accepts_the_gateway(browser, header_server):
    context, pg = _open_with_headers(browser, header_server, {"X-Remote-User": "test_city"})
    try:
        assert "未通过统一身份认证网关访问" in pg.locator('[data-testid="stMain"]').inner_text()
        assert pg.locator('.kpi-card').count() == 0
    finally:
        context.close()
    context, pg = _open_with_headers(browser, header_server,
                                     {"X-Remote-User": "test_district", "X-Gateway-Secret": "gateway-Secret-42"})
    try:
        settle(pg)
        assert "测试区县级（区县级 · 甲区）" in pg.locator('[data-testid="stSidebar"]').inner_text()
        assert pg.locator('.kpi-card').count() > 0
    finally:
        context.close()
