"""A rebuilt database reaches the running app.

Each build goes to its own file ``<stem>.<version>.duckdb``; the configured path is a link to
the newest. The fixture city is built twice into one path with two different data moments
(数据截至 2025-11-10 12:00 and, a day later, 2025-11-11 12:00 — nothing in the fixture happens
after the first), so which build a run reads shows in ``meta.as_of``.
"""

from __future__ import annotations

import os
import shutil
import threading
from datetime import timedelta

import pytest

from dashboard.store import build, db
from dashboard.store.load import load_folder
from tests.conftest import FIXTURE_AS_OF, FIXTURE_DIR

FIRST = "2025-11-10 12:00:00"
SECOND = "2025-11-11 12:00:00"


def _build(path, days: int = 0):
    return load_folder(FIXTURE_DIR, path, label="测试数据", as_of=FIXTURE_AS_OF + timedelta(days=days))


@pytest.fixture
def live_path(tmp_path, monkeypatch):
    path = tmp_path / "live.duckdb"
    _build(path)
    monkeypatch.setenv("DASHBOARD_DB", str(path))
    return path


def test_a_rebuild_reaches_the_next_run_and_never_half_a_run(live_path):
    """Old code: DuckDB handed back the open database for the same path, so after the rebuild
    every run still read 数据截至 2025-11-10. Now: the run in progress keeps its build to its
    end (its queries still answer from it), the next run reads the new one, and the old build
    is closed once no run uses it."""
    with db.page_run():
        first = db.database()
        assert first.meta["as_of"] == FIRST
        _build(live_path, days=1)
        assert db.database() is first, "a run never switches builds half-way"
        assert db.query("areas")["code"].tolist()[0] == ""  # its questions still answered by the old build
    with db.page_run():
        second = db.database()
        assert second.meta["as_of"] == SECOND
        assert db.query_many([("areas", {}), ("workday_calendar", {})])[0].shape[0] > 0
    assert first.closed, "the old build is closed once no run uses it"
    assert not second.closed, "the newest build stays open"
    assert [s[0] for s in db.open_builds()].count(str(second.file)) == 1


def test_a_run_still_reading_the_old_build_keeps_it_open(live_path):
    """Two sessions: A's run started before the rebuild, B's after. B reads the new build while A
    still reads the old; the old one closes only when A's run ends."""
    started, rebuilt, done = threading.Event(), threading.Event(), threading.Event()
    seen = {}

    def session_a():
        with db.page_run():
            seen["a"] = db.database()
            started.set()
            rebuilt.wait(60)
            seen["a_after"] = db.query("areas").shape[0]
            done.wait(60)

    thread = threading.Thread(target=session_a)
    thread.start()
    started.wait(60)
    _build(live_path, days=1)
    rebuilt.set()
    with db.page_run():
        b = db.database()
        assert b.meta["as_of"] == SECOND
    old = seen["a"]
    assert old.meta["as_of"] == FIRST and not old.closed
    done.set()
    thread.join(60)
    assert seen["a_after"] > 0
    assert old.closed


def test_old_builds_are_removed_keeping_a_couple(tmp_path):
    """Five builds into one path leave the newest three files ([refresh] keep_versions = 3: a large
    city's build is gigabytes); the path links to the newest."""
    from dashboard.core.config import settings

    assert settings().refresh.keep_versions == 3
    path = tmp_path / "city.duckdb"
    files = [_build(path).file for _ in range(5)]
    assert build.builds(path) == files[-3:]
    assert path.is_symlink() and os.readlink(path) == files[-1].name  # relative: the folder may move
    assert not list(tmp_path.glob(".*")), "no temporary file or link left behind"


def test_an_old_single_file_database_is_read_and_then_replaced_by_a_link(tmp_path, monkeypatch):
    """A database written by an older version is one regular file at the configured path: it is
    read as it is; the next build puts its own file beside it and the path becomes a link."""
    built = _build(tmp_path / "src.duckdb").file
    legacy = tmp_path / "city.duckdb"
    shutil.copyfile(built, legacy)
    monkeypatch.setenv("DASHBOARD_DB", str(legacy))
    with db.page_run():
        assert db.database().meta["as_of"] == FIRST
    _build(legacy, days=1)
    assert legacy.is_symlink()
    with db.page_run():
        assert db.database().meta["as_of"] == SECOND


def test_an_old_single_file_replaced_in_place_is_reopened(tmp_path, monkeypatch):
    """Someone copies a new single file over the old one (same name): the next run that starts when
    no run uses the old one reopens it instead of getting DuckDB's cached old instance."""
    a = _build(tmp_path / "a.duckdb").file
    b = _build(tmp_path / "b.duckdb", days=1).file
    legacy = tmp_path / "city.duckdb"
    shutil.copyfile(a, legacy)
    monkeypatch.setenv("DASHBOARD_DB", str(legacy))
    with db.page_run():
        assert db.database().meta["as_of"] == FIRST
    shutil.copyfile(b, legacy.with_name("tmp-copy"))
    os.replace(legacy.with_name("tmp-copy"), legacy)
    with db.page_run():
        assert db.database().meta["as_of"] == SECOND


def test_a_link_the_user_made_is_followed(tmp_path):
    """data/city.duckdb → share/city.duckdb made by the user: builds go next to share/city.duckdb,
    which becomes the pointer; the user's link stays and reads the newest build through it."""
    (tmp_path / "share").mkdir()
    (tmp_path / "data").mkdir()
    os.symlink(tmp_path / "share" / "city.duckdb", tmp_path / "data" / "city.duckdb")
    report = _build(tmp_path / "data" / "city.duckdb")
    assert report.file.parent == tmp_path / "share"
    assert os.readlink(tmp_path / "data" / "city.duckdb") == str(tmp_path / "share" / "city.duckdb")
    assert os.path.realpath(tmp_path / "data" / "city.duckdb") == str(report.file)
