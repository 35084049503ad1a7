"""The documented data model (docs/) is generated from dashboard/core/schema.py and stays current."""

import duckdb

from dashboard.core import schema
from tests.conftest import ROOT


def test_docs_match_the_schema():
    assert (ROOT / "docs" / "data_model.md").read_text(encoding="utf-8") == schema.markdown(), \
        "docs/data_model.md is stale: run `make docs`"
    assert (ROOT / "docs" / "schema.sql").read_text(encoding="utf-8") == schema.ddl(), \
        "docs/schema.sql is stale: run `make docs`"


def test_ddl_runs_and_every_column_carries_its_chinese_meaning():
    con = duckdb.connect()
    con.execute(schema.ddl())  # the whole documented script runs as written
    missing = con.execute("SELECT table_name, column_name FROM duckdb_columns() WHERE comment IS NULL "
                          "AND table_name IN (SELECT table_name FROM duckdb_tables())").fetchall()
    assert missing == []


def test_built_database_carries_the_comments(fixture_db):
    con = duckdb.connect(str(fixture_db), read_only=True)
    comment = con.execute("SELECT comment FROM duckdb_columns() WHERE table_name = 'tickets' AND column_name = 'due_at'").fetchall()
    con.close()
    assert comment[0][0].startswith("办结时限（含延期）")
