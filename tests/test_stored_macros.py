"""The builder stores the shared SQL macros in the database file; queries then skip defining
them per cursor. A file built with other macros falls back to defining them per query."""

from dashboard.store import db, sql


def test_fixture_database_stores_the_current_macros(fixture_db):
    database = db.Database(fixture_db)
    assert database.stored_macros
    stored = {name for (name,) in database.con.execute(
        "SELECT DISTINCT function_name FROM duckdb_functions() WHERE function_type IN ('macro', 'table_macro') AND NOT internal "
        "AND database_name = current_database()").fetchall()}
    assert set(sql.macros()) <= stored


def test_changed_macros_are_defined_per_query(fixture_db, monkeypatch):
    monkeypatch.setattr(db, "macros_digest", lambda: "a different macros.sql")
    database = db.Database(fixture_db)
    assert not database.stored_macros
    frame = database.query("assessment_scores", scope="", round_id="R2024", previous_round_id="R2023",
                           grade_names=["优秀", "合格", "基本合格"], grade_mins=[90.0, 75.0, 60.0])
    assert frame["grade"].tolist() == ["优秀", "合格", "合格", "基本合格"]  # grade_of() from the per-query setup
