"""Issue 6: every table on every page downloads as Excel (and CSV) with the scope and period on top.
Counted on the running pages: each st.dataframe has its own 下载 Excel button."""

import pytest

from tests.pages import run_page

OCTOBER = {"period": "custom", "start": "2025-10-01", "end": "2025-10-31"}
SCOPES = {"city": {}, "street": {"district": "990101", "street": "990101001"},
          "community": {"district": "990101", "street": "990101001", "community": "990101001001"}}


# 居村考核 shows 降档 and 升档 side by side and downloads them as one list (with a 升降 column).
SHARED = {"assessment": 1}


def excel_buttons(at) -> int:
    return sum(1 for b in at.get("download_button") if b.proto.label == "下载 Excel")


@pytest.mark.parametrize("scope", SCOPES)
@pytest.mark.parametrize("page", ["overview", "tickets", "map", "orgs", "assessment"])
def test_each_table_has_an_excel_download(app_env, page, scope):
    params = {**OCTOBER, **SCOPES[scope]}
    if page == "map" and scope == "community":
        params["grid"] = "990101001001001"  # the grid card's table of workers too
    at = run_page(page, params)
    tables = len(at.dataframe)
    assert tables > 0
    if page in SHARED and any(s.value.startswith("与上一轮相比：") for s in at.subheader):
        tables -= SHARED[page]
    assert excel_buttons(at) >= tables, f"{page}/{scope}: {tables} tables, {excel_buttons(at)} Excel downloads"
