"""The metric registry is the one place a metric's name, definition, unit, direction,
format and threshold live, and every metric points at a query column that exists."""

from datetime import date, datetime

import pytest

from dashboard.core.config import load_settings
from dashboard.core.metrics import format_value, metric, REGISTRY

ARGS = {
    "ticket_metrics": dict(scope="", group_len=0, start_ts=datetime(2025, 10, 1), end_ts=datetime(2025, 11, 1),
                           due_soon_ts=datetime(2025, 11, 3, 23, 59, 59), k=0.8, w_response=0.1,
                           w_resolution=0.5, w_satisfaction=0.4, with_durations=True, with_scope=False,
                           on_time_basis="closed",
                           compare_start_ts=None, compare_end_ts=None, compare_due_soon_ts=None),
    "grid_metrics": dict(scope="", group_len=0),
    "org_metrics": dict(scope="", group_len=0, at_date=date(2025, 10, 31), valid_years=5, high_rating="3A",
                        compare_at_date=None, with_scope=False),
    "assessment_summary": dict(scope="", group_len=0, round_id="R2024", compare_round_id=None, with_scope=False,
                               grade_names=["优秀", "合格", "基本合格"],
                               grade_mins=[90.0, 75.0, 60.0]),
    "community_org_coverage": dict(scope="", group_len=0, at_date=date(2025, 10, 31), urban_target=10, rural_target=5,
                                   compare_at_date=None, with_scope=False),
    "assessment_scores": dict(scope="", round_id="R2024", previous_round_id="R2023",
                              grade_names=["优秀", "合格", "基本合格"], grade_mins=[90.0, 75.0, 60.0]),
    "assessment_changes": dict(scope="", group_len=0, with_scope=False, round_id="R2024", previous_round_id="R2023",
                               grade_names=["优秀", "合格", "基本合格"], grade_mins=[90.0, 75.0, 60.0]),
}


@pytest.mark.parametrize("key", sorted(REGISTRY))
def test_each_metric_is_computed_by_its_query(fixture_database, key):
    m = REGISTRY[key]
    columns = set(fixture_database.query(m.query, **ARGS[m.query]).columns)
    assert m.col in columns
    for extra in (m.numerator, m.denominator):
        assert extra is None or extra in columns, f"{key}: {extra} is not a column of {m.query}"
    assert m.direction in ("up", "down", "neutral") and m.zh and m.en and m.definition and m.unit


def test_help_text_shows_definition_formula_and_configured_weights():
    text = metric("composite_score").help()
    assert "100 ×（0.1×响应率 + 0.5×解决率 + 0.4×满意率）" in text
    assert "预警：低于 85.0 分" in text
    assert "0.8" in metric("satisfaction_rate").help()


def test_alerts_and_good_changes_follow_the_direction():
    on_time, backlog = metric("on_time_rate"), metric("backlog")
    assert on_time.is_alert(0.85) and not on_time.is_alert(0.95)
    assert on_time.change_is_good(0.02) is True and backlog.change_is_good(3) is False
    assert metric("created").change_is_good(10) is None  # neutral


def test_city_can_override_a_threshold(tmp_path):
    text = (load_settings().path.read_text(encoding="utf-8")).replace("[thresholds]", "[thresholds]\non_time_rate = 0.97")
    cfg_path = tmp_path / "settings.toml"
    cfg_path.write_text(text, encoding="utf-8")
    cfg = load_settings(cfg_path)
    assert metric("on_time_rate").alert_threshold(cfg) == 0.97
    assert metric("orgs_per_10k").alert_threshold(cfg) == cfg.org_per_10k_target


def test_formats():
    assert format_value(0.8182, "pct") == "81.8%"
    assert format_value(12345, "int", "件") == "12,345 件"
    assert format_value(None, "int") == "—"
    assert metric("on_time_rate").format_delta(-0.182) == "-18.2 个百分点"
    assert metric("backlog").format_delta(0) == "0"  # no change: "0" (no arrow), as every other number
