"""督办台账 data: the evidence a new 督办 carries (overdue tickets, a lagging figure), and the
ledger and per-unit records as tables for the page. The steps themselves: dashboard/duban.py."""

from __future__ import annotations

from datetime import datetime

import pandas as pd

from dashboard import duban
from dashboard.config import settings
from dashboard.data import common
from dashboard.data import tickets as ticket_data
from dashboard.data.overview import ALERT_METRICS, kpi_row
from dashboard.filters import Filters, scope_to
from dashboard.metrics import format_number, metric, table_number

EVIDENCE_TICKET_COLUMNS = ("工单编号", "标题", "受理时间", "办结时限（含延期）", "已超期（工作日）", "主办单位",
                           "社区/村", "当前状态")
INDICATOR_CHOICES = ALERT_METRICS


def addressee_choices(f: Filters, user) -> list[str]:
    """Areas this user may send a 督办 to from the current view: the scope itself (unless it
    is the user's own area or the city) and its child areas."""
    areas = common.areas()
    codes = ([f.scope] if f.scope else []) + [a.code for a in areas.children(f.scope)] if f.level != "community" \
        else [f.scope]
    return [c for c in codes if duban.can_issue(user, c)]


def area_name(code: str) -> str:
    areas = common.areas()
    return " › ".join(a.name for a in areas.ancestors(code) if a.code)


def overdue_tickets(f: Filters, code: str, limit: int = 200) -> pd.DataFrame:
    """The overdue tickets (督办清单, 已超期) of the area ``code`` at the period end."""
    table, _ = ticket_data.supervision(scope_to(f, code[:12], common.areas()), limit=limit)
    table = table[table["督办类型"] == "已超期"]
    if len(code) == 15 and "网格" in table.columns:
        table = table[table["网格"] == common.areas().name(code)]
    # the columns of the areas above the list's scope are left out by the list itself
    return table[[c for c in EVIDENCE_TICKET_COLUMNS if c in table.columns]].reset_index(drop=True)


def ticket_evidence(tickets: pd.DataFrame, f: Filters) -> dict:
    rows = [{"工单编号": r["工单编号"], "标题": r["标题"], "受理时间": f"{r['受理时间']:%Y-%m-%d %H:%M}",
             "办结时限": f"{r['办结时限（含延期）']:%Y-%m-%d %H:%M}", "已超期（工作日）": int(r["已超期（工作日）"]),
             "主办单位": r["主办单位"] or ""} for _, r in tickets.iterrows()]
    return {"tickets": rows, "as_of": f"{f.bounds()[1]:%Y-%m-%d %H:%M}"}


def indicator_evidence(f: Filters, code: str, keys: list[str]) -> dict:
    """The figures of the area ``code`` for the chosen metrics, as they stand when issued."""
    scoped = scope_to(f, code[:12], common.areas())
    figures = []
    for k in kpi_row(scoped, tuple(keys)):
        m = k.metric
        t = m.alert_threshold()
        figures.append({"指标": m.zh, "本期": m.format(k.value), "预警线": m.format(t) if t is not None else "—",
                        "期间": scoped.period.label, "口径": m.formula_text(), "低于预警线": bool(m.is_alert(k.value))})
    return {"figures": figures, "as_of": f"{f.as_of:%Y-%m-%d %H:%M}"}


def default_subject(kind: str, name: str, evidence: dict) -> str:
    if kind == "tickets":
        n = len(evidence["tickets"])
        worst = max((t["已超期（工作日）"] for t in evidence["tickets"]), default=0)
        return f"{name}有 {n} 件诉求工单超过办结时限未办结，最长已超期 {worst} 个工作日"
    lagging = [x for x in evidence["figures"] if x["低于预警线"]] or evidence["figures"]
    return f"{name}" + "、".join(f"{x['指标']}为 {x['本期']}（预警线 {x['预警线']}）" for x in lagging)


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
    from dashboard import access

    if not settings().duban.show_on_assessment:
        return None
    user = access.current_user()
    if user is None:
        return None
    table = record_table(duban.items_for(user), f, duban.today())
    return table if len(table) else None
