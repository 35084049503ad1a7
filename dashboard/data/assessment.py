"""居村考核 data (docs/domain.md「居村考核」): the chosen assessment round and the one before it, the KPI
row, committee results with their grades and round-over-round movement, rankings of child
areas, grade counts, one committee's indicator breakdown and the weight check of the
indicator system (居民评议 at least 70 %).

Grades are given only by the SQL macro ``grade_of`` with the configured cut-offs
(parameters ``grade_names``/``grade_mins``, resolved from the settings by ``dashboard.store.params``); nothing here computes a grade.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from dashboard.core.config import settings
from dashboard.core.filters import Filters
from dashboard.core.metrics import format_number, Kpi, metric
from dashboard.core.text import echo, md
from dashboard.data import common
from dashboard.store import db, params

_score = metric("assessment_total")  # totals and their changes: one decimal, half-up
ASSESSMENT_KPIS = ("assessment_avg", "assessment_excellent_rate", "assessment_failed", "assessment_upgraded",
                   "assessment_downgraded")


# -- the round ------------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class RoundChoice:
    round: pd.Series | None  # the round shown (None: nothing published by the end of the period)
    previous: pd.Series | None  # the round before it (same kind), if any
    default_id: str | None  # the round the period would show without a choice
    warning: str | None = None  # Chinese warning about the URL value, if it had to be ignored

    @property
    def round_id(self) -> str | None:
        return None if self.round is None else str(self.round["round_id"])

    @property
    def previous_id(self) -> str:
        return "" if self.previous is None else str(self.previous["round_id"])

    @property
    def name(self) -> str:
        return "" if self.round is None else str(self.round["name"])

    @property
    def previous_name(self) -> str:
        return "" if self.previous is None else str(self.previous["name"])


def rounds() -> pd.DataFrame:
    """All rounds, newest first (for the picker)."""
    return common.assessment_rounds().iloc[::-1].reset_index(drop=True)


def choose_round(f: Filters, requested: str | None) -> RoundChoice:
    """The round named in the URL (``round=<id>``) if it exists, else the latest round published by
    the end of the period; an unknown id gives a Chinese warning and falls back to the default."""
    table = common.assessment_rounds()
    default, default_prev = common.round_for(f)
    default_id = None if default is None else str(default["round_id"])
    warning = None
    if requested:
        match = table[table["round_id"] == requested]
        if len(match):
            chosen = match.iloc[0]
            prev_id = chosen["previous_round_id"]
            prev = table[table["round_id"] == prev_id].iloc[0] if isinstance(prev_id, str) else None
            return RoundChoice(chosen, prev, default_id)
        fallback = f"已显示{default['name']}" if default is not None else "已忽略"
        warning = f"地址中的考核轮次“{echo(requested)}”不存在，{fallback}。"
    return RoundChoice(default, default_prev, default_id, warning)


def round_params(choice: RoundChoice) -> dict:
    """The rounds a question compares (what the filters don't decide)."""
    return {"round_id": choice.round_id, "previous_round_id": choice.previous_id}


def round_description(choice: RoundChoice) -> str:
    r = choice.round
    text = f"{r['name']}：考核期 {r['period_start']:%Y-%m-%d} 至 {r['period_end']:%Y-%m-%d}"
    if pd.notna(r["published_on"]):
        text += f"，{r['published_on']:%Y-%m-%d} 公布"
    text += f"；与上一轮（{choice.previous_name}）比较。" if choice.previous is not None else "；没有上一轮可比较。"
    return text


def grade_rule() -> str:
    """等级分档：优秀 ≥90 分、合格 ≥75 分、基本合格 ≥60 分、其余不合格 (from the configuration)."""
    cuts = settings().grade_cutoffs
    return "、".join(f"{g} ≥{v:g} 分" for g, v in cuts.items()) + "、低于此为不合格"


# -- weights of the indicator system ----------------------------------------------------------------------------------
@dataclass(frozen=True)
class WeightCheck:
    groups: pd.DataFrame  # group_name, indicators, weight, share, is_resident
    resident_share: float
    ok: bool
    message: str  # one line describing the weights; a warning when not ok


def weights(choice: RoundChoice) -> WeightCheck:
    """The weight (分值) of each indicator group in the round and whether 居民评议 carries at least
    the configured minimum share (docs/domain.md「居村考核」)."""
    cfg = settings()
    groups = db.query("assessment_weights", **params.resolve("assessment_weights", params.Context(None, cfg),
                                                              round_id=choice.round_id))
    share = float(groups["resident_share"].iloc[0]) if len(groups) else 0.0
    ok = share >= cfg.resident_min_share - 1e-9
    pct = lambda v: format_number(v, 0, scale=100, unit="%")  # noqa: E731
    parts = "、".join(f"{g} {w:g} 分（{pct(s)}）" for g, w, s in zip(groups["group_name"], groups["weight"], groups["share"]))
    if ok:
        message = f"指标体系分值（权重）：{parts}。{cfg.resident_group}占 {pct(share)}，符合不低于 {pct(cfg.resident_min_share)} 的要求。"
    elif len(groups) and not groups["is_resident"].any():
        message = (f"{choice.name}的指标体系中没有“{cfg.resident_group}”分组，居民评议权重为 0，"
                   f"低于规定的 {pct(cfg.resident_min_share)}。请核对考核指标配置（assessment_indicators）。现有分组：{parts}。")
    else:
        message = (f"{choice.name}的指标体系中“{cfg.resident_group}”分值只占 {pct(share)}，低于规定的"
                   f" {pct(cfg.resident_min_share)}。请核对考核指标配置（assessment_indicators）。各分组：{parts}。")
    return WeightCheck(groups, share, ok, message)


# -- KPI row ------------------------------------------------------------------------------------------------------------
def _changes(f: Filters, choice: RoundChoice) -> tuple[pd.Series | None, pd.DataFrame]:
    """Grade changes since the previous round: the scope's row and the child areas', one query
    (queries/assessment_changes.sql orders the scope's row first)."""
    frame = common.ask("assessment_changes", f, "children", with_scope=True, **round_params(choice))
    return common.first_row(frame), frame.iloc[1:].reset_index(drop=True)


def _summary_rows(f: Filters, choice: RoundChoice) -> common.ScopeRows:
    """The round's summary for the scope (and the previous round's) and for the child areas: one query."""
    return common.summary_rows(f, choice.round_id, choice.previous_id or None)


def kpis(f: Filters, choice: RoundChoice, keys: tuple[str, ...] = ASSESSMENT_KPIS) -> list[Kpi]:
    """Results of the chosen round in scope; averages and counts compared with the previous round."""
    summary, (changes, _) = db.in_parallel([lambda: _summary_rows(f, choice), lambda: _changes(f, choice)])
    now, before = summary.now, summary.before
    out = []
    for key in keys:
        m = metric(key)
        if m.query == "assessment_changes":
            out.append(Kpi(m, common.cell(changes, m.col) if choice.previous is not None else None, None, "",
                           common.denominator_note(m, changes) if choice.previous is not None else "没有上一轮可比较"))
        else:
            label = "较上一轮" if before is not None else ""
            out.append(Kpi(m, common.cell(now, m.col), common.cell(before, m.col), label, common.denominator_note(m, now)))
    return out


# -- committees and child areas ------------------------------------------------------------------------------------
def committees(f: Filters, choice: RoundChoice) -> pd.DataFrame:
    """Every assessed committee (社区/村) in scope: total, grade, rank, and the previous round."""
    return common.ask("assessment_scores", f, **round_params(choice))


def children(f: Filters, choice: RoundChoice) -> pd.DataFrame:
    """Every child area: average, grade counts and movement against the previous round."""
    summary, (_, changes) = db.in_parallel([lambda: _summary_rows(f, choice).children, lambda: _changes(f, choice)])
    return summary.merge(changes.drop(columns=["area_name", "level", "assessed"]), on="area_code", how="left")


@dataclass(frozen=True)
class EarlierResults:
    """The boards' frames of the rounds before the chosen one (same kind), the nearest first: ``previous``
    for the rank change (the previous round), ``history`` for “连续 N 期上黑榜” (``[ranking] streak_periods``
    rounds; None when that is 0)."""
    previous: pd.DataFrame | None
    history: list[pd.DataFrame | None] | None


def earlier_round_ids(choice: RoundChoice, count: int) -> list[str]:
    """The ids of up to ``count`` rounds before the chosen one, following each round's previous round."""
    table = common.assessment_rounds()
    previous = dict(zip(table["round_id"], table["previous_round_id"]))
    ids, rid = [], choice.previous_id
    while rid and len(ids) < count and rid not in ids:
        ids.append(rid)
        rid = previous.get(rid)
        rid = rid if isinstance(rid, str) else ""
    return ids


def earlier_results(f: Filters, choice: RoundChoice, by_committee: bool) -> EarlierResults:
    """Committees' totals (``by_committee``) or the child areas' averages in the earlier rounds: the same
    questions as this round's (queries/assessment_scores.sql, assessment_summary.sql), one per round, at once."""
    k = settings().streak_periods
    ids = earlier_round_ids(choice, max(k, 1))
    if by_committee:
        ask = lambda r: common.ask("assessment_scores", f, round_id=r, previous_round_id="")  # noqa: E731
    else:
        ask = lambda r: common.summary_rows(f, r, None).children  # noqa: E731
    frames = db.in_parallel([lambda r=r: ask(r) for r in ids])
    return EarlierResults(frames[0] if frames else None, frames[:k] if k else None)


def grade_counts(f: Filters, choice: RoundChoice) -> pd.DataFrame:
    return common.ask("assessment_grade_counts", f, **round_params(choice))


COMMITTEE_COLUMNS = {"area_name": "社区/村", "street_name": "所属街道/乡镇", "district_name": "所属区县",
                     "grade": "等级", "previous_total": "上一轮总分", "previous_grade": "上一轮等级",
                     "total_change": "总分变化", "movement": "升降"}


def movers(committees_frame: pd.DataFrame, movement: str) -> pd.DataFrame:
    """The committees that moved up (``升档``) or dropped (``降档``) a grade, for the tables."""
    part = committees_frame[committees_frame["movement"] == movement]
    part = part.sort_values("total_change", ascending=movement == "降档", kind="stable")
    return pd.DataFrame({
        "社区/村": part["area_name"], "所属街道/乡镇": part["street_name"],
        "上一轮": [f"{g} {_score.format(t)}" for g, t in zip(part["previous_grade"], part["previous_total"])],
        "本轮": [f"{g} {_score.format(t)}" for g, t in zip(part["grade"], part["total"])],
        "总分变化": [_score.table_value(v) for v in part["total_change"]],
    }).reset_index(drop=True)


def change_sentence(row: pd.Series, choice: RoundChoice) -> str:
    """One committee against the previous round, e.g. “东二社区：合格 82 分，上一轮优秀 91 分，降档（−9 分）”."""
    if pd.isna(row["previous_total"]):
        return f"{md(row['area_name'])}没有{md(choice.previous_name)}的成绩，无法比较。"
    move = {"升档": ":green-badge[升档]", "降档": ":red-badge[降档]"}.get(row["movement"], row["movement"])
    return (f"**{md(row['area_name'])}：{md(choice.name)}{md(row['grade'])} {_score.format(row['total'])}，{md(choice.previous_name)}"
            f"{md(row['previous_grade'])} {_score.format(row['previous_total'])}** {move}"
            f"（总分 {_score.format_delta(row['total_change'])} 分）")


def changes_table(committees_frame: pd.DataFrame) -> pd.DataFrame:
    """All committees with both rounds, for download: dropped first, then moved up, then the rest."""
    order = {"降档": 0, "升档": 1, "等级不变": 2, "无上一轮成绩": 3}
    data = committees_frame.assign(_o=committees_frame["movement"].map(order)).sort_values(
        ["_o", "total_change"], kind="stable")
    return pd.DataFrame({
        "社区/村": data["area_name"], "所属街道/乡镇": data["street_name"], "所属区县": data["district_name"],
        "上一轮总分": data["previous_total"], "上一轮等级": data["previous_grade"],
        "本轮总分": data["total"], "本轮等级": data["grade"], "总分变化": [_score.table_value(v) for v in data["total_change"]],
        "升降": data["movement"],
    }).reset_index(drop=True)


# -- one committee ---------------------------------------------------------------------------------------------------
def choose_committee(f: Filters, committees_frame: pd.DataFrame, requested: str | None) -> tuple[str | None, str | None]:
    """The committee for the indicator breakdown: the scope itself at community level, else the one
    named in the URL (``committee=<code>``) if it is assessed and inside the scope, else the first
    committee of the scope. Returns (code, Chinese warning for an unknown code)."""
    offered = sorted(committees_frame["area_code"])
    if f.level == "community":
        return (f.scope if f.scope in offered else None), None
    if not offered:
        return None, None
    if requested in offered:
        return requested, None
    areas = db.areas()
    known = areas.get(requested) if requested else None
    if requested and (known is None or known.level != "community"):
        return offered[0], f"地址中的社区/村代码“{echo(requested)}”不存在，已显示{areas.name(offered[0])}。"
    return offered[0], None  # a committee outside the scope (e.g. after drilling elsewhere): the first in scope


def indicators(choice: RoundChoice, community_code: str) -> pd.DataFrame:
    return db.query("assessment_indicators", round_id=choice.round_id, community_code=community_code)


def indicator_table(frame: pd.DataFrame, who: str, street: str) -> pd.DataFrame:
    """The breakdown as a table: weight (分值), the committee's score, street and city averages."""
    return pd.DataFrame({
        "指标分组": frame["group_name"], "指标": frame["name"], "分值（权重）": frame["max_score"],
        f"{who}得分": frame["score"], f"{street}平均": frame["street_avg"].round(2),
        "全市平均": frame["city_avg"].round(2),
        "得分率（%）": (100 * frame["score_rate"]).round(1),
    })
