"""Browser-test harness: the real app served by Streamlit on a free port against the
fixture database, driven by Debian's Chromium through Playwright.

A browser test never skips: without Chromium it fails with the command to install it
(``make test`` installs it when it can).
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from tests.conftest import ROOT

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARTIFACTS = ROOT / "test-artifacts" / "screenshots"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--disable-dev-shm-usage"]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class AppServer:
    def __init__(self, db_path: Path, extra_env: dict[str, str] | None = None, app_db: Path | None = None,
                 command: list[str] | None = None):
        """``command``: how the app is started (default ``streamlit run``; the launcher of
        ``make run`` is ``[python, -m, dashboard.accounts.serve]``)."""
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        env = {**os.environ, "DASHBOARD_DB": str(db_path), **(extra_env or {})}
        if app_db is not None:
            env["DASHBOARD_APP_DB"] = str(app_db)
        self.log = open(ROOT / "test-artifacts" / f"streamlit-{self.port}.log", "w")
        self.proc = subprocess.Popen(
            [*(command or [sys.executable, "-m", "streamlit", "run"]), str(ROOT / "streamlit_app.py"),
             "--server.port", str(self.port), "--server.address", "127.0.0.1", "--server.headless", "true",
             "--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none"],
            cwd=ROOT, env=env, stdout=self.log, stderr=subprocess.STDOUT)
        deadline = time.time() + 60
        while time.time() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"streamlit exited early; see {self.log.name}")
            try:
                with urllib.request.urlopen(f"{self.url}/_stcore/health", timeout=2) as r:
                    if r.status == 200:
                        return
            except OSError:
                time.sleep(0.3)
        raise RuntimeError("streamlit did not become healthy within 60 s")

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
        self.log.close()


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


def run_count(page) -> int:
    value = page.evaluate("() => { const m = document.querySelector('#run-marker'); return m ? Number(m.dataset.run) : 0; }")
    return int(value or 0)


_QUIET = """([ms, cap]) => new Promise((resolve) => {
    let timer;
    const done = () => { obs.disconnect(); clearTimeout(limit); resolve(true); };
    const obs = new MutationObserver(() => { clearTimeout(timer); timer = setTimeout(done, ms); });
    const limit = setTimeout(done, cap);
    obs.observe(document.body, {subtree: true, childList: true, characterData: true});
    timer = setTimeout(done, ms);
})"""


def settle(page, after: int = 0, timeout: float = 30_000, quiet_ms: int = 400) -> int:
    """Wait until the app has finished a script run newer than ``after`` *and* the page has
    stopped changing (Streamlit draws new elements shortly after the run ends); return the
    run's number."""
    page.wait_for_function(
        """(after) => {
            const app = document.querySelector('[data-testid="stApp"]');
            const marker = document.querySelector('#run-marker');
            return app && app.getAttribute('data-test-script-state') === 'notRunning'
                && marker && Number(marker.dataset.run) > after;
        }""", arg=after, timeout=timeout)
    page.evaluate(_QUIET, [quiet_ms, 8000])
    return run_count(page)


def log_in(page, user: str = "test_city", password: str | None = None) -> None:
    """Fill in the login form the way a person does (the fixture accounts, tests/conftest.py)."""
    from tests.conftest import TEST_PASSWORD

    form = page.locator('[data-testid="stForm"]')
    form.get_by_label("用户名").fill(user)
    form.get_by_label("密码").fill(password or TEST_PASSWORD)
    form.get_by_role("button", name="登录").click()


def click_ranking_row(page, row: int = 0) -> None:
    """Tick the selection box of a row of the 总览 ranking grid, where a user clicks (the data grid draws on a
    canvas: the box is in the first column, the header row and each row are 35 px high)."""
    grid = page.locator('[class*="st-key-overview_rank_"] [data-testid="stDataFrame"]').first
    grid.scroll_into_view_if_needed()
    box = grid.bounding_box()
    page.mouse.click(box["x"] + 16, box["y"] + 35 + 35 * row + 17)


def open_app(page, server: AppServer, path: str = "", query: str = "", user: str | None = "test_city") -> int:
    """Open a page; on the login form, log in as ``user`` first (the URL is kept)."""
    # The default page (总览) lives at "/" in st.navigation: "/overview" only resolves in the very
    # first session of a server (legacy pages/ mode) and afterwards shows "Page not found".
    path = "" if path == "overview" else path
    page.goto(f"{server.url}/{path}" + (f"?{query}" if query else ""))
    if user:
        page.wait_for_selector('#run-marker, [data-testid="stForm"]', state="attached")
        if page.locator('[data-testid="stForm"]').count() and page.locator("#run-marker").count() == 0:
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
