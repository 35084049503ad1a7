"""The meeting brief built from the fixture database: a PPTX whose slides carry the right
titles and hand-computed numbers, and a PDF whose pages are the same slides.

October 2025, whole city (hand-computed in tests/test_ticket_metrics.py): 15 received, backlog 7,
2 overdue, 81.8 % on time (环比 September 100 % → −18.2 points), composite 79.4; 乙县 96.0 and 甲区 75.2
form the 红黑榜; 11 closed, 2 due soon, 满意率 76.0 %.
Map: 8 grids, 5 with a full-time worker → 62.5 % (tests/test_grid_supervision.py), coloured by the
composite score, so the same 红黑榜 as the overview.
Organisations on 31 Oct 2025 (tests/test_orgs.py): 8 active (O08 registered 15 Oct, O09 gone 20 Oct),
registered (not 社区社会组织) O01 O02 O03 O08: 4 / 11,000 × 10,000 = 3.64 per 10,000; 乙县 O03 / 1,000 → 10.00
(红榜, above the target 7), 甲区 3 / 10,000 → 3.00 (黑榜, below it); no community
reaches 10 (urban) / 5 (rural) community organisations → all 4 below target.
Assessment (tests/test_assessment.py): the 2024 round, city average 314 / 4 = 78.5 against 76.75 in 2023
(+1.8); 3 committees moved up, 东二社区 dropped; 甲区 84.0 and 乙县 62.0 form the 红黑榜.
"""

import io
import subprocess

import pytest
from pptx import Presentation

from dashboard.core.filters import parse_filters
from dashboard.meetings import brief, deck
from dashboard.store import db

OCTOBER = {"period": "custom", "start": "2025-10-01", "end": "2025-10-31", "compare": "mom"}
SIGN = "导出人：测试市级（test_city） · 2025-11-10 12:00"  # what access.export_signature() says for test_city


@pytest.fixture(scope="module")
def october_brief(fixture_db):
    import os
    old = os.environ.get("DASHBOARD_DB")
    os.environ["DASHBOARD_DB"] = str(fixture_db)
    try:
        f, _ = parse_filters(OCTOBER, db.areas(), db.as_of(), db.data_start())
        d = deck.build_deck(f, ["overview", "tickets", "map", "orgs", "assessment"], signature=SIGN)
        pptx, pdf = brief.render(d)
    finally:
        if old is None:
            os.environ.pop("DASHBOARD_DB", None)
        else:
            os.environ["DASHBOARD_DB"] = old
    return d, pptx, pdf


def slide_texts(slide) -> str:
    return "\n".join(shape.text_frame.text for shape in slide.shapes if shape.has_text_frame)


def test_pptx_has_a_title_slide_and_one_slide_per_topic(october_brief):
    _, pptx, _ = october_brief
    prs = Presentation(io.BytesIO(pptx))
    assert len(prs.slides) == 7  # the cover, 本期要点, five topics
    title = slide_texts(prs.slides[0])
    assert "基层治理督查考评简报" in title and "范围：全市" in title
    assert "期间：自定义 2025-10-01 至 2025-10-31" in title and "对比：环比 2025-09-01 至 2025-09-30" in title
    assert "数据截至：2025-11-10 12:00" in title
    assert slide_texts(prs.slides[2]).startswith("总览｜全市")
    # Real title placeholders: the outline, WPS navigation and screen readers see each title.
    assert [s.shapes.title.text for s in prs.slides] == [
        "基层治理督查考评简报", "本期要点", "总览｜全市", "诉求工单｜全市", "网格地图｜全市", "社会组织｜全市", "居村考核｜全市"]
    assert prs.core_properties.title == "基层治理督查考评简报｜全市"
    points = slide_texts(prs.slides[1])
    assert "2025年10月，全市共受理群众诉求 15 件；办结 11 件；期末积压 7 件；按期办结率 81.8%" in points
    assert "期末超期未办结工单 2 件，分布在甲区 2 件。" in points


def test_overview_slide_numbers_changes_and_red_black_list(october_brief):
    _, pptx, _ = october_brief
    text = slide_texts(Presentation(io.BytesIO(pptx)).slides[2])
    for expected in ("受理量\n15 件", "积压\n7 件", "超期\n2 件", "按期办结率\n81.8%", "三率综合得分\n79.4 分",
                     "环比 对比期无数据", "第 1 名　乙县　96.0 分", "黑榜（仅 1 个低于预警线）",
                     "第 2 名　甲区　75.3 分"):
        assert expected in text, expected
    shapes = Presentation(io.BytesIO(pptx)).slides[2].shapes
    charts = [s.chart for s in shapes if s.has_chart]  # a native chart, not a picture
    assert len(charts) == 1 and not [s for s in shapes if s.shape_type == 13]
    assert list(charts[0].plots[0].categories) == ["乙县", "甲区"]
    assert [round(v, 2) for v in charts[0].plots[0].series[0].values] == [96.0, 75.25]
    assert [p.data_label.text_frame.text for p in charts[0].plots[0].series[0].points] == ["96.0 分", "75.3 分"]


def test_speaker_notes_hold_the_definitions(october_brief):
    _, pptx, _ = october_brief
    notes = Presentation(io.BytesIO(pptx)).slides[2].notes_slide.notes_text_frame.text
    assert "按期办结率：按已办结口径：期间内办结的工单中，在办结时限（含延期）之前办结的比例" in notes
    assert "100 ×（0.1×响应率 + 0.5×解决率 + 0.4×满意率）" in notes


def test_tickets_slide(october_brief):
    _, pptx, _ = october_brief
    text = slide_texts(Presentation(io.BytesIO(pptx)).slides[3])
    assert "办结量\n11 件" in text and "即将超期\n2 件" in text and "满意率\n76.0%" in text
    notes = Presentation(io.BytesIO(pptx)).slides[3].notes_slide.notes_text_frame.text
    assert "共 4 件" in notes  # T11, T05 overdue; T16, T06 due soon


def test_map_slide(october_brief):
    _, pptx, _ = october_brief
    slide = Presentation(io.BytesIO(pptx)).slides[4]
    text = slide_texts(slide)
    for expected in ("网格数\n8 个", "专职网格员配备率\n62.5%", "三率综合得分\n79.4 分",
                     "第 1 名　乙县　96.0 分", "第 2 名　甲区　75.3 分"):
        assert expected in text, expected
    assert len([s for s in slide.shapes if s.shape_type == 13]) == 1  # the choropleth


def test_orgs_slide(october_brief):
    _, pptx, _ = october_brief
    slide = Presentation(io.BytesIO(pptx)).slides[5]
    text = slide_texts(slide)
    # six boxes: the long label does not fit one line even at 9 pt, so its unit takes a second line
    for expected in ("社会组织数\n8 个", "每万人社会组织数\n（个/万人）\n3.64", "3A 以上占比\n25.0%",
                     "社区社会组织达标率\n0.0%", "第 1 名　乙县　10.00 个/万人", "第 2 名　甲区　3.00 个/万人"):
        assert expected in text, expected
    assert "未达标的社区/村 4 个" in slide.notes_slide.notes_text_frame.text


def test_assessment_slide(october_brief):
    """Rank change against the previous round (2023: 甲区 83.7 first, 乙县 56.0 second: 持平 both) and 乙县 below
    the line 75 in both rounds: 连续 2 期上黑榜 (tests/test_rankings.py has the sums)."""
    _, pptx, _ = october_brief
    slide = Presentation(io.BytesIO(pptx)).slides[6]
    text = slide_texts(slide)
    for expected in ("考核平均分\n78.5 分", "较上一轮 +1.8", "升档数\n3 个", "降档数\n1 个",
                     "第 1 名　甲区　84.0 分　持平", "第 2 名　乙县　62.0 分　持平　连续 2 期"):
        assert expected in text, expected
    notes = slide.notes_slide.notes_text_frame.text
    assert "2024" in notes and "降档的社区/村：东二社区（共 1 个）" in notes


def test_street_and_community_decks(fixture_db, monkeypatch):
    """东街道: committees ranked by total (东一 92, 东二 82); at 东一社区 the slides say what there is
    instead of a one-bar chart."""
    monkeypatch.setenv("DASHBOARD_DB", str(fixture_db))
    street = {**OCTOBER, "district": "990101", "street": "990101001"}
    f, _ = parse_filters(street, db.areas(), db.as_of(), db.data_start())
    slide = deck.build_slide(f, "assessment")
    assert [(r.rank, r.name, r.value) for r in slide.red + slide.black] == [("第 1 名", "东一社区", "92.0 分"), ("第 2 名", "东二社区", "82.0 分")]
    f, _ = parse_filters({**street, "community": "990101001001"}, db.areas(), db.as_of(), db.data_start())
    orgs_slide, assess_slide = deck.build_slide(f, "orgs"), deck.build_slide(f, "assessment")
    assert orgs_slide.figure is None and orgs_slide.message == "本社区/村社区社会组织 2 个，目标 10 个。"
    assert assess_slide.figure is None and assess_slide.message == "东一社区：总分 92.0 分，优秀。"
    map_slide = deck.build_slide(f, "map")
    assert [r.name for r in map_slide.red + map_slide.black] == ["东一第一网格", "东一第二网格"]


def test_chinese_runs_carry_an_east_asian_font(october_brief):
    _, pptx, _ = october_brief
    xml = Presentation(io.BytesIO(pptx)).slides[2].shapes[0].text_frame._txBody.xml
    assert 'a:ea typeface="微软雅黑"' in xml


def test_pdf_has_the_same_pages_and_renders(october_brief, tmp_path):
    _, _, pdf = october_brief
    path = tmp_path / "brief.pdf"
    path.write_bytes(pdf)
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    assert "Pages:           7" in info
    assert "Title:           基层治理督查考评简报｜全市" in info
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout
    assert "总览｜全市" in text and "81.8%" in text and "第 1 名 乙县 96.0 分" in " ".join(text.split())
    subprocess.run(["pdftoppm", "-png", "-r", "60", str(path), str(tmp_path / "page")], check=True)
    assert len(list(tmp_path.glob("page-*.png"))) == 7


def test_every_page_and_the_file_properties_name_the_exporting_user(october_brief, tmp_path):
    """Traceability: the 导出人 line (name, account, time) on every slide and every PDF page; the
    exporting user as the author of both files, and a PDF creator that is this dashboard, not a browser."""
    _, pptx, pdf = october_brief
    prs = Presentation(io.BytesIO(pptx))
    assert prs.core_properties.author == "测试市级（test_city）"
    for slide in prs.slides:
        assert "导出人：测试市级（test_city） · 2025-11-10 12:00" in slide_texts(slide)
    path = tmp_path / "brief.pdf"
    path.write_bytes(pdf)
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    assert "Author:          测试市级（test_city）" in info
    assert "Creator:         基层治理督查考评看板" in info and "Subject:         自定义 2025-10-01 至 2025-10-31" in info
    assert "Pages:           7" in info  # the appended properties leave the pages as they were
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    pages = [p for p in text.split("\f") if p.strip()]
    assert len(pages) == 7 and all("导出人：测试市级（test_city）" in "".join(p.split()) for p in pages)


def test_the_sidebar_dialog_signs_the_brief_with_the_logged_in_user(app_env):
    """生成会议简报 as test_city: the files the dialog offers carry that account's 导出人 line."""
    from tests.pages import run_page

    at = run_page("overview", OCTOBER)
    at.button(key="open_brief").click().run()
    # AppTest reruns the whole script (not the dialog alone): the dialog is open again and 生成 pressed.
    at.button(key="open_brief").click()
    at.button(key="brief_go").click().run(timeout=240)
    assert not at.exception and not at.error
    _, pptx, pdf = at.session_state["_brief_files"]
    footers = [slide_texts(s) for s in Presentation(io.BytesIO(pptx)).slides]
    assert all("导出人：测试市级（test_city） · " in t for t in footers)
    assert pdf.startswith(b"%PDF") and "测试市级（test_city）".encode("utf-16-be").hex().upper().encode() in pdf


def test_pdf_properties_are_an_incremental_update_of_a_classic_trailer():
    """A minimal PDF body: the update appends an information object and a trailer pointing back."""
    body = b"%PDF-1.4\n1 0 obj\n<</Type /Catalog>>\nendobj\nxref\n0 2\n0000000000 65535 f \n0000000009 00000 n \n" \
        b"trailer\n<</Size 2\n/Root 1 0 R>>\nstartxref\n46\n%%EOF\n"
    out = brief.pdf_properties(body, title="简报", author="张三（zs）", subject="")
    assert out.startswith(body)
    tail = out[len(body):]
    assert tail.startswith(b"2 0 obj\n<</Title <FEFF7B8062A5>\n/Author <FEFF") and b"/Subject" not in tail
    assert b"/Size 3\n/Root 1 0 R\n/Info 2 0 R\n/Prev 46>>" in tail
    xref_at = int(tail.rsplit(b"startxref\n", 1)[1].split(b"\n")[0])
    assert out[xref_at:].startswith(b"xref\n2 1\n%010d 00000 n " % len(body))
    assert brief.pdf_properties(b"%PDF-1.5 no classic trailer", "t", "a", "s") == b"%PDF-1.5 no classic trailer"


def test_number_boxes_keep_every_line_on_one_line_at_large_values(october_brief):
    """Nine-digit counts and their changes on a slide of six boxes: the sizes shrink until each line fits
    its box by the measure of brief.text_ems (which errs on the wide side), in the PPTX and in the PDF's HTML."""
    import dataclasses

    from dashboard.meetings.brief import text_ems

    d, _, _ = october_brief
    orgs = next(s for s in d.slides if s.key == "orgs")
    big = [dataclasses.replace(k, value=987654321.0 if k.metric.unit != "%" else 0.999,
                               previous=1.0 if k.metric.unit != "%" else 0.001) for k in orgs.kpis]
    assert len(big) == 6
    deck_big = dataclasses.replace(d, slides=[dataclasses.replace(orgs, kpis=big)], points=[])
    slide = Presentation(io.BytesIO(brief.to_pptx(deck_big, [None]))).slides[1]
    boxes = [sh for sh in slide.shapes if sh.has_text_frame and abs(sh.top - 1.5 * 914400) < 1000]
    assert len(boxes) == 6
    values = []
    for box in boxes:
        width_in = box.width / 914400 - 0.2  # less the text box's insets
        for p in box.text_frame.paragraphs:
            run = p.runs[0]
            assert run.font.size.pt * text_ems(run.text) / 72 <= width_in + 1e-6, run.text
        values.append((box.text_frame.paragraphs[1].runs[0].text, box.text_frame.paragraphs[1].runs[0].font.size.pt))
    assert ("987,654,321 个", values[0][1]) == values[0] and values[0][1] < 26  # shrunk from 26 pt
    html_text = brief.to_html(deck_big, [None])
    assert "987,654,321 个" in html_text and "font-size: 26" not in html_text.split("987,654,321")[0][-120:]


def test_series_names_are_plain_text(october_brief):
    _, pptx, _ = october_brief
    shapes = Presentation(io.BytesIO(pptx)).slides[3].shapes
    names = [sr.name for sh in shapes if sh.has_chart for sr in sh.chart.plots[0].series]
    assert names and names[-1].startswith(">") and not any("&gt;" in n for n in names)


def test_a_missing_browser_is_a_clear_chinese_error(monkeypatch):
    monkeypatch.setenv("BROWSER_PATH", "/nonexistent/chromium")
    with pytest.raises(brief.BriefError, match="需要 Chromium"):
        brief.chromium_path()


def test_topics_from_the_url():
    assert deck.parse_topics("tickets,overview") == (["tickets", "overview"], [])
    chosen, unknown = deck.parse_topics("tickets,nonsense")
    assert chosen == ["tickets"] and unknown == ["nonsense"]


def test_duban_slide_has_the_bulletins_numbers(fixture_db, tmp_path, monkeypatch):
    """Four 督办 by the city office (tests/test_duban.py's calendar: issued Wed 30 Sep 2026 with 3 working days,
    due Sat 10 Oct): 东街道 answered Fri 9 Oct and closed (on time); 东街道 answered Mon 12 Oct (late, 已反馈);
    西街道 never answered (逾期未反馈 now); 西街道 issued now with 5 working days (已下发). → 4 issued: 已下发 1,
    退回重办 0, 逾期未反馈 1, 已反馈 1, 已办结 1; 办结率 1/4 = 25.0 %. By unit, late first: 西街道 (2 issued,
    1 逾期未反馈, 1 逾期, no 反馈 → 按期反馈率 —), 东街道 (2 issued, 0, 1 late, 1 of 2 answered on time → 50.0 %).
    The slide's paragraph is the 通报's sentence, word for word; a deck without a user has no such slide."""
    from datetime import datetime

    from dashboard.accounts import users
    from dashboard.data import duban as duban_data
    from dashboard.meetings import bulletin
    from dashboard.supervision import duban
    from tests.conftest import TEST_PASSWORD

    app = tmp_path / "app.sqlite3"
    users.add("test_city", "测试市级", "city", None, TEST_PASSWORD, path=app)
    users.add("dong", "dong", "street", "990101001", TEST_PASSWORD, path=app)
    monkeypatch.setenv("DASHBOARD_APP_DB", str(app))
    monkeypatch.setenv("DASHBOARD_DB", str(fixture_db))
    office, dong = users.get("test_city", app), users.get("dong", app)
    issued = datetime(2026, 9, 30, 10, 0)
    one = duban.issue(office, "tickets", "990101001", "东街道", "一", "要求", {"tickets": []}, 3, issued, path=app)
    two = duban.issue(office, "tickets", "990101001", "东街道", "二", "要求", {"tickets": []}, 3, issued, path=app)
    duban.issue(office, "tickets", "990101002", "西街道", "三", "要求", {"tickets": []}, 3, issued, path=app)
    duban.issue(office, "tickets", "990101002", "西街道", "四", "要求", {"tickets": []}, 5, duban.today(), path=app)
    duban.answer(dong, one.id, "已办", datetime(2026, 10, 9, 16, 0), path=app)
    duban.close(office, one.id, "办结", datetime(2026, 10, 9, 17, 0), path=app)
    duban.answer(dong, two.id, "已办", datetime(2026, 10, 12, 9, 0), path=app)

    f, _ = parse_filters(OCTOBER, db.areas(), db.as_of(), db.data_start())
    d = deck.build_deck(f, ["overview"], user=office)
    assert d.duban.by_state == {"已下发": 1, "退回重办": 0, "逾期未反馈": 1, "已反馈": 1, "已办结": 1}
    prs = Presentation(io.BytesIO(brief.to_pptx(d, [None])))
    assert [s.shapes.title.text for s in prs.slides][-1] == "督办事项办理情况｜全市" and len(prs.slides) == 4
    slide = prs.slides[-1]
    text = slide_texts(slide)
    for expected in ("督办总数\n4 件", "已下发\n1 件", "退回重办\n0 件", "逾期未反馈\n1 件", "已反馈\n1 件", "已办结\n1 件",
                     "办结率\n25.0%"):
        assert expected in text, expected
    today = duban.today()
    sentence = f"截至{today.month}月{today.day}日，共下发督办事项 4 件，已办结 1 件，办结率 25.0%；逾期未反馈 1 件。"
    assert sentence in text and bulletin.build(f, office).duban_text == sentence
    table = next(s.table for s in slide.shapes if s.has_table)
    cells = [[c.text for c in row.cells] for row in table.rows]
    assert cells == [brief.DUBAN_HEAD, ["西街道", "2", "1", "1", "0", "—", ""], ["东街道", "2", "0", "1", "0", "50.0%", ""]]
    assert "第 4 页" in text
    assert duban_data.progress(f, None) is None
    assert len(Presentation(io.BytesIO(brief.to_pptx(deck.build_deck(f, ["overview"]), [None]))).slides) == 3
    html = brief.to_html(d, [None])
    assert "督办事项办理情况｜全市" in html and sentence in html
