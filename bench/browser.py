"""What a leader waits for in the browser: ``python -m bench.browser [--db data/demo.duckdb] [--write]``.

Starts the real app (Streamlit on a free port, as the browser tests do) and drives headless
Chromium through Playwright:

* **first open** of 总览, 诉求工单 and 网格地图 — *fresh*: a new browser profile, so nothing
  is in the HTTP cache; *revisit*: a new tab of that browser while its login lasts (the session
  cookie: no login form); *warm cache*: a second visit from the same profile in a new session, logging
  in again (Streamlit's hashed script bundles are served ``immutable``, so they come from the cache).
  A first open is the login form appearing plus, after the 登录 click, the page until it has settled
  (a run finished and the page stopped changing for 400 ms). Under the launcher the form is the server's
  login layer over Streamlit's own page (``dashboard.accounts.login_form``): it appears at the first paint,
  Streamlit's frontend boots and connects underneath while the user types, and after the click that page
  session takes the login over in one run. Under plain ``streamlit run`` it is Streamlit's form, which
  appears once the frontend has booted and the login script has run. The time of typing the name and
  password (``--typing``, 3 s by default) is not counted.
* the split of a first open: HTML (navigation response end), script files (count, bytes
  transferred and decoded, the span during which they were downloading), the server's own
  script time (``ui.run_marker`` on the page), and the browser's main thread: script
  parsing/running and style/layout (Chrome DevTools Protocol ``Performance.getMetrics``);
* **clicks**: filter changes and drill-downs on 总览 and 诉求工单, p50/p95, split the same way;
* **concurrent sessions**: N browser sessions (one Chromium, one context each) opening 总览
  and clicking through districts and periods at once; p50/p95 per action and errors.

All times are wall-clock on this machine, with the server and the browser sharing its cores:
compare runs made in the same time window, not with numbers from another day.
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import sys
import threading
import time
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

FIRST_OPEN_PAGES = (("overview", "总览"), ("tickets", "诉求工单"), ("map", "网格地图"))
TARGETS = {"fresh_ms": 4000, "warm_ms": 2500, "click_p50": 1000, "click_p95": 1500, "concurrent_p95": 3000}
SECTION = "## 浏览器：首次打开、点击与并发会话"

# Changes inside the login page's hidden container (dashboard.accounts.access.fetch_page_components: elements drawn
# only so that the browser fetches their code while the user types) are not the page changing for the user.
_SEEN = "(records) => records.some((r) => !(r.target.closest ? r.target : r.target.parentElement)?.closest?.('.st-key-preload_components'))"
_LAST_CHANGE = """() => { window.__lastChange = performance.now();
  if (!window.__lcObserver) { window.__lcObserver = new MutationObserver((records) => { if ((""" + _SEEN + """)(records)) window.__lastChange = performance.now(); });
    window.__lcObserver.observe(document.body, {subtree: true, childList: true, characterData: true, attributes: true}); } }"""

_RESOURCES = """(since) => performance.getEntriesByType('resource').filter(e => e.startTime >= since).map(e => ({
  name: e.name, type: e.initiatorType, start: e.startTime, end: e.responseEnd,
  transfer: e.transferSize, decoded: e.decodedBodySize}))"""


def _metrics(cdp) -> dict[str, float]:
    return {m["name"]: m["value"] for m in cdp.send("Performance.getMetrics")["metrics"]}


def _main_thread(m0: dict, m1: dict) -> dict[str, float]:
    """Main-thread time between two ``_metrics`` readings, in ms: script parsing and running, style and layout,
    all tasks."""
    d = lambda k: (m1.get(k, 0) - m0.get(k, 0)) * 1000  # noqa: E731  (seconds → ms)
    return {"js_ms": d("ScriptDuration"), "layout_ms": d("LayoutDuration") + d("RecalcStyleDuration"),
            "task_ms": d("TaskDuration")}


def _span(intervals) -> float:
    total, end = 0.0, None
    for a, b in sorted(intervals):
        if end is None or a > end:
            total += b - a
            end = b
        elif b > end:
            total += b - end
            end = b
    return total


def _scripts(resources) -> dict:
    js = [r for r in resources if r["name"].split("?")[0].endswith(".js")]
    return {"files": len(js), "transfer": sum(r["transfer"] for r in js), "decoded": sum(r["decoded"] for r in js),
            "fetch_ms": _span((r["start"], r["end"]) for r in js),
            "big": sorted(((r["decoded"], re.sub(r"^.*/", "", r["name"].split("?")[0])) for r in js), reverse=True)[:4]}


def script_ms(page) -> float:
    value = page.evaluate("() => { const m = document.querySelector('#run-marker'); return m ? Number(m.dataset.scriptMs) : 0; }")
    return float(value or 0)


class Timed:
    """Main-thread time (CDP) and resources between ``start`` and ``stop`` on one page."""

    def __init__(self, page):
        self.page = page
        self.cdp = page.context.new_cdp_session(page)
        self.cdp.send("Performance.enable", {"timeDomain": "timeTicks"})

    def start(self) -> None:
        self.m0 = _metrics(self.cdp)
        self.page.evaluate(_LAST_CHANGE)
        self.server0 = script_ms(self.page)
        self.t0 = self.page.evaluate("() => performance.now()")

    def stop(self) -> dict:
        t1 = self.page.evaluate("() => window.__lastChange")
        return {"ms": t1 - self.t0, "server_ms": script_ms(self.page) - self.server0,
                **_main_thread(self.m0, _metrics(self.cdp)), **_scripts(self.page.evaluate(_RESOURCES, self.t0))}


_OBSERVE_FROM_START = """(() => { window.__lastChange = 0;
  const watch = () => new MutationObserver(() => { window.__lastChange = performance.now(); })
    .observe(document.body, {subtree: true, childList: true, characterData: true, attributes: true});
  if (document.body) watch(); else document.addEventListener('DOMContentLoaded', watch); })()"""


def first_open(browser, url: str, user: str, password: str, path: str, context=None,
               typing_s: float = 0.0) -> tuple[dict, object]:
    """Open ``path`` in ``context`` (a new profile when None) as a new session; log in; wait until settled.

    Either login form: the server's login layer (the launcher's guard) is shown when the browser has painted it
    (first contentful paint); Streamlit's form when it has stopped changing. Either way the 登录 click is
    timed to the settled page in the same document."""
    from dashboard.testing import LOGIN_FORM, settle

    context = context or browser.new_context(viewport={"width": 1600, "height": 1000}, locale="zh-CN",
                                             timezone_id="Asia/Shanghai")
    page = context.new_page()
    page.set_default_timeout(180_000)
    timed = Timed(page)
    m0 = _metrics(timed.cdp)
    page.goto(f"{url}/{'' if path == 'overview' else path}")
    form = page.locator(LOGIN_FORM).first
    form.get_by_label("密码").wait_for()
    html_form = form.get_attribute("data-testid") == "loginForm"
    if html_form:
        shell = page.evaluate("""() => { const n = performance.getEntriesByType('navigation')[0];
            const paint = performance.getEntriesByName('first-contentful-paint')[0];
            return {html_ms: n.responseEnd, html_bytes: n.transferSize,
                    form_ms: Math.max(n.responseEnd, paint ? paint.startTime : n.domContentLoadedEventEnd)}; }""")
    else:
        page.evaluate(_LAST_CHANGE)
        page.evaluate("""([ms, cap]) => new Promise((resolve) => { let timer; const done = () => { obs.disconnect(); resolve(true); };
            const seen = """ + _SEEN + """;
            const obs = new MutationObserver((records) => { if (seen(records)) { clearTimeout(timer); timer = setTimeout(done, ms); } });
            obs.observe(document.body, {subtree: true, childList: true, characterData: true}); timer = setTimeout(done, ms);
            setTimeout(done, cap); })""", [300, 5000])
        shell = page.evaluate("""() => { const n = performance.getEntriesByType('navigation')[0];
            return {html_ms: n.responseEnd, html_bytes: n.transferSize, form_ms: window.__lastChange}; }""")
    shell_res = _scripts(page.evaluate(_RESOURCES, 0))
    m1 = _metrics(timed.cdp)
    form.get_by_label("用户名").fill(user)
    form.get_by_label("密码").fill(password)
    page.wait_for_timeout(typing_s * 1000)  # a person typing: not counted (under the layer Streamlit boots meanwhile)
    timed.start()
    form.get_by_role("button", name="登录").click()
    settle(page, 0, timeout=180_000)
    after = timed.stop()
    # the same document from navigation to the settled page: the wall clock, less the typing pause (so with the
    # benchmark's own filling and clicking in it — an upper bound of the wait when the typing is very fast)
    wall = page.evaluate("() => window.__lastChange") - typing_s * 1000
    shell_main = _main_thread(m0, m1)
    return {"path": path, "html_ms": shell["html_ms"], "form_ms": shell["form_ms"], "shell": shell_res,
            "shell_js_ms": shell_main["js_ms"], "shell_layout_ms": shell_main["layout_ms"], "form": "html" if html_form
            else "streamlit", "after": after, "total_ms": shell["form_ms"] + after["ms"], "wall_ms": wall}, page


def revisit(context, url: str, path: str) -> dict:
    """A leader coming back while still logged in (the session cookie of ``context``): a new tab opens ``path``
    and the page settles with no login form; the time runs from navigation start to the last change."""
    from dashboard.testing import LOGIN_FORM, settle

    page = context.new_page()
    page.set_default_timeout(180_000)
    page.add_init_script(_OBSERVE_FROM_START)
    timed = Timed(page)
    m0 = _metrics(timed.cdp)
    page.goto(f"{url}/{'' if path == 'overview' else path}")
    settle(page, 0, timeout=180_000)
    if page.locator(LOGIN_FORM).count():
        raise RuntimeError("回访时出现了登录页：会话 Cookie 没有保持登录")
    out = {"path": path, "ms": page.evaluate("() => window.__lastChange"), "server_ms": script_ms(page),
           "html_ms": page.evaluate("() => performance.getEntriesByType('navigation')[0].responseEnd"),
           **_main_thread(m0, _metrics(timed.cdp)), **_scripts(page.evaluate(_RESOURCES, 0))}
    page.close()
    return out


def first_opens(browser, url, user, password, rounds: int, pages: set[str], typing_s: float) -> list[dict]:
    out = []
    for r in range(rounds):
        for path, zh in FIRST_OPEN_PAGES:
            if path not in pages:
                continue
            fresh, page = first_open(browser, url, user, password, path, typing_s=typing_s)
            context = page.context
            page.close()
            back = revisit(context, url, path)  # the same browser, still logged in: a new tab, no login form
            back.update(kind="revisit", zh=zh, round=r)
            out.append(back)
            print(f"  回访     {zh:5s} 仍在登录期内：{back['ms']:6.0f} ms（服务端脚本 {back['server_ms']:4.0f}，"
                  f"主线程脚本 {back['js_ms']:5.0f}，样式布局 {back['layout_ms']:4.0f}）", flush=True)
            # same profile (its HTTP cache), new session: without the session cookie, or the login form of
            # the second visit would never come (the signed cookie keeps a browser logged in)
            context.clear_cookies()
            warm, page2 = first_open(browser, url, user, password, path, context=context, typing_s=typing_s)
            context.close()
            for kind, rec in (("fresh", fresh), ("warm", warm)):
                rec.update(kind=kind, zh=zh, round=r)
                out.append(rec)
                a = rec["after"]
                print(f"  首次打开 {zh:5s} {'新浏览器' if kind == 'fresh' else '缓存已热'}：{rec['total_ms']:6.0f} ms "
                      f"（HTML {rec['html_ms']:4.0f}，登录页 {rec['form_ms']:5.0f}；登录后 {a['ms']:5.0f}：服务端脚本 "
                      f"{a['server_ms']:4.0f}，脚本文件 {a['files'] + rec['shell']['files']} 个 "
                      f"{(a['transfer'] + rec['shell']['transfer']) / 1e6:4.1f} MB 传输，主线程脚本 {a['js_ms']:5.0f}，"
                      f"样式布局 {a['layout_ms']:4.0f}；导航到稳定的墙钟减去输入停顿 {rec['wall_ms']:5.0f}）", flush=True)
    return out


def choose_option(page, sidebar, box: str, option: str):
    """(prepare, act) for picking ``option`` in the sidebar's select box ``box``: prepare opens the list (not
    timed), act clicks the option (timed). Shared by this benchmark and ``bench.run``'s end-to-end part."""
    def prepare():
        for attempt in range(3):  # a rerun may redraw the box between the click and the list opening
            sidebar.get_by_role("combobox", name=box).click()
            try:
                page.get_by_role("option", name=option, exact=True).wait_for(timeout=5_000)
                return
            except Exception:  # noqa: BLE001
                page.keyboard.press("Escape")
        raise RuntimeError(f"下拉框“{box}”没有选项“{option}”")
    return prepare, lambda: page.get_by_role("option", name=option, exact=True).click()


def click_plan(page, sidebar):
    """(label, prepare, act) for filter changes and drill-downs on 总览 then 诉求工单."""
    def choose(box: str, option: str):
        return choose_option(page, sidebar, box, option)

    def click_first_bar():  # the first row of the ranking grid
        from dashboard.testing import click_ranking_row

        click_ranking_row(page, 0)

    def crumb(name: str):
        return lambda: page.locator(".st-key-breadcrumb").get_by_role("button", name=name).first.click()

    sidebar.get_by_role("combobox", name="区县").click()
    districts = [o.inner_text().strip() for o in page.get_by_role("option").all()][1:]
    page.keyboard.press("Escape")
    plan = [(f"总览 选区县 {d}", *choose("区县", d)) for d in districts[:3]]
    plan += [("总览 点击排名 → 街道", None, click_first_bar), ("总览 点击排名 → 社区", None, click_first_bar),
             ("总览 面包屑 → 全市", None, crumb("全市"))]
    plan += [(f"总览 期间 {p}", *choose("统计期间", p)) for p in ("上月", "本季度", "本月")]
    plan.append(("进入 诉求工单", None, lambda: sidebar.locator("a", has_text="诉求工单").click()))
    plan += [(f"诉求工单 选区县 {d}", *choose("区县", d)) for d in districts[3:6]]
    plan += [("诉求工单 面包屑 → 全市", None, crumb("全市"))]
    return plan


def clicks(browser, url, user, password, rounds: int) -> list[dict]:
    from dashboard.testing import run_count, settle

    out = []
    for r in range(rounds):
        rec, page = first_open(browser, url, user, password, "overview")
        timed = Timed(page)
        sidebar = page.locator('[data-testid="stSidebar"]')
        for label, prepare, act in click_plan(page, sidebar):
            if prepare:
                prepare()  # e.g. open the dropdown: the user's own time, not the app's
            before = run_count(page)
            timed.start()
            act()
            settle(page, before, timeout=120_000)
            s = timed.stop()
            s.update(action=label, round=r)
            out.append(s)
            print(f"  {label:24s} {s['ms']:6.0f} ms（服务端脚本 {s['server_ms']:4.0f}，主线程脚本 {s['js_ms']:4.0f}，"
                  f"样式布局 {s['layout_ms']:4.0f}，新脚本文件 {s['files']} 个 {s['decoded'] / 1e6:.1f} MB）", flush=True)
        page.context.close()
    return out


def concurrent(browser_factory, url, user, password, sessions: int, actions: int, budget_s: float) -> dict:
    """``sessions`` users at once, each in its own browser process (as separate leaders are), opening
    总览 and clicking through districts and periods."""
    from dashboard.testing import log_in, run_count, settle

    results: list[dict] = []
    errors: list[str] = []
    opens: list[float] = []
    lock = threading.Lock()
    deadline = time.time() + budget_s
    barrier = threading.Barrier(sessions)

    def one(i: int) -> None:
        from playwright.sync_api import sync_playwright

        with sync_playwright() as p:
            browser = browser_factory(p)
            try:
                context = browser.new_context(viewport={"width": 1600, "height": 1000}, locale="zh-CN")
                page = context.new_page()
                page.set_default_timeout(max(10_000, (deadline - time.time()) * 1000))
                barrier.wait()
                t0 = time.perf_counter()
                page.goto(url)
                log_in(page, user, password)
                settle(page, 0, timeout=max(10_000, (deadline - time.time()) * 1000))
                with lock:
                    opens.append((time.perf_counter() - t0) * 1000)
                sidebar = page.locator('[data-testid="stSidebar"]')
                sidebar.get_by_role("combobox", name="区县").click()
                districts = [o.inner_text().strip() for o in page.get_by_role("option").all()][1:]
                page.keyboard.press("Escape")
                steps = []
                for k in range(actions):
                    if k % 3 == 2:
                        steps.append(("统计期间", ("上月", "本季度", "本月")[(k // 3 + i) % 3]))
                    else:
                        steps.append(("区县", districts[(i + k) % len(districts)]))
                for box, option in steps:
                    if time.time() > deadline:
                        with lock:
                            errors.append(f"会话 {i}：预算时间内未完成")
                        return
                    sidebar.get_by_role("combobox", name=box).click()
                    opt = page.get_by_role("option", name=option, exact=True)
                    if opt.count() == 0:  # already chosen: pick 全部 / the default instead
                        page.keyboard.press("Escape")
                        continue
                    before, server0 = run_count(page), script_ms(page)
                    t = time.perf_counter()
                    opt.click()
                    settle(page, before, timeout=max(10_000, (deadline - time.time()) * 1000))
                    with lock:
                        results.append({"session": i, "ms": (time.perf_counter() - t) * 1000,
                                        "server_ms": script_ms(page) - server0})
                    if page.locator('[data-testid="stException"], [data-testid="stAlertContentError"]').count():
                        with lock:
                            errors.append(f"会话 {i}：页面显示错误")
                context.close()
            except Exception as e:  # noqa: BLE001  (a failed session is counted, not fatal)
                with lock:
                    errors.append(f"会话 {i}：{type(e).__name__}: {str(e).splitlines()[0][:120]}")
            finally:
                browser.close()

    from bench.cpu import CpuSplit

    threads = [threading.Thread(target=one, args=(i,)) for i in range(sessions)]
    started = time.time()
    with CpuSplit() as split:
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    ms = [r["ms"] for r in results]
    return {"sessions": sessions, "planned": sessions * actions, "done": len(ms), "errors": errors,
            "p50": percentile(ms, 0.5) if ms else None, "p95": percentile(ms, 0.95) if ms else None,
            "open_p50": percentile(opens, 0.5) if opens else None, "wall_s": time.time() - started,
            "server_p50": percentile([r["server_ms"] for r in results], 0.5) if results else None,
            "cpu": split.result()}


def loaded(browser, url, user, password, sessions: int, db_path: Path) -> dict:
    """One leader's clicks (the click plan of ``clicks``, in a real browser) while ``sessions`` − 1 others click
    too, through Streamlit's protocol without a browser (``bench.protocol``): what a leader waits for when the
    server carries ``sessions`` sessions and only this leader's drawing shares the machine with it."""
    import duckdb

    from bench.cpu import CpuSplit
    from bench.protocol import Background, filter_queries

    con = duckdb.connect(str(db_path), read_only=True)
    codes = [r[0] for r in con.execute("SELECT code FROM areas WHERE level = 'district' ORDER BY code").fetchall()]
    con.close()
    background = Background(url, user, sessions - 1, filter_queries(codes))
    try:
        time.sleep(5)  # the others have opened their first page and are clicking
        with CpuSplit() as split:
            samples = clicks(browser, url, user, password, 1)
    finally:
        background.stop()
    ms = [s["ms"] for s in samples]
    return {"sessions": sessions, "clicks": samples, "p50": percentile(ms, 0.5), "p95": percentile(ms, 0.95),
            "server_p50": percentile([s["server_ms"] for s in samples], 0.5),
            "background_done": len(background.ms),
            "background_p50": percentile(background.ms, 0.5) if background.ms else None,
            "background_p95": percentile(background.ms, 0.95) if background.ms else None,
            "errors": background.errors, "cpu": split.result()}


def percentile(values, q: float) -> float:
    values = sorted(values)
    i = (len(values) - 1) * q
    lo, hi = int(i), min(int(i) + 1, len(values) - 1)
    return values[lo] + (values[hi] - values[lo]) * (i - lo)


def load_note() -> str:
    one, five, _ = os.getloadavg()
    return f"机器负载（1 / 5 分钟平均）{one:.1f} / {five:.1f}，{os.cpu_count()} 核"


# -- the report -------------------------------------------------------------------------------------------------------
def render(opens, click_samples, conc, db_label: str, load: str, loads=None) -> str:
    ok = lambda good: "✓" if good else "✗"  # noqa: E731
    med = lambda xs: statistics.median(xs) if xs else 0  # noqa: E731
    lines = [SECTION, "",
             f"由 `python -m bench.browser --write` 生成于 {datetime.now():%Y-%m-%d %H:%M}；数据：{db_label}；{load}"
             "（服务端与无头 Chromium 共用这些核，其他人的进程也在运行：只比较同一时段的数字）。", ""]
    if opens:
        lines += ["**首次打开**（中位数）：*新浏览器* = 新的浏览器配置（HTTP 缓存为空）；*缓存已热* = 同一浏览器第二次来访、"
                  "新会话。耗时 = 登录页出现（HTML 和应用外壳）+ 点击“登录”到页面稳定（不计输入用户名密码的时间）。"
                  "*主线程脚本* = 浏览器解析和运行脚本的时间，*样式布局* = 计算样式与排版（Chrome DevTools 的 Performance 指标）；"
                  "*服务端脚本* = 看板记在页面上的脚本运行时间。几部分可以同时进行，相加不等于总耗时。", "",
                  f"目标：新浏览器 ≤ {TARGETS['fresh_ms']:,} ms，缓存已热 ≤ {TARGETS['warm_ms']:,} ms。", "",
                  "| 页面 | 浏览器 | 到稳定 | HTML | 登录页出现 | 登录后到稳定 | 其中服务端脚本 | 脚本文件（传输 / 解压后） | 主线程脚本 | 样式布局 |",
                  "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|"]
        for path, zh in FIRST_OPEN_PAGES:
            for kind in ("fresh", "warm"):
                rs = [r for r in opens if r["path"] == path and r["kind"] == kind]
                if not rs:
                    continue
                total = med([r["total_ms"] for r in rs])
                target = TARGETS["fresh_ms" if kind == "fresh" else "warm_ms"]
                files = med([r["after"]["files"] + r["shell"]["files"] for r in rs])
                tr = med([r["after"]["transfer"] + r["shell"]["transfer"] for r in rs]) / 1e6
                dec = med([r["after"]["decoded"] + r["shell"]["decoded"] for r in rs]) / 1e6
                lines.append(
                    f"| {zh} | {'新浏览器' if kind == 'fresh' else '缓存已热'} | {total:,.0f} ms {ok(total <= target)} "
                    f"| {med([r['html_ms'] for r in rs]):,.0f} ms | {med([r['form_ms'] for r in rs]):,.0f} ms "
                    f"| {med([r['after']['ms'] for r in rs]):,.0f} ms | {med([r['after']['server_ms'] for r in rs]):,.0f} ms "
                    f"| {files:.0f} 个，{tr:.1f} / {dec:.1f} MB "
                    f"| {med([r['shell_js_ms'] + r['after']['js_ms'] for r in rs]):,.0f} ms "
                    f"| {med([r['shell_layout_ms'] + r['after']['layout_ms'] for r in rs]):,.0f} ms |")
        back = [r for r in opens if r["kind"] == "revisit"]
        if back:
            lines += ["", f"**回访**（仍在登录期内：同一浏览器、会话 Cookie 还在，新标签页打开页面，不出现登录页；"
                      f"从开始导航到页面最后一次变化，中位数；目标同缓存已热 ≤ {TARGETS['warm_ms']:,} ms）：", "",
                      "| 页面 | 到稳定 | HTML | 服务端脚本 | 脚本文件（解压后） | 主线程脚本 | 样式布局 |", "|---|---:|---:|---:|---:|---:|---:|"]
            for path, zh in FIRST_OPEN_PAGES:
                rs = [r for r in back if r["path"] == path]
                if rs:
                    total = med([r["ms"] for r in rs])
                    lines.append(f"| {zh} | {total:,.0f} ms {ok(total <= TARGETS['warm_ms'])} | {med([r['html_ms'] for r in rs]):,.0f} ms "
                                 f"| {med([r['server_ms'] for r in rs]):,.0f} ms | {med([r['files'] for r in rs]):.0f} 个，"
                                 f"{med([r['decoded'] for r in rs]) / 1e6:.1f} MB | {med([r['js_ms'] for r in rs]):,.0f} ms "
                                 f"| {med([r['layout_ms'] for r in rs]):,.0f} ms |")
        cold = next(r for r in opens if r["kind"] == "fresh")
        lines += ["", f"服务器刚启动后的第一次打开（{cold['zh']}，新浏览器，第一个会话：数据库刚打开、查询结果缓存为空）："
                  f"{cold['total_ms']:,.0f} ms，其中服务端脚本 {cold['after']['server_ms']:,.0f} ms。"]
        big = {}
        for r in opens:
            if r["kind"] == "fresh":
                for size, name in r["after"]["big"] + r["shell"]["big"]:
                    big[re.sub(r"\.[\w-]{8}\.js$", ".js", name)] = size
        if big:
            lines += ["", "新浏览器首次打开时最大的脚本文件（解压后）：" + "，".join(
                f"{n} {s / 1e6:.1f} MB" for n, s in sorted(((n, s) for n, s in big.items()), key=lambda x: -x[1])[:6]) + "。"]
    if click_samples:
        ms = [s["ms"] for s in click_samples]
        p50, p95 = percentile(ms, 0.5), percentile(ms, 0.95)
        lines += ["", f"**点击**（筛选与下钻，{len(ms)} 次操作）：p50 {p50:,.0f} ms {ok(p50 <= TARGETS['click_p50'])}，"
                  f"p95 {p95:,.0f} ms {ok(p95 <= TARGETS['click_p95'])}（目标 p50 ≤ {TARGETS['click_p50']:,} ms、"
                  f"p95 ≤ {TARGETS['click_p95']:,} ms）。从选中选项或点击到页面最后一次变化；其中服务端脚本 p50 "
                  f"{percentile([s['server_ms'] for s in click_samples], 0.5):,.0f} ms，主线程脚本 p50 "
                  f"{percentile([s['js_ms'] for s in click_samples], 0.5):,.0f} ms，样式布局 p50 "
                  f"{percentile([s['layout_ms'] for s in click_samples], 0.5):,.0f} ms。", "",
                  "| 操作 | 耗时（中位数） | 服务端脚本 | 主线程脚本 | 样式布局 |", "|---|---:|---:|---:|---:|"]
        for label in dict.fromkeys(s["action"] for s in click_samples):
            ss = [s for s in click_samples if s["action"] == label]
            lines.append(f"| {label} | {med([s['ms'] for s in ss]):,.0f} ms | {med([s['server_ms'] for s in ss]):,.0f} ms "
                         f"| {med([s['js_ms'] for s in ss]):,.0f} ms | {med([s['layout_ms'] for s in ss]):,.0f} ms |")
    for c in conc:
        p95 = c["p95"]
        procs = c.get("processes", 1)
        lines += ["", f"**{c['sessions']} 个会话同时使用**（{'一个看板进程' if procs == 1 else f'{procs} 个看板进程在 nginx 后（会话粘在一个进程上）'}；"
                  "各自一个浏览器进程，登录后在总览上换区县和期间）："
                  f"计划 {c['planned']} 次操作，完成 {c['done']} 次，用时 {c['wall_s']:.0f} 秒；"
                  + (f"p50 {c['p50']:,.0f} ms，p95 {p95:,.0f} ms {ok(p95 <= TARGETS['concurrent_p95'] and not c['errors'])}；"
                     + (f"其中服务端脚本 p50 {c['server_p50']:,.0f} ms；" if c.get("server_p50") is not None else "")
                     + f"首页打开 p50 {c['open_p50']:,.0f} ms；" if p95 is not None else "")
                  + (f"错误 {len(c['errors'])} 个：{'；'.join(_short(e) for e in c['errors'][:5])}" if c["errors"] else "无错误")
                  + "。"
                  + (f"（{c['note']}）" if c.get("note") else "")]
        if c.get("cpu"):
            from bench.cpu import describe

            lines[-1] += f"CPU：{describe(c['cpu'])}。"
    for c in loads or []:
        from bench.cpu import describe

        ok95 = c["p95"] <= TARGETS["concurrent_p95"] and not c["errors"]
        procs = c.get("processes", 1)
        lines += ["", f"**{c['sessions']} 个会话同时使用，其中 {c['sessions'] - 1} 个不画页面，"
                  f"{'一个看板进程' if procs == 1 else f'{procs} 个看板进程在 nginx 后'}**（`bench/protocol.py`：它们用 Streamlit "
                  "自己的 WebSocket 协议登录、换区县和期间，服务端的工作与浏览器会话相同；部署时每位领导的浏览器在自己的电脑上画页面，"
                  "这里只有 1 个真实浏览器与服务端共用这台机器的核）：这个浏览器里的点击计划"
                  f"（{len(c['clicks'])} 次）p50 {c['p50']:,.0f} ms，p95 {c['p95']:,.0f} ms {ok(ok95)}"
                  f"（目标 p95 ≤ {TARGETS['concurrent_p95']:,} ms、无错误），其中服务端脚本 p50 {c['server_p50']:,.0f} ms；"
                  f"其余会话完成 {c['background_done']} 次换页"
                  + (f"，从请求到运行结束 p50 {c['background_p50']:,.0f} ms、p95 {c['background_p95']:,.0f} ms"
                     if c["background_p50"] is not None else "")
                  + (f"；错误 {len(c['errors'])} 个：{'；'.join(c['errors'][:3])}" if c["errors"] else "；无错误")
                  + f"。CPU：{describe(c['cpu'])}。"]
    lines += ["", HISTORY_TITLE, "", *HISTORY]
    return "\n".join(lines) + "\n"


HISTORY_TITLE = "**本轮改动前后**（2026-12-02，示例城市；改动前后的代码在同一时段交替运行，机器上另有 4 位开发者的测试和浏览器，负载 14–16，2 核；中位数）："
HISTORY = [
    "| 测量 | 改动前 | 改动后 | 做了什么 |",
    "|---|---:|---:|---|",
    "| 网格地图 首次打开，新浏览器 | 23,774 ms | 11,739 ms | 网格户数分布改画 SVG 图片（`charts.households_svg`），这一页不再加载 "
    "plotly：脚本 8.7 → 4.0 MB，主线程脚本 14.7 → 5.1 s |",
    "| 网格地图 首次打开，缓存已热 | 27,240 ms | 8,680 ms | 同上：主线程脚本 18.1 → 4.4 s |",
    "| 服务器刚启动后第一次打开总览：服务端脚本 | 3,381 ms | 1,736 ms | 预热（`dashboard/warmup.py`）：新构建打开时后台先问一遍"
    "领导最先打开的视图，页面不再等查询 |",
    "| 同上：到稳定 | 20,254 ms | 16,233 ms | 同上；剩下的是浏览器运行脚本（主线程 8–9 s） |",
    "| 点击 p50 / p95 | 3,205 / 5,819 ms | 3,235 / 5,343 ms | 没有变化：结果已在缓存中的视图，服务端脚本在这种负载下仍要 "
    "0.8–1.2 s（生成页面元素和图），浏览器主线程约 1.2 s |",
    "| 诉求工单 首次打开，新浏览器 / 缓存已热 | 15,805 / 19,766 ms | 13,981 / 29,600 ms | 两张十行的重复诉求热点表改用 "
    "`st.table`；两次测量之间的波动（缓存已热一次 39.6 s）大于这项改动，不能下结论 |",
    "| 10 个会话同时使用 | 完成 2/80，10 个会话超时，首页 p50 181 s | 完成 52/80，6 个会话超时，首页 p50 75 s，"
    "点击 p50 14.6 s（服务端脚本 10.4 s） | 只有预热；各测一次，负载 13–44，差别主要可能来自负载 |",
    "",
    "前后各两轮（总览、诉求工单、网格地图的首次打开各 2 次，点击各 28 次），改动前为合并前的主分支代码，改动后为本轮代码，"
    "在同一时段交替运行；10 个会话各一次。这台机器在测量时严重过载（2 核上负载 14–16，10 个浏览器进程时到 44），"
    "所有绝对时间都比安静时慢数倍，只有同一时段的前后对比有意义。",
    '',
    '**总览不加载 plotly**（2026-12-02，示例城市；改动前后的服务器同时运行、四对交替测量，机器上另有他人的测试，负载 5–7，2 核；中位数）：',
    '',
    '| 测量 | 改动前 | 改动后 | 做了什么 |',
    '|---|---:|---:|---|',
    '| 总览 首次打开，新浏览器 | 9,297 ms | 5,611 ms | 排名改为数据表格加进度条（`components.ranking_table`，选中一行下钻），趋势改画 SVG 图片（`charts.trend_html`）：脚本 126 个 8.8 MB → 125 个 4.0 MB（不再有 PlotlyChart.js 4.7 MB），主线程脚本 4,583 → 2,568 ms |',
    '| 同上：登录后到稳定 | 6,628 ms | 3,014 ms | 剩下的一半是登录页出现之前（约 2.5 s，未变） |',
    '| 总览 首次打开，缓存已热 | 7,639 ms | 5,528 ms | 脚本从缓存读，但仍要解析运行：解压后 8.7 → 4.0 MB，主线程脚本 3,899 → 2,870 ms；登录后到稳定 5,873 → 3,066 ms |',
    '',
    '**机器空闲时的第二轮**（2026-12-02 下午，示例城市，负载 1–2，2 核；改动前后的服务器同时运行、交替测量，每项首次打开 4 次、'
    '点击 56 次；中位数；服务端每次运行的时间用 `bench/protocol.py` 的单个会话连续换页测得，不含浏览器）：',
    '',
    '| 测量 | 改动前 | 改动后 | 做了什么 |',
    '|---|---:|---:|---|',
    '| 诉求工单 首次打开，新浏览器 / 缓存已热 | 5,897 / 5,054 ms | 4,032 / 3,188 ms | 积压账龄改画 SVG 分段条形图（`charts.stacked_hbars_html`），'
    '千人诉求量用排名表格，一级 / 二级分类改为计数表格（`components.count_table`，选中一行看二级分类）：这一页不再加载 plotly，'
    '脚本 8.7 → 4.0 MB，主线程脚本 2,962 → 1,628 ms |',
    '| 进入 诉求工单（点击） | 2,097 ms | 975 ms | 同上 |',
    '| 点击 p50 / p95 | 960 / 2,072 ms | 896 / 1,180 ms | 同上：p95 原来就是进入诉求工单 |',
    '| 登录后到稳定，总览 / 诉求工单（新浏览器） | 2,129 / 2,439 ms | 1,615 / 2,005 ms | 登录页画一组隐藏的空元素'
    '（`access.fetch_page_components`），浏览器在用户输入时就下载数据表格等元素的脚本 |',
    '| 服务端：总览每次运行（已缓存的视图） | 300 ms | 195 ms | 关掉 Streamlit 每次运行后的强制完整垃圾回收（`runner.postScriptGC`，'
    '实测占脚本线程四成时间） |',
    '| 同上 | 195 ms | 110 ms | 总览的“本期要点”和预警清单按构建、设置、筛选条件缓存（`db.remember`），不再每次重新起草 |',
    '| 10 个会话（1 个浏览器点击，9 个不画页面）：点击 p50 / p95 | 4,638 / 6,407 ms | 2,545 / 3,951 ms | 以上两项服务端改动；'
    '其余 9 个会话的换页 92 秒 185 次 → 56 秒 286 次 |',
    '| 同上，2 个看板进程在 nginx 后 | 2,545 / 3,951 ms | 1,769 / 3,149 ms | `deploy/nginx-sticky.conf`（Cookie 把每个浏览器粘在一个进程上）：'
    '两个进程用上两个核，9 个会话的换页 49 秒 519 次 |',
    '| 10 个浏览器同时使用：完成 / p95 | 64 / 100 次，14,744 ms | 76 / 100 次，17,073 ms | 2 个看板进程；CPU 分账（`bench/cpu.py`）：'
    '浏览器用了机器的 50%，看板服务端只有 10–12%——10 个无头 Chromium 和服务端挤在 2 核上，测的主要是画页面（改动前的服务端代码） |',
]


def _short(error: str) -> str:
    return re.sub(r"TimeoutError: .*?Timeout ([\d.]+)ms exceeded\.?",
                  lambda m: f"等待页面超时（{float(m.group(1)) / 1000:,.0f} 秒）", error)


def write_section(text: str) -> None:
    path = ROOT / "docs" / "benchmark.md"
    old = path.read_text(encoding="utf-8") if path.exists() else "# 基准测试结果\n"
    start = old.find(SECTION)
    if start >= 0:
        end = old.find("\n## ", start + len(SECTION))
        old = old[:start].rstrip("\n") + ("\n\n" + old[end + 1:] if end >= 0 else "")
    path.write_text(old.rstrip("\n") + "\n\n" + text, encoding="utf-8")


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description="浏览器端基准：首次打开（新浏览器 / 缓存已热）、点击、并发会话")
    ap.add_argument("--db", type=Path, default=ROOT / "data" / "demo.duckdb")
    ap.add_argument("--url", help="已在运行的看板地址（例如反向代理后的多进程部署）；不给则自己启动一个")
    ap.add_argument("--rounds", type=int, default=2, help="首次打开和点击各重复几轮（取中位数）")
    ap.add_argument("--sessions", default="10", help="并发会话数，逗号分隔，如 10,30；0 = 不测")
    ap.add_argument("--actions", type=int, default=10, help="每个并发会话的操作数")
    ap.add_argument("--budget", type=float, default=240, help="并发测试的时间上限（秒）")
    ap.add_argument("--only", default="open,click,loaded,concurrent",
                    help="测哪些：open 首次打开，click 点击，loaded 一个浏览器点击、其余会话不画页面，concurrent 每个会话一个浏览器")
    ap.add_argument("--loaded", default="10,30", help="loaded 测试的会话总数，逗号分隔")
    ap.add_argument("--processes", default="1",
                    help="并发测试时的看板进程数，逗号分隔，如 1,2；大于 1 时多个进程在 nginx 后（bench/cluster.py）")
    ap.add_argument("--pages", default="overview,tickets,map", help="首次打开测哪些页面")
    ap.add_argument("--typing", type=float, default=3.0,
                    help="登录页出现后到点击“登录”的秒数（输入用户名密码，不计入耗时；服务端此时可预热）")
    ap.add_argument("--json", type=Path, help="把原始结果另存为 JSON（供前后对比）")
    ap.add_argument("--write", action="store_true", help="把结果写入 docs/benchmark.md 的浏览器一节")
    ap.add_argument("--from-json", type=Path, help="不测量，由 --json 存下的结果重新生成报告")
    args = ap.parse_args(argv)
    if args.from_json:
        import json

        data = json.loads(args.from_json.read_text(encoding="utf-8"))
        report = render(data["opens"], data["clicks"], data["concurrent"], data.get("db", args.db.name), data["load"],
                        data.get("loaded"))
        print(report)
        if args.write:
            write_section(report)
        return 0

    from playwright.sync_api import sync_playwright

    from bench.run import bench_account
    from dashboard.testing import AppServer, CHROMIUM, CHROMIUM_ARGS

    (ROOT / "test-artifacts").mkdir(exist_ok=True)
    user, password = bench_account()
    server = None
    url = args.url
    if not url:
        # as ``make run`` serves it: the launcher, whose session cookie keeps a browser logged in (the revisit)
        server = AppServer(args.db.resolve(), app_db=Path(os.environ["DASHBOARD_APP_DB"]),
                           command=[sys.executable, "-m", "dashboard.accounts.serve"])
        url = server.url
    only = set(args.only.split(","))
    launch = lambda p: p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)  # noqa: E731
    load = load_note()
    opens, click_samples, conc, loads = [], [], [], []
    try:
        with sync_playwright() as p:
            browser = launch(p)
            if "open" in only:
                print("首次打开：", flush=True)
                opens = first_opens(browser, url, user, password, args.rounds, set(args.pages.split(",")), args.typing)
            if "click" in only:
                print("点击：", flush=True)
                click_samples = clicks(browser, url, user, password, args.rounds)
            browser.close()
        for procs in sorted(int(x) for x in args.processes.split(",")):  # one process first, while its server runs
            if not {"loaded", "concurrent"} & only:
                break
            cluster = None
            target = url
            if procs > 1:
                from bench.cluster import Cluster

                if server:  # the single server would take a core of its own: stop it while the cluster runs
                    server.stop()
                    server = None
                cluster = Cluster(args.db.resolve(), procs, app_db=Path(os.environ["DASHBOARD_APP_DB"]))
                target = cluster.url
            try:
                if "loaded" in only:
                    with sync_playwright() as p:
                        browser = launch(p)
                        for n in (int(x) for x in args.loaded.split(",") if int(x) > 1):
                            print(f"{n} 个会话同时使用，其中 {n - 1} 个不画页面（{procs} 个看板进程）：", flush=True)
                            c = loaded(browser, target, user, password, n, args.db.resolve())
                            c["processes"] = procs
                            loads.append(c)
                            print(f"  点击 p50 {c['p50']:.0f}，p95 {c['p95']:.0f}；其余会话 {c['background_done']} 次，p50 "
                                  f"{c['background_p50']}，p95 {c['background_p95']}；错误 {c['errors'][:3]}；{c['cpu']}",
                                  flush=True)
                        browser.close()
                if "concurrent" in only:
                    for n in (int(x) for x in args.sessions.split(",") if int(x) > 0):
                        print(f"{n} 个会话同时使用（{procs} 个看板进程）…", flush=True)
                        c = concurrent(launch, target, user, password, n, args.actions, args.budget)
                        c["processes"] = procs
                        conc.append(c)
                        print(f"  完成 {c['done']}/{c['planned']}，p50 {c['p50']}，p95 {c['p95']}，首页 p50 {c['open_p50']}，"
                              f"错误 {len(c['errors'])}：{c['errors'][:3]}；{c['cpu']}", flush=True)
            finally:
                if cluster:
                    cluster.stop()
    finally:
        if server:
            server.stop()
    load = f"{load} → {load_note()}"
    import duckdb

    con = duckdb.connect(str(args.db.resolve()), read_only=True)
    n = con.execute("SELECT count(*) FROM tickets").fetchall()[0][0]
    con.close()
    if args.json:
        import json

        args.json.write_text(json.dumps({"opens": opens, "clicks": click_samples, "concurrent": conc, "loaded": loads, "load": load,
                                         "db": f"{args.db.name}（工单 {n:,} 条）"},
                                        ensure_ascii=False, default=str), encoding="utf-8")
    report = render(opens, click_samples, conc, f"{args.db.name}（工单 {n:,} 条）", load, loads)
    print()
    print(report)
    if args.write:
        write_section(report)
        print("已写入 docs/benchmark.md")
    return 0


if __name__ == "__main__":
    sys.exit(main())
