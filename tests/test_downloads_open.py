"""Issue 17: every download of every page, at every scope, produces a file that opens — the very
bytes a click gives (the function each button calls, kept by ``components.download_buttons`` in
``st.session_state["_downloads"]``, run on the page's real frames).

Excel: the sheet opens (a "/" in a title made openpyxl refuse it), the header block says scope,
period, data moment and who exported, the table has an autofilter, every number is a number cell
with a number format (rates "0.0%", counts "#,##0"), rounded as the registry says. CSV: parses,
and holds plain numbers — never "85.5%" or "1,234" text.

Hand-computed values (fixture, October 2025, see tests/test_overview_page.py): 甲区 三率综合得分
75.25 → 75.3 (one decimal, half-up); 按期办结率 88.9 % (8/9) stored as 0.889 with "0.0%";
乙县 受理量 4, 甲区 11; the 预警清单 row 甲区·三率综合得分 holds 75.3, line 85.0, distance −9.8 as numbers.
"""

import csv
import io
import re

import pytest
from openpyxl import load_workbook

from tests.pages import run_page

OCTOBER = {"period": "custom", "start": "2025-10-01", "end": "2025-10-31", "compare": "mom"}
SCOPES = {"city": {}, "district": {"district": "990101"},
          "street": {"district": "990101", "street": "990101001"},
          "community": {"district": "990101", "street": "990101001", "community": "990101001001"}}
PAGES = ["overview", "tickets", "map", "orgs", "assessment", "duban"]
NUMBER_TEXT = re.compile(r"^[+-]?\d[\d,]*(\.\d+)?\s*%$|^[+-]?\d{1,3}(,\d{3})+(\.\d+)?$")


def downloads(at) -> dict:
    return dict(at.session_state["_downloads"]) if "_downloads" in at.session_state else {}


def open_xlsx(data: bytes):
    ws = load_workbook(io.BytesIO(data)).active
    rows = list(ws.iter_rows())
    assert ws.auto_filter.ref, "no autofilter"
    header = int(re.match(r"A(\d+):", ws.auto_filter.ref).group(1)) - 1  # the filter starts at the header row
    return ws, rows, header


def check_xlsx(data: bytes, where: str) -> list:
    ws, rows, header = open_xlsx(data)
    head = [r[0].value for r in rows[:header]]
    assert any(str(v).startswith("范围：") for v in head), where
    assert any(str(v).startswith("期间：") for v in head), where
    assert any(str(v).startswith("数据截至：") for v in head), where
    assert any(str(v).startswith("导出人：") for v in head), where
    for r in rows[header + 1:]:
        for c in r:
            if isinstance(c.value, (int, float)) and not isinstance(c.value, bool):
                assert c.number_format != "General", f"{where}: {c.coordinate} {c.value} has no number format"
                if c.number_format.endswith("%"):
                    digits = c.number_format.count("0") - 1
                    assert abs(c.value * 100 * 10 ** digits - round(c.value * 100 * 10 ** digits)) < 1e-6, where
            elif isinstance(c.value, str):
                assert not NUMBER_TEXT.match(c.value.strip()), f"{where}: {c.coordinate} number as text {c.value!r}"
    return rows[header:]


def check_csv(data: bytes, where: str) -> list[list[str]]:
    text = data.decode("utf-8-sig")
    table = list(csv.reader(io.StringIO(text)))
    blank = table.index([]) if [] in table else None
    assert blank is not None, where
    body = table[blank + 1:]
    assert body and body[0], where
    for r in body[1:]:
        for v in r:
            assert not NUMBER_TEXT.match(v.strip()), f"{where}: CSV number as text {v!r}"
    return body


@pytest.mark.parametrize("scope", SCOPES)
@pytest.mark.parametrize("page", PAGES)
def test_every_download_opens(app_env, page, scope):
    params = {**OCTOBER, **SCOPES[scope]}
    if page == "map" and scope == "community":
        params["grid"] = "990101001001001"
    at = run_page(page, params)
    found = downloads(at)
    visible = sum(1 for b in at.get("download_button") if b.proto.label == "下载 Excel")
    assert len(found) >= visible > 0 or page == "duban", f"{page}/{scope}: {visible} buttons, {len(found)} kept"
    for key, (name, make) in found.items():
        where = f"{page}/{scope}/{key}"
        check_xlsx(make("xlsx"), where)
        check_csv(make("csv"), where)


def test_city_excel_cells_are_the_registrys_numbers(app_env):
    """The overview's 各区县指标一览 and 预警清单 at city scope, October 2025 (values in the docstring above)."""
    at = run_page("overview", OCTOBER)
    table = downloads(at)["overview_table_dl"][1]
    ws, rows, header = open_xlsx(table("xlsx"))
    names = [c.value for c in rows[header]]
    body = {r[names.index("区县")].value: r for r in rows[header + 1:]}
    score = body["甲区"][names.index("三率综合得分（分）")]
    assert (score.value, score.number_format) == (75.3, "#,##0.0")
    rate = body["甲区"][names.index("按期办结率（%）")]
    assert (round(rate.value, 6), rate.number_format) == (0.889, "0.0%")
    created = body["乙县"][names.index("受理量（件）")]
    assert (created.value, created.number_format) == (4, "#,##0")
    assert ws.auto_filter.ref == f"A{header + 1}:{ws.cell(header + 1, len(names)).column_letter}{header + 3}"

    alerts = downloads(at)["overview_alerts_dl"][1]
    body = check_csv(alerts("csv"), "预警清单")
    cols = body[0]
    row = next(r for r in body[1:] if r[cols.index("区域")] == "甲区" and r[cols.index("指标")] == "三率综合得分")
    assert [row[cols.index(c)] for c in ("数值", "预警线", "偏离")] == ["75.3", "85.0", "-9.8"]
