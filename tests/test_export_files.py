"""Excel files open with the titles the pages really use (a "/" in a sheet name made
openpyxl refuse the whole download)."""

import io

import pandas as pd
import pytest
from openpyxl import load_workbook

from dashboard.core.export import sheet_title, to_xlsx


@pytest.mark.parametrize("title, sheet", [
    ("各街道/乡镇指标一览", "各街道、乡镇指标一览"),
    ("重复诉求热点（社区/村）", "重复诉求热点（社区、村）"),
    ("a[b]c:d*e?f\\g", "a（b）c：d×e？f、g"),
    ("'引号'", "引号"),
    ("", "数据"),
])
def test_sheet_titles_follow_excels_rules(title, sheet):
    assert sheet_title(title) == sheet


def test_a_table_titled_with_a_slash_downloads_and_opens():
    frame = pd.DataFrame({"街道/乡镇": ["东一街道", "西二镇"], "受理量": [1208, 35]})
    data = to_xlsx(frame, "各街道/乡镇指标一览", ["范围：全市"])
    ws = load_workbook(io.BytesIO(data)).active
    assert ws.title == "各街道、乡镇指标一览"
    assert ws["A1"].value == "各街道/乡镇指标一览"  # the title itself keeps its slash
    assert [c.value for c in ws[5]] == ["东一街道", 1208]


def test_the_header_says_the_data_moment_with_its_time_as_the_page_does(fixture_db, monkeypatch):
    """The fixture's data moment is 2025-11-10 12:00. 本月 runs to it, so its 环比 stops at the same time of day
    on 10 October (equal windows): the header says both with the time, as the page's caption does
    (“环比：2025-10-01 至 2025-10-10 12:00 · 数据截至 2025-11-10 12:00”)."""
    from datetime import datetime

    from dashboard.core.export import context_lines
    from dashboard.core.filters import parse_filters
    from dashboard.store import db

    monkeypatch.setenv("DASHBOARD_DB", str(fixture_db))
    with db.page_run():
        f, _ = parse_filters({"period": "this_month", "compare": "mom"}, db.areas(), db.as_of(),
                             db.data_start())
    lines = context_lines(f, "全市", exported_at=datetime(2025, 11, 11, 9, 30))
    assert lines == ["范围：全市", "期间：本月（2025-11-01 至 2025-11-10）", "对比：环比 2025-10-01 至 2025-10-10 12:00",
                     "数据截至：2025-11-10 12:00", "导出时间：2025-11-11 09:30"]
    xlsx = load_workbook(io.BytesIO(to_xlsx(pd.DataFrame({"a": [1]}), "表", lines)))
    assert [c.value for c in xlsx.active["A"][1:6]] == lines
