"""督办台账 data: the evidence a new 督办 carries (overdue tickets, a lagging figure), and the
ledger and per-unit records as tables for the page. The steps themselves: dashboard/supervision/duban.py."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import pandas as pd

from dashboard.core.config import settings
from dashboard.core.filters import Filters, scope_to
from dashboard.core.metrics import format_number, metric, table_number
from dashboard.data import common, tickets as ticket_data
from dashboard.data.overview import ALERT_METRICS, kpi_row
from dashboard.store import db
from dashboard.supervision import duban

EVIDENCE_TICKET_COLUMNS = ("工单编号", "标题", "受理时间", "办结时限（含延期）", "已超期（工作日）", "主办单位",
                           "社区/村", "当前状态")
INDICATOR_CHOICES = ALERT_METRICS


def addressee_choices(f: Filters, user) -> list[str]:
    """Areas this user may send a 督办 to from the current view: the scope itself (unless it
    is the user's own area or the city) and its child areas."""
    areas = db.areas()
    codes = ([f.scope] if f.scope else []) + [a.code for a in areas.children(f.scope)] if f.level != "community" \
        else [f.scope]
    return [c for c in codes if duban.can_issue(user, c)]


def area_name(code: str) -> str:
    areas = db.areas()
    return " › ".join(a.name for a in areas.ancestors(code) if a.code)


def overdue_tickets(f: Filters, code: str, limit: int = 200) -> pd.DataFrame:
    """The overdue tickets (督办清单, 已超期) of the area ``code`` at the period end."""
    table, _ = ticket_data.supervision(scope_to(f, code[:12], db.areas()), limit=limit)
    table = table[table["督办类型"] == "已超期"]
    if len(code) == 15 and "网格" in table.columns:
        table = table[table["网格"] == db.areas().name(code)]
    # the columns of the areas above the list's scope are left out by the list itself
    return table[[c for c in EVIDENCE_TICKET_COLUMNS if c in table.columns]].reset_index(drop=True)


def ticket_evidence(tickets: pd.DataFrame, f: Filters) -> dict:
    rows = [{"工单编号": r["工单编号"], "标题": r["标题"], "受理时间": f"{r['受理时间']:%Y-%m-%d %H:%M}",
             "办结时限": f"{r['办结时限（含延期）']:%Y-%m-%d %H:%M}", "已超期（工作日）": int(r["已超期（工作日）"]),
             "主办单位": r["主办单位"] or ""} for _, r in tickets.iterrows()]
    return {"tickets": rows, "as_of": f"{f.bounds()[1]:%Y-%m-%d %H:%M}"}


def indicator_evidence(f: Filters, code: str, keys: list[str]) -> dict:
    """The figures of the area ``code`` for the chosen metrics, as they stand when issued."""
    scoped = scope_to(f, code[:12], db.areas())
    figures = []
    for k in kpi_row(scoped, tuple(keys)):
        m = k.metric
        t = m.alert_threshold()
        figures.append({"指标": m.zh, "本期": m.format(k.value), "预警线": m.format(t) if t is not None else "—",
                        "期间": scoped.period.label, "口径": m.formula_text(), "低于预警线": bool(m.is_alert(k.value))})
    return {"figures": figures, "as_of": f"{f.as_of:%Y-%m-%d %H:%M}"}


def default_subject(kind: str, name: str, evidence: dict, unit: str | None = None) -> str:
    """The 督办事项 line; with a handling unit ``unit`` it names the unit at work in the area ``name``."""
    who = f"承办单位{unit}在{name}" if unit else name
    if kind == "tickets":
        n = len(evidence["tickets"])
        worst = max((t["已超期（工作日）"] for t in evidence["tickets"]), default=0)
        return f"{who}有 {n} 件诉求工单超过办结时限未办结，最长已超期 {worst} 个工作日"
    lagging = [x for x in evidence["figures"] if x["低于预警线"]] or evidence["figures"]
    head = f"{who}{'的' if unit else ''}"
    parts = [f"{x['指标']}为 {x['本期']}（预警线 {x['预警线']}）" for x in lagging]
    shown = parts
    while len(shown) > 1 and len(head + "、".join(shown)) > SUBJECT_MAX - 20:  # the form takes 200 characters
        shown = shown[:-1]
    more = f"等 {len(parts)} 项指标越过预警线" if len(shown) < len(parts) else ""
    return (head + "、".join(shown) + more)[:SUBJECT_MAX]


SUBJECT_MAX = 200  # 督办事项: dashboard/supervision/duban.py refuses more


DEFAULT_REQUIREMENT = {
    "tickets": "1. 逐件核实超期原因，明确责任人和办结时间；\n2. 已具备办结条件的立即办结并回访；\n"
               "3. 确需延期的按规定办理延期手续；\n4. 反馈时说明每件工单的办理结果和整改措施。",
    "indicator": "1. 分析指标滞后的原因；\n2. 制定整改措施，明确责任人和完成时限；\n3. 反馈时说明整改措施及预期效果。",
}


def ledger(items: list[duban.Item], f: Filters, now: datetime) -> pd.DataFrame:
    """The items addressed inside the current scope, newest first."""
    rows = [{"编号": i.number, "被督办单位": i.addressee_name + (f"（{i.handling_unit}）" if i.handling_unit else ""),
             "督办事项": i.subject, "类型": duban.KIND_ZH[i.kind], "下发时间": i.issued_at,
             "反馈期限": i.deadline, "状态": i.status_zh(now), "催办次数": i.reminders,
             "逾期反馈": "是" if i.answered_late else ""}
            for i in items if i.addressee_code.startswith(f.scope)]
    return pd.DataFrame(rows, columns=["编号", "被督办单位", "督办事项", "类型", "下发时间", "反馈期限", "状态",
                                       "催办次数", "逾期反馈"])


def record_table(items: list[duban.Item], f: Filters, now: datetime) -> pd.DataFrame:
    cfg = settings().duban
    recs = duban.records([i for i in items if i.addressee_code.startswith(f.scope)], now, cfg.criticism_after,
                         cfg.criticism_window_days)
    rows = [{"被督办单位": r.addressee_name, "督办件数": r.issued, "已办结": r.closed, "按期反馈": r.answered_on_time,
             "逾期（含逾期未反馈）": r.late, "逾期未反馈": r.open_overdue, "催办次数": r.reminders,
             "按期反馈率（%）": table_number(r.on_time_rate, 1, scale=100),  # a number (Excel 0.0%), not "85.5%" text
             "通报批评": f"建议（逾期 {r.late} 件）" if r.flagged else ""} for r in recs]
    return pd.DataFrame(rows, columns=["被督办单位", "督办件数", "已办结", "按期反馈", "逾期（含逾期未反馈）", "逾期未反馈",
                                       "催办次数", "按期反馈率（%）", "通报批评"])


def summary(items: list[duban.Item], f: Filters, now: datetime) -> dict[str, str]:
    mine = [i for i in items if i.addressee_code.startswith(f.scope)]
    rate = duban.completion_rate(mine)
    count = lambda n: format_number(n, unit="件")  # noqa: E731
    return {"督办总数": count(len(mine)), "在办": count(sum(i.status != "closed" for i in mine)),
            "逾期未反馈": count(sum(i.overdue(now) for i in mine)),
            "已办结": count(sum(i.status == "closed" for i in mine)),
            "办结率": format_number(rate, 1, scale=100, unit="%")}


def metric_label(key: str) -> str:
    return metric(key).zh


def window_days() -> int:
    return settings().duban.criticism_window_days


def assessment_evidence(f: Filters) -> pd.DataFrame | None:
    """The 督办 record of the units inside the scope, for the assessment page; None when the
    configuration leaves it out or there is nothing to show."""
    from dashboard.accounts import access

    if not settings().duban.show_on_assessment:
        return None
    user = access.current_user()
    if user is None:
        return None
    table = record_table(duban.items_for(user), f, duban.today())
    return table if len(table) else None


# -- drafts: a 督办 started from a 黑榜 entry or an alert ------------------------------------------------------
def area_draft(user, code: str, keys: list[str], source: str) -> dict | None:
    """The issue form's start for an area on a 黑榜 or past an alert line: 超期 alone becomes a 超期工单督办
    (its overdue tickets), anything else a 指标滞后督办 on those metrics. None if ``user`` may not issue to it."""
    if user is None or not duban.can_issue(user, code):
        return None
    lagging = [k for k in dict.fromkeys(keys) if k in INDICATOR_CHOICES and k != "overdue"]
    kind = "indicator" if lagging else "tickets"
    return {"kind": kind, "addressee": code, "handling_unit": None, "metrics": lagging, "figures": None,
            "source": source}


def unit_figures(units: ticket_data.HandlingUnits, unit: str, f: Filters, first: str) -> list[dict]:
    """A handling unit's figures as a 指标滞后督办 carries them: the metric it was ranked on first, then its
    other metrics past their lines (a rate below its minimum sample is not judged), with the counts behind each."""
    row = units.frame[units.frame["area_code"] == unit].iloc[0]
    keys = [first] + [k for k in ticket_data.HANDLING_UNIT_METRICS if k != first]
    figures = []
    for k in keys:
        m = metric(k)
        v = common.cell(row, m.col)
        judged = m.sample_ok(row[m.denominator]) if m.denominator else True
        if k != first and not (judged and m.is_alert(v)):
            continue
        t = m.alert_threshold()
        figures.append({"指标": m.zh, "本期": m.format(v), "预警线": m.format(t) if t is not None else "—",
                        "期间": f.period.label, "口径": m.formula_text(), "计数": m.count_note(row),
                        "低于预警线": bool(judged and m.is_alert(v))})
    return figures


def unit_draft(user, units: ticket_data.HandlingUnits, unit: str, f: Filters, key: str, source: str) -> dict | None:
    """The issue form's start for a handling unit on a 黑榜: addressed to the district or street that holds
    the unit's tickets (``handling_unit_home``), naming the unit; on 超期 its overdue tickets, otherwise its
    figures. None if ``user`` may not issue to that area."""
    home = ticket_data.handling_unit_home(units, unit, f)
    if user is None or not duban.can_issue(user, home):
        return None
    if key == "overdue":
        return {"kind": "tickets", "addressee": home, "handling_unit": unit, "metrics": [], "figures": None,
                "source": source}
    return {"kind": "indicator", "addressee": home, "handling_unit": unit, "metrics": [key],
            "figures": unit_figures(units, unit, f, key), "source": source}


def may_issue(user) -> bool:
    """Whether the account issues 督办 at all (the office, a district)."""
    return user is not None and user.role in ("city", "admin", "district")


def alert_draft(user, alerts, row: int) -> dict | None:
    """The issue form's start for the alert on row ``row`` of ``alerts.shown`` (dashboard.data.overview.alerts):
    its area, its metric first and the area's other breaches after it."""
    picked = alerts.shown.iloc[row]
    code = str(picked["area_code"])
    by_name = {metric(k).zh: k for k in INDICATOR_CHOICES}
    first = by_name.get(picked["指标"])
    others = [by_name.get(x) for x in alerts.all.loc[alerts.all["area_code"] == code, "指标"]]
    keys = [k for k in [first, *others] if k]
    if first == "overdue":  # an overdue count is answered ticket by ticket
        keys = ["overdue"]
    return area_draft(user, code, keys, f"预警（{picked['区域']} {picked['指标']}）")


# -- 督办事项办理情况: the one summary the 通报 and the brief both print ------------------------------------------------
STATE_ORDER = ("已下发", "退回重办", "逾期未反馈", "已反馈", "已办结")  # the states at a moment (Item.status_zh)
MOST_UNITS = 8  # units listed on a slide; the 通报's table lists all


@dataclass(frozen=True)
class Progress:
    """The user's 督办 items addressed inside a scope at a moment: counts by state (逾期未反馈 taken out of
    已下发/退回重办), 办结率, and each addressee's record (dashboard.supervision.duban.records)."""
    now: datetime
    issued: int
    by_state: dict[str, int]
    completion_rate: float | None
    records: list[duban.Record]

    @property
    def closed(self) -> int:
        return self.by_state["已办结"]

    @property
    def overdue(self) -> int:
        return self.by_state["逾期未反馈"]

    @property
    def flagged(self) -> list[str]:
        return [r.addressee_name for r in self.records if r.flagged]

    @property
    def text(self) -> str:
        """The paragraph: totals, 办结率, 逾期未反馈, the units suggested for 通报批评."""
        t = (f"截至{self.now.month}月{self.now.day}日，共下发督办事项 {format_number(self.issued)} 件，已办结 "
             f"{format_number(self.closed)} 件，办结率 {format_number(self.completion_rate, 1, scale=100, unit='%')}")
        t += f"；逾期未反馈 {format_number(self.overdue)} 件" if self.overdue else "；没有逾期未反馈的事项"
        if self.flagged:
            t += f"；{'、'.join(self.flagged)}逾期反馈较多，建议通报批评"
        return t + "。"

    @property
    def rows(self) -> list[list[str]]:
        """Per addressee: 被督办单位, 督办件数, 已办结, 按期反馈, 逾期, 按期反馈率 (by area code)."""
        return [[r.addressee_name, format_number(r.issued), format_number(r.closed), format_number(r.answered_on_time),
                 format_number(r.late), format_number(r.on_time_rate, 1, scale=100, unit="%")] for r in self.records]

    def overdue_rows(self, limit: int = MOST_UNITS) -> list[list[str]]:
        """Per addressee, those with late items first (most 逾期未反馈, then most 逾期): 被督办单位, 督办件数,
        逾期未反馈, 逾期（含逾期未反馈）, 催办次数, 按期反馈率, 通报批评."""
        order = sorted(self.records, key=lambda r: (-r.open_overdue, -r.late, r.addressee_code))
        return [[r.addressee_name, format_number(r.issued), format_number(r.open_overdue), format_number(r.late),
                 format_number(r.reminders), format_number(r.on_time_rate, 1, scale=100, unit="%"),
                 "建议" if r.flagged else ""] for r in order[:limit]]


def progress(f: Filters, user, now: datetime | None = None) -> Progress | None:
    """督办事项办理情况 of ``user``'s items addressed inside the scope of ``f``; None without any (or a user)."""
    if user is None:
        return None
    items = [i for i in duban.items_for(user) if i.addressee_code.startswith(f.scope)]
    if not items:
        return None
    now = now or duban.today()
    cfg = settings().duban
    states = {s: 0 for s in STATE_ORDER}
    for i in items:
        states[i.status_zh(now)] += 1
    return Progress(now, len(items), states, duban.completion_rate(items),
                    duban.records(items, now, cfg.criticism_after, cfg.criticism_window_days))
