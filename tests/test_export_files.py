"""Excel files open with the titles the pages really use (a "/" in a sheet name made
openpyxl refuse the whole download)."""

import io

import pandas as pd
import pytest
from openpyxl import load_workbook

from dashboard.export import sheet_title, to_xlsx


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
