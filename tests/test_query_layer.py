"""The query layer: one documented .sql file per question, parameters bound, no SQL in pages."""

import re
from pathlib import Path

import pytest

from dashboard.store.sql import all_queries, load_query, macros
from tests.conftest import ROOT


@pytest.mark.parametrize("name", all_queries())
def test_every_query_says_what_it_answers_and_documents_each_parameter(name):
    q = load_query(name)
    assert q.header.splitlines(), f"{name}.sql has no header comment"
    assert "回答" in q.header, f"{name}.sql: the header should say what question it answers (回答：…)"
    for param in q.params:
        assert f"${param}" in q.header, f"{name}.sql uses ${param} but its header does not explain it"


def test_runner_refuses_a_call_without_all_parameters(fixture_database):
    with pytest.raises(TypeError, match="needs parameters"):
        fixture_database.query("grid_metrics", scope="")


def test_parameters_are_bound_not_formatted(fixture_database):
    # A scope value that would break SQL if it were pasted into the text is just a code
    # that matches nothing.
    frame = fixture_database.query("grid_metrics", scope="' OR 1=1 --", group_len=0)
    assert frame.empty


def test_shared_macros_are_defined_once_and_used(fixture_database):
    assert {"grade_of", "area_key", "report_units"} <= set(macros())
    assert "grade_of" in load_query("assessment_summary").setup
    assert load_query("areas").setup == ""


def _code_lines(path: Path):
    return [line for line in path.read_text(encoding="utf-8").splitlines() if not line.strip().startswith("#")]


def test_pages_contain_no_sql():
    sql = re.compile(r"\b(SELECT|INSERT|UPDATE|DELETE)\b.+\b(FROM|INTO|SET)\b|\bGROUP BY\b|\bWHERE\b\s+\w+\s*=", re.I)
    for page in sorted((ROOT / "pages").glob("*.py")):
        for line in _code_lines(page):
            assert not sql.search(line), f"{page.name}: SQL belongs in queries/: {line.strip()}"
    for path in [ROOT / "streamlit_app.py"]:
        assert "import duckdb" not in path.read_text(encoding="utf-8")


def test_no_query_text_is_built_by_string_formatting_in_the_package():
    # The only SQL built in Python is the builder's DDL/validation over trusted schema
    # names; everything that takes user-chosen values goes through queries/ with $params.
    pattern = re.compile(r"""(execute|query)\(\s*f["']""")
    allowed = {"build.py"}
    for path in sorted((ROOT / "dashboard").rglob("*.py")):
        if path.name in allowed:
            continue
        for line in _code_lines(path):
            assert not pattern.search(line), f"{path.relative_to(ROOT)} formats SQL text: {line.strip()}"


def test_a_question_asked_twice_at_once_runs_once(app_env, monkeypatch):
    """Parts of a page asked at once (db.in_parallel) may ask the same question: it runs once."""
    import time

    from dashboard.store import db

    db._cached.clear()
    runs, original = [], db.Database.query

    def slow_query(self, name, **params):  # the real query, made slow enough for the two asks to overlap
        runs.append(name)
        time.sleep(0.3)
        return original(self, name, **params)

    monkeypatch.setattr(db.Database, "query", slow_query)
    ask = lambda: db.query("grid_metrics", scope="", group_len=6)  # noqa: E731
    first, second = db.in_parallel([ask, ask])
    assert runs == ["grid_metrics"]
    assert first.equals(second) and first is not second  # each caller gets its own frame
    assert not db._running


def test_building_and_the_command_line_tools_do_not_import_streamlit():
    """The builder, the importer, the refresh and account tools, the calendar and the parameter resolver
    run without Streamlit (a cron job or a build server need not have a web app's runtime)."""
    import subprocess
    import sys

    code = ("import sys, dashboard.store.build, dashboard.store.load, dashboard.store.refresh, dashboard.store.params, dashboard.accounts.users, "
            "dashboard.store.holidays, dashboard.store.sql, sample_data.generate; "
            "print(sorted(m for m in sys.modules if m.split('.')[0] == 'streamlit'))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip()
    assert out == "[]"


def test_every_table_reads_an_empty_cell_the_same_way():
    """Pages draw tables only through components.table, which shows an empty cell as “—” (the cards' and
    exports' word for no value) instead of Streamlit's grey “None”."""
    from dashboard.core.config import ROOT
    from dashboard.ui import components

    assert components.MISSING == "—"
    # the login page's hidden, empty grid (access.fetch_page_components: only so that the browser fetches the
    # grid's code while the user types) shows no cell at all
    hidden = 'st.dataframe(pd.DataFrame({"预加载": [0]}), height=80)'
    offenders = [str(p.relative_to(ROOT)) for p in [*(ROOT / "pages").glob("*.py"), *(ROOT / "dashboard").rglob("*.py")]
                 if "st.dataframe(" in p.read_text(encoding="utf-8").replace(hidden, "") and p.name != "components.py"]
    assert offenders == []
