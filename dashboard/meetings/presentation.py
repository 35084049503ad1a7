"""演示模式 — a deck shown one topic per screen for a meeting room projector: no sidebar
or chrome, large type, advancing by keyboard (→ / 空格 / PageDown, ← / PageUp, Esc to
leave) or on a timer. The slide number, topics and timer live in the URL, so the
organiser can prepare the link before the meeting.
"""

from __future__ import annotations

import plotly.graph_objects as go
import streamlit as st

from dashboard.core.config import settings
from dashboard.core.filters import COMPARISONS, Filters, PRESETS
from dashboard.core.text import echo, md
from dashboard.meetings.deck import scope_path, Slide, TOPIC_TITLES
from dashboard.store import db
from dashboard.ui import cards, state

# Sizes in vh (a hundredth of the screen's height): the same slide at 1920×1080 and 1366×768, text as
# large a share of the screen as on a projected PowerPoint slide. The slide fills the height of the screen
# above the one-line controls; its chart row takes what the title and the numbers leave.
CSS = """
<style>
[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"], [data-testid="stHeader"],
[data-testid="stToolbar"], [data-testid="stDecoration"] { display: none !important; }
[data-testid="stMainBlockContainer"] { padding: 1.6vh 2.2vw 0 2.2vw !important; max-width: 100% !important; }
.st-key-present_slide { height: calc(100vh - 1.6vh - 4.4rem) !important; flex: 0 0 auto !important; overflow: hidden; gap: 1.2vh !important; }
.st-key-present_slide h1 { font-size: 5vh !important; padding: 0 !important; line-height: 1.2 !important; }
.st-key-present_slide [data-testid="stCaptionContainer"] p { font-size: 2.3vh !important; }
.st-key-present_slide [data-testid="stMetric"] { padding: 1vh 1vw !important; }
.st-key-present_slide [data-testid="stMetricLabel"] p { font-size: 2.5vh !important; }
.st-key-present_slide [data-testid="stMetricLabel"] *, .st-key-present_slide [data-testid="stMetricLabel"] {
  white-space: normal !important; overflow: visible !important; text-overflow: clip !important; height: auto !important; }
.st-key-present_slide [data-testid="stMetricValue"] { font-size: 6vh !important; line-height: 1.15 !important; }
.st-key-present_slide [data-testid="stMetricDelta"], .st-key-present_slide [data-testid="stMetricDelta"] * { font-size: 2.2vh !important; }
.st-key-present_slide [data-testid="stMetricDelta"] { flex-wrap: wrap !important; }
.st-key-present_slide [data-testid="stMetricDelta"] * { white-space: normal !important; overflow: visible !important; }
[data-testid="stLayoutWrapper"]:has(> .st-key-present_body) { flex: 1 1 0 !important; min-height: 0 !important; }
.st-key-present_body, .st-key-present_body [data-testid="stLayoutWrapper"]:has(> [data-testid="stHorizontalBlock"]),
.st-key-present_body [data-testid="stHorizontalBlock"], .st-key-present_body [data-testid="stColumn"],
.st-key-present_body [data-testid="stColumn"] > [data-testid="stVerticalBlock"],
.st-key-present_body [data-testid="stLayoutWrapper"]:has(> .st-key-present_figure), .st-key-present_figure {
  height: 100% !important; min-height: 0 !important; }
.st-key-present_figure [data-testid="stElementContainer"]:has([data-testid="stPlotlyChart"]) { flex: 1 1 0 !important; min-height: 0 !important; }
.st-key-present_figure h4, .st-key-present_ranks h4 { font-size: 2.9vh !important; padding: 0 0 0.6vh 0 !important; }
.st-key-present_ranks > *, .st-key-present_ranks [data-testid="stMarkdown"],
.st-key-present_ranks [data-testid="stMarkdown"] > div { flex-shrink: 0 !important; height: auto !important; }
.st-key-present_slide .st-key-present_ranks p { font-size: 2.6vh !important; line-height: 1.5 !important; margin: 0 !important; }
.st-key-present_ranks [data-testid="stMarkdownContainer"], .st-key-present_cover [data-testid="stMarkdownContainer"] {
  margin-bottom: 0 !important; }
.st-key-present_slide .st-key-present_ranks [data-testid="stMarkdownContainer"] span { font-size: 2.3vh !important; }
.st-key-present_slide .st-key-present_figure p { font-size: 2.6vh !important; }
.st-key-present_cover { justify-content: center !important; height: 100% !important; padding-left: 4vw; }
.st-key-present_slide .st-key-present_cover p { font-size: 3.6vh !important; margin-bottom: 0.6vh !important; }
.st-key-present_slide .st-key-present_cover [data-testid="stMarkdownContainer"] p span { font-size: 3vh !important; }
[data-testid="stLayoutWrapper"]:has(> .st-key-present_cover) { flex: 1 1 0 !important; }
.st-key-present_slide .st-key-present_cover h1 { font-size: 9vh !important; padding-bottom: 2vh !important; }
.st-key-present_slide .st-key-present_cover [data-testid="stCaptionContainer"] p { font-size: 2.4vh !important; }
.st-key-present_controls { height: 3.4rem; }
.st-key-present_controls strong { font-size: 1.2rem; }
</style>
"""

# Five boxes hold "11,118 件" at 6 vh; more boxes take a smaller size, so that no value is cut off.
KPI_CSS = "<style>" + "".join(
    f".st-key-present_kpis{n} [data-testid='stMetricValue'] {{ font-size: min(6vh, {90 / n / 5.5:.2f}vw) !important; }}"
    f".st-key-present_kpis{n} [data-testid='stMetricDelta'], .st-key-present_kpis{n} [data-testid='stMetricDelta'] * "
    f"{{ font-size: min(2.2vh, {90 / n / 13:.2f}vw) !important; }}" for n in range(1, 9)) + "</style>"


def _keys_script(index: int, total: int, interval: int) -> str:
    """Keyboard navigation and the optional timer (clicks the real buttons, so Streamlit
    handles the change like any other click). The slide number makes the script new on
    every slide, so the timer restarts."""
    timer = (f"window.__presentTimer = setTimeout(() => click('present_next'), {interval * 1000});"
             if interval > 0 else "")
    return f"""
<script>
(() => {{
  const click = (key) => {{
    const el = document.querySelector('.st-key-' + key + ' button, .st-key-' + key + ' a');
    if (el) el.click();
  }};
  clearTimeout(window.__presentTimer);
  {timer}
  if (!window.__presentKeys) {{
    window.__presentKeys = true;
    document.addEventListener('keydown', (e) => {{
      if (['ArrowRight', 'PageDown', ' '].includes(e.key)) {{ e.preventDefault(); click('present_next'); }}
      else if (['ArrowLeft', 'PageUp'].includes(e.key)) {{ e.preventDefault(); click('present_prev'); }}
      else if (e.key === 'Escape') {{ click('present_exit'); }}
    }});
  }}
}})(); /* slide {index + 1} of {total} */
</script>"""


def _go(index: int) -> None:
    state.set_page_param("slide", str(index + 1))


def parse_interval(text: str | None) -> tuple[int, str]:
    """Seconds between automatic slide changes (URL ``interval``), default from the settings."""
    if text is None or text == "":
        return settings().meeting_interval, ""
    if not text.isdigit() or int(text) > 3600:
        return settings().meeting_interval, f"自动翻页间隔“{echo(text)}”无效（应为 0–3600 秒），已改为 {settings().meeting_interval} 秒。"
    return int(text), ""


def parse_slide(text: str | None, total: int) -> tuple[int, str]:
    """0-based slide index from the 1-based URL ``slide``."""
    if text is None or text == "":
        return 0, ""
    if not text.isdigit() or not 1 <= int(text) <= total:
        return 0, f"页码“{echo(text)}”不存在（共 {total} 页），已回到第 1 页。"
    return int(text) - 1, ""


def cover(f: Filters, topics: list[str], is_sample: bool) -> None:
    with st.container(key="present_cover"):
        st.title("基层治理督查考评", anchor=False)
        st.markdown(f"**{md(scope_path(f))}**")
        st.markdown(f"{PRESETS[f.preset]}：{f.period.label}")
        if f.comparison:
            st.markdown(f"对比：{COMPARISONS[f.compare]} {f.comparison_label}")
        st.markdown(f"数据截至 {f.as_of:%Y-%m-%d %H:%M}")
        st.markdown("议程：" + " → ".join(TOPIC_TITLES[t] for t in topics))
        if is_sample:
            st.markdown(":orange-badge[示例数据 · 虚构城市]")
        provisional = db.database().meta.get("calendar_provisional_years")
        if provisional:
            st.caption(f"{provisional} 年节假日为暂定（按放假办法推算，尚未录入国务院调休安排），涉及该年的时限与超期可能变化。")


# Chart text in pixels (plotly cannot size text in vh): readable at 1366×768, where the chart area is
# about 480 px high, and still in proportion at 1920×1080.
CHART_FONT = 20


def _projector(fig, key: str):
    """The page's figure restyled for the projector: larger text, the map's legend beside it in
    large type; its height follows the screen (``height="stretch"``)."""
    fig = go.Figure(fig)
    fig.update_layout(font_size=CHART_FONT, legend_font_size=CHART_FONT, autosize=True, height=None,
                      margin=dict(t=34, b=10))
    fig.update_xaxes(tickfont_size=CHART_FONT)
    fig.update_yaxes(tickfont_size=CHART_FONT)
    fig.update_xaxes(title_font_size=CHART_FONT - 2)
    fig.update_layout(legend_title_font_size=CHART_FONT - 2)
    fig.update_annotations(font_size=CHART_FONT)
    if key == "map":  # labels and legend: the page's map sized for a slide (static_map draws 15 px / 17 px)
        fig.update_traces(textfont_size=CHART_FONT, selector=dict(mode="text"))
        fig.update_traces(marker_size=CHART_FONT, selector=dict(mode="markers"))
        # The legend outside the map on its right (plotly keeps the room for it) and the map drawn against
        # the legend: what the map's shape leaves over lies at the far left, not between the two.
        fig.update_xaxes(constraintoward="right")
        fig.update_layout(legend_title_font_size=CHART_FONT + 2, legend_x=1.0, legend_xanchor="left",
                          margin=dict(l=4, r=4, t=4, b=4))
    else:
        fig.update_traces(textfont_size=CHART_FONT + 2, outsidetextfont_size=CHART_FONT + 2, insidetextfont_size=CHART_FONT,
                          constraintext="none", selector=dict(type="bar"))
    return fig


def slide_body(f: Filters, slide: Slide, is_sample: bool = False) -> None:
    st.title(md(slide.title), anchor=False)
    comparison = f"{COMPARISONS[f.compare]} {f.comparison_label}" if f.comparison else ""
    sub = md(slide.subtitle_for(f"{PRESETS[f.preset]} {f.period.label}", comparison))
    st.caption(sub + ("　:orange-badge[示例数据 · 虚构城市]" if is_sample else ""))
    if slide.kpis:
        n = len(slide.kpis)
        with st.container(key=f"present_kpis{min(n, 8)}"):  # the value size for n boxes (KPI_CSS)
            cols = st.columns(n)
        for col, k in zip(cols, slide.kpis):
            with col:
                change = k.change
                # name and value as on the pages' cards (“个/万人” goes to the label)
                st.metric(cards.card_label(k), cards.card_value(k),
                          delta=change.text if k.compare_label else None, delta_color=change.color,
                          delta_arrow=change.arrow, border=True, height="stretch",
                          # six boxes leave no room for "环比" beside the change: the subtitle says it
                          delta_description=(k.compare_label or None) if n < 6 else None)
    has_boards = bool(slide.red or slide.black or slide.red_note)
    # The map is as wide as it is high: it gets more of the row than a bar chart does.
    widths = ([1.7, 1] if slide.key == "map" else [2.6, 1]) if has_boards else [1]
    with st.container(key="present_body"):
        columns = st.columns(widths, gap="large")
        with columns[0], st.container(key="present_figure", gap="small"):
            st.markdown(f"#### {md(slide.figure_title)}")
            if slide.figure is not None:
                st.plotly_chart(_projector(slide.figure, slide.key), width="stretch", height="stretch",
                                config={"displayModeBar": False, "staticPlot": True, "responsive": True})
            else:
                st.markdown(md(slide.message) if slide.message else "本期无数据。")
        if has_boards:
            with columns[1], st.container(key="present_ranks", gap=None):
                st.markdown(f"#### {md(slide.red_black_title)}")
                for badge, rows, note in ((":green-badge[红榜]", slide.red, slide.red_note),
                                          (":red-badge[黑榜]", slide.black, slide.black_note)):
                    st.markdown(badge + (f"　{note}" if note else ""))
                    for r in rows:
                        st.markdown(f"{r.rank}　{md(r.name)}　**{r.value}**" + (f"　{r.change}" if r.change else "")
                                    + (f"　:red[{r.streak}]" if r.streak else ""))


def controls(index: int, total: int, interval: int, exit_page, exit_params: dict) -> None:
    with st.container(horizontal=True, vertical_alignment="center", gap="medium", key="present_controls"):
        st.button("上一页", key="present_prev", icon=":material/chevron_left:", disabled=index == 0,
                  on_click=_go, args=(index - 1,))
        st.markdown(f"**{index + 1} / {total}**")
        st.button("下一页", key="present_next", icon=":material/chevron_right:", disabled=index >= total - 1,
                  on_click=_go, args=(min(index + 1, total - 1),))  # the last slide is the end: no jump to the cover
        with st.container(key="present_exit", width="content"):
            st.page_link(exit_page, label="退出演示", icon=":material/close:", query_params=exit_params)
        hint = "键盘：→ 或空格 下一页，← 上一页，Esc 退出"
        st.caption(hint + (f"；每 {interval} 秒自动翻页" if interval else ""))
    st.html(_keys_script(index, total, interval), unsafe_allow_javascript=True)
