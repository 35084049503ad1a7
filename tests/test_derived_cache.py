"""Values computed in Python from query results and kept like query results (``db.remember``): the 总览 key
points and alert list equal what is computed afresh, a changed setting or a rebuilt database is a new key,
and the access check runs before a kept value is handed out."""

import pytest

from dashboard.core.filters import parse_filters
from dashboard.data import overview
from dashboard.meetings import bulletin
from dashboard.store import db
from tests.conftest import FIXTURE_CONFIG
from tests.pages import run_page

OCTOBER = {"period": "custom", "start": "2025-10-01", "end": "2025-10-31", "compare": "mom"}


def october():
    return parse_filters(OCTOBER, db.areas(), db.as_of(), db.data_start())[0]


def test_kept_points_and_alerts_equal_fresh_ones(app_env):
    run_page("overview", OCTOBER)  # the page has used them (they are now kept)
    f = october()
    assert bulletin.key_points(f) == tuple(bulletin.build(f).points) and bulletin.key_points(f)
    kept, fresh = overview.alerts_of(f), overview.alerts(overview.children(f))
    assert kept.all.equals(fresh.all) and kept.shown.equals(fresh.shown) and kept.export.equals(fresh.export)


def test_a_changed_setting_is_a_new_key(app_env, tmp_path, monkeypatch):
    f = october()
    calls = []
    compute = lambda: calls.append(1) or len(calls)  # noqa: E731
    assert db.remember("test_counter", f.scope, f, compute) == 1
    assert db.remember("test_counter", f.scope, f, compute) == 1  # kept
    text = FIXTURE_CONFIG.read_text(encoding="utf-8").replace("alert_limit = 10", "alert_limit = 3")
    assert text != FIXTURE_CONFIG.read_text(encoding="utf-8")
    (tmp_path / "settings.toml").write_text(text, encoding="utf-8")
    monkeypatch.setenv("DASHBOARD_CONFIG", str(tmp_path / "settings.toml"))
    assert db.remember("test_counter", f.scope, f, compute) == 2  # another alert_limit: computed again
    monkeypatch.setenv("DASHBOARD_CONFIG", str(FIXTURE_CONFIG))
    assert db.remember("test_counter", f.scope, f, compute) == 1  # the first settings' value is still kept


def test_the_alert_limit_reaches_the_kept_list(app_env, tmp_path, monkeypatch):
    """The fixture's October city has more than one breach; with alert_limit = 1 the kept list shows one."""
    f = october()
    assert len(overview.alerts_of(f).shown) > 1
    text = FIXTURE_CONFIG.read_text(encoding="utf-8").replace("alert_limit = 10", "alert_limit = 1")
    (tmp_path / "settings.toml").write_text(text, encoding="utf-8")
    monkeypatch.setenv("DASHBOARD_CONFIG", str(tmp_path / "settings.toml"))
    assert len(overview.alerts_of(f).shown) == 1


def test_the_access_check_runs_before_a_kept_value(app_env):
    f = october()
    db.remember("test_guarded", f.scope, f, lambda: "kept")
    refused = []

    def guard(params):
        refused.append(params)
        raise PermissionError("not this area")

    previous = db._scope_guard
    db.set_scope_guard(guard)
    try:
        with pytest.raises(PermissionError):
            db.remember("test_guarded", f.scope, f, lambda: "kept")
    finally:
        db.set_scope_guard(previous)
    assert refused == [{"scope": ""}]


def test_kept_page_parts_equal_fresh_ones_and_cannot_be_changed_by_a_caller(app_env):
    """总览's KPI row, child areas, comparison, earlier periods and 红黑榜 are kept (``db.remember``); each equals a
    fresh computation, and a caller adding a column to its copy leaves the kept frame as it was."""
    from dashboard.core import ranking
    from dashboard.core.metrics import metric

    run_page("overview", OCTOBER)
    f = october()
    assert overview.kpi_row(f) == list(overview._kpi_row(f, overview.OVERVIEW_KPIS))
    pd_eq = lambda a, b: (a is None and b is None) or a.equals(b)  # noqa: E731
    assert pd_eq(overview.children(f), overview._children(f))
    assert pd_eq(overview.previous_children(f), overview._previous_children(f))
    kept_history, fresh_history = overview.ticket_history(f), overview._ticket_history(f)
    assert len(kept_history) == len(fresh_history) and all(map(pd_eq, kept_history, fresh_history))
    score = metric("composite_score")
    fresh = ranking.boards(overview._children(f), score, f.child_level_zh, previous=overview._previous_children(f),
                           history=overview._ticket_history(f))
    assert overview.boards_of(f, score) == fresh and fresh.red.rows and fresh.black.rows
    mine = overview.children(f)
    mine["added_by_a_caller"] = 1
    mine.loc[0, "area_name"] = "改过的名字"
    again = overview.children(f)
    assert "added_by_a_caller" not in again.columns and again.loc[0, "area_name"] != "改过的名字"
