"""Shared test fixtures: the hand-written fixture city built into a real DuckDB file
through the same import path users take (dashboard.store.load), and the app pointed at it."""

from __future__ import annotations

import os
import tempfile
from datetime import datetime
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
# Every figure a test builds (and every figure of an app a browser test starts) is checked by
# plotly's full property validation, which the app itself skips for speed (dashboard/ui/charts.py).
os.environ["DASHBOARD_VALIDATE_FIGURES"] = "1"
FIXTURE_DIR = ROOT / "tests" / "fixtures" / "city"
# The fixture data describe the city as of this moment (数据截至).
FIXTURE_AS_OF = datetime(2025, 11, 10, 12, 0, 0)


def fixture_settings_text(text: str | None = None) -> str:
    """The product's settings with no minimum samples: the fixture city has a handful of tickets per area
    (a district has 8 有效回访), so the default 有效回访 ≥ 30 would leave nothing to rank; and 按期办结率 on
    the closed-tickets basis, which the hand computations of the older tests use. The minimum sample rule
    and the default due basis are tested with their own settings (test_rankings.py, test_definitions.py)."""
    from dashboard.core.metrics import REGISTRY

    text = text or (ROOT / "config" / "settings.toml").read_text(encoding="utf-8")
    text = text.replace('on_time_basis = "due"', 'on_time_basis = "closed"')
    head, sep, tail = text.partition("[ranking.min_sample]\n")
    rest = tail.split("\n[", 1)
    zeros = "\n".join(f"{k} = 0" for k, m in REGISTRY.items() if m.min_sample)
    return head + sep + zeros + "\n\n" + ("[" + rest[1] if len(rest) > 1 else "")


FIXTURE_CONFIG = Path(tempfile.mkdtemp(prefix="fixture-config-")) / "settings.toml"
FIXTURE_CONFIG.write_text(fixture_settings_text(), encoding="utf-8")
os.environ["DASHBOARD_CONFIG"] = str(FIXTURE_CONFIG)  # tests without app_env read the same settings


@pytest.fixture(scope="session")
def fixture_db(tmp_path_factory) -> Path:
    from dashboard.store.load import load_folder

    path = tmp_path_factory.mktemp("db") / "fixture.duckdb"
    load_folder(FIXTURE_DIR, path, label="测试数据", as_of=FIXTURE_AS_OF)
    return path


@pytest.fixture(scope="session")
def fixture_database(fixture_db):
    from dashboard.store.db import Database

    return Database(fixture_db)


# Accounts of the fixture's application database: (username, role, area, password).
TEST_PASSWORD = "Fixture-Pass-2025"
TEST_ACCOUNTS = {
    "test_city": ("city", ""),
    "test_admin": ("admin", ""),
    "test_district": ("district", "990101"),
    "test_street": ("street", "990101001"),
}


@pytest.fixture(scope="session")
def app_db(tmp_path_factory) -> Path:
    """An application database (accounts, audit log) with one account per role."""
    from dashboard.accounts import users

    path = tmp_path_factory.mktemp("app") / "app.sqlite3"
    for name, (role, area) in TEST_ACCOUNTS.items():
        users.add(name, f"测试{users.ROLES[role]}", role, area or None, TEST_PASSWORD, path=path)
    return path


@pytest.fixture(autouse=True)
def _accounts_of_the_fixture(app_db, monkeypatch):
    """Every test's app (AppTest or a started server) reads the fixture's accounts, never data/app.sqlite3."""
    monkeypatch.setenv("DASHBOARD_APP_DB", str(app_db))


@pytest.fixture
def app_env(fixture_db, app_db, monkeypatch):
    """Point the app (AppTest runs in-process) at the fixture database and its accounts."""
    monkeypatch.setenv("DASHBOARD_DB", str(fixture_db))
    monkeypatch.setenv("DASHBOARD_CONFIG", str(FIXTURE_CONFIG))
    monkeypatch.setenv("DASHBOARD_APP_DB", str(app_db))
    yield fixture_db


def pytest_configure(config):
    os.environ.setdefault("STREAMLIT_BROWSER_GATHER_USAGE_STATS", "false")
    from dashboard.testing import apptest_runs_the_entry_script

    apptest_runs_the_entry_script()
