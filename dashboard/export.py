"""导出 — tables as Excel (.xlsx) and CSV with a header block saying what they are:
title, area scope, period, comparison, data as-of and export time.

Excel via openpyxl (bold title, frozen header row, sensible column widths); CSV in
UTF-8 with BOM so that Excel on Windows shows the Chinese correctly.

Formula injection: a text cell beginning with ``=``, ``+``, ``-``, ``@``, a tab or a carriage
return (an imported name such as ``=HYPERLINK(…)``) would be run by Excel as a formula. In
.xlsx such text is stored as a text cell, never a formula; in CSV, which has no cell types, it
gets a leading apostrophe (Excel's own mark for "text"). Numbers stay numbers — also numbers
held as text, such as ``-9.0`` (a negative number is not a formula).
"""

from __future__ import annotations

import io
import re
from datetime import datetime

import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from dashboard.filters import COMPARISONS, Filters


def context_lines(f: Filters, scope_path: str, exported_at: datetime | None = None) -> list[str]:
    """The header block: what area, which period, as of when."""
    exported_at = exported_at or datetime.now()
    lines = [f"范围：{scope_path}", f"期间：{f.describe_period().split('，')[0]}"]
    if f.comparison:
        lines.append(f"对比：{COMPARISONS[f.compare]} {f.comparison.label}")
    lines += [f"数据截至：{f.as_of:%Y-%m-%d %H:%M}", f"导出时间：{exported_at:%Y-%m-%d %H:%M}"]
    return lines


FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"[+-]?(\d[\d,]*(\.\d*)?|\.\d+)([eE][+-]?\d+)?%?")


def is_formula_like(v) -> bool:
    """Text Excel would take for a formula (or a DDE command): starts with = + - @ tab CR and is
    not simply a number."""
    return isinstance(v, str) and v.startswith(FORMULA_START) and not _NUMBER.fullmatch(v.strip())


def neutralise(v):
    """A value for a CSV cell: formula-like text gets a leading apostrophe; everything else as it is."""
    return "'" + v if is_formula_like(v) else v


def _append(ws, values: list) -> None:
    """Append a row; text openpyxl would store as a formula (it starts with =) stays text."""
    ws.append(values)
    for cell in ws[ws.max_row]:
        if cell.data_type == "f":
            cell.data_type = "s"


def _cell_value(v):
    if v is None or (isinstance(v, float) and pd.isna(v)) or v is pd.NaT:
        return None
    if isinstance(v, pd.Timestamp):
        return v.to_pydatetime()
    if hasattr(v, "item"):
        return v.item()
    return v


def sheet_title(title: str) -> str:
    r"""Excel's rules for a sheet name: at most 31 characters, none of ``[]:*?/\``, not
    starting or ending with an apostrophe. "各街道/乡镇指标一览" becomes "各街道、乡镇指标一览"."""
    name = title.translate(str.maketrans({"/": "、", "\\": "、", "[": "（", "]": "）", ":": "：", "*": "×", "?": "？"}))
    return name.strip("'")[:31] or "数据"


def to_xlsx(frame: pd.DataFrame, title: str, context: list[str]) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = sheet_title(title)
    _append(ws, [title])
    ws["A1"].font = Font(bold=True, size=14)
    for line in context:
        _append(ws, [line])
    ws.append([])
    header_row = ws.max_row + 1
    _append(ws, [str(c) for c in frame.columns])
    fill = PatternFill("solid", fgColor="DCE6F2")
    for cell in ws[header_row]:
        cell.font = Font(bold=True)
        cell.fill = fill
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    for row in frame.itertuples(index=False):
        _append(ws, [_cell_value(v) for v in row])
    for i, col in enumerate(frame.columns, start=1):
        sample = [str(col)] + [str(v) for v in frame.iloc[:200, i - 1].tolist()]
        width = max(len(s.encode("gbk", errors="replace")) for s in sample)  # CJK counts double
        ws.column_dimensions[get_column_letter(i)].width = min(max(width + 2, 8), 60)
        if pd.api.types.is_datetime64_any_dtype(frame.iloc[:, i - 1]):
            for cell in ws[get_column_letter(i)][header_row:]:
                cell.number_format = "yyyy-mm-dd hh:mm"
    ws.freeze_panes = ws.cell(row=header_row + 1, column=1)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def to_csv(frame: pd.DataFrame, title: str, context: list[str]) -> bytes:
    """CSV with CRLF line ends (what Excel writes): a cell holding a line break or a carriage
    return is then quoted, so it cannot start a new row."""
    head = "".join(neutralise(line).replace("\r", " ").replace("\n", " ") + "\r\n" for line in [title, *context, ""])
    safe = frame.rename(columns=lambda c: neutralise(str(c)))
    for col in safe.columns:
        if safe[col].dtype == object or pd.api.types.is_string_dtype(safe[col]):
            safe[col] = safe[col].map(neutralise)
    return (head + safe.to_csv(index=False, lineterminator="\r\n")).encode("utf-8-sig")


def file_stem(title: str, f: Filters, scope_name: str) -> str:
    return f"{title}_{scope_name}_{f.period.start:%Y%m%d}-{f.period.end:%Y%m%d}"
