"""总览 page at city, district and street scope, checked against the hand-written fixture.

Per district in October 2025 (hand-computed, see tests/test_ticket_metrics.py):
  甲区 composite 75.25, 乙县 96.0 → 乙县 ranks first.
Threshold breaches (registry defaults) by district:
  甲区: 按期办结率 88.9% < 90%, 综合得分 75.3 < 85, 响应率 87.5% < 95%, 解决率 75% < 80%,
        满意率 72.5% < 85%, 超期 2 > 0, 重复诉求率 2/11 = 18.2% > 10%,
        专职网格员配备率 4/6 = 66.7% < 95% (东一 two grids by W01, 东二 one by W03, 西一 one by W05),
        每万人社会组织数 6.0 < 7 (O01 O02 O04 O05 O08 O10 on 31 Oct, population 10,000) → 9 alerts
  乙县: 按期办结率 50% < 90%, 专职网格员配备率 1/2 (W08 is inactive), 考核平均分 62 < 75 → 3 alerts
"""

from tests.pages import frame_with, kpi, kpis, run_page, subheaders

OCTOBER = {"period": "custom", "start": "2025-10-01", "end": "2025-10-31", "compare": "mom"}


def test_city_ranking_red_black_and_alerts(app_env):
    at = run_page("overview", OCTOBER)
    assert "各区县三率综合得分排名" in subheaders(at)
    assert any("100 ×（0.1×响应率 + 0.5×解决率 + 0.4×满意率）" in c.value for c in at.caption)
    buttons = [b.label for b in at.button]
    assert "第 1 名　乙县　96.0 分" in buttons and "第 2 名　甲区　75.3 分" in buttons
    alerts = frame_with(at, "预警线")
    by_area = alerts.groupby("区域")["指标"].apply(set).to_dict()
    assert by_area["甲区"] == {"按期办结率", "三率综合得分", "响应率", "解决率", "满意率", "超期", "重复诉求率",
                              "专职网格员配备率", "每万人社会组织数"}
    assert by_area["乙县"] == {"按期办结率", "专职网格员配备率", "考核平均分"}
    assert list(alerts["区域"])[0] == "甲区"  # the area with most alerts first
    table = frame_with(at, "名次")
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
    table = frame_with(at, "名次")
    # 东一 composite 100×(0.1×3/3 + 0.5×2/3 + 0.4×2/3) = 70.0; 东二 100×(0.1+0.5+0.4×(1+0.8)/2) = 96.0
    assert list(table["社区/村"]) == ["东二社区", "东一社区"]
    assert [round(v, 1) for v in table["三率综合得分"]] == [96.0, 70.0]


def test_comparison_same_period_last_year(app_env):
    at = run_page("overview", {**OCTOBER, "compare": "yoy"})
    # October 2024 lies before the data (which start on 2025-09-15): no "+15 against 0", and no arrow
    assert kpi(at, "受理量").delta == "对比期无数据"
    assert any("同比：2024-10-01 至 2024-10-31" in c.value for c in at.caption)
