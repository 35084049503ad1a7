"""督办通知单 — the numbered notice of a 督办 as an editable Word file (DOCX) and as PDF.

DOCX with python-docx: A4, 仿宋 body and 黑体 headings set as East Asian fonts (WPS and
Word on Windows pick them; elsewhere Noto CJK stands in), the evidence as a real table,
the issuer, the deadline, and a footer saying who generated it when (traceable). PDF by
LibreOffice headless from that same DOCX, so both say the same.
"""

from __future__ import annotations

import io
from datetime import datetime

from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Cm, RGBColor

from dashboard.supervision.duban import Item, KIND_ZH

from dashboard.core.wordfile import _font, _para, BODY_FONT, cn_date, HEAD_FONT


COLUMN_CM = {("指标", "本期", "预警线", "统计期间", "口径", "计数"): (2.3, 1.8, 1.8, 2.8, 4.0, 2.9),
             ("指标", "本期", "预警线", "统计期间", "口径"): (2.6, 2.0, 2.0, 2.8, 6.2)}


def evidence_rows(item: Item) -> tuple[list[str], list[list[str]]]:
    """The table behind the notice: the tickets, or the figures of the lagging indicator."""
    ev = item.evidence
    if item.kind == "tickets":
        head = ["工单编号", "诉求事项", "受理日期", "办结时限", "超期工作日", "主办单位"]
        rows = [[str(t.get("工单编号", "")), str(t.get("标题", ""))[:40], str(t.get("受理时间", ""))[:10],
                 str(t.get("办结时限", ""))[:10], str(t.get("已超期（工作日）", "")), str(t.get("主办单位", ""))]
                for t in ev.get("tickets", [])]
    else:
        figures = ev.get("figures", [])
        counted = any(x.get("计数") for x in figures)  # the counts behind each figure (a handling unit's)
        head = ["指标", "本期", "预警线", "统计期间", "口径"] + (["计数"] if counted else [])
        rows = [[str(x.get("指标", "")), str(x.get("本期", "")), str(x.get("预警线", "")), str(x.get("期间", "")),
                 str(x.get("口径", ""))] + ([str(x.get("计数", ""))] if counted else []) for x in figures]
    return head, rows


def to_docx(item: Item, issuer_name: str, generated_by: str, generated_at: datetime, sample: bool = False) -> bytes:
    doc = Document()
    section = doc.sections[0]
    section.page_height, section.page_width = Cm(29.7), Cm(21.0)
    section.top_margin, section.bottom_margin = Cm(3.0), Cm(2.8)
    section.left_margin, section.right_margin = Cm(2.8), Cm(2.6)
    doc.core_properties.title = f"督办通知单 {item.number}"
    doc.core_properties.author = generated_by
    if sample:
        _para(doc, "示例数据（虚构城市），不代表真实情况", 12, color=RGBColor(0xC2, 0x41, 0x0C), align=WD_ALIGN_PARAGRAPH.CENTER)
    _para(doc, "督办通知单", 26, HEAD_FONT, True, WD_ALIGN_PARAGRAPH.CENTER, color=RGBColor(0xB9, 0x1C, 0x1C))
    _para(doc, item.number, 16, align=WD_ALIGN_PARAGRAPH.CENTER)
    _para(doc, f"{item.addressee_name}{'、' + item.handling_unit if item.handling_unit else ''}：", 16)
    _para(doc, f"经督查，{item.subject}。现予督办（{KIND_ZH[item.kind]}），请按以下要求办理，并于"
               f"{cn_date(item.deadline)}前（{item.deadline_days} 个工作日内）通过看板“督办台账”反馈办理和整改情况。",
          16, indent=True)
    _para(doc, "一、办理要求", 16, HEAD_FONT)
    for line in item.requirement.splitlines():
        if line.strip():
            _para(doc, line.strip(), 16, indent=True)
    head, rows = evidence_rows(item)
    _para(doc, f"二、督办依据（共 {len(rows)} 项）", 16, HEAD_FONT)
    table = doc.add_table(rows=1, cols=len(head))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for cell, text in zip(table.rows[0].cells, head):
        cell.text = ""
        _font(cell.paragraphs[0].add_run(text), HEAD_FONT, 10.5, True)
    for row in rows:
        cells = table.add_row().cells
        for cell, text in zip(cells, row):
            cell.text = ""
            _font(cell.paragraphs[0].add_run(text), BODY_FONT, 10.5)
    widths = COLUMN_CM.get(tuple(head))  # the 口径 and 计数 columns wide, the numbers narrow (15.6 cm in all)
    if widths:
        table.autofit = False
        for column, w in zip(table.columns, widths):  # the grid (LibreOffice, WPS) and each cell (Word)
            column.width = Cm(w)
        for r in table.rows:
            for cell, w in zip(r.cells, widths):
                cell.width = Cm(w)
    _para(doc, "", 12)
    _para(doc, "三、反馈方式", 16, HEAD_FONT)
    _para(doc, "登录基层治理督查考评看板，在“督办台账”中找到本通知单编号，填写反馈和整改说明（可附材料）。逾期未反馈的将予催办；"
               "多次逾期的，按规定予以书面通报批评，并纳入年度考核。", 16, indent=True)
    _para(doc, issuer_name, 16, align=WD_ALIGN_PARAGRAPH.RIGHT)
    _para(doc, cn_date(item.issued_at), 16, align=WD_ALIGN_PARAGRAPH.RIGHT)
    footer = section.footer.paragraphs[0]
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _font(footer.add_run(f"{item.number} · 由 {generated_by} 于 {generated_at:%Y-%m-%d %H:%M} 生成"
                         f"{' · 示例数据' if sample else ''}"), BODY_FONT, 9, color=RGBColor(0x6B, 0x72, 0x80))
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()
