"""预热 — when the server opens a new build of the database (the first run after a start, or
the first run after a rebuild or refresh was published), ask the questions leaders open first
once in the background: 总览, 诉求工单 and 网格地图 for the whole city and 总览 for each
district, with the default period; then 总览 and 诉求工单 of the city and 总览 of each district for the
other standard periods (上月, 本季度, 本年), one question at a time in pauses between page runs. Their
answers go into the shared query-result cache (``db.query``), so the first leader after a refresh does not
wait for the queries. The same list is asked once more when a build is written (``precompute``): the builder
keeps those answers in the build (``dashboard.store.stored_views``), so here the questions are mostly read from
the file (about 1 ms each) and what remains is the Python the pages do with them (总览's key points, alerts).

The warm-up runs the pages' own data functions with the default filters, so it asks exactly
the questions (same query, same parameters, same build) the pages will ask; it draws nothing
and hands no result to anyone. A page still passes the access check before it reads the cache.
It runs in one low-priority thread; a failure only means that view is not warmed. A second
thread looks at the database pointer every 30 s (``DASHBOARD_WARMUP_WATCH``), so a build
published by a rebuild or refresh is opened and warmed before the next leader asks for it.
``DASHBOARD_WARMUP=0`` turns both off.
"""

from __future__ import annotations

import os
import threading
import time

from streamlit.logger import get_logger

log = get_logger(__name__)
_started: set[tuple] = set()
_lock = threading.Lock()
_threads: list[threading.Thread] = []
runs: list[dict] = []  # what each warm-up did (for tests and diagnostics)


def enabled() -> bool:
    return os.environ.get("DASHBOARD_WARMUP", "1") != "0"


def on_new_build(signature: tuple) -> None:
    """What ``db.on_new_build`` calls when a server opens a new build: warm it (``start``, looked up at call time)."""
    start(signature)


def start(signature: tuple) -> threading.Thread | None:
    """Warm the build ``signature`` once per process (``db`` calls this when it opens a build)."""
    if not enabled():
        return None
    with _lock:
        if signature in _started:
            return None
        _started.add(signature)
    t = threading.Thread(target=_run, args=(signature,), name="dashboard-warmup", daemon=True)
    _threads.append(t)
    t.start()
    _watch()
    return t


_watcher: threading.Thread | None = None
_stop = threading.Event()
WATCH_SECONDS = float(os.environ.get("DASHBOARD_WARMUP_WATCH", "30"))


def at_start() -> None:
    """When the server starts (the launcher, ``dashboard.accounts.serve``): import what a page run needs and open
    the database, which starts its warm-up, so the first leader after a restart does not wait for either (about
    1 s of imports and the open). Runs in its own thread; a failure only leaves it to the first page run."""
    t = threading.Thread(target=_prepare, name="dashboard-startup", daemon=True)
    _threads.append(t)
    t.start()


def _prepare() -> None:
    try:
        import dashboard.accounts.access  # noqa: F401  (also installs the query runner's access check)
        import dashboard.data.grids  # noqa: F401
        import dashboard.data.overview  # noqa: F401
        import dashboard.data.tickets  # noqa: F401
        import dashboard.meetings.bulletin  # noqa: F401
        import dashboard.shell  # noqa: F401
        import dashboard.ui.maps  # noqa: F401
        from dashboard.store import db

        db.on_new_build(on_new_build)
        with db.page_run():
            db.areas()
            db.workday_calendar()
    except Exception as e:  # noqa: BLE001  (no database yet, a bad setting: the first page run says what is wrong)
        log.info("启动时未能预先打开数据库：%s", type(e).__name__)


def stop_watching() -> None:
    """End the pointer watch (tests); the next ``start`` begins it again."""
    global _watcher
    _stop.set()
    if _watcher is not None:
        _watcher.join(5)
    _watcher = None
    _stop.clear()


def _watch() -> None:
    """Notice a newly published build (a rebuild or refresh moves the pointer) within
    ``WATCH_SECONDS`` and open it, which warms it, before the next leader's run has to."""
    global _watcher
    with _lock:
        if _watcher is not None or WATCH_SECONDS <= 0:
            return
        _watcher = threading.Thread(target=_watch_loop, name="dashboard-warmup-watch", daemon=True)
    _watcher.start()


def _watch_loop() -> None:
    from dashboard.core.config import settings
    from dashboard.store import db

    while not _stop.wait(WATCH_SECONDS):
        try:
            path = settings().database
            if db.file_signature(path) not in _started:
                db.database(path)  # opens the new build: db starts its warm-up
        except Exception:  # noqa: BLE001  (being replaced right now, or unreadable: the next look)
            pass


def wait(timeout: float | None = None) -> None:
    """Wait for the warm-ups started so far (tests)."""
    for t in list(_threads):
        t.join(timeout)


_last_page_run = 0.0  # time.monotonic() when a page run last started in this process
IDLE_SECONDS = 1.0  # the other periods are warmed only after this long without a page run starting
IDLE_WAIT_MAX = 120.0  # … or after waiting this long for such a pause


def note_page_run() -> None:
    """Called at the top of every page run (``streamlit_app.py``): the later part of the warm-up waits for a pause."""
    global _last_page_run
    _last_page_run = time.monotonic()


def _wait_for_a_pause() -> None:
    """Let the leaders' page runs go first: Python runs one thread at a time, and a warm-up view's own work would
    otherwise slow the run of someone who is waiting."""
    give_up = time.monotonic() + IDLE_WAIT_MAX
    while time.monotonic() - _last_page_run < IDLE_SECONDS and time.monotonic() < give_up:
        time.sleep(0.25)


def _views(f, areas, derived: bool = True):
    """(label, calls, later) for the views leaders open first, in the order they usually open them; ``later``
    views are warmed only in pauses between page runs. ``derived=False`` leaves out what 总览 computes in Python
    from answers it has already asked (its key points and alert list: no question of their own)."""
    from dashboard.core import filters as flt
    from dashboard.core.config import settings
    from dashboard.data import grids, overview, tickets
    from dashboard.meetings import bulletin
    from dashboard.ui import maps

    def overview_of(g):  # the page's calls and what it keeps from them (db.remember)
        return overview.page_calls(g) + ([lambda: bulletin.key_points(g), lambda: overview.alerts_of(g)] if derived else [])

    def map_of(g):
        key, _ = grids.choose_metric(g, None)
        gcj02 = maps.basemap_for(settings()).gcj02
        return [lambda: grids.child_values(g, key), lambda: grids.child_shapes(g, gcj02), lambda: grids.supervision(g),
                lambda: grids.grid_count(g)]

    def tickets_of(g):
        return tickets.page_calls(g)

    yield "总览 全市", overview_of(f), False
    yield "诉求工单 全市", tickets_of(f), False
    yield "网格地图 全市", map_of(f), False
    districts = areas.children("")
    for district in districts:
        yield f"总览 {district.name}", overview_of(flt.scope_to(f, district.code, areas)), False
    # a district's 诉求工单 is the next click (at 10 M tickets its questions took the server 0.5–0.7 s live)
    for district in districts:
        yield f"诉求工单 {district.name}", tickets_of(flt.scope_to(f, district.code, areas)), False
    # then the other standard periods a leader switches to (at 10 M tickets an unseen quarter took the page 1.9 s)
    for preset in OTHER_PERIODS:
        g = flt.with_period(f, preset)
        yield f"总览 全市 {flt.PRESETS[preset]}", overview_of(g), True
        yield f"诉求工单 全市 {flt.PRESETS[preset]}", tickets_of(g), True
    for preset in OTHER_PERIODS:
        for district in districts:
            yield f"总览 {district.name} {flt.PRESETS[preset]}", overview_of(
                flt.scope_to(flt.with_period(f, preset), district.code, areas)), True


OTHER_PERIODS = ("last_month", "this_quarter", "this_year")  # after the default period (本月)


def ask_views(database, derived: bool = False):
    """Ask this warm-up's questions of ``database`` live, recording each answer once
    (``stored_views.recording``); returns the recording and what failed."""
    from dashboard.core import filters as flt
    from dashboard.store import db, stored_views

    failed: list[str] = []

    def asking(label, call):
        def run():
            try:
                call()
            except Exception as e:  # noqa: BLE001  (that answer is not kept: the page asks it live)
                failed.append(f"{label}: {type(e).__name__}: {e}")
        return run

    with db.reading(database), stored_views.recording() as rec:
        areas = db.areas()
        f, _ = flt.parse_filters({}, areas, db.as_of(), db.data_start())
        db.in_parallel([asking(label, call) for label, calls, _ in _views(f, areas, derived) for call in calls])
    return rec, failed


def precompute(path) -> dict:
    """Ask this warm-up's questions of the build at ``path`` — written, not yet published — and keep their
    answers in it (``dashboard.store.stored_views``); the builder calls this last. Returns what was kept."""
    import duckdb

    from dashboard.store import db, stored_views

    started = time.perf_counter()
    database = db.Database(path)
    try:
        rec, failed = ask_views(database)
    finally:
        database.close()
    con = duckdb.connect(str(path))
    try:
        kept = stored_views.write(con, rec)
        con.execute("CHECKPOINT")
    finally:
        con.close()
    return {"kept": kept, "failed": failed, "seconds": time.perf_counter() - started}


def _run(signature: tuple) -> None:
    try:  # below the page runs on a shared machine (Linux: a thread has its own nice value)
        os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), 10)
    except (AttributeError, OSError):
        pass
    from dashboard.core import filters as flt
    from dashboard.store import db

    started = time.perf_counter()
    record = {"signature": signature, "views": [], "failed": []}
    with db.page_run():
        database = db.database()
        if database.signature != signature:  # already replaced by a newer build: that one warms itself
            return
        areas = db.areas()
        f, _ = flt.parse_filters({}, areas, db.as_of(), db.data_start())
        for label, calls, later in _views(f, areas):
            if db.database().signature != signature:
                break
            for call in calls:
                if later:  # before each question, not each view: a page run that starts meanwhile waits for one at most
                    _wait_for_a_pause()
                try:
                    call()
                except Exception as e:  # noqa: BLE001  (e.g. a part that reads the session: not warmed)
                    record["failed"].append(f"{label}: {type(e).__name__}")
            record["views"].append(label)
    record["seconds"] = time.perf_counter() - started
    runs.append(record)
    log.info("预热 %s：%d 个视图，%.1f 秒%s", signature[0], len(record["views"]), record["seconds"],
             f"（未完成：{'；'.join(record['failed'])}）" if record["failed"] else "")
