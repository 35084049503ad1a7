"""Formula injection in exports: an imported name such as ``=HYPERLINK(…)`` must not
become a live formula in Excel, nor text beginning with + - @ tab CR in a CSV opened by Excel;
numbers (also negative ones, and numbers held as text) stay numbers."""

from __future__ import annotations

import io

import pandas as pd
from openpyxl import load_workbook

from dashboard.core import export

HOSTILE = ['=HYPERLINK("http://evil.example","点我")', "+cmd|' /C calc'!A0", "-2+3+cmd|' /C calc'!A0",
           "@SUM(1+1)*cmd|' /C calc'!A0", "\t=1+1", "\r=1+1"]
FRAME = pd.DataFrame({"名称": HOSTILE + ["东一社区", "-9.0"],
                      "总分变化": [-9.0, 1.5, -0.5, 0.0, 2.0, -3.0, 4.0, -1.0],
                      "人数": [-3, 1, 2, 3, 4, 5, 6, 7]})
CONTEXT = ["范围：=1+1 区", "期间：本月"]


def test_xlsx_has_no_formula_cells_and_numbers_stay_numbers():
    """Old code: openpyxl stored the =HYPERLINK text as a formula (data type 'f')."""
    wb = load_workbook(io.BytesIO(export.to_xlsx(FRAME, "=标题", CONTEXT)))
    ws = wb.active
    cells = [c for row in ws.iter_rows() for c in row if c.value is not None]
    assert not [c.coordinate for c in cells if c.data_type == "f"]
    values = [[c.value for c in row] for row in ws.iter_rows(min_row=5)]
    assert values[0] == ["名称", "总分变化", "人数"]
    assert values[1] == ['=HYPERLINK("http://evil.example","点我")', -9.0, -3]  # the text itself, as text
    assert ws["A1"].value == "=标题" and ws["A1"].data_type == "s"
    assert [r[1] for r in values[1:]] == [-9.0, 1.5, -0.5, 0.0, 2.0, -3.0, 4.0, -1.0]
    assert values[-1][0] == "-9.0"


def test_csv_cells_that_start_like_a_formula_get_an_apostrophe():
    """Old code: the six hostile names were written as they are (Excel runs them when opening the CSV),
    and the bare carriage return of the last one started a new row."""
    text = export.to_csv(FRAME, "=标题", CONTEXT).decode("utf-8-sig")
    lines = text.split("\r\n")
    assert lines[:4] == ["'=标题", "范围：=1+1 区", "期间：本月", ""]  # a line starting with 范 is no formula
    table = pd.read_csv(io.StringIO(text), skiprows=4, dtype=str, keep_default_na=False)
    assert table["名称"].tolist() == ["'" + h for h in HOSTILE] + ["东一社区", "-9.0"]
    assert table["总分变化"].tolist() == ["-9.0", "1.5", "-0.5", "0.0", "2.0", "-3.0", "4.0", "-1.0"]
    assert table["人数"].tolist()[0] == "-3"


def test_is_formula_like():
    assert export.is_formula_like("=1+1") and export.is_formula_like("@x") and export.is_formula_like("-x")
    for number in ("-9.0", "+3", "-1,234.5", "-12%", "-.5", "1e-3"):
        assert not export.is_formula_like(number), number
    assert not export.is_formula_like("东=1") and not export.is_formula_like(-5)
