"""The background warm-up (dashboard/warmup.py): after it ran on a build, the first pages leaders
open — 总览, 诉求工单 and 网格地图 for the whole city, 总览 for a district, and the same for the other
standard periods — ask the database
nothing (every question is answered from the shared result cache) and show what a cold run shows."""

from dashboard import warmup
from dashboard.store import db
from tests.pages import kpis, run_page


def _count_queries(monkeypatch) -> list[str]:
    asked: list[str] = []
    original = db.Database.query

    def query(self, name, **params):
        asked.append(name)
        return original(self, name, **params)

    monkeypatch.setattr(db.Database, "query", query)
    return asked


def test_warmed_pages_ask_nothing_and_show_the_same(app_env, monkeypatch):
    views = [("overview", {}), ("tickets", {}), ("map", {}), ("overview", {"district": "990101"}),
             ("overview", {"period": "this_quarter"}), ("tickets", {"period": "last_month"}),
             ("overview", {"district": "990101", "period": "this_year"})]
    db._cached.clear()
    cold = [kpis(run_page(page, params)) for page, params in views]

    db._cached.clear()
    with db.page_run():
        signature = db.database().signature
    warmup._run(signature)
    assert warmup.runs[-1]["signature"] == signature
    assert {"总览 全市", "诉求工单 全市", "网格地图 全市", "总览 甲区", "总览 全市 本季度", "诉求工单 全市 上月",
            "总览 甲区 本年"} <= set(warmup.runs[-1]["views"])

    asked = _count_queries(monkeypatch)
    warm = [kpis(run_page(page, params)) for page, params in views]
    assert asked == []
    assert warm == cold and all(cold)


def test_no_warm_up_outside_a_server(app_env, monkeypatch):
    # AppTest (a stand-in runtime), the command line and the builder open builds too: none of them warms.
    started = []
    monkeypatch.setattr(warmup, "start", lambda signature: started.append(signature))
    with db._builds_lock:  # nothing runs between tests: close the open builds so the page opens its build anew
        for signature in list(db._open_builds):
            db._open_builds.pop(signature).close()
            db._users.pop(signature, None)
    run_page("overview")
    assert db.open_builds() and started == []


def test_a_published_build_is_warmed_without_anyone_asking(app_env, tmp_path, monkeypatch):
    # The pointer (a symbolic link, as dashboard.store.load and the refresh publish builds) moves to a new
    # build: within a few looks of the watch, that build is opened and warmed, before any page run.
    import os
    import shutil
    import time

    first, second = tmp_path / "b1.duckdb", tmp_path / "b2.duckdb"
    shutil.copy(os.path.realpath(app_env), first)
    pointer = tmp_path / "city.duckdb"
    pointer.symlink_to(first.name)
    monkeypatch.setenv("DASHBOARD_DB", str(pointer))
    monkeypatch.setattr(db, "_serving", lambda: True)  # as in a running Streamlit server
    monkeypatch.setattr(warmup, "WATCH_SECONDS", 0.2)
    warmup.stop_watching()
    try:
        with db.page_run():
            old = db.database().signature  # a run opens the first build: it is warmed, the watch begins
        warmup.wait(120)
        assert any(r["signature"] == old for r in warmup.runs)

        shutil.copy(first, second)
        (tmp_path / "next").symlink_to(second.name)
        os.replace(tmp_path / "next", pointer)
        new = db.file_signature(pointer)
        deadline = time.time() + 120
        while not any(r["signature"] == new for r in warmup.runs) and time.time() < deadline:
            time.sleep(0.2)
        run = next(r for r in warmup.runs if r["signature"] == new)
        assert "总览 全市" in run["views"] and new != old
    finally:
        warmup.stop_watching()


def test_the_launcher_opens_and_warms_the_database_before_anyone_asks(fixture_db, app_db):
    """``make run``'s launcher starts the warm-up when the server starts: its log line appears with no browser and
    no page run (the first leader after a restart waits neither for the imports nor for the open)."""
    import sys
    import time
    from pathlib import Path

    from dashboard.testing import AppServer

    server = AppServer(fixture_db, app_db=app_db, command=[sys.executable, "-m", "dashboard.accounts.serve"])
    try:
        log = Path(server.log.name)
        deadline = time.time() + 90
        while "预热 " not in log.read_text(encoding="utf-8") and time.time() < deadline:
            time.sleep(0.25)
        text = log.read_text(encoding="utf-8")
    finally:
        server.stop()
    line = next((x for x in text.splitlines() if "预热 " in x), "")
    assert "个视图" in line and "未完成" not in line, text[-2000:]
