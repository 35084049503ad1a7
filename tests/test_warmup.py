"""The background warm-up (dashboard/warmup.py): after it ran on a build, the first pages leaders
open — 总览, 诉求工单 and 网格地图 for the whole city, 总览 for a district — ask the database
nothing (every question is answered from the shared result cache) and show what a cold run shows."""

from dashboard import db, warmup
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
    views = [("overview", {}), ("tickets", {}), ("map", {}), ("overview", {"district": "990101"})]
    db._cached.clear()
    cold = [kpis(run_page(page, params)) for page, params in views]

    db._cached.clear()
    with db.page_run():
        signature = db.database().signature
    warmup._run(signature)
    assert warmup.runs[-1]["signature"] == signature
    assert {"总览 全市", "诉求工单 全市", "网格地图 全市", "总览 甲区"} <= set(warmup.runs[-1]["views"])

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
