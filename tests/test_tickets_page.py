"""诉求工单 page on the fixture, numbers hand-computed (tests/test_ticket_metrics.py has the derivations).

October 2025, city: closed 11, due soon 2, 响应率 9/10, 解决率 8/10, 满意率 0.76, 办理时长 median 6.
督办清单 at 1 Nov 00:00 (working days: 31 Oct = day 31 counting from 15 Sep = 1):
  T11 due 25 Sep (day 9) → 22 working days overdue, open since day 2 → 29 days old;
  T05 due 22 Oct (day 24) → 7 overdue, 14 old; T16 (紧急, due 1 Nov 22:00) and T06 (due 3 Nov) due soon.
Aging at 31 Oct: 城乡建设 T15 (1) ≤3, T05 (14) and T20 (12) 8–15, T11 (29) 16–30; 环境保护 T06 (6) 4–7;
  市场监管 T14 (4) 4–7; 交通管理 T16 (0) ≤3.
Categories received in October: 城乡建设 7 (市政设施 4: T05 T09 T13 T15; 物业管理 2: T03 T07; 老旧小区 1: T20),
  环境保护 3, 市场监管 3, 交通管理 2.
Repeat hot spot: 西一社区 2 repeats (T05, T12) of 3 received.
"""

from dashboard.data import tickets as ticket_data
from dashboard.store import db
from tests.pages import frame_with, kpis, light_tables, run_page


def shows(at, text: str) -> bool:
    return any(text in m.value.replace("*", "") for m in at.markdown)

OCTOBER = {"period": "custom", "start": "2025-10-01", "end": "2025-10-31", "compare": "mom"}


def test_ticket_kpis(app_env):
    values = kpis(run_page("tickets", OCTOBER))
    assert values["办结量"] == "11 件" and values["即将超期"] == "2 件"
    assert values["响应率"] == "90.0%" and values["解决率"] == "80.0%" and values["满意率"] == "76.0%"
    assert values["办理时长（工作日）"] == "6.0"
    assert values["重复诉求率"] == "13.3%" and values["退单率"] == "6.7%" and values["延期率"] == "6.7%"


def test_supervision_list(app_env):
    at = run_page("tickets", OCTOBER)
    table = frame_with(at, "督办类型")
    assert list(table["工单编号"]) == ["T11", "T05", "T16", "T06"]
    assert list(table["督办类型"]) == ["已超期", "已超期", "即将超期", "即将超期"]
    assert list(table["已超期（工作日）"]) == [22, 7, 0, 0]
    assert list(table["已办理（工作日）"]) == [29, 14, 0, 6]
    assert list(table["当前状态"]) == ["退单", "办理中", "已于 11-01 办结", "已于 11-03 办结"]


def test_aging_by_category(app_env):
    run_page("tickets", OCTOBER)  # sets up the app context for the cached loaders
    from dashboard.core.filters import parse_filters
    f, _ = parse_filters(OCTOBER, db.areas(), db.as_of(), db.data_start())
    aging = ticket_data.aging(f)
    got = {(r["一级分类"], r["账龄"]): r["工单数"] for _, r in aging.iterrows()}
    assert got == {("城乡建设", "≤3 个工作日"): 1, ("城乡建设", "8–15 个工作日"): 2, ("城乡建设", "16–30 个工作日"): 1,
                   ("环境保护", "4–7 个工作日"): 1, ("市场监管", "4–7 个工作日"): 1, ("交通管理", "≤3 个工作日"): 1}
    assert list(dict.fromkeys(aging["一级分类"]))[0] == "城乡建设"  # the largest backlog first


def test_rates_table_shows_denominators(app_env):
    at = run_page("tickets", {**OCTOBER, "district": "990101"})
    table = frame_with(at, "有效回访数")
    east = table[table["街道/乡镇"] == "东街道"].iloc[0]
    # 东街道: visited T01? no — T01 closed 15 Oct in 东一 → yes: T01 T02 T03 T08 T13 = 5, contacted 5, resolved 4
    assert (east["有效回访数"], east["已联系数"], east["已解决数"]) == (5, 5, 4)
    assert round(east["三率综合得分"], 1) == 80.4


def test_category_breakdown_and_hotspots(app_env):
    at = run_page("tickets", OCTOBER)
    assert shows(at, "城乡建设 的二级分类")
    # a plain HTML table, the numbers formatted as shown, the area names as row labels
    hot = next(t for t in light_tables(at) if "重复占比（%）" in t.columns)
    assert hot.index[0] == "西一社区" and hot.iloc[0]["重复诉求"] == "2" and hot.iloc[0]["受理量"] == "3"
    assert hot.iloc[0]["重复占比（%）"] == "66.7"  # 2 of 3, half-up


def test_chosen_category_in_the_url(app_env):
    at = run_page("tickets", {**OCTOBER, "cat": "环境保护"})
    assert shows(at, "环境保护 的二级分类")
    at = run_page("tickets", {**OCTOBER, "cat": "不存在的分类"})
    assert shows(at, "城乡建设 的二级分类")


def test_empty_period_says_so(app_env):
    at = run_page("tickets", {"period": "custom", "start": "2025-10-02", "end": "2025-10-03"})
    assert any("期间内没有受理工单" in i.value for i in at.info)


def test_trend_is_the_svg_of_the_overview(app_env):
    """The same trend as on 总览 (an SVG image with hover boxes): 甲区 on 21 Oct received T13, closed T03 T13."""
    at = run_page("tickets", {**OCTOBER, "district": "990101"})
    body = next(e.proto.body for e in at.get("html") if '<img src="data:image/svg+xml;base64,' in e.proto.body)
    assert '<div title="2025年10月21日：受理 1 件；办结 2 件"' in body and body.count("<div title=") == 31


def _svg_of(body: str) -> str:
    import base64
    import re

    return base64.b64decode(re.search(r'data:image/svg\+xml;base64,([A-Za-z0-9+/=]+)', body).group(1)).decode("utf-8")


def test_aging_is_an_svg_with_a_hover_text_per_part(app_env):
    """The backlog by category and age (the docstring's counts) drawn as an SVG image, no plotly: one hover box
    per non-empty part, each bar's total at its end, the largest backlog on top."""
    at = run_page("tickets", OCTOBER)
    assert not [e for e in at.get("plotly_chart")]  # the page loads no chart library
    body = next(e.proto.body for e in at.get("html") if '<img src="data:image/svg+xml;base64,' in e.proto.body
                if "已办理" in _svg_of(e.proto.body))
    assert body.count("<div title=") == 6
    assert '<div title="城乡建设 · 8–15 个工作日：2 件"' in body and '<div title="交通管理 · ≤3 个工作日：1 件"' in body
    svg = _svg_of(body)
    assert ">4 件</text>" in svg and svg.count(">1 件</text>") == 3  # 城乡建设 4; 环境保护, 市场监管, 交通管理 1 each
    assert svg.index(">城乡建设</text>") < svg.index(">环境保护</text>")


def test_categories_are_grids_with_counts_and_shares(app_env):
    """一级分类 of October: 城乡建设 7 of 15 (46.7 %), 环境保护 3 and 市场监管 3 (20.0 %), 交通管理 2 (13.3 %);
    城乡建设's 二级分类: 市政设施 4 of 7 (57.1 %), 物业管理 2 (28.6 %), 老旧小区 1 (14.3 %) — half-up."""
    at = run_page("tickets", OCTOBER)
    level1 = frame_with(at, "category_l1")
    assert list(level1["category_l1"]) == ["城乡建设", "市场监管", "环境保护", "交通管理"]  # ties by name
    assert list(level1["count"]) == [7, 3, 3, 2] and list(level1["share"]) == [46.7, 20.0, 20.0, 13.3]
    level2 = frame_with(at, "category_l2")
    assert list(level2["category_l2"]) == ["市政设施", "物业管理", "老旧小区"]
    assert list(level2["share"]) == [57.1, 28.6, 14.3]


def test_category_tables_download_with_the_shares_as_shown(app_env):
    """The 一级分类 grid's Excel and CSV: the counts and the half-up shares (46.7 % as 0.467 in a 0.0% cell)."""
    from tests.test_downloads_open import check_csv, check_xlsx

    at = run_page("tickets", OCTOBER)
    key = next(k for k in at.session_state["_downloads"] if k.startswith("cat_l1_"))
    name, make = at.session_state["_downloads"][key]
    rows = check_xlsx(make("xlsx"), "诉求工单/一级分类")
    head_at = next(i for i, r in enumerate(rows) if r[0].value == "一级分类")
    head = [c.value for c in rows[head_at]]
    assert head == ["一级分类", "工单数（件）", "占比（%）"]
    first = rows[head_at + 1]
    assert (first[0].value, first[1].value, round(first[2].value, 6), first[2].number_format) == ("城乡建设", 7, 0.467, "0.0%")
    body = check_csv(make("csv"), "诉求工单/一级分类")
    assert body[1] == ["城乡建设", "7", "46.7"] and body[-1] == ["交通管理", "2", "13.3"]
