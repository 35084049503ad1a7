"""指标注册表 — the one place where everything about a metric lives: its names, definition,
formula text, unit, direction, display and table format, the labels of the counts behind it
(numerator / denominator), the minimum sample for ranking it, its alert threshold and its
map classes, and which query column computes it. The rules are explained in docs/metrics.md.

The *computation* of each metric lives in exactly one ``queries/*.sql`` file (named by
``Metric.query``, in the column ``Metric.column``); pages, tooltips, tables, exports, slides
and the brief read names, definitions and formatting from here and never define a metric again.

Thresholds and minimum samples are the defaults of this registry; a city may override any of
them in ``[thresholds]`` / ``[ranking.min_sample]`` of ``config/settings.toml``. Texts that
depend on configuration (三率 weights, the 基本满意 factor, targets) are templates filled
from the settings.

Every number the product shows goes through ``format_number``: 四舍五入 (half-up) on the exact
decimal value, thousands separators, never "−0.0".
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Literal

from dashboard.core.config import Settings, settings as current_settings

Direction = Literal["up", "down", "neutral"]  # up: higher is better; down: lower is better
Format = Literal["int", "pct", "score", "dec1", "dec2"]

# -- numbers ---------------------------------------------------------------------------------------------------
# Values arrive as binary floats (207/400 = 0.5175 is stored as 0.51749999999999996...). Reading a float to
# 12 significant digits gives back the decimal the computation meant (0.5175; 75.24999999999999 → 75.25):
# binary noise is ~1e-16 relative, while two different ratios of counts below a million differ by far more
# than 1e-12. Integers and Decimals are taken as they are. Then 四舍五入 (ROUND_HALF_UP) to the shown digits.
SIGNIFICANT = 12


def exact(value) -> Decimal | None:
    """The decimal value a number stands for (None for None, NaN, ±inf and non-numbers)."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, Decimal):
        return value if value.is_finite() else None
    if isinstance(value, int):
        return Decimal(value)
    try:
        f = float(value)
    except (TypeError, ValueError):
        return None
    if math.isnan(f) or math.isinf(f):
        return None
    if f == int(f) and abs(f) < 1e15:
        return Decimal(int(f))
    try:
        return Decimal(format(f, f".{SIGNIFICANT}g"))
    except InvalidOperation:  # pragma: no cover - format() of a finite float is always a valid decimal
        return None


def round_half_up(value, decimals: int = 0, scale: int = 1) -> Decimal | None:
    """``value × scale`` rounded half-up to ``decimals`` places, never negative zero."""
    d = exact(value)
    if d is None:
        return None
    r = (d * scale).quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
    return r.copy_abs() if r == 0 else r


def format_number(value, decimals: int = 0, *, scale: int = 1, sign: bool = False, unit: str = "",
                  thousands: bool = True) -> str:
    """The product's one number format: half-up to ``decimals`` places of ``value × scale``, thousands
    separators, "+" before positive values if ``sign``, no "−0.0"; "—" when there is no value.
    ``unit`` is appended with a space, except "%" which is appended directly."""
    r = round_half_up(value, decimals, scale)
    if r is None:
        return "—"
    text = f"{r:,.{decimals}f}" if thousands else f"{r:.{decimals}f}"
    if sign and r > 0:
        text = "+" + text
    if not unit:
        return text
    return f"{text}{unit}" if unit == "%" else f"{text} {unit}"


def table_number(value, decimals: int = 0, scale: int = 1) -> float | None:
    """A number for a table cell or a spreadsheet: already rounded half-up as it is displayed, so the
    table's own formatting (printf) only adds separators and never rounds again."""
    r = round_half_up(value, decimals, scale)
    return None if r is None else float(r)


# (decimals, scale) of each display format; pct values are stored as fractions and shown ×100.
_DIGITS: dict[str, tuple[int, int]] = {"int": (0, 1), "pct": (1, 100), "score": (1, 1), "dec1": (1, 1), "dec2": (2, 1)}

# Names of the count columns that appear beside metric values (the numbers behind a rate): the short
# form for a KPI card's line ("按期办结 9 / 办结 11"), the same words as table headers.
COUNT_LABELS = {
    "closed_on_time": "按期办结", "closed": "办结", "visited": "有效回访", "contacted": "已联系", "resolved": "已解决",
    "satisfied": "满意", "basic_satisfied": "基本满意", "created": "受理", "population": "常住人口",
    "repeat_count": "重复诉求", "returned_count": "退单", "extended_count": "延期", "proactive_count": "主动发现",
    "grids_with_fulltime": "有专职网格员的网格", "grid_count": "网格", "orgs_active": "社会组织",
    "orgs_registered": "登记社会组织", "orgs_high_rating": "3A 以上组织", "communities": "社区/村",
    "communities_meeting_target": "达标社区/村", "community_orgs_in_communities": "社区社会组织",
    "assessed": "参评社区/村", "assessment_excellent": "优秀", "compared": "两轮均参评",
    "due": "应办结", "due_on_time": "按期办结",
}


def count_label(column: str, cfg: Settings | None = None) -> str:
    """The name of a count column; the two 按期办结率 columns name the configured basis."""
    if column in ("on_time_num", "on_time_den"):
        due = (cfg or current_settings()).on_time_basis == "due"
        return ("按期办结" if column == "on_time_num" else "应办结") if due else \
            ("按期办结" if column == "on_time_num" else "办结")
    return COUNT_LABELS.get(column, column)


@dataclass(frozen=True)
class Change:
    """A change against the comparison period as shown: text, arrow and whether it is good."""
    text: str  # "+0.3 个百分点", "0.0", "+1,510（+22.3%）", "对比期无数据"
    arrow: Literal["up", "down", "off"]
    good: bool | None  # None: neutral, zero or no comparison
    delta: Decimal | None = None  # the change as displayed (rounded), None without a comparison

    @property
    def color(self) -> str:
        return "gray" if self.good is None else ("green" if self.good else "red")


NO_COMPARISON = Change("对比期无数据", "off", None)


@dataclass(frozen=True, kw_only=True)
class Metric:
    key: str
    zh: str  # name in the product
    en: str
    definition: str  # plain-language meaning for leaders (may use {settings} fields)
    formula: str  # how it is computed, in words (may use {settings} fields)
    unit: str
    direction: Direction
    fmt: Format  # display format: int / pct (fraction shown ×100 with one decimal) / score / dec1 / dec2
    query: str  # queries/<query>.sql computes it …
    column: str = ""  # … in this column (defaults to key)
    threshold: float | None = None  # alert when worse than this
    threshold_setting: str | None = None  # or: the Settings attribute holding the threshold
    numerator: str | None = None  # result columns to show with the value ("denominators matter")
    denominator: str | None = None
    weighted_term: str | None = None  # a count added to the numerator with the factor k (满意率: + k × 基本满意)
    min_sample: int | None = None  # fewest units in the denominator for the value to be ranked (样本不足 below)
    map_breaks: tuple[float, ...] = ()  # fixed map class breaks (ascending), the same at every scope
    relative_change: bool = False  # show the relative change (+12.3 %) beside the absolute one
    severity_base: str | None = None  # for an alert line of 0 (超期 > 0): the count the breach is a share of

    @property
    def col(self) -> str:
        return self.column or self.key

    @property
    def decimals(self) -> int:
        return _DIGITS[self.fmt][0]

    @property
    def scale(self) -> int:
        return _DIGITS[self.fmt][1]

    @property
    def table_header(self) -> str:
        """A table or spreadsheet header with the unit, e.g. "三率综合得分（分）", "按期办结率（%）"."""
        return f"{self.zh}（{self.unit}）" if self.unit else self.zh

    @property
    def table_format(self) -> str:
        """printf format of a table column holding ``table_value`` (thousands separators, fixed digits)."""
        return "%,d" if self.decimals == 0 else f"%,.{self.decimals}f"

    def _fill(self, text: str, cfg: Settings) -> str:
        w = cfg.composite_weights
        return text.format(k=f"{cfg.basic_satisfied_factor:g}", w1=f"{w['response']:g}", w2=f"{w['resolution']:g}",
                           w3=f"{w['satisfaction']:g}", org_target=f"{cfg.org_per_10k_target:g}",
                           urban=cfg.community_orgs_urban_target, rural=cfg.community_orgs_rural_target,
                           high=cfg.high_rating, valid=cfg.rating_valid_years, soon=cfg.due_soon_workdays,
                           on_time_definition=ON_TIME_DEFINITIONS[cfg.on_time_basis],
                           on_time_formula=ON_TIME_FORMULAS[cfg.on_time_basis])

    def definition_text(self, cfg: Settings | None = None) -> str:
        return self._fill(self.definition, cfg or current_settings())

    def formula_text(self, cfg: Settings | None = None) -> str:
        return self._fill(self.formula, cfg or current_settings())

    def formula_line(self, cfg: Settings | None = None) -> str:
        """“满意率 =（满意数 + 0.8 × 基本满意数）÷ 有效回访数” — the formula with the metric's name."""
        return f"{self.zh} = {self.formula_text(cfg)}"

    def alert_threshold(self, cfg: Settings | None = None) -> float | None:
        cfg = cfg or current_settings()
        if self.key in cfg.thresholds:
            return cfg.thresholds[self.key]
        if self.threshold_setting:
            return float(getattr(cfg, self.threshold_setting))
        return self.threshold

    def minimum_sample(self, cfg: Settings | None = None) -> int | None:
        """The fewest units in the denominator for this metric to be ranked (config overrides the registry)."""
        cfg = cfg or current_settings()
        if self.key in cfg.min_sample:
            return cfg.min_sample[self.key] or None
        return self.min_sample

    def sample_ok(self, denominator_value, cfg: Settings | None = None) -> bool:
        need = self.minimum_sample(cfg)
        if need is None or not self.denominator:
            return True
        d = exact(denominator_value)
        return d is not None and d >= need

    def alert_word(self) -> str:
        return "低于" if self.direction == "up" else "高于"

    def help(self, cfg: Settings | None = None) -> str:
        """Hover text: definition, formula, the alert threshold and the minimum sample."""
        cfg = cfg or current_settings()
        parts = [self.definition_text(cfg), f"计算：{self.formula_text(cfg)}"]
        t = self.alert_threshold(cfg)
        if t is not None:
            parts.append(f"预警：{self.alert_word()} {self.format(t)}")
        need = self.minimum_sample(cfg)
        if need and self.denominator:
            parts.append(f"{count_label(self.denominator, cfg)}不足 {need:,} 时记为“样本不足”，不参与排名。")
        return "\n\n".join(parts)

    def format(self, value, with_unit: bool = True) -> str:
        """The value as shown: half-up at the display precision; "%" always follows a rate."""
        unit = "%" if self.fmt == "pct" else (self.unit if with_unit else "")
        return format_number(value, self.decimals, scale=self.scale, unit=unit)

    def table_value(self, value) -> float | None:
        """The value for a table cell or spreadsheet: percent for rates, rounded as displayed."""
        return table_number(value, self.decimals, self.scale)

    def is_alert(self, value, cfg: Settings | None = None) -> bool:
        """Worse than the alert line, compared as displayed (a 84.96 shown as 85.0 is not below 85)."""
        t = self.alert_threshold(cfg)
        v = round_half_up(value, self.decimals, self.scale)
        if t is None or v is None or self.direction == "neutral":
            return False
        line = exact(t) * self.scale
        return v < line if self.direction == "up" else v > line

    def severity(self, value, row=None, cfg: Settings | None = None) -> float:
        """How far a value is past the alert line, as a share of the line (0.10 = 10 % worse than the line);
        for a line of 0, the share of ``severity_base`` in ``row`` (超期 / 积压). 0 when not past the line."""
        if not self.is_alert(value, cfg):
            return 0.0
        t, v = float(self.alert_threshold(cfg)), float(value)
        if t != 0:
            return abs(v - t) / abs(t)
        base = exact(_cell(row, self.severity_base)) if row is not None and self.severity_base else None
        return v / float(base) if base else 1.0

    def change_is_good(self, delta) -> bool | None:
        """True if this change is an improvement, False if it is worse, None if neutral/zero."""
        d = exact(delta)
        if d is None or d == 0 or self.direction == "neutral":
            return None
        return (d > 0) == (self.direction == "up")

    def change(self, value, previous) -> Change:
        """The change from ``previous`` to ``value`` as shown: computed on exact decimals, rounded half-up
        at the display precision (percentage points for rates); a change that rounds to zero is "0.0" with
        no arrow and no colour. Counts also show the relative change (+12.3%)."""
        now, before = exact(value), exact(previous)
        if now is None or before is None:
            return NO_COMPARISON
        delta = round_half_up(now - before, self.decimals, self.scale)
        unit = " 个百分点" if self.fmt == "pct" else ""
        if delta == 0:
            return Change(format_number(0, self.decimals) + unit, "off", None, delta)
        text = format_number(delta, self.decimals, sign=True) + unit
        if self.relative_change and before != 0:
            text += f"（{format_number((now - before) / before, 1, scale=100, sign=True, unit='%')}）"
        good = None if self.direction == "neutral" else (delta > 0) == (self.direction == "up")
        return Change(text, "up" if delta > 0 else "down", good, delta)

    def format_delta(self, delta) -> str:
        """A change given as a number: signed, half-up at the display precision (percentage points for rates)."""
        r = round_half_up(delta, self.decimals, self.scale)
        if r is None:
            return "—"
        return format_number(r, self.decimals, sign=True) + (" 个百分点" if self.fmt == "pct" else "")

    def count_note(self, row, cfg: Settings | None = None) -> str:
        """The counts behind a value, the numerator as the rate really uses it, e.g. "按期办结 9 / 办结 11",
        "满意 4,408 + 0.8×基本满意 812 / 有效回访 5,544"."""
        if row is None:
            return ""
        cfg = cfg or current_settings()

        def count(c: str) -> str | None:
            v = _cell(row, c)
            return None if v is None else f"{count_label(c, cfg)} {format_number(v)}"

        parts = []
        if self.numerator and count(self.numerator):
            top = count(self.numerator)
            if self.weighted_term and count(self.weighted_term):
                top += f" + {cfg.basic_satisfied_factor:g}×{count(self.weighted_term)}"
            parts.append(top)
        if self.denominator and count(self.denominator):
            parts.append(count(self.denominator))
        return " / ".join(parts)


def _cell(row, column: str):
    try:
        v = row[column]
    except (KeyError, IndexError, TypeError):
        return None
    return None if exact(v) is None else v


def format_value(value, fmt: Format, unit: str = "") -> str:
    """A value in one of the registry's display formats (kept for callers without a Metric)."""
    decimals, scale = _DIGITS[fmt]
    return format_number(value, decimals, scale=scale, unit="%" if fmt == "pct" else unit)


# 按期办结率 on the two bases ([tickets] on_time_basis; docs/metrics.md says why "due" is the default).
ON_TIME_DEFINITIONS = {
    "due": "按应办结口径：办结时限（含延期）落在期间内的工单中，在时限前办结的比例；到期仍未办结或超时办结的都算未按期。",
    "closed": "按已办结口径：期间内办结的工单中，在办结时限（含延期）之前办结的比例（未办结的工单不计入）。",
}
ON_TIME_FORMULAS = {"due": "按期办结数 ÷ 应办结数（办结时限在期间内的工单）", "closed": "按期办结数 ÷ 期间办结数"}


_T = "ticket_metrics"
_VISITS = 30  # default minimum 有效回访 for the 三率 (docs/metrics.md: below ~30 one call moves a rate by >3 points)
REGISTRY: dict[str, Metric] = {m.key: m for m in (
    # -- tickets (queries/ticket_metrics.sql) ------------------------------------------------
    Metric(key="created", zh="受理量", en="Tickets received",
           definition="期间内受理的诉求工单数（12345 热线、网格员上报、网上/APP）。",
           formula="受理时间在期间内的工单数", unit="件", direction="neutral", fmt="int", query=_T, relative_change=True),
    Metric(key="per_1000", zh="千人诉求量", en="Tickets per 1,000 residents",
           definition="每千名常住人口的诉求量，便于比较人口规模不同的区域。",
           formula="受理量 ÷ 常住人口 × 1000", unit="件/千人", direction="down", fmt="dec2", query=_T,
           numerator="created", denominator="population"),
    Metric(key="closed", zh="办结量", en="Tickets closed", definition="期间内办结的工单数。",
           formula="办结时间在期间内的工单数", unit="件", direction="neutral", fmt="int", query=_T, relative_change=True),
    Metric(key="backlog", zh="积压", en="Backlog", definition="期末仍未办结的工单数（含期间之前受理的）。",
           formula="受理时间早于期末、且期末时尚未办结的工单数", unit="件", direction="down", fmt="int", query=_T,
           relative_change=True, map_breaks=(1, 10, 50, 200)),
    Metric(key="overdue", zh="超期", en="Overdue",
           definition="期末仍未办结且已过办结时限的工单数（时限按工作日计，含延期顺延）。",
           formula="积压工单中 办结时限 < 期末时点 的工单数", unit="件", direction="down", fmt="int", query=_T,
           threshold=0, relative_change=True, map_breaks=(1, 10, 50, 200), severity_base="backlog"),
    Metric(key="due_soon", zh="即将超期", en="Due soon",
           definition="期末仍未办结、将在 {soon} 个工作日内到期的工单数，需要督办。",
           formula="积压工单中 期末时点 ≤ 办结时限 ≤ 下 {soon} 个工作日结束 的工单数", unit="件", direction="down",
           fmt="int", query=_T, relative_change=True),
    Metric(key="on_time_rate", zh="按期办结率", en="On-time closure rate",
           definition="{on_time_definition}", formula="{on_time_formula}",
           unit="%", direction="up", fmt="pct", query=_T, threshold=0.90,
           numerator="on_time_num", denominator="on_time_den", min_sample=30),
    Metric(key="response_rate", zh="响应率", en="Response rate",
           definition="有效回访中，诉求人表示承办单位联系过自己的比例。",
           formula="已联系数 ÷ 有效回访数（期间内办结的工单）", unit="%", direction="up", fmt="pct", query=_T,
           threshold=0.95, numerator="contacted", denominator="visited", min_sample=_VISITS),
    Metric(key="resolution_rate", zh="解决率", en="Resolution rate",
           definition="有效回访中，诉求人表示问题已解决的比例。",
           formula="已解决数 ÷ 有效回访数（期间内办结的工单）", unit="%", direction="up", fmt="pct", query=_T,
           threshold=0.80, numerator="resolved", denominator="visited", min_sample=_VISITS),
    Metric(key="satisfaction_rate", zh="满意率", en="Satisfaction rate",
           definition="有效回访中诉求人的满意程度，“基本满意”按 {k} 折算。",
           formula="（满意数 + {k}×基本满意数）÷ 有效回访数", unit="%", direction="up", fmt="pct", query=_T,
           threshold=0.85, numerator="satisfied", weighted_term="basic_satisfied", denominator="visited",
           min_sample=_VISITS, map_breaks=(0.75, 0.85, 0.90, 0.95)),
    Metric(key="composite_score", zh="三率综合得分", en="Composite score (3 rates)",
           definition="响应率、解决率、满意率按权重合成的综合得分，满分 100，用于排名和红黑榜。",
           formula="100 ×（{w1}×响应率 + {w2}×解决率 + {w3}×满意率）", unit="分", direction="up", fmt="score",
           query=_T, threshold=85, denominator="visited", min_sample=_VISITS, map_breaks=(75, 85, 90, 95)),
    Metric(key="repeat_rate", zh="重复诉求率", en="Repeat-request rate",
           definition="期间受理的工单中，同一诉求人就同一问题再次反映的比例。",
           formula="重复诉求数 ÷ 受理量", unit="%", direction="down", fmt="pct", query=_T, threshold=0.10,
           numerator="repeat_count", denominator="created", min_sample=30),
    Metric(key="return_rate", zh="退单率", en="Return rate",
           definition="期间受理的工单中，被承办单位退回重新派单过的比例。",
           formula="有退单的工单数 ÷ 受理量", unit="%", direction="down", fmt="pct", query=_T, threshold=0.05,
           numerator="returned_count", denominator="created", min_sample=30),
    Metric(key="extension_rate", zh="延期率", en="Extension rate",
           definition="期间受理的工单中，申请并获准延期的比例。",
           formula="有延期的工单数 ÷ 受理量", unit="%", direction="down", fmt="pct", query=_T, threshold=0.10,
           numerator="extended_count", denominator="created", min_sample=30),
    Metric(key="proactive_rate", zh="主动发现率", en="Proactive share",
           definition="期间受理的工单中，由网格员主动发现、未诉先办的比例。",
           formula="主动发现工单数 ÷ 受理量", unit="%", direction="up", fmt="pct", query=_T,
           numerator="proactive_count", denominator="created", min_sample=30),
    Metric(key="duration_median", zh="办理时长", en="Handling time (median)",
           definition="期间内办结工单从受理到办结经过的工作日数的中位数（一半工单快于它）。",
           formula="办结日与受理日之间的工作日数，取中位数（法定节假日不计，调休上班日计入）", unit="工作日",
           direction="down", fmt="dec1", query=_T, denominator="closed"),
    Metric(key="duration_p90", zh="办理时长 P90", en="Handling time (P90)", definition="九成工单能在这么多个工作日内办结。",
           formula="办结日与受理日之间的工作日数，取第 90 百分位", unit="工作日", direction="down", fmt="dec1", query=_T,
           threshold=7, denominator="closed"),
    # -- grids (queries/grid_metrics.sql) ----------------------------------------------------------
    Metric(key="grid_count", zh="网格数", en="Grids", definition="范围内划分的网格数（综合网格与专属网格）。",
           formula="网格数", unit="个", direction="neutral", fmt="int", query="grid_metrics"),
    Metric(key="fulltime_coverage", zh="专职网格员配备率", en="Grids with a full-time worker",
           definition="配有在岗专职网格员的网格所占比例；没有专职网格员的网格需要补齐。",
           formula="有在岗专职网格员的网格数 ÷ 网格数", unit="%", direction="up", fmt="pct", query="grid_metrics",
           threshold=0.95, numerator="grids_with_fulltime", denominator="grid_count",
           map_breaks=(0.80, 0.90, 0.95, 1.0)),
    Metric(key="households_per_grid", zh="网格平均户数", en="Households per grid", definition="综合网格平均承担的户数。",
           formula="综合网格户数合计 ÷ 综合网格数", unit="户", direction="neutral", fmt="int", query="grid_metrics"),
    # -- social organizations (queries/org_metrics.sql) --------------------------------------------
    Metric(key="orgs_active", zh="社会组织数", en="Active social organizations",
           definition="期末存续的社会组织数（含在街道/乡镇备案的社区社会组织）。",
           formula="登记日期 ≤ 期末、且期末时未注销的组织数", unit="个", direction="up", fmt="int",
           query="org_metrics", relative_change=True),
    Metric(key="orgs_registered", zh="登记社会组织数", en="Registered social organizations",
           definition="期末存续、在民政部门登记的社会组织数：社会团体、社会服务机构（民办非企业单位）、基金会；"
                      "不含在街道/乡镇备案的社区社会组织。",
           formula="组织类型不是社区社会组织、登记日期 ≤ 期末且期末时未注销的组织数", unit="个", direction="up",
           fmt="int", query="org_metrics", relative_change=True),
    Metric(key="orgs_per_10k", zh="每万人社会组织数", en="Registered organizations per 10,000 residents",
           definition="每万名常住人口拥有的登记社会组织数（社会团体、社会服务机构、基金会），目标 {org_target} 个；"
                      "社区社会组织不计入，另按社区/村的目标考核。",
           formula="登记社会组织数 ÷ 常住人口 × 10000", unit="个/万人", direction="up", fmt="dec2",
           query="org_metrics", threshold_setting="org_per_10k_target", numerator="orgs_registered",
           denominator="population", map_breaks=(3, 5, 7, 10)),
    Metric(key="orgs_high_rating_share", zh="3A 以上占比", en="Share rated 3A+",
           definition="存续的登记社会组织中评估等级在 {high} 及以上、且评估未过期（{valid} 年内）的比例。",
           formula="有效等级 ≥ {high} 的登记社会组织数 ÷ 社会组织数", unit="%", direction="up", fmt="pct",
           query="org_metrics", numerator="orgs_high_rating", denominator="orgs_active"),
    Metric(key="community_orgs", zh="社区社会组织数", en="Community social organizations",
           definition="期末存续、在街道/乡镇备案的社区社会组织数（不计入每万人社会组织数）。",
           formula="组织类型为社区社会组织、登记日期 ≤ 期末且期末时未注销的组织数", unit="个", direction="up",
           fmt="int", query="org_metrics", relative_change=True),
    # -- community social organizations against the targets (queries/community_org_coverage.sql) -------
    Metric(key="community_org_target_rate", zh="社区社会组织达标率", en="Communities meeting the target",
           definition="社区社会组织数达到目标的社区/村所占比例：城市社区（居委会）不少于 {urban} 个，农村社区（村）不少于 {rural} 个。",
           formula="达标的社区/村数 ÷ 社区/村数（只计登记到社区/村一级的社区社会组织）", unit="%", direction="up",
           fmt="pct", query="community_org_coverage", numerator="communities_meeting_target",
           denominator="communities"),
    Metric(key="community_orgs_per_community", zh="社区平均社区社会组织数", en="Community organizations per community",
           definition="平均每个社区/村拥有的社区社会组织数；目标为城市社区 {urban} 个、村 {rural} 个。",
           formula="登记到社区/村一级的社区社会组织数 ÷ 社区/村数", unit="个", direction="up", fmt="dec1",
           query="community_org_coverage", numerator="community_orgs_in_communities", denominator="communities"),
    # -- committee assessment (queries/assessment_summary.sql) -------------------------------------
    Metric(key="assessment_avg", zh="考核平均分", en="Average assessment score",
           definition="所选考核轮次中范围内居委会/村委会总分的平均值（满分 100）。",
           formula="各社区/村总分之和 ÷ 参评社区/村数", unit="分", direction="up", fmt="score",
           query="assessment_summary", threshold=75, denominator="assessed", map_breaks=(60, 75, 85, 90)),
    Metric(key="assessment_failed", zh="不合格数", en="Committees failing",
           definition="所选考核轮次中总分低于“基本合格”分档线的居委会/村委会数。",
           formula="总分 < 最低合格分档线的社区/村数", unit="个", direction="down", fmt="int", query="assessment_summary",
           threshold=0, denominator="assessed", severity_base="assessed"),
    Metric(key="assessment_excellent", zh="优秀数", en="Committees rated excellent",
           definition="所选考核轮次中总分达到最高一档（优秀）分档线的居委会/村委会数。",
           formula="总分 ≥ 优秀分档线的社区/村数", unit="个", direction="up", fmt="int", query="assessment_summary",
           denominator="assessed"),
    Metric(key="assessment_excellent_rate", zh="优秀率", en="Share rated excellent",
           definition="所选考核轮次中等级为最高一档（优秀）的居委会/村委会所占比例。",
           formula="优秀的社区/村数 ÷ 参评社区/村数", unit="%", direction="up", fmt="pct", query="assessment_summary",
           numerator="assessment_excellent", denominator="assessed"),
    # -- one committee's result (queries/assessment_scores.sql) ------------------------------------------
    Metric(key="assessment_total", zh="考核总分", en="Assessment total score",
           definition="一个居委会/村委会在所选考核轮次中各项指标得分之和（满分 100），用于排名、红黑榜和定等级。",
           formula="各项指标得分之和（按精确小数相加）", unit="分", direction="up", fmt="score", query="assessment_scores",
           column="total"),
    # -- against the previous round (queries/assessment_changes.sql) -------------------------------------
    Metric(key="assessment_upgraded", zh="升档数", en="Committees moving up a grade",
           definition="与上一轮相比等级提高的居委会/村委会数（两轮都参评的才比较）。",
           formula="本轮等级高于上一轮的社区/村数（两轮都按当前分档线定等级）", unit="个", direction="up", fmt="int",
           query="assessment_changes", denominator="compared"),
    Metric(key="assessment_downgraded", zh="降档数", en="Committees dropping a grade",
           definition="与上一轮相比等级下降的居委会/村委会数（两轮都参评的才比较），需要重点督促。",
           formula="本轮等级低于上一轮的社区/村数（两轮都按当前分档线定等级）", unit="个", direction="down", fmt="int",
           query="assessment_changes", threshold=0, denominator="compared"),
)}


def metric(key: str) -> Metric:
    try:
        return REGISTRY[key]
    except KeyError:
        raise KeyError(f"指标 {key!r} 不在注册表中（dashboard/core/metrics.py）") from None


# -- a figure as a card shows it ----------------------------------------------------------------------
@dataclass(frozen=True)
class Kpi:
    metric: Metric
    value: float | None
    previous: float | None = None
    compare_label: str = ""  # e.g. "环比", "较上一轮"; "" when nothing is compared
    note: str = ""  # the counts behind the value, e.g. "按期办结 9 / 办结 11"
    compare_has_data: bool = True  # False: the comparison period lies (partly) before the data → 对比期无数据

    @property
    def change(self) -> Change:
        """The change as shown (text, arrow, good or bad); 对比期无数据 without a usable comparison."""
        if not self.compare_has_data:
            return NO_COMPARISON
        return self.metric.change(self.value, self.previous)

    @property
    def delta(self):
        """The change as displayed (rounded half-up; a Decimal), None without a comparison."""
        return self.change.delta
