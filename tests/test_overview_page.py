"""总览 page at city, district and street scope, checked against the hand-written fixture.

Per district in October 2025 (hand-computed, see tests/test_ticket_metrics.py):
  甲区 composite 75.25, 乙县 96.0 → 乙县 ranks first.
Threshold breaches (registry defaults) by district, with their severity (how far past the line, as a
share of it; 超期 against a line of 0: the share of the backlog):
  甲区: 按期办结率 88.9% < 90% (0.012), 综合得分 75.3 < 85 (0.115), 响应率 87.5% < 95% (0.079),
        解决率 75% < 80% (0.063), 满意率 72.5% < 85% (0.147), 超期 2 > 0 (2 of backlog 5: 0.4),
        重复诉求率 2/11 = 18.2% > 10% (0.818),
        专职网格员配备率 4/6 = 66.7% < 95% (0.298; 东一 two grids by W01, 东二 one by W03, 西一 one by W05),
        每万人社会组织数 3.0 < 7 (0.571; registered O01 O02 O08 on 31 Oct, population 10,000) → 9 alerts
  乙县: 按期办结率 50% < 90% (0.444), 专职网格员配备率 1/2 (0.474; W08 is inactive), 考核平均分 62 < 75 (0.173)
        → 3 alerts
12 in all; the page lists the worst 10 (dropping 甲区's 解决率 and 按期办结率), grouped by area, the area
with the worst breach (甲区, 重复诉求率) first.
"""

import base64
import re

from tests.pages import frame_with, kpi, kpis, run_page, subheaders

OCTOBER = {"period": "custom", "start": "2025-10-01", "end": "2025-10-31", "compare": "mom"}


def test_city_ranking_red_black_and_alerts(app_env):
    at = run_page("overview", OCTOBER)
    assert "各区县三率综合得分排名" in subheaders(at)
    assert any("100 ×（0.1×响应率 + 0.5×解决率 + 0.4×满意率）" in c.value for c in at.caption)
    buttons = [b.label for b in at.button]
    assert "第 1 名　乙县　96.0 分" in buttons and "第 2 名　甲区　75.3 分" in buttons
    alerts = frame_with(at, "预警线")
    assert list(zip(alerts["区域"], alerts["指标"])) == [
        ("甲区", "重复诉求率"), ("甲区", "每万人社会组织数"), ("甲区", "超期"), ("甲区", "专职网格员配备率"),
        ("甲区", "满意率"), ("甲区", "三率综合得分"), ("甲区", "响应率"),
        ("乙县", "专职网格员配备率"), ("乙县", "按期办结率"), ("乙县", "考核平均分")]
    assert alerts.iloc[5][["数值", "预警线", "偏离"]].tolist() == ["75.3 分", "低于 85.0 分", "-9.8"]  # 75.25 − 85
    assert any("共 12 条越线，涉及 2 个区县。按偏离预警线的程度列出最严重的 10 条" in c.value for c in at.caption)
    table = frame_with(at, "受理量")
    assert list(table["区县"]) == ["乙县", "甲区"]
    assert list(table["受理量"]) == [4, 11]


def test_clicking_a_red_black_entry_drills_into_it(app_env):
    at = run_page("overview", OCTOBER)
    next(b for b in at.button if b.label.startswith("第 2 名　甲区")).click().run()
    assert at.query_params["district"] == "990101"
    assert kpis(at)["受理量"] == "11 件"
    assert "各街道/乡镇三率综合得分排名" in subheaders(at)
    # breadcrumb: 全市 is now a link back up
    next(b for b in at.button if b.label == "全市").click().run()
    assert "district" not in at.query_params and kpis(at)["受理量"] == "15 件"


def test_street_scope_ranks_communities(app_env):
    at = run_page("overview", {**OCTOBER, "street": "990101001"})
    assert at.query_params["district"] == "990101"
    # 东街道 October: T02 T03 T06 T07 T08 T13 T16 T20 received; 5 of 6 closures on time
    assert kpis(at)["受理量"] == "8 件" and kpis(at)["按期办结率"] == "83.3%"
    table = frame_with(at, "受理量")
    # 东一 composite 100×(0.1×3/3 + 0.5×2/3 + 0.4×2/3) = 70.0; 东二 100×(0.1+0.5+0.4×(1+0.8)/2) = 96.0
    assert list(table["社区/村"]) == ["东二社区", "东一社区"]
    assert [round(v, 1) for v in table["三率综合得分"]] == [96.0, 70.0]


def test_comparison_same_period_last_year(app_env):
    at = run_page("overview", {**OCTOBER, "compare": "yoy"})
    # October 2024 lies before the data (which start on 2025-09-15): no "+15 against 0", and no arrow
    assert kpi(at, "受理量").delta == "对比期无数据"
    assert any("同比：2024-10-01 至 2024-10-31" in c.value for c in at.caption)


def test_community_scope_lists_its_grids_and_says_what_a_row_opens(app_env):
    """At 东一社区 the children are its grids. October: 第一网格 T01 T13 visited, both contacted, resolved, 满意
    → 100.0; 第二网格 T02 contacted only, 不满意 → 100 × 0.1 = 10.0. The table's caption no longer promises
    "进入该区域" (a grid has no level below) but the grid's card on the map page."""
    at = run_page("overview", {**OCTOBER, "community": "990101001001"})
    table = frame_with(at, "受理量")
    assert list(table["网格"]) == ["东一第一网格", "东一第二网格"] and list(table["三率综合得分"]) == [100.0, 10.0]
    # Organisations and assessment are recorded down to the community: grids get no 0.00 per 10,000 (and no
    # alert for it), the column is simply not there.
    assert "每万人社会组织数" not in table.columns and "考核平均分" not in table.columns
    assert not any("每万人社会组织数" in set(d.value.get("指标", [])) for d in at.dataframe)
    captions = [c.value for c in at.caption]
    assert "选中一行可打开该网格的网格名片（网格地图页）；点击列名排序。" in captions
    assert not any(c.startswith("选中一行可进入") for c in captions)


def test_supervision_list_leads_with_who_owes_the_ticket(app_env):
    """督办清单: area and 主办单位 first, then what and how late; at a district the 区县 column (the same on
    every row) is left out."""
    at = run_page("tickets", OCTOBER)
    table = frame_with(at, "督办类型")
    assert list(table.columns[:7]) == ["区县", "街道/乡镇", "社区/村", "网格", "主办单位", "督办类型", "已超期（工作日）"]
    at = run_page("tickets", {**OCTOBER, "district": "990101"})
    assert list(frame_with(at, "督办类型").columns[:3]) == ["街道/乡镇", "社区/村", "网格"]


def _svg(at) -> str:
    """The trend: the one SVG image of the page (st.html), decoded, with the hover boxes' titles."""
    bodies = [e.proto.body for e in at.get("html") if "<img src=\"data:image/svg+xml;base64," in e.proto.body]
    assert len(bodies) == 1, bodies
    svg = base64.b64decode(re.search(r"base64,([A-Za-z0-9+/=]+)", bodies[0]).group(1)).decode()
    # the boxes laid over the image say what the SVG's own titles say, bucket by bucket
    assert re.findall(r'<div title="([^"]+)"', bodies[0]) == re.findall(r"<title>([^<]+)</title>", svg)
    return svg


def test_ranking_is_a_table_with_bars_boards_and_no_plotly(app_env):
    """The ranking is a data grid (名次, name, the score as a bar, 榜单): 乙县 96.0 first on the 红榜,
    甲区 75.25 → 75.3 (half-up) on the 黑榜 (below the 85 alert line); the page draws no plotly chart."""
    at = run_page("overview", OCTOBER)
    rank = frame_with(at, "榜单")
    assert list(rank.columns) == ["名次", "区县", "三率综合得分", "榜单"]
    assert rank.values.tolist() == [["第 1 名", "乙县", 96.0, "红榜"], ["第 2 名", "甲区", 75.3, "黑榜"]]
    assert not at.get("plotly_chart")
    assert any(c.value.startswith("预警线 85.0 分；样本不足的区县不排名，列在最后。选中一行进入该区县。") for c in at.caption)


def test_ranking_marks_small_samples_last_and_unranked(app_env):
    """At 东街道 in October: 东二 96.0 and 东一 70.0 (see test_street_scope_ranks_communities), both with
    enough visits; the 红榜/黑榜 of two units puts 东二 on the 红榜 and 东一 (70.0 < 85) on the 黑榜."""
    at = run_page("overview", {**OCTOBER, "street": "990101001"})
    rank = frame_with(at, "榜单")
    assert rank.values.tolist() == [["第 1 名", "东二社区", 96.0, "红榜"], ["第 2 名", "东一社区", 70.0, "黑榜"]]


def test_trend_is_an_svg_with_chinese_days_and_hover_values(app_env):
    """甲区 in October, by day (31 days ≤ 62): on 20 Oct received T12, closed T07 → 1 and 1; on 21 Oct received
    T13, closed T03 T13 → 1 and 2 (tests/test_ticket_trend.py). 31 points, x labels every 4th day from 10月1日."""
    at = run_page("overview", {**OCTOBER, "district": "990101"})
    svg = _svg(at)
    assert "<title>2025年10月20日：受理 1 件；办结 1 件</title>" in svg
    assert "<title>2025年10月21日：受理 1 件；办结 2 件</title>" in svg
    assert svg.count("<title>") == 31
    labels = re.findall(r'text-anchor="middle"[^>]*>(\d+月\d+日)</text>', svg)
    assert labels == ["10月1日", "10月5日", "10月9日", "10月13日", "10月17日", "10月21日", "10月25日", "10月29日"]
    assert ">受理</text>" in svg and ">办结</text>" in svg and ">工单数（件）</text>" in svg



def test_ranking_downloads_as_excel_with_its_boards(app_env):
    """The ranking opens in Excel as shown: 名次, 区县, the score as a number (75.25 → 75.3, "#,##0.0") and 榜单."""
    import io

    from openpyxl import load_workbook

    at = run_page("overview", OCTOBER)
    make = at.session_state["_downloads"]["overview_rank_dl"][1]
    ws = load_workbook(io.BytesIO(make("xlsx"))).active
    rows = [[c.value for c in r] for r in ws.iter_rows()]
    header = rows.index(["名次", "区县", "三率综合得分（分）", "榜单"])
    assert rows[header + 1:] == [["第 1 名", "乙县", 96.0, "红榜"], ["第 2 名", "甲区", 75.3, "黑榜"]]
    assert ws.cell(header + 3, 3).number_format == "#,##0.0"
    assert any(str(r[0]).startswith("导出人：") for r in rows[:header])
