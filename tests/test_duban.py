"""督办闭环 on the fixture's accounts, dates worked out by hand on the 2026 calendar:

国庆 2026: 1–7 Oct off, Sat 10 Oct a 调休 working day (the State Council's notice, as
chinese-calendar has it). A 督办 issued Wed 30 Sep 10:00 with 3 working days: Thu 8, Fri 9,
Sat 10 Oct → due Sat 10 Oct 23:59:59. A return on Mon 12 Oct with 2 working days: Tue 13,
Wed 14 → due Wed 14 Oct 23:59:59.
"""

import io
import shutil
import subprocess
from datetime import datetime

import pytest
from docx import Document

from dashboard.accounts import users
from dashboard.core import wordfile
from dashboard.store import appdb, db
from dashboard.supervision import duban, duban_doc

ISSUED = datetime(2026, 9, 30, 10, 0)
TICKETS = {"tickets": [
    {"工单编号": "T11", "标题": "井盖缺失", "受理时间": "2025-09-16 09:00", "办结时限": "2025-09-25 23:59",
     "已超期（工作日）": 22, "主办单位": "市政所"},
    {"工单编号": "T05", "标题": "路灯不亮", "受理时间": "2025-10-09 10:00", "办结时限": "2025-10-22 23:59",
     "已超期（工作日）": 7, "主办单位": "城管科"}], "as_of": "2025-11-01 00:00"}


@pytest.fixture
def app(tmp_path):
    path = tmp_path / "app.sqlite3"
    for name, role, area in [("office", "city", None), ("jq", "district", "990101"), ("dong", "street", "990101001"),
                             ("xi", "street", "990101002"), ("yi", "district", "990102")]:
        users.add(name, name, role, area, "Duban-Pass-2026", path=path)
    return path


def u(name, path):
    return users.get(name, path)


def test_deadline_over_national_day_counts_the_make_up_saturday():
    assert duban.deadline_after(ISSUED, 3) == datetime(2026, 10, 10, 23, 59, 59)
    assert duban.deadline_after(datetime(2026, 10, 12, 9, 0), 2) == datetime(2026, 10, 14, 23, 59, 59)


def test_the_loop_issue_answer_return_late_answer_close(app):
    item = duban.issue(u("office", app), "tickets", "990101001", "东街道", "东街道有 2 件工单超期", "逐件核实", TICKETS, 3,
                       ISSUED, "市政所", path=app)
    assert (item.number, item.status, item.deadline) == ("督办〔2026〕1 号", "issued", datetime(2026, 10, 10, 23, 59, 59))
    item = duban.answer(u("dong", app), item.id, "T11 已办结，T05 申请延期", datetime(2026, 10, 9, 16, 0), path=app)
    assert item.status == "answered" and not item.answered_late
    item = duban.send_back(u("office", app), item.id, "T05 延期理由不充分", 2, datetime(2026, 10, 12, 9, 0), path=app)
    assert item.status == "returned" and item.deadline == datetime(2026, 10, 14, 23, 59, 59)
    assert item.status_zh(datetime(2026, 10, 15, 0, 0)) == "逾期未反馈"
    item = duban.answer(u("dong", app), item.id, "T05 已办结", datetime(2026, 10, 15, 10, 0),
                        attachment=("整改说明.pdf", b"%PDF-1.4 test"), path=app)
    assert item.answered_late  # the second 反馈 came after the new deadline
    item = duban.close(u("office", app), item.id, "同意办结", datetime(2026, 10, 16, 9, 0), path=app)
    assert item.status == "closed" and item.closed_at == datetime(2026, 10, 16, 9, 0)
    steps = [(e["username"], e["action"]) for e in duban.events(item.id, app)]
    assert steps == [("office", "issue"), ("dong", "answer"), ("office", "return"), ("dong", "answer"), ("office", "close")]
    attached = [e for e in duban.events(item.id, app) if e["attachment_name"]]
    assert duban.attachment(attached[0]["id"], app) == ("整改说明.pdf", b"%PDF-1.4 test")
    audited = [r["detail"] for r in appdb.audit_rows(path=app, action="duban")]
    assert len(audited) == 5 and '"step": "下发"' in audited[-1]


def test_numbers_run_per_year(app):
    office = u("office", app)
    a = duban.issue(office, "tickets", "990101001", "东街道", "事项一", "要求", TICKETS, 3, ISSUED, path=app)
    b = duban.issue(office, "tickets", "990101002", "西街道", "事项二", "要求", TICKETS, 3, ISSUED, path=app)
    c = duban.issue(office, "tickets", "990101002", "西街道", "事项三", "要求", TICKETS, 3, datetime(2027, 1, 4, 9), path=app)
    assert [a.number, b.number, c.number] == ["督办〔2026〕1 号", "督办〔2026〕2 号", "督办〔2027〕1 号"]


def test_overdue_feedback_reminders_and_the_criticism_flag(app):
    office = u("office", app)
    first = duban.issue(office, "tickets", "990101002", "西街道", "事项一", "要求", TICKETS, 3, ISSUED, path=app)
    after = datetime(2026, 10, 11, 0, 0, 1)  # one second into Sunday, past Sat 10 Oct 23:59:59
    assert first.status_zh(datetime(2026, 10, 10, 23, 0)) == "已下发"
    assert first.status_zh(after) == "逾期未反馈"
    with pytest.raises(duban.DubanError, match="只能对逾期未反馈"):
        duban.remind(office, first.id, datetime(2026, 10, 10, 9, 0), path=app)
    assert duban.remind(office, first.id, after, path=app).reminders == 1
    recs = duban.records(duban.items_for(office, app), after, criticism_after=2, window_days=365)
    assert [(r.addressee_name, r.late, r.open_overdue, r.flagged) for r in recs] == [("西街道", 1, 1, False)]
    second = duban.issue(office, "indicator", "990101002", "西街道", "按期办结率低于预警线", "分析原因", {"figures": []}, 1,
                         datetime(2026, 10, 12, 9, 0), path=app)
    duban.answer(u("xi", app), second.id, "已整改", datetime(2026, 10, 14, 9, 0), path=app)  # due Tue 13 Oct: late
    recs = duban.records(duban.items_for(office, app), datetime(2026, 10, 14, 10, 0), 2, 365)
    assert [(r.issued, r.late, r.answered_on_time, r.flagged) for r in recs] == [(2, 2, 0, True)]


def test_a_street_sees_and_answers_only_its_own_items(app):
    office = u("office", app)
    east = duban.issue(office, "tickets", "990101001", "东街道", "东", "要求", TICKETS, 3, ISSUED, path=app)
    west = duban.issue(office, "tickets", "990101002001", "西一社区", "西一", "要求", TICKETS, 3, ISSUED, path=app)
    assert [i.number for i in duban.items_for(u("dong", app), app)] == [east.number]
    assert [i.number for i in duban.items_for(u("xi", app), app)] == [west.number]  # its community's item
    assert duban.items_for(u("yi", app), app) == []  # another district
    with pytest.raises(duban.DubanError, match="您不能反馈"):
        duban.answer(u("dong", app), west.id, "越权反馈", datetime(2026, 10, 8, 9), path=app)
    assert duban.get(west.id, app).status == "issued"


def test_who_may_issue(app):
    with pytest.raises(duban.DubanError, match="不能向该区域下发"):
        duban.issue(u("dong", app), "tickets", "990101001001", "东一社区", "x", "y", TICKETS, 3, ISSUED, path=app)
    with pytest.raises(duban.DubanError, match="不能向该区域下发"):
        duban.issue(u("jq", app), "tickets", "990102100", "南镇", "x", "y", TICKETS, 3, ISSUED, path=app)
    item = duban.issue(u("jq", app), "tickets", "990101001", "东街道", "区督街道", "要求", TICKETS, 3, ISSUED, path=app)
    assert not duban.can_answer(u("jq", app), item) and duban.can_answer(u("dong", app), item)


def test_bad_input_is_refused_and_nothing_is_written(app):
    office = u("office", app)
    with pytest.raises(duban.DubanError, match="1–60 个工作日"):
        duban.issue(office, "tickets", "990101001", "东街道", "x", "y", TICKETS, 0, ISSUED, path=app)
    item = duban.issue(office, "tickets", "990101001", "东街道", "x", "y", TICKETS, 3, ISSUED, path=app)
    with pytest.raises(duban.DubanError, match="附件只能是"):
        duban.answer(u("dong", app), item.id, "说明", ISSUED, attachment=("run.exe", b"MZ"), path=app)
    with pytest.raises(duban.DubanError, match="不能超过 10 MB"):
        duban.answer(u("dong", app), item.id, "说明", ISSUED, attachment=("a.pdf", b"0" * (10 * 1024 * 1024 + 1)), path=app)
    assert duban.get(item.id, app).status == "issued" and len(duban.events(item.id, app)) == 1


def test_the_notice_opens_in_word_and_converts_to_pdf(app, tmp_path):
    item = duban.issue(u("office", app), "tickets", "990101001", "东街道", "东街道有 2 件工单超期", "1. 逐件核实\n2. 按时反馈",
                       TICKETS, 3, ISSUED, "市政所", path=app)
    data = duban_doc.to_docx(item, "督查考评办公室", "测试市级（office）", datetime(2026, 9, 30, 10, 5), sample=True)
    doc = Document(io.BytesIO(data))
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "督办通知单" in text and "督办〔2026〕1 号" in text and "东街道、市政所：" in text
    assert "并于2026年10月10日前（3 个工作日内）" in text and "示例数据" in text
    table = doc.tables[0]
    assert [c.text for c in table.rows[0].cells][:2] == ["工单编号", "诉求事项"]
    assert [r.cells[0].text for r in table.rows[1:]] == ["T11", "T05"]
    assert "由 测试市级（office） 于 2026-09-30 10:05 生成" in doc.sections[0].footer.paragraphs[0].text
    assert doc.core_properties.title == "督办通知单 督办〔2026〕1 号"
    assert wordfile.soffice(), "LibreOffice（soffice）缺失：make test 会安装 libreoffice-writer-nogui"
    pdf = wordfile.to_pdf(data)
    assert pdf.startswith(b"%PDF")
    (tmp_path / "n.pdf").write_bytes(pdf)
    shown = subprocess.run([shutil.which("pdftotext") or "pdftotext", str(tmp_path / "n.pdf"), "-"],
                           capture_output=True, text=True, check=True).stdout
    assert "督办通知单" in shown and "T11" in shown and "市政所" in shown


def test_the_assessment_page_lists_the_units_record(app_env, tmp_path, monkeypatch):
    """One 督办 to 东街道, answered late: the 居村考核 page at 甲区 lists 东街道 with 1 issued,
    1 late; with [duban] show_on_assessment = false the section is gone."""
    from dashboard.core.config import settings
    from tests.conftest import FIXTURE_CONFIG
    from tests.pages import run_page

    path = tmp_path / "app.sqlite3"
    users.add("test_city", "测试市级", "city", None, "Duban-Pass-2026", path=path)
    users.add("dong", "东街道", "street", "990101001", "Duban-Pass-2026", path=path)
    monkeypatch.setenv("DASHBOARD_APP_DB", str(path))
    item = duban.issue(u("test_city", path), "tickets", "990101001", "东街道", "超期", "核实", TICKETS, 3, ISSUED, path=path)
    duban.answer(u("dong", path), item.id, "已整改", datetime(2026, 10, 12, 9, 0), path=path)  # due Sat 10 Oct
    at = run_page("assessment", {"district": "990101"}, user="test_city")
    record = next(d.value for d in at.dataframe if "被督办单位" in d.value.columns)
    assert record.iloc[0][["被督办单位", "督办件数", "逾期（含逾期未反馈）"]].tolist() == ["东街道", 1, 1]
    assert any("甲区督办办理记录" in s.value for s in at.subheader)
    config = tmp_path / "settings.toml"
    config.write_text(FIXTURE_CONFIG.read_text(encoding="utf-8").replace("show_on_assessment = true",
                                                                         "show_on_assessment = false"), encoding="utf-8")
    monkeypatch.setenv("DASHBOARD_CONFIG", str(config))
    assert not settings().duban.show_on_assessment
    at = run_page("assessment", {"district": "990101"}, user="test_city")
    assert not any("督办办理记录" in s.value for s in at.subheader)


OCTOBER = {"period": "custom", "start": "2025-10-01", "end": "2025-10-31"}


def test_a_duban_from_the_handling_unit_black_board_is_prefilled_with_its_figures(app_env, tmp_path, monkeypatch):
    """督办台账 at the city, October 2025 (tests/test_handling_units.py has the figures): on 按期办结率 the 黑榜 holds
    乙县水务局 (0.0 %) and 东街道办事处 (80.0 %, below 90 %). Its “督办” button opens the form addressed to 东街道
    (all of the unit's tickets are there), naming the unit, with its figures: 按期办结率 80.0 % first, then those
    past their lines — 超期 1 件, 综合 75.5 分, 解决率 75.0 %, 满意率 70.0 % (响应率 100 % is not). The notice lists
    them with the counts behind each."""
    from tests.pages import run_page

    path = tmp_path / "app.sqlite3"
    users.add("test_city", "测试市级", "city", None, "Duban-Pass-2026", path=path)
    monkeypatch.setenv("DASHBOARD_APP_DB", str(path))
    at = run_page("duban", OCTOBER, user="test_city")
    black = [b for b in at.button if b.key and b.key.startswith("duban_units_rb_duban_")]
    assert [b.key.removeprefix("duban_units_rb_duban_") for b in black] == ["乙县水务局", "东街道办事处"]
    at.button(key="duban_units_rb_duban_东街道办事处").click().run()
    assert not at.exception, at.exception
    assert at.radio(key="new_kind").value == "indicator" and at.selectbox(key="new_addressee").value == "990101001"
    assert any("来自承办单位按期办结率黑榜" in i.value for i in at.info)
    figures = next(d.value for d in at.dataframe if "计数" in d.value.columns)
    assert list(figures["指标"]) == ["按期办结率", "超期", "三率综合得分", "解决率", "满意率"]
    assert list(figures["本期"]) == ["80.0%", "1 件", "75.5 分", "75.0%", "70.0%"]
    assert figures["计数"].iloc[0] == "按期办结 4 / 办结 5"
    subject = at.text_input[0].value
    assert subject.startswith("承办单位东街道办事处在东街道的按期办结率为 80.0%（预警线 90.0%）、超期为 1 件")
    next(b for b in at.button if b.label == "下发督办").click().run()
    assert not at.exception, at.exception
    item = duban.items_for(u("test_city", path), path)[0]
    assert (item.kind, item.addressee_code, item.handling_unit) == ("indicator", "990101001", "东街道办事处")
    head, rows = duban_doc.evidence_rows(item)
    assert head[-1] == "计数" and rows[0][:2] == ["按期办结率", "80.0%"] and rows[0][-1] == "按期办结 4 / 办结 5"
    doc = Document(io.BytesIO(duban_doc.to_docx(item, "督查考评办公室", "测试市级（test_city）", ISSUED)))
    assert "东街道、东街道办事处：" in "\n".join(p.text for p in doc.paragraphs)
    assert [c.text for c in doc.tables[0].rows[1].cells] == rows[0]


def test_a_duban_on_overdue_from_the_black_board_carries_the_units_overdue_tickets(app_env, tmp_path, monkeypatch):
    """On 超期 the 黑榜 is 东街道办事处 and 西街道办事处 (1 each); 东街道办事处's button opens a 超期工单督办 to 东街道
    with its one overdue ticket T11 (T05 belongs to 西街道办事处). With an item in the ledger already, issuing it
    shows the new item in the picker (which is drawn before the form)."""
    from tests.pages import run_page

    path = tmp_path / "app.sqlite3"
    users.add("test_city", "测试市级", "city", None, "Duban-Pass-2026", path=path)
    monkeypatch.setenv("DASHBOARD_APP_DB", str(path))
    duban.issue(u("test_city", path), "tickets", "990101002", "西街道", "西街道超期", "核实", TICKETS, 3, ISSUED, path=path)
    at = run_page("duban", OCTOBER, user="test_city")
    at.radio(key="duban_units_by").set_value("overdue").run()
    at.button(key="duban_units_rb_duban_东街道办事处").click().run()
    assert not at.exception, at.exception
    assert at.radio(key="new_kind").value == "tickets" and at.multiselect(key="new_tickets").value == ["T11"]
    assert at.text_input[0].value == "承办单位东街道办事处在东街道有 1 件诉求工单超过办结时限未办结，最长已超期 22 个工作日"
    next(b for b in at.button if b.label == "下发督办").click().run()
    assert not at.exception, at.exception
    made = duban.items_for(u("test_city", path), path)[0]
    assert (made.handling_unit, made.evidence["tickets"][0]["工单编号"]) == ("东街道办事处", "T11")
    assert at.selectbox(key="duban_pick").value == made.id


def test_a_duban_from_an_alert(app_env, tmp_path, monkeypatch):
    """The overview's 预警 of the districts, October 2025: 甲区 is past the line on 超期 (2) and on the 三率 score
    (75.3 < 85) among others. The 超期 row starts a 超期工单督办; the score row a 指标滞后督办 on the score first
    and 甲区's other breaches after it (never 超期). A street's account may not issue: no draft."""
    from dashboard.core.filters import parse_filters
    from dashboard.data import duban as duban_data, overview

    path = tmp_path / "app.sqlite3"
    users.add("office", "office", "city", None, "Duban-Pass-2026", path=path)
    users.add("dong", "dong", "street", "990101001", "Duban-Pass-2026", path=path)
    f, _ = parse_filters(OCTOBER, db.areas(), db.as_of(), db.data_start())
    alerts = overview.alerts(overview.children(f))
    shown = alerts.shown.reset_index(drop=True)
    row = lambda name, what: int(shown.index[(shown["区域"] == name) & (shown["指标"] == what)][0])  # noqa: E731
    draft = duban_data.alert_draft(u("office", path), alerts, row("甲区", "超期"))
    assert (draft["kind"], draft["addressee"], draft["metrics"]) == ("tickets", "990101", [])
    draft = duban_data.alert_draft(u("office", path), alerts, row("甲区", "三率综合得分"))
    jia = [metric_key(x) for x in alerts.all.loc[alerts.all["area_code"] == "990101", "指标"]]
    assert draft["kind"] == "indicator" and draft["metrics"][0] == "composite_score"
    assert set(draft["metrics"]) == set(jia) - {"overdue"} and "overdue" not in draft["metrics"]
    assert duban_data.alert_draft(u("dong", path), alerts, row("甲区", "超期")) is None


def metric_key(zh):
    from dashboard.core.metrics import REGISTRY

    return next(k for k, m in REGISTRY.items() if m.zh == zh)


def test_a_street_sees_neither_another_streets_items_nor_its_handling_units(app_env, tmp_path, monkeypatch):
    """The office sends one 督办 to 东街道 and one to 西街道: 东街道's account (test_street) sees only its own in the
    督办台账, and the 承办单位 ranking there lists only the units at work in 东街道."""
    from tests.pages import run_page

    path = tmp_path / "app.sqlite3"
    users.add("test_city", "测试市级", "city", None, "Duban-Pass-2026", path=path)
    users.add("test_street", "东街道", "street", "990101001", "Duban-Pass-2026", path=path)
    monkeypatch.setenv("DASHBOARD_APP_DB", str(path))
    office = u("test_city", path)
    east = duban.issue(office, "tickets", "990101001", "东街道", "东街道超期", "核实", TICKETS, 3, ISSUED, path=path)
    duban.issue(office, "tickets", "990101002", "西街道", "西街道超期", "核实", TICKETS, 3, ISSUED, path=path)
    at = run_page("duban", OCTOBER, user="test_street")
    ledger = next(d.value for d in at.dataframe if "编号" in d.value.columns)
    assert list(ledger["编号"]) == [east.number] and list(ledger["被督办单位"]) == ["东街道"]
    table = next(d.value for d in at.dataframe if "承办单位" in d.value.columns)
    assert sorted(table["承办单位"]) == sorted(["东街道办事处", "区交通支队"])
    assert not [b for b in at.button if b.key and b.key.startswith("duban_units_rb_duban_")]


def test_a_disguised_or_dangerous_attachment_is_refused_and_nothing_is_written(app):
    """A program renamed .pdf, a script renamed .jpg, a text file that is binary, an empty file: each refused
    with a Chinese reason, the item still 已下发 with only its issue step. A real PDF sent with a folder in its
    name is kept under its bare name."""
    item = duban.issue(u("office", app), "tickets", "990101001", "东街道", "x", "y", TICKETS, 3, ISSUED, path=app)
    dong = u("dong", app)
    for name, data, reason in [("整改报告.pdf", b"MZ\x90\x00" + b"\x00" * 64, "可执行程序"),
                               ("现场照片.jpg", b"#!/bin/sh\nrm -rf /\n", "可执行程序或脚本"),
                               ("照片.png", b"GIF89a" + b"\x00" * 16, "与文件类型 .png 不符"),
                               ("说明.docx", b"%PDF-1.4 not a docx", "与文件类型 .docx 不符"),
                               ("说明.txt", b"abc\x00\x01\x02", "不是文本"),
                               ("空.pdf", b"", "空文件")]:
        with pytest.raises(duban.DubanError, match=reason):
            duban.answer(dong, item.id, "说明", ISSUED, attachment=(name, data), path=app)
    assert duban.get(item.id, app).status == "issued" and len(duban.events(item.id, app)) == 1
    duban.answer(dong, item.id, "说明", ISSUED, attachment=("../../etc/整改说明.pdf", b"%PDF-1.7 ok"), path=app)
    event = duban.events(item.id, app)[-1]
    assert duban.attachment(event["id"], app) == ("整改说明.pdf", b"%PDF-1.7 ok")


def test_a_long_list_of_lagging_figures_is_cut_to_fit_the_subject():
    """Eight figures past their lines would make a 督办事项 of about 230 characters; the form takes 200: the subject
    names as many as fit and says how many there are."""
    from dashboard.data import duban as duban_data

    figures = [{"指标": f"指标名称{i}号", "本期": "66.7%", "预警线": "95.0%", "低于预警线": True} for i in range(8)]
    subject = duban_data.default_subject("indicator", "甲区", {"figures": figures})
    assert len(subject) <= 200 and subject.endswith("等 8 项指标越过预警线")
    assert subject.startswith("甲区指标名称0号为 66.7%（预警线 95.0%）、")
    short = duban_data.default_subject("indicator", "甲区", {"figures": figures[:2]})
    assert short == "甲区指标名称0号为 66.7%（预警线 95.0%）、指标名称1号为 66.7%（预警线 95.0%）"
