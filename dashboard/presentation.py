"""演示模式 — a deck shown one topic per screen for a meeting room projector: no sidebar
or chrome, large type, advancing by keyboard (→ / 空格 / PageDown, ← / PageUp, Esc to
leave) or on a timer. The slide number, topics and timer live in the URL, so the
organiser can prepare the link before the meeting.
"""

from __future__ import annotations

import streamlit as st

from dashboard import db, state
from dashboard.config import settings
from dashboard.deck import TOPIC_TITLES, Slide, scope_path
from dashboard.filters import COMPARISONS, PRESETS, Filters
from dashboard.text import echo, md

CSS = """
<style>
[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"], [data-testid="stHeader"],
[data-testid="stToolbar"], [data-testid="stDecoration"] { display: none !important; }
[data-testid="stMainBlockContainer"] { padding: 1.2rem 3rem 1rem 3rem !important; max-width: 100% !important; }
.st-key-present_slide h1 { font-size: 3rem !important; padding: 0 !important; }
.st-key-present_slide [data-testid="stMetricLabel"] p { font-size: 1.55rem !important; }
.st-key-present_slide [data-testid="stMetricValue"] { font-size: 3.3rem !important; }
.st-key-present_slide [data-testid="stMetricDelta"] { font-size: 1.3rem !important; }
.st-key-present_slide [data-testid="stCaptionContainer"] p { font-size: 1.25rem !important; }
.st-key-present_slide .st-key-present_ranks p { font-size: 1.5rem !important; line-height: 1.9; }
.st-key-present_slide .st-key-present_cover p { font-size: 2rem !important; }
.st-key-present_slide .st-key-present_cover h1 { font-size: 4rem !important; }
</style>
"""


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
        st.space("large")
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


def slide_body(f: Filters, slide: Slide, is_sample: bool = False) -> None:
    st.title(md(slide.title), anchor=False)
    comparison = f"{COMPARISONS[f.compare]} {f.comparison_label}" if f.comparison else ""
    sub = md(slide.subtitle_for(f"{PRESETS[f.preset]} {f.period.label}", comparison))
    st.caption(sub + ("　:orange-badge[示例数据 · 虚构城市]" if is_sample else ""))
    cols = st.columns(max(len(slide.kpis), 1))
    for col, k in zip(cols, slide.kpis):
        with col:
            m, change = k.metric, k.change
            short_unit = len(m.unit) <= 2 and m.unit != "%"  # “个/万人” goes to the label, as on the pages
            label = m.zh if short_unit or m.unit in ("%", "") else f"{m.zh}（{m.unit}）"
            st.metric(label, m.format(k.value, with_unit=short_unit or m.unit == "%"),
                      delta=change.text if k.compare_label else None, delta_color=change.color,
                      delta_arrow=change.arrow, delta_description=k.compare_label or None, border=True,
                      height="stretch")
    left, right = st.columns([3, 1.25], gap="large")
    with left:
        st.markdown(f"#### {md(slide.figure_title)}")
        if slide.figure is not None:
            fig = slide.figure
            fig.update_layout(font_size=19, height=max(int(fig.layout.height or 420), 440), legend_font_size=18)
            fig.update_xaxes(tickfont_size=18)
            fig.update_yaxes(tickfont_size=20)
            fig.update_traces(textfont_size=18)
            fig.update_traces(outsidetextfont_size=18, insidetextfont_size=18, constraintext="none", selector=dict(type="bar"))
            st.plotly_chart(fig, width="stretch", config={"displayModeBar": False, "staticPlot": True})
        else:
            st.markdown(md(slide.message) if slide.message else "本期无数据。")
    with right, st.container(key="present_ranks"):
        if slide.red or slide.black or slide.red_note:
            st.markdown(f"#### {md(slide.red_black_title)}")
            for badge, rows, note in ((":green-badge[红榜]", slide.red, slide.red_note),
                                      (":red-badge[黑榜]", slide.black, slide.black_note)):
                st.markdown(badge + (f"　{note}" if note else ""))
                for r in rows:
                    st.markdown(f"{r.rank}　{md(r.name)}　**{r.value}**" + (f"　{r.change}" if r.change else "")
                                + (f"　:red[{r.streak}]" if r.streak else ""))


def controls(index: int, total: int, interval: int, exit_page, exit_params: dict) -> None:
    with st.container(horizontal=True, vertical_alignment="center", gap="medium"):
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
