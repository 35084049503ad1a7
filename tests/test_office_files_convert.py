"""Issue 17: the files staff hand over open the way their users open them. Each generated PPTX (the brief)
and DOCX (the 通报, city and district) is converted by LibreOffice headless to PDF and then to PNG; a
conversion error, an empty PDF or a page count that is not what the document holds fails the test.
(scripts/ensure_browser_deps.sh installs LibreOffice in CI, as it installs Chromium.)

Expected pages: the brief has 7 slides (cover, 本期要点, five topics; tests/test_meeting_brief.py). The
通报 of the fixture's October is short: its text and tables fit on 2–3 A4 pages.
"""

import os
import subprocess

import pytest

from dashboard.core import wordfile
from dashboard.core.filters import parse_filters
from dashboard.meetings import brief, bulletin, bulletin_doc, deck
from dashboard.store import db

OCTOBER = {"period": "custom", "start": "2025-10-01", "end": "2025-10-31", "compare": "mom"}
SIGN = "导出人：测试（test） · 2025-11-10 12:00"


@pytest.fixture(scope="module")
def files(fixture_db):
    old = os.environ.get("DASHBOARD_DB")
    os.environ["DASHBOARD_DB"] = str(fixture_db)
    try:
        f, _ = parse_filters(OCTOBER, db.areas(), db.as_of(), db.data_start())
        d = deck.build_deck(f, signature=SIGN)
        images = [brief.chart_png(s.figure) if s.figure is not None else None for s in d.slides]
        out = {"brief.pptx": brief.to_pptx(d, images)}
        for name, params in (("city", OCTOBER), ("district", {**OCTOBER, "district": "990101"})):
            g, _ = parse_filters(params, db.areas(), db.as_of(), db.data_start())
            out[f"通报-{name}.docx"] = bulletin_doc.to_docx(bulletin.build(g), SIGN)
        return out
    finally:
        if old is None:
            os.environ.pop("DASHBOARD_DB", None)
        else:
            os.environ["DASHBOARD_DB"] = old


def pages(pdf_path) -> int:
    info = subprocess.run(["pdfinfo", str(pdf_path)], capture_output=True, text=True, check=True).stdout
    return int(next(line.split()[-1] for line in info.splitlines() if line.startswith("Pages:")))


@pytest.mark.parametrize("name, expected", [("brief.pptx", range(7, 8)), ("通报-city.docx", range(2, 4)),
                                            ("通报-district.docx", range(2, 4))])
def test_libreoffice_converts_each_file_to_pdf_and_png(files, name, expected, tmp_path):
    assert wordfile.soffice(), "LibreOffice（soffice）缺失：scripts/ensure_browser_deps.sh 会安装"
    pdf = wordfile.to_pdf(files[name], suffix=name[name.rindex("."):])  # raises DocumentError on failure
    assert pdf.startswith(b"%PDF")
    path = tmp_path / "out.pdf"
    path.write_bytes(pdf)
    assert pages(path) in expected
    subprocess.run(["pdftoppm", "-png", "-r", "40", str(path), str(tmp_path / "page")], check=True)
    assert len(list(tmp_path.glob("page-*.png"))) == pages(path)
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    joined = "".join(text.split())
    # As opened in LibreOffice: the exporting user in every page's footer (the PPTX's and the DOCX's own)
    assert all("导出人：测试（test）" in "".join(p.split()) for p in text.split("\f") if p.strip())
    if name.endswith(".docx"):
        assert "基层治理工作情况的通报" in joined and "整改要求" in joined
    else:
        assert "本期要点" in joined and "居村考核｜全市" in joined
