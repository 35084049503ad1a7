"""One number format for the whole product: 四舍五入 (half-up) on the exact decimal, thousands
separators, no "−0.0", no arrow for a change that rounds to zero; assessment totals summed as exact
decimals. Every expected value below is worked out by hand in the test's docstring."""

import shutil
from decimal import Decimal

import pandas as pd
import pytest

from dashboard.core.metrics import format_number, Kpi, metric, round_half_up
from tests.conftest import FIXTURE_AS_OF, FIXTURE_DIR


def test_rates_round_half_up_from_the_counts():
    """207/400 = 0.5175 = 51.75 % → 51.8 % (binary 0.5175 is 0.51749999…, which plain float
    formatting shows as 51.7 %); 217/400 = 54.25 % → 54.3 %."""
    rate = metric("on_time_rate")
    assert rate.format(207 / 400) == "51.8%"
    assert rate.format(217 / 400) == "54.3%"
    assert rate.table_value(207 / 400) == 51.8


def test_scores_round_half_up():
    """75.25 → 75.3 (not the banker's 75.2); a three-rate score of 40 visits with 0 contacted, 33 resolved,
    29 satisfied is exactly 100 × (0.1×0 + 0.5×33/40 + 0.4×29/40) = 41.25 + 29 = 70.25, computed in floats
    as 70.24999999999999 — shown 70.3."""
    score = metric("composite_score")
    assert score.format(75.25) == "75.3 分"
    noisy = 100 * (0.1 * (0 / 40) + 0.5 * (33 / 40) + 0.4 * (29 / 40))
    assert noisy < 70.25 and score.format(noisy, with_unit=False) == "70.3"


def test_no_negative_zero_and_no_arrow_for_a_change_that_rounds_to_zero():
    """A score change of −0.04 is shown as "0.0" with no arrow and no colour; a value of −0.04 is "0.0"."""
    score = metric("composite_score")
    change = score.change(89.36, 89.40)
    assert change.text == "0.0" and change.arrow == "off" and change.good is None
    assert format_number(-0.04, 1) == "0.0"
    assert round_half_up(-0.0001, 2) == Decimal("0.00") and str(round_half_up(-0.0001, 2)) == "0.00"


def test_a_change_of_a_quarter_point_rounds_up():
    """54.25 % against 54.00 %: +0.25 points → "+0.3 个百分点" (the float difference 0.0025000000000000577
    and −0.0024999999999999467 variants both land on ±0.3), and it is an improvement (green, up)."""
    rate = metric("satisfaction_rate")
    up = rate.change(0.5425, 0.54)
    assert up.text == "+0.3 个百分点" and up.arrow == "up" and up.good is True
    down = rate.change(0.5150, 0.5175)
    assert down.text == "-0.3 个百分点" and down.arrow == "down" and down.good is False


def test_counts_show_the_relative_change_beside_the_absolute_one():
    """受理量 8,268 against 6,758: +1,510, and 1,510 / 6,758 = 22.34 % → "+1,510（+22.3%）"."""
    change = metric("created").change(8268, 6758)
    assert change.text == "+1,510（+22.3%）"
    assert change.good is None  # 受理量 is neutral: more tickets is neither good nor bad


def test_a_kpi_without_comparison_data_says_so_and_has_no_arrow():
    k = Kpi(metric("created"), 11938, 0, "同比", compare_has_data=False)
    assert k.change.text == "对比期无数据" and k.change.arrow == "off" and k.delta is None


def test_tables_use_the_same_rounding_and_thousands_separators():
    """Table cells carry the value as displayed (51.8, not 51.75) and a printf format with ","."""
    from dashboard.ui.components import table_view

    frame = pd.DataFrame({"area_code": ["a"], "area_name": ["甲"], "created": [12345], "on_time_rate": [207 / 400],
                          "on_time_num": [207], "on_time_den": [400], "population": [20000], "per_1000": [617.25]})
    view, config = table_view(frame, ["created", "per_1000", "on_time_rate"], "街道/乡镇")
    assert list(view.columns) == ["街道/乡镇", "受理量", "千人诉求量", "按期办结率", "常住人口", "按期办结数", "办结数"]
    assert config["按期办结数"]["type_config"]["format"] == "%,d"
    assert view.loc[0, "按期办结率"] == 51.8
    assert view.loc[0, "受理量"] == 12345
    assert config["受理量"]["label"] == "受理量（件）" and config["受理量"]["type_config"]["format"] == "%,d"
    assert config["按期办结率"]["label"] == "按期办结率（%）" and config["按期办结率"]["type_config"]["format"] == "%,.1f"


def test_an_assessment_total_of_exactly_90_is_excellent(tmp_path):
    """东一社区 (990101001001) in R2024 scores 68.3 + 8.8 + 5.0 + 3.6 + 4.3 = 90.0 exactly. Summed as binary
    floats in this order the total is 89.99999999999999 and the committee was graded 合格; summed as
    exact decimals it is 90.00, which is 优秀 at the cut-off 90."""
    from dashboard.store.db import Database
    from dashboard.store.load import load_folder

    folder = tmp_path / "city"
    shutil.copytree(FIXTURE_DIR, folder)
    scores = pd.read_csv(folder / "assessment_scores.csv", dtype=str)
    mine = (scores["round_id"] == "R2024") & (scores["community_code"] == "990101001001")
    scores.loc[mine, "score"] = ["68.3", "8.8", "5.0", "3.6", "4.3"]
    scores.to_csv(folder / "assessment_scores.csv", index=False)
    path = tmp_path / "exact.duckdb"
    load_folder(folder, path, label="测试数据", as_of=FIXTURE_AS_OF)
    rows = Database(path).query("assessment_scores", scope="990101001001", round_id="R2024", previous_round_id="R2023",
                                grade_names=["优秀", "合格", "基本合格"], grade_mins=[90.0, 75.0, 60.0])
    assert rows["total"].iloc[0] == 90.0
    assert rows["grade"].iloc[0] == "优秀"


def test_a_score_with_more_decimals_than_stored_is_rejected(tmp_path):
    """A score of 8.125 cannot be stored exactly in DECIMAL(7,2): the import stops with a Chinese message
    naming the file, column and row instead of silently rounding it."""
    from dashboard.store.build import DataValidationError
    from dashboard.store.load import load_folder

    folder = tmp_path / "city"
    shutil.copytree(FIXTURE_DIR, folder)
    scores = pd.read_csv(folder / "assessment_scores.csv", dtype=str)
    scores.loc[1, "score"] = "8.125"
    scores.to_csv(folder / "assessment_scores.csv", index=False)
    with pytest.raises(DataValidationError) as e:
        load_folder(folder, tmp_path / "bad.duckdb", label="测试数据", as_of=FIXTURE_AS_OF)
    assert "最多 2 位小数" in str(e.value) and "8.125" in str(e.value)
    assert not (tmp_path / "bad.duckdb").exists()
