"""通报 — the written summary of an area and period, drafted from the numbers.

One model (``Bulletin``) feeds three places: the 通报 as Word and PDF (dashboard/meetings/bulletin_doc.py), the
本期要点 box on the overview and the first content slide of the brief (dashboard/meetings/brief.py).

Every number in the text is a registry value formatted by ``Metric.format`` / ``Metric.change`` (half-up
on exact decimals), every ranking comes from ``dashboard.core.ranking.boards`` and every breach from
``dashboard.data.overview.alerts`` — the same rules as the pages. The sentences are composed by rules,
not fixed: a change is described only when there is a comparison (增加/减少/持平 by its sign, 向好/变差
by the metric's direction), units are named only when they are past a line, a paragraph with nothing to
say is left out. The 整改要求 is left for the author.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass, field
from datetime import date

import pandas as pd

from dashboard.core import ranking
from dashboard.core.filters import COMPARISONS, Filters
from dashboard.core.metrics import format_number, Kpi, metric
from dashboard.data import overview
from dashboard.store import db

SUMMARY_KPIS = ("created", "closed", "on_time_rate", "satisfaction_rate", "composite_score", "backlog", "overdue")
BOARD_METRICS = ("composite_score", "on_time_rate")
MOST_NAMED = 5  # units named in one sentence; the tables list all
MOST_METRICS = 5  # metrics named in the alert paragraph (those past the line in the most units)


@dataclass
class Bulletin:
    title: str  # 关于全市2025年10月基层治理工作情况的通报
    scope_name: str
    scope_path: str
    period_text: str  # 2025年10月
    period_label: str  # 本月（2025-10-01 至 2025-10-31）
    comparison: str  # 环比 2025-09-01 至 2025-09-30; "" when nothing is compared
    as_of: str
    child_zh: str
    is_sample: bool
    overall: str  # 总体情况
    changes: str  # 向好 / 变差 ("" without a comparison)
    alerts_text: str  # 预警
    boards_text: str  # 红黑榜
    overdue_text: str  # 超期
    boards: list[ranking.Boards] = field(default_factory=list)
    alerts: pd.DataFrame = field(default_factory=pd.DataFrame)  # 区域, 指标, 数值, 预警线, 偏离
    overdue: list[tuple[str, int, int]] = field(default_factory=list)  # (unit, 超期, 积压), most first
    duban_text: str = ""
    duban_rows: list[list[str]] = field(default_factory=list)

    @property
    def points(self) -> list[str]:
        """本期要点: the drafted paragraphs that are not empty."""
        return [p for p in (self.overall, self.changes, self.alerts_text, self.overdue_text) if p]


def cn_period(start: date, end: date) -> str:
    """2025年10月, 2025年第四季度, 2025年 or 2025年10月1日至10月20日 — as a 通报 names its period."""
    month_end = calendar.monthrange(end.year, end.month)[1]
    if start.day == 1 and end.day == month_end and start.year == end.year:
        if start.month == end.month:
            return f"{start.year}年{start.month}月"
        if start.month % 3 == 1 and end.month == start.month + 2:
            return f"{start.year}年第{'一二三四'[start.month // 3]}季度"
        if start.month == 1 and end.month == 12:
            return f"{start.year}年"
        return f"{start.year}年{start.month}月至{end.month}月"
    tail = f"{end.month}月{end.day}日" if end.year == start.year else f"{end.year}年{end.month}月{end.day}日"
    return f"{start.year}年{start.month}月{start.day}日至{tail}"


def _change_phrase(k: Kpi) -> str:
    """"，环比增加 1,510 件（22.3%）" / "，环比下降 0.3 个百分点" / "，与上期持平"; "" without a comparison."""
    if not k.compare_label:
        return ""
    c = k.change
    if c.delta is None:
        return ""
    m = k.metric
    if c.delta == 0:
        return f"，{k.compare_label}持平"
    up = c.delta > 0
    size = format_number(abs(c.delta), m.decimals)
    if m.fmt == "pct":
        return f"，{k.compare_label}{'上升' if up else '下降'} {size} 个百分点"
    unit = f" {m.unit}" if m.unit else ""
    if m.fmt != "int":  # a level (score), not a count: 上升/下降
        return f"，{k.compare_label}{'上升' if up else '下降'} {size}{unit}"
    rel = ""
    if m.relative_change and k.previous:
        rel = f"（{format_number(abs((k.value - k.previous) / k.previous), 1, scale=100, unit='%')}）"
    return f"，{k.compare_label}{'增加' if up else '减少'} {size}{unit}{rel}"


def _overall(f: Filters, scope: str, period: str, kpis: dict[str, Kpi]) -> str:
    parts = []
    created, closed = kpis.get("created"), kpis.get("closed")
    if created and created.value is not None:
        parts.append(f"{period}，{scope}共受理群众诉求 {created.metric.format(created.value)}{_change_phrase(created)}")
    if closed and closed.value is not None:
        parts.append(f"办结 {closed.metric.format(closed.value)}{_change_phrase(closed)}")
    backlog = kpis.get("backlog")
    if backlog and backlog.value is not None:
        parts.append(f"期末积压 {backlog.metric.format(backlog.value)}{_change_phrase(backlog)}")
    for key in ("on_time_rate", "satisfaction_rate", "composite_score"):
        k = kpis.get(key)
        if k and k.value is not None:
            parts.append(f"{k.metric.zh} {k.metric.format(k.value)}{_change_phrase(k)}")
    return "；".join(parts) + "。" if parts else ""


def _changes(kpis: dict[str, Kpi]) -> str:
    """Which metrics moved for the better and which for the worse (by the registry's direction)."""
    better = [k.metric.zh for k in kpis.values() if k.compare_label and k.change.good is True]
    worse = [k.metric.zh for k in kpis.values() if k.compare_label and k.change.good is False]
    label = next((k.compare_label for k in kpis.values() if k.compare_label), "")
    if not label or not (better or worse):
        return ""
    bits = []
    if better:
        bits.append(f"{'、'.join(better)}向好")
    if worse:
        bits.append(f"{'、'.join(worse)}变差，需引起重视")
    return f"从{label}看，" + "；".join(bits) + "。"


def _alerts_text(alerts: pd.DataFrame, child_zh: str) -> str:
    """Per metric, the units past its line with their values ("按期办结率低于预警线（90.0%）的有乙县（50.0%）");
    超期 has its own paragraph."""
    if alerts.empty:
        return f"各{child_zh}关键指标均未越过预警线。"
    rows = alerts[alerts["指标"] != metric("overdue").zh]
    if rows.empty:
        return ""
    bits = []
    groups = sorted(rows.groupby("指标", sort=False), key=lambda g: -len(g[1]))  # the most widespread first (stable)
    named = 0
    for name, group in groups[:MOST_METRICS]:
        named += len(group)
        word, _, line = group["预警线"].iloc[0].partition(" ")  # "低于 85.0 分"
        units = [f"{r['区域']}（{r['数值']}）" for _, r in group.head(MOST_NAMED).iterrows()]
        more = f"等 {len(group):,} 个{child_zh}" if len(group) > MOST_NAMED else ""
        zero = line.split(" ")[0] == "0"  # a line of 0 (不合格数): "大于 0", not "高于预警线（0 个）"
        bits.append(f"{name}{'大于 0 ' if zero else f'{word}预警线（{line}）'}的有{'、'.join(units)}{more}")
    rest = f"；其余 {len(rows) - named:,} 项见问题清单" if len(rows) > named else ""
    return f"{rows['区域'].nunique():,} 个{child_zh}共 {len(rows):,} 项指标越过预警线：" + "；".join(bits) + rest + "。"


def _boards_text(boards: list[ranking.Boards]) -> str:
    """Each board's units with their values (a 黑榜 unit also “连续 3 期上黑榜”); an empty board says why (its
    note, e.g. 没有达到预警线的区县)."""
    bits = []
    for b in boards:
        red = "、".join(f"{s.name}（{s.value_text}）" for s in b.red.rows)
        black = "、".join(f"{s.name}（{s.value_text}" + (f"，{s.streak_text}" if s.streak_text else "") + "）"
                          for s in b.black.rows)
        if not red and not black:
            continue
        bits.append(f"{b.metric.zh}红榜" + (f"为{red}" if red else f"空缺（{b.red.note}）")
                    + "，黑榜" + (f"为{black}" if black else f"空缺（{b.black.note}）"))
    return "；".join(bits) + "。" if bits else ""


def _overdue_text(kpis: dict[str, Kpi], overdue: list[tuple[str, int, int]], child_zh: str) -> str:
    k = kpis.get("overdue")
    if not k or k.value is None:
        return ""
    if not k.value:
        return f"期末没有超期未办结的工单{_change_phrase(k)}。"
    named = "、".join(f"{n} {format_number(o)} 件" for n, o, _ in overdue[:MOST_NAMED])
    more = f"等 {len(overdue):,} 个{child_zh}" if len(overdue) > MOST_NAMED else ""
    return (f"期末超期未办结工单 {k.metric.format(k.value)}{_change_phrase(k)}，"
            + (f"分布在{named}{more}。" if named else "。"))


def _duban(f: Filters, user) -> tuple[str, list[list[str]]]:
    """督办事项办理情况 of the user's items in scope (dashboard.data.duban.progress, the same summary as the
    brief's slide); ("", []) without any."""
    from dashboard.data import duban as duban_data

    p = duban_data.progress(f, user)
    return ("", []) if p is None else (p.text, p.rows)


def key_points(f: Filters) -> tuple[str, ...]:
    """本期要点 of the 通报 of ``f`` (no 督办 section), as 总览 shows them: computed once per build, settings and
    filters (``db.remember``) — drafting them is a third of the page's own time."""
    return db.remember("key_points", f.scope, f, lambda: tuple(build(f).points))


def build(f: Filters, user=None) -> Bulletin:
    """The 通报 of the scope and period of ``f`` (``user``: whose 督办 items are reported, None = none)."""
    areas = db.areas()
    scope = areas.name(f.scope) if f.scope else "全市"
    path = " › ".join(a.name if a.code else "全市" for a in areas.ancestors(f.scope))
    period = cn_period(f.period.start, f.period.end)
    kpis = {k.metric.key: k for k in overview.kpi_row(f, SUMMARY_KPIS)}
    children = overview.children(f)
    previous = overview.previous_children(f)
    history = overview.ticket_history(f)
    alerts = overview.alerts_of(f).all
    boards = [ranking.boards(children, metric(k), f.child_level_zh, previous=previous, history=history)
              for k in BOARD_METRICS if metric(k).col in children.columns]
    overdue = []
    if "overdue" in children.columns:
        for _, r in children.iterrows():
            o = r["overdue"]
            if pd.notna(o) and int(o) > 0:
                overdue.append((str(r["area_name"]), int(o), int(r["backlog"]) if pd.notna(r.get("backlog")) else 0))
        overdue.sort(key=lambda t: -t[1])
    child = f.child_level_zh
    duban_text, duban_rows = _duban(f, user)
    comparison = f"{COMPARISONS[f.compare]} {f.comparison_label}" if f.comparison else ""
    return Bulletin(
        title=f"关于{scope}{period}基层治理工作情况的通报", scope_name=scope, scope_path=path, period_text=period,
        period_label=f.describe_period().split("，")[0], comparison=comparison, as_of=f"{f.as_of:%Y-%m-%d %H:%M}",
        child_zh=child, is_sample=db.database().is_sample, overall=_overall(f, scope, period, kpis),
        changes=_changes(kpis), alerts_text=_alerts_text(alerts, child), boards_text=_boards_text(boards),
        overdue_text=_overdue_text(kpis, overdue, child), boards=boards,
        alerts=alerts[["区域", "指标", "数值", "预警线", "偏离"]] if not alerts.empty else alerts,
        overdue=overdue, duban_text=duban_text, duban_rows=duban_rows)
