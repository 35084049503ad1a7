"""会议材料 — one model of a meeting deck (半月一分析、每月一汇总、季度一通报), rendered
three ways from the same content: presentation mode in the browser (pages/present.py),
PPTX slides and a PDF (dashboard/brief.py).

A deck is a title slide plus one slide per topic; each topic slide carries the key
numbers with their changes, one chart, the 红黑榜 and speaker notes holding the
definitions of every number on it (from the metric registry).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Callable

import pandas as pd
import plotly.graph_objects as go

from dashboard import charts, db
from dashboard.config import settings
from dashboard.data import common, overview, tickets
from dashboard.data.overview import Kpi
from dashboard.filters import COMPARISONS, PRESETS, Filters
from dashboard.metrics import Metric, metric

TOPIC_TITLES = {"overview": "总览", "tickets": "诉求工单", "map": "网格地图", "orgs": "社会组织", "assessment": "居村考核"}
DEFAULT_TOPICS = tuple(TOPIC_TITLES)


@dataclass
class Ranked:
    """One line of a 红黑榜."""
    rank: int
    name: str
    value: str


@dataclass
class Slide:
    key: str
    title: str
    kpis: list[Kpi]
    figure: go.Figure | None
    figure_title: str
    red_black_title: str = ""
    red: list[Ranked] = field(default_factory=list)
    black: list[Ranked] = field(default_factory=list)
    notes: str = ""
    message: str = ""  # shown instead of a chart or list when there is nothing to show


@dataclass
class Deck:
    title: str
    scope_path: str
    period: str
    comparison: str
    as_of: str
    generated_at: str
    is_sample: bool
    slides: list[Slide]

    @property
    def subtitle_lines(self) -> list[str]:
        lines = [f"范围：{self.scope_path}", f"期间：{self.period}"]
        if self.comparison:
            lines.append(f"对比：{self.comparison}")
        lines.append(f"数据截至：{self.as_of}")
        return lines


def scope_path(f: Filters) -> str:
    return " › ".join(a.name if a.code else "全市" for a in common.areas().ancestors(f.scope))


def definitions(ms: list[Metric]) -> str:
    """Speaker notes: what every number on the slide means and how it is computed."""
    lines = []
    for m in dict.fromkeys(ms):
        t = m.alert_threshold()
        warn = f"（预警线 {m.format(t)}）" if t is not None else ""
        lines.append(f"{m.zh}：{m.definition_text()} 计算：{m.formula_text()}{warn}")
    return "\n".join(lines)


def red_black(frame: pd.DataFrame, m: Metric, n: int | None = None) -> tuple[list[Ranked], list[Ranked]]:
    data = charts.ranked(frame, m)
    data = data[pd.to_numeric(data[m.col], errors="coerce").notna()]
    if len(data) < 2:
        return [], []
    n = min(n or settings().red_black_size, len(data) // 2)
    as_rows = lambda part: [Ranked(int(r["rank"]), str(r["area_name"]), m.format(r[m.col]))  # noqa: E731
                            for _, r in part.iterrows()]
    return as_rows(data.head(n)), as_rows(data.tail(n).iloc[::-1])


# -- topics ---------------------------------------------------------------------------------------------
def _overview(f: Filters) -> Slide:
    kpis = overview.kpi_row(f, ("created", "backlog", "overdue", "on_time_rate", "composite_score"))
    children = overview.children(f)
    score = metric("composite_score")
    red, black = red_black(children, score)
    notes = definitions([k.metric for k in kpis]) + f"\n{settings().composite_formula}；{settings().satisfaction_formula}。"
    return Slide("overview", "总览", kpis, charts.ranking_bar(children, score, highlight=len(red)),
                 f"各{f.child_level_zh}{score.zh}", f"{score.zh} 红黑榜", red, black, notes)


def _tickets(f: Filters) -> Slide:
    kpis = overview.kpi_row(f, ("created", "closed", "overdue", "due_soon", "satisfaction_rate"))
    aging = tickets.aging(f)
    on_time = metric("on_time_rate")
    red, black = red_black(tickets.children(f), on_time)
    figure = charts.aging_bars(aging, tickets.aging_labels()) if not aging.empty else None
    _, total = tickets.supervision(f, limit=1)
    notes = definitions([k.metric for k in kpis] + [on_time]) + \
        f"\n督办清单：期末已超期或即将超期的未办结工单共 {total:,} 件，明细见看板“诉求工单”页或导出的 Excel。"
    return Slide("tickets", "诉求工单", kpis, figure, "期末积压账龄（按一级分类，工作日）",
                 f"{on_time.zh} 红黑榜", red, black, notes, message="" if figure else "期末没有积压工单。")


TOPIC_BUILDERS: dict[str, Callable[[Filters], Slide]] = {"overview": _overview, "tickets": _tickets}


def available_topics() -> list[str]:
    """The configured topics, in the configured order ([meeting] topics)."""
    return [t for t in settings().meeting_topics if t in TOPIC_BUILDERS]


def parse_topics(text: str | None) -> tuple[list[str], list[str]]:
    """Topics from a URL value like "overview,tickets"; unknown names are reported."""
    if not text:
        return available_topics(), []
    chosen, unknown = [], []
    for name in (t.strip() for t in text.split(",")):
        if name in TOPIC_BUILDERS and name not in chosen:
            chosen.append(name)
        elif name:
            unknown.append(name)
    return (chosen or available_topics()), unknown


def build_slide(f: Filters, topic: str) -> Slide:
    slide = TOPIC_BUILDERS[topic](f)
    slide.title = f"{TOPIC_TITLES[topic]}｜{scope_path(f)}"
    return slide


def build_deck(f: Filters, topics: list[str] | None = None,
               progress: Callable[[float, str], None] | None = None) -> Deck:
    topics = topics or available_topics()
    slides = []
    for i, topic in enumerate(topics):
        if progress:
            progress(i / max(len(topics), 1), f"正在整理“{TOPIC_TITLES[topic]}”…")
        slides.append(build_slide(f, topic))
    period = f"{PRESETS[f.preset]} {f.period.label}"
    comparison = f"{COMPARISONS[f.compare]} {f.comparison.label}" if f.comparison else ""
    return Deck("基层治理督查考评简报", scope_path(f), period, comparison, f"{f.as_of:%Y-%m-%d %H:%M}",
                f"{datetime.now():%Y-%m-%d %H:%M}", db.database().is_sample, slides)
