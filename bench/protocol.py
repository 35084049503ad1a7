"""Leaders without a browser: sessions that speak Streamlit's own WebSocket protocol to the app, so that
the server carries N sessions' work while only one real browser shares the machine with it.

``python -m bench.browser --only loaded`` uses this: N−1 such sessions change district and period in a loop
(each change is a rerun of the page with new URL parameters, as a click that drills down or a link does),
and one real Chromium session runs the click plan of ``bench.browser.clicks``. On a deployment each
leader's browser draws on their own PC; here ten headless Chromiums on the server's two cores measure
mostly the drawing (``bench/cpu.py`` shows how much), which this split keeps apart.

Each session logs in the way a returning browser does: a session record in the application database and
its signed cookie (``dashboard.accounts.sessions``), sent with the WebSocket handshake.
"""

from __future__ import annotations

import asyncio
import threading
import time

from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg


def login_cookie(username: str) -> str:
    """The ``Cookie`` header of a browser logged in as ``username`` (a fresh session record)."""
    from dashboard.accounts import serve, sessions
    from dashboard.core.config import settings

    cfg = settings().auth
    token = sessions.start(username, cfg.mode, cfg.session_hours)
    return f"{serve.COOKIE}={sessions.cookie_value(token)}"


async def _rerun(ws, query: str) -> tuple[float, bool]:
    """Ask for a run with ``query`` as the URL's query string; wait for its end. (seconds, the page was drawn:
    its run marker came and no exception element — the login page, e.g. for a cookie the app does not accept,
    counts as a failure)."""
    msg = BackMsg()
    msg.rerun_script.query_string = query
    t = time.perf_counter()
    await ws.send(msg.SerializeToString())
    failed, page_drawn = False, False
    while True:
        fm = ForwardMsg()
        fm.ParseFromString(await ws.recv())
        kind = fm.WhichOneof("type")
        if kind == "delta" and fm.delta.WhichOneof("type") == "new_element":
            element = fm.delta.new_element
            failed = failed or element.WhichOneof("type") == "exception"
            # the shell's run marker ends every page that was drawn (not the login page, not an error stop)
            page_drawn = page_drawn or (element.WhichOneof("type") == "html" and 'id="run-marker"' in element.html.body)
        if kind == "script_finished":
            if fm.script_finished == ForwardMsg.FINISHED_EARLY_FOR_RERUN:
                page_drawn = False
                continue  # the app asked for a rerun itself (e.g. keeping the URL in step): wait for that one
            return time.perf_counter() - t, page_drawn and not failed


async def _session(url: str, cookie: str, queries: list[str], stop: threading.Event, out: list, errors: list,
                   lock: threading.Lock, i: int) -> None:
    import websockets

    ws_url = url.replace("http://", "ws://").replace("https://", "wss://") + "/_stcore/stream"
    try:
        async with websockets.connect(ws_url, subprotocols=["streamlit"], additional_headers={"Cookie": cookie},
                                      max_size=None, open_timeout=60, ping_interval=None) as ws:
            _, ok = await _rerun(ws, queries[0])  # the first open
            if not ok:
                raise RuntimeError("第一次打开没有显示页面（登录 Cookie 未被接受？DASHBOARD_APP_DB 须与看板相同）")
            k = 1
            while not stop.is_set():
                s, ok = await _rerun(ws, queries[k % len(queries)])
                with lock:
                    out.append(s * 1000)
                    if not ok:
                        errors.append(f"无浏览器会话 {i}：页面没有显示或显示错误（{queries[k % len(queries)]}）")
                k += 1
    except Exception as e:  # noqa: BLE001  (counted, not fatal)
        with lock:
            errors.append(f"无浏览器会话 {i}：{type(e).__name__}: {str(e)[:120]}")


class Background:
    """``n`` protocol sessions clicking through ``queries`` (each starting at its own place in the list) until
    ``stop()``; ``ms`` holds each rerun's time from request to the end of the run."""

    def __init__(self, url: str, username: str, n: int, queries: list[str]):
        self.ms: list[float] = []
        self.errors: list[str] = []
        self._lock = threading.Lock()
        self._stop = threading.Event()
        cookies = [login_cookie(username) for _ in range(n)]

        def run() -> None:
            async def main() -> None:
                await asyncio.gather(*(_session(url, cookies[i], queries[i:] + queries[:i], self._stop, self.ms,
                                                self.errors, self._lock, i) for i in range(n)))
            asyncio.run(main())

        self.thread = threading.Thread(target=run, daemon=True)
        self.thread.start()

    def stop(self) -> None:
        self._stop.set()
        self.thread.join(timeout=120)


def filter_queries(district_codes: list[str]) -> list[str]:
    """District × period changes, as the concurrent browser sessions make them."""
    periods = ("last_month", "this_quarter", "this_month")
    return [f"district={d}&period={periods[k % 3]}" for k, d in enumerate(district_codes)] + \
        [f"period={p}" for p in periods]
