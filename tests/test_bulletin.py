"""The 通报 drafted from the fixture database (dashboard/meetings/bulletin.py, dashboard/meetings/bulletin_doc.py).

October 2025, hand-computed in tests/test_ticket_metrics.py and tests/test_overview_page.py: the city
received 15 tickets, closed 11; 按期办结率 81.8 % (9/11); 满意率 76.0 %; 三率综合得分 79.4; 2 overdue at
the end, both in 甲区 (backlog 5). The September comparison reaches before the data (15 Sep), so the text
says no change at all. Breaches besides 超期 (by severity, tests/test_overview_page.py): 甲区 8 (重复诉求率 18.2 %, 每万人社会组织数
3.00, 专职网格员配备率 66.7 %, 满意率 72.5 %, 三率综合得分 75.3, 响应率 87.5 %, 解决率 75.0 %, 按期办结率 88.9 %),
乙县 3 (专职网格员配备率 50.0 %, 按期办结率 50.0 %, 考核平均分 62.0) → 11 in 2 districts; two metrics
(配备率, 按期办结率) in both. 红黑榜 on 三率综合得分 (line 85): 乙县 96.0
(红榜), 甲区 75.3 (黑榜); on 按期办结率 (line 90 %) no district reaches the line: the 红榜 is empty and
says so, the 黑榜 holds 乙县 50.0 % then 甲区 88.9 %.
"""

import io
from datetime import datetime
import os
from decimal import Decimal

import pytest
from docx import Document

from dashboard.core.filters import parse_filters
from dashboard.core.metrics import Kpi, metric
from dashboard.meetings import bulletin, bulletin_doc
from dashboard.store import db

OCTOBER = {"period": "custom", "start": "2025-10-01", "end": "2025-10-31", "compare": "mom"}


def build(params, fixture_db):
    old = os.environ.get("DASHBOARD_DB")
    os.environ["DASHBOARD_DB"] = str(fixture_db)
    try:
        f, _ = parse_filters(params, db.areas(), db.as_of(), db.data_start())
        return f, bulletin.build(f)
    finally:
        if old is None:
            os.environ.pop("DASHBOARD_DB", None)
        else:
            os.environ["DASHBOARD_DB"] = old


@pytest.fixture(scope="module")
def city(fixture_db):
    return build(OCTOBER, fixture_db)[1]


def test_city_paragraphs_say_what_the_numbers_show(city):
    b = city
    assert b.title == "关于全市2025年10月基层治理工作情况的通报"
    assert b.overall == ("2025年10月，全市共受理群众诉求 15 件；办结 11 件；期末积压 7 件；按期办结率 81.8%；满意率 76.0%；"
                         "三率综合得分 79.4 分。")  # no 环比: the comparison lies before the data
    assert b.changes == ""
    # The five metrics past the line in the most districts (then by severity), the rest referred to the list.
    assert b.alerts_text == (
        "2 个区县共 11 项指标越过预警线：专职网格员配备率低于预警线（95.0%）的有甲区（66.7%）、乙县（50.0%）；"
        "按期办结率低于预警线（90.0%）的有甲区（88.9%）、乙县（50.0%）；重复诉求率高于预警线（10.0%）的有甲区（18.2%）；"
        "每万人社会组织数低于预警线（7.00 个/万人）的有甲区（3.00 个/万人）；满意率低于预警线（85.0%）的有甲区（72.5%）；"
        "其余 4 项见问题清单。")
    assert b.overdue_text == "期末超期未办结工单 2 件，分布在甲区 2 件。"
    assert b.overdue == [("甲区", 2, 5)]
    assert b.boards_text == ("三率综合得分红榜为乙县（96.0 分），黑榜为甲区（75.3 分）；"
                             "按期办结率红榜空缺（没有达到预警线的区县），黑榜为乙县（50.0%）、甲区（88.9%）。")
    assert b.points == [b.overall, b.alerts_text, b.overdue_text]


def test_changes_are_described_by_their_sign_and_direction():
    """Hand values: 8,268 received against 6,758 → +1,510 (+22.3 %); 按期办结率 93.4 % against 93.1 % → +0.3 points
    (向好); 超期 12 against 9 → +3 (+33.3 %, 变差); 满意率 equal → 持平; a score 89.4 against 89.7
    → −0.3 (上升/下降, not 增加/减少: a level, not a count)."""
    k = {"created": Kpi(metric("created"), 8268, 6758, "环比"),
         "on_time_rate": Kpi(metric("on_time_rate"), 0.934, 0.931, "环比"),
         "overdue": Kpi(metric("overdue"), 12, 9, "环比"),
         "satisfaction_rate": Kpi(metric("satisfaction_rate"), 0.9, 0.9, "环比")}
    assert bulletin._change_phrase(k["created"]) == "，环比增加 1,510 件（22.3%）"
    assert bulletin._change_phrase(k["on_time_rate"]) == "，环比上升 0.3 个百分点"
    assert bulletin._change_phrase(k["satisfaction_rate"]) == "，环比持平"
    assert bulletin._change_phrase(Kpi(metric("composite_score"), 89.4, 89.7, "环比")) == "，环比下降 0.3 分"
    assert bulletin._change_phrase(k["overdue"]) == "，环比增加 3 件（33.3%）"
    assert bulletin._changes(k) == "从环比看，按期办结率向好；超期变差，需引起重视。"
    assert bulletin._change_phrase(Kpi(metric("created"), 8268, 6758, "")) == ""
    assert k["on_time_rate"].change.delta == Decimal("0.3")


@pytest.mark.parametrize("start, end, text", [
    ("2025-10-01", "2025-10-31", "2025年10月"), ("2025-10-01", "2025-12-31", "2025年第四季度"),
    ("2025-01-01", "2025-12-31", "2025年"), ("2025-10-01", "2025-10-20", "2025年10月1日至10月20日")])
def test_period_names(start, end, text):
    from datetime import date
    assert bulletin.cn_period(date.fromisoformat(start), date.fromisoformat(end)) == text


def test_district_bulletin_names_its_streets(fixture_db):
    f, b = build({**OCTOBER, "district": "990101"}, fixture_db)
    assert b.title == "关于甲区2025年10月基层治理工作情况的通报"
    assert b.overall.startswith("2025年10月，甲区共受理群众诉求 11 件")
    assert b.child_zh == "街道/乡镇"


def test_docx_holds_title_sections_tables_and_signature(city):
    data = bulletin_doc.to_docx(city, "导出人：测试市级（test_city） · 2025-11-10 12:00")
    doc = Document(io.BytesIO(data))
    text = [p.text for p in doc.paragraphs]
    assert city.title in text and city.overall in text
    heads = [t for t in text if t[:2] in ("一、", "二、", "三、", "四、", "五、")]
    assert heads == ["一、总体情况", "二、红黑榜", "三、问题清单", "四、整改要求"]
    assert bulletin_doc.TODO in text
    assert doc.core_properties.title == city.title
    tables = [[[c.text for c in r.cells] for r in t.rows] for t in doc.tables]
    assert tables[0][0] == ["名次", "榜单", "区县", "三率综合得分", "名次变化", "连续上黑榜"]
    assert ["第 1 名", "红榜", "乙县", "96.0 分", "—", "—"] in tables[0]
    alerts = next(t for t in tables if t[0] == ["区域", "指标", "数值", "预警线", "偏离"])
    assert ["甲区", "三率综合得分", "75.3 分", "低于 85.0 分", "-9.8"] in alerts
    assert tables[-1] == [["区县", "超期（件）", "期末积压（件）"], ["甲区", "2", "5"]]
    assert "导出人：测试市级（test_city）" in doc.sections[0].footer.paragraphs[0].text


def test_a_black_board_streak_is_in_the_text_and_the_table(city):
    """A 黑榜 unit that was on the 黑榜 in the two periods before too (丙 70.0, 72.0, 80.0; all below 85) is
    named “丙（70.0 分，连续 3 期上黑榜）” in the paragraph; in the table its 连续上黑榜 cell says 3 期."""
    from dataclasses import replace

    import pandas as pd

    from dashboard.core import ranking

    def frame(a, c):
        return pd.DataFrame({"area_code": ["A", "C"], "area_name": ["甲", "丙"], "composite_score": [a, c],
                             "visited": [40, 40]})

    b = ranking.boards(frame(95.0, 70.0), metric("composite_score"), "区县", n=5,
                       history=[frame(93.0, 72.0), frame(90.0, 80.0)])
    text = bulletin._boards_text([b])
    assert text == "三率综合得分红榜为甲（95.0 分），黑榜为丙（70.0 分，连续 3 期上黑榜）。"
    doc = Document(io.BytesIO(bulletin_doc.to_docx(replace(city, boards=[b], boards_text=text), "导出人：测试")))
    rows = [[c.text for c in r.cells] for r in doc.tables[0].rows]
    assert rows[0][-1] == "连续上黑榜" and ["第 2 名", "黑榜", "丙", "70.0 分", "—", "3 期"] in rows


def test_overview_shows_the_key_points_and_the_sidebar_offers_the_bulletin(app_env):
    from tests.pages import run_page

    at = run_page("overview", OCTOBER)
    box = [m.value for m in at.markdown if "全市共受理群众诉求" in m.value]
    assert box and "2025年10月，全市共受理群众诉求 15 件；办结 11 件" in box[0]
    assert any(m.value == "**本期要点**" for m in at.markdown)
    button = next(b for b in at.button if b.label == "生成通报（Word / PDF）")
    button.click().run()
    assert not at.exception
    assert at.button(key="bulletin_go").label == "生成"  # the dialog is open


def test_the_dialogs_files_open(app_env):
    """What 生成 gives (shell.bulletin_files): a DOCX that opens and, through LibreOffice, a PDF."""
    from dashboard import shell

    f, _ = parse_filters(OCTOBER, db.areas(), db.as_of(), db.data_start())
    stem, docx, pdf, error = shell.bulletin_files(f)
    assert stem == "通报_全市_20251001-20251031" and error == ""
    assert Document(io.BytesIO(docx)).core_properties.title == "关于全市2025年10月基层治理工作情况的通报"
    assert pdf.startswith(b"%PDF")


def test_duban_section_and_downloads_when_the_user_has_items(fixture_db, tmp_path, monkeypatch):
    """Two 督办 by the city office to 东街道 (tests/test_duban.py's calendar): one issued Wed 30 Sep 2026 with
    3 working days (due Sat 10 Oct), answered Fri 9 Oct and closed → on time; one issued the same day,
    answered Mon 12 Oct → late. 2 issued, 1 closed (50.0 %), 按期反馈 1 of 2 answered → 50.0 %; nothing
    open past its deadline. The 督办 page's record download holds 50.0 as a number under "按期反馈率（%）"."""
    from dashboard.accounts import users
    from dashboard.supervision import duban
    from tests.conftest import TEST_PASSWORD
    from tests.pages import run_page
    from tests.test_downloads_open import check_csv, check_xlsx

    app = tmp_path / "app.sqlite3"
    users.add("test_city", "测试市级", "city", None, TEST_PASSWORD, path=app)
    users.add("dong", "dong", "street", "990101001", TEST_PASSWORD, path=app)
    monkeypatch.setenv("DASHBOARD_APP_DB", str(app))
    monkeypatch.setenv("DASHBOARD_DB", str(fixture_db))
    office, dong = users.get("test_city", app), users.get("dong", app)
    issued = datetime(2026, 9, 30, 10, 0)
    first = duban.issue(office, "tickets", "990101001", "东街道", "事项一", "要求", {"tickets": []}, 3, issued, path=app)
    second = duban.issue(office, "tickets", "990101001", "东街道", "事项二", "要求", {"tickets": []}, 3, issued, path=app)
    duban.answer(dong, first.id, "已办", datetime(2026, 10, 9, 16, 0), path=app)
    duban.close(office, first.id, "办结", datetime(2026, 10, 9, 17, 0), path=app)
    duban.answer(dong, second.id, "已办", datetime(2026, 10, 12, 9, 0), path=app)

    f, _ = parse_filters(OCTOBER, db.areas(), db.as_of(), db.data_start())
    b = bulletin.build(f, office)
    assert "共下发督办事项 2 件，已办结 1 件，办结率 50.0%；没有逾期未反馈的事项" in b.duban_text
    assert b.duban_rows == [["东街道", "2", "1", "1", "1", "50.0%"]]
    doc = Document(io.BytesIO(bulletin_doc.to_docx(b, "导出人：测试市级（test_city） · 2026-10-12 10:00")))
    heads = [p.text for p in doc.paragraphs if p.text[:2] in ("一、", "二、", "三、", "四、", "五、")]
    assert heads == ["一、总体情况", "二、红黑榜", "三、问题清单", "四、督办事项办理情况", "五、整改要求"]

    at = run_page("duban", OCTOBER)
    name, make = at.session_state["_downloads"]["duban_records_dl"]
    rows = check_xlsx(make("xlsx"), "督办/records")
    head = [c.value for c in rows[0]]
    cell = rows[1][head.index("按期反馈率（%）")]
    assert (round(cell.value, 6), cell.number_format) == (0.5, "0.0%")
    body = check_csv(make("csv"), "督办/records")
    assert body[1][body[0].index("按期反馈率（%）")] == "50.0"
