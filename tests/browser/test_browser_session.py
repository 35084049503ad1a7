"""The web server itself, with a real Streamlit server and Chromium: a download's ``/media/…``
address is handed out only to the browser whose login made it; a reload keeps the login
(the signed HttpOnly session cookie); logging out revokes it; internal endpoints are off."""

import sys
import urllib.error
import urllib.request

import pytest
from playwright.sync_api import expect

from dashboard.testing import HTML_LOGIN_FORM, LOGIN_FORM, log_in
from tests.browser.conftest import AppServer, open_app, settle
from tests.conftest import ROOT

pytestmark = pytest.mark.browser

OCTOBER = "period=custom&start=2025-10-01&end=2025-10-31"


def _status(url: str, cookie: str | None = None) -> int:
    request = urllib.request.Request(url, headers={"Cookie": cookie} if cookie else {})
    try:
        with urllib.request.urlopen(request, timeout=10) as r:
            return r.status
    except urllib.error.HTTPError as e:
        return e.code


def _new_page(browser):
    context = browser.new_context(viewport={"width": 1600, "height": 1000}, locale="zh-CN",
                                  timezone_id="Asia/Shanghai")
    pg = context.new_page()
    pg.set_default_timeout(30_000)
    return context, pg


def _session_cookie(context) -> dict | None:
    return next((c for c in context.cookies() if c["name"] == "dashboard_session"), None)


def _wait_for_cookie(page) -> dict:
    """The session cookie, once the browser has fetched it (an image request the login run starts)."""
    for _ in range(50):
        cookie = _session_cookie(page.context)
        if cookie:
            return cookie
        page.wait_for_timeout(200)
    raise AssertionError("the browser never received the session cookie")


def _download(page) -> tuple[str, str]:
    """Click the first CSV download of the page; (its /media address, the file's text)."""
    with page.expect_download() as info:
        page.locator('[data-testid="stMain"]').get_by_role("button", name="下载 CSV").first.click()
    return info.value.url, info.value.path().read_bytes().decode("utf-8-sig")


def test_a_download_address_serves_only_the_browser_that_made_it(browser, page, app_server, app_db):
    from dashboard.store import appdb

    open_app(page, app_server, "tickets", OCTOBER, user="test_street")
    cookie = _wait_for_cookie(page)
    assert cookie["httpOnly"] and cookie["sameSite"] == "Strict"
    url, text = _download(page)
    assert "/media/" in url and "导出人：测试街道级（test_street）" in text
    # built on click, outside the page run, yet as the street's session: T11's title (东街道,
    # overdue at 31 Oct) is request content, which a 街道级 account does not see
    assert "T11" in text and "物业服务差" not in text and "（按权限隐藏）" in text
    exports = appdb.audit_rows(action="export", username="test_street", path=app_db)
    assert exports and '"format": "csv"' in exports[0]["detail"]

    # the owner: its cookie fetches the very file again
    owner = page.context.request.get(url)
    assert owner.status == 200 and "导出人：测试街道级（test_street）" in owner.body().decode("utf-8-sig")
    # no cookie at all (curl, a forwarded link), a forged cookie, a cookie with a forged signature
    assert _status(url) == 403
    assert _status(url, "dashboard_session=abc.def") == 403
    token = cookie["value"].split(".")[0]
    assert _status(url, f"dashboard_session={token}.{'0' * 64}") == 403
    # another logged-in browser (a 区县级 account whose area even covers the street) gets nothing
    context, other = _new_page(browser)
    try:
        open_app(other, app_server, "tickets", OCTOBER, user="test_district")
        _wait_for_cookie(other)
        assert context.request.get(url).status == 403
        # and its own download is not the street's either
        other_url, _ = _download(other)
        assert page.context.request.get(other_url).status == 403
        assert context.request.get(other_url).status == 200
    finally:
        context.close()

    # a reload keeps the login: no login form, the same account, the same cookie still fetches
    page.reload()
    page.wait_for_selector(f'#run-marker, {LOGIN_FORM}', state="attached")
    settle(page)
    assert page.locator(LOGIN_FORM).count() == 0
    assert "测试街道级（街道级 · 东街道）" in page.locator('[data-testid="stSidebar"]').inner_text()
    assert '"mode": "local-reload"' in appdb.audit_rows(action="login", username="test_street", path=app_db)[0]["detail"]
    new_url, _ = _download(page)
    assert page.context.request.get(new_url).status == 200

    # logging out revokes the login: the cookie no longer fetches, a reload shows the login form
    page.locator('[data-testid="stSidebar"]').get_by_role("button", name="退出登录").click()
    page.wait_for_selector('[data-testid="stForm"]')
    assert _status(new_url, f"dashboard_session={cookie['value']}") == 403
    for _ in range(50):  # the login page also has the browser drop it (another image request)
        if _session_cookie(page.context) is None:
            break
        page.wait_for_timeout(200)
    assert _session_cookie(page.context) is None
    page.reload()  # a new page session with the revoked cookie: the server's own login form
    page.wait_for_selector(HTML_LOGIN_FORM, timeout=60_000)
    assert page.locator("#run-marker").count() == 0


def _check_endpoints(url: str) -> None:
    assert _status(f"{url}/_stcore/metrics") == 404  # cache statistics name internal functions
    assert _status(f"{url}/_stcore/health") == 200
    (ROOT / "static").mkdir(exist_ok=True)
    probe = ROOT / "static" / "probe-not-served.csv"
    probe.write_text("姓名\n张三\n", encoding="utf-8")
    try:
        assert _status(f"{url}/app/static/probe-not-served.csv") == 404
        assert _status(f"{url}//app/static/probe-not-served.csv") == 404
        assert _status(f"{url}/app/static/vendor/../probe-not-served.csv") == 404
    finally:
        probe.unlink()
    assert _status(f"{url}/_dashboard/session/made-up-code") == 404
    assert _status(f"{url}/_stcore/upload_file/x/y") == 403


def test_internal_endpoints_are_off_under_streamlit_run(page, app_server):
    """Plain ``streamlit run streamlit_app.py``: the guard is in place from the first page run on."""
    open_app(page, app_server, "", OCTOBER, user="test_city")
    _check_endpoints(app_server.url)


@pytest.fixture(scope="module")
def launched(fixture_db, app_db):
    """The app as ``make run`` starts it: ``python -m dashboard.accounts.serve`` (guarded from the first request)."""
    server = AppServer(fixture_db, app_db=app_db, command=[sys.executable, "-m", "dashboard.accounts.serve"])
    yield server
    server.stop()


def test_the_launcher_guards_from_the_first_request(launched):
    _check_endpoints(launched.url)


def test_a_new_browser_logs_in_on_the_servers_login_layer_and_lands_on_its_link(browser, launched, app_db):
    """The first thing a new browser sees is the server's login layer over Streamlit's page (painted before the
    frontend boots); a wrong password shows the reason with the name kept, in the same page; the right one
    opens the very link asked for in the same document (the page session underneath takes the login over),
    audited once as a login (not again as a reload)."""
    from dashboard.store import appdb
    from tests.browser.conftest import screenshot
    from tests.conftest import TEST_PASSWORD

    context, page = _new_page(browser)
    try:
        page.goto(f"{launched.url}/tickets?district=990101&{OCTOBER}")
        form = page.locator(HTML_LOGIN_FORM)
        form.wait_for()
        assert "基层治理督查考评看板" in page.title()
        assert page.evaluate("() => document.activeElement.id") == "username"
        # the page session underneath has connected and waits, hidden, for the login to take over
        page.locator(".st-key-login_takeover button").wait_for(state="attached", timeout=60_000)
        for size in ((1920, 1080), (1366, 768)):
            page.set_viewport_size({"width": size[0], "height": size[1]})
            screenshot(page, f"login-form-{size[0]}")
        page.evaluate("() => { window.__sameDocument = true; }")
        # typed key by key: Streamlit's own keyboard shortcuts (r = rerun, c = clear caches) stay out of the form
        form.get_by_label("用户名").press_sequentially("test_district")
        form.get_by_label("密码").fill("Wrong-Pass-99")
        form.get_by_role("button", name="登录").click()
        expect(page.locator('#dashboard-login [role="alert"]')).to_have_text("用户名或密码不正确")
        assert page.get_by_label("用户名").input_value() == "test_district"
        assert page.get_by_label("密码").input_value() == ""
        assert page.evaluate("() => document.activeElement.id") == "password"
        before = len(appdb.audit_rows(action="login", username="test_district", path=app_db))
        page.get_by_label("密码").fill(TEST_PASSWORD)
        page.get_by_role("button", name="登录").click()
        settle(page)
        assert page.evaluate("() => window.__sameDocument === true")  # no new document was loaded
        assert "/tickets?" in page.url and "district=990101" in page.url
        assert page.locator(LOGIN_FORM).count() == 0 and page.locator("#dashboard-login").count() == 0
        sidebar = page.locator('[data-testid="stSidebar"]').inner_text()
        assert "测试区县级（区县级 · 甲区）" in sidebar
        assert "诉求工单" in page.locator('[data-testid="stMain"]').inner_text()
        logins = appdb.audit_rows(action="login", username="test_district", path=app_db)
        assert len(logins) == before + 1 and '"mode": "local"' in logins[0]["detail"]
        cookie = _session_cookie(context)
        assert cookie["httpOnly"] and cookie["sameSite"] == "Strict"
        assert not any(c["name"] == "dashboard_login" for c in context.cookies())  # the form's token is spent
        screenshot(page, "login-layer-after")
        # 退出登录 in this page session: Streamlit's own form (the layer's token in its handshake is spent)
        page.locator('[data-testid="stSidebar"]').get_by_role("button", name="退出登录").click()
        page.wait_for_selector('[data-testid="stForm"]:has(input[type="password"])')
        assert page.locator(".st-key-login_takeover").count() == 0
        log_in(page, "test_district", TEST_PASSWORD)
        settle(page)
        # a reload is a new page session: the cookie logs it in again (audited as a reload), no layer
        page.reload()
        settle(page)
        assert page.locator("#dashboard-login").count() == 0
        assert '"mode": "local-reload"' in appdb.audit_rows(action="login", username="test_district",
                                                            path=app_db)[0]["detail"]
    finally:
        context.close()
