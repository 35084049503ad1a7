"""测试工具 — what the tests and the benchmark share: the real app served on a free port, Debian's
Chromium with the arguments it needs in a container, waiting for a page to settle, logging in the way a
person does, and making Streamlit's AppTest run the entry script like the server.

Nothing here is a stand-in: ``AppServer`` starts ``streamlit run streamlit_app.py`` (or the launcher of
``make run``) against a real database file, and the browser helpers drive a real Chromium page.
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

from dashboard.core.config import ROOT

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--disable-dev-shm-usage"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_healthy(url: str, proc: subprocess.Popen, seconds: float, what: str) -> None:
    """Wait until ``url``/_stcore/health answers 200 (the app, or a proxy in front of it); fail if ``proc`` ends."""
    deadline = time.time() + seconds
    while time.time() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"{what} exited early")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as r:
                if r.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError(f"{what} did not become healthy within {seconds:.0f} s")


class AppServer:
    """The dashboard served by Streamlit on a free local port; its log in test-artifacts/."""

    def __init__(self, db_path: Path, extra_env: dict[str, str] | None = None, app_db: Path | None = None,
                 command: list[str] | None = None):
        """``command``: how the app is started (default ``streamlit run``; the launcher of
        ``make run`` is ``[python, -m, dashboard.accounts.serve]``)."""
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        env = {**os.environ, "DASHBOARD_DB": str(db_path), **(extra_env or {})}
        if app_db is not None:
            env["DASHBOARD_APP_DB"] = str(app_db)
        (ROOT / "test-artifacts").mkdir(exist_ok=True)
        self.log = open(ROOT / "test-artifacts" / f"streamlit-{self.port}.log", "w")
        self.proc = subprocess.Popen(
            [*(command or [sys.executable, "-m", "streamlit", "run"]), str(ROOT / "streamlit_app.py"),
             "--server.port", str(self.port), "--server.address", "127.0.0.1", "--server.headless", "true",
             "--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none"],
            cwd=ROOT, env=env, stdout=self.log, stderr=subprocess.STDOUT)
        wait_healthy(self.url, self.proc, 60, f"streamlit (see {self.log.name})")

    def stop(self) -> None:
        end_process(self.proc)
        self.log.close()


def end_process(proc: subprocess.Popen, seconds: float = 10) -> None:
    """Ask ``proc`` to end; kill it if it has not after ``seconds``."""
    proc.terminate()
    try:
        proc.wait(seconds)
    except subprocess.TimeoutExpired:
        proc.kill()


def run_count(page) -> int:
    """The number of the last finished script run (the run marker the shell draws on every page)."""
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


def click_ranking_row(page, row: int = 0, key: str = "overview_rank_") -> None:
    """Tick the selection box of a row of a selectable data grid (default: the 总览 ranking) whose widget key
    starts with ``key``, where a user clicks (the data grid draws on a canvas: the box is in the first column,
    the header row and each row are 35 px high)."""
    grid = page.locator(f'[class*="st-key-{key}"] [data-testid="stDataFrame"]').first
    grid.scroll_into_view_if_needed()
    box = grid.bounding_box()
    page.mouse.click(box["x"] + 16, box["y"] + 35 + 35 * row + 17)


# Either login form: the server's login layer over Streamlit's page (dashboard.accounts.login_form, what a browser
# gets first under the launcher) or Streamlit's own (after 退出登录 or an idle logout within a page; under plain ``streamlit run`` before
# the first page run has put the guard in place).
HTML_LOGIN_FORM = '[data-testid="loginForm"]'
LOGIN_FORM = f'{HTML_LOGIN_FORM}, [data-testid="stForm"]:has(input[type="password"])'


def log_in(page, user: str, password: str) -> None:
    """Fill in the login form the way a person does (either form; both log in within the same document)."""
    form = page.locator(LOGIN_FORM).first
    form.wait_for()
    form.get_by_label("用户名").fill(user)
    form.get_by_label("密码").fill(password)
    form.get_by_role("button", name="登录").click()


def apptest_runs_the_entry_script() -> None:
    """Make Streamlit's AppTest run ``streamlit_app.py`` on every run, as the real server does.

    AppTest (1.67) resets ``PagesManager.uses_pages_directory`` before each run; because the
    project has a ``pages/`` folder it then takes the app for an old-style multipage app, and
    from the second run on (a widget change, ``switch_page``) it runs the page file alone:
    no router, no filters read from the URL, no sidebar. The server clears that flag for good
    once ``st.navigation`` has been called."""
    from streamlit.runtime.pages_manager import PagesManager

    original = PagesManager.__init__
    if getattr(original, "runs_entry_script", False):
        return

    def __init__(self, *args, **kwargs):
        original(self, *args, **kwargs)
        PagesManager.uses_pages_directory = False  # the app uses st.navigation

    __init__.runs_entry_script = True
    PagesManager.__init__ = __init__
