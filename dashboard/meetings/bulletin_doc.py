"""通报 as an editable Word file (DOCX) and as PDF (LibreOffice, dashboard/core/wordfile.py).

Layout of a Chinese official notice: A4, the red title 关于……工作情况的通报 in 黑体, the scope, period
and data moment under it, numbered sections in 黑体 with 仿宋 body text, real tables (Table Grid) for
the 红黑榜 and the 问题清单, a 整改要求 section with a marked place for the author's text, and a
footer with the 导出人 line (and 示例数据 while sample data is loaded).
"""

from __future__ import annotations

import io
from datetime import date

from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor

from dashboard.core.metrics import format_number, metric
from dashboard.core.wordfile import _font, _para, BODY_FONT, cn_date, HEAD_FONT
from dashboard.meetings.bulletin import Bulletin

RED, GRAY, ORANGE = RGBColor(0xB9, 0x1C, 0x1C), RGBColor(0x6B, 0x72, 0x80), RGBColor(0xC2, 0x41, 0x0C)
TODO = "（请在此填写整改要求：责任单位、整改措施、完成时限。本段由起草人填写，系统不代拟。）"


def _table(doc, head: list[str], rows: list[list[str]], widths: list[float], numeric: set[int] = frozenset()) -> None:
    """A Table Grid table with fixed column widths (cm), the header row repeated on every page, numbers
    (columns in ``numeric``) right-aligned; rows do not break across pages."""
    table = doc.add_table(rows=1, cols=len(head))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    header = table.rows[0]
    trpr = header._tr.get_or_add_trPr()
    trpr.append(trpr.makeelement(qn("w:tblHeader"), {qn("w:val"): "true"}))
    for cell, text in zip(header.cells, head):
        cell.text = ""
        cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
        _font(cell.paragraphs[0].add_run(text), HEAD_FONT, 11, True)
    for row in rows:
        r = table.add_row()
        r._tr.get_or_add_trPr().append(r._tr.makeelement(qn("w:cantSplit"), {qn("w:val"): "true"}))
        for i, (cell, text) in enumerate(zip(r.cells, row)):
            cell.text = ""
            if i in numeric:
                cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.RIGHT
            _font(cell.paragraphs[0].add_run(text), BODY_FONT, 11)
    for col, w in zip(table.columns, widths):
        col.width = Cm(w)
        for cell in col.cells:
            cell.width = Cm(w)
    _para(doc, "", 8)


def _caption(doc, text: str) -> None:
    """A table's caption, kept on the page of its table."""
    _para(doc, text, 12, HEAD_FONT).paragraph_format.keep_with_next = True


def to_docx(b: Bulletin, signature: str) -> bytes:
    """The 通报 of ``b``; ``signature`` is the 导出人 line (access.export_signature)."""
    doc = Document()
    section = doc.sections[0]
    section.page_height, section.page_width = Cm(29.7), Cm(21.0)
    section.top_margin, section.bottom_margin = Cm(3.0), Cm(2.6)
    section.left_margin, section.right_margin = Cm(2.8), Cm(2.6)
    doc.core_properties.title = b.title
    doc.core_properties.subject = f"{b.scope_path} {b.period_label}"
    doc.core_properties.author = signature.removeprefix("导出人：").split(" · ")[0]
    if b.is_sample:
        _para(doc, "示例数据（虚构城市），不代表真实情况", 12, color=ORANGE, align=WD_ALIGN_PARAGRAPH.CENTER)
    _para(doc, b.title, 22, HEAD_FONT, True, WD_ALIGN_PARAGRAPH.CENTER, color=RED)
    for line in [f"范围：{b.scope_path}　期间：{b.period_label}"] + ([f"对比：{b.comparison}"] if b.comparison else []) \
            + [f"数据截至：{b.as_of}"]:
        _para(doc, line, 12, align=WD_ALIGN_PARAGRAPH.CENTER, color=GRAY).paragraph_format.line_spacing = Pt(18)

    n = iter("一二三四五六七八")
    _para(doc, f"{next(n)}、总体情况", 16, HEAD_FONT)
    for text in (b.overall, b.changes):
        if text:
            _para(doc, text, 16, indent=True)

    _para(doc, f"{next(n)}、红黑榜", 16, HEAD_FONT)
    if b.boards_text:
        _para(doc, b.boards_text, 16, indent=True)
    for board in b.boards:
        rows = [[s.rank_text, "红榜" if which == "red" else "黑榜", s.name, s.value_text, s.change or "—",
                 f"{s.streak} 期" if s.streak_text else "—"]  # the header says 连续上黑榜
                for which, part in (("red", board.red), ("black", board.black)) for s in part.rows]
        if not rows:
            continue
        _caption(doc, f"{board.metric.zh}红黑榜（{board.rule}）")
        _table(doc, ["名次", "榜单", b.child_zh, board.metric.zh, "名次变化", "连续上黑榜"], rows,
               [2.4, 1.4, 4.0, 3.0, 2.0, 2.8], {3})

    _para(doc, f"{next(n)}、问题清单", 16, HEAD_FONT)
    if b.alerts_text:
        _para(doc, b.alerts_text, 16, indent=True)
    if not b.alerts.empty:
        # The paragraph above counts the metrics other than 超期 (which has its own paragraph); the table
        # holds every row, so its caption says how the two counts differ.
        overdue = int((b.alerts["指标"] == metric("overdue").zh).sum())
        also = f"，其中超期 {overdue:,} 项，见（二）" if overdue else ""
        _caption(doc, f"（一）指标越过预警线的{b.child_zh}（共 {len(b.alerts):,} 项{also}）")
        # widths: "低于 7.00 个/万人" and "-6.8 个百分点" each on one line
        _table(doc, ["区域", "指标", "数值", "预警线", "偏离"], b.alerts.astype(str).values.tolist(),
               [2.4, 3.6, 2.8, 3.8, 3.0], {2, 4})
    if b.overdue_text:
        _para(doc, b.overdue_text, 16, indent=True)
    if b.overdue:
        _caption(doc, f"（二）超期未办结工单（按{b.child_zh}）")
        _table(doc, [b.child_zh, "超期（件）", "期末积压（件）"],
               [[name, format_number(o), format_number(k)] for name, o, k in b.overdue], [7.0, 4.0, 4.0], {1, 2})

    if b.duban_text:
        _para(doc, f"{next(n)}、督办事项办理情况", 16, HEAD_FONT)
        _para(doc, b.duban_text, 16, indent=True)
        if b.duban_rows:
            _table(doc, ["被督办单位", "督办件数", "已办结", "按期反馈", "逾期", "按期反馈率"], b.duban_rows,
                   [5.0, 2.0, 2.0, 2.0, 2.0, 2.6], {1, 2, 3, 4, 5})

    # 整改要求 and the sign-off stay on one page (the sign-off was left alone on a last page)
    for p in (_para(doc, f"{next(n)}、整改要求", 16, HEAD_FONT), _para(doc, TODO, 16, indent=True, color=ORANGE),
              _para(doc, "", 16), _para(doc, "（发文单位）", 16, align=WD_ALIGN_PARAGRAPH.RIGHT, color=ORANGE)):
        p.paragraph_format.keep_with_next = True
    _para(doc, cn_date(date.today()), 16, align=WD_ALIGN_PARAGRAPH.RIGHT)

    footer = section.footer.paragraphs[0]
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _font(footer.add_run(("示例数据 · " if b.is_sample else "") + f"{b.scope_path} · {b.period_text} · 数据截至 {b.as_of} · "
                         + signature), BODY_FONT, 9, color=GRAY)
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()
