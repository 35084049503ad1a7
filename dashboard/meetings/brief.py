"""会议简报 — a deck (dashboard/meetings/deck.py) as PPTX and as PDF, made entirely offline.

* Charts become PNG images through kaleido driving the system Chromium (Debian's
  ``chromium``), with plotly.js from the installed plotly package and MathJax off, so
  no request leaves the machine. Fonts: Noto Sans CJK, so Chinese renders in the images.
* PPTX through python-pptx, 16:9, one slide per topic; Chinese runs carry an East-Asian
  typeface (微软雅黑, present on the Windows PCs these files are opened on); speaker
  notes hold the metric definitions.
* PDF: the same slides as print-styled HTML, printed by headless Chromium — the same
  fonts and images, so the PDF looks like the slides.

Every failure becomes a ``BriefError`` with a Chinese message; the app stays usable.
"""

from __future__ import annotations

import base64
import html
import io
import os
import shutil
import subprocess
import tempfile
import threading
from pathlib import Path

import plotly.graph_objects as go
from pptx import Presentation
from pptx.chart.data import CategoryChartData
from pptx.dml.color import RGBColor
from pptx.enum.chart import XL_CHART_TYPE, XL_LEGEND_POSITION, XL_LABEL_POSITION
from pptx.enum.text import MSO_ANCHOR, PP_ALIGN
from pptx.oxml.ns import qn
from pptx.util import Emu, Inches, Pt

from dashboard.meetings.deck import Deck, Ranked, Slide

PPT_FONT = "微软雅黑"
SLIDE_W, SLIDE_H = Inches(13.333), Inches(7.5)
CHART_PX = (1100, 470)  # 8.3 in wide on the slide → 3.55 in high, above the footer
ZOOM = 1.5  # chart text on slides is this much larger than on the page
GREEN, RED, GRAY, DARK, BLUE = (RGBColor(0x15, 0x80, 0x3D), RGBColor(0xB9, 0x1C, 0x1C), RGBColor(0x64, 0x74, 0x8B),
                                RGBColor(0x1F, 0x29, 0x37), RGBColor(0x1D, 0x4E, 0xD8))
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync",
                  "--disable-dev-shm-usage"]


class BriefError(RuntimeError):
    pass


def chromium_path() -> str:
    path = os.environ.get("BROWSER_PATH") or shutil.which("chromium") or shutil.which("chromium-browser")
    if not path or not Path(path).exists():
        raise BriefError("生成图表和 PDF 需要 Chromium 浏览器，本机未找到。请安装：sudo apt-get install -y chromium fonts-noto-cjk")
    return path


# -- chart images -------------------------------------------------------------------------------------------
_kaleido_lock = threading.Lock()
_kaleido_started = False


def chart_png(fig: go.Figure, width: int = CHART_PX[0], height: int = CHART_PX[1], fmt: str = "png") -> bytes:
    """A PNG (or with ``fmt="svg"`` an SVG) of a plotly figure, rendered offline by kaleido with the system Chromium."""
    global _kaleido_started
    import kaleido

    os.environ.setdefault("BROWSER_PATH", chromium_path())
    # Drawn at 2/3 of the picture size and scaled up 3×: the page's font sizes become 1.5× larger
    # on the slide, readable from the back of a meeting room, and the picture stays sharp.
    width, height = round(width / ZOOM), round(height / ZOOM)
    fig = go.Figure(fig)
    fig.update_layout(width=width, height=height)
    # Axis labels and titles get the room they need (the page's bottom margin is 10 px: at the slide's
    # size the ageing chart's x labels were cut off and its title sat on them).
    fig.update_xaxes(automargin=True)
    fig.update_yaxes(automargin=True)
    try:
        with _kaleido_lock:
            if not _kaleido_started:
                kaleido.start_sync_server(mathjax=False, silence_warnings=True)
                _kaleido_started = True
            return kaleido.calc_fig_sync(fig, opts={"format": fmt, "width": width, "height": height, "scale": 2 * ZOOM})
    except Exception as e:  # kaleido raises several kinds
        raise BriefError(f"图表图片生成失败（{type(e).__name__}：{e}）。请确认 Chromium 可以运行。") from e


# -- PPTX -------------------------------------------------------------------------------------------------------
def _style(run, size: float, bold: bool = False, color: RGBColor = DARK) -> None:
    run.font.size = Pt(size)
    run.font.bold = bold
    run.font.color.rgb = color
    run.font.name = PPT_FONT
    rpr = run._r.get_or_add_rPr()
    ea = rpr.find(qn("a:ea"))
    if ea is None:
        ea = rpr.makeelement(qn("a:ea"), {})
        rpr.append(ea)
    ea.set("typeface", PPT_FONT)


def _text(slide, x, y, w, h, lines: list[tuple[str, float, bool, RGBColor]], align=PP_ALIGN.LEFT,
          anchor=MSO_ANCHOR.TOP):
    box = slide.shapes.add_textbox(x, y, w, h)
    tf = box.text_frame
    tf.word_wrap = True
    tf.vertical_anchor = anchor
    for i, (text, size, bold, color) in enumerate(lines):
        p = tf.paragraphs[0] if i == 0 else tf.add_paragraph()
        p.alignment = align
        _style(p.add_run(), size, bold, color)
        p.runs[0].text = text
    return box


TITLE_ONLY = 5  # the default template's "Title Only" layout: a real title placeholder (outline, navigation)


def _titled(prs, title: str, size: float = 28, top=Inches(0.3), height=Inches(0.7)):
    """A slide whose title sits in the layout's title placeholder (the outline and WPS navigation show it)."""
    s = prs.slides.add_slide(prs.slide_layouts[TITLE_ONLY])
    t = s.shapes.title
    t.left, t.top, t.width, t.height = Inches(0.5), top, Inches(12.3), height
    tf = t.text_frame
    tf.word_wrap = True
    tf.vertical_anchor = MSO_ANCHOR.TOP
    p = tf.paragraphs[0]
    p.alignment = PP_ALIGN.LEFT
    run = p.add_run()
    run.text = title
    _style(run, fit_pt(title, 12.3, size, 16), True, DARK)
    return s


def text_ems(text: str) -> float:
    """Width of ``text`` in em, on the wide side so that it fits in any of the fonts the file may be shown
    in (微软雅黑 in PowerPoint, WPS's own, Noto CJK in LibreOffice): a Chinese character or full-width mark
    1, a Latin letter or digit 0.62, a space 0.35, and a quarter em where Chinese meets Latin (the
    automatic spacing WPS and LibreOffice add)."""
    width, last = 0.0, None
    for ch in text:
        wide = ord(ch) > 0x2E7F
        width += 1.0 if wide else 0.35 if ch == " " else 0.62
        if last is not None and ch != " " and wide != last:
            width += 0.25
        last = wide if ch != " " else last
    return width


def fit_pt(text: str, width_in: float, max_pt: float, min_pt: float = 10) -> float:
    """The largest size up to ``max_pt`` at which ``text`` fits on one line of a text box ``width_in``
    inches wide (less its 0.1 in insets; bold glyphs are a little wider: 15 % to spare)."""
    ems = max(text_ems(text), 1)
    return max(min_pt, min(max_pt, round((width_in - 0.2) * 72 * 0.85 / ems, 1)))


def _fits(text: str, width_in: float, size: float) -> bool:
    return size * text_ems(text) / 72 <= width_in - 0.2


def label_lines(label: str, width_in: float, min_pt: float = 9) -> list[str]:
    """A number box's label as one line, or — when even at ``min_pt`` it is too long, as
    "每万人社会组织数（个/万人）" in six boxes — its name and its unit on two lines."""
    if _fits(label, width_in, min_pt) or "（" not in label:
        return [label]
    name, _, unit = label.partition("（")
    return [name, "（" + unit]


def fitting_change(change: str, width_in: float, min_pt: float = 8) -> str:
    """The change line of a number box, without its percentage ("环比 +987,654,320") when even at
    ``min_pt`` the whole of it would not fit on one line."""
    if _fits(change, width_in, min_pt) or "（" not in change:
        return change
    return change.split("（")[0]


def _hex(color) -> RGBColor | None:
    if isinstance(color, str) and color.startswith("#") and len(color) == 7:
        return RGBColor.from_string(color[1:].upper())
    return None


def native_chart(slide, fig: go.Figure, x, y, w, h) -> bool:
    """The figure as a PowerPoint chart object (editable in PowerPoint and WPS) when it is made of
    horizontal bars — rankings and stacked counts: categories, series, each bar's colour and its label
    text (the registry-formatted value). Anything else (the map) stays a picture: returns False."""
    traces = list(fig.data)
    if not traces or any(t.type != "bar" or t.orientation != "h" for t in traces):
        return False
    cats: list[str] = []
    order = fig.layout.yaxis.categoryarray
    for c in list(order or []) + [str(v) for t in traces for v in t.y]:
        if str(c) not in cats:
            cats.append(str(c))
    data = CategoryChartData()
    data.categories = [html.unescape(c) for c in cats]
    for t in traces:
        values = dict(zip([str(v) for v in t.y], t.x))
        # plotly names are HTML (">30 个工作日" is written "&gt;30"); a chart series name is plain text
        data.add_series(html.unescape(t.name or " "), [None if values.get(c) is None else float(values[c]) for c in cats])
    stacked = fig.layout.barmode in ("stack", "relative")
    kind = XL_CHART_TYPE.BAR_STACKED if stacked else XL_CHART_TYPE.BAR_CLUSTERED
    chart = slide.shapes.add_chart(kind, x, y, w, h, data).chart
    chart.font.size = Pt(12)
    chart.font.name = PPT_FONT
    chart.has_legend = len(traces) > 1
    if chart.has_legend:
        chart.legend.position = XL_LEGEND_POSITION.TOP
        chart.legend.include_in_layout = False
    cat_axis, val_axis = chart.category_axis, chart.value_axis
    cat_axis.reverse_order = fig.layout.yaxis.autorange == "reversed"  # best on top, as on the page
    cat_axis.tick_labels.font.size = Pt(12)
    val_axis.has_major_gridlines = False
    val_axis.tick_labels.font.size = Pt(10)
    plot = chart.plots[0]
    plot.gap_width = 60
    if stacked:
        plot.overlap = 100
    for t, series in zip(traces, plot.series):
        colors = t.marker.color
        if isinstance(colors, str) and _hex(colors):
            series.format.fill.solid()
            series.format.fill.fore_color.rgb = _hex(colors)
        texts = list(t.text) if t.text is not None and not isinstance(t.text, str) else []
        by_cat = dict(zip([str(v) for v in t.y], range(len(t.y))))
        for i, c in enumerate(cats):
            j = by_cat.get(c)
            if j is None:
                continue
            if not isinstance(colors, str) and colors is not None and j < len(colors) and _hex(colors[j]):
                point = series.points[i]
                point.format.fill.solid()
                point.format.fill.fore_color.rgb = _hex(colors[j])
            if texts and j < len(texts) and not stacked:
                label = series.points[i].data_label
                label.position = XL_LABEL_POSITION.OUTSIDE_END
                label.text_frame.text = str(texts[j])
                label.text_frame.paragraphs[0].runs[0].font.size = Pt(12)
    return True


def chart_notes(fig: go.Figure) -> str:
    """What a native chart cannot draw: the dashed alert or target line, said in words."""
    texts = [a.text for a in (fig.layout.annotations or []) if a.text]
    return "；".join(t.replace("<br>", " ") for t in texts)


def _kpi_color(k) -> RGBColor:
    good = k.change.good
    return GRAY if good is None else (GREEN if good else RED)


def footer_text(deck: Deck, page: int) -> str:
    """Every page's last line: sample tag, scope, period, data moment, page and who exported it when."""
    tag = "示例数据（虚构城市）· " if deck.is_sample else ""
    sign = f" · {deck.signature}" if deck.signature else ""
    return f"{tag}{deck.scope_path} · {deck.period} · 数据截至 {deck.as_of} · 第 {page} 页{sign}"


def _footer(s, deck: Deck, page: int) -> None:
    text = footer_text(deck, page)
    _text(s, Inches(0.5), Inches(7.0), Inches(12.3), Inches(0.35), [(text, fit_pt(text, 12.3, 10, 7), False, GRAY)])


def _title_slide(prs, deck: Deck) -> None:
    s = _titled(prs, deck.title, 40, top=Inches(1.0), height=Inches(1.2))
    band = s.shapes.add_shape(1, 0, Inches(2.3), SLIDE_W, Inches(0.12))
    band.fill.solid()
    band.fill.fore_color.rgb = BLUE
    band.line.fill.background()
    lines = [(line, 20, False, DARK) for line in deck.subtitle_lines]
    _text(s, Inches(0.8), Inches(2.8), Inches(11.7), Inches(2.6), lines)
    if deck.is_sample:
        _text(s, Inches(0.8), Inches(5.6), Inches(11.7), Inches(0.5),
              [("示例数据：城市、人口和工单均由程序生成，不代表真实情况。", 14, True, RGBColor(0xC2, 0x41, 0x0C))])
    made = deck.signature or f"生成时间 {deck.generated_at}"
    _text(s, Inches(0.8), Inches(6.6), Inches(11.7), Inches(0.4), [(made, fit_pt(made, 11.7, 12, 8), False, GRAY)])


def _ranked_lines(title: str, rows: list[Ranked], color: RGBColor, note: str = "") -> list:
    head = title + (f"（{note}）" if note else "")
    lines = [(head, fit_pt(head, 3.8, 16), True, color)]
    lines += [(r.line, fit_pt(r.line, 3.8, 14), False, DARK) for r in rows]
    return lines


POINTS_LINE = 1.3  # line spacing of the 本期要点 text, × its size (the same in PowerPoint, WPS and LibreOffice)


def points_pt(points: list[str], width_in: float = 12.3, height_in: float = 5.4, max_pt: float = 22,
              min_pt: float = 11) -> float:
    """The largest size at which the 本期要点 paragraphs fit a box ``width_in`` × ``height_in``: each
    paragraph's lines counted at that size (text_ems, on the wide side), at POINTS_LINE spacing and
    0.6 of a line between paragraphs."""
    import math

    size = max_pt
    while size > min_pt:
        per_line = (width_in - 0.2) * 72 / size  # em on one line
        lines = sum(math.ceil(text_ems(f"■ {p}") / per_line) for p in points)
        if (lines * size * POINTS_LINE + len(points) * size * 0.6) / 72 <= height_in:
            break
        size -= 1
    return size


def _points_slide(prs, deck: Deck, page: int) -> None:
    """本期要点: the 通报's drafted summary (dashboard/meetings/bulletin.py), sized to fit the slide."""
    s = _titled(prs, "本期要点")
    _text(s, Inches(0.5), Inches(0.95), Inches(12.3), Inches(0.4), [(f"{deck.scope_path} · {deck.period}", 13, False, GRAY)])
    size = points_pt(deck.points)
    box = _text(s, Inches(0.5), Inches(1.5), Inches(12.3), Inches(5.4),
                [(f"■ {p}", size, False, DARK) for p in deck.points])
    for p in box.text_frame.paragraphs:
        p.space_after = Pt(size * 0.6)
        p.line_spacing = Pt(size * POINTS_LINE)  # exact points: a multiple would be of each font's own line height
    _footer(s, deck, page)
    s.notes_slide.notes_text_frame.text = "本页由看板数据按规则自动起草；完整通报见侧栏“生成通报”（Word / PDF）。"


def _topic_slide(prs, deck: Deck, slide: Slide, image: bytes | None, page: int) -> None:
    s = _titled(prs, slide.title)
    sub = slide.subtitle_for(deck.period, deck.comparison)
    _text(s, Inches(0.5), Inches(0.95), Inches(12.3), Inches(0.4), [(sub, fit_pt(sub, 12.3, 13), False, GRAY)])
    n = max(len(slide.kpis), 1)
    gap, left, width = Inches(0.15), Inches(0.5), Inches(12.33)
    box_w = Emu(int((width - gap * (n - 1)) / n))
    inner = (box_w - Inches(0.24)) / 914400  # inches of text width inside a box
    for i, k in enumerate(slide.kpis):
        x = Emu(int(left + i * (box_w + gap)))
        shape = s.shapes.add_shape(1, x, Inches(1.45), box_w, Inches(1.3))
        shape.fill.solid()
        shape.fill.fore_color.rgb = RGBColor(0xF1, 0xF5, 0xF9)
        shape.line.color.rgb = RGBColor(0xCB, 0xD5, 0xE1)
        m = k.metric
        change = fitting_change(f"{k.compare_label} {k.change.text}", inner) if k.compare_label else " "
        long_unit = len(m.unit) > 2 and m.unit != "%"  # "个/万人" goes to the label, as in presentation mode
        value = m.format(k.value, with_unit=not long_unit)
        label = f"{m.zh}（{m.unit}）" if long_unit else m.zh
        # Every line on one line at any value: the size is measured, not guessed (18.88 个/万人 wrapped).
        _text(s, x + Inches(0.12), Inches(1.5), box_w - Inches(0.24), Inches(1.2),
              [(part, fit_pt(part, inner, 13, 9), False, GRAY) for part in label_lines(label, inner)]
              + [(value, fit_pt(value, inner, 26, 12), True, DARK),
                 (change, fit_pt(change, inner, 12, 8), False, _kpi_color(k))])
    _text(s, Inches(0.5), Inches(2.95), Inches(8.3), Inches(0.4),
          [(slide.figure_title, fit_pt(slide.figure_title, 8.3, 15), True, DARK)])
    if slide.figure is not None and native_chart(s, slide.figure, Inches(0.5), Inches(3.35), Inches(8.3), Inches(3.35)):
        note = chart_notes(slide.figure)
        if note:
            _text(s, Inches(0.5), Inches(6.68), Inches(8.3), Inches(0.3), [(note, 10, False, GRAY)])
    elif image:
        s.shapes.add_picture(io.BytesIO(image), Inches(0.5), Inches(3.35), height=Inches(3.55))
    else:
        _text(s, Inches(0.5), Inches(3.5), Inches(8.3), Inches(1), [(slide.message or "本期无数据。", 16, False, GRAY)])
    if slide.red or slide.black or slide.red_note:
        _text(s, Inches(9.1), Inches(2.95), Inches(3.8), Inches(0.4),
              [(slide.red_black_title, fit_pt(slide.red_black_title, 3.8, 15), True, DARK)])
        _text(s, Inches(9.1), Inches(3.4), Inches(3.8), Inches(1.8),
              _ranked_lines("红榜", slide.red, GREEN, slide.red_note))
        _text(s, Inches(9.1), Inches(5.15), Inches(3.8), Inches(1.8),
              _ranked_lines("黑榜", slide.black, RED, slide.black_note))
    _footer(s, deck, page)
    s.notes_slide.notes_text_frame.text = slide.notes


DUBAN_TITLE = "督办事项办理情况"
DUBAN_HEAD = ["被督办单位", "督办件数", "逾期未反馈", "逾期（含未反馈）", "催办次数", "按期反馈率", "通报批评"]


def _duban_boxes(p) -> list[tuple[str, str]]:
    """(label, value) of the slide's boxes: the total, each state, the 办结率 — the 通报's numbers."""
    from dashboard.core.metrics import format_number

    return ([("督办总数", format_number(p.issued, unit="件"))]
            + [(state, format_number(n, unit="件")) for state, n in p.by_state.items()]
            + [("办结率", format_number(p.completion_rate, 1, scale=100, unit="%"))])


def _duban_slide(prs, deck: Deck, page: int) -> None:
    """督办事项办理情况 (dashboard.data.duban.Progress, the same summary as the 通报's section): counts by state
    and 办结率 in boxes like the topic slides' numbers, the paragraph, and the units with late items first."""
    p = deck.duban
    s = _titled(prs, f"{DUBAN_TITLE}｜{deck.scope_path}")
    sub = f"截至 {p.now:%Y-%m-%d %H:%M} · 本范围内下发的全部督办事项"
    _text(s, Inches(0.5), Inches(0.95), Inches(12.3), Inches(0.4), [(sub, fit_pt(sub, 12.3, 13), False, GRAY)])
    boxes = _duban_boxes(p)
    gap, left, width = Inches(0.15), Inches(0.5), Inches(12.33)
    box_w = Emu(int((width - gap * (len(boxes) - 1)) / len(boxes)))
    inner = (box_w - Inches(0.24)) / 914400
    for i, (label, value) in enumerate(boxes):
        x = Emu(int(left + i * (box_w + gap)))
        shape = s.shapes.add_shape(1, x, Inches(1.45), box_w, Inches(1.1))
        shape.fill.solid()
        shape.fill.fore_color.rgb = RGBColor(0xF1, 0xF5, 0xF9)
        shape.line.color.rgb = RGBColor(0xCB, 0xD5, 0xE1)
        color = RED if label == "逾期未反馈" and p.overdue else DARK
        _text(s, x + Inches(0.12), Inches(1.5), box_w - Inches(0.24), Inches(1.0),
              [(label, fit_pt(label, inner, 13), False, GRAY), (value, fit_pt(value, inner, 26, 12), True, color)])
    _text(s, Inches(0.5), Inches(2.7), Inches(12.3), Inches(0.8), [(p.text, fit_pt(p.text, 24.6, 15, 11), False, DARK)])
    rows = p.overdue_rows()
    _text(s, Inches(0.5), Inches(3.45), Inches(12.3), Inches(0.4),
          [("各单位逾期反馈情况（逾期多的在前）", 15, True, DARK)])
    table = s.shapes.add_table(len(rows) + 1, len(DUBAN_HEAD), Inches(0.5), Inches(3.85), Inches(12.3),
                               Inches(0.32 * (len(rows) + 1))).table
    for j, text in enumerate(DUBAN_HEAD):
        table.columns[j].width = Inches(2.7) if j == 0 else Inches(9.6 / (len(DUBAN_HEAD) - 1))
    for i, row in enumerate([DUBAN_HEAD] + rows):
        for j, text in enumerate(row):
            cell = table.cell(i, j)
            cell.text = ""
            para = cell.text_frame.paragraphs[0]
            para.alignment = PP_ALIGN.LEFT if j == 0 else PP_ALIGN.RIGHT
            _style(para.add_run(), 12, i == 0, DARK if i else RGBColor(0xFF, 0xFF, 0xFF))
            para.runs[0].text = text
    if len(p.records) > len(rows):
        _text(s, Inches(0.5), Inches(6.6), Inches(12.3), Inches(0.3),
              [(f"共 {len(p.records):,} 个单位，列出逾期最多的 {len(rows)} 个，其余见看板“督办台账”。", 10, False, GRAY)])
    _footer(s, deck, page)
    s.notes_slide.notes_text_frame.text = (
        "督办状态：已下发（待反馈）、退回重办（待重新反馈）、逾期未反馈（已过反馈期限仍未反馈）、已反馈（待审核）、已办结。"
        "办结率 = 已办结 ÷ 督办总数；按期反馈率 = 按期反馈 ÷ 已反馈；逾期含逾期未反馈和晚于期限的反馈。"
        "与通报“督办事项办理情况”一节为同一组数字。")


def to_pptx(deck: Deck, images: list[bytes | None]) -> bytes:
    prs = Presentation()
    prs.slide_width, prs.slide_height = SLIDE_W, SLIDE_H
    prs.core_properties.title = f"{deck.title}｜{deck.scope_path}"
    prs.core_properties.subject = deck.period
    if deck.author:
        prs.core_properties.author = prs.core_properties.last_modified_by = deck.author
    _title_slide(prs, deck)
    first = 2
    if deck.points:
        _points_slide(prs, deck, 2)
        first = 3
    for i, (slide, image) in enumerate(zip(deck.slides, images), start=first):
        _topic_slide(prs, deck, slide, image, i)
    if deck.duban is not None:
        _duban_slide(prs, deck, first + len(deck.slides))
    buf = io.BytesIO()
    prs.save(buf)
    return buf.getvalue()


# -- PDF ----------------------------------------------------------------------------------------------------------
_CSS = """
@page { size: 13.333in 7.5in; margin: 0; }
* { box-sizing: border-box; }
body { margin: 0; font-family: "Noto Sans CJK SC", "Noto Sans SC", sans-serif; color: #1f2937; }
section { width: 13.333in; height: 7.5in; padding: 0.3in 0.5in; position: relative; page-break-after: always; overflow: hidden; }
h1 { font-size: 28pt; margin: 0; } .sub { color: #64748b; font-size: 13pt; margin: 0.05in 0 0.15in; }
.title-page h1 { font-size: 40pt; margin-top: 0.7in; } .band { height: 0.12in; background: #1d4ed8; margin: 0.3in -0.5in; }
.title-page p { font-size: 20pt; margin: 0.08in 0; } .sample { color: #c2410c; font-weight: bold; font-size: 14pt !important; }
.kpis { display: flex; gap: 0.15in; } .kpi { flex: 1; min-width: 0; overflow: hidden; background: #f1f5f9; border: 1px solid #cbd5e1; padding: 0.08in 0.12in; height: 1.3in; }
.kpi .l { color: #64748b; font-size: 13pt; } .kpi .v { font-size: 26pt; font-weight: bold; } .kpi .d { font-size: 12pt; }
.kpi .v, .kpi .d { white-space: nowrap; }
.good { color: #15803d; } .bad { color: #b91c1c; } .neutral { color: #64748b; }
.body { display: flex; gap: 0.3in; margin-top: 0.2in; } .chart { width: 8.3in; } .chart img { width: 8.3in; }
.chart h2, .rb h2 { font-size: 15pt; margin: 0 0 0.06in; } .rb { width: 3.8in; } .rb h3 { font-size: 15pt; margin: 0.08in 0 0.04in; }
.rb p { font-size: 13pt; margin: 0.03in 0; } .msg { color: #64748b; font-size: 16pt; }
.point { line-height: 1.3; margin: 0 0 0.6em; }
.foot { position: absolute; bottom: 0.18in; left: 0.5in; font-size: 10pt; color: #64748b; }
table.duban { border-collapse: collapse; width: 100%; font-size: 12pt; } .duban th { background: #1f2937; color: #fff; }
.duban th, .duban td { border: 1px solid #cbd5e1; padding: 0.03in 0.08in; text-align: right; }
.duban th:first-child, .duban td:first-child { text-align: left; }
"""


def _kpi_class(k) -> str:
    good = k.change.good
    return "neutral" if good is None else ("good" if good else "bad")


def _kpi_html(k, n: int) -> str:
    """One number box, as on the slide: a long unit ("个/万人") in the label, every line sized to stay on
    one line of the box (12.33 in shared by ``n`` boxes)."""
    e = html.escape
    m = k.metric
    long_unit = len(m.unit) > 2 and m.unit != "%"
    label, value = (f"{m.zh}（{m.unit}）" if long_unit else m.zh), m.format(k.value, with_unit=not long_unit)
    inner = (12.33 - 0.15 * (n - 1)) / n - 0.24 + 0.2  # fit_pt allows for a text box's 0.1 in insets: none here
    change = fitting_change(f"{k.compare_label} {k.change.text}", inner) if k.compare_label else ""
    return (f"<div class='kpi'><div class='l' style='font-size: {fit_pt(label, inner, 13)}pt'>{e(label)}</div>"
            f"<div class='v' style='font-size: {fit_pt(value, inner, 26, 12)}pt'>{e(value)}</div>"
            f"<div class='d {_kpi_class(k)}' style='font-size: {fit_pt(change, inner, 12, 8)}pt'>{e(change)}</div></div>")


def to_html(deck: Deck, images: list[bytes | None]) -> str:
    e = html.escape
    parts = [f"<!doctype html><html lang='zh-CN'><head><meta charset='utf-8'><title>{e(deck.title)}｜{e(deck.scope_path)}"
             f"</title><style>{_CSS}</style></head><body>"]
    sample = "<p class='sample'>示例数据：城市、人口和工单均由程序生成，不代表真实情况。</p>" if deck.is_sample else ""
    parts.append(f"<section class='title-page'><h1>{e(deck.title)}</h1><div class='band'></div>"
                 + "".join(f"<p>{e(x)}</p>" for x in deck.subtitle_lines) + sample
                 + f"<div class='foot'>{e(deck.signature or '生成时间 ' + deck.generated_at)}</div></section>")
    first = 2
    if deck.points:
        parts.append("<section><h1>本期要点</h1>" f"<p class='sub'>{e(deck.scope_path)} · {e(deck.period)}</p>"
                     + "".join(f"<p class='point' style='font-size: {points_pt(deck.points)}pt'>■ {e(p)}</p>"
                               for p in deck.points)
                     + f"<div class='foot'>{e(footer_text(deck, 2))}</div>"
                     "</section>")
        first = 3
    for page, (s, image) in enumerate(zip(deck.slides, images), start=first):
        kpis = "".join(_kpi_html(k, len(s.kpis)) for k in s.kpis)
        chart = (f"<img src='data:image/png;base64,{base64.b64encode(image).decode()}'>" if image
                 else f"<p class='msg'>{e(s.message or '本期无数据。')}</p>")
        rb = ""
        if s.red or s.black or s.red_note:
            rows = lambda rs: "".join(f"<p>{e(r.line)}</p>" for r in rs)  # noqa: E731
            note = lambda t: f"<p class='neutral'>{e(t)}</p>" if t else ""  # noqa: E731
            rb = (f"<div class='rb'><h2>{e(s.red_black_title)}</h2><h3 class='good'>红榜</h3>{note(s.red_note)}{rows(s.red)}"
                  f"<h3 class='bad'>黑榜</h3>{note(s.black_note)}{rows(s.black)}</div>")
        sub = s.subtitle_for(deck.period, deck.comparison)
        parts.append(f"<section><h1>{e(s.title)}</h1><p class='sub'>{e(sub)}</p><div class='kpis'>{kpis}</div>"
                     f"<div class='body'><div class='chart'><h2>{e(s.figure_title)}</h2>{chart}</div>{rb}</div>"
                     f"<div class='foot'>{e(footer_text(deck, page))}</div></section>")
    if deck.duban is not None:
        p, page = deck.duban, first + len(deck.slides)
        boxes = "".join(f"<div class='kpi'><div class='l'>{e(label)}</div><div class='v'>{e(value)}</div></div>"
                        for label, value in _duban_boxes(p))
        cells = lambda row, tag: "".join(f"<{tag}>{e(x)}</{tag}>" for x in row)  # noqa: E731
        table = (f"<table class='duban'><tr>{cells(DUBAN_HEAD, 'th')}</tr>"
                 + "".join(f"<tr>{cells(r, 'td')}</tr>" for r in p.overdue_rows()) + "</table>")
        parts.append(f"<section><h1>{e(DUBAN_TITLE)}｜{e(deck.scope_path)}</h1>"
                     f"<p class='sub'>截至 {p.now:%Y-%m-%d %H:%M} · 本范围内下发的全部督办事项</p><div class='kpis'>{boxes}</div>"
                     f"<p class='point'>{e(p.text)}</p><h2>各单位逾期反馈情况（逾期多的在前）</h2>{table}"
                     f"<div class='foot'>{e(footer_text(deck, page))}</div>"
                     "</section>")
    parts.append("</body></html>")
    return "".join(parts)


def to_pdf(deck: Deck, images: list[bytes | None], timeout: int = 120) -> bytes:
    chrome = chromium_path()
    with tempfile.TemporaryDirectory(prefix="brief-") as tmp:
        src, out = Path(tmp) / "brief.html", Path(tmp) / "brief.pdf"
        src.write_text(to_html(deck, images), encoding="utf-8")
        cmd = [chrome, *CHROMIUM_FLAGS, f"--user-data-dir={tmp}/profile", "--no-pdf-header-footer",
               f"--print-to-pdf={out}", src.as_uri()]
        try:
            subprocess.run(cmd, check=True, capture_output=True, timeout=timeout)
        except (subprocess.CalledProcessError, subprocess.TimeoutExpired) as e:
            raise BriefError(f"PDF 生成失败（Chromium：{type(e).__name__}）。") from e
        if not out.exists() or out.stat().st_size == 0:
            raise BriefError("PDF 生成失败：Chromium 没有输出文件。")
        return pdf_properties(out.read_bytes(), title=f"{deck.title}｜{deck.scope_path}", author=deck.author,
                              subject=deck.period)


def _pdf_text(text: str) -> bytes:
    return b"<FEFF" + text.encode("utf-16-be").hex().upper().encode() + b">"


def pdf_properties(pdf: bytes, title: str, author: str, subject: str) -> bytes:
    """The PDF with its document properties set (Chromium writes only the title, and its own browser
    string as the creator): title, author (the exporting user), subject (the period), creator (this
    dashboard). Appended as an incremental update — a new information dictionary and a trailer that
    points back to the original — so the pages themselves are not touched. A PDF whose last section
    is not a classic trailer is returned as it is."""
    import re
    from datetime import datetime

    end = re.search(rb"trailer\s*<<(.*?)>>\s*startxref\s*(\d+)\s*%%EOF\s*$", pdf[-2048:], re.S)
    if end is None:
        return pdf
    trailer, prev = end.group(1), int(end.group(2))
    size, root = re.search(rb"/Size\s+(\d+)", trailer), re.search(rb"/Root\s+(\d+\s+\d+\s+R)", trailer)
    if size is None or root is None:
        return pdf
    n = int(size.group(1))
    now = datetime.now().astimezone()
    offset = now.strftime("%z")
    moment = f"D:{now:%Y%m%d%H%M%S}{offset[:3]}'{offset[3:]}'".encode()
    fields = [(b"Title", title), (b"Author", author), (b"Subject", subject), (b"Creator", "基层治理督查考评看板")]
    info = b"".join(b"/" + k + b" " + _pdf_text(v) + b"\n" for k, v in fields if v)
    body = pdf if pdf.endswith(b"\n") else pdf + b"\n"
    obj_at = len(body)
    obj = b"%d 0 obj\n<<" % n + info + b"/Producer (Skia/PDF)\n/CreationDate (" + moment + b")\n/ModDate (" + \
        moment + b")>>\nendobj\n"
    xref_at = obj_at + len(obj)
    xref = b"xref\n%d 1\n%010d 00000 n \ntrailer\n<</Size %d\n/Root %s\n/Info %d 0 R\n/Prev %d>>\nstartxref\n%d\n%%%%EOF\n" % (
        n, obj_at, n + 1, root.group(1), n, prev, xref_at)
    return body + obj + xref


def render(deck: Deck, progress=None) -> tuple[bytes, bytes]:
    """(pptx, pdf) for a deck; ``progress(fraction, text)`` reports the steps."""
    images: list[bytes | None] = []
    for i, s in enumerate(deck.slides):
        if progress:
            progress(0.3 + 0.5 * i / max(len(deck.slides), 1), f"正在绘制“{s.title.split('｜')[0]}”图表…")
        images.append(chart_png(s.figure) if s.figure is not None else None)
    if progress:
        progress(0.85, "正在生成 PPTX…")
    pptx = to_pptx(deck, images)
    if progress:
        progress(0.92, "正在生成 PDF…")
    pdf = to_pdf(deck, images)
    return pptx, pdf
