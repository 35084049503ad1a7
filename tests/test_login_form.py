"""The server's own login layer (``dashboard.accounts.login_form``): what it shows, where it sends the browser,
what it refuses, the one-time hand-over to the page session underneath — against a real server started by the
launcher (``make run``'s command), over HTTP. The page session taking the login over is the browser test's
(tests/browser/test_browser_session.py)."""

from __future__ import annotations

import json
import re
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from http.cookiejar import CookieJar

import pytest

from dashboard.accounts import login_form, sessions
from tests.conftest import TEST_PASSWORD


# -- the rules, by hand ----------------------------------------------------------------------------------------
@pytest.mark.parametrize("value, base, expected", [
    ("/tickets?district=990101&period=custom", "", "/tickets?district=990101&period=custom"),
    ("/", "", "/"),
    ("//evil.example/steal", "", "/"),
    ("https://evil.example/", "", "/"),
    ("/\\evil.example", "", "/"),
    ("javascript:alert(1)", "", "/"),
    ("/tickets\r\nSet-Cookie: x=1", "", "/"),
    ("", "", "/"),
    (None, "", "/"),
    ("/gov/tickets", "/gov", "/gov/tickets"),
    ("/tickets", "/gov", "/gov/"),
    ("/" + "a" * 2001, "", "/"),
])
def test_the_address_after_the_login_stays_on_this_site(value, base, expected):
    assert login_form.safe_next(value, base) == expected


def _scope(path="/", method="GET", accept=b"text/html,application/xhtml+xml", **headers):
    hs = [(b"accept", accept)] + [(k.replace("_", "-").encode(), v) for k, v in headers.items()]
    return {"type": "http", "method": method, "path": path, "headers": hs}


@pytest.mark.parametrize("path, method, accept, expected", [
    ("/", "GET", b"text/html", True),
    ("/tickets", "GET", b"text/html,*/*", True),
    ("/tickets", "POST", b"text/html", False),
    ("/tickets", "GET", b"*/*", False),  # a script's fetch, not a page
    ("/_stcore/health", "GET", b"text/html", False),
    ("/static/js/index.js", "GET", b"text/html", False),
    ("/media/abc.csv", "GET", b"text/html", False),
    ("/app/static/vendor/leaflet.js", "GET", b"text/html", False),
    ("/favicon.png", "GET", b"text/html", False),
    ("/_dashboard/session/x", "GET", b"text/html", False),
])
def test_only_a_page_request_gets_the_form(path, method, accept, expected):
    assert login_form.is_page_request(_scope(path, method, accept), path) is expected


def test_a_post_from_another_site_is_not_same_origin():
    assert login_form.same_origin(_scope(host=b"dash.gov:8501"))  # no Origin header (an old browser)
    assert login_form.same_origin(_scope(host=b"dash.gov:8501", origin=b"http://dash.gov:8501"))
    assert not login_form.same_origin(_scope(host=b"dash.gov:8501", origin=b"https://evil.example"))
    assert not login_form.same_origin(_scope(host=b"dash.gov:8501", origin=b"null"))


def test_the_page_escapes_what_comes_from_the_request_and_the_database():
    hostile = '<img src=x onerror="alert(1)">'
    text = login_form.page_html("", '/tickets?a="><script>', "tok", error=hostile, notice=hostile, username=hostile,
                                demo_accounts=[{"role": "市级", "area": hostile, "username": "demo_city",
                                                "password": "Demo-Ab3d-Ef5h"}])
    layer = text[text.index('<div id="dashboard-login"'):text.index('<div id="root">')]
    assert hostile not in text and "<script>" not in layer.split("</main>")[0]
    assert layer.count("&lt;img src=x onerror=&quot;alert(1)&quot;&gt;") == 4  # error, notice, name, area
    assert 'name="next" value="/tickets?a=&quot;&gt;&lt;script&gt;"' in layer
    assert "<td>demo_city</td><td>Demo-Ab3d-Ef5h</td>" in layer and "没有账号或忘记密码" not in layer
    assert '<div class="alert error" role="alert" id="login-error">' in layer  # shown: there is an error
    plain = login_form.page_html("", "/", "tok")
    assert "演示账号" not in plain and "没有账号或忘记密码，请联系本单位的看板管理员。" in plain
    assert 'id="login-error" hidden>' in plain  # no error: the alert is there for the script, hidden


def test_the_layer_sits_on_streamlits_own_page():
    """The page is the installed Streamlit's index.html (its scripts boot underneath) with the layer before the
    app's root element; the title and language are the dashboard's."""
    import streamlit
    from pathlib import Path

    index = (Path(streamlit.__file__).parent / "static" / "index.html").read_text(encoding="utf-8")
    text = login_form.page_html("", "/", "tok")
    entry = re.search(r'<script type="module" crossorigin src="[^"]+"></script>', index).group(0)
    assert entry in text and text.count('<div id="root"></div>') == 1
    assert text.index('id="dashboard-login"') < text.index('<div id="root">')
    assert text.index("<title>登录 · 基层治理督查考评看板</title>") < text.index("</head>")
    assert '<html lang="zh-CN">' in text and "<title>Streamlit</title>" not in text
    # what the script hides and clicks is what access draws
    assert f".st-key-{login_form.TAKEOVER_KEY} button" in text and login_form.TAKEOVER_KEY == "login_takeover"


def test_the_page_preloads_the_element_code_the_pages_draw_first():
    import streamlit
    from pathlib import Path

    static = Path(streamlit.__file__).parent / "static"
    files = login_form.frontend_files()
    index = (static / "index.html").read_text(encoding="utf-8")
    entry = re.search(r'<script type="module" crossorigin src="\./(static/js/[^"]+)"', index).group(1)
    assert files[0] == ("font", re.search(r'href="\./(static/media/SourceSans[^"]+)"', index).group(1))
    assert ("script", entry) in files
    listed = {f for _, f in files}
    assert all((static / f).is_file() for f in listed)
    scripts = {f.rsplit("/", 1)[-1] for k, f in files if k == "script"}
    data_grid = next(n for n in scripts if n.startswith("DataFrame."))
    # the data grid's own imports are there too (else the browser fetches them after the login)
    imports = re.findall(r'(?:from|import)\s*"\./([^"]+\.js)"', (static / "static" / "js" / data_grid).read_text())
    assert imports and set(imports) <= scripts
    assert not any(n.startswith("PlotlyChart.") for n in scripts)  # 4.7 MB: left to the pages with charts
    text = login_form.page_html("/gov", "/gov/", "tok")
    assert f'<link rel="modulepreload" crossorigin href="/gov/static/js/{data_grid}">' in text
    assert f'href="/gov/{entry}"' not in text  # what Streamlit's page loads itself is not listed twice


def test_a_login_is_handed_over_once_to_the_browser_holding_the_token(monkeypatch):
    login_form.hand_over("csrf-a", "login-1")
    login_form.hand_over("csrf-b", "login-2")
    assert login_form.take_over("csrf-x") is None and login_form.take_over(None) is None
    assert login_form.take_over("csrf-a") == "login-1"
    assert login_form.take_over("csrf-a") is None  # once
    later = time.monotonic() + login_form.HANDOVER_SECONDS + 1
    monkeypatch.setattr(sessions.time, "monotonic", lambda: later)
    assert login_form.take_over("csrf-b") is None  # too late
    assert not login_form._handovers._items  # nothing keeps the token under its plain value
    login_form.hand_over("csrf-c", "login-3")
    assert list(login_form._handovers._items) == [sessions.token_hash("csrf-c")]
    assert "csrf-c" not in login_form._handovers._items


# -- a real server, over HTTP ---------------------------------------------------------------------------------------
class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Browser:
    """Cookies kept between requests, redirects not followed (the test reads them)."""

    def __init__(self, url: str):
        self.url, self.jar = url, CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar), _NoRedirect)

    def get(self, path: str, accept: str = "text/html"):
        return self._open(urllib.request.Request(self.url + path, headers={"Accept": accept}))

    def post(self, path: str, fields: dict, **headers):
        data = urllib.parse.urlencode(fields).encode()
        return self._open(urllib.request.Request(self.url + path, data=data, headers=headers))

    def _open(self, request):
        try:
            with self.opener.open(request, timeout=60) as r:
                return r.status, r.headers, r.headers.get_all("Set-Cookie") or [], r.read().decode()
        except urllib.error.HTTPError as e:
            return e.code, e.headers, e.headers.get_all("Set-Cookie") or [], e.read().decode()

    def cookie(self, name: str) -> str | None:
        return next((c.value for c in self.jar if c.name == name), None)


def _field(page: str, name: str) -> str:
    return re.search(rf'name="{name}"[^>]*? value="([^"]*)"', page).group(1)


@pytest.fixture(scope="module")
def server(fixture_db, app_db):
    from dashboard.testing import AppServer

    s = AppServer(fixture_db, app_db=app_db, command=[sys.executable, "-m", "dashboard.accounts.serve"])
    yield s
    s.stop()


def test_a_deep_link_logs_in_through_the_html_form_and_comes_back(server, app_db):
    from dashboard.store import appdb

    b = Browser(server.url)
    status, headers, cookies, page = b.get("/tickets?district=990101&period=month")
    assert status == 200 and headers["Content-Type"].startswith("text/html") and 'data-testid="loginForm"' in page
    assert '<div id="root">' in page and headers.get("X-Frame-Options") == "DENY"  # Streamlit's page under the layer
    policy = headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in policy and "form-action 'self'" in policy and "base-uri 'self'" in policy
    assert _field(page, "next") == "/tickets?district=990101&amp;period=month"
    assert any("dashboard_login=" in c and "HttpOnly" in c and "SameSite=Strict" in c for c in cookies)
    assert "没有账号或忘记密码" in page  # the fixture is not sample data: no demo accounts
    before = len(appdb.audit_rows(action="login", username="test_city", path=app_db))
    status, headers, cookies, _ = b.post("/_dashboard/login", {
        "username": "test_city", "password": TEST_PASSWORD, "next": "/tickets?district=990101&period=month",
        "csrf": _field(page, "csrf")})
    assert status == 303 and headers["Location"] == "/tickets?district=990101&period=month"
    session = next(c for c in cookies if c.startswith("dashboard_session="))
    assert "HttpOnly" in session and "SameSite=Strict" in session and "Path=/" in session
    logins = appdb.audit_rows(action="login", username="test_city", path=app_db)
    assert len(logins) == before + 1 and '"mode": "local"' in logins[0]["detail"]
    # logged in: the page address now goes to Streamlit itself
    status, _, _, page = b.get("/tickets?district=990101&period=month")
    assert status == 200 and "loginForm" not in page and "static/js/index." in page


def test_the_layers_script_logs_in_with_json_and_the_token_is_spent(server, app_db):
    """What the layer's script gets: JSON with the reason (HTTP 200, the name kept) or ``ok`` and where the
    page is, the session cookie, the form's token deleted; refusals as JSON too."""
    from dashboard.store import appdb

    b = Browser(server.url)
    page = b.get("/map?period=month")[3]
    csrf = _field(page, "csrf")
    wrong = {"username": " test_street ", "password": "Wrong-Pass-99", "next": "/map?period=month", "csrf": csrf}
    status, headers, cookies, text = b.post("/_dashboard/login", wrong, Accept="application/json")
    assert status == 200 and headers["Content-Type"].startswith("application/json")
    assert json.loads(text) == {"error": "用户名或密码不正确", "username": "test_street"} and not cookies
    before = len(appdb.audit_rows(action="login", username="test_street", path=app_db))
    status, headers, cookies, text = b.post("/_dashboard/login", {**wrong, "password": TEST_PASSWORD},
                                            Accept="application/json")
    assert status == 200 and json.loads(text) == {"ok": True, "next": "/map?period=month"}
    assert any(c.startswith("dashboard_session=") and "HttpOnly" in c for c in cookies)
    assert any(c.startswith("dashboard_login=;") and "Max-Age=0" in c for c in cookies)
    assert len(appdb.audit_rows(action="login", username="test_street", path=app_db)) == before + 1
    # the token is gone from the browser: the same post again is refused (as JSON, with what to do)
    status, headers, _, text = b.post("/_dashboard/login", {**wrong, "password": TEST_PASSWORD},
                                      Accept="application/json")
    assert status == 403 and "请刷新登录页后重新登录" in json.loads(text)["error"]


def test_a_wrong_password_shows_the_form_again_with_the_reason(server, app_db):
    from dashboard.store import appdb

    b = Browser(server.url)
    page = b.get("/")[3]
    status, _, cookies, page = b.post("/_dashboard/login", {"username": "test_district", "password": "Wrong-Pass-99",
                                                             "next": "/map", "csrf": _field(page, "csrf")})
    assert status == 200 and "用户名或密码不正确" in page and _field(page, "username") == "test_district"
    assert '<div id="root">' in page  # the layer again, over Streamlit's page
    assert _field(page, "next") == "/map"
    assert not any(c.startswith("dashboard_session=") for c in cookies)
    failed = appdb.audit_rows(action="login_failed", username="test_district", path=app_db)
    assert failed and "用户名或密码不正确" in failed[0]["detail"]


def test_repeated_failures_lock_the_account_through_the_html_form_too(server, app_db):
    from dashboard.accounts import users

    users.add("lock_me_html", "测试锁定", "city", None, TEST_PASSWORD, path=app_db)
    b = Browser(server.url)
    page = b.get("/")[3]
    for _ in range(5):  # the fixture's [auth] max_failures
        page = b.post("/_dashboard/login", {"username": "lock_me_html", "password": "Wrong-Pass-99", "next": "/",
                                            "csrf": _field(page, "csrf")})[3]
    assert "账号已锁定" in page
    status, _, cookies, page = b.post("/_dashboard/login", {"username": "lock_me_html", "password": TEST_PASSWORD,
                                                             "next": "/", "csrf": _field(page, "csrf")})
    assert status == 200 and "账号已锁定" in page and not any(c.startswith("dashboard_session=") for c in cookies)


def test_cross_site_and_malformed_posts_are_refused(server):
    b = Browser(server.url)
    page = b.get("/")[3]
    good = {"username": "test_city", "password": TEST_PASSWORD, "next": "/", "csrf": _field(page, "csrf")}
    # another site's page cannot know the token, and its Origin names another host
    assert b.post("/_dashboard/login", {**good, "csrf": "guessed"})[0] == 403
    status, _, cookies, text = b.post("/_dashboard/login", good, Origin="https://evil.example")
    assert status == 403 and "已拒绝" in text and not cookies
    stranger = Browser(server.url)  # no token cookie at all
    assert stranger.post("/_dashboard/login", good)[0] == 403
    assert b.post("/_dashboard/login", {**good, "password": "x" * 10_000})[0] == 413
    status, _, _, text = b.post("/_dashboard/login", {**good, **{f"f{i}": "1" for i in range(20)}})
    assert status == 400 and "不是登录页的表单" in text
    assert b.get("/_dashboard/login")[0] == 405
    # an address of another site in ``next`` lands on the dashboard's own start page
    status, headers, _, _ = b.post("/_dashboard/login", {**good, "next": "//evil.example/"})
    assert status == 303 and headers["Location"] == "/"
