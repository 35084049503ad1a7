"""Answers kept in the build for the standard views (``dashboard.store.stored_views``): the builder keeps
them, each equals the live answer, the pages take them, and a changed setting, a custom period, a changed
query or a build without the table run live."""

import dataclasses

import duckdb
import pandas as pd
import pytest

from dashboard import warmup
from dashboard.core.filters import parse_filters
from dashboard.data import overview
from dashboard.store import db, stored_views
from dashboard.store.sql import load_query
from tests.conftest import FIXTURE_AS_OF, FIXTURE_CONFIG, FIXTURE_DIR


@pytest.fixture
def no_result_cache(app_env, monkeypatch):
    """Every question reaches the build (no shared result cache in between), so its counters tell live
    from kept."""
    monkeypatch.setenv("DASHBOARD_RESULT_CACHE", "0")
    return db.database()


def default_view():
    return parse_filters({}, db.areas(), db.as_of(), db.data_start())[0]


def page_answers(f):
    return [call() for call in overview.page_calls(f)]


def test_the_build_keeps_the_standard_views(fixture_database):
    keys = fixture_database.stored
    con = fixture_database.con
    names = {n for (n,) in con.execute("SELECT DISTINCT query FROM view_results").fetchall()}
    # 总览 (ticket, grid, organisation, assessment metrics, trend, history), 诉求工单 and 网格地图 questions
    assert {"ticket_metrics", "grid_metrics", "org_metrics", "assessment_summary", "ticket_trend",
            "ticket_history", "backlog_aging", "ticket_categories", "grid_supervision"} <= names
    assert len(keys) == con.execute("SELECT count(*) FROM view_results").fetchall()[0][0] > 50
    counted = con.execute("SELECT min(row_count = 0::BIGINT OR row_count > 0) FROM view_results").fetchall()[0][0]
    assert counted


def test_every_kept_answer_equals_the_live_one(fixture_database):
    """Asked again live now — with the key points and alert list too, which must add no question of their
    own — the warm-up's questions are exactly the kept ones, and each answer is the same table."""
    rec, failed = warmup.ask_views(fixture_database, derived=True)
    assert failed == []
    assert set(rec.results) == set(fixture_database.stored)
    cur = fixture_database.con.cursor()
    try:
        for k, (name, _params, live) in rec.results.items():
            kept = stored_views.stored_result(cur, k)
            assert kept.schema == live.schema, name
            assert kept.equals(live), name
            pd.testing.assert_frame_equal(kept.to_pandas(date_as_object=False), live.to_pandas(date_as_object=False))
    finally:
        cur.close()


def test_the_pages_take_the_kept_answers(no_result_cache, monkeypatch):
    database = no_result_cache
    f = default_view()
    live_before, hits_before = database.live_runs, database.stored_hits
    kept = page_answers(f)
    assert database.live_runs == live_before  # 总览 of the city, this month: not one question run
    assert database.stored_hits > hits_before
    monkeypatch.setenv("DASHBOARD_STORED_VIEWS", "0")
    live = page_answers(f)
    assert database.live_runs > live_before
    assert repr(kept) == repr(live)


def on_time_rate(f):
    return next(k for k in overview.kpi_row(f) if k.metric.key == "on_time_rate")


def test_a_changed_setting_runs_live(no_result_cache, tmp_path, monkeypatch):
    """按期办结率 on the closed basis (the fixture's settings) is kept; on the due basis it is another question."""
    database = no_result_cache
    f = default_view()
    closed_basis = on_time_rate(f)
    text = FIXTURE_CONFIG.read_text(encoding="utf-8").replace('on_time_basis = "closed"', 'on_time_basis = "due"')
    assert text != FIXTURE_CONFIG.read_text(encoding="utf-8")
    (tmp_path / "settings.toml").write_text(text, encoding="utf-8")
    monkeypatch.setenv("DASHBOARD_CONFIG", str(tmp_path / "settings.toml"))
    live_before = database.live_runs
    due_basis = on_time_rate(f)
    assert database.live_runs > live_before
    assert (due_basis.value, due_basis.note) != (closed_basis.value, closed_basis.note)  # kept would be stale
    monkeypatch.setenv("DASHBOARD_STORED_VIEWS", "0")
    assert on_time_rate(f) == due_basis


def test_a_custom_period_runs_live(no_result_cache):
    database = no_result_cache
    f = parse_filters({"period": "custom", "start": "2025-10-05", "end": "2025-10-20"}, db.areas(), db.as_of(),
                      db.data_start())[0]
    live_before = database.live_runs
    overview.kpi_row(f)
    assert database.live_runs > live_before


def test_the_key_covers_query_text_and_every_parameter():
    q = load_query("ticket_metrics")
    bound = {p: 1 for p in q.params}
    k = stored_views.key(q, bound)
    assert stored_views.key(dataclasses.replace(q, sql=q.sql + "\n"), bound) != k
    assert stored_views.key(dataclasses.replace(q, setup=q.setup + " "), bound) != k
    for p in q.params:
        assert stored_views.key(q, {**bound, p: 2}) != k, p
    assert stored_views.key(q, dict(reversed(list(bound.items())))) == k  # the order they are given in: the same


def test_a_build_without_kept_answers_runs_live(tmp_path, app_env, monkeypatch):
    """A build written before this table existed (or with ``keep_views=False``) holds none and answers live."""
    from dashboard.store.load import load_folder

    out = tmp_path / "plain.duckdb"
    report = load_folder(FIXTURE_DIR, out, label="测试数据", as_of=FIXTURE_AS_OF, keep_views=False)
    assert report.kept_views is None and "未预先计算" in report.kept_views_line()
    con = duckdb.connect(str(out), read_only=True)
    assert con.execute("SELECT count(*) FROM duckdb_tables() WHERE table_name = 'view_results'").fetchall() == [(0,)]
    con.close()
    monkeypatch.setenv("DASHBOARD_DB", str(out))
    monkeypatch.setenv("DASHBOARD_RESULT_CACHE", "0")
    database = db.database()
    assert database.stored == frozenset()
    before = database.live_runs
    answers = page_answers(default_view())
    assert database.live_runs > before
    monkeypatch.setenv("DASHBOARD_DB", str(app_env))
    assert repr(answers) == repr(page_answers(default_view()))  # the same answers as the kept ones


def test_a_fresh_build_reports_what_it_kept(tmp_path):
    from dashboard.store.load import load_folder

    report = load_folder(FIXTURE_DIR, tmp_path / "kept.duckdb", label="测试数据", as_of=FIXTURE_AS_OF)
    assert report.kept_views["failed"] == []
    con = duckdb.connect(str(report.file), read_only=True)
    stored = con.execute("SELECT count(*) FROM view_results").fetchall()[0][0]
    con.close()
    assert report.kept_views["kept"] == stored > 50
    assert report.kept_views_line().startswith(f"预先计算常用视图：{stored} 个查询结果")


def test_a_damaged_kept_answer_is_asked_live(fixture_db, tmp_path, app_env, monkeypatch):
    """A kept answer that no longer reads (the file damaged by hand) does not break the page: it is asked live."""
    import shutil

    copy = tmp_path / "damaged.duckdb"
    shutil.copy(fixture_db.resolve(), copy)
    con = duckdb.connect(str(copy))
    damaged = con.execute("UPDATE view_results SET result = 'not parquet'::BLOB "
                          "WHERE query = 'ticket_metrics' RETURNING key").fetchall()
    con.close()
    assert damaged
    monkeypatch.setenv("DASHBOARD_DB", str(copy))
    monkeypatch.setenv("DASHBOARD_RESULT_CACHE", "0")
    database = db.database()
    before = database.live_runs
    answers = page_answers(default_view())
    assert database.live_runs > before  # the damaged ticket_metrics answers were run live …
    monkeypatch.setenv("DASHBOARD_DB", str(app_env))
    assert repr(answers) == repr(page_answers(default_view()))  # … and the page shows what it shows from the intact file
