"""Shared test fixtures: the hand-written fixture city built into a real DuckDB file
through the same import path users take (dashboard.load), and the app pointed at it."""

from __future__ import annotations

import os
from datetime import datetime
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
# Every figure a test builds (and every figure of an app a browser test starts) is checked by
# plotly's full property validation, which the app itself skips for speed (dashboard/charts.py).
os.environ["DASHBOARD_VALIDATE_FIGURES"] = "1"
FIXTURE_DIR = ROOT / "tests" / "fixtures" / "city"
# The fixture data describe the city as of this moment (数据截至).
FIXTURE_AS_OF = datetime(2025, 11, 10, 12, 0, 0)


@pytest.fixture(scope="session")
def fixture_db(tmp_path_factory) -> Path:
    from dashboard.load import load_folder

    path = tmp_path_factory.mktemp("db") / "fixture.duckdb"
    load_folder(FIXTURE_DIR, path, label="测试数据", as_of=FIXTURE_AS_OF)
    return path


@pytest.fixture(scope="session")
def fixture_database(fixture_db):
    from dashboard.db import Database

    return Database(fixture_db)


@pytest.fixture
def app_env(fixture_db, monkeypatch):
    """Point the app (AppTest runs in-process) at the fixture database."""
    monkeypatch.setenv("DASHBOARD_DB", str(fixture_db))
    monkeypatch.setenv("DASHBOARD_CONFIG", str(ROOT / "config" / "settings.toml"))
    yield fixture_db


def pytest_configure(config):
    os.environ.setdefault("STREAMLIT_BROWSER_GATHER_USAGE_STATS", "false")
