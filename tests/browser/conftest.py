"""Browser-test harness: the real app served by Streamlit on a free port against the
fixture database, driven by Debian's Chromium through Playwright.

A browser test never skips: without Chromium it fails with the command to install it
(``make test`` installs it when it can).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from dashboard import testing
from dashboard.testing import AppServer, CHROMIUM, CHROMIUM_ARGS, click_ranking_row, run_count, settle  # noqa: F401  (the tests' words)
from tests.conftest import ROOT

ARTIFACTS = ROOT / "test-artifacts" / "screenshots"


@pytest.fixture(scope="session")
def chromium_path() -> str:
    if not Path(CHROMIUM).exists():
        pytest.fail("找不到 Chromium（/usr/bin/chromium）。浏览器测试需要它：运行 `make test`（会自动安装），"
                    "或 `sudo apt-get install -y chromium fonts-noto-cjk`。", pytrace=False)
    return CHROMIUM


@pytest.fixture(scope="session")
def app_server(fixture_db, app_db):
    (ROOT / "test-artifacts").mkdir(exist_ok=True)
    server = AppServer(fixture_db, app_db=app_db)
    yield server
    server.stop()


@pytest.fixture(scope="session")
def browser(chromium_path):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=chromium_path, headless=True, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1600, "height": 1000}, locale="zh-CN",
                                  timezone_id="Asia/Shanghai")
    pg = context.new_page()
    pg.set_default_timeout(30_000)
    yield pg
    context.close()


def log_in(page, user: str = "test_city", password: str | None = None) -> None:
    """Fill in the login form the way a person does (the fixture accounts, tests/conftest.py)."""
    from tests.conftest import TEST_PASSWORD

    testing.log_in(page, user, password or TEST_PASSWORD)


def open_app(page, server: AppServer, path: str = "", query: str = "", user: str | None = "test_city") -> int:
    """Open a page; on the login form, log in as ``user`` first (the URL is kept)."""
    # The default page (总览) lives at "/" in st.navigation: "/overview" only resolves in the very
    # first session of a server (legacy pages/ mode) and afterwards shows "Page not found".
    path = "" if path == "overview" else path
    page.goto(f"{server.url}/{path}" + (f"?{query}" if query else ""))
    if user:
        page.wait_for_selector(f'#run-marker, {testing.LOGIN_FORM}', state="attached")
        if page.locator(testing.LOGIN_FORM).count() and page.locator("#run-marker").count() == 0:
            log_in(page, user)
    return settle(page)


def screenshot(page, name: str, max_height: int = 6000) -> Path:
    """The whole page, not just the viewport: Streamlit scrolls inside its main container,
    so the viewport is stretched to the content height for the picture and then restored."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    size = page.viewport_size
    height = page.evaluate("() => { const m = document.querySelector('[data-testid=\"stMain\"]');"
                           " return m ? m.scrollHeight : document.body.scrollHeight; }")
    page.set_viewport_size({"width": size["width"], "height": min(max(int(height) + 40, size["height"]), max_height)})
    page.wait_for_timeout(800)  # let charts re-layout to the new size
    page.screenshot(path=str(path), full_page=True)
    page.set_viewport_size(size)
    return path
