"""Word files (DOCX) in Chinese, and their PDF through LibreOffice — shared by the 督办通知单
(dashboard/supervision/duban_doc.py) and the 通报 (dashboard/meetings/bulletin_doc.py).

仿宋 body and 黑体 headings set as East Asian fonts (WPS and Word on Windows pick them; elsewhere
Noto CJK stands in). PDF by LibreOffice headless from the same DOCX, so both say the same.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Pt, RGBColor

BODY_FONT, HEAD_FONT = "仿宋", "黑体"


class DocumentError(RuntimeError):
    """The document could not be produced; Chinese message."""


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


def soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def to_pdf(docx: bytes, timeout: int = 120, suffix: str = ".docx") -> bytes:
    """The DOCX (or, with ``suffix=".pptx"``, a presentation) converted by LibreOffice headless
    (Debian's libreoffice-writer-nogui / libreoffice-impress-nogui)."""
    exe = soffice()
    if exe is None:
        raise DocumentError("服务器上没有 LibreOffice，无法生成 PDF；请下载 Word 版（DOCX），或请管理员安装 "
                            "libreoffice-writer-nogui。")
    with tempfile.TemporaryDirectory(prefix="docx-") as tmp:
        src = Path(tmp) / f"notice{suffix}"
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
