"""指标注册表 — the one place where a metric's name, definition, unit, direction,
format and alert threshold live (DESIGN §4).

The *computation* of each metric lives in exactly one ``queries/*.sql`` file (named by
``Metric.query``, in the column ``Metric.column``); pages, tooltips, tables and exports
read names, definitions and formatting from here and never define a metric again.

Thresholds are the defaults of this registry; a city may override any of them in the
``[thresholds]`` table of ``config/settings.toml``. Texts that depend on configuration
(三率 weights, the 基本满意 factor, targets) are templates filled from the settings.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

from dashboard.config import Settings, settings as current_settings

Direction = Literal["up", "down", "neutral"]  # up: higher is better; down: lower is better
Format = Literal["int", "pct", "score", "dec1", "dec2"]


@dataclass(frozen=True)
class Metric:
    key: str
    zh: str
    en: str
    definition: str  # plain-language meaning for leaders (may use {settings} fields)
    formula: str  # how it is computed, in words (may use {settings} fields)
    unit: str
    direction: Direction
    fmt: Format
    query: str  # queries/<query>.sql computes it …
    column: str = ""  # … in this column (defaults to key)
    threshold: float | None = None  # alert when worse than this
    threshold_setting: str | None = None  # or: the Settings attribute holding the threshold
    numerator: str | None = None  # result columns to show with the value ("denominators matter")
    denominator: str | None = None

    @property
    def col(self) -> str:
        return self.column or self.key

    def _fill(self, text: str, cfg: Settings) -> str:
        w = cfg.composite_weights
        return text.format(k=cfg.basic_satisfied_factor, w1=w["response"], w2=w["resolution"], w3=w["satisfaction"],
                           org_target=cfg.org_per_10k_target, urban=cfg.community_orgs_urban_target,
                           rural=cfg.community_orgs_rural_target, high=cfg.high_rating,
                           valid=cfg.rating_valid_years, soon=cfg.due_soon_workdays)

    def definition_text(self, cfg: Settings | None = None) -> str:
        return self._fill(self.definition, cfg or current_settings())

    def formula_text(self, cfg: Settings | None = None) -> str:
        return self._fill(self.formula, cfg or current_settings())

    def alert_threshold(self, cfg: Settings | None = None) -> float | None:
        cfg = cfg or current_settings()
        if self.key in cfg.thresholds:
            return cfg.thresholds[self.key]
        if self.threshold_setting:
            return float(getattr(cfg, self.threshold_setting))
        return self.threshold

    def help(self, cfg: Settings | None = None) -> str:
        """Hover text: definition, formula and (if any) the alert threshold."""
        cfg = cfg or current_settings()
        parts = [self.definition_text(cfg), f"计算：{self.formula_text(cfg)}"]
        t = self.alert_threshold(cfg)
        if t is not None:
            word = "低于" if self.direction == "up" else "高于"
            parts.append(f"预警：{word} {self.format(t)}")
        return "\n\n".join(parts)

    def format(self, value, with_unit: bool = True) -> str:
        return format_value(value, self.fmt, self.unit if with_unit else "")

    def is_alert(self, value, cfg: Settings | None = None) -> bool:
        t = self.alert_threshold(cfg)
        if t is None or value is None or (isinstance(value, float) and math.isnan(value)):
            return False
        return value < t if self.direction == "up" else value > t if self.direction == "down" else False

    def change_is_good(self, delta) -> bool | None:
        """True if this change is an improvement, False if it is worse, None if neutral/zero."""
        if delta is None or (isinstance(delta, float) and math.isnan(delta)) or delta == 0 or self.direction == "neutral":
            return None
        return (delta > 0) == (self.direction == "up")

    def format_delta(self, delta) -> str:
        """A change against the comparison period: percentage points for rates."""
        if delta is None or (isinstance(delta, float) and math.isnan(delta)):
            return "—"
        if delta == 0:
            return "持平"
        sign = "+" if delta > 0 else "-"
        mag = abs(delta)
        if self.fmt == "pct":
            return f"{sign}{mag * 100:.1f} 个百分点"
        return f"{sign}{format_value(mag, self.fmt, '')}"


def format_value(value, fmt: Format, unit: str = "") -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    try:
        if fmt == "int":
            text = f"{int(round(float(value))):,}"
        elif fmt == "pct":
            return f"{float(value) * 100:.1f}%"
        elif fmt == "score":
            text = f"{float(value):.1f}"
        elif fmt == "dec1":
            text = f"{float(value):,.1f}"
        else:
            text = f"{float(value):,.2f}"
    except (TypeError, ValueError):
        return "—"
    return f"{text} {unit}".strip() if unit else text


_T = "ticket_metrics"
REGISTRY: dict[str, Metric] = {m.key: m for m in (
    # -- tickets (queries/ticket_metrics.sql) ------------------------------------------------
    Metric("created", "受理量", "Tickets received", "期间内受理的诉求工单数（12345 热线、网格员上报、网上/APP）。",
           "受理时间在期间内的工单数", "件", "neutral", "int", _T),
    Metric("per_1000", "千人诉求量", "Tickets per 1,000 residents", "每千名常住人口的诉求量，便于比较人口规模不同的区域。",
           "受理量 ÷ 常住人口 × 1000", "件/千人", "down", "dec2", _T, numerator="created", denominator="population"),
    Metric("closed", "办结量", "Tickets closed", "期间内办结的工单数。", "办结时间在期间内的工单数", "件", "neutral", "int", _T),
    Metric("backlog", "积压", "Backlog", "期末仍未办结的工单数（含期间之前受理的）。",
           "受理时间早于期末、且期末时尚未办结的工单数", "件", "down", "int", _T),
    Metric("overdue", "超期", "Overdue", "期末仍未办结且已过办结时限的工单数（时限按工作日计，含延期顺延）。",
           "积压工单中 办结时限 < 期末时点 的工单数", "件", "down", "int", _T, threshold=0),
    Metric("due_soon", "即将超期", "Due soon", "期末仍未办结、将在 {soon} 个工作日内到期的工单数，需要督办。",
           "积压工单中 期末时点 ≤ 办结时限 ≤ 下 {soon} 个工作日结束 的工单数", "件", "down", "int", _T),
    Metric("on_time_rate", "按期办结率", "On-time closure rate", "期间内办结的工单中，在办结时限（含延期）之前办结的比例。",
           "按期办结数 ÷ 期间办结数", "%", "up", "pct", _T, threshold=0.90,
           numerator="closed_on_time", denominator="closed"),
    Metric("response_rate", "响应率", "Response rate", "有效回访中，诉求人表示承办单位联系过自己的比例。",
           "已联系数 ÷ 有效回访数（期间内办结的工单）", "%", "up", "pct", _T, threshold=0.95,
           numerator="contacted", denominator="visited"),
    Metric("resolution_rate", "解决率", "Resolution rate", "有效回访中，诉求人表示问题已解决的比例。",
           "已解决数 ÷ 有效回访数（期间内办结的工单）", "%", "up", "pct", _T, threshold=0.80,
           numerator="resolved", denominator="visited"),
    Metric("satisfaction_rate", "满意率", "Satisfaction rate", "有效回访中诉求人的满意程度，“基本满意”按 {k} 折算。",
           "（满意数 + {k} × 基本满意数）÷ 有效回访数", "%", "up", "pct", _T, threshold=0.85,
           numerator="satisfied", denominator="visited"),
    Metric("composite_score", "三率综合得分", "Composite score (3 rates)",
           "响应率、解决率、满意率按权重合成的综合得分，满分 100，用于排名和红黑榜。",
           "100 ×（{w1}×响应率 + {w2}×解决率 + {w3}×满意率）", "分", "up", "score", _T, threshold=85,
           denominator="visited"),
    Metric("repeat_rate", "重复诉求率", "Repeat-request rate", "期间受理的工单中，同一诉求人就同一问题再次反映的比例。",
           "重复诉求数 ÷ 受理量", "%", "down", "pct", _T, threshold=0.10, numerator="repeat_count", denominator="created"),
    Metric("return_rate", "退单率", "Return rate", "期间受理的工单中，被承办单位退回重新派单过的比例。",
           "有退单的工单数 ÷ 受理量", "%", "down", "pct", _T, threshold=0.05, numerator="returned_count", denominator="created"),
    Metric("extension_rate", "延期率", "Extension rate", "期间受理的工单中，申请并获准延期的比例。",
           "有延期的工单数 ÷ 受理量", "%", "down", "pct", _T, threshold=0.10, numerator="extended_count", denominator="created"),
    Metric("proactive_rate", "主动发现率", "Proactive share", "期间受理的工单中，由网格员主动发现、未诉先办的比例。",
           "主动发现工单数 ÷ 受理量", "%", "up", "pct", _T, numerator="proactive_count", denominator="created"),
    Metric("duration_median", "办理时长", "Handling time (median)", "期间内办结工单从受理到办结经过的工作日数的中位数（一半工单快于它）。",
           "办结日与受理日之间的工作日数，取中位数（法定节假日不计，调休上班日计入）", "工作日", "down", "dec1", _T,
           denominator="closed"),
    Metric("duration_p90", "办理时长 P90", "Handling time (P90)", "九成工单能在这么多个工作日内办结。",
           "办结日与受理日之间的工作日数，取第 90 百分位", "工作日", "down", "dec1", _T, threshold=7, denominator="closed"),
    # -- grids (queries/grid_metrics.sql) ----------------------------------------------------------
    Metric("grid_count", "网格数", "Grids", "范围内划分的网格数（综合网格与专属网格）。", "网格数", "个", "neutral", "int", "grid_metrics"),
    Metric("fulltime_coverage", "专职网格员配备率", "Grids with a full-time worker",
           "配有在岗专职网格员的网格所占比例；没有专职网格员的网格需要补齐。",
           "有在岗专职网格员的网格数 ÷ 网格数", "%", "up", "pct", "grid_metrics", threshold=0.95,
           numerator="grids_with_fulltime", denominator="grid_count"),
    Metric("households_per_grid", "网格平均户数", "Households per grid", "综合网格平均承担的户数。",
           "综合网格户数合计 ÷ 综合网格数", "户", "neutral", "int", "grid_metrics"),
    # -- social organizations (queries/org_metrics.sql) --------------------------------------------
    Metric("orgs_active", "社会组织数", "Active social organizations", "期末存续的社会组织数（含社区社会组织）。",
           "登记日期 ≤ 期末、且期末时未注销的组织数", "个", "up", "int", "org_metrics"),
    Metric("orgs_per_10k", "每万人社会组织数", "Organizations per 10,000 residents",
           "每万名常住人口拥有的社会组织数，目标 {org_target} 个。", "社会组织数 ÷ 常住人口 × 10000", "个/万人",
           "up", "dec2", "org_metrics", threshold_setting="org_per_10k_target",
           numerator="orgs_active", denominator="population"),
    Metric("orgs_high_rating_share", "3A 以上占比", "Share rated 3A+",
           "存续组织中评估等级在 {high} 及以上、且评估未过期（{valid} 年内）的比例。",
           "有效等级 ≥ {high} 的组织数 ÷ 社会组织数", "%", "up", "pct", "org_metrics",
           numerator="orgs_high_rating", denominator="orgs_active"),
    Metric("community_orgs", "社区社会组织数", "Community social organizations",
           "期末存续、在街道/乡镇备案的社区社会组织数（社会组织数的一部分）。",
           "组织类型为社区社会组织、登记日期 ≤ 期末且期末时未注销的组织数", "个", "up", "int", "org_metrics"),
    # -- community social organizations against the targets (queries/community_org_coverage.sql) -------
    Metric("community_org_target_rate", "社区社会组织达标率", "Communities meeting the target",
           "社区社会组织数达到目标的社区/村所占比例：城市社区（居委会）不少于 {urban} 个，农村社区（村）不少于 {rural} 个。",
           "达标的社区/村数 ÷ 社区/村数（只计登记到社区/村一级的社区社会组织）", "%", "up", "pct",
           "community_org_coverage", numerator="communities_meeting_target", denominator="communities"),
    Metric("community_orgs_per_community", "社区平均社区社会组织数", "Community organizations per community",
           "平均每个社区/村拥有的社区社会组织数；目标为城市社区 {urban} 个、村 {rural} 个。",
           "登记到社区/村一级的社区社会组织数 ÷ 社区/村数", "个", "up", "dec1", "community_org_coverage",
           numerator="community_orgs_in_communities", denominator="communities"),
    # -- committee assessment (queries/assessment_summary.sql) -------------------------------------
    Metric("assessment_avg", "考核平均分", "Average assessment score", "所选考核轮次中范围内居委会/村委会总分的平均值（满分 100）。",
           "各社区/村总分之和 ÷ 参评社区/村数", "分", "up", "score", "assessment_summary", threshold=75,
           denominator="assessed"),
    Metric("assessment_failed", "不合格数", "Committees failing", "所选考核轮次中总分低于“基本合格”分档线的居委会/村委会数。",
           "总分 < 最低合格分档线的社区/村数", "个", "down", "int", "assessment_summary", threshold=0,
           denominator="assessed"),
    Metric("assessment_excellent", "优秀数", "Committees rated excellent",
           "所选考核轮次中总分达到最高一档（优秀）分档线的居委会/村委会数。",
           "总分 ≥ 优秀分档线的社区/村数", "个", "up", "int", "assessment_summary", denominator="assessed"),
    Metric("assessment_excellent_rate", "优秀率", "Share rated excellent",
           "所选考核轮次中等级为最高一档（优秀）的居委会/村委会所占比例。",
           "优秀的社区/村数 ÷ 参评社区/村数", "%", "up", "pct", "assessment_summary",
           numerator="assessment_excellent", denominator="assessed"),
    # -- one committee's result (queries/assessment_scores.sql) ------------------------------------------
    Metric("assessment_total", "考核总分", "Assessment total score",
           "一个居委会/村委会在所选考核轮次中各项指标得分之和（满分 100），用于排名、红黑榜和定等级。",
           "各项指标得分之和", "分", "up", "score", "assessment_scores", column="total"),
    # -- against the previous round (queries/assessment_changes.sql) -------------------------------------
    Metric("assessment_upgraded", "升档数", "Committees moving up a grade",
           "与上一轮相比等级提高的居委会/村委会数（两轮都参评的才比较）。",
           "本轮等级高于上一轮的社区/村数（两轮都按当前分档线定等级）", "个", "up", "int", "assessment_changes",
           denominator="compared"),
    Metric("assessment_downgraded", "降档数", "Committees dropping a grade",
           "与上一轮相比等级下降的居委会/村委会数（两轮都参评的才比较），需要重点督促。",
           "本轮等级低于上一轮的社区/村数（两轮都按当前分档线定等级）", "个", "down", "int", "assessment_changes",
           threshold=0, denominator="compared"),
)}


def metric(key: str) -> Metric:
    try:
        return REGISTRY[key]
    except KeyError:
        raise KeyError(f"指标 {key!r} 不在注册表中（dashboard/metrics.py）") from None
