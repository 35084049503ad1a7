"""Configuration values, not only syntax: each bad value is refused when the file is
loaded, with a Chinese ConfigError naming the key — the message the app shows instead of a page
that crashes (ValueError on every page for ``on_time_rate = "high"``, TypeError for a text grade
cut-off, "红榜 · 前 -3 名" for ``red_black_size = -3``)."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from dashboard.core.config import ConfigError, load_settings
from tests.conftest import ROOT
from tests.pages import log_in

BASE = (ROOT / "config" / "settings.toml").read_text(encoding="utf-8")
T = "# on_time_rate = 0.92\n[thresholds]"  # the (empty) table at the end of the file


def _config(tmp_path, old: str, new: str):
    assert old in BASE, old
    path = tmp_path / "settings.toml"
    path.write_text(BASE.replace(old, new, 1), encoding="utf-8")
    return path


CASES = [
    (T, T + '\non_time_rate = "high"', "thresholds.on_time_rate 应为数字"),
    (T, T + "\non_time_rate = 92", "应在 0 到 1 之间"),
    (T, T + "\non_time = 0.9", "'on_time' 不是有预警线的指标"),
    (T, T + "\non_time_rate = true", "应为数字"),
    ('"优秀" = 90', '"优秀" = "九十"', "分档线应为数字"),
    ("households_per_grid_min = 300", "households_per_grid_min = 800", "households_per_grid_min ≤ households_per_grid_max"),
    ("red_black_size = 5", "red_black_size = -3", "red_black_size（红黑榜各列几名）应为 1 到 50 的整数，而不是 -3"),
    ("red_black_size = 5", "red_black_size = 0", "而不是 0"),
    ("resident_evaluation_min_share = 0.7", "resident_evaluation_min_share = 7", "应在 0 到 1 之间"),
    ("rating_valid_years = 5", "rating_valid_years = 0", "orgs.rating_valid_years 不能小于 1"),
]


@pytest.mark.parametrize("old,new,message", CASES, ids=[c[1].splitlines()[-1] for c in CASES])
def test_bad_values_are_refused_in_chinese(tmp_path, old, new, message):
    with pytest.raises(ConfigError) as e:
        load_settings(_config(tmp_path, old, new))
    assert message in str(e.value)
    assert str(tmp_path / "settings.toml") in str(e.value)


def test_a_good_threshold_override_is_kept(tmp_path):
    assert load_settings(_config(tmp_path, T, T + "\non_time_rate = 0.92")).thresholds == \
        {"on_time_rate": 0.92}


def test_the_app_shows_the_config_error_instead_of_crashing(app_env, tmp_path, monkeypatch):
    monkeypatch.setenv("DASHBOARD_CONFIG", str(_config(tmp_path, T, T + '\non_time_rate = "high"')))
    at = AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=60)
    log_in(at, "test_city")
    at.run()
    assert not at.exception, at.exception
    assert any("thresholds.on_time_rate 应为数字" in e.value for e in at.error)
