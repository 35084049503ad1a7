"""督办通知单 — the numbered notice of a 督办 as an editable Word file (DOCX) and as PDF.

DOCX with python-docx: A4, 仿宋 body and 黑体 headings set as East Asian fonts (WPS and
Word on Windows pick them; elsewhere Noto CJK stands in), the evidence as a real table,
the issuer, the deadline, and a footer saying who generated it when (traceable). PDF by
LibreOffice headless from that same DOCX, so both say the same.
"""

from __future__ import annotations

import io
import shutil
import subprocess
import tempfile
from datetime import datetime
from pathlib import Path

from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor

from dashboard.duban import KIND_ZH, Item

BODY_FONT, HEAD_FONT = "仿宋", "黑体"


class DocumentError(RuntimeError):
    """The notice could not be produced; Chinese message."""


def _font(run, name: str, size: float, bold: bool = False, color: RGBColor | None = None) -> None:
    run.font.name = name
    run.font.size = Pt(size)
    run.font.bold = bold
    if color is not None:
        run.font.color.rgb = color
    rpr = run._element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = rpr.makeelement(qn("w:rFonts"), {})
        rpr.append(fonts)
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia"):
        fonts.set(qn(attr), name)


def cn_date(d) -> str:
    """2026年9月30日 — the date as official documents write it."""
    return f"{d.year}年{d.month}月{d.day}日"


def _para(doc, text: str, size: float = 16, font: str = BODY_FONT, bold: bool = False,
          align=WD_ALIGN_PARAGRAPH.LEFT, indent: bool = False, color: RGBColor | None = None):
    p = doc.add_paragraph()
    p.alignment = align
    p.paragraph_format.space_after = Pt(4)
    p.paragraph_format.line_spacing = Pt(26)
    if indent:
        p.paragraph_format.first_line_indent = Pt(size * 2)
    _font(p.add_run(text), font, size, bold, color)
    return p


def evidence_rows(item: Item) -> tuple[list[str], list[list[str]]]:
    """The table behind the notice: the tickets, or the figures of the lagging indicator."""
    ev = item.evidence
    if item.kind == "tickets":
        head = ["工单编号", "诉求事项", "受理日期", "办结时限", "超期工作日", "主办单位"]
        rows = [[str(t.get("工单编号", "")), str(t.get("标题", ""))[:40], str(t.get("受理时间", ""))[:10],
                 str(t.get("办结时限", ""))[:10], str(t.get("已超期（工作日）", "")), str(t.get("主办单位", ""))]
                for t in ev.get("tickets", [])]
    else:
        head = ["指标", "本期", "预警线", "统计期间", "口径"]
        rows = [[str(x.get("指标", "")), str(x.get("本期", "")), str(x.get("预警线", "")), str(x.get("期间", "")),
                 str(x.get("口径", ""))] for x in ev.get("figures", [])]
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


def soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def to_pdf(docx: bytes, timeout: int = 120) -> bytes:
    """The DOCX converted by LibreOffice headless (Debian's libreoffice-writer-nogui)."""
    exe = soffice()
    if exe is None:
        raise DocumentError("服务器上没有 LibreOffice，无法生成 PDF；请下载 Word 版（DOCX），或请管理员安装 "
                            "libreoffice-writer-nogui。")
    with tempfile.TemporaryDirectory(prefix="duban-") as tmp:
        src = Path(tmp) / "notice.docx"
        src.write_bytes(docx)
        profile = Path(tmp) / "profile"  # a private profile: two conversions at once do not collide
        try:
            subprocess.run([exe, f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to", "pdf",
                            "--outdir", tmp, str(src)], check=True, capture_output=True, timeout=timeout)
        except (subprocess.CalledProcessError, subprocess.TimeoutExpired) as e:
            raise DocumentError(f"PDF 转换失败（{type(e).__name__}），请下载 Word 版（DOCX）。") from None
        out = Path(tmp) / "notice.pdf"
        if not out.exists():
            raise DocumentError("PDF 转换没有产生文件，请下载 Word 版（DOCX）。")
        return out.read_bytes()
