"""Definitions a supervisor can check: the count line under a rate shows the numerator the rate really
uses, 按期办结率 on the stricter 应办结 basis (the default), and 每万人社会组织数 counting registered
organisations only. Worked out by hand from tests/fixtures/city/tickets.csv (due times as the build
computes them: working days from the next day, 2025-10-11 a 调休 working day)."""

from tests.conftest import FIXTURE_CONFIG
from tests.pages import kpi, run_page

OCTOBER = {"period": "custom", "start": "2025-10-01", "end": "2025-10-31", "compare": "none"}


def test_the_satisfaction_count_line_shows_the_weighted_numerator(app_env):
    """October's 10 有效回访: 满意 T01 T04 T08 T10 T13 T19 = 6, 基本满意 T03 T09 = 2, 不满意 T02 T12.
    满意率 = (6 + 0.8 × 2) / 10 = 76.0 %, and the line under it says exactly that, not "满意 6 / 有效回访 10"."""
    at = run_page("tickets", OCTOBER)
    assert kpi(at, "满意率").value == "76.0%"
    assert kpi(at, "满意率").note == "满意 6 + 0.8×基本满意 2 / 有效回访 10"


def test_on_time_rate_on_the_due_basis_counts_an_open_overdue_ticket(fixture_db, monkeypatch, tmp_path):
    """Tickets whose time limit fell in October (应办结): T10 T18 T01 T08 T09 T19 T03 T02 T05 T07 T04 T12 T13
    = 13. Closed by the time limit: all but T09 (due 10-18 09:00, closed 10-20), T02 (due 10-21, closed 10-22)
    and T05 (due 10-22, still open) → 10 / 13 = 76.9 %. On the closed basis the open T05 is simply left out:
    9 of October's 11 closures on time = 81.8 %. 甲区: 9 / 11 = 81.8 % (closed basis 8 / 9 = 88.9 %)."""
    monkeypatch.setenv("DASHBOARD_DB", str(fixture_db))
    due = tmp_path / "settings.toml"
    due.write_text(FIXTURE_CONFIG.read_text(encoding="utf-8").replace('on_time_basis = "closed"',
                                                                      'on_time_basis = "due"'), encoding="utf-8")
    monkeypatch.setenv("DASHBOARD_CONFIG", str(due))
    at = run_page("overview", OCTOBER)
    card = kpi(at, "按期办结率")
    assert card.value == "76.9%"
    assert card.note == "按期办结 10 / 应办结 13"
    assert "按应办结口径" in card.help
    at = run_page("overview", {**OCTOBER, "district": "990101"})
    assert kpi(at, "按期办结率").value == "81.8%"
    monkeypatch.setenv("DASHBOARD_CONFIG", str(FIXTURE_CONFIG))
    at = run_page("overview", OCTOBER)
    assert kpi(at, "按期办结率").value == "81.8%" and kpi(at, "按期办结率").note == "按期办结 9 / 办结 11"
    assert "按已办结口径" in kpi(at, "按期办结率").help


def test_the_default_basis_is_due_and_a_bad_basis_is_refused(tmp_path):
    from dashboard.core.config import ConfigError, load_settings
    import pytest

    assert load_settings().on_time_basis in ("due", "closed")
    from dashboard.core.config import DEFAULT_CONFIG
    assert load_settings(DEFAULT_CONFIG).on_time_basis == "due"
    bad = tmp_path / "settings.toml"
    bad.write_text(DEFAULT_CONFIG.read_text(encoding="utf-8").replace('on_time_basis = "due"',
                                                                      'on_time_basis = "late"'), encoding="utf-8")
    with pytest.raises(ConfigError, match="tickets.on_time_basis 应为 due"):
        load_settings(bad)
