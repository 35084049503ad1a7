"""会议材料 — one model of a meeting deck (半月一分析、每月一汇总、季度一通报), rendered
three ways from the same content: presentation mode in the browser (pages/present.py),
PPTX slides and a PDF (dashboard/meetings/brief.py).

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

from dashboard.core import ranking
from dashboard.core.config import settings
from dashboard.core.filters import COMPARISONS, Filters, PRESETS
from dashboard.core.metrics import Kpi, Metric, metric
from dashboard.data import assessment, common, grids, orgs, overview, tickets
from dashboard.store import db
from dashboard.ui import charts, maps

TOPIC_TITLES = {"overview": "总览", "tickets": "诉求工单", "map": "网格地图", "orgs": "社会组织", "assessment": "居村考核"}
DEFAULT_TOPICS = tuple(TOPIC_TITLES)


@dataclass
class Ranked:
    """One line of a 红黑榜 (from dashboard.core.ranking.boards)."""
    rank: str  # "第 1 名", "并列第 3 名"
    name: str
    value: str
    change: str = ""  # against the comparison period: "↑2", "↓1", "持平", "新上榜"
    streak: str = ""  # 黑榜: "连续 3 期" (dashboard.core.ranking, short: the board says 黑榜), "" below 2 periods

    @property
    def line(self) -> str:
        return f"{self.rank}　{self.name}　{self.value}" + (f"　{self.change}" if self.change else "") \
            + (f"　{self.streak}" if self.streak else "")


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
    red_note: str = ""  # e.g. "仅 2 个低于预警线" when a board has fewer than N units
    black_note: str = ""
    board_rule: str = ""  # how the boards were chosen
    notes: str = ""
    message: str = ""  # shown instead of a chart or list when there is nothing to show
    subtitle: str = ""  # what the numbers describe and compare, when not the period's (居村考核: rounds)

    def subtitle_for(self, period: str, comparison: str) -> str:
        return self.subtitle or (period + (f" · 对比：{comparison}" if comparison else ""))


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
    points: list[str] = field(default_factory=list)  # 本期要点 (dashboard/meetings/bulletin.py), the first content slide
    duban: object | None = None  # 督办事项办理情况 (dashboard.data.duban.Progress, as in the 通报), the last slide
    signature: str = ""  # 导出人 line (access.export_signature) on every page: the file is traceable to its user

    @property
    def author(self) -> str:
        """The exporting user as the file's author property ("演示管理员（demo_admin）")."""
        return self.signature.removeprefix("导出人：").split(" · ")[0]

    @property
    def subtitle_lines(self) -> list[str]:
        lines = [f"范围：{self.scope_path}", f"期间：{self.period}"]
        if self.comparison:
            lines.append(f"对比：{self.comparison}")
        lines.append(f"数据截至：{self.as_of}")
        return lines


def scope_path(f: Filters) -> str:
    return " › ".join(a.name if a.code else "全市" for a in db.areas().ancestors(f.scope))


def definitions(ms: list[Metric]) -> str:
    """Speaker notes: what every number on the slide means and how it is computed."""
    lines = []
    for m in dict.fromkeys(ms):
        t = m.alert_threshold()
        warn = f"（预警线 {m.format(t)}）" if t is not None else ""
        lines.append(f"{m.zh}：{m.definition_text()} 计算：{m.formula_text()}{warn}")
    return "\n".join(lines)


def red_black(frame: pd.DataFrame, m: Metric, unit_zh: str = "单位", n: int | None = None,
              previous: pd.DataFrame | None = None, history: list[pd.DataFrame | None] | None = None) -> ranking.Boards:
    """The boards of ``frame`` on ``m`` (dashboard.core.ranking: the same rules as the pages), the rank change
    against ``previous`` and “连续 N 期上黑榜” from ``history``."""
    return ranking.boards(frame, m, unit_zh, n, previous=previous, history=history)


def _lines(board: ranking.Board) -> list[Ranked]:
    return [Ranked(s.rank_text, s.name, s.value_text, s.change, s.streak_short) for s in board.rows]


def _with_boards(slide: Slide, b: ranking.Boards) -> Slide:
    slide.red, slide.black = _lines(b.red), _lines(b.black)
    slide.red_note, slide.black_note, slide.board_rule = b.red.note, b.black.note, b.rule
    slide.notes += f"\n红黑榜规则：{b.rule}。"
    if any(s.streak_short for s in b.black.rows):
        slide.notes += "黑榜中的“连续 N 期”为连续上黑榜的期数（含本期；此前各期按同样规则排出黑榜）。"
    return slide


# -- topics ---------------------------------------------------------------------------------------------
def _overview(f: Filters) -> Slide:
    kpis = overview.kpi_row(f, ("created", "backlog", "overdue", "on_time_rate", "composite_score"))
    children = overview.children(f)
    score = metric("composite_score")
    b = red_black(children, score, f.child_level_zh, previous=overview.previous_children(f),
                  history=overview.ticket_history(f))
    notes = definitions([k.metric for k in kpis] + [score, metric("satisfaction_rate")])
    return _with_boards(Slide("overview", "总览", kpis, charts.ranking_bar(children, score, highlight=b.size),
                              f"各{f.child_level_zh}{score.zh}", f"{score.zh} 红黑榜", notes=notes), b)


def _tickets(f: Filters) -> Slide:
    kpis = overview.kpi_row(f, ("created", "closed", "overdue", "due_soon", "satisfaction_rate"))
    aging = tickets.aging(f)
    on_time = metric("on_time_rate")
    b = red_black(tickets.children(f), on_time, f.child_level_zh, previous=overview.previous_children(f),
                  history=overview.ticket_history(f))
    figure = charts.aging_bars(aging, tickets.aging_labels()) if not aging.empty else None
    _, total = tickets.supervision(f, limit=1)
    notes = definitions([k.metric for k in kpis] + [on_time]) + \
        f"\n督办清单：期末已超期或即将超期的未办结工单共 {total:,} 件，明细见看板“诉求工单”页或导出的 Excel。"
    return _with_boards(Slide("tickets", "诉求工单", kpis, figure, "期末积压账龄（按一级分类，工作日）",
                              f"{on_time.zh} 红黑榜", notes=notes, message="" if figure else "期末没有积压工单。"), b)


def _map(f: Filters) -> Slide:
    """一图展现: the children of the scope coloured by the map's default metric (as the page opens)."""
    key = grids.DEFAULT_METRIC
    values = grids.child_values(f, key)
    m = values.metric
    shapes = grids.child_shapes(f)
    parent = db.areas().name(f.scope) if f.scope else ""
    figure = maps.static_map(values, shapes, parent_name=parent, when=grids.when(f, values)) if shapes.codes else None
    kpis = overview.kpi_row(f, ("grid_count", "fulltime_coverage", "per_1000", key))
    by_ticket = m.query == "ticket_metrics"  # earlier periods and the comparison are ticket figures
    b = red_black(values.frame.rename(columns={"value": m.col}), m, f.child_level_zh,
                  previous=overview.previous_children(f) if by_ticket else None,
                  history=overview.ticket_history(f) if by_ticket else None)
    missing = len(grids.no_fulltime_codes(f))
    notes = definitions([k.metric for k in kpis]) + \
        f"\n地图颜色：{m.zh}，{maps.classes_rule(m)}。范围内无在岗专职网格员的网格 {missing:,} 个，名单见“网格地图”页。"
    return _with_boards(Slide("map", "网格地图", kpis, figure, grids.map_title(f, m), f"{m.zh} 红黑榜", notes=notes,
                              message="" if figure is not None else "该范围没有下级区域的边界数据。"), b)


def _orgs(f: Filters) -> Slide:
    cfg = settings()
    kpis = orgs.kpis(f)
    per_10k = metric("orgs_per_10k")
    targets = orgs.community_targets(f)
    below = orgs.below_target_table(targets)
    target_line = f"目标 {cfg.org_per_10k_target:g} 个/万人"
    notes = definitions([k.metric for k in kpis]) + \
        f"\n每万人社会组织数目标 {cfg.org_per_10k_target:g} 个；社区社会组织：城市社区不少于 {cfg.community_orgs_urban_target} 个、" \
        f"村不少于 {cfg.community_orgs_rural_target} 个，范围内未达标的社区/村 {len(below):,} 个（名单见“社会组织”页或导出的 Excel）。"
    if f.level == "community":
        return Slide("orgs", "社会组织", kpis, None, "", notes=notes,
                     message=f"本社区/村社区社会组织 {len(targets) and int(targets['community_orgs'].iloc[0])} 个，"
                             f"目标 {len(targets) and int(targets['target'].iloc[0])} 个。")
    children = orgs.children(f)
    b = red_black(children, per_10k, f.child_level_zh, previous=orgs.previous_children(f), history=orgs.history(f))
    figure = charts.target_ranking_bar(children, per_10k, cfg.org_per_10k_target, target_line, highlight=b.size)
    return _with_boards(Slide("orgs", "社会组织", kpis, figure, f"各{f.child_level_zh}{per_10k.zh}（{target_line}）",
                              f"{per_10k.zh} 红黑榜", notes=notes), b)


def _assessment(f: Filters) -> Slide:
    choice = assessment.choose_round(f, None)
    if choice.round is None:
        return Slide("assessment", "居村考核", [], None, "",
                     message=f"截至统计期末（{common.period_last_day(f):%Y-%m-%d}）还没有公布的考核结果。")
    kpis = assessment.kpis(f, choice)
    committees = assessment.committees(f, choice)
    by_committee = f.level in ("street", "community")
    if by_committee:
        m, frame, what, unit = metric("assessment_total"), committees, "各社区/村", "社区/村"
    else:
        m, frame, what, unit = metric("assessment_avg"), assessment.children(f, choice), f"各{f.child_level_zh}", \
            f.child_level_zh
    earlier = assessment.earlier_results(f, choice, by_committee)
    b = red_black(frame, m, unit, previous=earlier.previous, history=earlier.history)
    figure = charts.ranking_bar(frame, m, highlight=b.size) if len(frame) > 1 else None
    check = assessment.weights(choice)
    dropped = assessment.movers(committees, "降档") if choice.previous is not None else pd.DataFrame()
    notes = definitions([k.metric for k in kpis] + [m]) + f"\n{choice.name}；等级分档：{assessment.grade_rule()}。{check.message}"
    if len(dropped):
        notes += f"\n较{choice.previous_name}降档的社区/村：" + "、".join(dropped["社区/村"].head(20)) + \
            ("等" if len(dropped) > 20 else "") + f"（共 {len(dropped)} 个）。"
    message = "" if figure is not None else (
        f"{committees['area_name'].iloc[0]}：总分 {m.format(committees['total'].iloc[0])}，{committees['grade'].iloc[0]}。"
        if len(committees) else f"该范围没有参加{choice.name}的社区/村。")
    # Its numbers compare rounds, not the period with the month before.
    subtitle = f"{choice.name} · " + (f"对比：上一轮（{choice.previous_name}）" if choice.previous is not None
                                      else "没有上一轮可比较")
    slide = Slide("assessment", "居村考核", kpis, figure, f"{what}{m.zh}（{choice.name}）", f"{m.zh} 红黑榜",
                  notes=notes, message=message, subtitle=subtitle)
    return _with_boards(slide, b) if figure is not None else slide


TOPIC_BUILDERS: dict[str, Callable[[Filters], Slide]] = {"overview": _overview, "tickets": _tickets, "map": _map,
                                                         "orgs": _orgs, "assessment": _assessment}


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
               progress: Callable[[float, str], None] | None = None, user=None, signature: str = "") -> Deck:
    """The deck of ``topics``; with ``user``, also the 督办事项办理情况 of that user's items in scope;
    ``signature`` is the 导出人 line of the user exporting it."""
    from dashboard.data import duban as duban_data

    topics = topics or available_topics()
    slides = []
    for i, topic in enumerate(topics):
        if progress:
            progress(i / max(len(topics), 1), f"正在整理“{TOPIC_TITLES[topic]}”…")
        slides.append(build_slide(f, topic))
    period = f"{PRESETS[f.preset]} {f.period.label}"
    comparison = f"{COMPARISONS[f.compare]} {f.comparison_label}" if f.comparison else ""
    from dashboard.meetings import bulletin

    return Deck("基层治理督查考评简报", scope_path(f), period, comparison, f"{f.as_of:%Y-%m-%d %H:%M}",
                f"{datetime.now():%Y-%m-%d %H:%M}", db.database().is_sample, slides, bulletin.build(f).points,
                duban_data.progress(f, user), signature)
