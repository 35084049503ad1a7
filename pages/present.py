"""演示模式 — the meeting deck, one topic per screen, for the projector.
Opened from the sidebar's 会议 section with the current area and period."""

import streamlit as st

from dashboard.core.text import echo, md
from dashboard.meetings import deck, presentation
from dashboard.store import db
from dashboard.ui import state

f = state.current()
st.html(presentation.CSS + presentation.KPI_CSS)
topics, unknown = deck.parse_topics(st.query_params.get("topics"))
interval, interval_warning = presentation.parse_interval(st.query_params.get("interval"))
index, slide_warning = presentation.parse_slide(st.query_params.get("slide"), len(topics) + 1)

with st.container(key="present_slide"):
    for text in state.warnings() + ([f"未知的主题：{echo('、'.join(unknown))}，已忽略。"] if unknown else []) + \
            [w for w in (interval_warning, slide_warning) if w]:
        st.warning(md(text))
    if index == 0:
        presentation.cover(f, topics, db.database().is_sample)
    else:
        presentation.slide_body(f, deck.build_slide(f, topics[index - 1]), db.database().is_sample)

presentation.controls(index, len(topics) + 1, interval, "pages/overview.py", f.to_query_params())
