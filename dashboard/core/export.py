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

from dashboard.core.filters import COMPARISONS, Filters


def context_lines(f: Filters, scope_path: str, exported_at: datetime | None = None) -> list[str]:
    """The header block: what area, which period, as of when — as the page says it: the data moment with its
    time (数据截至：2026-11-20 18:00) and a comparison cut at the same time of day when the period runs to
    that moment (对比：环比 2026-10-01 至 2026-10-20 18:00, ``Filters.comparison_label``)."""
    exported_at = exported_at or datetime.now()
    lines = [f"范围：{scope_path}", f"期间：{f.describe_period().split('，')[0]}"]
    if f.comparison:
        lines.append(f"对比：{COMPARISONS[f.compare]} {f.comparison_label}")
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


PERCENT_HEADER = "（%）"  # a column of rates already ×100 (85.5 = 85.5 %): stored as 0.855 with "0.0%"


def _decimals(values: list) -> int:
    """Fewest decimals (0–2) that show every value of a float column as it was rounded."""
    for d in (0, 1):
        if all(abs(v * 10 ** d - round(v * 10 ** d)) < 1e-6 for v in values):
            return d
    return 2


def number_format(column: str, series: pd.Series, given: str | None = None) -> tuple[str | None, bool]:
    """The Excel number format of a column and whether its values are percent numbers to divide by 100.
    ``given`` (from the metric registry: "0.0%", "#,##0", "#,##0.0") wins; else a header ending in
    "（%）" is a rate in percent, integers get thousands separators, floats the decimals they were
    rounded to; a text column none."""
    percent = str(column).endswith(PERCENT_HEADER)
    if given:
        return given, percent and given.endswith("%")
    values = [float(v) for v in series if pd.api.types.is_number(v) and not pd.api.types.is_bool(v) and not pd.isna(v)]
    if not values or (series.dtype == object and len(values) < series.notna().sum()):
        return None, False
    d = _decimals(values)
    if percent:
        return ("0.0%" if d <= 1 else "0.00%"), True
    return ("#,##0" if d == 0 else "#,##0." + "0" * d), False


def to_xlsx(frame: pd.DataFrame, title: str, context: list[str], formats: dict[str, str] | None = None) -> bytes:
    """One sheet: the title and header block (scope, period, data moment, who exported), the table with an
    autofilter and a frozen header row; numbers stay numbers with Excel number formats (rates as 0.0%)."""
    formats = formats or {}
    wb = Workbook()
    ws = wb.active
    ws.title = sheet_title(title)
    _append(ws, [title])
    ws["A1"].font = Font(bold=True, size=14)
    for line in context:
        _append(ws, [line])
    ws.append([])  # a blank row (openpyxl counts it, though it holds no cell: max_row does not)
    _append(ws, [str(c) for c in frame.columns])
    header_row = ws.max_row
    fill = PatternFill("solid", fgColor="DCE6F2")
    for cell in ws[header_row]:
        cell.font = Font(bold=True)
        cell.fill = fill
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    plan = [number_format(c, frame.iloc[:, i], formats.get(str(c))) for i, c in enumerate(frame.columns)]
    for row in frame.itertuples(index=False):
        values = [_cell_value(v) for v in row]
        for i, (fmt, percent) in enumerate(plan):
            if percent and isinstance(values[i], (int, float)) and not isinstance(values[i], bool):
                values[i] = values[i] / 100
        _append(ws, values)
        if any(fmt for fmt, _ in plan):
            for cell, (fmt, _) in zip(ws[ws.max_row], plan):
                if fmt and isinstance(cell.value, (int, float)):
                    cell.number_format = fmt
    for i, col in enumerate(frame.columns, start=1):
        sample = [str(col)] + [str(v) for v in frame.iloc[:200, i - 1].tolist()]
        width = max(len(s.encode("gbk", errors="replace")) for s in sample)  # CJK counts double
        ws.column_dimensions[get_column_letter(i)].width = min(max(width + 2, 8), 60)
        if pd.api.types.is_datetime64_any_dtype(frame.iloc[:, i - 1]):
            for cell in ws[get_column_letter(i)][header_row:]:
                cell.number_format = "yyyy-mm-dd hh:mm"
    ws.freeze_panes = ws.cell(row=header_row + 1, column=1)
    if len(frame.columns):
        ws.auto_filter.ref = f"A{header_row}:{get_column_letter(len(frame.columns))}{max(ws.max_row, header_row)}"
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def to_csv(frame: pd.DataFrame, title: str, context: list[str], formats: dict[str, str] | None = None) -> bytes:
    """CSV with CRLF line ends (what Excel writes): a cell holding a line break or a carriage
    return is then quoted, so it cannot start a new row. Numbers are plain numbers (85.5 under a
    "（%）" header, 1234 without separators); ``formats`` is only for Excel."""
    head = "".join(neutralise(line).replace("\r", " ").replace("\n", " ") + "\r\n" for line in [title, *context, ""])
    safe = frame.rename(columns=lambda c: neutralise(str(c)))
    for col in safe.columns:
        if safe[col].dtype == object or pd.api.types.is_string_dtype(safe[col]):
            safe[col] = safe[col].map(neutralise)
    return (head + safe.to_csv(index=False, lineterminator="\r\n")).encode("utf-8-sig")


def file_stem(title: str, f: Filters, scope_name: str) -> str:
    return f"{title}_{scope_name}_{f.period.start:%Y%m%d}-{f.period.end:%Y%m%d}"
